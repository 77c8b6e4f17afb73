"""A derived fact with its provenance, or why it has no value (contract case.md §3–§5).

Shapes: ``{"value", "provenance": {"inputs", "rule", "source"}}``; ``{"value": null, "missing":
[input paths], "range"?}``; ``{"value": null, "not_applicable": "why"}``. Notes on the known
ambiguities ride along as ``note`` (one text) and ``notes`` (the list).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, model_serializer


class Provenance(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    inputs: list[str]
    rule: str
    source: str


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Any = None
    provenance: Provenance | None = None
    missing: list[str] | None = None
    range: list[Any] | None = None
    not_applicable: str | None = None
    notes: list[str] = []
    passed_to_figure: Any = None
    """A value inside ``range`` passed to the figure because every comparison the figure makes
    with this fact comes out the same over the whole range (None: nothing passed)."""

    @model_serializer
    def _shape(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value}
        if self.provenance is not None:
            out["provenance"] = self.provenance.model_dump()
        for key in ("missing", "range", "not_applicable", "passed_to_figure"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.notes:
            out["note"] = " ".join(self.notes)
            out["notes"] = list(self.notes)
        return out

    @property
    def known(self) -> bool:
        return self.value is not None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def known(value: Any, inputs: Iterable[str], rule: str, source: str, notes: Iterable[str] = ()) -> Fact:
    return Fact(
        value=value,
        provenance=Provenance(inputs=_unique(inputs), rule=rule, source=source),
        notes=_unique(notes),
    )


def unknown(
    missing: Iterable[str],
    rule: str | None = None,
    source: str | None = None,
    inputs: Iterable[str] = (),
    range_: list[Any] | None = None,
    notes: Iterable[str] = (),
) -> Fact:
    provenance = None if rule is None else Provenance(inputs=_unique(inputs), rule=rule, source=source or "")
    return Fact(value=None, missing=_unique(missing), provenance=provenance, range=range_, notes=_unique(notes))


def not_applicable(why: str, notes: Iterable[str] = ()) -> Fact:
    return Fact(value=None, not_applicable=why, notes=_unique(notes))


def entered(value: Any, path: str) -> Fact:
    """A fact passed through as the clinician entered it; absent → unknown."""
    if value is None:
        return unknown([path])
    return known(value, [path], "entered", "clinician")
