"""A calculator form generated from the calculator's input JSON Schema, its result pane, and the
panel that joins the two (used by the Calculators screen and by the CRS / ICANS screens).

- One row per field: quantities get a number field plus a unit combo (default unit from the
  "SI" / "conventional" preference), booleans a check box (when they default to false), or a combo
  with "not tested" where null is allowed; enums and small integer ranges are combos; other
  numbers are line edits with a validator; lists are checkable lists; item sub-forms (Katz ADL,
  Lawton IADL, Charlson items, ICE items) are checkable groups that replace their total.
- Nothing typed is ever stored: only the default-unit preference goes to the settings.
- The calculator does all parsing and checking: its ``CalcInputError`` is shown next to the field
  it names; an empty required field shows "needed: <field>"; no result is shown for bad input.
"""

from __future__ import annotations

import html
import itertools
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QRegularExpressionValidator, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.calculators.astct import PARTIAL_RESULTS
from app.core.calculators.presentation import (
    NOT_TESTED,
    calculator,
    enum_label,
    format_value,
    input_rows,
    result_text,
    schedule_rows,
)
from app.ui.theme import Colours, current_colours, print_colours, relative_font, styled
from app.ui.widgets import screen_words

# --------------------------------------------------------------------------------------------
# Words shown to the user
# --------------------------------------------------------------------------------------------

#: default unit per dimension (keyed by canonical unit and accepted units) for each preference.
#: Only the laboratory units differ between the two systems; body measures stay metric.
_DEFAULT_UNITS: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {
    ("g/dL", ("g/dL", "g/L")): {"SI": "g/L", "conventional": "g/dL"},
    ("mg/dL", ("mg/dL", "µmol/L")): {"SI": "µmol/L", "conventional": "mg/dL"},
    ("mg/L", ("mg/L", "µg/mL", "mg/dL")): {"SI": "mg/L", "conventional": "mg/L"},
}

UNIT_SYSTEM_KEY = "units/default_system"
UNIT_SYSTEMS = ("SI", "conventional")
CHOOSE = "— choose —"

_NUMBER_RE = QRegularExpression(r"^[+-]?[0-9]*(?:[.,][0-9]*)?$")



def warning_style(c: Colours) -> str:
    return (
        f"QFrame#warningBox {{ background: {c.warning.bg}; border: 2px solid {c.warning.border};"
        " border-radius: 4px; }"
        f" QFrame#warningBox QLabel {{ color: {c.warning.fg}; background: transparent; }}"
    )


def error_style(c: Colours) -> str:
    return f"color: {c.error}; font-weight: 600;"


def needed_style(c: Colours) -> str:
    return f"color: {c.muted}; font-style: italic;"


def muted_style(c: Colours) -> str:
    return f"color: {c.muted};"


# --------------------------------------------------------------------------------------------
# Settings: the default-unit preference, the only thing this module ever stores
# --------------------------------------------------------------------------------------------


def _settings_store(context: Any) -> Any:
    store = getattr(context, "settings", None)
    if store is not None and hasattr(store, "value") and hasattr(store, "setValue"):
        return store
    return QSettings()


def read_unit_system(context: Any) -> str:
    value = _settings_store(context).value(UNIT_SYSTEM_KEY, "SI")
    return "conventional" if str(value).casefold().startswith("conv") else "SI"


def write_unit_system(context: Any, system: str) -> None:
    _settings_store(context).setValue(UNIT_SYSTEM_KEY, "conventional" if system == "conventional" else "SI")


def default_unit(canonical: str | None, accepted: Sequence[str], system: str) -> str:
    choice = _DEFAULT_UNITS.get((canonical or "", tuple(accepted)))
    if choice:
        return choice.get(system, accepted[0])
    if canonical in accepted:
        return str(canonical)
    return accepted[0] if accepted else ""


# --------------------------------------------------------------------------------------------
# Schema → field specifications
# --------------------------------------------------------------------------------------------

_MISSING = object()
# Item data for "not tested" and "— choose —". Strings, never None or a Python object: a stored
# None is returned without a reference by some PySide6 versions and crashes the interpreter after
# enough reads ("deallocating None").
_NULL_DATA = "\u0000null"
_MISSING_DATA = "\u0000missing"

ICE_ITEM_FIELDS = ("orientation", "naming", "commands", "writing", "attention")


@dataclass
class FieldSpec:
    name: str
    path: str
    label: str
    kind: str  # quantity | bool | enum | int | number | list | items | text
    description: str = ""
    required: bool = False
    nullable: bool = False
    default: Any = _MISSING
    units: list[str] = field(default_factory=list)
    canonical: str | None = None
    choices: list[Any] = field(default_factory=list)
    choice_notes: dict[Any, str] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    children: list[FieldSpec] = field(default_factory=list)
    from_range: bool = False  # a small integer range shown as a combo

    @property
    def has_default(self) -> bool:
        return self.default is not _MISSING


def parse_schema(schema: dict[str, Any], labels: Mapping[str, str]) -> list[FieldSpec]:
    """The fields of a calculator's input schema, labelled by the calculator's ``field_labels``
    (the fields of an item sub-form by their schema titles)."""
    defs = schema.get("$defs", {})
    return _parse_object(schema, defs, "", labels)


def _parse_object(
    schema: dict[str, Any], defs: dict[str, Any], prefix: str, labels: Mapping[str, str]
) -> list[FieldSpec]:
    required = set(schema.get("required", []))
    return [
        _parse_field(name, prop, name in required, defs, prefix, labels)
        for name, prop in schema.get("properties", {}).items()
    ]


def _parse_field(
    name: str, prop: dict[str, Any], required: bool, defs: dict[str, Any], prefix: str, labels: Mapping[str, str]
) -> FieldSpec:
    inner = prop
    nullable = False
    if "anyOf" in prop:
        options = [o for o in prop["anyOf"] if o.get("type") != "null"]
        nullable = len(options) < len(prop["anyOf"])
        inner = options[0] if options else {}
    if "$ref" in inner:
        inner = defs.get(inner["$ref"].rsplit("/", 1)[-1], {})
    description = str(prop.get("description") or inner.get("description") or "").strip()
    spec = FieldSpec(
        name=name,
        path=f"{prefix}{name}",
        label=(labels.get(name) if not prefix else None)
        or str(prop.get("title") or inner.get("title") or name.replace("_", " ")).strip(),
        kind="text",
        description=description,
        required=required,
        nullable=nullable,
        default=prop.get("default", _MISSING),
        minimum=_first(inner, "minimum", "ge"),
        maximum=_first(inner, "maximum", "le"),
    )
    units = prop.get("x-accepted-units") or inner.get("x-accepted-units")
    kind = inner.get("type")
    if units:
        spec.kind = "quantity"
        spec.units = list(units)
        spec.canonical = prop.get("x-canonical-unit") or inner.get("x-canonical-unit")
    elif inner.get("properties") is not None and kind in (None, "object"):
        spec.kind = "items"
        spec.children = _parse_object(inner, defs, f"{spec.path}.", {})
        for child in spec.children:
            # Charlson items carry their weights in the description: "Dementia (1)"
            if re.search(r"\(\d\)", child.description) and len(child.description) <= 90:
                child.label = child.description
    elif kind == "boolean":
        spec.kind = "bool"
    elif "enum" in inner:
        spec.kind = "enum"
        spec.choices = list(inner["enum"])
        spec.choice_notes = _choice_notes(spec.choices, description)
    elif kind == "array":
        spec.kind = "list"
        spec.choices = list(inner.get("items", {}).get("enum", []))
    elif kind == "integer":
        if spec.minimum is not None and spec.maximum is not None and 0 < spec.maximum - spec.minimum <= 8:
            spec.kind = "enum"
            spec.from_range = True
            spec.choices = list(range(int(spec.minimum), int(spec.maximum) + 1))
        else:
            spec.kind = "int"
    elif kind == "number":
        spec.kind = "number"
    return spec


def _first(d: dict[str, Any], *keys: str) -> float | None:
    for k in keys:
        if k in d:
            return float(d[k])
    return None


def _choice_notes(choices: list[Any], description: str) -> dict[Any, str]:
    """Integer enums documented as "1 = …; 0 = …" (Lawton items) get those words as labels."""
    notes: dict[Any, str] = {}
    for value in choices:
        if isinstance(value, int) and not isinstance(value, bool):
            match = re.search(rf"(?:^|[:;]\s*){value} = (.+?)(?=;\s*\d+ = |$)", description)
            if match:
                notes[value] = match.group(1).strip()
    return notes


# --------------------------------------------------------------------------------------------
# One input row
# --------------------------------------------------------------------------------------------


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


class _Field:
    """The widgets of one field, how to read them and where its messages go."""

    def __init__(self, spec: FieldSpec, unit_system: str, on_edit: Callable[[bool], None], parent: QWidget) -> None:
        self.spec = spec
        self.unit_system = unit_system
        self.editor: QWidget
        self.unit: QComboBox | None = None
        self.children: list[_Field] = []
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
                combo.addItem(NOT_TESTED, _NULL_DATA)
            elif not (s.has_default and s.default is not None):
                combo.addItem(CHOOSE, _MISSING_DATA)
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
                f = _Field(child, self.unit_system, on_edit, self._inner)
                self.children.append(f)
                _add_row(grid, f)
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
            if isinstance(data, str) and data == _MISSING_DATA:
                return False, None
            if isinstance(data, str) and data == _NULL_DATA:
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


def _add_row(grid: QGridLayout, f: _Field, labels_above: bool = False) -> None:
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


# --------------------------------------------------------------------------------------------
# The form
# --------------------------------------------------------------------------------------------


_PYDANTIC_PHRASES = (
    (re.compile(r"Input should be less than or equal to (\S+)"), r"must be at most \1"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"must be at least \1"),
    (re.compile(r"Input should be less than (\S+)"), r"must be below \1"),
    (re.compile(r"Input should be greater than (\S+)"), r"must be above \1"),
    (re.compile(r"Input should be a valid integer[^;]*"), "must be a whole number"),
    (re.compile(r"Input should be a valid number[^;]*"), "must be a number"),
    (re.compile(r"Input should be a valid boolean[^;]*"), "must be yes or no"),
    (re.compile(r"Input should be (.+)"), r"must be \1"),
)


def plain_message(message: str, labels: dict[str, str], path: str = "") -> str:
    """A calculator's message in the words of the form: field names as their visible labels in
    quotes, ``is true``/``is false`` as ticked/not ticked, Pydantic's phrases in plain words, a
    leading ``field:`` dropped (the label says which field)."""
    text = message.strip()
    for name in sorted(labels, key=len, reverse=True):
        if text.startswith(f"{name}: "):
            text = text[len(name) + 2 :]
            break
    for pattern, words in _PYDANTIC_PHRASES:
        text = pattern.sub(words, text)
    for name in sorted(labels, key=len, reverse=True):
        if "_" in name or "." in name or name == path:
            label = labels[name]
            text = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w])", f"“{label}”", text)
    text = re.sub(r"(”) is true\b", r"\1 is ticked", text)
    text = re.sub(r"(”) is false\b", r"\1 is not ticked", text)
    text = re.sub(r"'([a-z0-9_]+)'", lambda m: f"“{enum_label(m.group(1))}”", text)
    return text[:1].upper() + text[1:]


class CalcForm(QWidget):
    """A form built from a calculator's input schema. ``edited(typing)`` on every change."""

    edited = Signal(bool)

    def __init__(
        self,
        schema: dict[str, Any],
        unit_system: str = "SI",
        columns: int = 1,
        parent: QWidget | None = None,
        *,
        field_labels: Mapping[str, str],
        labels_above: bool = False,
    ) -> None:
        super().__init__(parent)
        self.labels_above = labels_above
        self.schema = schema
        self.unit_system = unit_system
        self.specs = parse_schema(schema, field_labels)
        self.fields: dict[str, _Field] = {}
        self._alternatives: dict[str, str] = {}  # items group path → the total it replaces
        #: every field's message shows, edited or not (the user asked what is missing)
        self.revealed = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        #: a message about the form as a whole (shown in the result pane, never above the fields)
        self.general_message = ""
        columns_box = QHBoxLayout()
        columns_box.setSpacing(18)
        outer.addLayout(columns_box)
        grids = []
        for _ in range(max(1, columns)):
            grid = QGridLayout()
            grid.setColumnStretch(1, 1)
            grid.setVerticalSpacing(2)
            grid.setColumnMinimumWidth(0, 0 if labels_above else 120)
            wrapper = QVBoxLayout()
            wrapper.addLayout(grid)
            wrapper.addStretch(1)
            columns_box.addLayout(wrapper, 1)
            grids.append(grid)
        rows = self._rows()
        weights = [_weight(f) for f in rows]
        total = sum(weights) or 1
        per_column = total / len(grids)
        column, used = 0, 0.0
        for f, w in zip(rows, weights, strict=True):
            if used >= per_column * (column + 1) - w / 2 and column < len(grids) - 1:
                column += 1
            _add_row(grids[column], f, labels_above)
            used += w
        self._chain_tab_order()
        self._sync_alternatives()

    def _rows(self) -> list[_Field]:
        """Create the fields in schema order; pair each items group with its total."""
        props = {s.name for s in self.specs}
        ice_group = set(ICE_ITEM_FIELDS) <= props and "ice_score" in props
        rows: list[_Field] = []
        for spec in self.specs:
            if ice_group and spec.name in ICE_ITEM_FIELDS:
                continue
            f = _Field(spec, self.unit_system, self._on_edit, self)
            self.fields[spec.path] = f
            rows.append(f)
            if spec.kind == "items" and spec.name.endswith("_items") and spec.name[:-6] in props:
                self._alternatives[spec.path] = spec.name[:-6]
            if ice_group and spec.name == "ice_score":
                children = [
                    FieldSpec(**{**_spec_dict(s), "required": True, "nullable": False})
                    for s in self.specs
                    if s.name in ICE_ITEM_FIELDS
                ]
                group_spec = FieldSpec(
                    name="__ice_items__", path="__ice_items__", label="ICE items", kind="items", children=children
                )
                g = _Field(group_spec, self.unit_system, self._on_edit, self)
                self.fields[group_spec.path] = g
                rows.append(g)
                self._alternatives[group_spec.path] = "ice_score"
        for f in rows:
            if isinstance(f.editor, QGroupBox):
                f.editor.toggled.connect(lambda _c: (self._sync_alternatives(), self.edited.emit(False)))
        return rows

    def _on_edit(self, typing: bool) -> None:
        self.edited.emit(typing)

    def _sync_alternatives(self) -> None:
        for group_path, total_name in self._alternatives.items():
            group = self.fields[group_path]
            total = self.fields.get(total_name)
            if total is not None:
                total.set_enabled(not group.editor.isChecked())  # type: ignore[attr-defined]

    def focus_order(self) -> list[QWidget]:
        order: list[QWidget] = []
        for f in self.fields.values():
            order.extend(f.focus_widgets())
        return order

    def _chain_tab_order(self) -> None:
        chain_tab_order(self.focus_order())

    # -- public -----------------------------------------------------------------------------
    def field(self, path: str) -> _Field:
        """The field at ``path`` ("b2m", "adl_items.bathing", "__ice_items__.orientation")."""
        found = self._find(path)
        if found is None:
            raise KeyError(path)
        return found

    def editor(self, path: str) -> QWidget:
        return self.field(path).editor

    def unit_combo(self, path: str) -> QComboBox:
        unit = self.field(path).unit
        if unit is None:
            raise KeyError(f"{path} has no unit")
        return unit

    def _all_fields(self) -> Iterable[_Field]:
        for f in self.fields.values():
            yield f
            yield from f.children

    def _find(self, path: str) -> _Field | None:
        for f in self._all_fields():
            if f.spec.path == path:
                return f
        # flat ICE items live in the synthetic group
        for f in self._all_fields():
            if f.spec.name == path and f.spec.path.startswith("__ice_items__."):
                return f
        return None

    def collect(self) -> tuple[dict[str, Any], list[_Field]]:
        """(raw calculator input, fields still needed)."""
        raw: dict[str, Any] = {}
        missing: list[_Field] = []
        for f in self.fields.values():
            if not f.is_active():
                continue
            present, value = f.value()
            if f.spec.kind == "items":
                if not present:
                    continue
                sub: dict[str, Any] = {}
                for child in f.children:
                    c_present, c_value = child.value()
                    if c_present:
                        sub[child.spec.name] = c_value
                    elif child.spec.required:
                        missing.append(child)
                if f.spec.path == "__ice_items__":
                    raw.update(sub)
                else:
                    raw[f.spec.name] = sub
                continue
            if present:
                raw[f.spec.name] = value
            elif f.spec.required:
                missing.append(f)
        return raw, missing

    def clear(self) -> None:
        for f in self._all_fields():
            f.quiet = True
        try:
            for f in self.fields.values():
                f.clear()
            self._sync_alternatives()
        finally:
            for f in self._all_fields():
                f.quiet = False
                f.touched = False
        self.revealed = False
        self.show_general(None)

    def reveal_all(self) -> None:
        """Show every field's message from now on (the user asked what is missing)."""
        self.revealed = True

    def shows_messages_of(self, f: _Field) -> bool:
        return self.revealed or f.touched

    def clear_messages(self) -> None:
        for f in self._all_fields():
            f.show_message(None)
        self.show_general(None)

    def show_needed(self, fields: Iterable[_Field]) -> None:
        """Mark the fields still needed — those the user edited (or all, once revealed)."""
        for f in fields:
            if self.shows_messages_of(f):
                f.show_message(f"{f.spec.label} is needed")

    def target(self, path: str) -> _Field | None:
        """The active field a calculator's error path names (the nearest enclosing field)."""
        target = None
        parts = path.split(".")
        while parts and target is None:
            target = self._find(".".join(parts))
            parts.pop()
        return target if target is not None and target.is_active() else None

    def show_error(self, path: str, message: str) -> str:
        """Show ``message`` (plain words) in the line of the field ``path`` names, if the user edited
        it (or asked); returns the field's visible label ("form" for the form as a whole)."""
        target = self.target(path)
        if target is None:
            self.show_general(message)
            return "form"
        if self.shows_messages_of(target):
            target.show_message(message, error=True)
        return target.spec.label

    def show_general(self, message: str | None) -> None:
        self.general_message = message or ""

    def labels(self) -> dict[str, str]:
        """Every field's name and dotted path → its visible label (for messages in plain words)."""
        out: dict[str, str] = {}
        for f in self._all_fields():
            if f.spec.path.startswith("__"):
                continue
            out.setdefault(f.spec.name, f.spec.label)
            out[f.spec.path] = f.spec.label
        return out

    def plain(self, message: str, path: str = "") -> str:
        """A calculator's message in the words of the form (:func:`plain_message`)."""
        return plain_message(message, self.labels(), path)

    def show_totals(self, result: Any) -> None:
        """Each total replaced by its item answers shows the total computed from them."""
        values = result.result if result is not None and isinstance(result.result, dict) else {}
        for group_path, total_name in self._alternatives.items():
            group, total = self.fields[group_path], self.fields.get(total_name)
            if total is None or not isinstance(group.editor, QGroupBox):
                continue
            if group.editor.isChecked():
                computed = values.get(total_name, values.get(f"{total_name}_total"))
                if computed is None and result is not None:
                    computed = result.inputs.get(total_name)
                total.show_total(computed)

    def apply_unit_system(self, system: str) -> None:
        self.unit_system = system
        for f in self.fields.values():
            f.apply_unit_system(system)

    def first_input(self) -> QWidget | None:
        for f in self.fields.values():
            return f.focus_widgets()[0]
        return None


def chain_tab_order(widgets: Sequence[QWidget]) -> None:
    """Tab visits ``widgets`` in this order."""
    for a, b in itertools.pairwise(widgets):
        QWidget.setTabOrder(a, b)


def _spec_dict(s: FieldSpec) -> dict[str, Any]:
    return {k: getattr(s, k) for k in FieldSpec.__dataclass_fields__} | {"path": f"__ice_items__.{s.name}"}


def _weight(f: _Field) -> float:
    if f.spec.kind == "items":
        return 1.5 + len(f.children)
    if f.spec.kind == "list":
        return 1 + len(f.spec.choices) * 0.8
    return 1.0


# --------------------------------------------------------------------------------------------
# A read-only table model over plain rows (explanation, doses, schedules, regimens…)
# --------------------------------------------------------------------------------------------


class RowsModel(QAbstractTableModel):
    """Read-only rows of text. ``alignments`` per column; tooltips show the full text."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]] = (),
        parent: Any = None,
        right_aligned: Sequence[int] = (),
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[list[str]] = [self._cells(r) for r in rows]
        self._right = set(right_aligned)

    def _cells(self, row: Sequence[Any]) -> list[str]:
        cells = [format_value(v) for v in row]
        cells += [""] * (len(self._headers) - len(cells))
        return cells[: len(self._headers)]

    def set_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        self.beginResetModel()
        self._rows = [self._cells(r) for r in rows]
        self.endResetModel()

    def set_headers(self, headers: Sequence[str]) -> None:
        if list(headers) != self._headers and len(headers) == len(self._headers):
            self._headers = list(headers)
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)

    def rows(self) -> list[list[str]]:
        return [list(r) for r in self._rows]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        text = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if index.column() in self._right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignTop)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class FittedTable(QTableView):
    """A table that grows to show all its rows (it lives inside a scrolling pane)."""

    def __init__(
        self,
        model: RowsModel,
        accessible_name: str,
        parent: QWidget | None = None,
        stretch: int | None = None,
        max_visible_rows: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName(accessible_name)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().setVisible(False)
        self.setTabKeyNavigation(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._stretch = stretch
        self._max_rows = max_visible_rows
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        model.modelReset.connect(self.fit)
        self.fit()

    def fit(self) -> None:
        header = self.horizontalHeader()
        n = self.model().columnCount()
        stretch = self._stretch if self._stretch is not None else n - 1
        for c in range(n):
            mode = QHeaderView.ResizeMode.Stretch if c == stretch else QHeaderView.ResizeMode.Interactive
            header.setSectionResizeMode(c, mode)
        width = max(self.viewport().width(), 200)
        cap = min(0.3, max(0.18, 0.6 / max(1, n - 1)))  # the share of the width a narrow column may take
        for c in range(n):
            if c != stretch:
                self.resizeColumnToContents(c)
                self.setColumnWidth(c, min(self.columnWidth(c), int(width * cap)))
        self.resizeRowsToContents()
        rows = self.model().rowCount()
        shown = rows if self._max_rows is None else min(rows, self._max_rows)
        height = header.height() + sum(self.rowHeight(r) for r in range(shown)) + 2 * self.frameWidth() + 2
        self.setFixedHeight(max(height, header.height() + 2 * self.frameWidth() + 24))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            QTimer.singleShot(0, self, self.fit)  # cancelled if the table goes first


# --------------------------------------------------------------------------------------------
# Formatting results
# --------------------------------------------------------------------------------------------


def result_input_rows(result: Any) -> list[tuple[str, str]]:
    """The inputs as entered, with the canonical value beside a converted one."""
    return input_rows(calculator(result.calculator), result.inputs, getattr(result, "entered", None))


def points_header(calc_id: str) -> str:
    return "Points" if calculator(calc_id).scored else "Number"


SCHEDULE_HEADERS = ("Day", "Step", "Dose", "Monitoring", "Premed.")


# --------------------------------------------------------------------------------------------
# The result pane
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Plain text and HTML of a result (Copy as text, print, PDF)
# --------------------------------------------------------------------------------------------


def headline_extra(calc_id: str, result: Any) -> str:
    """A second headline line where the result's first use is a dose: beside the creatinine
    clearance, lenalidomide's starting dose by the EU SmPC and by the US label (the rows the
    calculator looked up, with their status when not confirmed)."""
    if calc_id != "crcl" or not isinstance(result.result, dict):
        return ""
    len_ = result.result.get("lenalidomide")
    if not isinstance(len_, dict):
        return ""
    parts = []
    for key, label in (("eu", "EU SmPC"), ("us", "US label")):
        row = len_.get(key)
        if isinstance(row, dict) and row.get("dose"):
            status = row.get("status")
            flag = f" [{status}]" if status and status != "CONFIRMED" else ""
            parts.append(f"{label} {row['dose']}{flag}")
    if not parts:
        return ""
    return "Lenalidomide starting dose (Rd, 25 mg regimen; not maintenance): " + " · ".join(parts)


def raised_by(result: Any) -> list[str]:
    """What would give a higher grade, for a result that says so (CRS from an incomplete form)."""
    values = result.result if isinstance(result.result, dict) else {}
    return [screen_words(str(x)) for x in values.get("raised_by") or []]


def result_plain_text(title: str, calc_id: str, result: Any, stamp: str) -> str:
    """Copy as text: the same rendering as the CLI's --text (core presentation), unwrapped, in the
    GUI's words (no command lines or internal ids), with the dose line and what raises the grade."""
    data = result.model_dump(mode="json")
    data["title"] = data.get("title") or title
    data["calculator"] = data.get("calculator") or calc_id
    text = result_text(data, stamp=stamp)
    extra = headline_extra(calc_id, result)
    if extra:
        text = text.replace(f"Result: {data.get('headline')}", f"Result: {data.get('headline')}\n{extra}", 1)
    raised = raised_by(result)
    if raised:
        text = text.replace("\nInputs:", "\nWould be higher with:\n" + "\n".join(f"  - {x}" for x in raised)
                            + "\n\nInputs:", 1)
    text = text.replace(f"Calculator {calc_id} version", "Calculator version")
    return screen_words(text)


def _esc(text: Any) -> str:
    return html.escape(str(text))


def html_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    header = current_colours().table_header
    head = "".join(
        f"<th align='left' style='background-color:{header.bg}; color:{header.fg}'>{_esc(h)}</th>" for h in headers
    )
    body = "".join(
        "<tr>" + "".join(f"<td valign='top'>{_esc(format_value(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return (
        "<table border='1' cellspacing='0' cellpadding='4' width='100%' style='border-collapse:collapse'>"
        f"<tr>{head}</tr>{body}</table>"
    )


def warning_html(items: Sequence[str], title: str = "Warning") -> str:
    if not items:
        return ""
    body = "".join(f"<li>{_esc(w)}</li>" for w in items)
    box = current_colours().warning
    return (
        f"<table width='100%' cellpadding='6' border='1' style='border-color:{box.border}; border-style:solid'>"
        f"<tr><td bgcolor='{box.bg}' style='color:{box.fg}'>"
        f"<b>⚠ {_esc(title)}{'s' if len(items) > 1 and title == 'Warning' else ''}</b><ul>{body}</ul>"
        "</td></tr></table>"
    )


def result_html(title: str, calc_id: str, result: Any) -> str:
    parts = [
        f"<h2>{_esc(title)}</h2>",
        f"<p style='font-size:16pt'><b>{_esc(screen_words(result.headline))}"
        "</b></p>",
    ]
    extra = headline_extra(calc_id, result)
    if extra:
        parts.append(f"<p style='font-size:13pt'><b>{_esc(extra)}</b></p>")
    raised = raised_by(result)
    if raised:
        parts.append("<p><b>Would be higher with:</b></p><ul>" + "".join(f"<li>{_esc(x)}</li>" for x in raised)
                     + "</ul>")
    parts.append(warning_html([screen_words(w) for w in result.warnings]))
    if result.interpretation:
        parts.append(f"<p>{_esc(screen_words(result.interpretation))}</p>")
    rows = schedule_rows(result.result)
    if rows:
        parts.append("<h3>Step-up schedule</h3>" + html_table(SCHEDULE_HEADERS, rows))
        premed = result.result.get("premedication") or {}
        if premed.get("text"):
            parts.append(f"<p><b>Premedication</b> ({_esc(premed.get('status', ''))}): {_esc(premed['text'])}</p>")
    parts.append("<h3>Inputs</h3>" + html_table(("Input", "Value"), result_input_rows(result)))
    if result.explanation:
        parts.append(
            "<h3>Explanation</h3>"
            + html_table(
                ("Item", "Value", points_header(calc_id)), [(r.item, r.value, r.points) for r in result.explanation]
            )
        )
    parts.append(
        "<h3>Rule and references</h3><ul>"
        + "".join(f"<li>{_esc(screen_words(r))}</li>" for r in result.references)
        + "</ul>"
    )
    parts.append(f"<p>Calculator version {_esc(result.calculator_version)}</p>")
    return "".join(parts)


def html_document(body: str, title: str = "Myeloma Pocket Guide") -> QTextDocument:
    doc = QTextDocument()
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    doc.setHtml(f"<html><body>{body}</body></html>")
    return doc


def export_pdf_dialog(parent: QWidget, document: QTextDocument | None, stamp: str, suggested: str) -> None:
    """Ask where to save, then export the stamped document as PDF."""
    if document is None:
        return
    from pathlib import Path

    from app.ui.printing import export_pdf

    path, _ = QFileDialog.getSaveFileName(parent, "Export to PDF", suggested, "PDF files (*.pdf)")
    if path:
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        export_pdf(document, Path(path), stamp)


# --------------------------------------------------------------------------------------------
# Evidence badges: the tag as printed on its grade colour (app.ui.widgets; never colour alone)
# --------------------------------------------------------------------------------------------


def badges_html(evidence: Iterable[dict[str, Any]]) -> str:
    from app.ui.widgets import badge_html

    return " ".join(badge_html(e) for e in evidence)


# --------------------------------------------------------------------------------------------
# The panel: form + result + buttons, live recompute
# --------------------------------------------------------------------------------------------


class CalculatorPanel(QWidget):
    """One calculator: its form, its live result and the Copy / Clear / Fig. 1 buttons.

    ``arrangement``: "wide" (form beside the result, each in its own scroll area), "stacked" (form
    above a scrolling result) or "flow" (form, buttons and result one under the other with no
    scroll area of their own: the screen puts the whole panel in one). ``labels_above`` puts each
    label over its field (narrow panes, large text).
    """

    result_changed = Signal(object)  # CalcResult or None
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
        self.form_layout.insertWidget(0, self.form)
        chain_tab_order(self.focus_order())
        self.recompute()

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
            if f.message.kind and f.is_active():
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
        return result_plain_text(self.title, self.calc_id, self.result, self._stamp())

    def html(self) -> str:
        if self.result is None or self.calc_id is None:
            return ""
        return result_html(self.title, self.calc_id, self.result)

    def document(self) -> QTextDocument | None:
        with print_colours():
            body = self.html()
        return html_document(body, self.title) if body else None

    def copy_text(self) -> None:
        text = self.plain_text()
        if text:
            QGuiApplication.clipboard().setText(text)
