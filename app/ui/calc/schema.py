"""A calculator's input JSON Schema read as field specifications: one per field, with its kind
(quantity, bool, enum, int, number, list, items, text), label, units, choices and bounds.

Top-level fields take the calculator's own ``field_labels`` (its registration); the fields of an
item sub-form (Katz ADL, Lawton IADL, Charlson) their schema titles or descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MISSING = object()
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
    default: Any = MISSING
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
        return self.default is not MISSING


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
        default=prop.get("default", MISSING),
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
