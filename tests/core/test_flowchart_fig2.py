"""Fig. 2 (RRMM at second line): every leaf and the traps F2-A*."""

from __future__ import annotations

import itertools

import pytest

from app.core.flowchart.engine import FactsError

from .flow_helpers import ev, note_refs, recs

BASE = {"unavailable": [], "limited_access_to_novel_regimens": False}
STATUSES = ("naive", "sensitive", "refractory")


def fig2(bundle, len_, cd38, btz, cart=True, **extra):
    return ev(bundle, "fig2", lenalidomide_status=len_, anti_cd38_status=cd38, bortezomib_status=btz,
              car_t_eligible=cart, **{**BASE, **extra})


def test_every_known_combination_reaches_one_leaf(bundle):
    for len_, cd38, btz, cart in itertools.product(STATUSES, STATUSES, STATUSES, (True, False)):
        e = fig2(bundle, len_, cd38, btz, cart)
        assert e.missing == [], (len_, cd38, btz)
        assert e.possible_nodes == []
        assert not [r for r in e.recommendations if r.status == "possible"]
        assert all(r.reason for r in e.recommendations if r.status != "applies")
        leaf = [r for r in e.recommendations if r.node == e.path[-1]]
        if leaf:
            assert any(r.status == "applies" for r in leaf), (len_, cd38, btz, cart)


def test_bullet1_len_sensitive_bortezomib_refractory(bundle):
    e = fig2(bundle, "sensitive", "naive", "refractory")
    assert e.path[-1] == "r-a-btz-ref"
    r = recs(e)
    assert {k for k, v in r.items() if v[1] == "preferred"} == {"DaraRd", "DaraKd", "IsaKd"}
    assert {k for k, v in r.items() if v[1] == "other"} == {"KRd", "IxaRd", "EloRd", "BelaPd"}
    bela = next(x for x in e.recommendations if x.regimen == "BelaPd")
    assert bela.footnotes and "exposed to lenalidomide" in bela.footnotes[0]


def test_footnote_a_keeps_belapd_from_lenalidomide_naive(bundle):
    e = fig2(bundle, "naive", "naive", "refractory")
    assert "BelaPd" not in recs(e)
    bela = next(x for x in e.recommendations if x.regimen == "BelaPd")
    assert bela.status == "excluded" and "footnote a" in bela.reason
    e = fig2(bundle, "naive", "naive", "sensitive")
    assert "BelaPd" not in recs(e) and "PVd" not in recs(e)


def test_bullet2_bortezomib_sensitive(bundle):
    r = recs(fig2(bundle, "sensitive", "naive", "sensitive"))
    assert {k for k, v in r.items() if v[1] == "preferred"} == {"DaraRd", "DaraKd", "IsaKd", "BelaVd"}
    assert {"KRd", "IxaRd", "EloRd", "SelVd", "Kd", "BelaPd"} <= set(r)
    assert all(v[0] == "[I, A]" for v in r.values())


def test_bullet2_substitutes_replace_unavailable_belantamab(bundle):
    e = fig2(bundle, "sensitive", "naive", "sensitive", unavailable=["BelaPd", "BelaVd"])
    r = recs(e)
    assert "BelaVd" not in r and "BelaPd" not in r
    assert r["DaraVd"] == ("[panel consensus; I, A]", "if-unavailable")
    assert r["PVd"] == ("[panel consensus; I, A]", "if-unavailable")
    subs = {x.regimen: x.substitutes_for for x in e.recommendations}
    assert subs["DaraVd"] == "BelaVd" and subs["PVd"] == "BelaPd"


def test_bullet3_lenalidomide_refractory(bundle):
    e = fig2(bundle, "refractory", "naive", "sensitive")
    assert e.path[-1] == "r-b-len-ref"
    r = recs(e)
    assert r["cilta-cel"] == ("[I, A]", "preferred")
    assert r["DaraPd"] == ("[I, A]", "other")
    assert {"DaraKd", "IsaKd", "BelaPd", "BelaVd", "SelVd"} <= set(r)
    assert next(x.regimen for x in e.recommendations if x.status == "applies") == "cilta-cel"
    side = next(x for x in e.recommendations if x.regimen == "second-line ASCT")
    assert side.status == "excluded" and "limited_access_to_novel_regimens = no" in side.reason


def test_bullet3_not_car_t_eligible(bundle):
    e = fig2(bundle, "refractory", "sensitive", "sensitive", cart=False)
    assert "cilta-cel" not in recs(e)
    cilta = next(x for x in e.recommendations if x.regimen == "cilta-cel")
    assert cilta.status == "excluded" and "car_t_eligible = no" in cilta.reason


def test_bullet3_unavailable_cilta_cel_and_belavd(bundle):
    e = fig2(bundle, "refractory", "naive", "sensitive", unavailable=["cilta-cel", "BelaVd"])
    r = recs(e)
    assert "cilta-cel" not in r and "BelaVd" not in r
    assert r["DaraVd"] == ("[panel consensus; I, A]", "if-unavailable")


def test_bullet4_leaf_specific_grade_of_darapd(bundle):
    e = fig2(bundle, "refractory", "sensitive", "refractory")
    assert e.path[-1] == "r-b-len-btz-ref"
    r = recs(e)
    assert r["DaraPd"] == ("[II, B]", "other")
    assert {"cilta-cel", "BelaPd", "DaraKd", "IsaKd"} <= set(r)
    assert "SelVd" not in r and "BelaVd" not in r


def test_bullet5_len_and_anti_cd38_refractory(bundle):
    e = fig2(bundle, "refractory", "refractory", "sensitive")
    r = recs(e)
    assert r == {"cilta-cel": ("[I, A]", "preferred"), "BelaPd": ("[I, A]", "preferred")}
    last = recs(e, "fallback")
    assert last["SelVd"] == ("[panel consensus; II, C]", "conditional")
    assert last["BelaVd"] == ("[panel consensus; V, C]", "conditional")
    assert last["Kd"] == ("[panel consensus; V, C]", "conditional")
    kd = next(x for x in e.recommendations if x.regimen == "Kd")
    assert "if other options are not available" in kd.reason and "cilta-cel and BelaPd" in kd.reason
    assert kd.fallback_for == ["cilta-cel", "BelaPd"]
    assert "KPd" not in {x.regimen for x in e.recommendations}


@pytest.mark.parametrize(("unavailable", "cart"), [(["BelaPd", "cilta-cel"], True), (["BelaPd"], False)])
def test_bullet5_last_resorts_apply_once_the_options_above_are_gone(bundle, unavailable, cart):
    e = fig2(bundle, "refractory", "refractory", "sensitive", cart=cart, unavailable=unavailable)
    assert set(recs(e)) == {"SelVd", "BelaVd", "Kd"}
    assert not [x for x in e.recommendations if x.status == "fallback"]


def test_bullet5_last_resorts_stay_fallback_while_cilta_cel_may_apply(bundle):
    e = ev(bundle, "fig2", lenalidomide_status="refractory", anti_cd38_status="refractory",
           bortezomib_status="sensitive", unavailable=["BelaPd"])
    status = {x.regimen: x.status for x in e.recommendations if x.node == "r-c-len-cd38-ref"}
    assert status == {"cilta-cel": "possible", "BelaPd": "unavailable", "SelVd": "fallback", "BelaVd": "fallback",
                      "Kd": "fallback"}
    assert "car_t_eligible" in e.missing


def test_bullet5_fallbacks_need_bortezomib_sensitivity(bundle):
    e = fig2(bundle, "refractory", "refractory", "refractory")
    assert set(recs(e)) == {"cilta-cel", "BelaPd"}
    excluded = {x.regimen: x.reason for x in e.recommendations if x.status == "excluded"}
    assert {"SelVd", "BelaVd", "Kd"} <= set(excluded)
    assert "bortezomib-sensitive disease" in excluded["Kd"]


@pytest.mark.parametrize(("cd38", "btz"), [("sensitive", "sensitive"), ("refractory", "refractory")])
def test_gap_anti_cd38_exposed_lenalidomide_sensitive_has_no_invented_regimens(bundle, cd38, btz):
    e = fig2(bundle, "sensitive", cd38, btz)
    assert e.path[-1] == "r-a-cd38-exposed-gap"
    assert [r.regimen for r in e.recommendations] == ["second-line ASCT"]
    assert "F2-A2" in note_refs(e)


def test_second_line_asct_side_box(bundle):
    facts = {"limited_access_to_novel_regimens": True, "prior_asct_then_len_maintenance": True}
    e = fig2(bundle, "sensitive", "naive", "sensitive", **{**facts, "initial_remission_months": 36})
    assert recs(e)["second-line ASCT"] == ("[panel consensus; III, C]", "conditional")
    e = fig2(bundle, "sensitive", "naive", "sensitive", **{**facts, "initial_remission_months": 35.9})
    assert "second-line ASCT" not in recs(e)
    side = next(x for x in e.recommendations if x.regimen == "second-line ASCT")
    assert side.status == "excluded" and "initial_remission_months = 35.9" in side.reason


def test_substitutes_are_fallbacks_while_the_regimen_is_available(bundle):
    e = fig2(bundle, "sensitive", "naive", "sensitive")
    daravd = next(x for x in e.recommendations if x.regimen == "DaraVd")
    assert daravd.status == "fallback" and daravd.substitutes_for == "BelaVd"
    assert "only if BelaVd is unavailable" in daravd.reason


def test_lenalidomide_maintenance_cannot_leave_the_patient_naive(bundle):
    with pytest.raises(FactsError) as info:
        ev(bundle, "fig2", lenalidomide_status="naive", prior_asct_then_len_maintenance=True)
    assert info.value.field == "lenalidomide_status"


def test_fig2_traps_are_visible(bundle):
    refs = note_refs(ev(bundle, "fig2"))
    for i in range(1, 13):
        assert f"F2-A{i}" in refs


def test_kpd_is_only_mentioned_in_notes(bundle):
    e = ev(bundle, "fig2")
    assert all(r.regimen != "KPd" for r in e.recommendations)
    assert any("KPd" in n.text for n in e.notes)
