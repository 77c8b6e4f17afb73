"""A calculator form generated from the calculator's input JSON Schema.

One row per field (``app.ui.calc.fields``); item sub-forms (Katz ADL, Lawton IADL, Charlson items,
ICE items) are checkable groups that replace their total. The calculator does all parsing and
checking: its ``CalcInputError`` is shown next to the field it names, in the words of the form.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from app.core.calculators.presentation import enum_label
from app.ui.calc.fields import FormField, add_row
from app.ui.calc.schema import ICE_ITEM_FIELDS, FieldSpec, parse_schema

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
    """A form built from a calculator's input schema. ``edited(typing)`` on every change.

    A field can be filled from outside with a mark of where its value came from
    (:meth:`set_from_case`); ``case_value_edited(path)`` says when the user changes such a value
    (its mark is then gone)."""

    edited = Signal(bool)
    case_value_edited = Signal(str)

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
        self.fields: dict[str, FormField] = {}
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
            add_row(grids[column], f, labels_above)
            used += w
        for f in self._all_fields():
            f.left_provenance = self._left_case
        self._chain_tab_order()
        self._sync_alternatives()

    def _rows(self) -> list[FormField]:
        """Create the fields in schema order; pair each items group with its total."""
        props = {s.name for s in self.specs}
        ice_group = set(ICE_ITEM_FIELDS) <= props and "ice_score" in props
        rows: list[FormField] = []
        for spec in self.specs:
            if ice_group and spec.name in ICE_ITEM_FIELDS:
                continue
            f = FormField(spec, self.unit_system, self._on_edit, self)
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
                g = FormField(group_spec, self.unit_system, self._on_edit, self)
                self.fields[group_spec.path] = g
                rows.append(g)
                self._alternatives[group_spec.path] = "ice_score"
        for f in rows:
            if isinstance(f.editor, QGroupBox):
                f.editor.toggled.connect(self._alternative_toggled)
        return rows

    def _on_edit(self, typing: bool) -> None:
        self.edited.emit(typing)

    def _alternative_toggled(self, _checked: bool) -> None:
        self._sync_alternatives()
        self.edited.emit(False)

    def _sync_alternatives(self) -> None:
        for group_path, total_name in self._alternatives.items():
            group = self.fields[group_path].editor
            total = self.fields.get(total_name)
            if total is not None and isinstance(group, QGroupBox):
                total.set_enabled(not group.isChecked())

    def focus_order(self) -> list[QWidget]:
        order: list[QWidget] = []
        for f in self.fields.values():
            order.extend(f.focus_widgets())
        return order

    def _chain_tab_order(self) -> None:
        chain_tab_order(self.focus_order())

    # -- public -----------------------------------------------------------------------------
    def field(self, path: str) -> FormField:
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

    def _all_fields(self) -> Iterable[FormField]:
        for f in self.fields.values():
            yield f
            yield from f.children

    def _find(self, path: str) -> FormField | None:
        for f in self._all_fields():
            if f.spec.path == path:
                return f
        # flat ICE items live in the synthetic group
        for f in self._all_fields():
            if f.spec.name == path and f.spec.path.startswith("__ice_items__."):
                return f
        return None

    def set_from_case(self, path: str, value: Any, provenance_text: str) -> None:
        """Fill the field at ``path`` with ``value`` (as the calculator input takes it, see
        :meth:`FormField.set_value`) and show ``provenance_text`` (e.g. "From the patient case")
        in its message line while it has no message. An item answer ticks its group; a total
        unticks the item answers that replace it. KeyError for an unknown path, ValueError (naming
        the field and what it accepts) for a value the field cannot hold: the field is left as it
        was (in an item group, the answers before the refused one are kept)."""
        target = self.field(path)
        blocked = self.blockSignals(True)
        try:
            if target.value() != (True, value):  # the same value again keeps the cursor where it is
                target.set_value(value)
            for group_path, total_name in self._alternatives.items():
                group = self.fields[group_path]
                holder = target in group.children
                if (holder or path == total_name) and isinstance(group.editor, QGroupBox):
                    group.quiet = True
                    group.editor.setChecked(holder)
                    group.quiet = False
            target.provenance = provenance_text
            target.show_message(None)
            _describe(target)
            self._sync_alternatives()
        finally:
            self.blockSignals(blocked)
        self.edited.emit(False)

    def value_of(self, path: str) -> tuple[bool, Any]:
        """(present, value) of the field at ``path``, as the calculator input takes it ("72 kg")."""
        return self.field(path).value()

    def case_marks(self) -> dict[str, str]:
        """Every field still holding a value from outside: path → its provenance text."""
        return {f.spec.path: f.provenance for f in self._all_fields() if f.provenance}

    def clear_case_marks(self) -> None:
        """Forget where the values came from (the values stay, as if typed)."""
        for f in self._all_fields():
            if f.provenance:
                f.provenance = ""
                f.show_message(None)
                _describe(f)

    def clear_field(self, path: str) -> None:
        """Empty the field at ``path`` and forget its mark (not a user edit; the caller recomputes)."""
        target = self.field(path)
        target.clear()
        _describe(target)
        self._sync_alternatives()

    def _left_case(self, path: str) -> None:
        _describe(self.field(path))
        self.case_value_edited.emit(path)

    def collect(self) -> tuple[dict[str, Any], list[FormField]]:
        """(raw calculator input, fields still needed)."""
        raw: dict[str, Any] = {}
        missing: list[FormField] = []
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
                _describe(f)
        self.revealed = False
        self.show_general(None)

    def reveal_all(self) -> None:
        """Show every field's message from now on (the user asked what is missing)."""
        self.revealed = True

    def shows_messages_of(self, f: FormField) -> bool:
        """Whether the field's messages show: once edited, once filled from outside, or revealed."""
        return self.revealed or f.touched or bool(f.provenance)

    def clear_messages(self) -> None:
        for f in self._all_fields():
            f.show_message(None)
        self.show_general(None)

    def show_needed(self, fields: Iterable[FormField]) -> None:
        """Mark the fields still needed — those the user edited (or all, once revealed)."""
        for f in fields:
            if self.shows_messages_of(f):
                f.show_message(f"{f.spec.label} is needed")

    def target(self, path: str) -> FormField | None:
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


def _describe(f: FormField) -> None:
    """The field's accessible description and tooltip: where its value came from, then what it is."""
    description = f.spec.description or f.spec.label
    if f.provenance:
        description = f"{f.provenance}. {description}"
    f.editor.setAccessibleDescription(description)
    f.editor.setToolTip(description)


def _spec_dict(s: FieldSpec) -> dict[str, Any]:
    return {k: getattr(s, k) for k in FieldSpec.__dataclass_fields__} | {"path": f"__ice_items__.{s.name}"}


def _weight(f: FormField) -> float:
    if f.spec.kind == "items":
        return 1.5 + len(f.children)
    if f.spec.kind == "list":
        return 1 + len(f.spec.choices) * 0.8
    return 1.0
