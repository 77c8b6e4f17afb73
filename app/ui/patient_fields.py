"""Input widgets bound to one path of the patient case.

Each widget sends what the clinician typed to the case (``on_edit(path, value)``) as they type,
and shows the case's value when told to (``show_value``) without sending it back. What cannot be
read (a word in a number field) is sent as typed, so the case's own check names the field and
says what it accepts; an emptied field removes the value (unknown / not tested).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from app.ui.patient_words import NOT_ENTERED, Choice

OnEdit = Callable[[str, Any], None]


def plain_label(text: str) -> str:
    """A form label as read on screen: without its mnemonic mark and colon ("&Age (years):" → "Age (years)")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":")


def _number(text: str, kind: str) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text) if kind == "int" else float(text.replace(",", "."))
    except ValueError:
        return text


class TextField(QLineEdit):
    """Text, a whole number, a number, a date or a comma-separated list."""

    def __init__(self, path: str, on_edit: OnEdit, label: str, kind: str = "text", placeholder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.kind = kind
        self._on_edit = on_edit
        self.setAccessibleName(label)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.textEdited.connect(self._edited)

    def value(self) -> Any:
        text = self.text().strip()
        if self.kind in ("int", "float"):
            return _number(text, self.kind)
        if self.kind == "list":
            items = [t.strip() for t in text.split(",") if t.strip()]
            return items or None
        return text or None

    def _edited(self, _text: str) -> None:
        self._on_edit(self.path, self.value())

    def show_value(self, value: Any) -> None:
        if value is None:
            text = ""
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        elif isinstance(value, float):
            text = f"{value:g}"
        else:
            text = str(value)
        if self.hasFocus() and self.value() == value:
            return  # the clinician is typing this very value: leave the cursor alone
        if self.text() != text:
            self.setText(text)


class ChoiceField(QComboBox):
    """A choice; the first entry (``none_label``) means absent: not entered, not tested, rules decide."""

    def __init__(self, path: str, on_edit: OnEdit, label: str, choices: list[Choice],
                 none_label: str = NOT_ENTERED, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._on_edit = on_edit
        self.setAccessibleName(label)
        self.addItem(none_label, None)
        for text, value in choices:
            self.addItem(text, value)
        self.activated.connect(self._edited)

    def value(self) -> Any:
        return self.currentData()

    def _edited(self, _index: int) -> None:
        self._on_edit(self.path, self.value())

    def show_value(self, value: Any) -> None:
        for i in range(self.count()):
            data = self.itemData(i)
            if data == value and type(data) is type(value):
                self.setCurrentIndex(i)
                return
        self.setCurrentIndex(0)


class QuantityField(QWidget):
    """A number and its unit (the units the calculators accept); sent as "3.1 mg/L"."""

    def __init__(self, path: str, on_edit: OnEdit, label: str, units: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._on_edit = on_edit
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.number = QLineEdit(self)
        self.number.setAccessibleName(label)
        self.number.setPlaceholderText(NOT_ENTERED)
        self.number.setClearButtonEnabled(True)
        self.unit = QComboBox(self)
        self.unit.setAccessibleName(f"Unit of {label}")
        self.unit.addItems(units)
        row.addWidget(self.number, 1)
        row.addWidget(self.unit)
        self.setFocusProxy(self.number)
        self.number.textEdited.connect(self._edited)
        self.unit.activated.connect(self._edited)

    def value(self) -> str | None:
        text = self.number.text().strip()
        return f"{text} {self.unit.currentText()}" if text else None

    def _edited(self, *_: object) -> None:
        self._on_edit(self.path, self.value())

    def show_value(self, value: Any) -> None:
        number, unit = "", None
        if isinstance(value, dict):
            number, unit = str(value.get("value", "")), str(value.get("unit", ""))
        elif isinstance(value, str):
            number, _, unit = value.strip().partition(" ")
            unit = unit.strip()
        if unit:
            found = self.unit.findText(unit)
            if found < 0:
                self.unit.addItem(unit)  # as entered; the case check says whether it is accepted
                found = self.unit.count() - 1
            self.unit.setCurrentIndex(found)
        if self.number.hasFocus() and self.value() == value:
            return
        if self.number.text() != number:
            self.number.setText(number)


Field = TextField | ChoiceField | QuantityField
