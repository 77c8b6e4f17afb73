"""Cockcroft–Gault, CKD-EPI 2021 and the lenalidomide renal starting dose (EU SmPC beside US label)."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.calculators import renal  # noqa: F401  (registers crcl, egfr)
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult
from app.core.calculators.renal_dosing import (
    GUIDELINE_RENAL_QUOTES,
    guideline_quotes,
    lenalidomide_starting_dose,
    other_drug_notes,
)
from app.core.text import quote_key
from app.paths import guideline_seed


def run(cid: str, **inp: Any) -> CalcResult:
    return REGISTRY[cid].run(inp)


def crcl(**inp: Any) -> CalcResult:
    base: dict[str, Any] = {"age": 60, "sex": "male", "weight": "72 kg", "creatinine": "1.0 mg/dL"}
    return run("crcl", **{**base, **inp})


# --- Cockcroft–Gault ------------------------------------------------------------------------------


def test_cg_male_reference() -> None:
    # (140 − 60) × 72 / (72 × 1.0) = 80
    r = crcl()
    assert r.result["crcl_ml_min"] == 80.0
    assert r.result["weight_basis"] == "actual"
    assert r.result["weight_used_kg"] == 72.0


def test_cg_female_factor() -> None:
    assert crcl(sex="female").result["crcl_ml_min"] == 68.0


def test_cg_textbook_example() -> None:
    # 70-year-old woman, 60 kg, SCr 1.2 mg/dL: (70 × 60) / (72 × 1.2) × 0.85 = 41.3
    r = crcl(age=70, sex="female", weight="60 kg", creatinine="1.2 mg/dL")
    assert r.result["crcl_ml_min"] == pytest.approx(41.3, abs=0.05)


def test_cg_creatinine_in_umol_per_l() -> None:
    a = crcl(creatinine="88.4 µmol/L")
    b = crcl(creatinine={"value": 88.4, "unit": "umol/L"})
    c = crcl(creatinine="88.4 micromol/L")
    assert a.result["crcl_ml_min"] == b.result["crcl_ml_min"] == c.result["crcl_ml_min"] == 80.0
    assert a.inputs["creatinine"] == {"value": 1.0, "unit": "mg/dL"}
    # 150 µmol/L = 1.697 mg/dL
    d = crcl(creatinine="150 µmol/L")
    assert d.result["crcl_ml_min"] == pytest.approx(80 * 88.4 / 150, abs=0.05)


def test_cg_weight_in_pounds() -> None:
    r = crcl(weight="158.73 lb")
    assert r.inputs["weight"]["value"] == pytest.approx(72.0, abs=0.01)
    assert r.result["crcl_ml_min"] == pytest.approx(80.0, abs=0.05)


def test_cg_shows_weight_used_in_explanation() -> None:
    r = crcl()
    row = next(e for e in r.explanation if e.item == "Weight used")
    assert "actual body weight 72 kg" in row.value


def test_cg_ideal_and_adjusted_weight() -> None:
    # male 180 cm: IBW = 50 + 2.3 × (70.866 − 60) = 74.99 kg
    r = crcl(weight="110 kg", height="180 cm", weight_basis="ideal")
    assert r.result["ideal_body_weight_kg"] == pytest.approx(74.99, abs=0.01)
    assert r.result["weight_used_kg"] == pytest.approx(74.99, abs=0.01)
    assert r.result["crcl_ml_min"] == pytest.approx(80 * 74.99 / 72, abs=0.1)
    adj = crcl(weight="110 kg", height="180 cm", weight_basis="adjusted")
    assert adj.result["weight_used_kg"] == pytest.approx(74.99 + 0.4 * (110 - 74.99), abs=0.01)
    assert "adjusted body weight" in next(e for e in adj.explanation if e.item == "Weight used").value


def test_cg_height_units() -> None:
    a = crcl(height="180 cm", weight_basis="ideal")
    b = crcl(height="1.8 m", weight_basis="ideal")
    c = crcl(height={"value": 70.866142, "unit": "in"}, weight_basis="ideal")
    assert a.result["crcl_ml_min"] == b.result["crcl_ml_min"] == c.result["crcl_ml_min"]


def test_cg_ideal_needs_height() -> None:
    with pytest.raises(CalcInputError) as exc:
        crcl(weight_basis="ideal")
    assert exc.value.field == "height"


def test_cg_height_too_short_for_devine_rejected() -> None:
    with pytest.raises(CalcInputError) as exc:
        crcl(height="110 cm", weight_basis="ideal")
    assert exc.value.field == "height"


def test_cg_ideal_above_actual_warns() -> None:
    r = crcl(weight="50 kg", height="185 cm", weight_basis="ideal")
    assert any("below the ideal body weight" in w for w in r.warnings)


def test_cg_female_ibw() -> None:
    r = crcl(sex="female", height="160 cm", weight_basis="ideal")
    assert r.result["ideal_body_weight_kg"] == pytest.approx(45.5 + 2.3 * (160 / 2.54 - 60), abs=0.01)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weight", 72),
        ("weight", "72"),
        ("weight", "72 stone"),
        ("creatinine", 1.0),
        ("creatinine", "1.0 mmol/L"),
        ("height", 180),
    ],
)
def test_cg_bare_numbers_and_bad_units_rejected(field: str, value: Any) -> None:
    with pytest.raises(CalcInputError) as exc:
        crcl(**{field: value})
    assert exc.value.field == field


@pytest.mark.parametrize("age", [17, 121, "60", True, float("nan"), float("inf")])
def test_cg_age_validation(age: Any) -> None:
    with pytest.raises(CalcInputError) as exc:
        crcl(age=age)
    assert exc.value.field == "age"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 10**400])
def test_cg_nan_inf_huge_in_quantities_rejected(bad: Any) -> None:
    with pytest.raises(CalcInputError):
        crcl(weight={"value": bad, "unit": "kg"})
    with pytest.raises(CalcInputError):
        crcl(creatinine={"value": bad, "unit": "mg/dL"})


def test_cg_unknown_field_and_sex() -> None:
    with pytest.raises(CalcInputError) as exc:
        crcl(race="x")
    assert exc.value.code == "unknown_field"
    with pytest.raises(CalcInputError) as exc:
        crcl(sex="F")
    assert exc.value.field == "sex"


def test_cg_low_creatinine_warns() -> None:
    assert any("measured value" in w for w in crcl(creatinine="0.5 mg/dL").warnings)


# --- crcl result carries the lenalidomide rows ------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "crcl_value", "eu_mg", "us_mg"),
    [
        # male, 72 kg, SCr 1.0 mg/dL: CrCl = 140 − age
        (110.1, 29.9, 7.5, 15.0),
        (110.0, 30.0, 10.0, 10.0),
        (90.1, 49.9, 10.0, 10.0),
        (90.0, 50.0, 25.0, 10.0),
        (85.0, 55.0, 25.0, 10.0),
        (80.1, 59.9, 25.0, 10.0),
        (80.0, 60.0, 25.0, 25.0),
    ],
)
def test_crcl_result_has_lenalidomide_eu_and_us(age: float, crcl_value: float, eu_mg: float, us_mg: float) -> None:
    r = crcl(age=age)
    assert r.result["crcl_ml_min"] == crcl_value
    len_ = r.result["lenalidomide"]
    assert len_["eu"]["dose_mg"] == eu_mg
    assert len_["us"]["dose_mg"] == us_mg
    assert len_["followed"] == "eu"
    if len_["eu_us_differ"]:
        assert "The US label differs" in r.interpretation
        assert any("this guide follows the EU SmPC" in w for w in r.warnings)


def test_crcl_55_interpretation() -> None:
    r = crcl(age=85)
    assert "25 mg once daily" in r.interpretation
    assert "10 mg every 24 hours" in r.interpretation


def test_crcl_dialysis_rows() -> None:
    r = crcl(age=110, creatinine="6 mg/dL", dialysis=True)
    len_ = r.result["lenalidomide"]
    assert len_["eu"]["dose_mg"] == 5.0 and "after dialysis" in len_["eu"]["dose"]
    assert len_["us"]["dose_mg"] == 5.0
    assert any("dialysis" in w for w in r.warnings)


# --- lenalidomide function directly --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "eu_mg", "us_mg", "differ"),
    [
        (0.0, 7.5, 15.0, True),
        (29.9, 7.5, 15.0, True),
        (29.96, 10.0, 10.0, False),  # displayed as 30.0: the band follows the displayed value
        (30.0, 10.0, 10.0, False),
        (49.9, 10.0, 10.0, False),
        (50.0, 25.0, 10.0, True),
        (55.0, 25.0, 10.0, True),
        (59.9, 25.0, 10.0, True),
        (60.0, 25.0, 25.0, False),
        (150.0, 25.0, 25.0, False),
    ],
)
def test_lenalidomide_bands(value: float, eu_mg: float, us_mg: float, differ: bool) -> None:
    start = lenalidomide_starting_dose(value)
    assert start.eu.dose_mg == eu_mg
    assert start.us.dose_mg == us_mg
    assert start.differ is differ


def test_lenalidomide_severe_eu_options_and_status() -> None:
    start = lenalidomide_starting_dose(20.0)
    assert "7.5 mg once daily" in start.eu.dose and "15 mg every other day" in start.eu.dose
    assert start.eu.status == "UNCONFIRMED"
    assert any("7.5 mg" in w and "UNCONFIRMED" in w for w in start.warnings)
    assert start.us.dose == "15 mg every 48 hours"


def test_lenalidomide_moderate_escalation_note() -> None:
    start = lenalidomide_starting_dose(40.0)
    assert any("15 mg once daily after 2 cycles" in n for n in start.eu.notes)
    assert any("phase I/II trial" in w for w in start.warnings)


@pytest.mark.parametrize("value", [0.0, 25.0, 45.0, 80.0])
def test_lenalidomide_dialysis_overrides_value(value: float) -> None:
    start = lenalidomide_starting_dose(value, dialysis=True)
    assert start.eu.dose_mg == start.us.dose_mg == 5.0
    assert not start.differ


def test_lenalidomide_not_studied_notes() -> None:
    assert any("CrCl < 11" in w for w in lenalidomide_starting_dose(10.0).warnings)
    assert not any("CrCl < 11" in w for w in lenalidomide_starting_dose(11.0).warnings)
    assert any("CrCl < 7" in w for w in lenalidomide_starting_dose(6.0, dialysis=True).warnings)


@pytest.mark.parametrize("value", [28.0, 31.0, 48.0, 52.0, 58.0, 62.0])
def test_lenalidomide_borderline_warnings(value: float) -> None:
    assert any("within 3 mL/min" in w for w in lenalidomide_starting_dose(value).warnings)


def test_lenalidomide_not_borderline() -> None:
    assert not any("within 3 mL/min" in w for w in lenalidomide_starting_dose(40.0).warnings)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0])
def test_lenalidomide_rejects_bad_values(bad: float) -> None:
    with pytest.raises(ValueError):
        lenalidomide_starting_dose(bad)


def test_other_drug_notes() -> None:
    notes = {(n.drug, n.status): n for n in other_drug_notes(25.0)}
    ixa = notes[("ixazomib", "DISAGREEMENT")]
    assert ixa.applies and "4 mg to 3 mg" in ixa.note
    assert not next(n for n in other_drug_notes(45.0) if n.drug == "ixazomib").applies
    carf = next(n for n in other_drug_notes(12.0) if n.drug == "carfilzomib")
    assert "≤ 15 mL/min" in carf.note
    pom_dialysis = [n for n in other_drug_notes(5.0, dialysis=True) if n.drug == "pomalidomide"]
    assert any(n.applies and n.status == "DISAGREEMENT" and "3 mg/day" in n.note for n in pom_dialysis)


# --- guideline quotes ----------------------------------------------------------------------------


def test_guideline_quotes_are_verbatim() -> None:
    seed = guideline_seed()
    if seed is None:
        pytest.skip("guideline text (../shared/seeds) not present")
    text = quote_key(seed.read_text(encoding="utf-8"))
    for q in GUIDELINE_RENAL_QUOTES:
        assert quote_key(q.quote) in text, q.id
        assert q.location


def test_guideline_quotes_by_drug() -> None:
    ids = {q["id"] for q in guideline_quotes("lenalidomide")}
    assert {"renal-text-lenalidomide", "renal-rec-lenalidomide"} <= ids
    assert any("no dose modifications" in q["quote"] for q in guideline_quotes("ixazomib"))


# --- CKD-EPI 2021 ----------------------------------------------------------------------------------


def test_ckd_epi_male_reference() -> None:
    r = run("egfr", age=55, sex="male", creatinine="1.2 mg/dL")
    assert r.result["egfr_ml_min_1_73m2"] == pytest.approx(71.4, abs=0.1)
    assert round(r.result["egfr_ml_min_1_73m2"]) == 71


def test_ckd_epi_female_reference() -> None:
    r = run("egfr", age=55, sex="female", creatinine="0.9 mg/dL")
    assert r.result["egfr_ml_min_1_73m2"] == pytest.approx(75.5, abs=0.1)


def test_ckd_epi_both_branches_of_kappa() -> None:
    # female SCr 0.6 (< κ 0.7): 142 × (0.6/0.7)^−0.241 × 0.9938^50 × 1.012
    expected = 142 * (0.6 / 0.7) ** -0.241 * 0.9938**50 * 1.012
    r = run("egfr", age=50, sex="female", creatinine="0.6 mg/dL")
    assert r.result["egfr_ml_min_1_73m2"] == pytest.approx(expected, abs=0.06)
    # male SCr exactly κ 0.9: 142 × 0.9938^40
    r = run("egfr", age=40, sex="male", creatinine="0.9 mg/dL")
    assert r.result["egfr_ml_min_1_73m2"] == pytest.approx(142 * 0.9938**40, abs=0.06)


def test_ckd_epi_umol() -> None:
    a = run("egfr", age=55, sex="male", creatinine="106.08 µmol/L")
    assert a.result["egfr_ml_min_1_73m2"] == pytest.approx(71.4, abs=0.1)


def test_ckd_epi_categories_and_severe_guideline_note() -> None:
    r = run("egfr", age=70, sex="male", creatinine="4 mg/dL")
    assert r.result["kdigo_category"] in {"G4", "G5"}
    assert r.result["egfr_ml_min_1_73m2"] < 30
    assert any("aminobisphosphonates" in q["quote"] for q in r.result["guideline"])
    assert any("creatinine clearance" in w for w in r.warnings)


def test_ckd_epi_no_race_field() -> None:
    with pytest.raises(CalcInputError) as exc:
        run("egfr", age=55, sex="male", creatinine="1.2 mg/dL", race="black")
    assert exc.value.code == "unknown_field"
    with pytest.raises(CalcInputError):
        run("egfr", age=55, sex="male", creatinine=1.2)


@pytest.mark.parametrize("cid", ["crcl", "egfr"])
def test_schema_lists_units(cid: str) -> None:
    schema = REGISTRY[cid].schema()
    assert schema["additionalProperties"] is False
    assert schema["properties"]["creatinine"]["x-accepted-units"] == ["mg/dL", "µmol/L"]


def test_cg_short_height_with_actual_basis_hides_ibw() -> None:
    r = crcl(sex="female", height="100 cm")
    assert r.result["ideal_body_weight_kg"] is None
    assert r.result["crcl_ml_min"] == 68.0


@pytest.mark.parametrize(("crcl", "dialysis", "status"), [
    (75, False, "CONFIRMED"), (45, False, "UNCONFIRMED"), (20, False, "UNCONFIRMED"), (10, True, "UNCONFIRMED"),
])
def test_us_lenalidomide_rows_read_only_in_a_summary_are_unconfirmed(crcl, dialysis, status):
    start = lenalidomide_starting_dose(crcl, dialysis=dialysis)
    assert start.us.status == status
    if status == "UNCONFIRMED":
        assert any(w.startswith("lenalidomide US row UNCONFIRMED") for w in start.warnings)
        assert "2026-12-06" in start.us.status_note
