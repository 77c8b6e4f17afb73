"""What the guide knows about one drug: the calculators and tools for it, the doses the guideline
gives, the regimens it is part of, the guideline statements that name it, and its dosing notes.

Opened from a drug hit of the search palette (and from links), as a page of the main window
that is not in the navigation. Nothing here is a second copy: the doses are the CRS/ICANS
panels' dose notes, the statements are the guideline's, and the dosing notes (renal statements,
lenalidomide's starting-dose table, label notes, carfilzomib cap, step-up links) are the same
:mod:`app.services.dosing_notes` the Regimens screen shows, drawn by its functions.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.core.calculators.base import REGISTRY
from app.core.text import fold
from app.core.tools import Tool, tools_for_drug
from app.services.dosing_notes import DosingNotes, dosing_notes, renal_statements_for_drug
from app.ui.calc.report import badges_html, export_pdf_dialog, html_document
from app.ui.context import UiContext
from app.ui.screens.base import Screen
from app.ui.screens.regimens import dosing_html, dosing_text
from app.ui.theme import follow_theme, print_colours
from app.ui.widgets import screen_words

DOSING_ANCHOR = "dosing"
SYNDROME_LABELS = {"crs": "CRS", "icans": "ICANS"}


@dataclass
class DrugInfo:
    drug: Any
    tools: list[Tool]
    #: (id, title) of the calculators whose title names the drug
    calculators: list[tuple[str, str]]
    #: (where, dose, quote, location) of every dose the guideline gives for it (CRS/ICANS panels)
    doses: list[tuple[str, str, str, str]]
    regimens: list[Any]
    #: statements that name the drug, or a regimen that is the drug alone
    statements: list[dict[str, Any]]
    dosing: DosingNotes


def _statement_dict(s: Any) -> dict[str, Any]:
    return {
        "id": s.id,
        "text": s.text,
        "evidence": [e.model_dump() for e in s.evidence],
        "location": s.source.location,
        "notes": list(s.notes),
    }


def gather_drug(guide: Any, drug_id: str) -> DrugInfo:
    """Everything the guide records about ``drug_id`` (an id, name or alias); KeyError if unknown."""
    repo = guide.repo
    drug = repo.drug(drug_id)
    did = drug.id
    regimens = [r for r in repo.regimens() if did in r.components]
    alone = {r.abbr for r in regimens if list(r.components) == [did]}
    statements = repo.statements()
    naming = [_statement_dict(s) for s in statements if did in s.drugs or alone & set(s.regimens)]
    doses = []
    for syndrome, label in SYNDROME_LABELS.items():
        for panel in repo.toxicity(syndrome):
            for dose in panel.doses:
                if dose.drug == did:
                    doses.append((f"{label} grade {panel.grade}", dose.dose, dose.source.quote, dose.source.location))
    tools = tools_for_drug(did)
    calculators = [(c.id, c.title) for c in _calculators_naming(drug.name)]
    dosing = dosing_notes(did, {did}, renal_statements_for_drug(statements, did, alone))
    return DrugInfo(drug, tools, calculators, doses, regimens, naming, dosing)


def _calculators_naming(name: str) -> list[Any]:
    """The calculators whose title names the drug (tocilizumab dose, step-up schedules of
    teclistamab…, creatinine clearance with lenalidomide starting dose, BSA with the carfilzomib cap)."""
    from app.core.calculators.all import ORDER

    word = re.compile(rf"\b{re.escape(fold(name))}\b")
    return [REGISTRY[i] for i in ORDER if i in REGISTRY and word.search(fold(REGISTRY[i].title))]


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def has_dosing(info: DrugInfo) -> bool:
    return bool(info.dosing.renal) or info.dosing.has_label_facts


def drug_html(info: DrugInfo) -> str:
    d = info.drug
    name = d.name
    out = [f"<h2>{_e(name)} <span style='font-weight:normal'>— drug</span></h2>"]
    facts = [f"<b>Class:</b> {_e(', '.join(d.classes) or '—')}"]
    if d.letter:
        facts.append(f"<b>In regimen abbreviations:</b> {_e(d.letter)}")
    if d.aliases:
        facts.append(f"<b>Also written:</b> {_e(', '.join(d.aliases))}")
    out.append("<p>" + "<br>".join(facts) + "</p>")
    if info.tools or info.calculators:
        out.append("<h3>Calculators and tools</h3><ul>")
        out += [
            f"<li><a href='calc:{_e(cid)}'>{_e(title)}</a> <small>(Calculators screen)</small></li>"
            for cid, title in info.calculators
        ]
        out += [f"<li><a href='tool:{_e(t.id)}'>{_e(t.title)}</a><br><small>{_e(t.summary)}</small></li>"
                for t in info.tools]
        out.append("</ul>")
    out.append("<h3>Doses the guideline gives</h3>")
    if info.doses:
        rows = "".join(
            f"<tr><td valign='top'>{_e(where)}</td><td valign='top'><b>{_e(dose)}</b></td>"
            f"<td valign='top'>“{_e(quote)}”</td><td valign='top'><small>{_e(loc)}</small></td></tr>"
            for where, dose, quote, loc in info.doses
        )
        out.append(
            "<table border='1' cellspacing='0' cellpadding='4' width='100%' style='border-collapse:collapse'>"
            "<tr><th align='left'>Where</th><th align='left'>Dose</th><th align='left'>Quote</th>"
            f"<th align='left'>Where in the guideline</th></tr>{rows}</table>"
        )
    else:
        out.append(f"<p><i>The guideline's CRS/ICANS panels give no dose of {_e(name)}.</i></p>")
    out.append(f"<h3>Regimens with {_e(name)} ({len(info.regimens)})</h3>")
    if info.regimens:
        out.append("<ul>")
        for r in info.regimens:
            status = "" if r.recommended else " — <b>discussed but not recommended</b>"
            out.append(f"<li><a href='regimen:{_e(r.abbr)}'>{_e(r.abbr)}</a> — {_e(r.name)}{status}</li>")
        out.append("</ul>")
    else:
        out.append(f"<p><i>No regimen of the guideline contains {_e(name)}.</i></p>")
    out.append(f"<h3>What the guideline says about {_e(name)} ({len(info.statements)})</h3>")
    out.append(
        "<p><small>Statements that name this drug. What the guideline says about a regimen is on that "
        "regimen's page.</small></p>"
    )
    if info.statements:
        for s in info.statements:
            notes = "".join(f"<br><i>Note: {_e(screen_words(n))}</i>" for n in s["notes"])
            out.append(
                f"<p>• {badges_html(s['evidence'])} {_e(s['text'])}<br>"
                f"<a href='statement:{_e(s['id'])}'><small>{_e(s['location'])}</small></a>{notes}</p>"
            )
    else:
        out.append("<p><i>None.</i></p>")
    out.append(f"<a name='{DOSING_ANCHOR}'></a>")
    if has_dosing(info):
        out.append(dosing_html(info.dosing))
    return "".join(out)


def drug_text(info: DrugInfo, stamp: str) -> str:
    d = info.drug
    lines = [f"{d.name} — drug", f"Class: {', '.join(d.classes) or '—'}"]
    if d.letter:
        lines.append(f"In regimen abbreviations: {d.letter}")
    if d.aliases:
        lines.append(f"Also written: {', '.join(d.aliases)}")
    if info.tools or info.calculators:
        lines += ["", "Calculators and tools:"]
        lines += [f"  - {title} (Calculators screen)" for _cid, title in info.calculators]
        lines += [f"  - {t.title}" for t in info.tools]
    lines += ["", "Doses the guideline gives:"]
    lines += [f"  - {where}: {dose} (“{quote}”, {loc})" for where, dose, quote, loc in info.doses] or ["  (none)"]
    lines += ["", f"Regimens with {d.name}:"]
    lines += [
        f"  - {r.abbr} — {r.name}" + ("" if r.recommended else " (discussed but not recommended)")
        for r in info.regimens
    ] or ["  (none)"]
    lines += ["", f"What the guideline says about {d.name}:"]
    lines += [f"  - {s['text']} ({s['location']})" for s in info.statements] or ["  (none)"]
    if has_dosing(info):
        lines += ["", *dosing_text(info.dosing)]
    lines += ["", stamp]
    return "\n".join(lines)


class DrugView(Screen):
    """One drug's page. ``open_item("lenalidomide")`` or ``open_item("lenalidomide#dosing")``."""

    title = "Drug"

    def __init__(self, context: UiContext, parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(context, parent, **kwargs)
        self.setAccessibleName("Drug")
        self.info: DrugInfo | None = None

        self.chooser = QComboBox(self)
        self.chooser.setAccessibleName("Drug shown")
        self.chooser.setAccessibleDescription("Choose a drug to see its regimens, doses and statements")
        self.chooser.activated.connect(lambda _i: self.show_drug(str(self.chooser.currentData())))
        chooser_label = QLabel("&Drug:", self)
        chooser_label.setBuddy(self.chooser)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("drugDetail")
        self.browser.setAccessibleName("Drug detail")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        self.copy_button = QPushButton("Copy as text", self)
        self.copy_button.setAccessibleDescription("Copy this drug's page as plain text")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.plain_text()))
        self.pdf_button = QPushButton("Export PDF…", self)
        self.pdf_button.clicked.connect(
            lambda: export_pdf_dialog(
                self, self.document(), context.stamp(), f"{self.info.drug.id if self.info else 'drug'}.pdf"
            )
        )
        top = QHBoxLayout()
        top.addWidget(chooser_label)
        top.addWidget(self.chooser, 1)
        top.addWidget(self.copy_button)
        top.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.browser, 1)
        QWidget.setTabOrder(self.chooser, self.copy_button)
        QWidget.setTabOrder(self.copy_button, self.pdf_button)
        QWidget.setTabOrder(self.pdf_button, self.browser)
        self.setFocusProxy(self.browser)
        if context.guide is not None:
            self.on_guide_ready()

    def on_guide_ready(self) -> None:
        if not getattr(self, "_following", False):
            self._following = True
            follow_theme(self, self._rerender)
        self.chooser.clear()
        guide = self.context.guide
        assert guide is not None  # the drug page is built after the guide has loaded
        for drug in guide.repo.drugs():
            self.chooser.addItem(drug.name, drug.id)
        if self.info is not None:
            self.show_drug(self.info.drug.id)

    def show_drug(self, drug_id: str) -> None:
        guide = self.context.guide
        if guide is None:
            return
        self.info = gather_drug(guide, drug_id)
        index = self.chooser.findData(self.info.drug.id)
        if index >= 0:
            self.chooser.setCurrentIndex(index)
        self.browser.setHtml(drug_html(self.info))
        self.browser.setAccessibleDescription(f"What the guide records about {self.info.drug.name}")

    def _rerender(self) -> None:
        """The page again in the new theme's colours (they are written into its HTML)."""
        if self.info is not None:
            position = self.browser.verticalScrollBar().value()
            self.browser.setHtml(drug_html(self.info))
            self.browser.verticalScrollBar().setValue(position)

    def _on_link(self, url: QUrl) -> None:
        scheme, _, item = url.toString().partition(":")
        if scheme == "regimen":
            self.context.navigate.emit("regimens", item)
        elif scheme == "statement":
            self.context.navigate.emit("guideline", item)
        elif scheme == "calc":
            self.context.navigate.emit("calculators", item)
        elif scheme == "tool":
            from app.ui.search_palette import destination

            self.context.navigate.emit(*destination({"kind": "tool", "id": item}, self.context.guide))
        elif scheme == "stepup":
            self.context.navigate.emit("crs", url.toString())

    # -- Screen API -------------------------------------------------------------------------
    def open_item(self, payload: Any) -> None:
        """Show a drug by id, name or alias; ``"id#dosing"`` scrolls to its dosing notes."""
        if not payload:
            return
        drug_id, _, anchor = str(payload).partition("#")
        self.show_drug(drug_id)
        if anchor:
            self.browser.scrollToAnchor(anchor)

    def plain_text(self) -> str:
        return "" if self.info is None else drug_text(self.info, self.context.stamp())

    def document(self) -> QTextDocument | None:
        if self.info is None:
            return None
        with print_colours():
            body = drug_html(self.info)
        return html_document(body, f"{self.info.drug.name} — Myeloma Pocket Guide")


