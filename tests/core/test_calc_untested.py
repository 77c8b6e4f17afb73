"""Untested FISH and LDH (null) in R-ISS, R2-ISS and the IMWG 2020 SMM score (issue 9, item 13).

The stage or group is given only when every way the untested markers could turn out gives the
same answer; otherwise it is null, with the possible answers, best and worst case, and the test
that would settle it. Every boundary is checked, and an exhaustive check compares each answer
with the answers of all completions of the untested markers.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from app.core.calculators import high_risk, smm, staging  # noqa: F401  (registers the calculators)
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult
from app.core.calculators.smm import score_group
from app.core.calculators.staging import R2_HALF_POINTS, iss_stage, r2_iss_group, r_iss_stage

R_ISS = REGISTRY["r-iss"]
R2_ISS = REGISTRY["r2-iss"]
SCORE = REGISTRY["smm-imwg-score"]

#: β2M and albumin for ISS I, II and III
ISS_LABS = {"I": ("2 mg/L", "4 g/dL"), "II": ("4 mg/L", "4 g/dL"), "III": ("6 mg/L", "4 g/dL")}
ORDER = ("I", "II", "III")
R2_ORDER = ("low", "low-intermediate", "intermediate-high", "high")
FISH_ALL = "FISH for del(17p), t(4;14) and t(14;16)"
LDH = "serum LDH (against the local upper limit of normal)"
R2_FISH_ALL = "FISH for del(17p), t(4;14) and 1q gain/amplification (1q+)"
SCORE_ORDER = ("low", "low-intermediate", "intermediate", "high")


def r_iss(iss: str, ldh: bool | None, del17p: bool | None, t414: bool | None, t1416: bool | None) -> CalcResult:
    b2m, albumin = ISS_LABS[iss]
    return R_ISS.run(
        {"b2m": b2m, "albumin": albumin, "ldh_above_uln": ldh, "del17p": del17p, "t_4_14": t414, "t_14_16": t1416}
    )


def r2_iss(iss: str, ldh: bool | None, del17p: bool | None, t414: bool | None, gain: bool | None) -> CalcResult:
    b2m, albumin = ISS_LABS[iss]
    return R2_ISS.run(
        {"b2m": b2m, "albumin": albumin, "ldh_above_uln": ldh, "del17p": del17p, "t_4_14": t414, "gain_1q": gain}
    )


# ----------------------------------------------------------------------------------------- R-ISS


@pytest.mark.parametrize(
    ("iss", "ldh", "del17p", "t414", "t1416", "stage", "possible", "tests"),
    [
        # ISS I and normal LDH: R-ISS I only if all three FISH markers are negative
        ("I", False, None, None, None, None, ["I", "II"], [FISH_ALL]),
        ("I", False, False, False, None, None, ["I", "II"], ["FISH for t(14;16)"]),
        ("I", False, False, None, False, None, ["I", "II"], ["FISH for t(4;14)"]),
        ("I", False, False, False, False, "I", ["I"], []),
        ("I", False, True, None, None, "II", ["II"], []),  # one positive marker decides
        ("I", True, None, None, None, "II", ["II"], []),  # high LDH excludes I; ISS I is never III
        ("I", None, False, False, False, None, ["I", "II"], [LDH]),
        ("I", None, None, None, None, None, ["I", "II"], [FISH_ALL, LDH]),
        # ISS II is R-ISS II whatever the rest
        ("II", None, None, None, None, "II", ["II"], []),
        # ISS III: high LDH or any high-risk CA gives III
        ("III", True, None, None, None, "III", ["III"], []),
        ("III", None, None, True, None, "III", ["III"], []),
        ("III", False, None, None, None, None, ["II", "III"], [FISH_ALL]),
        ("III", False, False, False, False, "II", ["II"], []),
        ("III", None, False, False, False, None, ["II", "III"], [LDH]),
    ],
)
def test_r_iss_with_untested_markers(
    iss: str, ldh: Any, del17p: Any, t414: Any, t1416: Any, stage: Any, possible: list[str], tests: list[str]
) -> None:
    res = r_iss(iss, ldh, del17p, t414, t1416)
    r = res.result
    assert r["stage"] == stage
    assert r["possible_stages"] == possible
    assert (r["best_case"], r["worst_case"]) == (possible[0], possible[-1])
    assert r["tests_needed"] == tests
    assert res.flowchart_facts == {}
    if stage is None:
        assert res.headline.startswith(f"R-ISS stage {' or '.join(possible)}: not decided without")
        assert "not decided" in res.interpretation
        assert any("cannot be decided" in w for w in res.warnings)
    else:
        assert res.headline == f"R-ISS stage {stage}"
        assert not any("cannot be decided" in w for w in res.warnings)


def test_r_iss_every_combination_agrees_with_its_completions() -> None:
    for iss in ORDER:
        for values in itertools.product((False, True, None), repeat=4):
            res = r_iss(iss, *values)
            unknown = [i for i, v in enumerate(values) if v is None]
            stages = set()
            for combo in itertools.product((False, True), repeat=len(unknown)):
                filled = list(values)
                for i, v in zip(unknown, combo, strict=True):
                    filled[i] = v
                ldh, d17, t414, t1416 = filled
                computed_iss = iss_stage(*(_num(x) for x in ISS_LABS[iss]))
                stages.add(r_iss_stage(computed_iss, bool(d17 or t414 or t1416), bool(ldh)))
            expected = sorted(stages, key=ORDER.index)
            assert res.result["possible_stages"] == expected, (iss, values)
            assert res.result["stage"] == (expected[0] if len(expected) == 1 else None), (iss, values)


def _num(text: str) -> float:
    return float(text.split()[0])


def test_r_iss_requires_each_marker_but_accepts_null() -> None:
    b2m, albumin = ISS_LABS["I"]
    with pytest.raises(CalcInputError) as exc:
        R_ISS.run({"b2m": b2m, "albumin": albumin, "ldh_above_uln": False, "del17p": None, "t_4_14": None})
    assert exc.value.field == "t_14_16"
    assert "null if it was not tested" in exc.value.message
    schema = R_ISS.schema()
    for name in ("ldh_above_uln", "del17p", "t_4_14", "t_14_16"):
        assert name in schema["required"]
        assert {"type": "null"} in schema["properties"][name]["anyOf"]


def test_r_iss_ldh_at_uln_note_only_when_ldh_is_known_normal() -> None:
    assert any("equal to the upper limit of normal" in w for w in r_iss("I", False, False, False, False).warnings)
    assert not any("equal to the upper limit of normal" in w for w in r_iss("I", None, False, False, False).warnings)


def test_r_iss_explanation_says_not_tested() -> None:
    rows = {r.item: r.value for r in r_iss("I", None, None, False, True).explanation}
    assert rows["LDH"] == "not measured"
    assert rows["del(17p)"] == "not tested"
    assert rows["t(14;16)"] == "present"
    assert rows["Chromosomal abnormality risk"] == "high risk (t(14;16))"


# ---------------------------------------------------------------------------------------- R2-ISS


@pytest.mark.parametrize(
    ("iss", "ldh", "del17p", "t414", "gain", "group", "points", "low", "high", "tests"),
    [
        ("I", False, None, None, None, None, None, 0, 2.5, [R2_FISH_ALL]),
        # 0 or 0.5 points: low or low-intermediate
        ("I", False, False, False, None, None, None, 0, 0.5, ["FISH for 1q gain/amplification (1q+)"]),
        # 1 or 1.5 points: low-intermediate or intermediate-high
        ("II", False, False, False, None, None, None, 1, 1.5, ["FISH for 1q gain/amplification (1q+)"]),
        ("II", False, False, False, True, "intermediate-high", 1.5, 1.5, 1.5, []),
        # 2.5 or 3.5: intermediate-high or high
        ("III", True, None, False, False, None, None, 2.5, 3.5, ["FISH for del(17p)"]),
        # 3.5 and more whatever the rest: high, points a range
        ("III", True, True, None, None, "high", None, 3.5, 5, []),
        # 1 point with 1q untested can reach 1.5 (intermediate-high): not decided
        ("I", True, False, False, None, None, None, 1, 1.5, ["FISH for 1q gain/amplification (1q+)"]),
        # 2 to 2.5: intermediate-high either way
        ("I", True, True, False, None, "intermediate-high", None, 2, 2.5, []),
        ("I", None, False, False, False, None, None, 0, 1, [LDH]),
    ],
)
def test_r2_iss_with_untested_markers(
    iss: str, ldh: Any, del17p: Any, t414: Any, gain: Any, group: Any, points: Any, low: float, high: float,
    tests: list[str],
) -> None:
    res = r2_iss(iss, ldh, del17p, t414, gain)
    r = res.result
    assert (r["group"], r["points"], r["points_min"], r["points_max"]) == (group, points, low, high)
    assert r["tests_needed"] == tests
    assert res.flowchart_facts == {}
    if group is None:
        assert r["stage"] is None
        assert len(r["possible_groups"]) > 1
        assert "not decided without" in res.headline
    else:
        assert r["possible_groups"] == [group]
        assert res.headline.startswith(f"R2-ISS {r['stage']} ({group} risk)")


def test_r2_iss_every_combination_agrees_with_its_completions() -> None:
    weights = (R2_HALF_POINTS["ldh"], R2_HALF_POINTS["del17p"], R2_HALF_POINTS["t_4_14"], R2_HALF_POINTS["gain_1q"])
    iss_half = {"I": 0, "II": R2_HALF_POINTS["iss_ii"], "III": R2_HALF_POINTS["iss_iii"]}
    for iss in ORDER:
        for values in itertools.product((False, True, None), repeat=4):
            res = r2_iss(iss, *values)
            totals = set()
            for combo in itertools.product((False, True), repeat=4):
                if any(v is not None and v != c for v, c in zip(values, combo, strict=True)):
                    continue
                totals.add(iss_half[iss] + sum(w for w, c in zip(weights, combo, strict=True) if c))
            groups = sorted({r2_iss_group(t) for t in totals}, key=R2_ORDER.index)
            r = res.result
            assert (r["points_min"], r["points_max"]) == (min(totals) / 2, max(totals) / 2), (iss, values)
            assert r["possible_groups"] == groups, (iss, values)
            assert r["group"] == (groups[0] if len(groups) == 1 else None)
            assert r["points"] == (min(totals) / 2 if len(totals) == 1 else None)


# --------------------------------------------------------------------------------- IMWG SMM score


def score(fish: bool | None, **changes: Any) -> CalcResult:
    raw: dict[str, Any] = {"flc_ratio": 5, "m_protein": "1 g/dL", "bmpc_pct": 10, "fish_abnormality": fish}
    raw.update(changes)
    return SCORE.run(raw)


@pytest.mark.parametrize(
    ("changes", "base"),
    [
        ({}, 0),
        ({"m_protein": "2 g/dL"}, 3),  # 3–5 crosses 4 | 5
        ({"m_protein": "3.1 g/dL"}, 4),  # 4–6
        ({"flc_ratio": 15, "m_protein": "2 g/dL"}, 5),  # 5–7: low-intermediate either way
        ({"flc_ratio": 15, "m_protein": "2 g/dL", "bmpc_pct": 18}, 7),  # 7–9 crosses 8 | 9
        ({"flc_ratio": 50, "m_protein": "2 g/dL"}, 8),
        ({"flc_ratio": 50, "m_protein": "3.5 g/dL", "bmpc_pct": 18}, 11),  # 11–13 crosses 12 | 13
        ({"flc_ratio": 50, "m_protein": "3.5 g/dL", "bmpc_pct": 25}, 12),
        ({"flc_ratio": 30, "m_protein": "3.5 g/dL", "bmpc_pct": 50}, 13),  # high either way
    ],
)
def test_smm_score_with_fish_untested(changes: dict[str, Any], base: int) -> None:
    res = score(None, **changes)
    r = res.result
    expected = sorted({score_group(base), score_group(base + 2)}, key=SCORE_ORDER.index)
    assert (r["points"], r["points_min"], r["points_max"]) == (None, base, base + 2)
    assert r["possible_groups"] == expected
    assert r["group"] == (expected[0] if len(expected) == 1 else None)
    assert res.flowchart_facts == {}
    if r["group"] is None:
        assert r["tests_needed"] == ["FISH for t(4;14), t(14;16), +1q and del(13q)"]
        assert "not decided without FISH" in res.headline
    else:
        assert r["tests_needed"] == []
        assert res.headline.endswith(f"(IMWG 2020 score {base}–{base + 2}; FISH not tested)")
    # a tested FISH gives the points and the group, as before
    assert score(False, **changes).result["points"] == base
    assert score(True, **changes).result["group"] == score_group(base + 2)


def test_smm_score_requires_fish_but_accepts_null() -> None:
    with pytest.raises(CalcInputError) as exc:
        SCORE.run({"flc_ratio": 5, "m_protein": "1 g/dL", "bmpc_pct": 10})
    assert exc.value.field == "fish_abnormality"
    rows = {r.item: r for r in score(None).explanation}
    assert rows["FISH abnormality"].value == "not tested: 0 or 2 points"
    assert rows["FISH abnormality"].points is None


# ------------------------------------------------------------------------------------- high risk


def hr(**markers: Any) -> CalcResult:
    return REGISTRY["high-risk"].run(markers)


def test_ngs_remark_names_only_the_untested_ngs_markers() -> None:
    # TP53 tested: the remark must not say TP53 needs NGS
    text = hr(tp53_mutation=False, del17p_ccf_pct=0, gain_1q=True).interpretation
    assert "Cannot exclude high risk" in text
    assert "TP53" not in text.split("could change the answer")[1]
    assert "Biallelic del(1p32) usually needs NGS-based testing." in text
    # del(1p32) tested, TP53 not
    text = hr(del1p32="none", del17p_ccf_pct=0).interpretation
    assert "TP53 mutation usually needs NGS-based testing." in text
    assert "del(1p32) usually" not in text
    # both untested
    assert "TP53 mutation and biallelic del(1p32) usually need NGS-based testing." in hr().interpretation
    # neither relevant: no remark
    assert "NGS" not in hr(tp53_mutation=False, del1p32="none", del17p_ccf_pct=0, t_4_14=False, t_14_16=False,
                           t_14_20=False, gain_1q=False, b2m="3 mg/L", creatinine="1 mg/dL").interpretation


def test_high_risk_passes_no_fact_when_undecided() -> None:
    assert hr().flowchart_facts == {}
    assert hr(del17p_ccf_pct=30).flowchart_facts == {"fig1": {"high_risk": True}}
