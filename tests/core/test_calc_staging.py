"""ISS, R-ISS and R2-ISS: every cut-off at, below and above it; units; input rejection."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any

import pytest

from app.core.calculators import staging  # noqa: F401  (registers iss, r-iss, r2-iss)
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult

ISS = REGISTRY["iss"]
R_ISS = REGISTRY["r-iss"]
R2_ISS = REGISTRY["r2-iss"]


def iss(b2m: Any, albumin: Any) -> CalcResult:
    return ISS.run({"b2m": b2m, "albumin": albumin})


def r_iss(b2m: Any, albumin: Any, **flags: bool) -> CalcResult:
    raw = {"b2m": b2m, "albumin": albumin, "ldh_above_uln": False, "del17p": False, "t_4_14": False, "t_14_16": False}
    raw.update(flags)
    return R_ISS.run(raw)


def r2_iss(b2m: Any, albumin: Any, **flags: bool) -> CalcResult:
    raw = {"b2m": b2m, "albumin": albumin, "ldh_above_uln": False, "del17p": False, "t_4_14": False, "gain_1q": False}
    raw.update(flags)
    return R2_ISS.run(raw)


# ------------------------------------------------------------------------------------------ ISS


@pytest.mark.parametrize(
    ("b2m", "albumin", "stage"),
    [
        # β2M 3.5 cut-off (stage I needs < 3.5), albumin fine
        ("3.49 mg/L", "3.5 g/dL", "I"),
        ("3.5 mg/L", "3.5 g/dL", "II"),
        ("3.51 mg/L", "3.5 g/dL", "II"),
        # albumin 3.5 cut-off (stage I needs ≥ 3.5), β2M low
        ("3.0 mg/L", "3.49 g/dL", "II"),
        ("3.0 mg/L", "3.5 g/dL", "I"),
        ("3.0 mg/L", "3.51 g/dL", "I"),
        # β2M 5.5 cut-off (stage III is ≥ 5.5), whatever the albumin
        ("5.49 mg/L", "4.0 g/dL", "II"),
        ("5.5 mg/L", "4.0 g/dL", "III"),
        ("5.51 mg/L", "4.0 g/dL", "III"),
        ("5.5 mg/L", "2.0 g/dL", "III"),
        ("5.49 mg/L", "2.0 g/dL", "II"),
        # extremes of the plausible range
        ("0 mg/L", "7 g/dL", "I"),
        ("100 mg/L", "0.5 g/dL", "III"),
    ],
)
def test_iss_cutoffs(b2m: str, albumin: str, stage: str) -> None:
    assert iss(b2m, albumin).result == {"stage": stage}


@pytest.mark.parametrize(
    ("b2m", "stage"),
    [
        ("0.349 mg/dL", "I"),
        ("0.35 mg/dL", "II"),
        ("0.549 mg/dL", "II"),
        ("0.55 mg/dL", "III"),
        ("3.49 µg/mL", "I"),
        ("3.5 µg/mL", "II"),
        ("5.5 µg/mL", "III"),
        ("5.5 ug/mL", "III"),
        ("5.5 μg/mL", "III"),  # Greek mu
        ({"value": 0.55, "unit": "mg/dL"}, "III"),
        ({"value": 5.5, "unit": "mg/L"}, "III"),
        ("5,5 mg/L", "III"),  # decimal comma
    ],
)
def test_iss_b2m_units(b2m: Any, stage: str) -> None:
    assert iss(b2m, "4 g/dL").result["stage"] == stage


@pytest.mark.parametrize(
    ("albumin", "stage"),
    [("34.9 g/L", "II"), ("35 g/L", "I"), ("35.1 g/L", "I"), ({"value": 35, "unit": "g/L"}, "I"), ("3.5 g/dl", "I")],
)
def test_iss_albumin_units(albumin: Any, stage: str) -> None:
    assert iss("3.0 mg/L", albumin).result["stage"] == stage


def test_iss_inputs_normalised_to_canonical_units() -> None:
    res = iss("0.55 mg/dL", "35 g/L")
    assert res.inputs == {"b2m": {"value": 5.5, "unit": "mg/L"}, "albumin": {"value": 3.5, "unit": "g/dL"}}
    assert res.calculator == "iss" and res.calculator_version == "1.0.0"
    assert any("Greipp" in ref for ref in res.references)


def test_iss_interpretation_reports_median_os() -> None:
    assert "62 months" in iss("2 mg/L", "4 g/dL").interpretation
    assert "44 months" in iss("4 mg/L", "4 g/dL").interpretation
    assert "29 months" in iss("6 mg/L", "4 g/dL").interpretation


def test_iss_warnings_at_cutoffs_and_for_mg_dl() -> None:
    at_high = iss("5.5 mg/L", "4 g/dL")
    assert any("exactly at the cut-off" in w and "stage III" in w for w in at_high.warnings)
    at_low = iss("3.5 mg/L", "4 g/dL")
    assert any("exactly at the cut-off" in w and "not stage I" in w for w in at_low.warnings)
    at_alb = iss("3 mg/L", "35 g/L")
    assert any("Albumin is exactly at the cut-off" in w for w in at_alb.warnings)
    assert any("mg/dL" in w and "tenfold" in w for w in iss("0.3 mg/dL", "4 g/dL").warnings)
    assert not iss("2 mg/L", "4.5 g/dL").warnings
    near = iss("5.45 mg/L", "4 g/dL")
    assert any("within 2%" in w for w in near.warnings)


def test_iss_explanation_shows_entered_unit() -> None:
    res = iss("0.55 mg/dL", "4 g/dL")
    assert "entered as 0.55 mg/dL" in res.explanation[0].value


@pytest.mark.parametrize("field", ["b2m", "albumin"])
def test_bare_number_rejected_naming_units(field: str) -> None:
    raw: dict[str, Any] = {"b2m": "3 mg/L", "albumin": "4 g/dL"}
    raw[field] = 3.2
    with pytest.raises(CalcInputError) as exc:
        ISS.run(raw)
    assert exc.value.field == field
    units = ["mg/L", "µg/mL", "mg/dL"] if field == "b2m" else ["g/dL", "g/L"]
    for unit in units:
        assert unit in exc.value.message


@pytest.mark.parametrize(
    ("raw", "field", "code"),
    [
        ({"b2m": "3 mg/L", "albumin": "4 g/dL", "b2microglobulin": "3 mg/L"}, "b2microglobulin", "unknown_field"),
        ({"b2m": "3 mg/L"}, "albumin", "missing_field"),
        ({"b2m": "3 mmol/L", "albumin": "4 g/dL"}, "b2m", "invalid_input"),
        ({"b2m": "3", "albumin": "4 g/dL"}, "b2m", "invalid_input"),
        ({"b2m": "101 mg/L", "albumin": "4 g/dL"}, "b2m", "invalid_input"),
        ({"b2m": "-1 mg/L", "albumin": "4 g/dL"}, "b2m", "invalid_input"),
        ({"b2m": "3 mg/L", "albumin": "80 g/dL"}, "albumin", "invalid_input"),
        ({"b2m": {"value": 3}, "albumin": "4 g/dL"}, "b2m", "invalid_input"),
        ({"b2m": {"value": True, "unit": "mg/L"}, "albumin": "4 g/dL"}, "b2m", "invalid_input"),
        ({"b2m": True, "albumin": "4 g/dL"}, "b2m", "invalid_input"),
        ({"b2m": None, "albumin": "4 g/dL"}, "b2m", "invalid_input"),
        ({"b2m": {"value": 10**400, "unit": "mg/L"}, "albumin": "4 g/dL"}, "b2m", "invalid_input"),
    ],
)
def test_iss_invalid_inputs(raw: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(CalcInputError) as exc:
        ISS.run(raw)
    assert exc.value.field == field
    assert exc.value.code == code
    if code == "unknown_field":
        assert "b2m" in exc.value.message and "albumin" in exc.value.message


def test_misspelt_required_field_rejected() -> None:
    # Pydantic reports the missing "albumin" and the unknown "albumn"; either names a field.
    with pytest.raises(CalcInputError) as exc:
        ISS.run({"b2m": "3 mg/L", "albumn": "4 g/dL"})
    assert exc.value.field in {"albumin", "albumn"}
    assert exc.value.code in {"missing_field", "unknown_field"}


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_inf_rejected(bad: float) -> None:
    with pytest.raises(CalcInputError) as exc:
        iss({"value": bad, "unit": "mg/L"}, "4 g/dL")
    assert exc.value.field == "b2m"
    for text in ("nan mg/L", "inf mg/L", "1e999 mg/L"):
        with pytest.raises(CalcInputError):
            iss(text, "4 g/dL")


def test_non_mapping_input_rejected() -> None:
    with pytest.raises(CalcInputError):
        ISS.run([("b2m", "3 mg/L")])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------- R-ISS


@pytest.mark.parametrize(
    ("b2m", "albumin", "flags", "stage"),
    [
        ("3 mg/L", "4 g/dL", {}, "I"),
        ("3 mg/L", "4 g/dL", {"ldh_above_uln": True}, "II"),
        ("3 mg/L", "4 g/dL", {"del17p": True}, "II"),
        ("3 mg/L", "4 g/dL", {"t_4_14": True}, "II"),
        ("3 mg/L", "4 g/dL", {"t_14_16": True}, "II"),
        ("4 mg/L", "4 g/dL", {}, "II"),
        ("4 mg/L", "4 g/dL", {"del17p": True, "ldh_above_uln": True}, "II"),
        ("5.5 mg/L", "4 g/dL", {}, "II"),  # ISS III, standard CA, normal LDH → R-ISS II
        ("5.5 mg/L", "4 g/dL", {"ldh_above_uln": True}, "III"),
        ("5.5 mg/L", "4 g/dL", {"del17p": True}, "III"),
        ("5.5 mg/L", "4 g/dL", {"t_4_14": True}, "III"),
        ("5.5 mg/L", "4 g/dL", {"t_14_16": True}, "III"),
        ("5.49 mg/L", "4 g/dL", {"t_14_16": True}, "II"),
        ("3.49 mg/L", "3.5 g/dL", {}, "I"),
        ("3.5 mg/L", "3.5 g/dL", {}, "II"),
        ("3.49 mg/L", "3.49 g/dL", {}, "II"),
        ("0.55 mg/dL", "35 g/L", {"ldh_above_uln": True}, "III"),
    ],
)
def test_r_iss_rules(b2m: str, albumin: str, flags: dict[str, bool], stage: str) -> None:
    res = r_iss(b2m, albumin, **flags)
    assert res.result["stage"] == stage


def test_r_iss_interpretation_and_warnings() -> None:
    res = r_iss("3 mg/L", "4 g/dL")
    assert "82%" in res.interpretation and "55%" in res.interpretation
    assert any("equal to the upper limit of normal" in w for w in res.warnings)
    assert res.inputs["b2m"] == {"value": 3.0, "unit": "mg/L"}
    res3 = r_iss("6 mg/L", "4 g/dL", ldh_above_uln=True)
    assert "40%" in res3.interpretation and "24%" in res3.interpretation
    assert not any("equal to the upper limit of normal" in w for w in res3.warnings)


@pytest.mark.parametrize("value", [1, 0, "true", "yes"])
def test_r_iss_flags_are_strict_booleans(value: Any) -> None:
    # null is accepted (not measured); numbers and words are not
    with pytest.raises(CalcInputError) as exc:
        r_iss("3 mg/L", "4 g/dL", ldh_above_uln=value)
    assert exc.value.field == "ldh_above_uln"


# --------------------------------------------------------------------------------------- R2-ISS

R2_WEIGHTS = {"del17p": Fraction(1), "ldh_above_uln": Fraction(1), "t_4_14": Fraction(1), "gain_1q": Fraction(1, 2)}
ISS_INPUTS = {"I": ("3 mg/L", "4 g/dL"), "II": ("4 mg/L", "4 g/dL"), "III": ("6 mg/L", "4 g/dL")}
ISS_WEIGHT = {"I": Fraction(0), "II": Fraction(1), "III": Fraction(3, 2)}


def _expected_group(points: Fraction) -> str:
    if points == 0:
        return "low"
    if points <= 1:
        return "low-intermediate"
    if points <= Fraction(5, 2):
        return "intermediate-high"
    return "high"


@pytest.mark.parametrize("iss_stage", ["I", "II", "III"])
@pytest.mark.parametrize("flags", list(itertools.product([False, True], repeat=4)))
def test_r2_iss_every_combination(iss_stage: str, flags: tuple[bool, ...]) -> None:
    names = list(R2_WEIGHTS)
    chosen = dict(zip(names, flags, strict=True))
    res = r2_iss(*ISS_INPUTS[iss_stage], **chosen)
    expected = ISS_WEIGHT[iss_stage] + sum((R2_WEIGHTS[n] for n in names if chosen[n]), Fraction(0))
    assert Fraction(res.result["points"]) == expected
    assert res.result["group"] == _expected_group(expected)
    assert res.result["iss_stage"] == iss_stage
    assert sum(Fraction(r.points) for r in res.explanation if r.points is not None) == expected
    assert (Fraction(res.result["points"]) * 2).denominator == 1  # on the 0.5 grid


@pytest.mark.parametrize(
    ("iss_stage", "flags", "points", "group"),
    [
        ("I", {}, 0.0, "low"),
        ("I", {"gain_1q": True}, 0.5, "low-intermediate"),
        ("II", {}, 1.0, "low-intermediate"),
        ("III", {}, 1.5, "intermediate-high"),
        ("II", {"gain_1q": True}, 1.5, "intermediate-high"),
        ("III", {"del17p": True}, 2.5, "intermediate-high"),
        ("III", {"del17p": True, "gain_1q": True}, 3.0, "high"),
        ("I", {"del17p": True, "t_4_14": True, "ldh_above_uln": True}, 3.0, "high"),
        ("III", {"del17p": True, "t_4_14": True, "ldh_above_uln": True, "gain_1q": True}, 5.0, "high"),
    ],
)
def test_r2_iss_group_boundaries(iss_stage: str, flags: dict[str, bool], points: float, group: str) -> None:
    res = r2_iss(*ISS_INPUTS[iss_stage], **flags)
    assert res.result["points"] == points
    assert res.result["group"] == group


def test_r2_iss_outcomes_and_unconfirmed_pfs() -> None:
    res = r2_iss("6 mg/L", "4 g/dL", del17p=True, gain_1q=True)
    assert "37.9 months" in res.interpretation and "19.9 months" in res.interpretation
    assert "UNCONFIRMED" in res.interpretation
    assert any("PFS" in w and "UNCONFIRMED" in w for w in res.warnings)
    low = r2_iss("3 mg/L", "4 g/dL")
    assert "not reached" in low.interpretation and "68 months" in low.interpretation


def test_r2_iss_has_no_t_14_16() -> None:
    with pytest.raises(CalcInputError) as exc:
        r2_iss("3 mg/L", "4 g/dL", t_14_16=True)
    assert exc.value.field == "t_14_16" and exc.value.code == "unknown_field"


def test_r2_iss_b2m_boundary_changes_iss_points() -> None:
    assert r2_iss("5.49 mg/L", "4 g/dL").result["points"] == 1.0
    assert r2_iss("5.5 mg/L", "4 g/dL").result["points"] == 1.5
    assert r2_iss("0.55 mg/dL", "4 g/dL").result["points"] == 1.5
    assert r2_iss("3.49 mg/L", "35 g/L").result["points"] == 0.0
    assert r2_iss("3.49 mg/L", "34.9 g/L").result["points"] == 1.0
