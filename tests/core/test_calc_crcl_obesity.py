"""Cockcroft–Gault in obesity (issue 9, item 11): the warning, CrCl and the lenalidomide starting
dose on actual, ideal (Devine) and adjusted body weight side by side, and the request for height."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.calculators import renal  # noqa: F401  (registers crcl)
from app.core.calculators.base import REGISTRY, CalcResult
from app.core.calculators.renal import (
    HEIGHT_NEEDED_WEIGHT_KG,
    adjusted_body_weight_kg,
    cockcroft_gault,
    ideal_body_weight_kg,
)
from app.core.calculators.renal_dosing import lenalidomide_starting_dose


def crcl(**inp: Any) -> CalcResult:
    base: dict[str, Any] = {"age": 60, "sex": "male", "creatinine": "1.2 mg/dL"}
    return REGISTRY["crcl"].run({**base, **inp})


def obesity_warning(res: CalcResult) -> str | None:
    return next((w for w in res.warnings if w.startswith("Obesity")), None)


def test_the_brief_case_120_kg_165_cm() -> None:
    res = crcl(weight="120 kg", height="165 cm")
    r = res.result
    ibw = ideal_body_weight_kg("male", 165.0)
    adjusted = adjusted_body_weight_kg(120.0, ibw)
    assert ibw == pytest.approx(50 + 2.3 * (165 / 2.54 - 60))
    assert adjusted == pytest.approx(ibw + 0.4 * (120 - ibw))
    # the primary result stays on actual weight
    assert r["crcl_ml_min"] == round(cockcroft_gault(60, "male", 120, 1.2), 1) == 111.1
    assert r["weight_basis"] == "actual"
    assert r["obesity"]["obese"] is True
    assert r["obesity"]["bmi_kg_m2"] == 44.1
    assert r["obesity"]["ideal_body_weight_kg"] == round(ibw, 1)
    assert r["obesity"]["adjusted_body_weight_kg"] == round(adjusted, 1)
    by = r["by_weight"]
    assert [by[b]["crcl_ml_min"] for b in ("actual", "ideal", "adjusted")] == [111.1, 56.9, 78.6]
    # the same band table as renal_dosing (no copy): each row is what lenalidomide_starting_dose says
    for entry in by.values():
        start = lenalidomide_starting_dose(entry["crcl_ml_min"])
        assert entry["lenalidomide_eu"]["dose"] == start.eu.dose
        assert entry["lenalidomide_us"]["dose"] == start.us.dose
    assert by["ideal"]["lenalidomide_us"]["dose_mg"] == 10.0  # US 30–< 60 band on ideal weight
    warning = obesity_warning(res)
    assert warning is not None
    assert "differs between these weights (US label)" in warning
    assert "UNCONFIRMED" in warning  # the 0.4 factor's original paper was not retrieved
    items = [row.item for row in res.explanation]
    assert "CrCl on ideal body weight (Devine) 61.4 kg" in items
    assert any(i.startswith("CrCl on adjusted body weight") for i in items)
    assert any("Devine" in ref for ref in res.references)
    assert any("World Health Organization" in ref for ref in res.references)


def test_eu_band_moves_with_the_weight() -> None:
    res = crcl(age=70, sex="female", weight="95 kg", height="160 cm", creatinine="160 umol/L")
    by = res.result["by_weight"]
    assert by["actual"]["lenalidomide_eu"]["dose_mg"] == 10.0
    assert by["ideal"]["lenalidomide_eu"]["dose_mg"] == 7.5
    warning = obesity_warning(res)
    assert warning is not None and "(EU SmPC and US label)" in warning


@pytest.mark.parametrize(("weight", "obese"), [("89.9 kg", False), ("90.0 kg", True)])
def test_120_percent_of_ideal_body_weight_boundary(weight: str, obese: bool) -> None:
    # 180 cm man: Devine IBW 74.99 kg, 120 % = 89.99 kg; BMI below 30 on both sides
    res = crcl(weight=weight, height="180 cm")
    assert res.result["obesity"]["bmi_kg_m2"] < 30
    assert res.result["obesity"]["obese"] is obese
    assert (obesity_warning(res) is not None) is obese
    assert res.result["by_weight"]  # side by side whenever height is known


def test_bmi_30_counts_as_obesity() -> None:
    res = crcl(weight="120 kg", height="200 cm")  # BMI exactly 30
    assert res.result["obesity"]["bmi_kg_m2"] == 30.0
    assert res.result["obesity"]["obese"] is True


@pytest.mark.parametrize(("weight", "asked"), [("79.9 kg", False), (f"{HEIGHT_NEEDED_WEIGHT_KG:g} kg", True)])
def test_high_weight_without_height_asks_for_height(weight: str, asked: bool) -> None:
    res = crcl(weight=weight)
    asks = [w for w in res.warnings if w.startswith("Height not given")]
    assert bool(asks) is asked
    assert res.result["obesity"]["obese"] is None
    assert res.result["by_weight"] == {}
    assert res.result["obesity"].get("height_needed", False) is asked


def test_height_in_pounds_and_inches_is_converted_first() -> None:
    res = crcl(weight="264.55 lb", height="65 in")
    assert res.result["obesity"]["obese"] is True
    assert res.entered["weight"] == {"value": 264.55, "unit": "lb"}
    assert res.entered["height"] == {"value": 65.0, "unit": "in"}


def test_below_ideal_weight_the_rows_are_for_comparison_only() -> None:
    res = crcl(weight="55 kg", height="185 cm")
    assert res.result["obesity"]["obese"] is False
    assert obesity_warning(res) is None
    assert any("for comparison only" in w for w in res.warnings)


def test_chosen_adjusted_basis_matches_its_side_by_side_row() -> None:
    res = crcl(weight="120 kg", height="165 cm", weight_basis="adjusted")
    assert res.result["crcl_ml_min"] == res.result["by_weight"]["adjusted"]["crcl_ml_min"]
    assert res.headline == "CrCl 78.6 mL/min (Cockcroft–Gault, adjusted body weight)"
    assert any(row.item.endswith("(used above)") and "adjusted" in row.item for row in res.explanation)


def test_short_height_is_flagged_as_extrapolated_even_on_actual_weight() -> None:
    res = crcl(weight="70 kg", height="150 cm")
    assert any("extrapolated" in w for w in res.warnings)
