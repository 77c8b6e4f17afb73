"""The one in-memory patient case of a GUI session (contract shared/contracts/case.md §1).

``CaseSession`` holds the raw input (the contract's JSON shape), re-evaluates it on every change
and tells its observers. Screens read from it what they can fill (calculator fields, figure facts),
each value with the text saying where it came from. Nothing is written anywhere: the case lives in
this object only and :meth:`CaseSession.clear` drops it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from app.core.case.calculators import case_sources
from app.core.case.derive import PASS_THROUGH, CaseEvaluation, figure_facts, parse_case
from app.core.case.errors import CaseInputError
from app.core.case.fact import Fact
from app.core.flowchart.facts import FACT_MODELS
from app.services.case import evaluate
from app.services.guide import Guide

__all__ = ["CaseSession", "CaseValue", "Observer", "fact_why", "parse_path"]

PathPart = str | int
Observer = Callable[["CaseSession"], None]
FROM_CASE = "from the patient case"


class CaseValue(NamedTuple):
    """A value a screen can take from the case, and where it came from (in words)."""

    value: Any
    provenance: str


def parse_path(path: str | Sequence[PathPart]) -> list[PathPart]:
    """``"treatment_history.2.end"`` or ``("treatment_history", 2, "end")`` → the parts (digits → index)."""
    parts: Sequence[PathPart] = path.split(".") if isinstance(path, str) else path
    out: list[PathPart] = []
    for part in parts:
        if isinstance(part, str) and part.isdigit():
            out.append(int(part))
        elif isinstance(part, int | str) and part != "":
            out.append(part)
        else:
            raise ValueError(f"case path {path!r}: every part must be a key or an index")
    if not out:
        raise ValueError("case path is empty")
    return out


def _dotted(parts: Sequence[PathPart]) -> str:
    return ".".join(str(p) for p in parts)


def fact_why(fact: Fact) -> str:
    """A derived fact's "why" in one text: rule, inputs and source, or what is missing."""
    bits: list[str] = []
    if fact.provenance is not None:
        bits.append(f"rule: {fact.provenance.rule}")
        if fact.provenance.inputs:
            bits.append(f"from: {', '.join(fact.provenance.inputs)}")
        if fact.provenance.source:
            bits.append(f"source: {fact.provenance.source}")
    if fact.not_applicable:
        bits.append(f"not applicable: {fact.not_applicable}")
    if fact.missing:
        bits.append(f"missing: {', '.join(fact.missing)}")
    bits += [f"note: {n}" for n in fact.notes]
    return "; ".join(bits)


def _prune(container: Any) -> bool:
    """Drop empty dicts left behind by cleared fields; True when ``container`` is itself empty."""
    if isinstance(container, dict):
        for key in [k for k, v in container.items() if isinstance(v, dict) and _prune(v)]:
            del container[key]
        return not container
    return False


class CaseSession:
    """The patient case entered once; observable; never persisted."""

    def __init__(self, guide: Guide, today: Callable[[], date] = date.today) -> None:
        self._guide = guide
        self._today = today
        self._raw: dict[str, Any] = {}
        self._result: CaseEvaluation | None = None
        self._error: CaseInputError | None = None
        self._before: tuple[int, CaseEvaluation] | None = None
        self._observers: list[Observer] = []

    # -- state -----------------------------------------------------------------------------------

    @property
    def raw(self) -> dict[str, Any]:
        """A copy of the case input (changing it does not change the session)."""
        return copy.deepcopy(self._raw)

    @property
    def is_empty(self) -> bool:
        return not self._raw

    @property
    def evaluation(self) -> CaseEvaluation | CaseInputError | None:
        """The current evaluation, or the input error naming the field; None for an empty case."""
        return self._error if self._error is not None else self._result

    @property
    def result(self) -> CaseEvaluation | None:
        return self._result

    @property
    def error(self) -> CaseInputError | None:
        return self._error

    @property
    def before_error(self) -> tuple[int, CaseEvaluation] | None:
        """While the input error lies in episode ``n`` (0-based): ``(n, the evaluation of the case without episode n
        and those after it)``, so a screen can keep showing where the earlier history leads, marked as such."""
        return self._before

    def get(self, path: str | Sequence[PathPart], default: Any = None) -> Any:
        """The entered value at ``path`` (a copy), or ``default`` when absent."""
        node: Any = self._raw
        for part in parse_path(path):
            in_list = isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node)
            if in_list or (isinstance(part, str) and isinstance(node, dict) and part in node):
                node = node[part]
            else:
                return default
        return copy.deepcopy(node)

    # -- changes ---------------------------------------------------------------------------------

    def set(self, raw: Mapping[str, Any]) -> None:
        """Replace the whole case (e.g. one read from a file the user chose)."""
        if not isinstance(raw, Mapping):
            raise TypeError("the case must be a mapping in the input shape of mmguide case")
        self._raw = copy.deepcopy(dict(raw))
        _prune(self._raw)
        self._changed()

    def update(self, path: str | Sequence[PathPart], value: Any) -> None:
        """Set one value; ``None`` removes it (absent = unknown or not tested). No change → no notice."""
        parts = parse_path(path)
        if self.get(parts, _MISSING) == value or (value is None and self.get(parts, _MISSING) is _MISSING):
            return
        node: Any = self._raw
        for i, part in enumerate(parts[:-1]):
            nxt = parts[i + 1]
            if isinstance(node, dict) and isinstance(part, str):
                if part not in node or not isinstance(node[part], dict | list):
                    if value is None:
                        return
                    node[part] = [] if isinstance(nxt, int) else {}
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                raise KeyError(f"case path {_dotted(parts)!r}: {_dotted(parts[: i + 1])} does not exist")
        last = parts[-1]
        if isinstance(node, dict) and isinstance(last, str):
            if value is None:
                node.pop(last, None)
            else:
                node[last] = copy.deepcopy(value)
        elif isinstance(node, list) and isinstance(last, int) and 0 <= last <= len(node):
            if value is None:
                if last < len(node):
                    del node[last]
            elif last == len(node):
                node.append(copy.deepcopy(value))
            else:
                node[last] = copy.deepcopy(value)
        else:
            raise KeyError(f"case path {_dotted(parts)!r} does not exist")
        _prune(self._raw)
        self._changed()

    def clear(self) -> None:
        """Forget the patient."""
        if not self._raw and self._result is None and self._error is None:
            return
        self._raw = {}
        self._changed()

    def refresh(self) -> None:
        """Re-evaluate (e.g. after the date changed)."""
        self._changed()

    def use_guide(self, guide: Guide) -> None:
        """Evaluate against ``guide`` from now on (an update was installed), keeping the case."""
        self._guide = guide
        self._changed()

    def _without_episodes_from(self, field: str) -> tuple[int, CaseEvaluation] | None:
        parts = field.split(".")
        if len(parts) < 2 or parts[0] != "treatment_history" or not parts[1].isdigit():
            return None
        index = int(parts[1])
        raw = copy.deepcopy(self._raw)
        history = raw.get("treatment_history")
        if not isinstance(history, list):
            return None
        if index == 0:
            raw.pop("treatment_history")
        else:
            raw["treatment_history"] = history[:index]
        try:
            return index, evaluate(self._guide, raw, self._today())
        except CaseInputError:
            return None

    # -- observers -------------------------------------------------------------------------------

    def subscribe(self, callback: Observer) -> Callable[[], None]:
        """Call ``callback(session)`` after every change; returns the function that stops it."""
        self._observers.append(callback)

        def unsubscribe() -> None:
            if callback in self._observers:
                self._observers.remove(callback)

        return unsubscribe

    def _changed(self) -> None:
        self._result, self._error, self._before = None, None, None
        if self._raw:
            try:
                self._result = evaluate(self._guide, self._raw, self._today())
            except CaseInputError as err:
                self._error = err
                self._before = self._without_episodes_from(err.field)
        for callback in list(self._observers):
            callback(self)

    # -- what screens fill from ------------------------------------------------------------------

    def calculator_inputs(self, calc_id: str) -> dict[str, CaseValue]:
        """The fields of calculator ``calc_id`` the case gives (field → value as entered, and its path).

        Empty while the case is empty or has an input error (nothing half-valid is offered)."""
        if self._result is None:
            return {}
        sources = case_sources(parse_case(self._raw)).get(calc_id, {})
        out: dict[str, CaseValue] = {}
        for name, src in sources.items():
            if src.value is None:
                continue
            where = src.path
            if name == "del17p_ccf_pct" and src.path == "cytogenetics.del17p":
                where = "cytogenetics.del17p = no → 0 %"
            elif name == "method" and self.get(src.path) is None:
                where = "Mosteller, the default when no BSA method is entered"
            out[name] = CaseValue(src.value, f"{FROM_CASE}: {where}")
        return out

    def calculator_input_path(self, calc_id: str, field: str) -> str | None:
        """The case path an edit of ``field`` in calculator ``calc_id`` goes back to (None: not from the case)."""
        if self._result is None and self._raw:
            return None
        try:
            case = parse_case(self._raw or {"patient": {"age": 18}})
        except CaseInputError:
            return None
        src = case_sources(case).get(calc_id, {}).get(field)
        if src is None or (src.path == "cytogenetics.del17p" and field == "del17p_ccf_pct"):
            return None
        return src.path

    def figure_facts(self, fig: str) -> dict[str, CaseValue]:
        """The facts of figure ``fig`` the case decides, each with its "why" (rule, inputs, source).

        Facts the case cannot decide are left out, so the figure keeps asking for them."""
        if self._result is None or fig not in FACT_MODELS:
            return {}
        derived = self._result.derived
        values = figure_facts(self._guide.figure(fig), derived, [])
        out: dict[str, CaseValue] = {}
        for name, value in values.items():
            fact = derived[name]
            why = fact_why(fact)
            if fact.value is None:
                why = f"passed as {value} (lower bound of {fact.range}); {why}"
            out[name] = CaseValue(value, f"{FROM_CASE}: {why}")
        return out

    def figure_fact_path(self, fact: str) -> str | None:
        """The case path behind an entered figure fact (age, eligibility, context); None for a derived one."""
        return PASS_THROUGH.get(fact)

    @property
    def routed_figure(self) -> str | None:
        return self._result.figure.id if self._result is not None else None


class _Missing:
    """Sentinel: nothing at this path."""


_MISSING: Any = _Missing()
