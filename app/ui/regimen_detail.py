"""The detail of one regimen in one box of a flowchart (a non-modal dialog).

Shows what the regimen is (components with drug names from the glossary, classes), what this
box says about it (evidence for THIS leaf, tier, status, conditions, notes, footnotes, the
verbatim source quote and where it stands), the statement it rests on and where else that
statement is used, dated approval notes, trials and dosing notes. "Copy" puts a plain-text
summary on the clipboard with the app/content stamp; nothing about the patient is in it.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.services.flow_leaf import Leaf
from app.services.flow_leaf import leaf_from_figure as leaf_from_figure  # re-exported for older callers
from app.services.flow_leaf import leaf_from_rec as leaf_from_rec
from app.services.regimen_dossier import LeafDossier, leaf_dossier
from app.ui import local_note
from app.ui.widgets import approvals_html, trials_html


def _e(text: Any) -> str:
    return html.escape(str(text))


def detail_html(c: LeafDossier) -> str:
    leaf = c.leaf
    out = [f"<h2>{_e(leaf.regimen)} <span style='font-weight:normal'>— {_e(c.name)}</span></h2>"]
    if leaf.substitutes_for:
        out.append(f"<p><b>Named instead of {_e(leaf.substitutes_for)}</b> (for use if it is unavailable).</p>")
    comps = ", ".join(
        f"{_e(d.name)}" + (f" <i>({_e(', '.join(d.classes))})</i>" if d.classes else "") for d in c.components
    )
    out.append(f"<p><b>Components:</b> {comps or '—'}<br><b>Classes:</b> {_e(', '.join(c.classes)) or '—'}</p>")
    out.append(f"<h3>In this box · {_e(leaf.figure_label)}</h3>")
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
                f"<li>{_e(use.figure_label)} · {_e(use.node_title)} · {_e(use.regimen)}"
                + (" (as a substitute)" if use.as_substitute else "")
                + (" <b>(this box)</b>" if c.is_this_leaf(use) else "")
                + "</li>"
                for use in c.links
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


def summary_text(c: LeafDossier, stamp: str) -> str:
    """The plain-text copy: regimen, components, evidence, tier, conditions, quote, dosing notes, stamp."""
    leaf = c.leaf
    lines = [f"{leaf.regimen} — {c.name}"]
    if leaf.substitutes_for:
        lines.append(f"Instead of {leaf.substitutes_for} (if it is unavailable)")
    lines.append("Components: " + (", ".join(d.name for d in c.components) or "—"))
    lines.append(f"Evidence: {leaf.evidence_text}")
    lines.append(f"Tier: {leaf.tier_text}")
    lines.append(f"Box: {leaf.figure_label} › {leaf.node_title}")
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
        self.content: LeafDossier | None = None
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
        self.content = leaf_dossier(self.context.guide, leaf)
        self.setWindowTitle(f"{leaf.regimen} — {leaf.figure_label}")
        self.heading.setText(f"<b>{_e(leaf.regimen)}</b> · {_e(leaf.evidence_text)} · {_e(leaf.tier_text)}")
        self.browser.setHtml(local_note.leaf_html(self.context, leaf) + detail_html(self.content))
        self.status.clear()
        self.show()
        self.raise_()

    def plain_text(self) -> str:
        if self.content is None:
            return ""
        text = summary_text(self.content, self.context.stamp())
        return local_note.with_leaf_text(text, self.context, self.content.leaf)

    def open_card(self) -> None:
        """The regimen's dosing card (the Regimens & dosing screen shows it as the regimen's main content)."""
        if self.content is not None and hasattr(self.context, "navigate"):
            self.context.navigate.emit("regimens", self.content.leaf.regimen)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.plain_text())
        self.status.setText("Copied to the clipboard.")
