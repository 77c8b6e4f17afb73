"""The detail of one regimen in one box of a flowchart (a non-modal dialog).

Shows what the regimen is (components with drug names from the glossary, classes), what this
box says about it (evidence for THIS leaf, tier, status, conditions, notes, footnotes, the
verbatim source quote and where it stands), the statement it rests on and where else that
statement is used, dated approval notes, trials and dosing notes. "Copy" puts a plain-text
summary on the clipboard with the app/content stamp; nothing about the patient is in it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.core.calculators.renal_dosing import MAINTENANCE_POINTER, MAINTENANCE_USES
from app.core.evidence import evidence_from_short
from app.core.flowchart.model import Figure, RecItem, RecommendationNode
from app.ui.widgets import approvals_html, trials_html

TIER_WORDS = {
    "preferred": "preferred",
    "other": "other option",
    "if-unavailable": "if unavailable",
    "conditional": "conditional",
}
DOSING = re.compile(
    r"\b(dose|doses|dosing|mg/m²|mg|schedule|weekly|biweekly|cycles?|step-up|dexamethasone only)\b", re.IGNORECASE
)


@dataclass
class Leaf:
    """One regimen in one box, as the flowchart shows it (evaluated or not)."""

    figure_id: str
    node_id: str
    node_title: str
    regimen: str
    tier: str
    evidence: list[tuple[str, str | None]]  # (tag as printed, qualifier)
    quote: str
    location: str
    substitutes_for: str | None = None
    interpretive: bool = False
    conditions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    statement: str | None = None
    status: str = "not evaluated"
    components: list[str] = field(default_factory=list)

    @property
    def evidence_text(self) -> str:
        parts = [f"{t} ({q})" if q else t for t, q in self.evidence]
        return " or ".join(parts) if parts else "no evidence tag"

    @property
    def tier_text(self) -> str:
        word = TIER_WORDS.get(self.tier, self.tier)
        return f"{word} (tier is this guide's reading of the text)" if self.interpretive else word


def leaf_from_rec(figure: Figure, rec: Any) -> Leaf:
    """A leaf from an evaluated recommendation (``RecommendationOut``)."""
    node = figure.node(rec.node)
    evidence: list[tuple[str, str | None]] = [(rec.evidence.text, None)] if rec.evidence is not None else []
    evidence += [(c.evidence.text, c.when) for c in rec.evidence_by_condition]
    interpretive = rec.interpretive_tier
    return Leaf(
        figure_id=figure.id,
        node_id=rec.node,
        node_title=_title(node),
        regimen=rec.regimen,
        tier=rec.tier,
        evidence=evidence,
        quote=rec.source.quote,
        location=rec.source.section,
        substitutes_for=rec.substitutes_for,
        interpretive=interpretive,
        conditions=list(rec.conditions),
        notes=list(rec.notes),
        footnotes=list(rec.footnotes),
        statement=rec.statement,
        status=rec.status,
        components=list(rec.components),
    )


def leaf_from_figure(figure: Figure, node_id: str, regimen: str, substitutes_for: str | None = None) -> Leaf:
    """A leaf straight from the figure, when the current answers do not reach it."""
    node = figure.node(node_id)
    if not isinstance(node, RecommendationNode):
        raise KeyError(node_id)
    for item in node.items:
        if substitutes_for is None and item.regimen == regimen:
            return _leaf_item(figure, node, item)
        if substitutes_for is not None and item.regimen == substitutes_for:
            for sub in item.substitutes:
                if sub.regimen == regimen:
                    ev = evidence_from_short(sub.evidence)
                    return Leaf(
                        figure_id=figure.id,
                        node_id=node.id,
                        node_title=_title(node),
                        regimen=sub.regimen,
                        tier="if-unavailable",
                        evidence=[(ev.text, None)],
                        quote=sub.source.quote,
                        location=sub.source.location,
                        substitutes_for=item.regimen,
                        conditions=[f"only if {item.regimen} is unavailable", *item.conditions],
                        notes=list(sub.notes),
                        footnotes=[figure.note(f).text for f in sub.footnotes],
                        statement=sub.statement,
                        status="not applicable with the current answers",
                    )
    raise KeyError((node_id, regimen, substitutes_for))


def _leaf_item(figure: Figure, node: RecommendationNode, item: RecItem) -> Leaf:
    evidence: list[tuple[str, str | None]] = []
    if item.evidence:
        evidence.append((evidence_from_short(item.evidence).text, None))
    evidence += [(evidence_from_short(r.evidence).text, r.label) for r in item.evidence_rules]
    conditions = list(item.conditions)
    if item.when is not None:
        conditions.append(f"Applies when: {item.when.describe()}")
    return Leaf(
        figure_id=figure.id,
        node_id=node.id,
        node_title=_title(node),
        regimen=item.regimen,
        tier=item.tier,
        evidence=evidence,
        quote=item.source.quote,
        location=item.source.location,
        interpretive=item.interpretive_tier,
        conditions=conditions,
        notes=list(item.notes),
        footnotes=[figure.note(f).text for f in item.footnotes],
        statement=item.statement,
        status="not applicable with the current answers",
    )


def _title(node: Any) -> str:
    return node.prompt if hasattr(node, "prompt") else node.title


def _figure_label(figure_id: str) -> str:
    return figure_id.replace("fig", "Fig. ")


@dataclass
class DetailContent:
    """Everything the dialog shows, gathered from the repository once."""

    leaf: Leaf
    name: str
    components: list[tuple[str, list[str]]]  # (drug name, drug classes)
    classes: list[str]
    statement: Any | None
    links: list[tuple[str, str, str, str, bool]]  # (figure, node title, regimen, via, is this leaf)
    approvals: list[Any]
    trials: list[Any]
    missing_trials: list[str]
    dosing_notes: list[str]
    glossary_notes: list[str]


def gather(guide: Any, leaf: Leaf) -> DetailContent:
    repo = guide.repo
    try:
        regimen = repo.regimen(leaf.regimen)
    except KeyError:
        regimen = None
    component_ids = leaf.components or (list(regimen.components) if regimen else [])
    components = []
    for cid in component_ids:
        try:
            drug = repo.drug(cid)
            components.append((drug.name, list(drug.classes)))
        except KeyError:
            components.append((cid, []))
    statement_id = leaf.statement
    if statement_id is None:
        via = "substitute" if leaf.substitutes_for else "item"
        for link in repo.links_for_node(leaf.figure_id, leaf.node_id):
            if link.regimen == leaf.regimen and link.via == via:
                statement_id = link.statement_id
                break
    statement = None
    links: list[tuple[str, str, str, str, bool]] = []
    if statement_id is not None:
        try:
            statement = repo.statement(statement_id)
        except KeyError:
            statement = None
        figures: dict[str, Figure] = {}
        for link in repo.links_for_statement(statement_id):
            fig = figures.get(link.figure) or guide.figure(link.figure)
            figures[link.figure] = fig
            try:
                title = _title(fig.node(link.node))
            except KeyError:
                title = link.node
            here = link.figure == leaf.figure_id and link.node == leaf.node_id and link.regimen == leaf.regimen
            links.append((link.figure, title, link.regimen, link.via, here))
    trials, missing = [], []
    for tid in regimen.trials if regimen else []:
        try:
            trials.append(repo.trial(tid))
        except KeyError:
            missing.append(tid)
    notes = list(regimen.notes) if regimen else []
    dosing = [n for n in notes if DOSING.search(n)]
    if leaf.regimen in MAINTENANCE_USES:
        dosing.insert(0, f"Lenalidomide dose — {MAINTENANCE_POINTER}")
    return DetailContent(
        leaf=leaf,
        name=regimen.name if regimen else leaf.regimen,
        components=components,
        classes=list(regimen.classes) if regimen else [],
        statement=statement,
        links=links,
        approvals=list(regimen.approval_notes) if regimen else [],
        trials=trials,
        missing_trials=missing,
        dosing_notes=dosing,
        glossary_notes=[n for n in notes if not DOSING.search(n)],
    )


def _e(text: Any) -> str:
    return html.escape(str(text))


def detail_html(c: DetailContent) -> str:
    leaf = c.leaf
    out = [f"<h2>{_e(leaf.regimen)} <span style='font-weight:normal'>— {_e(c.name)}</span></h2>"]
    if leaf.substitutes_for:
        out.append(f"<p><b>Named instead of {_e(leaf.substitutes_for)}</b> (for use if it is unavailable).</p>")
    comps = ", ".join(
        f"{_e(name)}" + (f" <i>({_e(', '.join(classes))})</i>" if classes else "") for name, classes in c.components
    )
    out.append(f"<p><b>Components:</b> {comps or '—'}<br><b>Classes:</b> {_e(', '.join(c.classes)) or '—'}</p>")
    out.append(f"<h3>In this box · {_e(_figure_label(leaf.figure_id))}</h3>")
    out.append(f"<p>{_e(leaf.node_title)}</p>")
    out.append("<table cellpadding='3'>")
    out.append(f"<tr><td><b>Evidence (this leaf)</b></td><td>{_e(leaf.evidence_text)}</td></tr>")
    out.append(f"<tr><td><b>Tier</b></td><td>{_e(leaf.tier_text)}</td></tr>")
    out.append(f"<tr><td><b>With the current answers</b></td><td>{_e(leaf.status)}</td></tr>")
    out.append("</table>")
    for heading, items in (("Conditions", leaf.conditions), ("Notes", leaf.notes), ("Footnotes", leaf.footnotes)):
        if items:
            out.append(f"<p><b>{heading}</b></p><ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>")
    out.append("<p><b>Source</b> — " + _e(leaf.location) + "</p>")
    out.append(f"<blockquote>“{_e(leaf.quote)}”</blockquote>")
    if c.statement is not None:
        s = c.statement
        if s.text == leaf.quote:
            out.append(f"<h3>The statement</h3><p>The source quote above ({_e(s.source.location)}).</p>")
        else:
            out.append(f"<h3>The statement</h3><blockquote>“{_e(s.text)}”</blockquote>")
            out.append(f"<p><i>{_e(s.source.location)}</i></p>")
        if c.links:
            rows = "".join(
                f"<li>{_e(_figure_label(fig))} · {_e(title)} · {_e(reg)}"
                + (" (as a substitute)" if via == "substitute" else "")
                + (" <b>(this box)</b>" if here else "")
                + "</li>"
                for fig, title, reg, via, here in c.links
            )
            out.append(f"<p><b>Where this statement is used</b></p><ul>{rows}</ul>")
    out.append(approvals_html(c.approvals))
    out.append(trials_html(c.trials, c.missing_trials))
    out.append("<h3>Dosing notes</h3>")
    out.append(
        "<p><b>Dosing card:</b> the label doses (EU SmPC and US label) and the doses for a patient are on the "
        "Regimens & dosing screen — the <i>Dosing card</i> button below opens it.</p>"
    )
    if c.dosing_notes:
        out.append("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in c.dosing_notes) + "</ul>")
    else:
        out.append("<p>The guideline gives no dosing notes for this regimen.</p>")
    if c.glossary_notes:
        out.append("<h3>Other notes</h3><ul>" + "".join(f"<li>{_e(n)}</li>" for n in c.glossary_notes) + "</ul>")
    return "".join(out)


def summary_text(c: DetailContent, stamp: str) -> str:
    """The plain-text copy: regimen, components, evidence, tier, conditions, quote, dosing notes, stamp."""
    leaf = c.leaf
    lines = [f"{leaf.regimen} — {c.name}"]
    if leaf.substitutes_for:
        lines.append(f"Instead of {leaf.substitutes_for} (if it is unavailable)")
    lines.append("Components: " + (", ".join(name for name, _ in c.components) or "—"))
    lines.append(f"Evidence: {leaf.evidence_text}")
    lines.append(f"Tier: {leaf.tier_text}")
    lines.append(f"Box: {_figure_label(leaf.figure_id)} › {leaf.node_title}")
    lines.append(f"With the current answers: {leaf.status}")
    if leaf.conditions:
        lines.append("Conditions:")
        lines += [f"- {x}" for x in leaf.conditions]
    if leaf.footnotes:
        lines.append("Footnotes:")
        lines += [f"- {x}" for x in leaf.footnotes]
    lines.append(f"Source ({leaf.location}):")
    lines.append(f"“{leaf.quote}”")
    if c.dosing_notes:
        lines.append("Dosing notes:")
        lines += [f"- {x}" for x in c.dosing_notes]
    lines.append("")
    lines.append(stamp)
    return "\n".join(lines)


class RegimenDetailDialog(QDialog):
    """Non-modal; reused for each regimen the user opens from the diagram or the results."""

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.content: DetailContent | None = None
        self.setModal(False)
        self.resize(620, 680)
        self.setAccessibleName("Regimen detail")
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setAccessibleName("Regimen")
        layout.addWidget(self.heading)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Regimen detail text")
        layout.addWidget(self.browser, 1)
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setAccessibleName("Copy status")
        buttons.addWidget(self.status, 1)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setAccessibleName("Copy regimen summary")
        self.copy_button.setToolTip("Copy a plain-text summary (no patient identifiers) to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        buttons.addWidget(self.copy_button)
        self.card_button = QPushButton("&Dosing card")
        self.card_button.setAccessibleName("Open this regimen's dosing card")
        self.card_button.setToolTip("The regimen's dosing card on the Regimens & dosing screen (EU SmPC and US label)")
        self.card_button.clicked.connect(self.open_card)
        buttons.addWidget(self.card_button)
        close = QPushButton("Close")
        close.setAccessibleName("Close regimen detail")
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def show_leaf(self, leaf: Leaf) -> None:
        self.content = gather(self.context.guide, leaf)
        self.setWindowTitle(f"{leaf.regimen} — {_figure_label(leaf.figure_id)}")
        self.heading.setText(f"<b>{_e(leaf.regimen)}</b> · {_e(leaf.evidence_text)} · {_e(leaf.tier_text)}")
        self.browser.setHtml(detail_html(self.content))
        self.status.clear()
        self.show()
        self.raise_()

    def plain_text(self) -> str:
        if self.content is None:
            return ""
        return summary_text(self.content, self.context.stamp())

    def open_card(self) -> None:
        """The regimen's dosing card (the Regimens & dosing screen shows it as the regimen's main content)."""
        if self.content is not None and hasattr(self.context, "navigate"):
            self.context.navigate.emit("regimens", self.content.leaf.regimen)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.plain_text())
        self.status.setText("Copied to the clipboard.")
