"""Units as people type them, what they entered kept beside the canonical value, and the one
headline and plain text every face shows (issue 9, items 14 and 15)."""

from __future__ import annotations

from typing import Any

import pytest

import app.core.calculators.all  # noqa: F401  (registers every calculator)
from app.core.calculators.base import REGISTRY, CalcInputError
from app.core.calculators.presentation import input_rows, quantity_text, result_text
from app.core.units import (
    ALBUMIN,
    B2M,
    CREATININE,
    CREATININE_CLEARANCE,
    HEIGHT,
    M_PROTEIN,
    OXYGEN_FLOW,
    TEMPERATURE,
    WEIGHT,
    Dimension,
    display_canonical,
    entered_quantity,
    parse_quantity,
)

MICRO_SIGN = "\u00b5"
GREEK_MU = "\u03bc"


@pytest.mark.parametrize(
    ("dim", "typed", "unit"),
    [
        (B2M, "mcg/mL", "µg/mL"),
        (B2M, "ug/mL", "µg/mL"),
        (B2M, "UG/ML", "µg/mL"),
        (B2M, f"{MICRO_SIGN}g/mL", "µg/mL"),
        (B2M, f"{GREEK_MU}g/mL", "µg/mL"),
        (B2M, "microg/mL", "µg/mL"),
        (B2M, "mg/l", "mg/L"),
        (B2M, "MG/L", "mg/L"),
        (B2M, "mg/dl", "mg/dL"),
        (CREATININE, "umol/L", "µmol/L"),
        (CREATININE, "umol/l", "µmol/L"),
        (CREATININE, f"{MICRO_SIGN}mol/L", "µmol/L"),
        (CREATININE, f"{GREEK_MU}mol/L", "µmol/L"),
        (CREATININE, "micromol/L", "µmol/L"),
        (CREATININE, "mcmol/L", "µmol/L"),
        (CREATININE, "µmol / L", "µmol/L"),
        (CREATININE, "MG/DL", "mg/dL"),
        (ALBUMIN, "g/dl", "g/dL"),
        (ALBUMIN, "g/l", "g/L"),
        (ALBUMIN, "G/L", "g/L"),
        (M_PROTEIN, "g/DL", "g/dL"),
        (CREATININE_CLEARANCE, "mL/min", "mL/min"),
        (CREATININE_CLEARANCE, "ml/min", "mL/min"),
        (CREATININE_CLEARANCE, "ML/MIN", "mL/min"),
        (CREATININE_CLEARANCE, "Ml/Min", "mL/min"),
        (OXYGEN_FLOW, "l/min", "L/min"),
        (WEIGHT, "KG", "kg"),
        (WEIGHT, "lbs", "lb"),
        (HEIGHT, "CM", "cm"),
        (TEMPERATURE, "℃", "°C"),
        (TEMPERATURE, "deg F", "°F"),
    ],
)
def test_units_as_typed(dim: Dimension, typed: str, unit: str) -> None:
    assert dim.resolve_unit(typed) == unit


@pytest.mark.parametrize(
    ("dim", "typed"),
    [
        (B2M, "ug/L"),  # 1000 × off: never guessed
        (B2M, "mg/mL"),
        (CREATININE, "mmol/L"),
        (CREATININE, "umol"),
        (ALBUMIN, "mg/dL"),
        (OXYGEN_FLOW, "mL/min"),  # mL/min is not L/min
        (CREATININE_CLEARANCE, "L/min"),
        (CREATININE, "u"),
    ],
)
def test_wrong_units_are_still_refused(dim: Dimension, typed: str) -> None:
    assert dim.resolve_unit(typed) is None


@pytest.mark.parametrize(
    ("dim", "raw", "canonical"),
    [
        (CREATININE, "120 umol/L", 120 / 88.4),
        (CREATININE, {"value": 120, "unit": f"{GREEK_MU}mol/l"}, 120 / 88.4),
        (B2M, "3 mcg/mL", 3.0),
        (B2M, "0.55 mg/dl", 5.5),
        (ALBUMIN, "35 g/l", 3.5),
        (CREATININE, "1,2 MG/DL", 1.2),
    ],
)
def test_converted_values(dim: Dimension, raw: Any, canonical: float) -> None:
    assert parse_quantity(dim, raw) == pytest.approx(canonical, rel=1e-9)


def test_entered_quantity_keeps_the_value_and_unit_typed() -> None:
    assert entered_quantity(CREATININE, "120 umol/L") == {"value": 120.0, "unit": "µmol/L"}
    assert entered_quantity(CREATININE, {"value": 1.5, "unit": "mg/dl"}) == {"value": 1.5, "unit": "mg/dL"}
    assert entered_quantity(CREATININE, "120") is None
    assert entered_quantity(CREATININE, "120 mmol/L") is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (120 / 88.4, "≈ 1.36"),  # 1.357…: 3 significant figures, marked as rounded
        (3.5, "3.5"),  # exact: no ≈
        (5.5, "5.5"),
        (106 / 88.4, "≈ 1.2"),  # 1.1991…: the ≈ warns that it is not exactly 1.2
        (69.85322498, "≈ 69.9"),
        (165.1, "≈ 165"),
        (0.0, "0"),
        (38.0, "38"),
    ],
)
def test_canonical_beside_is_rounded_to_three_significant_figures(value: float, text: str) -> None:
    assert display_canonical(value) == text


def test_quantity_text() -> None:
    canonical = {"value": 120 / 88.4, "unit": "mg/dL"}
    assert quantity_text({"value": 120.0, "unit": "µmol/L"}, canonical) == "120 µmol/L (≈ 1.36 mg/dL)"
    assert quantity_text({"value": 1.2, "unit": "mg/dL"}, {"value": 1.2, "unit": "mg/dL"}) == "1.2 mg/dL"
    assert quantity_text(None, {"value": 1.2, "unit": "mg/dL"}) == "1.2 mg/dL"


# ------------------------------------------------------------------------------ results carry it


def test_results_carry_title_headline_and_entered_units() -> None:
    res = REGISTRY["iss"].run({"b2m": "3 mcg/mL", "albumin": "35 g/l"})
    assert res.title == "International Staging System (ISS)"
    assert res.headline == "ISS stage I"
    assert res.inputs == {"b2m": {"value": 3.0, "unit": "mg/L"}, "albumin": {"value": 3.5, "unit": "g/dL"}}
    assert res.entered == {"b2m": {"value": 3.0, "unit": "µg/mL"}, "albumin": {"value": 35.0, "unit": "g/L"}}
    assert dict(input_rows(REGISTRY[res.calculator], res.inputs, res.entered)) == {
        "β2-microglobulin": "3 µg/mL (3 mg/L)",
        "Albumin": "35 g/L (3.5 g/dL)",
    }


def test_entered_skips_untested_quantities() -> None:
    res = REGISTRY["high-risk"].run({"b2m": "6 mg/L", "creatinine": None})
    assert res.entered == {"b2m": {"value": 6.0, "unit": "mg/L"}}
    assert dict(input_rows(REGISTRY[res.calculator], res.inputs, res.entered))["Creatinine"] == "not tested"


EXAMPLES: dict[str, tuple[dict[str, Any], str]] = {
    "iss": ({"b2m": "6 mg/L", "albumin": "4 g/dL"}, "ISS stage III"),
    "r-iss": (
        {"b2m": "6 mg/L", "albumin": "4 g/dL", "ldh_above_uln": True, "del17p": None, "t_4_14": None,
         "t_14_16": None},
        "R-ISS stage III",
    ),
    "r2-iss": (
        {"b2m": "4 mg/L", "albumin": "4 g/dL", "ldh_above_uln": False, "del17p": False, "t_4_14": False,
         "gain_1q": True},
        "R2-ISS III (intermediate-high risk), 1.5 points",
    ),
    "high-risk": ({"del17p_ccf_pct": 25}, "High-risk myeloma (a Box 1 criterion is met)"),
    "smm-2-20-20": (
        {"m_protein": "2.5 g/dL", "flc_ratio": 25, "bmpc_pct": 10},
        "High risk: 2 of 3 risk factors (2/20/20)",
    ),
    "smm-imwg-score": (
        {"flc_ratio": 5, "m_protein": "1 g/dL", "bmpc_pct": 10, "fish_abnormality": False},
        "Low risk (IMWG 2020 score 0)",
    ),
    "imwg-frailty": ({"age": 70, "cci": 0, "adl": 6, "iadl": 8}, "Fit: IMWG frailty score 0"),
    "simplified-frailty": ({"age": 82, "cci": 0, "ecog": 0}, "Frail: simplified frailty score 2"),
    "ice": (
        {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 0},
        "ICE score 9 / 10",
    ),
    "crcl": (
        {"age": 60, "sex": "male", "weight": "72 kg", "creatinine": "1 mg/dL"},
        "CrCl 80 mL/min (Cockcroft–Gault, actual body weight)",
    ),
    "egfr": ({"age": 55, "sex": "male", "creatinine": "1.2 mg/dL"}, "eGFR 71.4 mL/min/1.73 m² (G2)"),
    "bsa": ({"height": "180 cm", "weight": "80 kg", "method": "mosteller"}, "BSA 2 m²"),
    "tocilizumab-dose": ({"weight": "70 kg"}, "Tocilizumab 560 mg per dose"),
}


@pytest.mark.parametrize("calc_id", sorted(EXAMPLES))
def test_each_calculator_has_its_own_headline(calc_id: str) -> None:
    raw, headline = EXAMPLES[calc_id]
    res = REGISTRY[calc_id].run(raw)
    assert res.headline == headline
    assert REGISTRY[calc_id].headline is not None


def test_plain_text_has_headline_inputs_as_entered_and_no_empty_heading() -> None:
    res = REGISTRY["crcl"].run({"age": 60, "sex": "male", "weight": "80 kg", "creatinine": "120 umol/L"})
    text = result_text(res.model_dump(mode="json"), width=100)
    lines = text.splitlines()
    assert lines[0] == "Creatinine clearance (Cockcroft–Gault) with lenalidomide starting dose"
    assert "Result: CrCl 65.5 mL/min (Cockcroft–Gault, actual body weight)" in lines
    assert "  Creatinine: 120 µmol/L (≈ 1.36 mg/dL)" in lines
    assert "  Height: not given" in lines
    assert all(len(line) <= 100 for line in lines)
    for heading in ("Inputs:", "Explanation:", "Warnings:", "Rule / references:"):
        i = lines.index(heading)
        assert lines[i + 1].startswith("  "), heading
    assert "Schedule:" not in lines  # nothing to list: no heading
    assert "{" not in text  # never a Python dict


def test_a_headline_reading_a_renamed_key_fails_loudly_instead_of_showing_the_title() -> None:
    with pytest.raises(KeyError):
        REGISTRY["iss"].headline({"stage_renamed": "III"})


def test_bad_unit_is_still_refused_by_name() -> None:
    with pytest.raises(CalcInputError) as exc:
        REGISTRY["iss"].run({"b2m": "3 ug/L", "albumin": "4 g/dL"})
    assert exc.value.field == "b2m"
    assert "mg/L, µg/mL, mg/dL" in exc.value.message
