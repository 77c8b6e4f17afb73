"""Shared shape of every calculator: a strict input model, a result object, a registry.

Result object (shared/contracts/cli.md):
``{"calculator", "result", "inputs", "explanation", "interpretation", "warnings",
"references", "calculator_version"}`` plus ``flowchart_facts`` where a result is a fact of
one of the figures (the GUI carries it over), and three fields every reader shares so that
the CLI's ``--text`` and the GUI say the same thing: ``title`` (the calculator's name),
``headline`` (the primary result in words, from the calculator's own ``headline`` function)
and ``entered`` (each quantity as the user typed it, value and unit, beside the canonical
``inputs``).
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.strict import StrictInput
from app.core.units import Dimension, QuantityMark, entered_quantity


class CalcInput(StrictInput):
    """Base of calculator inputs: unknown fields are rejected, NaN/inf rejected."""


class ExplanationRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: str
    value: str
    points: float | int | None = None


class CalcResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    calculator: str
    result: dict[str, Any]
    inputs: dict[str, Any]
    explanation: list[ExplanationRow]
    interpretation: str
    warnings: list[str] = []
    references: list[str]
    calculator_version: str
    flowchart_facts: dict[str, dict[str, Any]] = {}
    title: str = ""
    headline: str = ""
    entered: dict[str, dict[str, Any]] = {}


class CalcInputError(ValueError):
    """Invalid calculator input; ``field`` is the offending input path."""

    def __init__(self, field: str, message: str, code: str = "invalid_input") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


In = TypeVar("In", bound=CalcInput)


#: the calculator list's groups, in the order they are listed (each calculator names its own)
GROUPS: tuple[str, ...] = (
    "Staging and risk",
    "Frailty",
    "CAR-T and bispecific toxicity",
    "Kidney and body size",
    "Dosing helpers",
)


@dataclass(frozen=True)
class Calculator(Generic[In]):
    """A calculator and everything every face shows of it, declared once at its registration."""

    id: str
    title: str
    reference: str
    input_model: type[In]
    compute: Callable[[In], CalcResult]
    _: KW_ONLY
    #: the primary result in words ("ISS stage III"), from the result's ``result`` dict; the one
    #: source of the headline for the CLI's --text, the GUI and its copied text
    headline: Callable[[Mapping[str, Any]], str]
    #: one of GROUPS: where the calculator is listed
    group: str
    #: its place in every listing (the contract's order, shared/contracts/cli.md)
    order: int
    #: whether its explanation numbers are score points (else plain numbers)
    scored: bool
    #: the readable label of every input field ("t_4_14" → "t(4;14)"), no more, no fewer
    field_labels: Mapping[str, str]
    #: the words people type for it (abbreviations, synonyms, eponyms); the search index adds
    #: them to the title, so "cockcroft" or "step up" finds the calculator
    keywords: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"calculator {self.id}: group {self.group!r} is not one of {GROUPS}")
        fields = set(self.input_model.model_fields)
        missing = sorted(fields - set(self.field_labels))
        extra = sorted(set(self.field_labels) - fields)
        if missing or extra:
            raise ValueError(f"calculator {self.id}: field labels missing for {missing}, for no field: {extra}")
        blank = sorted(name for name, label in self.field_labels.items() if not label.strip())
        if blank:
            raise ValueError(f"calculator {self.id}: empty field labels for {blank}")

    def schema(self) -> dict[str, Any]:
        return self.input_model.model_json_schema()

    def run(self, raw: Mapping[str, Any]) -> CalcResult:
        if not isinstance(raw, Mapping):
            raise CalcInputError("input", "calculator input must be a JSON object")
        try:
            parsed = self.input_model.model_validate(dict(raw))
        except ValidationError as exc:
            raise _to_input_error(exc, self.input_model) from exc
        result = self.compute(parsed)
        return result.model_copy(
            update={
                "title": self.title,
                "headline": self.headline(result.result),
                "entered": entered_quantities(self.input_model, raw),
            }
        )

    def field_label(self, name: str) -> str:
        """The label of an input field; a name that is not one (an item of a sub-form) in words."""
        return self.field_labels.get(name) or name.replace("_", " ")


def _accepts_null(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in typing.get_args(
        annotation
    )


def _quantity_mark(annotation: Any) -> QuantityMark | None:
    """The QuantityMark inside an annotation (also inside ``X | None``)."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, QuantityMark):
            return meta
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _quantity_mark(arg)
            if found is not None:
                return found
    return None


@functools.cache
def quantity_fields(model: type[BaseModel]) -> dict[str, Dimension]:
    """The top-level quantity fields of an input model and their dimensions."""
    out: dict[str, Dimension] = {}
    for name, info in model.model_fields.items():
        mark = next((m for m in info.metadata if isinstance(m, QuantityMark)), None) or _quantity_mark(
            info.annotation
        )
        if mark is not None:
            out[name] = mark.dim
    return out


def entered_quantities(model: type[BaseModel], raw: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each quantity field of ``raw`` as typed: ``{"creatinine": {"value": 120, "unit": "µmol/L"}}``."""
    out: dict[str, dict[str, Any]] = {}
    for name, dim in quantity_fields(model).items():
        if raw.get(name) is None:
            continue
        entered = entered_quantity(dim, raw[name])
        if entered is not None:
            out[name] = entered
    return out


def _to_input_error(exc: ValidationError, model: type[BaseModel]) -> CalcInputError:
    errors = exc.errors()
    # a misspelt field is reported as unknown, not as the correct name "missing"
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    field = ".".join(str(p) for p in err["loc"]) or "input"
    if err["type"] == "extra_forbidden":
        return CalcInputError(
            field, f"unknown field {field!r}; accepted fields: {', '.join(model.model_fields)}", "unknown_field"
        )
    if err["type"] == "missing":
        info = model.model_fields.get(field)
        if info is not None and _accepts_null(info.annotation):
            return CalcInputError(
                field, f"{field} is required: give its value, or null if it was not tested", "missing_field"
            )
        return CalcInputError(field, f"{field} is required", "missing_field")
    msg = str(err["msg"]).removeprefix("Value error, ")
    return CalcInputError(field, f"{field}: {msg}")


REGISTRY: dict[str, Calculator[Any]] = {}


def register(calc: Calculator[Any]) -> Calculator[Any]:
    if calc.id in REGISTRY:
        raise ValueError(f"duplicate calculator id {calc.id}")
    taken = next((c.id for c in REGISTRY.values() if c.order == calc.order), None)
    if taken is not None:
        raise ValueError(f"calculator {calc.id}: order {calc.order} is already {taken}'s")
    REGISTRY[calc.id] = calc
    return calc
