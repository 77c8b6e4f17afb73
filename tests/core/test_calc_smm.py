"""Smouldering myeloma: 2/20/20 (with the four-factor variant) and the IMWG 2020 risk score."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.calculators import smm  # noqa: F401  (registers smm-2-20-20, smm-imwg-score)
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult

TWO = REGISTRY["smm-2-20-20"]
SCORE = REGISTRY["smm-imwg-score"]

LOW: dict[str, Any] = {"m_protein": "1 g/dL", "flc_ratio": 5, "bmpc_pct": 12}


def two(**changes: Any) -> CalcResult:
    raw = dict(LOW)
    raw.update(changes)
    return TWO.run(raw)


def score(**changes: Any) -> CalcResult:
    raw = dict(LOW, fish_abnormality=False)
    raw.update(changes)
    return SCORE.run(raw)


# ------------------------------------------------------------------------------------- 2/20/20


@pytest.mark.parametrize(
    ("field", "value", "factor"),
    [
        ("m_protein", "1.99 g/dL", 0),
        ("m_protein", "2 g/dL", 0),
        ("m_protein", "2.01 g/dL", 1),
        ("m_protein", "19.9 g/L", 0),
        ("m_protein", "20 g/L", 0),
        ("m_protein", "20.1 g/L", 1),
        ("m_protein", {"value": 21, "unit": "g/L"}, 1),
        ("flc_ratio", 19.99, 0),
        ("flc_ratio", 20, 0),
        ("flc_ratio", 20.01, 1),
        ("bmpc_pct", 19.9, 0),
        ("bmpc_pct", 20, 0),
        ("bmpc_pct", 20.1, 1),
    ],
)
def test_2_20_20_strict_cutoffs(field: str, value: Any, factor: int) -> None:
    res = two(**{field: value})
    assert res.result["risk_factors"] == factor
    assert sum(r.points for r in res.explanation if r.points is not None) == factor


@pytest.mark.parametrize(
    ("changes", "factors", "group"),
    [
        ({}, 0, "low"),
        ({"m_protein": "2.5 g/dL"}, 1, "intermediate"),
        ({"m_protein": "2.5 g/dL", "flc_ratio": 30}, 2, "high"),
        ({"m_protein": "2.5 g/dL", "flc_ratio": 30, "bmpc_pct": 40}, 3, "high"),
    ],
)
def test_2_20_20_groups(changes: dict[str, Any], factors: int, group: str) -> None:
    res = two(**changes)
    assert res.result == {"risk_factors": factors, "group": group}
    progression = {"low": "6%", "intermediate": "18%", "high": "44%"}[group]
    assert f"2-year progression {progression}" in res.interpretation


@pytest.mark.parametrize(
    ("changes", "fish", "four", "group", "progression"),
    [
        ({}, False, 0, "low", "6%"),
        ({}, True, 1, "low-intermediate", "23%"),
        ({"flc_ratio": 30}, True, 2, "intermediate", "46%"),
        ({"flc_ratio": 30, "bmpc_pct": 30}, True, 3, "high", "63%"),
        ({"flc_ratio": 30, "bmpc_pct": 30, "m_protein": "3 g/dL"}, True, 4, "high", "63%"),
        ({"flc_ratio": 30, "bmpc_pct": 30, "m_protein": "3 g/dL"}, False, 3, "high", "63%"),
    ],
)
def test_four_factor_variant(changes: dict[str, Any], fish: bool, four: int, group: str, progression: str) -> None:
    res = two(fish_abnormality=fish, **changes)
    assert res.result["four_factor_risk_factors"] == four
    assert res.result["four_factor_group"] == group
    assert f"2-year progression {progression}" in res.interpretation
    # the FISH row carries no points: the explanation sums to the three-factor count
    assert sum(r.points for r in res.explanation if r.points is not None) == res.result["risk_factors"]
    assert any("del(13q)" in w and "UNCONFIRMED" in w for w in res.warnings)


def test_four_factor_absent_without_fish() -> None:
    res = two(fish_abnormality=None)
    assert "four_factor_group" not in res.result
    assert res.inputs["fish_abnormality"] is None


def test_2_20_20_boundary_warnings_and_units() -> None:
    res = two(m_protein="20 g/L", flc_ratio=20, bmpc_pct=20)
    assert sum("strict" in w for w in res.warnings) == 3
    assert res.inputs["m_protein"] == {"value": 2.0, "unit": "g/dL"}
    assert "entered as 20 g/L" in res.explanation[0].value


def test_diagnosis_sanity_warnings() -> None:
    assert any("myeloma-defining" in w for w in two(bmpc_pct=60).warnings)
    assert any("myeloma-defining" in w for w in two(flc_ratio=100).warnings)
    assert any("SMM requires" in w for w in two(bmpc_pct=5, m_protein="1 g/dL").warnings)
    assert not two(bmpc_pct=15).warnings


# ------------------------------------------------------------------------------- IMWG 2020 score


@pytest.mark.parametrize(
    ("field", "value", "points"),
    [
        ("flc_ratio", 1, 0),
        ("flc_ratio", 10, 0),
        ("flc_ratio", 10.1, 2),
        ("flc_ratio", 25, 2),
        ("flc_ratio", 25.1, 3),
        ("flc_ratio", 40, 3),
        ("flc_ratio", 40.1, 5),
        ("flc_ratio", 10000, 5),
        ("m_protein", "0 g/dL", 0),
        ("m_protein", "1.5 g/dL", 0),
        ("m_protein", "1.6 g/dL", 3),
        ("m_protein", "3 g/dL", 3),
        ("m_protein", "3.0 g/dL", 3),
        ("m_protein", "3.1 g/dL", 4),
        ("m_protein", "15 g/L", 0),
        ("m_protein", "16 g/L", 3),
        ("m_protein", "30 g/L", 3),
        ("m_protein", "31 g/L", 4),
        ("bmpc_pct", 0, 0),
        ("bmpc_pct", 15, 0),
        ("bmpc_pct", 15.1, 2),
        ("bmpc_pct", 20, 2),
        ("bmpc_pct", 20.1, 3),
        ("bmpc_pct", 30, 3),
        ("bmpc_pct", 30.1, 5),
        ("bmpc_pct", 40, 5),
        ("bmpc_pct", 40.1, 6),
        ("bmpc_pct", 100, 6),
    ],
)
def test_score_bands(field: str, value: Any, points: int) -> None:
    res = score(**{field: value})
    row = {"flc_ratio": 0, "m_protein": 1, "bmpc_pct": 2}[field]
    assert res.explanation[row].points == points


def test_fish_scores_two() -> None:
    assert score(fish_abnormality=True).result["points"] == score().result["points"] + 2
    with pytest.raises(CalcInputError) as exc:
        SCORE.run(dict(LOW))
    assert exc.value.field == "fish_abnormality"


@pytest.mark.parametrize(
    ("changes", "points", "group", "risk"),
    [
        ({"flc_ratio": 5, "m_protein": "1 g/dL", "bmpc_pct": 10}, 0, "low", "3.8%"),
        ({"m_protein": "3.1 g/dL"}, 4, "low", "3.8%"),
        ({"flc_ratio": 15, "m_protein": "2 g/dL"}, 5, "low-intermediate", "26%"),
        ({"flc_ratio": 50, "m_protein": "2 g/dL"}, 8, "low-intermediate", "26%"),
        ({"flc_ratio": 50, "m_protein": "3.5 g/dL"}, 9, "intermediate", "51%"),
        ({"flc_ratio": 50, "m_protein": "3.5 g/dL", "bmpc_pct": 25}, 12, "intermediate", "51%"),
        ({"flc_ratio": 50, "m_protein": "3.5 g/dL", "bmpc_pct": 18, "fish_abnormality": True}, 13, "high", "73%"),
        ({"flc_ratio": 50, "m_protein": "3.5 g/dL", "bmpc_pct": 50, "fish_abnormality": True}, 17, "high", "73%"),
    ],
)
def test_score_groups(changes: dict[str, Any], points: int, group: str, risk: str) -> None:
    res = score(**changes)
    assert (res.result["points"], res.result["group"]) == (points, group)
    assert res.result["possible_groups"] == [group] and res.result["tests_needed"] == []
    assert sum(r.points for r in res.explanation if r.points is not None) == points
    assert f"2-year progression {risk}" in res.interpretation


def test_score_warnings() -> None:
    res = score(flc_ratio=10)
    assert any("> lower and ≤ upper" in w for w in res.warnings)
    assert any("exactly at the cut-off" in w and "lower band" in w for w in res.warnings)
    assert any("del(17p)" in w for w in res.warnings)


# ----------------------------------------------------------------------------- input validation


@pytest.mark.parametrize("calc", [TWO, SCORE])
@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("flc_ratio", 0.5, "involved/uninvolved"),
        ("flc_ratio", 0, "involved/uninvolved"),
        ("flc_ratio", 10001, "10000"),
        ("flc_ratio", True, "not true/false"),
        ("flc_ratio", "1e999", "finite"),
        ("bmpc_pct", 100.5, "100"),
        ("bmpc_pct", -0.1, "0"),
        ("m_protein", 2.5, "g/dL"),
        ("m_protein", "2.5 mg/dL", "g/L"),
        ("m_protein", "16 g/dL", "plausible"),
        ("fish_abnormality", "yes", "bool"),
    ],
)
def test_invalid_inputs(calc: Any, field: str, value: Any, needle: str) -> None:
    raw = dict(LOW, fish_abnormality=False)
    raw[field] = value
    with pytest.raises(CalcInputError) as exc:
        calc.run(raw)
    assert exc.value.field == field
    assert needle in exc.value.message


def test_misspelt_field_rejected() -> None:
    with pytest.raises(CalcInputError) as exc:
        TWO.run(dict(LOW, fish=True))
    assert exc.value.field == "fish" and exc.value.code == "unknown_field"
