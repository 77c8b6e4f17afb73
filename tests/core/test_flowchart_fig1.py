"""Fig. 1 (newly diagnosed MM): every leaf and the traps of figures-notes §4 (F1-A*)."""

from __future__ import annotations

import pytest

from app.core.flowchart.engine import FactsError

from .flow_helpers import ev, note_ids, note_refs, recs

FULL_TE = {
    "asct_eligible": True, "induction_regimen": "DaraVRd", "induction_cycles": 4, "high_risk": True,
    "first_option_available": True,
}


def test_transplant_eligible_full_path(bundle):
    e = ev(bundle, "fig1", **FULL_TE)
    assert e.path == ["q-asct-eligible", "te-induction", "te-asct", "te-consolidation", "te-maintenance"]
    assert e.missing == []
    by_stage = {(r.stage, r.regimen): (r.evidence.text, r.tier) for r in e.recommendations}
    assert by_stage[("induction", "DaraVRd")] == ("[I, A]", "preferred")
    assert by_stage[("induction", "IsaVRd")] == ("[I, A]", "preferred")
    assert by_stage[("induction", "DaraVTd")] == ("[I, A]", "if-unavailable")
    assert recs(e, "fallback") == {"DaraVTd": ("[I, A]", "if-unavailable"), "VRd": ("[II, B]", "if-unavailable")}
    assert by_stage[("asct", "HDM-ASCT")] == ("[I, A]", "preferred")
    consolidation = [r for r in e.recommendations if r.node == "te-consolidation"]
    assert {(r.regimen, r.evidence.text) for r in consolidation} == {("DaraVRd", "[I, B]"), ("tandem ASCT", "[II, B]")}
    maintenance = recs(e)
    assert maintenance["R"] == ("[I, A]", "preferred") and maintenance["DaraR"] == ("[I, A]", "preferred")


def test_consolidation_only_after_four_cycles_and_tandem_only_if_high_risk(bundle):
    e = ev(bundle, "fig1", **{**FULL_TE, "induction_cycles": 6, "high_risk": False})
    consolidation = {r.regimen: r for r in e.recommendations if r.node == "te-consolidation"}
    assert {k: r.status for k, r in consolidation.items()} == {"DaraVRd": "excluded", "tandem ASCT": "excluded"}
    assert "only four cycles of DaraVRd induction" in consolidation["DaraVRd"].reason
    assert "induction_cycles = 6" in consolidation["DaraVRd"].reason
    assert "Genetically defined high-risk disease" in consolidation["tandem ASCT"].reason
    assert "DaraVTd" not in recs(e)


def test_if_first_option_unavailable(bundle):
    e = ev(bundle, "fig1", **{**FULL_TE, "first_option_available": False})
    induction = {r.regimen: (r.evidence.text, r.tier) for r in e.recommendations if r.node == "te-induction"}
    assert induction["DaraVTd"] == ("[I, A]", "if-unavailable")
    assert induction["VRd"] == ("[II, B]", "if-unavailable")


def test_unknown_cycles_keeps_consolidation_possible(bundle):
    e = ev(bundle, "fig1", asct_eligible=True, high_risk=False, first_option_available=True)
    assert {"induction_cycles", "induction_regimen"} <= set(e.missing)
    cons = [(r.regimen, r.status) for r in e.recommendations if r.node == "te-consolidation"]
    assert cons == [("DaraVRd", "possible"), ("tandem ASCT", "excluded")]


@pytest.mark.parametrize("induction", ["VRd", "IsaVRd", "DaraVTd", "isavrd"])
def test_daravrd_consolidation_never_after_another_induction(bundle, induction):
    e = ev(bundle, "fig1", **{**FULL_TE, "induction_regimen": induction})
    cons = {r.regimen: r for r in e.recommendations if r.node == "te-consolidation"}
    assert cons["DaraVRd"].status == "excluded"
    assert "F1-A2" in cons["DaraVRd"].reason
    assert "fig1-consolidation-other-induction" in note_ids(e)
    assert not [r for r in e.recommendations if r.node == "te-consolidation" and r.regimen != "tandem ASCT"
                and r.status in ("applies", "possible")]


def test_daravrd_consolidation_after_four_cycles_of_daravrd(bundle):
    e = ev(bundle, "fig1", **FULL_TE)
    cons = {r.regimen: r.status for r in e.recommendations if r.node == "te-consolidation"}
    assert cons == {"DaraVRd": "applies", "tandem ASCT": "applies"}
    assert "fig1-consolidation-other-induction" not in note_ids(e)
    assert "fig1-consolidation-regimen" in note_ids(e)


def test_induction_regimen_must_be_a_regimen(bundle):
    with pytest.raises(FactsError) as info:
        ev(bundle, "fig1", asct_eligible=True, induction_regimen="daratumumab")
    assert info.value.field == "induction_regimen"
    assert ev(bundle, "fig1", induction_regimen="daravrd").facts["induction_regimen"] == "DaraVRd"


@pytest.mark.parametrize(("facts", "leaf", "expected"), [
    ({"imwg_frailty_score": 0, "age": 75}, "ti-fit-under-80",
     {"IsaVRd": ("[I, A]", "preferred"), "DaraVRd": ("[I, A]", "preferred"), "DaraRd": ("[I, A]", "preferred")}),
    ({"imwg_frailty_score": 1, "age": 79}, "ti-fit-under-80",
     {"IsaVRd": ("[I, A]", "preferred"), "DaraVRd": ("[I, A]", "preferred"), "DaraRd": ("[I, A]", "preferred")}),
    ({"imwg_frailty_score": 1, "age": 80}, "ti-fit-80-plus", {"DaraRd": ("[I, A]", "preferred")}),
    ({"imwg_frailty_score": 2, "age": 70}, "ti-frail",
     {"DaraRd": ("[I, A]", "preferred"), "DaraR": ("[I, B]", "other")}),
    ({"imwg_frailty_score": 5}, "ti-frail", {"DaraRd": ("[I, A]", "preferred"), "DaraR": ("[I, B]", "other")}),
])
def test_transplant_ineligible_leaves(bundle, facts, leaf, expected):
    e = ev(bundle, "fig1", asct_eligible=False, first_option_available=True, **facts)
    assert e.path[-1] == leaf
    assert e.missing == []
    assert recs(e) == expected
    assert recs(e, "fallback") == {"DaraVMP": ("[I, A]", "if-unavailable"), "VRd": ("[I, A]", "if-unavailable")}


def test_ti_slide_order_is_kept(bundle):
    e = ev(bundle, "fig1", asct_eligible=False, imwg_frailty_score=0, age=70, first_option_available=True)
    assert [r.regimen for r in e.recommendations] == ["IsaVRd", "DaraVRd", "DaraRd", "DaraVMP", "VRd"]
    assert [r.status for r in e.recommendations] == ["applies"] * 3 + ["fallback"] * 2


def test_ti_fallbacks_when_first_option_unavailable(bundle):
    e = ev(bundle, "fig1", asct_eligible=False, imwg_frailty_score=1, age=70, first_option_available=False)
    r = recs(e)
    assert r == {"DaraVMP": ("[I, A]", "if-unavailable"), "VRd": ("[I, A]", "if-unavailable")}
    unavailable = {x.regimen: x.reason for x in e.recommendations if x.status == "unavailable"}
    assert set(unavailable) == {"IsaVRd", "DaraVRd", "DaraRd"}
    assert all("first_option_available = no" in reason for reason in unavailable.values())


def test_te_first_option_unavailable_the_fallback_tier_applies(bundle):
    """Issue 9 item 2: the first options are unavailable and the slide's fallback tier applies."""
    e = ev(bundle, "fig1", **{**FULL_TE, "first_option_available": False})
    induction = {r.regimen: r for r in e.recommendations if r.node == "te-induction"}
    assert {k: r.status for k, r in induction.items()} == {
        "DaraVRd": "unavailable", "IsaVRd": "unavailable", "DaraVTd": "applies", "VRd": "applies",
    }
    assert any("another valid option" in c for c in induction["DaraVTd"].conditions)


def test_te_first_option_available_fallbacks_listed_not_hidden(bundle):
    e = ev(bundle, "fig1", **FULL_TE)
    induction = {r.regimen: r for r in e.recommendations if r.node == "te-induction"}
    assert induction["DaraVTd"].status == "fallback"
    assert "another valid option in this setting [I, A]" in induction["DaraVTd"].reason
    assert "DaraVRd and IsaVRd are still an option" in induction["DaraVTd"].reason
    assert induction["VRd"].status == "fallback" and induction["VRd"].fallback_for == ["DaraVRd", "IsaVRd"]


def test_te_first_option_unknown_lists_fallbacks_and_asks(bundle):
    e = ev(bundle, "fig1", asct_eligible=True)
    induction = {r.regimen: r.status for r in e.recommendations if r.node == "te-induction"}
    assert induction == {"DaraVRd": "applies", "IsaVRd": "applies", "DaraVTd": "fallback", "VRd": "fallback"}
    assert "first_option_available" in e.missing


def test_one_first_option_unavailable_the_other_still_applies(bundle):
    e = ev(bundle, "fig1", **{**FULL_TE, "unavailable": ["IsaVRd"]})
    induction = {r.regimen: (r.status, r.reason) for r in e.recommendations if r.node == "te-induction"}
    assert induction["IsaVRd"] == ("unavailable", "Answered: IsaVRd is not available (unavailable).")
    assert induction["DaraVRd"] == ("applies", None)
    assert induction["DaraVTd"][0] == "fallback" and induction["VRd"][0] == "fallback"


def test_both_first_options_listed_unavailable_the_fallbacks_apply(bundle):
    e = ev(bundle, "fig1", asct_eligible=True, unavailable=["IsaVRd", "DaraVRd"])
    induction = {r.regimen: r.status for r in e.recommendations if r.node == "te-induction"}
    assert induction == {"DaraVRd": "unavailable", "IsaVRd": "unavailable", "DaraVTd": "applies", "VRd": "applies"}


def test_unavailable_drug_makes_every_regimen_with_it_unavailable(bundle):
    e = ev(bundle, "fig1", asct_eligible=False, imwg_frailty_score=0, age=70, unavailable=["Darzalex"])
    status = {r.regimen: (r.status, r.reason) for r in e.recommendations}
    assert status["DaraVRd"][0] == status["DaraRd"][0] == "unavailable"
    assert "daratumumab is not available" in status["DaraRd"][1]
    assert status["IsaVRd"] == ("applies", None)
    assert status["DaraVMP"][0] == "unavailable" and status["VRd"][0] == "fallback"


@pytest.mark.parametrize(("age", "score"), [(76, 0), (80, 0), (81, 0), (81, 1), (95, 1)])
def test_frailty_score_below_the_points_of_age_is_refused(bundle, age, score):
    with pytest.raises(FactsError) as info:
        ev(bundle, "fig1", asct_eligible=False, age=age, imwg_frailty_score=score)
    assert info.value.field == "imwg_frailty_score"
    assert f"at age {age}" in info.value.message and "at least" in info.value.message


@pytest.mark.parametrize(("age", "score"), [(75, 0), (76, 1), (80, 1), (81, 2), (90, 5)])
def test_frailty_score_at_or_above_the_points_of_age_is_accepted(bundle, age, score):
    assert ev(bundle, "fig1", asct_eligible=False, age=age, imwg_frailty_score=score).facts["age"] == age


def test_frailty_score_from_calculator_decides_branch(bundle):
    assert ev(bundle, "fig1", asct_eligible=False, imwg_frailty_score=2).path[-1] == "ti-frail"


def test_fig1_traps_are_visible(bundle):
    e = ev(bundle, "fig1")
    refs = note_refs(e)
    for ref in ("F1-A1", "F1-A2", "F1-A3", "F1-A4", "F1-A5", "F1-A6", "F1-A7", "F1-A8", "G-2", "G-3"):
        assert ref in refs, ref
    kinds = {n.kind for n in e.notes}
    assert {"erratum", "approval", "ambiguity"} <= kinds
    assert any("pomalidomide" in n.text and n.kind == "erratum" for n in e.notes)
    assert note_ids(e)
