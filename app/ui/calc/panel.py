"""One calculator: its form, its live result and the Copy / Clear / PDF / Fig. 1 buttons (used
by the Calculators screen, the CRS / ICANS screens and the dosing cards).

Nothing typed is ever stored: only the default-unit preference goes to the settings.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.core.calculators.astct import PARTIAL_RESULTS
from app.core.calculators.presentation import calculator, format_value
from app.ui.calc.form import CalcForm, chain_tab_order
from app.ui.calc.report import export_pdf_dialog, html_document, result_html, result_plain_text
from app.ui.calc.result_view import ResultPane
from app.ui.calc.styles import muted_style
from app.ui.calc.units import read_unit_system
from app.ui.local_note import notes_block_html, with_notes_text
from app.ui.theme import print_colours, relative_font, styled


class CalculatorPanel(QWidget):
    """One calculator: its form, its live result and the Copy / Clear / Fig. 1 buttons.

    ``arrangement``: "wide" (form beside the result, each in its own scroll area), "stacked" (form
    above a scrolling result) or "flow" (form, buttons and result one under the other with no
    scroll area of their own: the screen puts the whole panel in one). ``labels_above`` puts each
    label over its field (narrow panes, large text).
    """

    result_changed = Signal(object)  # CalcResult or None
    #: the user changed a value that came from the patient case (its path; the mark is gone)
    case_value_edited = Signal(str)
    TYPING_DELAY_MS = 120

    def __init__(
        self,
        context: Any,
        calc_id: str | None = None,
        *,
        arrangement: str = "wide",
        ratio: tuple[int, int] = (5, 6),
        form_columns: int = 1,
        compact: bool = False,
        buttons: Iterable[str] = ("copy", "clear", "pdf", "fig1"),
        parent: QWidget | None = None,
        labels_above: bool = False,
    ) -> None:
        super().__init__(parent)
        self.labels_above = labels_above
        self.context = context
        self.calc_id: str | None = None
        self.title = ""
        self.reference = ""
        self.form: CalcForm | None = None
        self.result: Any = None
        #: the hospital's local notes on this calculator (set by the screen showing them): Copy and PDF carry them
        self.local_notes: list[dict[str, Any]] = []
        self.last_compute_ms: float = 0.0
        self.form_columns = form_columns
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.TYPING_DELAY_MS)
        self._timer.timeout.connect(self.recompute)

        self.heading = QLabel("", self)
        self.heading.setWordWrap(True)
        relative_font(self.heading, 1.2, bold=True)
        self.heading.setVisible(not compact)
        self.subheading = QLabel("", self)
        self.subheading.setWordWrap(True)
        styled(self.subheading, muted_style)
        self.subheading.setVisible(not compact)

        self.form_host = QWidget(self)
        self.form_layout = QVBoxLayout(self.form_host)
        self.form_layout.setContentsMargins(0, 0, 0, 0)
        self.form_layout.addStretch(1)
        self.pane = ResultPane(self, compact=compact)
        self.pane.reveal_button.clicked.connect(self.reveal_missing)

        self.copy_button = QPushButton("Copy as text", self)
        self.copy_button.setAccessibleDescription("Copy the result as plain text for a clinical note")
        self.copy_button.clicked.connect(self.copy_text)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setAccessibleDescription("Empty the form")
        self.clear_button.clicked.connect(self.clear)
        self.pdf_button = QPushButton("Export PDF…", self)
        self.pdf_button.setAccessibleDescription("Export the result to a PDF file")
        self.pdf_button.clicked.connect(
            lambda: export_pdf_dialog(self, self.document(), self._stamp(), f"{self.calc_id or 'result'}.pdf")
        )
        self.fig1_button = QPushButton("Use in Fig. 1", self)
        self.fig1_button.setAccessibleDescription("Carry this result into the Fig. 1 flowchart")
        self.fig1_button.clicked.connect(self.use_in_figure)
        self.fig1_button.setVisible(False)
        button_row = QHBoxLayout()
        for b in (self.copy_button, self.clear_button, self.pdf_button, self.fig1_button):
            button_row.addWidget(b)
        button_row.addStretch(1)
        self.copy_button.setEnabled(False)
        self.pdf_button.setEnabled(False)

        self.result_scroll: QScrollArea | None = None
        if arrangement != "flow":
            result_scroll = QScrollArea(self)
            result_scroll.setWidgetResizable(True)
            result_scroll.setFrameShape(QFrame.Shape.NoFrame)
            result_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            result_scroll.setWidget(self.pane)
            result_scroll.setAccessibleName("Result pane")
            result_scroll.setAccessibleDescription("The result, its explanation, warnings and references")
            self.result_scroll = result_scroll

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        if arrangement == "wide":
            form_scroll = QScrollArea(self)
            form_scroll.setWidgetResizable(True)
            form_scroll.setFrameShape(QFrame.Shape.NoFrame)
            form_scroll.setWidget(self.form_host)
            form_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.form_scroll: QScrollArea | None = form_scroll
            row = QHBoxLayout()
            left = QVBoxLayout()
            left.addWidget(form_scroll, 1)
            left.addLayout(button_row)
            row.addLayout(left, ratio[0])
            if self.result_scroll is not None:
                row.addWidget(self.result_scroll, ratio[1])
            layout.addLayout(row, 1)
        else:
            self.form_scroll = None
            self.form_layout.takeAt(self.form_layout.count() - 1)  # no stretch: the form keeps its height
            layout.addWidget(self.form_host, 0)
            layout.addLayout(button_row)
            if self.result_scroll is not None:
                layout.addWidget(self.result_scroll, 1)
            else:
                layout.addWidget(self.pane, 0)
                layout.addStretch(1)
        self._buttons = set(buttons)
        for name, b in (("copy", self.copy_button), ("clear", self.clear_button), ("pdf", self.pdf_button)):
            b.setVisible(name in self._buttons)
        if calc_id is not None:
            self.set_calculator(calc_id)

    # -- building ---------------------------------------------------------------------------
    def _stamp(self) -> str:
        return self.context.stamp() if self.context is not None else ""

    def set_calculator(self, calc_id: str) -> None:
        guide = self.context.guide
        if guide is None:
            return
        meta = {c["id"]: c for c in guide.calculators()}.get(calc_id)
        if meta is None:
            self.pane.show_message(f"Unknown calculator {calc_id!r}")
            return
        self.calc_id = calc_id
        self.title = meta["title"]
        self.reference = meta.get("reference", "")
        self.heading.setText(self.title)
        self.subheading.setText(self.reference)
        if self.form is not None:
            self.form_layout.removeWidget(self.form)
            self.form.hide()
            self.form.deleteLater()
        self.form = CalcForm(
            guide.calculator_schema(calc_id),
            read_unit_system(self.context),
            self.form_columns,
            self.form_host,
            field_labels=calculator(calc_id).field_labels,
            labels_above=self.labels_above,
        )
        self.form.setAccessibleName(f"{self.title} form")
        self.form.edited.connect(self._on_edited)
        self.form.case_value_edited.connect(self.case_value_edited)
        self.form_layout.insertWidget(0, self.form)
        chain_tab_order(self.focus_order())
        self.recompute()

    def set_from_case(self, path: str, value: Any, provenance_text: str) -> None:
        """Fill a field from the patient case with its mark, and recompute (:meth:`CalcForm.set_from_case`)."""
        if self.form is None:
            raise KeyError(path)
        self.form.set_from_case(path, value, provenance_text)

    def focus_order(self) -> list[QWidget]:
        """The form's inputs, then the buttons, then the result pane (to scroll it by keyboard)."""
        form = self.form.focus_order() if self.form is not None else []
        buttons = [self.copy_button, self.clear_button, self.pdf_button, self.fig1_button]
        tail = [self.result_scroll] if self.result_scroll is not None else []
        return [*form, *buttons, self.pane.reveal_button, *tail]

    def _on_edited(self, typing: bool) -> None:
        if typing:
            self._timer.start()
        else:
            self._timer.stop()
            self.recompute()

    def apply_unit_system(self, system: str) -> None:
        if self.form is not None:
            self.form.apply_unit_system(system)

    # -- computing --------------------------------------------------------------------------
    def recompute(self) -> None:
        self._timer.stop()
        form = self.form
        if form is None or self.calc_id is None:
            return
        form.clear_messages()
        raw, missing = form.collect()
        result = None
        if missing:
            form.show_needed(missing)
            names = ", ".join(f.spec.label for f in missing)
            self.pane.show_message(f"Enter the values still needed: {names}.", can_reveal=not form.revealed)
        else:
            from app.core.calculators.base import CalcInputError

            started = time.perf_counter()
            try:
                result = self.context.guide.calculate(self.calc_id, raw)
            except CalcInputError as exc:
                plain = form.plain(exc.message, exc.field)
                target = form.target(exc.field)
                partial = PARTIAL_RESULTS.get(self.calc_id)
                result = partial(raw) if partial is not None and exc.code == "missing_field" else None
                if exc.code == "missing_field" and target is not None:
                    form.show_needed([target])
                    if result is None:
                        said = plain if f"“{target.spec.label}”" in plain else f"{target.spec.label}. {plain}"
                        self.pane.show_message(f"Still needed: {said}", can_reveal=not form.revealed)
                elif result is None:
                    label = form.show_error(exc.field, plain)
                    where = "" if label == "form" else f"{label}: "
                    self.pane.show_message(f"No result. {where}{plain}", error=True)
            except Exception as exc:  # shown, never a crash
                form.show_general(f"{type(exc).__name__}: {exc}")
                self.pane.show_message(
                    f"No result: the calculator could not use this input ({type(exc).__name__}: {exc}).", error=True
                )
            self.last_compute_ms = (time.perf_counter() - started) * 1000.0
            if result is not None and (result != self.result or not self.pane.primary.isVisibleTo(self)):
                self.pane.show_result(self.calc_id, result)
        form.show_totals(result)
        self.result = result
        facts = (result.flowchart_facts or {}).get("fig1") if result is not None else None
        self.fig1_button.setVisible(bool(facts) and "fig1" in self._buttons)
        if facts:
            self.fig1_button.setText("Use in Fig. 1")
            self.fig1_button.setToolTip(
                "Carry " + ", ".join(f"{k} = {format_value(v)}" for k, v in facts.items()) + " into Fig. 1"
            )
        self.copy_button.setEnabled(result is not None)
        self.pdf_button.setEnabled(result is not None)
        self.result_changed.emit(result)

    # -- actions ----------------------------------------------------------------------------
    def reveal_missing(self) -> None:
        """Mark every field still needed or refused, edited or not, and go to the first of them."""
        if self.form is None:
            return
        self.form.reveal_all()
        self.recompute()
        for f in self.form._all_fields():
            if f.message.kind in ("error", "needed") and f.is_active():
                f.focus_widgets()[0].setFocus(Qt.FocusReason.OtherFocusReason)
                break

    def clear(self) -> None:
        if self.form is not None:
            blocker = self.form.blockSignals(True)
            self.form.clear()
            self.form.blockSignals(blocker)
        self.recompute()

    def use_in_figure(self) -> None:
        if self.result is None:
            return
        facts = (self.result.flowchart_facts or {}).get("fig1")
        if not facts:
            return
        self.context.carry_facts.emit("fig1", dict(facts))
        self.context.navigate.emit("fig1", None)

    def plain_text(self) -> str:
        if self.result is None or self.calc_id is None:
            return ""
        text = result_plain_text(self.title, self.calc_id, self.result, self._stamp())
        return with_notes_text(text, self.local_notes)

    def html(self) -> str:
        if self.result is None or self.calc_id is None:
            return ""
        return result_html(self.title, self.calc_id, self.result) + notes_block_html(self.local_notes)

    def document(self) -> QTextDocument | None:
        with print_colours():
            body = self.html()
        return html_document(body, self.title) if body else None

    def copy_text(self) -> None:
        text = self.plain_text()
        if text:
            QGuiApplication.clipboard().setText(text)
