"""One input row of a calculator form: its widgets (a number field with its unit selector, a
check box, a combo with "not tested", a checkable list, a checkable group of item answers), how
to read and clear them, and the line under it that holds its message.

Nothing is guessed: unreadable text is passed on for the calculator to reject with its own message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRegularExpression, QSize, Qt, Signal
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
from app.ui.calc.schema import FieldSpec
from app.ui.calc.styles import error_style, needed_style
from app.ui.calc.units import default_unit
from app.ui.theme import current_colours

CHOOSE = "— choose —"

_NUMBER_RE = QRegularExpression(r"^[+-]?[0-9]*(?:[.,][0-9]*)?$")

# Item data for "not tested" and "— choose —". Strings, never None or a Python object: a stored
# None is returned without a reference by some PySide6 versions and crashes the interpreter after
# enough reads ("deallocating None").
NULL_DATA = "\u0000null"
MISSING_DATA = "\u0000missing"


class FieldMessage(QLabel):
    """The line under a field that holds its message: always there, so nothing moves when a message
    appears. A long message is cut with "…" in the line; the whole of it is the tooltip, what a
    screen reader reads, and the result pane's status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.kind = ""
        self.setWordWrap(False)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit_height()

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
        colours = current_colours()
        self.setStyleSheet(error_style(colours) if kind == "error" else needed_style(colours))
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
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and self.kind:
            colours = current_colours()
            sheet = error_style(colours) if self.kind == "error" else needed_style(colours)
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

        def edited(typing: bool) -> None:
            if not self.quiet:
                self.touched = True
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
                combo.currentIndexChanged.connect(lambda _i: (self._name_widgets(), on_edit(False)))
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
            box = QVBoxLayout(group)
            box.setContentsMargins(6, 2, 6, 2)
            self._inner = QWidget(group)
            box.addWidget(self._inner)
            grid = QGridLayout(self._inner)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setColumnStretch(1, 1)
            for child in s.children:
                f = FormField(child, self.unit_system, on_edit, self._inner)
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
        if isinstance(group, QGroupBox):
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
        """The field's message in its reserved line (nothing moves), or an empty line."""
        self.message.set_message(text or "", "error" if error and text else ("needed" if text else ""))

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
