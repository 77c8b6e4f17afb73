"""Quantities with explicit units, converted to one canonical unit per dimension.

A quantity is given as ``{"value": 3.2, "unit": "mg/L"}`` or as the string ``"3.2 mg/L"``.
A bare number is rejected with the list of accepted units: a β2-microglobulin of "3.5"
could be mg/L or mg/dL, and a tenfold error is exactly what the app must never make.

Units are read as people type them: case does not matter ("mg/dl", "ML/MIN"), spaces inside
a unit are ignored ("mg / dL"), both micro signs (U+00B5 "µ" and U+03BC "μ") are the same, and
"u", "mc" and "micro" stand for µ ("ug/mL", "mcg/mL", "umol/L", "micromol/L").

Conversion factors:
- β2-microglobulin: 1 mg/L = 1 µg/mL; 1 mg/dL = 10 mg/L.
- Albumin, M-protein: 1 g/L = 0.1 g/dL.
- Creatinine: 88.4 µmol/L = 1 mg/dL.
- Weight: 1 lb = 0.45359237 kg. Height: 1 in = 2.54 cm; 1 m = 100 cm.
- Temperature: °F → °C as (°F − 32) × 5/9.

``entered_quantity`` gives back what was typed (value and unit), so that a result can show
"120 µmol/L (≈ 1.36 mg/dL)" rather than only the canonical value; ``display_canonical`` rounds the
canonical value beside it to 3 significant figures, marked "≈" when rounding changed it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema


@dataclass(frozen=True)
class Dimension:
    name: str
    canonical: str
    units: dict[str, Callable[[float], float]]
    minimum: float
    maximum: float
    aliases: dict[str, str]

    @property
    def accepted(self) -> list[str]:
        return list(self.units)

    def resolve_unit(self, unit: str) -> str | None:
        key = normalise_unit_text(unit)
        for name in self.units:
            if key == normalise_unit_text(name):
                return name
        return self.aliases.get(key)


#: spellings of the micro prefix, longest first: all become "µ" (U+00B5)
_MICRO_SPELLINGS = ("micro", "mc", "u")
_MICRO_UNITS = ("g/", "mol/")


def normalise_unit_text(unit: str) -> str:
    """Comparable form of a unit: casefolded, no spaces, one micro sign ("μ" U+03BC → "µ" U+00B5),
    and "micro"/"mc"/"u" before g or mol read as µ ("mcg/mL", "ug/mL", "umol/L")."""
    key = re.sub(r"\s+", "", unit).replace("\u03bc", "\u00b5").casefold()
    # casefold turns "µ" (U+00B5) into "μ" (U+03BC); keep one spelling
    key = key.replace("\u03bc", "\u00b5")
    for spelling in _MICRO_SPELLINGS:
        for rest in _MICRO_UNITS:
            if key.startswith(spelling + rest):
                return "\u00b5" + key[len(spelling) :]
    return key


def _same(x: float) -> float:
    return x


def _dim(
    name: str,
    canonical: str,
    units: dict[str, Callable[[float], float]],
    minimum: float,
    maximum: float,
    aliases: dict[str, str] | None = None,
) -> Dimension:
    return Dimension(
        name, canonical, units, minimum, maximum, {normalise_unit_text(k): v for k, v in (aliases or {}).items()}
    )


B2M = _dim(
    "β2-microglobulin", "mg/L",
    {"mg/L": _same, "µg/mL": _same, "mg/dL": lambda v: v * 10.0},
    0.0, 100.0,
)
ALBUMIN = _dim("albumin", "g/dL", {"g/dL": _same, "g/L": lambda v: v / 10.0}, 0.5, 7.0)
M_PROTEIN = _dim("M-protein", "g/dL", {"g/dL": _same, "g/L": lambda v: v / 10.0}, 0.0, 15.0)
CREATININE = _dim(
    "creatinine", "mg/dL",
    {"mg/dL": _same, "µmol/L": lambda v: v / 88.4},
    0.1, 25.0,
)
WEIGHT = _dim(
    "weight", "kg", {"kg": _same, "lb": lambda v: v * 0.45359237}, 20.0, 350.0,
    {"kgs": "kg", "lbs": "lb", "pound": "lb", "pounds": "lb"},
)
HEIGHT = _dim(
    "height", "cm", {"cm": _same, "m": lambda v: v * 100.0, "in": lambda v: v * 2.54}, 100.0, 250.0,
    {"inch": "in", "inches": "in"},
)
TEMPERATURE = _dim(
    "temperature", "°C", {"°C": _same, "°F": lambda v: (v - 32.0) * 5.0 / 9.0}, 30.0, 45.0,
    {
        "c": "°C", "degc": "°C", "℃": "°C", "ºc": "°C", "celsius": "°C",
        "f": "°F", "degf": "°F", "℉": "°F", "ºf": "°F", "fahrenheit": "°F",
    },
)
OXYGEN_FLOW = _dim("oxygen flow", "L/min", {"L/min": _same}, 0.0, 100.0, {"lpm": "L/min"})
CREATININE_CLEARANCE = _dim(
    "creatinine clearance", "mL/min", {"mL/min": _same}, 0.0, 300.0
)

_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(\S.*?)?\s*$")


class QuantityError(ValueError):
    """Raised with a message that names what is accepted."""


def _to_float(dim: Dimension, value: Any) -> float:
    try:
        return float(value)
    except (OverflowError, ValueError):
        raise QuantityError(f"{dim.name} value is not a usable number") from None


def _read(dim: Dimension, raw: Any) -> tuple[float, str]:
    """The value as typed and the unit it was typed in (resolved to its accepted spelling)."""
    if isinstance(raw, bool | int | float):
        raise QuantityError(
            f"a bare number is not accepted for {dim.name}: give a unit, "
            f"e.g. {{\"value\": {raw}, \"unit\": \"{dim.canonical}\"}} or \"{raw} {dim.canonical}\"; "
            f"accepted units: {', '.join(dim.accepted)}"
        )
    if isinstance(raw, str):
        match = _NUMBER_UNIT.match(raw)
        if match is None or match.group(2) is None:
            raise QuantityError(
                f"cannot read {raw!r} as a {dim.name} with a unit; write e.g. \"3.2 {dim.canonical}\"; "
                f"accepted units: {', '.join(dim.accepted)}"
            )
        value_text, unit = match.group(1).replace(",", "."), match.group(2)
        value = _to_float(dim, value_text)
    elif isinstance(raw, dict):
        if set(raw) != {"value", "unit"}:
            raise QuantityError(f"a {dim.name} quantity is an object with exactly 'value' and 'unit'")
        value_raw, unit = raw["value"], raw["unit"]
        if isinstance(value_raw, bool) or not isinstance(value_raw, int | float):
            raise QuantityError(f"{dim.name} value must be a number")
        if not isinstance(unit, str):
            raise QuantityError(f"{dim.name} unit must be a string; accepted units: {', '.join(dim.accepted)}")
        value = _to_float(dim, value_raw)
    else:
        raise QuantityError(
            f"{dim.name} must be an object {{\"value\", \"unit\"}} or a string such as \"3.2 {dim.canonical}\""
        )
    if not math.isfinite(value):
        raise QuantityError(f"{dim.name} must be a finite number")
    resolved = dim.resolve_unit(unit)
    if resolved is None:
        raise QuantityError(f"unit {unit!r} is not accepted for {dim.name}; accepted units: {', '.join(dim.accepted)}")
    return value, resolved


def parse_quantity(dim: Dimension, raw: Any) -> float:
    """Convert a raw quantity to the canonical unit, checking the plausible range."""
    value, resolved = _read(dim, raw)
    canonical = round(dim.units[resolved](value), 9)
    if not dim.minimum <= canonical <= dim.maximum:
        raise QuantityError(
            f"{dim.name} {value:g} {resolved} is outside the plausible range "
            f"{dim.minimum:g}–{dim.maximum:g} {dim.canonical}"
        )
    return canonical


def entered_quantity(dim: Dimension, raw: Any) -> dict[str, Any] | None:
    """What the user typed, as ``{"value", "unit"}`` with the unit in its accepted spelling
    ("120 umol/L" → 120, "µmol/L"); None when ``raw`` is not a readable quantity."""
    try:
        value, unit = _read(dim, raw)
    except QuantityError:
        return None
    return {"value": value, "unit": unit}


def significant(value: float, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant figures."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def number_text(value: float) -> str:
    """A number without trailing zeros or exponent: 1.0 → "1", 1.3575 → "1.3575"."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


def display_canonical(value: float, digits: int = 3) -> str:
    """The canonical value beside an entered one: 3 significant figures, "≈" when that rounded it
    (120 µmol/L → "≈ 1.36"; 35 g/L → "3.5")."""
    rounded = significant(value, digits)
    text = number_text(rounded)
    return text if math.isclose(rounded, value, rel_tol=1e-9, abs_tol=1e-12) else f"≈ {text}"


@dataclass(frozen=True, eq=False)
class QuantityMark:
    """Marks a model field as a quantity of ``dim`` (found by ``quantity_fields``); compared and
    hashed by identity, as ``Annotated`` metadata inside ``X | None`` must be hashable."""

    dim: Dimension


def quantity_schema(dim: Dimension) -> dict[str, Any]:
    return {
        "description": f"{dim.name}; canonical unit {dim.canonical}; plausible {dim.minimum:g}–{dim.maximum:g}",
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "value": {"type": "number"},
                    "unit": {
                        "type": "string",
                        "examples": dim.accepted,
                        "description": f"one of {', '.join(dim.accepted)}; case, spaces and the spellings "
                        "µ / μ / u / mc / micro of the micro prefix do not matter",
                    },
                },
                "required": ["value", "unit"],
                "additionalProperties": False,
            },
            {"type": "string", "pattern": r"^\s*[0-9.,]+\s*\S+", "examples": [f"1 {u}" for u in dim.accepted]},
        ],
        "x-canonical-unit": dim.canonical,
        "x-accepted-units": dim.accepted,
        "x-unit-spellings": sorted(dim.aliases),
    }


def Quantity(dim: Dimension) -> Any:
    """An ``Annotated[float, ...]`` field type holding the value in ``dim``'s canonical unit."""
    return Annotated[
        float,
        BeforeValidator(lambda raw: parse_quantity(dim, raw)),
        WithJsonSchema(quantity_schema(dim)),
        QuantityMark(dim),
    ]
