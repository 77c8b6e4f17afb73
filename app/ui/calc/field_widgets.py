"""Widgets of a calculator field that Qt does not have: the line under a field that holds its
message, and a list answered by ticking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.calculators.presentation import enum_label
from app.ui.calc.styles import error_style, muted_style, needed_style
from app.ui.theme import Colours, current_colours, follow_theme


def _sheet(kind: str, colours: Colours) -> str:
    if kind == "error":
        return error_style(colours)
    return muted_style(colours) if kind == "origin" else needed_style(colours)


class FieldMessage(QLabel):
    """The line under a field that holds its message: always there, so nothing moves when a message
    appears. A long message is cut with "…" in the line; the whole of it is the tooltip, what a
    screen reader reads, and the result pane's status.

    ``kind``: "error", "needed", "origin" (where a value put in from outside came from) or ""."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.kind = ""
        self.setWordWrap(False)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit_height()
        follow_theme(self, self._restyle)

    def full_text(self) -> str:
        return self._full

    def set_message(self, text: str, kind: str) -> None:
        if text == self._full and kind == self.kind:
            return
        self._full, self.kind = text, kind
        self.setProperty("kind", kind)
        shown = f"⚠ {text}" if kind == "error" else text
        self.setToolTip(shown)
        self.setAccessibleName(shown or "No message")
        self.setAccessibleDescription(shown)
        self.setStyleSheet(_sheet(kind, current_colours()))
        self._elide()

    def _fit_height(self) -> None:
        self.setFixedHeight(self.fontMetrics().height() + 2)

    def _elide(self) -> None:
        shown = f"⚠ {self._full}" if self.kind == "error" else self._full
        width = max(10, self.width())
        super().setText(self.fontMetrics().elidedText(shown, Qt.TextElideMode.ElideRight, width))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(10, self.fontMetrics().height() + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()
            self._elide()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._restyle()

    def _restyle(self) -> None:
        if not self.kind:
            return
        sheet = _sheet(self.kind, current_colours())
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)


class CheckList(QWidget):
    """A list answered by ticking: one check box per choice, all in view (no list that scrolls
    inside a scrolling form), each named by its choice for screen readers."""

    changed = Signal()

    def __init__(self, label: str, choices: Sequence[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.boxes: list[QCheckBox] = []
        for value in choices:
            box = QCheckBox(enum_label(value), self)
            box.setProperty("choice", value)
            box.setAccessibleName(enum_label(value))
            box.setAccessibleDescription(label)
            box.toggled.connect(lambda _c: self.changed.emit())
            layout.addWidget(box)
            self.boxes.append(box)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if self.boxes:
            self.setFocusProxy(self.boxes[0])

    def values(self) -> list[Any]:
        return [box.property("choice") for box in self.boxes if box.isChecked()]

    def clear(self) -> None:
        for box in self.boxes:
            box.setChecked(False)
