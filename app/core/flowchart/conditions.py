"""Three-valued conditions over patient facts.

A condition is true, false, or unknown (``None``) when a fact it reads is absent. Unknown
never becomes a guess: the engine then keeps every branch that remains possible and reports
the facts it still needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Op = Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "contains", "not_contains", "intersects"]

_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


class Condition(BaseModel):
    """Either one fact test (``fact``/``op``/``value``) or ``all``/``any``/``not`` of others."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    fact: str | None = None
    op: Op | None = None
    value: Any = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")
    if_unknown: bool | None = None
    """For a fact test: the value while the fact is unknown, where the source sets a default
    (e.g. anti-CD38 retreatment is "not recommended" unless it is answered as the only option)."""

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [self.fact is not None, self.all is not None, self.any is not None, self.not_ is not None]
        if sum(forms) != 1:
            raise ValueError("a condition is exactly one of: fact test, all, any, not")
        if self.fact is not None and self.op is None:
            raise ValueError(f"condition on {self.fact!r} needs an op")
        if self.if_unknown is not None and self.fact is None:
            raise ValueError("if_unknown belongs to a fact test")
        return self

    def facts(self) -> set[str]:
        if self.fact is not None:
            return {self.fact}
        out: set[str] = set()
        for child in self.all or self.any or ([self.not_] if self.not_ else []):
            out |= child.facts()
        return out

    def evaluate(self, facts: Mapping[str, Any]) -> bool | None:
        if self.fact is not None:
            if facts.get(self.fact) is None and self.if_unknown is not None:
                return self.if_unknown
            return _test(self.op, facts.get(self.fact), self.value)  # type: ignore[arg-type]
        if self.not_ is not None:
            inner = self.not_.evaluate(facts)
            return None if inner is None else not inner
        results = [child.evaluate(facts) for child in (self.all or self.any or [])]
        if self.all is not None:
            if any(r is False for r in results):
                return False
            return None if any(r is None for r in results) else True
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False

    def missing(self, facts: Mapping[str, Any]) -> set[str]:
        """Facts whose absence keeps this condition unknown."""
        if self.evaluate(facts) is not None:
            return set()
        return {name for name in self.facts() if facts.get(name) is None}

    def describe(self) -> str:
        if self.fact is not None:
            if self.op in _SYMBOL:
                return f"{self.fact} {_SYMBOL[self.op]} {_show(self.value)}"
            return f"{self.fact} {self.op.replace('_', ' ') if self.op else ''} {_show(self.value)}"
        if self.not_ is not None:
            return f"not ({self.not_.describe()})"
        joiner = " and " if self.all is not None else " or "
        return "(" + joiner.join(c.describe() for c in (self.all or self.any or [])) + ")"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _test(op: Op, actual: Any, expected: Any) -> bool | None:
    if actual is None:
        return None
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if op == "lt":
        return bool(actual < expected)
    if op == "le":
        return bool(actual <= expected)
    if op == "gt":
        return bool(actual > expected)
    if op == "ge":
        return bool(actual >= expected)
    if op == "in":
        return actual in expected
    if op == "contains":
        return expected in actual
    if op == "not_contains":
        return expected not in actual
    if op == "intersects":
        return bool(set(actual) & set(expected))
    raise ValueError(op)


Condition.model_rebuild()
