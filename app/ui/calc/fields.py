"""One input row of a calculator form: its widgets (a number field with its unit selector, a
check box, a combo with "not tested", a checkable list, a checkable group of item answers), how
to read and clear them, and the line under it that holds its message.

Nothing is guessed: unreadable text is passed on for the calculator to reject with its own message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.calculators.presentation import NOT_TESTED, enum_label
from app.ui.calc.field_widgets import CheckList, FieldMessage
from app.ui.calc.schema import FieldSpec
from app.ui.calc.units import default_unit

CHOOSE = "— choose —"

_NUMBER_RE = QRegularExpression(r"^[+-]?[0-9]*(?:[.,][0-9]*)?$")

# Item data for "not tested" and "— choose —". Strings, never None or a Python object: a stored
# None is returned without a reference by some PySide6 versions and crashes the interpreter after
# enough reads ("deallocating None").
NULL_DATA = "\u0000null"
MISSING_DATA = "\u0000missing"


class FormField:
    """The widgets of one field, how to read them and where its messages go."""

    def __init__(self, spec: FieldSpec, unit_system: str, on_edit: Callable[[bool], None], parent: QWidget) -> None:
        self.spec = spec
        self.unit_system = unit_system
        self.editor: QWidget
        self.unit: QComboBox | None = None
        self.children: list[FormField] = []
        self.label = QLabel(spec.label, parent)
        self.label.setWordWrap(True)
        self.label.setMaximumWidth(190)
        self.message = FieldMessage(parent)
        self.message.setObjectName(f"message_{spec.path}")
        #: the user changed this field (its messages show from then on)
        self.touched = False
        #: set while the form itself changes the field (clear, units, totals): not an edit
        self.quiet = False
        self._inner: QWidget | None = None
        #: where a value put in from outside came from (e.g. "From the patient case"); shown in the
        #: message line while the field has no message, gone when the user changes the value
        self.provenance = ""
        #: told the path of a field whose value came from outside when the user changes it
        self.left_provenance: Callable[[str], None] | None = None

        def edited(typing: bool) -> None:
            if not self.quiet:
                self.touched = True
                if self.provenance:
                    self.provenance = ""
                    self.show_message(None)
                    if self.left_provenance is not None:
                        self.left_provenance(self.spec.path)
                on_edit(typing)

        self._build(edited, parent)
        self.label.setBuddy(self.editor)
        if spec.kind == "items":
            self.label.setVisible(False)
        self._name_widgets()

    # -- construction ---------------------------------------------------------------------
    def _build(self, on_edit: Callable[[bool], None], parent: QWidget) -> None:
        s = self.spec
        if s.kind in ("quantity", "int", "number", "text"):
            edit = QLineEdit(parent)
            if s.kind != "text":
                edit.setValidator(QRegularExpressionValidator(_NUMBER_RE, edit))
            edit.setPlaceholderText(self._placeholder())
            edit.textEdited.connect(lambda _t: on_edit(True))
            self.editor = edit
            if s.kind == "quantity":
                combo = QComboBox(parent)
                for unit in s.units:
                    combo.addItem(unit, unit)
                combo.setCurrentIndex(max(0, combo.findData(default_unit(s.canonical, s.units, self.unit_system))))

                def unit_changed(_index: int) -> None:
                    self._name_widgets()
                    on_edit(False)

                combo.currentIndexChanged.connect(unit_changed)
                combo.setMinimumWidth(84)
                combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
                self.unit = combo
        elif s.kind == "bool" and s.has_default and not s.nullable and s.default is False:
            box = QCheckBox(parent)
            box.setText("yes")
            box.toggled.connect(lambda _c: on_edit(False))
            self.editor = box
        elif s.kind in ("bool", "enum"):
            combo = QComboBox(parent)
            values: list[Any] = [True, False] if s.kind == "bool" else list(s.choices)
            if s.nullable and not s.from_range:
                combo.addItem(NOT_TESTED, NULL_DATA)
            elif not (s.has_default and s.default is not None):
                combo.addItem(CHOOSE, MISSING_DATA)
            for v in values:
                text = enum_label(v)
                if v in s.choice_notes:
                    text = f"{v} — {s.choice_notes[v]}"
                combo.addItem(text, v)
                combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
            self._reset_combo(combo)
            combo.currentIndexChanged.connect(lambda _i: on_edit(False))
            self.editor = combo
        elif s.kind == "list":
            checks = CheckList(s.label, s.choices, parent)
            checks.changed.connect(lambda: on_edit(False))
            self.editor = checks
        elif s.kind == "items":
            group = QGroupBox(self._group_title(), parent)
            group.setCheckable(True)
            group.setChecked(False)
            layout = QVBoxLayout(group)
            layout.setContentsMargins(6, 2, 6, 2)
            inner = QWidget(group)
            self._inner = inner
            layout.addWidget(inner)
            grid = QGridLayout(inner)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setColumnStretch(1, 1)
            for child in s.children:
                f = FormField(child, self.unit_system, on_edit, inner)
                self.children.append(f)
                add_row(grid, f)
            group.toggled.connect(lambda _c: self._sync_group())
            group.toggled.connect(lambda _c: self._mark_touched())
            self.editor = group
            self._sync_group()
        else:  # pragma: no cover - every schema kind is handled above
            self.editor = QLineEdit(parent)

    def _mark_touched(self) -> None:
        if not self.quiet:
            self.touched = True

    def _group_title(self) -> str:
        if self.spec.path == "__ice_items__":
            return "Answer the ICE items"
        return f"Answer the {self.spec.label} instead of the total"

    def _placeholder(self) -> str:
        s = self.spec
        parts = []
        if s.minimum is not None and s.maximum is not None:
            parts.append(f"{s.minimum:g}–{s.maximum:g}")
        if s.has_default and s.default is not None:
            parts.append(f"default {s.default}")
        if s.nullable and not s.required:
            parts.append("empty = not given")
        return "; ".join(parts)

    def _reset_combo(self, combo: QComboBox) -> None:
        s = self.spec
        index = 0
        if s.has_default and s.default is not None:
            found = combo.findData(s.default)
            index = found if found >= 0 else 0
        combo.setCurrentIndex(index)

    def _sync_group(self) -> None:
        group = self.editor
        if isinstance(group, QGroupBox) and self._inner is not None:
            self._inner.setVisible(group.isChecked())
            for child in self.children:
                child.set_enabled(group.isChecked())

    def _name_widgets(self) -> None:
        s = self.spec
        name = s.label
        if self.unit is not None:
            name = f"{s.label}, in {self.unit.currentData()}"
            self.unit.setAccessibleName(f"{s.label} unit")
            self.unit.setAccessibleDescription(f"Unit of {s.label}; accepted: {', '.join(s.units)}")
            self.unit.setToolTip(f"Unit of {s.label}; accepted: {', '.join(s.units)}")
        self.editor.setAccessibleName(name)
        description = s.description or s.label
        self.editor.setAccessibleDescription(description)
        self.editor.setToolTip(description)
        self.message.setAccessibleName(f"{s.label} message")

    # -- reading and writing --------------------------------------------------------------
    def value(self) -> tuple[bool, Any]:
        """(present, raw value). Nothing is guessed: unreadable text is passed on for the calculator
        to reject with its own message."""
        s = self.spec
        w = self.editor
        if isinstance(w, QLineEdit):
            text = w.text().strip()
            if not text:
                return False, None
            if s.kind == "quantity":
                assert self.unit is not None
                return True, f"{text} {self.unit.currentData()}"
            number = text.replace(",", ".")
            try:
                if s.kind == "int":
                    return True, int(number)
                if s.kind == "number":
                    return True, float(number)
            except ValueError:
                return True, text
            return True, text
        if isinstance(w, QCheckBox):
            return True, w.isChecked()
        if isinstance(w, QComboBox):
            data = w.currentData()
            if isinstance(data, str) and data == MISSING_DATA:
                return False, None
            if isinstance(data, str) and data == NULL_DATA:
                return s.nullable, None
            return True, data
        if isinstance(w, CheckList):
            return True, w.values()
        if isinstance(w, QGroupBox):
            if not w.isChecked():
                return False, None
            return True, None  # the caller reads the children
        return False, None

    def is_active(self) -> bool:
        return self.editor.isEnabled()

    def set_enabled(self, enabled: bool) -> None:
        self.editor.setEnabled(enabled)
        self.label.setEnabled(enabled)
        if self.unit is not None:
            self.unit.setEnabled(enabled)
        if not enabled:
            self.show_message(None)

    def clear(self) -> None:
        self.provenance = ""
        self.quiet = True
        try:
            self._clear()
        finally:
            self.quiet = False
        self.touched = False

    def _clear(self) -> None:
        w = self.editor
        if isinstance(w, QLineEdit):
            w.clear()
            if self.unit is not None:
                self.unit.setCurrentIndex(
                    max(0, self.unit.findData(default_unit(self.spec.canonical, self.spec.units, self.unit_system)))
                )
        elif isinstance(w, QCheckBox):
            w.setChecked(False)
        elif isinstance(w, QComboBox):
            self._reset_combo(w)
        elif isinstance(w, CheckList):
            w.clear()
        elif isinstance(w, QGroupBox):
            for child in self.children:
                child.clear()
            w.setChecked(False)
        self.show_message(None)

    def apply_unit_system(self, system: str) -> None:
        self.unit_system = system
        if self.unit is not None and isinstance(self.editor, QLineEdit) and not self.editor.text().strip():
            self.quiet = True
            try:
                self.unit.setCurrentIndex(
                    max(0, self.unit.findData(default_unit(self.spec.canonical, self.spec.units, system)))
                )
            finally:
                self.quiet = False
        for child in self.children:
            child.apply_unit_system(system)

    def show_message(self, text: str | None, *, error: bool = False) -> None:
        """The field's message in its reserved line (nothing moves); with none, where its value came
        from (if it came from outside), or an empty line."""
        if text:
            self.message.set_message(text, "error" if error else "needed")
        else:
            self.message.set_message(self.provenance, "origin" if self.provenance else "")

    def set_value(self, value: Any) -> None:
        """Put ``value`` into the widgets as the calculator input takes it (not a user edit): a
        quantity as "70 kg" or ``{"value": 70, "unit": "kg"}`` in one of the field's units, null for
        "not tested" where the field allows it, a list for ticked choices, a dict of item answers.
        ValueError, naming the field and what it accepts, for anything else."""
        self.quiet = True
        try:
            self._set_value(value)
        finally:
            self.quiet = False

    def _refuse(self, value: Any, accepted: str) -> ValueError:
        return ValueError(f"{self.spec.label}: {value!r} cannot be set; accepted: {accepted}")

    def _set_value(self, value: Any) -> None:
        s, w = self.spec, self.editor
        if isinstance(w, QLineEdit):
            if value is None:
                w.clear()
            elif s.kind == "quantity":
                assert self.unit is not None
                number, unit = _quantity_parts(value)
                index = next((i for i in range(self.unit.count()) if unit.casefold() == str(
                    self.unit.itemData(i)).casefold()), -1)
                if number is None or index < 0:
                    raise self._refuse(value, f"a number with one of the units {', '.join(s.units)}")
                self.unit.setCurrentIndex(index)
                w.setText(f"{number:g}")
            elif isinstance(value, bool) or (s.kind in ("int", "number") and not isinstance(value, int | float)):
                raise self._refuse(value, "a number")
            else:
                w.setText(f"{value:g}" if isinstance(value, float) else str(value))
        elif isinstance(w, QCheckBox):
            if not isinstance(value, bool):
                raise self._refuse(value, "true or false")
            w.setChecked(value)
        elif isinstance(w, QComboBox):
            index = w.findData(NULL_DATA) if value is None else _find_choice(w, value)
            if index < 0:
                offered = [enum_label(w.itemData(i)) for i in range(w.count()) if w.itemData(i) != MISSING_DATA]
                raise self._refuse(value, ", ".join(offered))
            w.setCurrentIndex(index)
        elif isinstance(w, CheckList):
            chosen = list(value or [])
            unknown = [v for v in chosen if v not in [b.property("choice") for b in w.boxes]]
            if unknown:
                raise self._refuse(unknown, ", ".join(str(b.property("choice")) for b in w.boxes))
            for box in w.boxes:
                box.setChecked(box.property("choice") in chosen)
        elif isinstance(w, QGroupBox):
            if not isinstance(value, dict):
                raise self._refuse(value, "the item answers as an object")
            children = {c.spec.name: c for c in self.children}
            unknown = sorted(set(value) - set(children))
            if unknown:
                raise self._refuse(unknown, ", ".join(children))
            w.setChecked(True)
            for name, item in value.items():
                children[name].set_value(item)

    def show_total(self, value: Any) -> None:
        """Show the total computed from the item answers in this (disabled) total field."""
        combo = self.editor
        if not isinstance(combo, QComboBox):
            return
        index = combo.findData(value) if value is not None else -1
        self.quiet = True
        try:
            if index >= 0:
                combo.setCurrentIndex(index)
            else:
                self._reset_combo(combo)
        finally:
            self.quiet = False

    def focus_widgets(self) -> list[QWidget]:
        if isinstance(self.editor, CheckList):
            return list(self.editor.boxes)
        if isinstance(self.editor, QGroupBox):
            out: list[QWidget] = [self.editor]
            for child in self.children:
                out.extend(child.focus_widgets())
            return out
        return [self.editor] + ([self.unit] if self.unit is not None else [])


class _LabelClick(QObject):
    """A click on a check box's label ticks the box, as a click on its own text would."""

    def __init__(self, box: QCheckBox, label: QLabel) -> None:
        super().__init__(label)
        self.box = box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.MouseButtonRelease and self.box.isEnabled():
            self.box.toggle()
            self.box.setFocus(Qt.FocusReason.MouseFocusReason)
            return True
        return False


def add_row(grid: QGridLayout, f: FormField, labels_above: bool = False) -> None:
    """One field: label, editor (with its unit) and the reserved line of its message.

    ``labels_above`` (narrow panes, large text): the label on its own line above the editor; a
    yes/no check box then carries the label as its own text."""
    row = grid.rowCount()
    if f.spec.kind == "items":
        grid.addWidget(f.editor, row, 0, 1, 2)
        grid.addWidget(f.message, row + 1, 0, 1, 2)
        return
    if labels_above:
        if isinstance(f.editor, QCheckBox):
            # the box, then its label wrapping beside it (a check box's own text never wraps)
            f.editor.setText("")
            f.label.setMaximumWidth(16777215)
            f.label.installEventFilter(_LabelClick(f.editor, f.label))
            box = QHBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(f.editor, 0, Qt.AlignmentFlag.AlignTop)
            box.addWidget(f.label, 1)
            grid.addLayout(box, row, 0, 1, 2)
            grid.addWidget(f.message, row + 1, 0, 1, 2)
            return
        f.label.setMaximumWidth(16777215)
        grid.addWidget(f.label, row, 0, 1, 2)
        row += 1
        if f.unit is not None:
            box = QHBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(f.editor, 1)
            box.addWidget(f.unit, 0)
            grid.addLayout(box, row, 0, 1, 2)
        else:
            grid.addWidget(f.editor, row, 0, 1, 2)
        grid.addWidget(f.message, row + 1, 0, 1, 2)
        return
    grid.addWidget(f.label, row, 0, Qt.AlignmentFlag.AlignTop)
    if f.unit is not None:
        box = QHBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(f.editor, 1)
        box.addWidget(f.unit, 0)
        grid.addLayout(box, row, 1)
    else:
        grid.addWidget(f.editor, row, 1)
    grid.addWidget(f.message, row + 1, 1)


def _quantity_parts(value: Any) -> tuple[float | None, str]:
    """(number, unit) of "70 kg" or {"value": 70, "unit": "kg"}; (None, "") when it is neither."""
    if isinstance(value, dict) and set(value) == {"value", "unit"}:
        number, unit = value["value"], str(value["unit"])
    elif isinstance(value, str) and " " in value.strip():
        text, unit = value.strip().split(" ", 1)
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None, ""
    else:
        return None, ""
    if isinstance(number, bool) or not isinstance(number, int | float):
        return None, ""
    return float(number), unit.strip()


def _find_choice(combo: QComboBox, value: Any) -> int:
    """The index of the choice whose data is ``value`` (True is not 1, False not 0)."""
    for i in range(combo.count()):
        data = combo.itemData(i)
        if data == value and isinstance(data, bool) == isinstance(value, bool):
            return i
    return -1
