"""The dosing card's patient values filled from the patient case (issue 11, item 4).

The card takes weight, height, age, sex, creatinine and the BSA formula from the case as the
Calculators screen does (``app.ui.calc_case``): the values the case gives Cockcroft–Gault and the
BSA calculator, with the same provenance (the creatinine at diagnosis when there is no current one
and no treatment yet; Mosteller when no BSA formula is entered). Each filled field is marked "From
the patient case" in its tooltip and accessible description, and the line above the fields lists
them. An edit goes back to the case when the field is left or Enter is pressed (a choice at once);
while a case is open a value typed into a field the case left empty goes to the case too. CrCl and
dialysis have no place in the case: they stay the card's own. Clear patient empties the card; with
no case open it stays standalone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app.core.units import normalise_unit_text
from app.services.case_session import CaseSession, CaseValue
from app.ui.calc_case import CASE_LINE, case_line_style, creatinine_rule, mark_text, value_text
from app.ui.theme import current_colours, follow_theme

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
BSA_WORDS = {"mosteller": "Mosteller", "dubois": "Du Bois"}


@dataclass(frozen=True)
class CardField:
    """A patient value of the card: where the case gives it (the first of ``calcs`` that has it)."""

    key: str
    label: str
    calcs: tuple[str, ...]
    name: str


CARD_FIELDS = (
    CardField("weight", "Weight", ("crcl", "bsa", "tocilizumab-dose"), "weight"),
    CardField("height", "Height", ("bsa",), "height"),
    CardField("age", "Age", ("crcl",), "age"),
    CardField("sex", "Sex", ("crcl",), "sex"),
    CardField("creatinine", "Creatinine", ("crcl",), "creatinine"),
    CardField("bsa_method", "BSA formula", ("bsa",), "method"),
)
QUANTITIES = ("weight", "height", "creatinine")


def split_quantity(value: Any) -> tuple[str, str] | None:
    """A case quantity ("80 kg", {"value": 80, "unit": "kg"}) → ("80", "kg"); None if it is not one."""
    if isinstance(value, dict) and isinstance(value.get("value"), int | float) and isinstance(value.get("unit"), str):
        return f"{value['value']:g}", value["unit"]
    if isinstance(value, str):
        match = _NUMBER.match(value)
        if match and match.group(2):
            return match.group(1).replace(",", "."), match.group(2)
    return None


class DosingCaseFill:
    """Keeps the dosing card's patient fields (``PatientFields``) in step with the window's patient case."""

    def __init__(self, fields: Any, session: CaseSession, parent: QWidget | None = None) -> None:
        self.fields = fields
        self.session = session
        #: card key → what the case gave it
        self.values: dict[str, CaseValue] = {}
        #: card key → the case path an edit goes back to
        self.paths: dict[str, str] = {}
        #: card key → the field's value as last filled or sent back (a change from it is an edit)
        self.known: dict[str, Any] = {}
        #: card key → why the case's value could not be put in the field
        self.refused: dict[str, str] = {}
        self._updating = False
        self._had_case = not session.is_empty
        #: the card's own Clear emptied it: nothing is linked until the case changes again
        self.emptied_here = False
        self._base: dict[QWidget, tuple[str, str]] = {
            w: (w.toolTip(), w.accessibleDescription()) for key in self.keys() for w in self.widgets(key)
        }
        self.line = QLabel(parent or fields)
        self.line.setObjectName("caseLine")
        self.line.setWordWrap(True)
        self.line.setAccessibleName("Patient case")
        self.line.setVisible(False)
        self.line.setStyleSheet(case_line_style(current_colours()))
        follow_theme(fields, lambda: self.line.setStyleSheet(case_line_style(current_colours())))
        unsubscribe = session.subscribe(lambda _s: self.refresh())
        fields.destroyed.connect(lambda *_: unsubscribe())
        for key in self.keys():
            editor, unit = self.editor(key)
            if isinstance(editor, QLineEdit):
                editor.editingFinished.connect(lambda k=key: self.edited(k))
            else:
                editor.activated.connect(lambda _i, k=key: self.edited(k))
            if unit is not None:
                unit.activated.connect(lambda _i, k=key: self.edited(k))

    # -- the card's widgets ----------------------------------------------------------------
    @staticmethod
    def keys() -> list[str]:
        return [f.key for f in CARD_FIELDS]

    def editor(self, key: str) -> tuple[QLineEdit | QComboBox, QComboBox | None]:
        f = self.fields
        return {
            "weight": (f.weight, f.weight_unit),
            "height": (f.height_edit, f.height_unit),
            "creatinine": (f.creatinine, f.creatinine_unit),
            "age": (f.age, None),
            "sex": (f.sex, None),
            "bsa_method": (f.bsa, None),
        }[key]

    def widgets(self, key: str) -> list[QWidget]:
        return [w for w in self.editor(key) if w is not None]

    def current(self, key: str) -> Any:
        """The field's value as the case holds it ("80 kg", 64, "male"); None when empty."""
        editor, unit = self.editor(key)
        if isinstance(editor, QComboBox):
            return editor.currentData()
        text = editor.text().strip().replace(",", ".")
        if not text:
            return None
        if unit is not None:
            return f"{text} {unit.currentText()}"
        try:
            return int(text)
        except ValueError:
            return text

    def valid(self, key: str, value: Any) -> bool:
        """A value the case can take (a number being wrong is the card's own message, not the case's error)."""
        if value is None or key in ("sex", "bsa_method"):
            return True
        if key == "age":
            return isinstance(value, int)
        number = split_quantity(value)
        try:
            return number is not None and float(number[0]) > 0
        except ValueError:
            return False

    def put(self, key: str, value: Any) -> None:
        """Show the case's ``value`` in the field; ValueError naming what the card accepts."""
        editor, unit = self.editor(key)
        if isinstance(editor, QComboBox):
            index = editor.findData(value)
            if index < 0:
                accepted = ", ".join(str(editor.itemData(i)) for i in range(editor.count()) if editor.itemData(i))
                raise ValueError(f"{value!r} is not offered here (accepted: {accepted})")
            editor.setCurrentIndex(index)
            return
        if unit is None:
            editor.setText(str(value))
            return
        parts = split_quantity(value)
        units = [unit.itemText(i) for i in range(unit.count())]
        if parts is None:
            raise ValueError(f"{value!r} is not a number with a unit")
        same = next((u for u in units if normalise_unit_text(u) == normalise_unit_text(parts[1])), None)
        if same is None:
            raise ValueError(f"unit {parts[1]!r} is not offered here (accepted: {', '.join(units)})")
        unit.setCurrentIndex(units.index(same))
        editor.setText(parts[0])

    def empty(self, key: str) -> None:
        editor, _unit = self.editor(key)
        if isinstance(editor, QLineEdit):
            editor.clear()
        else:
            editor.setCurrentIndex(0)

    # -- filling ---------------------------------------------------------------------------
    def case_values(self) -> dict[str, CaseValue]:
        """What the case gives the card, each with its provenance (as the calculators take it)."""
        out: dict[str, CaseValue] = {}
        for f in CARD_FIELDS:
            for calc in f.calcs:
                given = self.session.calculator_inputs(calc)
                if f.name in given:
                    if f.name == "creatinine":
                        given = creatinine_rule(self.session, given)
                    out[f.key] = given[f.name]
                    break
        return out

    def case_path(self, key: str) -> str | None:
        field = next(f for f in CARD_FIELDS if f.key == key)
        for calc in field.calcs:
            path = self.session.calculator_input_path(calc, field.name)
            if path is not None:
                return path
        return None

    def refresh(self) -> None:
        """Fill the card from the case (after every change of the case)."""
        if self.session.is_empty:
            if self._had_case:
                self.clear_all()
            self._had_case = False
            self.show_line()
            return
        self._had_case = True
        self.emptied_here = False
        if self.session.result is None:  # an input error: nothing half-valid is filled
            self.show_line()
            return
        new = self.case_values()
        before = {key: self.current(key) for key in self.keys()}
        blocked = {w: w.blockSignals(True) for key in self.keys() for w in self.widgets(key)}
        self._updating = True
        try:
            for key in [k for k in self.values if k not in new]:
                if self.current(key) == self.known.get(key):
                    self.empty(key)
                self._forget(key)
            for key, given in new.items():
                try:
                    self.put(key, given.value)
                except ValueError as exc:
                    self.refused[key] = str(exc)
                    self._forget(key)
                    continue
                self.refused.pop(key, None)
                self.values[key] = given
                self.known[key] = self.current(key)
                path = self.case_path(key)
                if path is not None:
                    self.paths[key] = path
            self.refused = {k: m for k, m in self.refused.items() if k in new}
        finally:
            self._updating = False
            for widget, was in blocked.items():
                widget.blockSignals(was)
        self._mark()
        self.show_line()
        if any(self.current(key) != before[key] for key in self.keys()):
            self.fields.changed.emit()

    def _forget(self, key: str) -> None:
        self.values.pop(key, None)
        self.paths.pop(key, None)
        self.known.pop(key, None)

    # -- edits going back to the case ------------------------------------------------------
    def edited(self, key: str) -> None:
        """The user left a field or chose a value: while a case is open it goes to the case."""
        if self._updating or self.session.is_empty:
            return
        now = self.current(key)
        if key in self.paths:
            path: str | None = self.paths[key]
        elif self.session.result is not None and now is not None:
            path = self.case_path(key)
        else:
            path = None
        if path is None or now == self.known.get(key) or not self.valid(key, now):
            return
        self.paths[key] = path
        self.known[key] = now
        self.session.update(path, now)

    def send_back_all(self) -> None:
        """Every field the user changed (or "Use calculator values" filled) goes to the case."""
        for key in self.keys():
            self.edited(key)

    # -- Clear patient ---------------------------------------------------------------------
    def clear_all(self) -> None:
        """Empty the card's patient values: filled from the case or typed, they are all the patient's."""
        self._updating = True
        try:
            self.fields.clear()
        finally:
            self._updating = False
        self.values, self.paths, self.known, self.refused = {}, {}, {}, {}
        self._mark()
        self.show_line()

    def card_cleared(self) -> None:
        """The card's own Clear: its values go, the case keeps them (the card fills again when the case changes)."""
        self.values, self.paths, self.known, self.refused = {}, {}, {}, {}
        self.emptied_here = not self.session.is_empty
        self._mark()
        self.show_line()

    # -- marks and the line above the fields -----------------------------------------------
    def mark(self, key: str) -> str:
        """The field's mark ("From the patient case: weight (F4 to edit)"); empty when not from the case."""
        given = self.values.get(key)
        return f"{mark_text(given.provenance)} (F4 to edit)" if given is not None else ""

    def _mark(self) -> None:
        for key in self.keys():
            mark = self.mark(key)
            for widget in self.widgets(key):
                tip, description = self._base[widget]
                base = description or tip or widget.accessibleName()
                widget.setToolTip(f"{mark}. {base}" if mark else tip)
                widget.setAccessibleDescription(f"{mark}. {base}" if mark else description)

    def text(self) -> str:
        """The line above the card's fields (empty while there is no case)."""
        if self.session.is_empty:
            return ""
        if self.session.error is not None:
            return ("The patient case has an input error (F4 to see it): the card is not filled from it "
                    "until it is corrected.")
        if self.emptied_here:
            return ("Emptied here; the patient case keeps its values (F4 to see them) and fills the card again "
                    "when it changes.")
        labels = {f.key: f.label for f in CARD_FIELDS}
        filled = [f"{labels[k]}: {self._words(k, v)}" for k, v in self.values.items()]
        parts = [CASE_LINE + " · ".join(filled) + "."] if filled else [
            "The patient case has none of the card's values (F4 to enter them)."]
        missing = [labels[k] for k in self.keys() if k not in self.values and k not in self.refused]
        if missing and filled:
            parts.append(f"Not in the case yet: {', '.join(missing)}.")
        if self.refused:
            parts.append("Not filled (F4 to check the case): "
                         + "; ".join(f"{labels[k]}: {m}" for k, m in self.refused.items()) + ".")
        own = [name for name, set_here in (("CrCl", bool(self.fields.crcl.text().strip())),
                                           ("dialysis", self.fields.dialysis.isChecked())) if set_here]
        if own:
            parts.append(f"{' and '.join(own)}: this card's own (the case has no such value).")
        return " ".join(parts)

    @staticmethod
    def _words(key: str, given: CaseValue) -> str:
        if key == "bsa_method":
            return BSA_WORDS.get(str(given.value), str(given.value))
        return value_text(given.provenance, given.value)

    def why(self) -> str:
        """Each filled field with where it came from (the line's tooltip and accessible description)."""
        labels = {f.key: f.label for f in CARD_FIELDS}
        return "\n".join(f"{labels[k]} — {mark_text(v.provenance)}" for k, v in self.values.items())

    def show_line(self) -> None:
        text = self.text()
        self.line.setText(text)
        self.line.setToolTip(self.why())
        self.line.setAccessibleDescription(f"{text}\n{self.why()}".strip())
        self.line.setVisible(bool(text))
