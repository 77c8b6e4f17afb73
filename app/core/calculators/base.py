"""Shared shape of every calculator: a strict input model, a result object, a registry.

Result object (shared/contracts/cli.md):
``{"calculator", "result", "inputs", "explanation", "interpretation", "warnings",
"references", "calculator_version"}`` plus ``flowchart_facts`` where a result is a fact of
one of the figures (the GUI carries it over).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator


class CalcInput(BaseModel):
    """Base of calculator inputs: unknown fields are rejected, NaN/inf rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _finite(cls, value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("must be a finite number (NaN and infinity are not accepted)")
        return value


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


class CalcInputError(ValueError):
    """Invalid calculator input; ``field`` is the offending input path."""

    def __init__(self, field: str, message: str, code: str = "invalid_input") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


In = TypeVar("In", bound=CalcInput)


@dataclass(frozen=True)
class Calculator(Generic[In]):
    id: str
    title: str
    reference: str
    input_model: type[In]
    compute: Callable[[In], CalcResult]
    #: the words people type for it (abbreviations, synonyms, eponyms); the search index adds
    #: them to the title, so "cockcroft" or "step up" finds the calculator
    keywords: tuple[str, ...] = ()

    def schema(self) -> dict[str, Any]:
        return self.input_model.model_json_schema()

    def run(self, raw: Mapping[str, Any]) -> CalcResult:
        if not isinstance(raw, Mapping):
            raise CalcInputError("input", "calculator input must be a JSON object")
        try:
            parsed = self.input_model.model_validate(dict(raw))
        except ValidationError as exc:
            raise _to_input_error(exc, self.input_model) from exc
        return self.compute(parsed)


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
        return CalcInputError(field, f"{field} is required", "missing_field")
    msg = str(err["msg"]).removeprefix("Value error, ")
    return CalcInputError(field, f"{field}: {msg}")


REGISTRY: dict[str, Calculator[Any]] = {}


def register(calc: Calculator[Any]) -> Calculator[Any]:
    if calc.id in REGISTRY:
        raise ValueError(f"duplicate calculator id {calc.id}")
    REGISTRY[calc.id] = calc
    return calc
