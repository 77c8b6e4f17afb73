"""CRS / ICANS: the ASTCT grader → the grade → that grade's management panel (Box 3, the
Supportive-care recommendations, the doses the guideline gives, cautions and conflicts), with
the tocilizumab dose helper and the bispecific step-up schedules beside it.

The two helpers fill from the window's patient case as the Calculators screen does
(``app.ui.calc_case``): the weight marked "From the patient case", an edit going back to the case,
emptied by Clear patient; the step-up takes the case's weight although the case does not run it.

On the ICANS screen, "tocilizumab only with concurrent CRS" is a banner quoted verbatim from the
guideline, across the screen above the grader and the grade tabs, outside any scrolling text and as
tall as its wrapped text, so that it is in view on every grade tab at any text size (at 200 % it
needs the screen's whole width to fit a 1366×768 laptop).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QHideEvent, QTextDocument
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import local_notes
from app.ui.calc.form import chain_tab_order
from app.ui.calc.panel import CalculatorPanel
from app.ui.calc.report import badges_html, export_pdf_dialog, html_document, html_table, warning_html
from app.ui.calc.result_view import WarningBox
from app.ui.calc.tables import FittedTable, RowsModel
from app.ui.calc_case import CalcCaseFill
from app.ui.context import UiContext
from app.ui.local_note import LocalNoteBox, notes_html, notes_text
from app.ui.screens.base import Screen
from app.ui.theme import Colours, current_colours, follow_theme, print_colours, relative_font, styled
from app.ui.widgets import UNTAGGED_BADGE, UNTAGGED_MARK, muted_html, screen_words

SYNDROMES = {
    "crs": ("CRS", "Cytokine release syndrome (CRS)", "crs-grade"),
    "icans": ("ICANS", "Immune effector cell-associated neurotoxicity syndrome (ICANS)", "icans-grade"),
}
DOSE_HEADERS = ("Drug", "Dose", "Quote", "Where in the guideline")
TOCILIZUMAB_HEADING = "Tocilizumab only with concurrent CRS"



def banner_style(c: Colours) -> str:
    return (
        f"QFrame#tocilizumabBanner {{ background: {c.danger.bg}; border: 3px solid {c.danger.border};"
        " border-radius: 4px; }"
        f" QFrame#tocilizumabBanner QLabel {{ color: {c.danger.fg}; background: transparent; }}"
    )


def conflict_style(c: Colours) -> str:
    return (
        f"QFrame#conflictBox {{ background: {c.conflict.bg}; border: 2px solid {c.conflict.border};"
        " border-radius: 4px; }"
        f" QFrame#conflictBox QLabel {{ color: {c.conflict.fg}; background: transparent; }}"
    )


def danger_text_style(c: Colours) -> str:
    return f"color: {c.error};"


def _esc(text: Any) -> str:
    return html.escape(str(text))


def tocilizumab_caution(panels: list[dict[str, Any]]) -> tuple[str, str]:
    """The guideline's words on tocilizumab in ICANS, verbatim, and where they stand."""
    quotes: list[str] = []
    location = ""
    for panel in panels:
        for caution in panel.get("cautions", []):
            if "tocilizumab" in caution["quote"].casefold() and caution["quote"] not in quotes:
                quotes.append(caution["quote"])
                location = location or caution["location"]
    if not quotes:  # the calculator keeps the same verbatim quote
        from app.core.calculators.dosing import TOCILIZUMAB_QUOTES

        q = TOCILIZUMAB_QUOTES[-1]
        return q["quote"], q["location"]
    return " ".join(quotes), location


NOT_GIVEN_TITLE = "Dose not given in the guideline"


def _statement_html(s: dict[str, Any], conflicts: dict[str, str] | None = None) -> str:
    badge = UNTAGGED_BADGE if s.get("untagged") else badges_html(s.get("evidence", []))
    parts = [f"{badge} {_esc(s['text'])}"]
    parts.append("<br>" + muted_html(_esc(s["source"]["location"])))
    for note in s.get("notes", []):
        parts.append(f"<br><i>Note: {_esc(screen_words(note, conflicts))}</i>")
    for erratum in s.get("errata", []):
        parts.append(f"<br><b>Erratum applies:</b> {_esc(erratum)}")
    return "".join(parts)


def not_given_items(panel: dict[str, Any]) -> list[str]:
    """Each dose the guideline does not give for this grade: what is missing, the note, its own words."""
    items: list[str] = []
    for d in panel.get("doses_not_given", []):
        items.append(f"{d['drug']}, {d['missing']}: {d['note']}")
        items += [f"The guideline says: “{q['quote']}” ({q['location']})" for q in d["says"]]
    return items


def _statement_line(s: dict[str, Any]) -> str:
    mark = f" [{UNTAGGED_MARK}]" if s.get("untagged") else ""
    return f"  - {s['text']}{mark}  ({s['source']['location']})"


def _label(text: str, parent: QWidget, *, rich: bool = True, accessible: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if accessible:
        label.setAccessibleName(accessible)
    return label


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    relative_font(label, 1.1, bold=True)
    return label


class FitWidthScroll(QScrollArea):
    """A vertical scroll area never narrower than what it holds needs: nothing is cut at the side
    (the splitter beside it gives way instead), at any text size."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        inner = self.widget()
        if inner is None:
            return super().minimumSizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner.minimumSizeHint().width() + bar + 2 * self.frameWidth() + 2, 120)


class TocilizumabBanner(QFrame):
    """Red-framed banner with the icon, the heading and the verbatim quote."""

    def __init__(self, quote: str, location: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tocilizumabBanner")
        styled(self, banner_style)
        self.quote = quote
        self.location = location
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        self._column = layout
        self.heading = QLabel(f"⚠ CAUTION — {TOCILIZUMAB_HEADING}", self)
        self.heading.setWordWrap(True)
        relative_font(self.heading, 1.15, bold=True)
        self.text = _label(f"“{_esc(quote)}” <i>({_esc(location)})</i>", self)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # as tall as its wrapped text at any text size (no scroll bar of its own): the panel
        # text below it scrolls instead
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        self.setAccessibleName(f"Caution: {TOCILIZUMAB_HEADING}")
        self.setAccessibleDescription(quote)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        """As tall as heading and quote need at this width."""
        m = self._column.contentsMargins()
        inner = max(100, width - m.left() - m.right() - 2 * self.frameWidth())
        return (
            self.heading.heightForWidth(inner)
            + self.text.heightForWidth(inner)
            + m.top() + m.bottom() + self._column.spacing() + 2 * self.frameWidth()
        )

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        needed = self.heightForWidth(self.width())
        if self.minimumHeight() != needed:  # the panel gives it all its text needs at this width
            self.setMinimumHeight(needed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = max(self.width(), 300)
        return QSize(super().sizeHint().width(), self.heightForWidth(width))


class GradePanel(QWidget):
    """One grade's management panel."""

    def __init__(
        self,
        syndrome: str,
        panel: dict[str, Any],
        banner: tuple[str, str] | None,
        parent: QWidget | None = None,
        conflict_titles: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.syndrome = syndrome
        self.conflict_titles = dict(conflict_titles or {})
        for c in panel.get("conflicts", []):
            if c.get("id"):
                self.conflict_titles.setdefault(c["id"], c["title"])
        self.panel = panel
        self.grade = int(panel["grade"])
        self.banner_quote = banner
        short = SYNDROMES[syndrome][0]
        self.setAccessibleName(f"{short} grade {self.grade} management")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 8, 2)
        conflicts = panel.get("conflicts", [])
        if conflicts:
            flag = _label(
                "<b>⚠ The guideline contradicts itself for this grade</b> — every place is shown below: "
                + "; ".join(_esc(c["title"]) for c in conflicts),
                body,
                accessible="Conflict notice",
            )
            layout.addWidget(flag)

        self.local_box = LocalNoteBox(body)
        self.local_box.set_notes(self.local_notes())
        layout.addWidget(self.local_box)

        layout.addWidget(_heading(f"Box 3 — grade {self.grade} {short}", body))
        self.box3 = _label(self._list_html(panel.get("box3", [])), body, accessible="Box 3 statements")
        layout.addWidget(self.box3)

        layout.addWidget(_heading("Supportive-care recommendations", body))
        self.recommendations = _label(
            self._list_html(panel.get("recommendations", [])), body, accessible="Supportive-care recommendations"
        )
        layout.addWidget(self.recommendations)

        self.dose_model = RowsModel(DOSE_HEADERS, self.dose_rows())
        self.doses_heading = _heading("Doses the guideline gives", body)
        self.doses = FittedTable(self.dose_model, f"Doses for grade {self.grade} {short}", body, stretch=2)
        layout.addWidget(self.doses_heading)
        layout.addWidget(self.doses)
        for w in (self.doses_heading, self.doses):
            w.setVisible(bool(self.dose_model.rowCount()))
        self.not_given = WarningBox(NOT_GIVEN_TITLE, body)
        self.not_given.set_items(not_given_items(panel))
        layout.addWidget(self.not_given)

        self.conflict_boxes: list[QFrame] = []
        for conflict in conflicts:
            box = QFrame(body)
            box.setObjectName("conflictBox")
            styled(box, conflict_style)
            inner = QVBoxLayout(box)
            inner.addWidget(_label(f"<b>⇄ Conflict in the guideline: {_esc(conflict['title'])}</b>", box))
            for i, side in enumerate(conflict["sides"], start=1):
                inner.addWidget(
                    _label(f"<b>Side {i}:</b> “{_esc(side['quote'])}” <i>({_esc(side['location'])})</i>", box)
                )
            if conflict.get("note"):
                inner.addWidget(_label(f"<i>{_esc(conflict['note'])}</i>", box))
            box.setAccessibleName(f"Conflict: {conflict['title']}")
            layout.addWidget(box)
            self.conflict_boxes.append(box)

        others = [c for c in panel.get("cautions", []) if banner is None or c["quote"] not in banner[0]]
        self.cautions = WarningBox("Caution", body)
        self.cautions.set_items([f"“{c['quote']}” ({c['location']})" for c in others])
        layout.addWidget(self.cautions)
        layout.addStretch(1)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setAccessibleName(f"{short} grade {self.grade} management text")
        scroll.setAccessibleDescription("Use the arrow keys to scroll")
        outer.addWidget(scroll, 1)
        self.scroll_area = scroll
        follow_theme(self, self.render_lists)

    def render_lists(self) -> None:
        """The statement lists in the current theme's colours (again after a theme change)."""
        self.box3.setText(self._list_html(self.panel.get("box3", [])))
        self.recommendations.setText(self._list_html(self.panel.get("recommendations", [])))

    def set_local(self, view: Any) -> None:
        """The notes of ``view`` (the installed layer, or None) in place of the ones shown."""
        self.panel.pop("local", None)
        for key in ("box3", "recommendations"):
            for statement in self.panel.get(key) or []:
                statement.pop("local", None)
        local_notes.add_to_toxicity([self.panel], view)
        self.local_box.set_notes(self.local_notes())

    def local_notes(self) -> list[dict[str, Any]]:
        """The hospital's notes on this grade's panel, then on its statements (issue 13)."""
        notes = list(self.panel.get("local") or [])
        for key in ("box3", "recommendations"):
            notes += [n for s in self.panel.get(key) or [] for n in s.get("local") or []]
        return notes

    def dose_rows(self) -> list[tuple[str, str, str, str]]:
        return [(d["drug"], d["dose"], d["source"]["quote"], d["source"]["location"]) for d in self.panel["doses"]]

    def _list_html(self, statements: list[dict[str, Any]]) -> str:
        if not statements:
            return "<i>None at this grade.</i>"
        return "".join(
            f"<p style='margin-bottom:6px'>• {_statement_html(s, self.conflict_titles)}</p>" for s in statements
        )

    # -- text and print -------------------------------------------------------------------
    def plain_text(self) -> str:
        short = SYNDROMES[self.syndrome][0]
        lines = [f"{short} grade {self.grade}: management (EHA–EMN 2025 guideline)", ""]
        if self.banner_quote is not None:
            lines += [f"!! CAUTION — {TOCILIZUMAB_HEADING}: “{self.banner_quote[0]}” ({self.banner_quote[1]})", ""]
        if self.local_notes():
            lines += ["Local notes of this hospital (not the guideline):", *notes_text(self.local_notes(), "  "), ""]

        def statements(title: str, items: list[dict[str, Any]]) -> None:
            lines.append(f"{title}:")
            for s in items:
                lines.append(_statement_line(s))
                lines.extend(f"      note: {screen_words(n, self.conflict_titles)}" for n in s.get("notes", []))
            lines.append("")

        statements(f"Box 3, grade {self.grade} {short}", self.panel.get("box3", []))
        statements("Supportive-care recommendations", self.panel.get("recommendations", []))
        if self.panel["doses"]:
            lines.append("Doses the guideline gives:")
            for drug, dose, quote, location in self.dose_rows():
                lines.append(f"  - {drug}: {dose} — “{quote}” ({location})")
            lines.append("")
        if not_given_items(self.panel):
            lines.append(f"{NOT_GIVEN_TITLE}:")
            lines.extend(f"  ! {item}" for item in not_given_items(self.panel))
            lines.append("")
        for c in self.panel.get("conflicts", []):
            lines.append(f"Conflict: {c['title']}")
            lines.extend(f"  side {i}: “{s['quote']}” ({s['location']})" for i, s in enumerate(c["sides"], 1))
            if c.get("note"):
                lines.append(f"  {c['note']}")
            lines.append("")
        others = [
            c for c in self.panel.get("cautions", []) if not self.banner_quote or c["quote"] not in self.banner_quote[0]
        ]
        if others:
            lines.append("Cautions:")
            lines.extend(f"  ! “{c['quote']}” ({c['location']})" for c in others)
            lines.append("")
        return "\n".join(lines)

    def html(self) -> str:
        short = SYNDROMES[self.syndrome][0]
        parts = [f"<h2>{short} grade {self.grade}: management</h2>"]
        if self.banner_quote is not None:
            box = current_colours().danger
            parts.append(
                f"<table width='100%' cellpadding='6' border='2' style='border-color:{box.border};"
                f" border-style:solid'><tr><td bgcolor='{box.bg}' style='color:{box.fg}'>"
                f"<b>⚠ CAUTION — {TOCILIZUMAB_HEADING}</b><br>“{_esc(self.banner_quote[0])}” "
                f"<i>({_esc(self.banner_quote[1])})</i></td></tr></table>"
            )
        parts.append(notes_html(self.local_notes()))
        parts.append(f"<h3>Box 3 — grade {self.grade} {short}</h3>{self._list_html(self.panel.get('box3', []))}")
        parts.append(
            f"<h3>Supportive-care recommendations</h3>{self._list_html(self.panel.get('recommendations', []))}"
        )
        if self.panel["doses"]:
            parts.append("<h3>Doses the guideline gives</h3>" + html_table(DOSE_HEADERS, self.dose_rows()))
        parts.append(warning_html(not_given_items(self.panel), NOT_GIVEN_TITLE))
        for c in self.panel.get("conflicts", []):
            sides = "".join(f"<li>“{_esc(s['quote'])}” <i>({_esc(s['location'])})</i></li>" for s in c["sides"])
            parts.append(
                f"<h3>⇄ Conflict: {_esc(c['title'])}</h3><ul>{sides}</ul><p><i>{_esc(c.get('note', ''))}</i></p>"
            )
        others = [
            c for c in self.panel.get("cautions", []) if not self.banner_quote or c["quote"] not in self.banner_quote[0]
        ]
        parts.append(warning_html([f"“{c['quote']}” ({c['location']})" for c in others], "Caution"))
        return "".join(parts)


class ToxicityScreen(Screen):
    """The CRS or the ICANS screen."""

    title = "CRS / ICANS"

    def __init__(self, context: UiContext, parent: QWidget | None = None, syndrome: str = "crs", **kwargs: Any) -> None:
        super().__init__(context, parent, **kwargs)
        if syndrome not in SYNDROMES:
            raise ValueError(f"unknown syndrome {syndrome!r}; accepted: crs, icans")
        self.syndrome = syndrome
        short, long_title, grader_id = SYNDROMES[syndrome]
        self.title = short
        self.grader_id = grader_id
        self.setAccessibleName(long_title)
        self.panels: dict[int, GradePanel] = {}
        self.graded: int | None = None
        #: the helpers filled from the window's patient case (empty until the services load)
        self.case_fills: list[CalcCaseFill] = []
        context.patient_cleared.connect(self._clear_patient)  # the helpers and the grader, case or not

        heading = QLabel(long_title, self)
        relative_font(heading, 1.3, bold=True)
        heading.setWordWrap(True)

        # the grader: form, Clear and result one under the other in ONE scroll area (no list that
        # scrolls inside a scrolling form), labels above their fields so that it keeps its room at
        # any text size; beside it the management of the grade
        grader_box = QGroupBox(f"ASTCT 2019 {short} grading", self)
        grader_layout = QVBoxLayout(grader_box)
        grader_layout.setContentsMargins(6, 4, 6, 4)
        self.grader = CalculatorPanel(
            context,
            arrangement="flow",
            compact=True,
            buttons=("clear",),
            parent=grader_box,
            labels_above=True,
        )
        self.grader.setAccessibleName(f"{short} grader")
        self.grader.result_changed.connect(self._on_graded)
        grader_layout.addWidget(self.grader)
        self.grader_scroll = FitWidthScroll(self)
        self.grader_scroll.setWidgetResizable(True)
        self.grader_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.grader_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.grader_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.grader_scroll.setWidget(grader_box)
        self.grader_scroll.setAccessibleName(f"{short} grading form")

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(f"{short} management by grade")
        self.tabs.setDocumentMode(True)

        self.helpers = QTabWidget(self)
        self.helpers.setAccessibleName("Dosing helpers")
        self.toco = CalculatorPanel(
            context, arrangement="stacked", compact=True, buttons=("copy", "clear"), parent=self.helpers
        )
        self.stepup = CalculatorPanel(
            context, arrangement="stacked", compact=True, buttons=("copy", "clear"), parent=self.helpers
        )
        toco_page = QWidget(self.helpers)
        toco_layout = QVBoxLayout(toco_page)
        toco_layout.setContentsMargins(4, 4, 4, 4)
        if syndrome == "icans":
            note = _label(
                f"<b>⚠ {TOCILIZUMAB_HEADING}.</b> The guideline does not recommend tocilizumab for ICANS alone.",
                toco_page,
                accessible="Tocilizumab note",
            )
            styled(note, danger_text_style)
            toco_layout.addWidget(note)
        toco_layout.addWidget(self.toco, 1)
        # each helper scrolls on its own, so that at a large text size it never squeezes the management
        self.stepup_local = LocalNoteBox(self.stepup)  # the hospital's own step-up protocol, above the helper
        stepup_layout = self.stepup.layout()
        if isinstance(stepup_layout, QBoxLayout):
            stepup_layout.insertWidget(0, self.stepup_local)
        self.toco_local = LocalNoteBox(toco_page)
        toco_layout.insertWidget(0, self.toco_local)
        for page, title in ((toco_page, "Tocilizumab dose"), (self.stepup, "Bispecific step-up")):
            holder = FitWidthScroll(self.helpers)
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            holder.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            holder.setWidget(page)
            self.helpers.addTab(holder, title)

        self.copy_button = QPushButton("Copy panel as text", self)
        self.copy_button.setAccessibleDescription("Copy this grade's management panel as plain text")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.plain_text()))
        self.pdf_button = QPushButton("Export panel PDF…", self)
        self.pdf_button.setAccessibleDescription("Export this grade's management panel to a PDF file")
        self.pdf_button.clicked.connect(
            lambda: export_pdf_dialog(
                self, self.document(), context.stamp(), f"{syndrome}-grade-{self.current_grade() or 0}.pdf"
            )
        )
        management = QWidget(self)
        management_layout = QVBoxLayout(management)
        management_layout.setContentsMargins(0, 0, 0, 0)
        management_layout.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        management_layout.addLayout(row)

        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(management)
        right.addWidget(self.helpers)
        right.setStretchFactor(0, 7)
        right.setStretchFactor(1, 3)
        right.setSizes([700, 300])
        right.setChildrenCollapsible(False)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.grader_scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([440, 660])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(heading)
        layout.addWidget(splitter, 1)
        self._layout = layout
        #: the ICANS caution, in view above every grade tab (None on the CRS screen)
        self.banner: TocilizumabBanner | None = None
        if context.guide is not None:
            self.on_guide_ready()

    # -- filling ----------------------------------------------------------------------------
    def _refresh_local(self) -> None:
        """A local layer installed or removed (a new guide): every panel's and helper's local notes anew."""
        view = local_notes.local_view(self.context.guide)
        for widget in self.panels.values():
            widget.set_local(view)
        self.stepup_local.set_notes(view.notes("calculator", "bispecific-step-up") if view else [])
        self.toco_local.set_notes(view.notes("calculator", "tocilizumab-dose") if view else [])
        self.stepup.local_notes, self.toco.local_notes = self.stepup_local.notes, self.toco_local.notes

    def on_guide_ready(self) -> None:
        guide = self.context.guide
        if guide is None:
            return
        if self.panels:
            self._refresh_local()
            return
        view = local_notes.local_view(guide)
        panels = local_notes.add_to_toxicity(sorted(guide.toxicity(self.syndrome), key=lambda p: p["grade"]), view)
        if view is not None:
            self.stepup_local.set_notes(view.notes("calculator", "bispecific-step-up"))
            self.toco_local.set_notes(view.notes("calculator", "tocilizumab-dose"))
            self.stepup.local_notes, self.toco.local_notes = self.stepup_local.notes, self.toco_local.notes
        banner = tocilizumab_caution(panels) if self.syndrome == "icans" else None
        if banner is not None:
            self.banner = TocilizumabBanner(banner[0], banner[1], self)
            self._layout.insertWidget(self._layout.indexOf(self.splitter), self.banner)
        try:
            titles = {c.id: c.title for c in guide.repo.conflicts()}
        except Exception:  # the titles only make notes read better
            titles = {}
        for panel in panels:
            widget = GradePanel(self.syndrome, panel, banner, self.tabs, conflict_titles=titles)
            self.panels[widget.grade] = widget
            self.tabs.addTab(widget, f"Grade {widget.grade}")
        self.grader.set_calculator(self.grader_id)
        self.toco.set_calculator("tocilizumab-dose")
        self.stepup.set_calculator("bispecific-step-up")
        self._follow_case()
        self._chain_focus()

    def _follow_case(self) -> None:
        """The helpers take the patient case's weight (each line under the helper's own local notes)."""
        if self.context.case is None or self.case_fills:
            return
        toco = CalcCaseFill(self.toco, self.context.case)
        stepup = CalcCaseFill(self.stepup, self.context.case, borrow={"weight": "tocilizumab-dose"})
        self.case_fills = [toco, stepup]
        for fill in self.case_fills:
            layout = fill.panel.layout()
            if isinstance(layout, QBoxLayout):  # under the helper's title and reference
                layout.insertWidget(layout.indexOf(fill.panel.subheading) + 1, fill.line)
            fill.refresh()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        for fill in self.case_fills:
            fill.send_back(typing_done=True)  # a weight still being typed goes back to the case
        super().hideEvent(event)

    def _clear_patient(self) -> None:
        for fill in self.case_fills:
            fill.clear_all()
        if not self.case_fills:
            self.toco.clear()
            self.stepup.clear()
        self.grader.clear()

    def _chain_focus(self) -> None:
        """Tab: grader → grade tabs and the shown panel → copy/print → helpers."""
        panels: list[QWidget] = []
        for panel in self.panels.values():
            panels += [panel.scroll_area, panel.doses]
        chain_tab_order(
            [
                *self.grader.focus_order(),
                self.tabs.tabBar(),
                *panels,
                self.copy_button,
                self.pdf_button,
                self.helpers.tabBar(),
                *self.toco.focus_order(),
                *self.stepup.focus_order(),
            ]
        )

    def _on_graded(self, result: Any) -> None:
        grade = None
        at_least = False
        if result is not None:
            values = result.result if isinstance(result.result, dict) else {}
            raw = values.get("grade")
            if raw is None and values.get("grade_at_least"):
                raw, at_least = values["grade_at_least"], True
            try:
                grade = int(raw) if raw is not None else None
            except (TypeError, ValueError):
                grade = None
        self.graded = grade if grade in self.panels else None
        mark = "◀ at least" if at_least else "◀ graded"
        for g, widget in self.panels.items():
            index = self.tabs.indexOf(widget)
            self.tabs.setTabText(index, f"Grade {g} {mark}" if g == self.graded else f"Grade {g}")
        if self.graded is not None:
            self.tabs.setCurrentWidget(self.panels[self.graded])

    # -- Screen API -------------------------------------------------------------------------
    def current_grade(self) -> int | None:
        widget = self.tabs.currentWidget()
        return widget.grade if isinstance(widget, GradePanel) else None

    def open_item(self, payload: Any) -> None:
        """Select a grade's tab (1–4, "2", "grade 3"), open a step-up schedule ("stepup:teclistamab"),
        or a helper ("helper:tocilizumab-dose", "helper:bispecific-step-up")."""
        if payload is None:
            return
        if isinstance(payload, str) and payload.startswith("helper:"):
            helpers = {"tocilizumab-dose": 0, "bispecific-step-up": 1}
            self.helpers.setCurrentIndex(helpers.get(payload.split(":", 1)[1], self.helpers.currentIndex()))
            return
        if isinstance(payload, str) and payload.startswith("stepup:"):
            self.helpers.setCurrentIndex(1)
            if self.stepup.form is not None:
                combo = self.stepup.form.editor("drug")
                if isinstance(combo, QComboBox):
                    index = combo.findData(payload.split(":", 1)[1])
                    if index >= 0:
                        combo.setCurrentIndex(index)
            return
        digits = "".join(ch for ch in str(payload) if ch.isdigit())
        if digits and int(digits) in self.panels:
            self.tabs.setCurrentWidget(self.panels[int(digits)])

    def _grader_summary(self) -> tuple[str, str]:
        result = self.grader.result
        if result is None:
            return "", ""
        text = f"Graded: {screen_words(result.headline)} (ASTCT 2019)"
        rows = "; ".join(f"{r.item}: {r.value}" for r in result.explanation)
        return text, rows

    def plain_text(self) -> str:
        widget = self.tabs.currentWidget()
        if not isinstance(widget, GradePanel):
            return ""
        summary, rows = self._grader_summary()
        head = [summary, f"  {rows}", ""] if summary else []
        return "\n".join([*head, widget.plain_text(), self.context.stamp()])

    def document(self) -> QTextDocument | None:
        widget = self.tabs.currentWidget()
        if not isinstance(widget, GradePanel):
            return None
        summary, rows = self._grader_summary()
        head = f"<p><b>{_esc(summary)}</b><br><small>{_esc(rows)}</small></p>" if summary else ""
        with print_colours():
            body = widget.html()
        return html_document(head + body, f"{self.title} grade {widget.grade}")
