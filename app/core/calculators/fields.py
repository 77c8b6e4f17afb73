"""Input field types and formatting shared by the staging, high-risk, SMM and frailty calculators.

Field types that reject booleans posing as numbers and NaN/infinity, bounded percentages, ages
and FLC ratios, a base input class that remembers the unit each quantity was entered in (so a
β2-microglobulin typed in mg/dL can be flagged), and the borderline-value warning.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PrivateAttr,
    StrictBool,
    ValidatorFunctionWrapHandler,
    model_validator,
)

from app.core.calculators.base import CalcInput
from app.core.units import ALBUMIN, B2M, CREATININE, M_PROTEIN, Dimension, Quantity

VERSION = "1.0.0"

GUIDELINE_REF = (
    "Dimopoulos MA, Terpos E, Boccadoro M, et al. EHA–EMN Evidence-Based Guidelines for diagnosis, "
    "treatment and follow-up of patients with multiple myeloma. Nat Rev Clin Oncol. "
    "Published online 7 July 2025."
)

# ---------------------------------------------------------------------------------------------
# Shared helpers (used by staging, high_risk, smm and frailty)
# ---------------------------------------------------------------------------------------------

#: Relative distance from a cut-off under which a value is reported as "close to" it.
NEAR_FRACTION = 0.02


def reject_bool(value: object) -> object:
    """Before-validator: ``true``/``false`` is not a number (pydantic would read it as 1/0)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


def finite_number(value: object) -> object:
    """Before-validator for plain numbers: no booleans, and no "nan"/"inf" strings."""
    value = reject_bool(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value  # pydantic reports it as not a number
        if not math.isfinite(number):
            raise ValueError("must be a finite number (NaN and infinity are not accepted)")
    return value


def _flc_ratio_at_least_one(value: float) -> float:
    if value < 1.0:
        raise ValueError(
            "the FLC ratio is involved/uninvolved and so at least 1 (κ/λ for κ disease, λ/κ for λ disease); "
            f"got {value:g}; accepted range 1–10000"
        )
    return value


if TYPE_CHECKING:
    B2MQuantity = float
    AlbuminQuantity = float
    CreatinineQuantity = float
    MProteinQuantity = float
    Percent = float
    FlcRatio = float
    AgeYears = int
else:
    B2MQuantity = Quantity(B2M)
    AlbuminQuantity = Quantity(ALBUMIN)
    CreatinineQuantity = Quantity(CREATININE)
    MProteinQuantity = Quantity(M_PROTEIN)
    Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False), BeforeValidator(finite_number)]
    FlcRatio = Annotated[
        float,
        Field(le=10000, allow_inf_nan=False, json_schema_extra={"minimum": 1}),
        BeforeValidator(finite_number),
        AfterValidator(_flc_ratio_at_least_one),
    ]
    AgeYears = Annotated[int, Field(ge=18, le=120), BeforeValidator(reject_bool)]

Flag = StrictBool

_LEADING_NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?\s*")


class QuantityInput(CalcInput):
    """A calculator input that remembers in which unit each quantity field was entered.

    Subclasses list their quantity fields in ``quantity_dims``. ``entered(name)`` gives the
    original text (e.g. ``"0.55 mg/dL"``) when the unit was not the canonical one.
    """

    quantity_dims: ClassVar[dict[str, Dimension]] = {}
    _entered: dict[str, tuple[str, str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _capture_units(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        model = handler(data)
        if isinstance(data, dict) and isinstance(model, QuantityInput):
            entered: dict[str, tuple[str, str]] = {}
            for name, dim in cls.quantity_dims.items():
                raw = data.get(name)
                unit_text: object = None
                value_text = ""
                if isinstance(raw, dict):
                    unit_text, value_text = raw.get("unit"), str(raw.get("value"))
                elif isinstance(raw, str):
                    match = _LEADING_NUMBER.match(raw)
                    if match is not None:
                        value_text, unit_text = match.group(0).strip(), raw[match.end() :]
                if isinstance(unit_text, str):
                    unit = dim.resolve_unit(unit_text)
                    if unit is not None:
                        entered[name] = (value_text, unit)
            model._entered = entered
        return model

    def entered_unit(self, name: str) -> str | None:
        item = self._entered.get(name)
        return item[1] if item else None

    def entered_text(self, name: str) -> str | None:
        """Original value and unit when the unit was not canonical, else None."""
        dim = self.quantity_dims.get(name)
        item = self._entered.get(name)
        if dim is None or item is None or item[1] == dim.canonical:
            return None
        return f"{item[0]} {item[1]}"


def fmt(x: float) -> str:
    """Number for display: up to 4 decimals, no trailing zeros."""
    text = f"{round(x, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def qty(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


def show_quantity(model: QuantityInput, name: str, value: float, unit: str) -> str:
    """ "5.5 mg/L" or "5.5 mg/L (entered as 0.55 mg/dL)"."""
    entered = model.entered_text(name)
    base = f"{fmt(value)} {unit}"
    return f"{base} (entered as {entered})" if entered else base


def near_cutoff(
    label: str,
    value: float,
    cutoff: float,
    unit: str,
    at_text: str,
    near_fraction: float = NEAR_FRACTION,
) -> list[str]:
    """Warnings for a value exactly at a cut-off (saying which side it was counted on) or close to it."""
    if abs(value - cutoff) <= 1e-9:
        return [f"{label} is exactly at the cut-off ({fmt(cutoff)}{unit}): {at_text}"]
    if cutoff and abs(value - cutoff) <= near_fraction * abs(cutoff):
        return [
            f"{label} {fmt(value)}{unit} is within {near_fraction:.0%} of the cut-off {fmt(cutoff)}{unit}; "
            "measurement variation or a repeat test could change the result."
        ]
    return []


def b2m_unit_warning(model: QuantityInput, name: str = "b2m") -> list[str]:
    if model.entered_unit(name) == "mg/dL":
        return [
            f"β2-microglobulin was entered in mg/dL ({model.entered_text(name)}) and converted ×10 to mg/L. "
            "Laboratories usually report β2M in mg/L and every cut-off is in mg/L: check the unit on the "
            "report, because a tenfold error changes the result."
        ]
    return []


def present(flag: bool) -> str:
    return "present" if flag else "absent"
