"""Fig. 1 (newly diagnosed MM): every leaf and the traps of figures-notes §4 (F1-A*)."""

from __future__ import annotations

import pytest

from .flow_helpers import ev, note_ids, note_refs, recs

FULL_TE = {"asct_eligible": True, "induction_cycles": 4, "high_risk": True, "first_option_available": True}


def test_transplant_eligible_full_path(bundle):
    e = ev(bundle, "fig1", **FULL_TE)
    assert e.path == ["q-asct-eligible", "te-induction", "te-asct", "te-consolidation", "te-maintenance"]
    assert e.missing == []
    by_stage = {(r.stage, r.regimen): (r.evidence.text, r.tier) for r in e.recommendations}
    assert by_stage[("induction", "DaraVRd")] == ("[I, A]", "preferred")
    assert by_stage[("induction", "IsaVRd")] == ("[I, A]", "preferred")
    assert ("induction", "DaraVTd") not in by_stage
    assert by_stage[("asct", "HDM-ASCT")] == ("[I, A]", "preferred")
    consolidation = [r for r in e.recommendations if r.node == "te-consolidation"]
    assert {(r.regimen, r.evidence.text) for r in consolidation} == {("DaraVRd", "[I, B]"), ("tandem ASCT", "[II, B]")}
    maintenance = recs(e)
    assert maintenance["R"] == ("[I, A]", "preferred") and maintenance["DaraR"] == ("[I, A]", "preferred")


def test_consolidation_only_after_four_cycles_and_tandem_only_if_high_risk(bundle):
    e = ev(bundle, "fig1", **{**FULL_TE, "induction_cycles": 6, "high_risk": False})
    nodes = {r.node for r in e.recommendations}
    assert "te-consolidation" not in nodes
    assert "DaraVTd" not in recs(e)


def test_if_first_option_unavailable(bundle):
    e = ev(bundle, "fig1", **{**FULL_TE, "first_option_available": False})
    induction = {r.regimen: (r.evidence.text, r.tier) for r in e.recommendations if r.node == "te-induction"}
    assert induction["DaraVTd"] == ("[I, A]", "if-unavailable")
    assert induction["VRd"] == ("[II, B]", "if-unavailable")


def test_unknown_cycles_keeps_consolidation_possible(bundle):
    e = ev(bundle, "fig1", asct_eligible=True, high_risk=False, first_option_available=True)
    assert "induction_cycles" in e.missing
    cons = [r for r in e.recommendations if r.node == "te-consolidation"]
    assert [r.status for r in cons] == ["possible"]


@pytest.mark.parametrize(("facts", "leaf", "expected"), [
    ({"imwg_frailty_score": 0, "age": 75}, "ti-fit-under-80",
     {"IsaVRd": ("[I, A]", "preferred"), "DaraVRd": ("[I, A]", "preferred"), "DaraRd": ("[I, A]", "preferred")}),
    ({"imwg_frailty_score": 1, "age": 79}, "ti-fit-under-80",
     {"IsaVRd": ("[I, A]", "preferred"), "DaraVRd": ("[I, A]", "preferred"), "DaraRd": ("[I, A]", "preferred")}),
    ({"imwg_frailty_score": 0, "age": 80}, "ti-fit-80-plus", {"DaraRd": ("[I, A]", "preferred")}),
    ({"imwg_frailty_score": 2, "age": 70}, "ti-frail",
     {"DaraRd": ("[I, A]", "preferred"), "DaraR": ("[I, B]", "other")}),
    ({"imwg_frailty_score": 5}, "ti-frail", {"DaraRd": ("[I, A]", "preferred"), "DaraR": ("[I, B]", "other")}),
])
def test_transplant_ineligible_leaves(bundle, facts, leaf, expected):
    e = ev(bundle, "fig1", asct_eligible=False, first_option_available=True, **facts)
    assert e.path[-1] == leaf
    assert e.missing == []
    assert recs(e) == expected


def test_ti_slide_order_is_kept(bundle):
    e = ev(bundle, "fig1", asct_eligible=False, imwg_frailty_score=0, age=70, first_option_available=True)
    assert [r.regimen for r in e.recommendations] == ["IsaVRd", "DaraVRd", "DaraRd"]


def test_ti_fallbacks_when_first_option_unavailable(bundle):
    e = ev(bundle, "fig1", asct_eligible=False, imwg_frailty_score=1, age=70, first_option_available=False)
    r = recs(e)
    assert r["DaraVMP"] == ("[I, A]", "if-unavailable") and r["VRd"] == ("[I, A]", "if-unavailable")


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
