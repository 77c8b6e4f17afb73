"""The calculator on screen filled from the patient case (issue 11, item 4).

Every field the case gives is filled and marked "From the patient case: <which input>" in its
message line, its tooltip and its accessible description; a value the case derives says its rule
(del(17p) absent → clonal fraction 0 %, the creatinine at diagnosis when there is no current one
and no treatment yet, Mosteller when no BSA formula is entered). A marker or LDH the case leaves
untested is filled as "not tested", with its mark, whenever the calculator takes anything else
from the case; a calculator the case gives nothing to is not filled at all. Fields the case does
not give stay as the user left them; a value the case gave before and no longer gives is taken
away unless the user changed it.

An edit of a filled field goes back to the case in the unit typed: a typed number when the field
is left or Enter is pressed, a choice at once. While a case is open, a value typed into a field the
case had not filled goes to the case the same way (creatinine typed into CrCl becomes the case's
current creatinine), so the Calculators, the figures and the Case summary agree; with no case open
the calculator stays standalone. A calculator the case does not run (the bispecific step-up, an
event-time tool) can borrow a field from one it runs: its weight is the tocilizumab dose's weight, and
an edit goes back to the same place. A derived value the user changes becomes the
calculator's own (it is no longer filled). When the case is emptied (Clear patient), the form is
emptied too: every value, typed or filled, since every value in it is the patient's.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app.core.units import normalise_unit_text
from app.services.case_session import FROM_CASE, CaseSession, CaseValue
from app.ui.calc.form import CalcForm
from app.ui.calc.panel import CalculatorPanel
from app.ui.patient_words import path_words, words_in
from app.ui.theme import Colours, current_colours, follow_theme

CASE_LINE = "From the patient case (F4 to edit): "
UNTESTED_PREFIXES = ("cytogenetics.", "labs_at_diagnosis.ldh_above_uln")


def case_line_style(c: Colours) -> str:
    return (
        f"QLabel {{ background: {c.alternate}; color: {c.text}; border: 1px solid {c.control_border};"
        " border-radius: 3px; padding: 4px; }"
    )


def mark_text(provenance: str, label: str = "") -> str:
    """A field's mark: "from the patient case: labs_at_diagnosis.b2m" → "From the patient case: β2-microglobulin
    at diagnosis", or beside the field labelled "β2-microglobulin" → "From the patient case: at diagnosis"."""
    text = words_in(provenance)
    head, _, where = text.partition(": ")
    name = re.sub(r"\s+\(.*?\)$", "", label).casefold()
    if name and re.match(re.escape(name) + r"(?![\w(])", where.casefold()):
        rest = where[len(name):].strip(" ,;")
        text = f"{head}: {rest}" if rest else head
    return text[:1].upper() + text[1:]


def _untested_word(where: str) -> str:
    return "not measured" if "ldh_above_uln" in where else "not tested"


def value_text(where: str, value: Any) -> str:
    """A case value in a few words for the line above the form (``where``: its provenance)."""
    if value is None:
        return _untested_word(where)
    if isinstance(value, bool):
        if any(prefix in where for prefix in UNTESTED_PREFIXES):
            return "present" if value else "absent"
        return "yes" if value else "no"
    if isinstance(value, dict) and set(value) == {"value", "unit"}:
        return f"{value['value']:g} {value['unit']}" if isinstance(value["value"], int | float) else str(value)
    if isinstance(value, dict):
        return "item answers"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def creatinine_rule(session: CaseSession, given: dict[str, CaseValue]) -> dict[str, CaseValue]:
    """``given`` with the rule that chose its creatinine added to the creatinine's provenance (the one at
    diagnosis when there is no current one and no treatment yet)."""
    result = session.result
    if "creatinine" not in given or result is None:
        return given
    rule = next((w.split(": ", 1)[1] for w in result.warnings if w.startswith("crcl/egfr:")), None)
    if rule is None or given["creatinine"].provenance.endswith(rule):
        return given
    return {**given, "creatinine": CaseValue(given["creatinine"].value, f"{given['creatinine'].provenance}; {rule}")}


class CalcCaseFill:
    """Keeps a calculator panel's form (the Calculators screen's, a CRS/ICANS helper's) in step with the
    window's patient case. ``borrow``: field → the calculator whose case input it takes when the case does
    not give it to this calculator (the step-up's ``weight`` → ``tocilizumab-dose``)."""

    def __init__(
        self, panel: CalculatorPanel, session: CaseSession, parent: QWidget | None = None,
        borrow: dict[str, str] | None = None,
    ) -> None:
        self.panel = panel
        self.session = session
        self.borrow = dict(borrow or {})
        #: field path → what the case gave it (the fields linked to the case)
        self.values: dict[str, CaseValue] = {}
        #: field path → the case path an edit goes back to (taken while the case was valid)
        self.paths: dict[str, str] = {}
        #: field path → the field's value as last filled or sent back (a change from it is an edit)
        self.known: dict[str, tuple[bool, Any]] = {}
        #: derived values the user changed: the calculator's own until another calculator or patient
        self.own: set[str] = set()
        #: field path → why the case's value could not be put in the field
        self.refused: dict[str, str] = {}
        self._form: CalcForm | None = None
        self._updating = False
        self._had_case = not session.is_empty
        self.line = QLabel(parent or panel)
        self.line.setObjectName("caseLine")
        self.line.setWordWrap(True)
        self.line.setAccessibleName("Patient case")
        self.line.setVisible(False)
        self.line.setStyleSheet(case_line_style(current_colours()))
        # followed through the panel: a widget with a style sheet of its own is not told of palette changes
        follow_theme(panel, lambda: self.line.setStyleSheet(case_line_style(current_colours())))
        unsubscribe = session.subscribe(lambda _s: self.refresh())
        panel.destroyed.connect(lambda *_: unsubscribe())
        panel.result_changed.connect(lambda _r: self.send_back())
        panel.case_value_edited.connect(self._on_left)

    # -- filling -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Fill the form from the case (after a change of the case or of the calculator)."""
        form, calc_id = self.panel.form, self.panel.calc_id
        if form is None or calc_id is None:
            return
        if form is not self._form:
            self._adopt(form)
        if self.session.is_empty:
            if self._had_case:
                self.clear_all()
            self._had_case = False
            self._show_line()
            return
        self._had_case = True
        if self.session.result is None:  # an input error: nothing half-valid is filled
            self._show_line()
            return
        new = self.case_values(calc_id)
        self.refused = {p: m for p, m in self.refused.items() if p in new}
        self._updating = True
        try:
            emptied = False
            for path in [p for p in self.values if p not in new]:
                if self.current(path) == self.known.get(path):
                    form.clear_field(path)
                    emptied = True
                self._forget(path)
            for path, given in new.items():
                try:
                    mark = mark_text(given.provenance, form.field(path).spec.label)
                    form.set_from_case(path, self._in_form_units(path, given.value), mark)
                except KeyError:
                    continue
                except ValueError as exc:
                    self.refused[path] = str(exc)
                    continue
                self.refused.pop(path, None)
                self.values[path] = given
                self.known[path] = self.current(path)
                case_path = self.input_path(calc_id, path)
                if case_path is not None:
                    self.paths[path] = case_path
        finally:
            self._updating = False
        if emptied:
            self.panel.recompute()
        self._show_line()

    def case_values(self, calc_id: str) -> dict[str, CaseValue]:
        """What the case gives this calculator: its values, and its untested markers as "not tested"
        when it gives anything else (never for the fields the user took over)."""
        given = dict(self.session.calculator_inputs(calc_id))
        for name, other in self.borrow.items():
            taken = self.session.calculator_inputs(other).get(name)
            if name not in given and taken is not None:
                given[name] = taken
        result = self.session.result
        ran = result.calculators.get(calc_id, {}) if result is not None else {}
        if given:
            for name, path in ran.get("from_case", {}).items():
                if name not in given and path.startswith(UNTESTED_PREFIXES) and self._nullable(name):
                    given[name] = CaseValue(None, f"{FROM_CASE}: {path}, {_untested_word(path)}")
        if calc_id in ("crcl", "egfr"):
            given = creatinine_rule(self.session, given)
        return {name: value for name, value in given.items() if name not in self.own}

    def input_path(self, calc_id: str, field: str) -> str | None:
        """The case path an edit of ``field`` goes back to (a borrowed field: the lender's path)."""
        path = self.session.calculator_input_path(calc_id, field)
        if path is None and field in self.borrow:
            path = self.session.calculator_input_path(self.borrow[field], field)
        return path

    def _in_form_units(self, path: str, value: Any) -> Any:
        """A quantity whose unit is spelt otherwise ("umol/L", "μmol/L") in the spelling of the form's selector."""
        form = self.panel.form
        spec = form.field(path).spec if form is not None else None
        if spec is None or spec.kind != "quantity" or not isinstance(value, str) or " " not in value.strip():
            return value
        number, unit = value.strip().split(" ", 1)
        key = normalise_unit_text(unit)
        same = next((u for u in spec.units if normalise_unit_text(u) == key), None)
        return f"{number} {same}" if same is not None else value

    def _nullable(self, name: str) -> bool:
        form = self.panel.form
        try:
            spec = form.field(name).spec if form is not None else None
        except KeyError:
            return False
        return spec is not None and spec.nullable and not spec.from_range

    def _adopt(self, form: CalcForm) -> None:
        """A new calculator's form: nothing of the last one is linked; typed numbers go back when left."""
        self._form = form
        self._reset()
        for path in list(form.fields):
            editor = form.fields[path].editor
            if isinstance(editor, QLineEdit):
                editor.editingFinished.connect(lambda: self.send_back(typing_done=True))
                editor.editingFinished.connect(lambda p=path: self.typed(p))
            elif isinstance(editor, QComboBox):
                editor.activated.connect(lambda _i, p=path: self.typed(p))

    def _reset(self) -> None:
        self.values, self.paths, self.known, self.own, self.refused = {}, {}, {}, set(), {}

    def _forget(self, path: str) -> None:
        self.values.pop(path, None)
        self.paths.pop(path, None)
        self.known.pop(path, None)

    def current(self, path: str) -> tuple[bool, Any]:
        """The field's value as the case holds it (item answers as their object)."""
        form = self.panel.form
        assert form is not None
        field = form.field(path)
        if field.spec.kind != "items":
            return field.value()
        present, _ = field.value()
        if not present:
            return False, None
        answers = {c.spec.name: c.value()[1] for c in field.children if c.value()[0]}
        return True, answers

    # -- edits going back to the case ----------------------------------------------------------
    def _on_left(self, path: str) -> None:
        """The user changed a filled value: a derived one becomes the calculator's own."""
        if path in self.values and path not in self.paths:
            self._forget(path)
            self.own.add(path)
            self._show_line()

    def send_back(self, typing_done: bool = False) -> None:
        """Every linked field the user changed goes back to the case (a number being typed waits
        until it is left or Enter is pressed)."""
        form = self.panel.form
        if self._updating or form is None or form is not self._form:
            return
        for path, case_path in list(self.paths.items()):
            now = self.current(path)
            if now == self.known.get(path):
                continue
            editor = form.field(path).editor
            if not typing_done and isinstance(editor, QLineEdit) and editor.hasFocus():
                continue
            self.known[path] = now
            self.session.update(case_path, self._case_value(path, now))

    def _case_value(self, path: str, now: tuple[bool, Any]) -> Any:
        form = self.panel.form
        assert form is not None
        value = now[1] if now[0] else None
        if isinstance(value, float) and value.is_integer() and form.field(path).spec.kind in ("int", "number"):
            value = int(value)
        return value

    def typed(self, path: str) -> None:
        """A value the user typed or chose in a field the case had not filled: while a case is open it
        goes to the case (the path a filled field's edit takes), so every screen agrees; with no case
        open the calculator stays standalone."""
        form, calc_id = self.panel.form, self.panel.calc_id
        if (self._updating or form is None or form is not self._form or calc_id is None or path in self.paths
                or path in self.own or self.session.is_empty or self.session.result is None):
            return
        now = self.current(path)
        case_path = self.input_path(calc_id, path)
        if not now[0] or case_path is None:
            return
        self.paths[path] = case_path
        self.known[path] = now
        self.session.update(case_path, self._case_value(path, now))

    # -- Clear patient -------------------------------------------------------------------------
    def clear_all(self) -> None:
        """Empty the form: every value, filled from the case or typed (they are all the patient's)."""
        self._updating = True
        try:
            self.panel.clear()
        finally:
            self._updating = False
        self._reset()
        self._show_line()

    # -- the line above the form ---------------------------------------------------------------
    def text(self) -> str:
        """The line above the form (empty while there is no case)."""
        if self.session.is_empty:
            return ""
        if self.session.error is not None:
            return ("The patient case has an input error (F4 to see it): this calculator is not filled from it "
                    "until it is corrected.")
        calc_id = self.panel.calc_id or ""
        result = self.session.result
        ran = result.calculators.get(calc_id, {}) if result is not None else {}
        if not self.values and not self.refused:
            reason = ran.get("not_applicable")
            if reason and not self.borrow:
                return f"The patient case does not fill this calculator ({reason})."
            return "The patient case has none of this calculator's values (F4 to enter them)."
        labels = self._labels()
        filled = [f"{labels.get(p, p)}: {value_text(v.provenance, v.value)}"
                  for p, v in self.values.items() if v.value is not None]
        untested = [labels.get(p, p) for p, v in self.values.items() if v.value is None]
        parts = [CASE_LINE + " · ".join(filled) + "."] if filled else [CASE_LINE.rstrip(": ") + "."]
        if untested:
            parts.append(f"Not tested in the case: {', '.join(untested)}; the result says what they could change.")
        missing = [p for p in ran.get("missing", []) if not p.startswith(UNTESTED_PREFIXES)]
        if missing:
            parts.append(f"Not in the case yet: {', '.join(path_words(p) for p in missing)}.")
        if self.refused:
            refused = "; ".join(f"{labels.get(p, p)}: {m}" for p, m in self.refused.items())
            parts.append(f"Not filled (F4 to check the case): {refused}.")
        if self.own:
            parts.append(f"Changed here, not from the case: {', '.join(labels.get(p, p) for p in sorted(self.own))}.")
        return " ".join(parts)

    def why(self) -> str:
        """Each filled field with where it came from (the line's tooltip and accessible description)."""
        labels = self._labels()
        return "\n".join(f"{labels.get(p, p)} — {mark_text(v.provenance)}" for p, v in self.values.items())

    def _labels(self) -> dict[str, str]:
        form = self.panel.form
        return {f.spec.path: f.spec.label for f in form.fields.values()} if form is not None else {}

    def _show_line(self) -> None:
        text = self.text()
        self.line.setText(text)
        self.line.setToolTip(self.why())
        self.line.setAccessibleDescription(f"{text}\n{self.why()}".strip())
        self.line.setVisible(bool(text))
