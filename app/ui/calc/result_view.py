"""The result pane: headline, dose line, what would raise the grade, warnings, interpretation,
schedule, explanation, inputs used, references and version; or, with no result, the status in
words and the button that marks what is missing.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.core.calculators.presentation import schedule_rows
from app.ui.calc.result_words import SCHEDULE_HEADERS, headline_extra, points_header, raised_by, result_input_rows
from app.ui.calc.styles import muted_style, needed_style, warning_style
from app.ui.calc.tables import FittedTable, RowsModel
from app.ui.theme import relative_font, styled
from app.ui.widgets import screen_words


class WarningBox(QFrame):
    """Warnings in a framed box with an icon and the word "Warning": never colour alone."""

    def __init__(self, title: str = "Warning", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningBox")
        styled(self, warning_style)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.heading = QLabel(f"⚠ {title}", self)
        self.heading.setWordWrap(True)
        relative_font(self.heading, bold=True)
        self.body = QLabel("", self)
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        self.setAccessibleName(title)
        self._title = title

    def set_items(self, items: Sequence[str]) -> None:
        self.heading.setText(f"⚠ {self._title}{'s' if len(items) > 1 and self._title == 'Warning' else ''}")
        self.body.setText("<br>".join(f"• {html.escape(t)}" for t in items))
        self.body.setAccessibleName("; ".join(items))
        self.setVisible(bool(items))


def _section_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    relative_font(label, bold=True)
    return label


def _text_label(parent: QWidget, accessible: str) -> QLabel:
    label = QLabel("", parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(accessible)
    return label


class ResultPane(QWidget):
    """Primary result, inputs used, explanation, interpretation, warnings, references, version."""

    def __init__(self, parent: QWidget | None = None, compact: bool = False) -> None:
        super().__init__(parent)
        self.compact = compact
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.primary = QLabel("", self)
        self.primary.setWordWrap(True)
        self.primary.setObjectName("primaryResult")
        self.primary.setAccessibleName("Result")
        self.primary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        relative_font(self.primary, 1.45 if compact else 1.8, bold=True)
        self.secondary = _text_label(self, "What the result means for dosing")
        self.secondary.setObjectName("secondaryResult")
        relative_font(self.secondary, 1.15, bold=True)
        self.raised = _text_label(self, "What would raise the grade")
        self.raised.setTextFormat(Qt.TextFormat.RichText)
        self.placeholder = _text_label(self, "Result status")
        styled(self.placeholder, needed_style)
        self.reveal_button = QPushButton("Show what is missing", self)
        self.reveal_button.setAccessibleDescription("Mark every field that still needs a value or has a problem")
        self.reveal_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.reveal_button.setVisible(False)
        self.warnings = WarningBox("Warning", self)
        self.warnings.setVisible(False)
        self.interpretation = _text_label(self, "Interpretation")
        self.inputs_heading = _section_label("Inputs (as entered; converted value in brackets)", self)
        self.inputs_model = RowsModel(("Input", "Value"))
        self.inputs_view = FittedTable(self.inputs_model, "Inputs used", self, stretch=1)
        self.schedule_heading = _section_label("Step-up schedule", self)
        self.schedule_model = RowsModel(SCHEDULE_HEADERS)
        self.schedule_view = FittedTable(self.schedule_model, "Step-up schedule", self, stretch=3)
        self.premedication = _text_label(self, "Premedication")
        self.explanation_heading = _section_label("Explanation", self)
        self.explanation_model = RowsModel(("Item", "Value", "Points"), right_aligned=(2,))
        self.explanation_view = FittedTable(self.explanation_model, "Explanation", self, stretch=1)
        self.references_heading = _section_label("Rule and references", self)
        self.references = _text_label(self, "References")
        self.version = _text_label(self, "Calculator version")
        styled(self.version, muted_style)
        schedule = (self.schedule_heading, self.schedule_view, self.premedication)
        # a helper beside the management panels shows its schedule first; the Calculators
        # screen shows the warnings first
        first = (
            (*schedule, self.warnings, self.interpretation)
            if compact
            else (self.warnings, self.interpretation, *schedule)
        )
        for w in (
            self.primary,
            self.secondary,
            self.placeholder,
            self.reveal_button,
            self.raised,
            *first,
            self.explanation_heading,
            self.explanation_view,
            self.inputs_heading,
            self.inputs_view,
            self.references_heading,
            self.references,
            self.version,
        ):
            layout.addWidget(w)
        layout.addStretch(1)
        self.show_message("")

    def _details(self) -> list[QWidget]:
        return [
            self.primary,
            self.secondary,
            self.raised,
            self.warnings,
            self.interpretation,
            self.inputs_heading,
            self.inputs_view,
            self.schedule_heading,
            self.schedule_view,
            self.premedication,
            self.explanation_heading,
            self.explanation_view,
            self.references_heading,
            self.references,
            self.version,
        ]

    def show_message(self, message: str, *, can_reveal: bool = False, error: bool = False) -> None:
        """No result: the status in words, and (while inputs are missing) the button that marks them."""
        for w in self._details():
            w.setVisible(False)
        self.primary.clear()
        self.placeholder.setText(message)
        self.placeholder.setProperty("kind", "error" if error else "status")
        self.placeholder.setVisible(bool(message))
        self.reveal_button.setVisible(can_reveal)

    def show_result(self, calc_id: str, result: Any) -> None:
        self.placeholder.setVisible(False)
        self.reveal_button.setVisible(False)
        self.primary.setText(screen_words(result.headline))
        self.primary.setAccessibleDescription(self.primary.text())
        self.primary.setVisible(True)
        extra = headline_extra(calc_id, result)
        self.secondary.setText(extra)
        self.secondary.setAccessibleDescription(extra)
        self.secondary.setVisible(bool(extra))
        raised = raised_by(result)
        self.raised.setText("<b>Would be higher with:</b><br>" + "<br>".join(f"• {html.escape(x)}" for x in raised))
        self.raised.setAccessibleDescription("Would be higher with: " + "; ".join(raised))
        self.raised.setVisible(bool(raised))
        self.warnings.set_items([screen_words(w) for w in result.warnings])
        self.interpretation.setText(screen_words(result.interpretation))
        self.interpretation.setVisible(bool(result.interpretation))
        rows = schedule_rows(result.result)
        self.schedule_model.set_rows(rows)
        for w in (self.schedule_heading, self.schedule_view):
            w.setVisible(bool(rows))
        premed = result.result.get("premedication") if isinstance(result.result, dict) else None
        if rows and isinstance(premed, dict) and premed.get("text"):
            status = premed.get("status")
            flag = f" [{status}]" if status and status != "CONFIRMED" else ""
            self.premedication.setText(f"Premedication{flag}: {screen_words(premed['text'])}")
            self.premedication.setVisible(True)
        else:
            self.premedication.setVisible(False)
        explanation = [(screen_words(r.item), screen_words(r.value), r.points) for r in result.explanation]
        self.explanation_model.set_headers(("Item", "Value", points_header(calc_id)))
        self.explanation_model.set_rows(explanation)
        self.explanation_view.setColumnHidden(2, all(r[2] is None for r in explanation))
        for w in (self.explanation_heading, self.explanation_view):
            w.setVisible(bool(explanation) and not (self.compact and rows))
        self.inputs_model.set_rows(result_input_rows(result))
        for w in (self.inputs_heading, self.inputs_view):
            w.setVisible(bool(result.inputs) and not self.compact)
        self.references.setText("\n".join(f"• {screen_words(r)}" for r in result.references))
        for w in (self.references_heading, self.references):
            w.setVisible(bool(result.references))
        self.version.setText(f"Calculator version {result.calculator_version}")
        self.version.setVisible(True)
        QTimer.singleShot(0, self, self._refit)

    def _refit(self) -> None:
        for view in (self.inputs_view, self.schedule_view, self.explanation_view):
            view.fit()
