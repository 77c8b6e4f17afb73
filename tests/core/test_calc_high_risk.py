"""IMS–IMWG 2024 high-risk definition (Box 1): each criterion, its boundaries, and untested markers."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from app.core.calculators import high_risk
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult

HR = REGISTRY["high-risk"]

NEGATIVE: dict[str, Any] = {
    "del17p_ccf_pct": 0,
    "tp53_mutation": False,
    "t_4_14": False,
    "t_14_16": False,
    "t_14_20": False,
    "gain_1q": False,
    "del1p32": "none",
    "b2m": "2 mg/L",
    "creatinine": "0.9 mg/dL",
}


def run(**changes: Any) -> CalcResult:
    raw = dict(NEGATIVE)
    raw.update(changes)
    return HR.run(raw)


def test_all_negative_is_standard_risk() -> None:
    res = run()
    assert res.result["high_risk"] is False
    assert res.result["criteria_met"] == []
    assert res.flowchart_facts == {"fig1": {"high_risk": False}}
    assert "standard risk" in res.interpretation


# --- criterion 1: del(17p) CCF ≥ 20 % and/or TP53 mutation ------------------------------------


@pytest.mark.parametrize(("ccf", "expected"), [(19.9, False), (20, True), (20.0, True), (20.1, True), (100, True)])
def test_del17p_ccf_cutoff(ccf: float, expected: bool) -> None:
    res = run(del17p_ccf_pct=ccf)
    assert res.result["high_risk"] is expected
    assert (high_risk.CRITERIA["del17p_tp53"] in res.result["criteria_met"]) is expected


def test_ccf_exactly_20_warns_about_the_discrepancy() -> None:
    res = run(del17p_ccf_pct=20)
    assert any("> 20%" in w and "≥ 20%" in w for w in res.warnings)
    assert any("exactly at the cut-off" in w for w in res.warnings)


def test_tp53_alone_is_high_risk() -> None:
    res = run(tp53_mutation=True)
    assert res.result["high_risk"] is True
    assert res.result["criteria_met"] == ["del(17p) and/or TP53 mutation"]


# --- criterion 2: IgH translocation with +1q and/or del(1p32) -----------------------------------


@pytest.mark.parametrize("translocation", ["t_4_14", "t_14_16", "t_14_20"])
def test_translocation_alone_is_not_high_risk(translocation: str) -> None:
    assert run(**{translocation: True}).result["high_risk"] is False


@pytest.mark.parametrize("translocation", ["t_4_14", "t_14_16", "t_14_20"])
@pytest.mark.parametrize("partner", [{"gain_1q": True}, {"del1p32": "monoallelic"}, {"del1p32": "biallelic"}])
def test_translocation_with_partner_is_high_risk(translocation: str, partner: dict[str, Any]) -> None:
    res = run(**{translocation: True}, **partner)
    assert res.result["high_risk"] is True
    assert high_risk.CRITERIA["translocation_1q_1p"] in res.result["criteria_met"]


# --- criterion 3: monoallelic del(1p32) + 1q gain, or biallelic del(1p32) ----------------------


def test_del1p32_rules() -> None:
    assert run(del1p32="monoallelic").result["high_risk"] is False
    assert run(gain_1q=True).result["high_risk"] is False
    both = run(del1p32="monoallelic", gain_1q=True)
    assert both.result["high_risk"] is True
    assert both.result["criteria_met"] == [high_risk.CRITERIA["del1p32"]]
    bi = run(del1p32="biallelic")
    assert bi.result["criteria_met"] == ["Monoallelic del(1p32) along with 1q gain, or biallelic del(1p32)"]


# --- criterion 4: β2M ≥ 5.5 mg/L with creatinine < 1.2 mg/dL -------------------------------------


@pytest.mark.parametrize(
    ("b2m", "creatinine", "expected"),
    [
        ("5.49 mg/L", "1.0 mg/dL", False),
        ("5.5 mg/L", "1.0 mg/dL", True),
        ("5.51 mg/L", "1.0 mg/dL", True),
        ("5.5 mg/L", "1.19 mg/dL", True),
        ("5.5 mg/L", "1.2 mg/dL", False),
        ("5.5 mg/L", "1.21 mg/dL", False),
        ("0.55 mg/dL", "1.0 mg/dL", True),
        ("0.549 mg/dL", "1.0 mg/dL", False),
        ("5.5 µg/mL", "1.0 mg/dL", True),
        ("8 mg/L", "106 µmol/L", True),  # 1.199 mg/dL
        ("8 mg/L", "106.08 µmol/L", False),  # exactly 1.2 mg/dL
        ("8 mg/L", "106.1 umol/L", False),
        ("8 mg/L", {"value": 88.4, "unit": "µmol/L"}, True),
    ],
)
def test_b2m_creatinine_criterion(b2m: Any, creatinine: Any, expected: bool) -> None:
    res = run(b2m=b2m, creatinine=creatinine)
    assert res.result["high_risk"] is expected


def test_b2m_criterion_wording_and_erratum_warning() -> None:
    res = run(b2m="6 mg/L")
    assert res.result["criteria_met"] == ["High β2 microglobulin (≥ 5.5 mg/L) with normal creatinine (< 1.2 mg/dl)"]
    assert any("5.5 mg/dl" in w and "mg/L" in w for w in res.warnings)
    at = run(creatinine="1.2 mg/dL", b2m="6 mg/L")
    assert any("Creatinine is exactly at the cut-off" in w and "not normal" in w for w in at.warnings)


def test_inputs_normalised() -> None:
    res = run(b2m="0.6 mg/dL", creatinine="106.08 µmol/L")
    assert res.inputs["b2m"] == {"value": 6.0, "unit": "mg/L"}
    assert res.inputs["creatinine"] == {"value": 1.2, "unit": "mg/dL"}
    assert HR.run({}).inputs["b2m"] is None


# --- untested markers ----------------------------------------------------------------------------


def test_nothing_tested_cannot_exclude_high_risk() -> None:
    res = HR.run({})
    assert res.result["high_risk"] is None
    assert "cannot exclude high risk" in res.interpretation.lower()
    assert res.result["untested_markers_that_could_change_the_answer"] == list(high_risk.MARKERS)
    assert res.flowchart_facts == {}


@pytest.mark.parametrize(
    ("missing", "other", "expected", "relevant"),
    [
        ("tp53_mutation", {}, None, ["tp53_mutation"]),
        ("del17p_ccf_pct", {}, None, ["del17p_ccf_pct"]),
        ("del1p32", {}, None, ["del1p32"]),  # biallelic alone would qualify
        ("gain_1q", {}, False, []),  # no translocation and no del(1p32): 1q cannot matter
        ("gain_1q", {"t_4_14": True}, None, ["gain_1q"]),
        ("gain_1q", {"del1p32": "monoallelic"}, None, ["gain_1q"]),
        ("t_4_14", {}, False, []),  # no partner
        ("t_4_14", {"gain_1q": True}, None, ["t_4_14"]),
        ("b2m", {}, None, ["b2m"]),
        ("b2m", {"creatinine": "1.3 mg/dL"}, False, []),
        ("creatinine", {}, False, []),  # β2M is low
        ("creatinine", {"b2m": "6 mg/L"}, None, ["creatinine"]),
        ("tp53_mutation", {"del17p_ccf_pct": 50}, True, []),  # already met
    ],
)
def test_single_untested_marker(
    missing: str, other: dict[str, Any], expected: bool | None, relevant: list[str]
) -> None:
    raw = dict(NEGATIVE)
    raw.update(other)
    raw[missing] = None
    res = HR.run(raw)
    assert res.result["high_risk"] is expected
    assert res.result["untested_markers_that_could_change_the_answer"] == relevant
    assert missing in res.result["untested_markers"]
    if expected is None:
        assert "cannot exclude high risk" in res.interpretation.lower()
        assert res.flowchart_facts == {}
    else:
        assert res.flowchart_facts == {"fig1": {"high_risk": expected}}


def test_met_criterion_wins_over_untested_markers() -> None:
    res = HR.run({"tp53_mutation": True})
    assert res.result["high_risk"] is True
    assert res.flowchart_facts == {"fig1": {"high_risk": True}}


def test_two_untested_translocations_both_listed() -> None:
    raw = dict(NEGATIVE, gain_1q=True, t_14_16=None, t_14_20=None)
    res = HR.run(raw)
    assert res.result["high_risk"] is None
    assert res.result["untested_markers_that_could_change_the_answer"] == ["t_14_16", "t_14_20"]


# --- exhaustive consistency of the three-valued logic ---------------------------------------------


def _completions(values: high_risk.Abstract) -> list[high_risk.Abstract]:
    domains = [
        high_risk._DOMAINS[name] if v is None else (v,) for name, v in zip(high_risk.MARKERS, values, strict=True)
    ]
    return [tuple(c) for c in itertools.product(*domains)]


def test_kleene_result_matches_every_completion_exhaustively() -> None:
    """For every pattern of known/unknown markers, the three-valued answer is True (False) exactly
    when every completion of the untested markers is True (False), and a True answer always
    names a criterion that is met."""
    options: list[tuple[bool | str | None, ...]] = [
        (None, "none", "monoallelic", "biallelic") if name == "del1p32" else (None, False, True)
        for name in high_risk.MARKERS
    ]
    for values in itertools.product(*options):
        criteria = high_risk.evaluate_criteria(values)
        overall = high_risk._overall(values)
        outcomes = {high_risk._overall(c) for c in _completions(values)}
        assert None not in outcomes
        if overall is None:
            assert outcomes == {True, False}, values
        else:
            assert outcomes == {overall}, values
        assert (overall is True) == any(v is True for v in criteria.values())


# --- input validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("del17p_ccf_pct", 100.1),
        ("del17p_ccf_pct", -1),
        ("del17p_ccf_pct", True),
        ("del17p_ccf_pct", "lots"),
        ("tp53_mutation", "yes"),
        ("tp53_mutation", 1),
        ("gain_1q", "true"),
        ("del1p32", "partial"),
        ("del1p32", True),
        ("b2m", 6),
        ("creatinine", 1.0),
        ("creatinine", "1.0 mg/L"),
    ],
)
def test_invalid_values_rejected(field: str, value: Any) -> None:
    with pytest.raises(CalcInputError) as exc:
        run(**{field: value})
    assert exc.value.field == field


def test_bare_creatinine_names_units() -> None:
    with pytest.raises(CalcInputError) as exc:
        run(creatinine=1.1)
    assert "mg/dL" in exc.value.message and "µmol/L" in exc.value.message


def test_unknown_field_rejected() -> None:
    with pytest.raises(CalcInputError) as exc:
        HR.run({"del17p": True})
    assert exc.value.field == "del17p" and exc.value.code == "unknown_field"
