"""Fig. 3 (third line and beyond): every leaf, computed grades and conditions, traps F3-A*."""

from __future__ import annotations

import pytest

from app.core.flowchart.engine import FactsError

from .flow_helpers import ev, note_refs, recs

TCR = {"triple_class_refractory": True, "refractory_to": [], "car_t_eligible": True, "prior_asct": False}


def test_tcr_line_3_car_t_is_grade_i_a(bundle):
    e = ev(bundle, "fig3", line=3, **TCR)
    assert e.path[-1] == "tcr"
    r = recs(e)
    assert r["cilta-cel"][0] == "[I, A]" and r["ide-cel"][0] == "[I, A]"
    for bsab in ("teclistamab", "elranatamab", "linvoseltamab", "talquetamab"):
        assert r[bsab] == ("[II, B]", "other")
    assert r["BelaPd"][0] == "[I, A]" and r["melflufen"][0] == "[I, B]" and r["Sel-d"][0] == "[II, B]"


def test_tcr_line_5_car_t_is_grade_ii_b(bundle):
    r = recs(ev(bundle, "fig3", line=5, **TCR))
    assert r["cilta-cel"][0] == "[II, B]" and r["ide-cel"][0] == "[II, B]"


def test_tcr_unknown_line_shows_both_grades(bundle):
    e = ev(bundle, "fig3", **TCR)
    cilta = next(r for r in e.recommendations if r.regimen == "cilta-cel")
    assert cilta.evidence is None
    assert {c.evidence.text for c in cilta.evidence_by_condition} == {"[I, A]", "[II, B]"}
    assert "line" in e.missing


def test_melflufen_condition_is_computed(bundle):
    base = {**TCR, "line": 4, "prior_asct": True}
    assert "melflufen" not in recs(ev(bundle, "fig3", **base, ttp_after_asct_years=2.9))
    assert "melflufen" in recs(ev(bundle, "fig3", **base, ttp_after_asct_years=3))
    e = ev(bundle, "fig3", **base)
    assert "ttp_after_asct_years" in e.missing
    assert next(r for r in e.recommendations if r.regimen == "melflufen").status == "possible"


def test_not_car_t_eligible_drops_car_t(bundle):
    e = ev(bundle, "fig3", line=4, **{**TCR, "car_t_eligible": False})
    r = recs(e)
    assert "cilta-cel" not in r and "ide-cel" not in r
    assert {x.regimen: x.status for x in e.recommendations}["cilta-cel"] == "excluded"


def test_refractory_to_car_t_or_adc(bundle):
    for refractory in (["car-t"], ["adc"], ["adc", "car-t"]):
        e = ev(bundle, "fig3", line=5, **{**TCR, "refractory_to": refractory})
        assert e.path[-1] == "tcr-cart-adc-refractory"
        r = recs(e)
        bispecifics = {"talquetamab", "teclistamab", "elranatamab", "linvoseltamab"}
        assert {k for k, v in r.items() if v[0] == "[II, B]"} == bispecifics
        last = recs(e, "fallback")
        assert last["Sel-d"][0] == "[panel consensus; V, C]"
        assert last["melflufen"][0] == "[panel consensus; V, C]"
        assert "if no other option is available" in next(x for x in e.recommendations if x.regimen == "Sel-d").reason
        assert "BelaPd" not in r and "cilta-cel" not in r


def test_last_resorts_apply_when_no_bispecific_is_available(bundle):
    e = ev(bundle, "fig3", line=5, **{**TCR, "refractory_to": ["car-t"], "unavailable": ["bispecific"]})
    assert set(recs(e)) == {"melflufen", "Sel-d"}
    bispecifics = {x.regimen: x.reason for x in e.recommendations if x.status == "unavailable"}
    assert set(bispecifics) == {"talquetamab", "teclistamab", "elranatamab", "linvoseltamab"}
    assert all("a bispecific T cell engager is not available" in r for r in bispecifics.values())


def test_melflufen_excluded_by_label_is_listed_with_its_reason(bundle):
    for refractory in ([], ["adc"]):
        e = ev(bundle, "fig3", line=4, **{**TCR, "refractory_to": refractory, "prior_asct": True,
                                          "ttp_after_asct_years": 1.5})
        melflufen = next(x for x in e.recommendations if x.regimen == "melflufen")
        assert melflufen.status == "excluded"
        assert "time to progression of ≥ 3 years since ASCT" in melflufen.reason
        assert "ttp_after_asct_years = 1.5" in melflufen.reason


def test_previously_received_car_t_and_bispecific_are_not_offered_again(bundle):
    e = ev(bundle, "fig3", line=4, **{**TCR, "previously_received": ["Carvykti", "Tecvayli", "pomalidomide"]})
    status = {x.regimen: (x.status, x.reason) for x in e.recommendations}
    assert status["cilta-cel"][0] == "already-received" and "ciltacabtagene autoleucel" in status["cilta-cel"][1]
    assert status["teclistamab"][0] == "already-received"
    assert status["ide-cel"] == ("applies", None) and status["elranatamab"] == ("applies", None)
    assert status["BelaPd"] == ("applies", None), "the box presupposes immunomodulatory drugs"


def test_refractory_to_a_named_drug_excludes_that_drug_only(bundle):
    e = ev(bundle, "fig3", line=5, **{**TCR, "refractory_to": ["teclistamab"]})
    assert e.path[-1] == "tcr"
    status = {x.regimen: x for x in e.recommendations}
    assert status["teclistamab"].status == "excluded"
    assert status["teclistamab"].reason == "Excluded: the disease is refractory to teclistamab."
    assert status["elranatamab"].status == "applies"
    assert any("Same class" in c for c in status["elranatamab"].conditions)


def test_refractory_to_the_bispecific_class_excludes_every_bispecific(bundle):
    e = ev(bundle, "fig3", line=5, **{**TCR, "refractory_to": ["bispecific"]})
    excluded = {x.regimen for x in e.recommendations if x.status == "excluded"}
    assert {"talquetamab", "teclistamab", "elranatamab", "linvoseltamab"} <= excluded


def test_refractory_to_a_named_car_t_takes_the_car_t_branch(bundle):
    e = ev(bundle, "fig3", line=5, **{**TCR, "refractory_to": ["Carvykti"]})
    assert e.path[-1] == "tcr-cart-adc-refractory"
    assert e.facts["refractory_to"] == ["ciltacabtagene-autoleucel"]


@pytest.mark.parametrize(("name", "field"), [
    ("pomalidomide", "refractory_to.0"), ("anti-CD38", "refractory_to.0"), ("frobnimab", "refractory_to.0"),
])
def test_refractory_to_refuses_what_it_cannot_use(bundle, name, field):
    with pytest.raises(FactsError) as info:
        ev(bundle, "fig3", **{**TCR, "refractory_to": [name]})
    assert info.value.field == field


@pytest.mark.parametrize(("given", "canonical"), [
    ("Darzalex", "daratumumab"), ("DARZALEX", "daratumumab"), ("anti-CD38", "anti-cd38"),
    ("Blenrep", "belantamab-mafodotin"),
    ("Imnovid", "pomalidomide"), ("Pomalyst", "pomalidomide"), ("proteasome inhibitor", "pi"), ("DaraPd", "DaraPd"),
])
def test_previously_received_accepts_drug_brand_and_class_names(bundle, given, canonical):
    e = ev(bundle, "fig3", previously_received=[given])
    assert e.facts["previously_received"] == [canonical]


def test_unknown_name_in_previously_received_is_refused(bundle):
    with pytest.raises(FactsError) as info:
        ev(bundle, "fig3", previously_received=["daratumumab", "Frobnix"])
    assert info.value.field == "previously_received.1"
    assert "brand" in info.value.message


def test_bispecific_refractory_is_not_a_text_branch(bundle):
    e = ev(bundle, "fig3", line=6, **{**TCR, "refractory_to": ["bispecific"]})
    assert e.path[-1] == "tcr"
    assert "F3-A4" in note_refs(e)


NTCR = {"triple_class_refractory": False, "line": 3, "car_t_eligible": True, "previously_received": []}


def test_not_tcr_line_3_4(bundle):
    e = ev(bundle, "fig3", anti_cd38_status="sensitive", **NTCR)
    assert e.path[-1] == "ntcr-line-3-4"
    r = recs(e)
    assert set(r) == {"cilta-cel", "ide-cel", "BelaPd", "DaraPd", "IsaPd", "EloPd", "BelaVd"}
    assert all(v[0] == "[I, A]" for v in r.values())


def test_previously_received_is_matched_by_defining_agent(bundle):
    e = ev(bundle, "fig3", anti_cd38_status="sensitive", **{**NTCR, "previously_received": ["cilta-cel", "DaraVd"]})
    status = {x.regimen: (x.status, x.reason) for x in e.recommendations}
    assert status["cilta-cel"][0] == "already-received"
    assert status["DaraPd"][0] == "already-received" and "daratumumab" in status["DaraPd"][1]
    assert "not been previously exposed to" in status["DaraPd"][1]
    assert status["IsaPd"] == ("applies", None)
    assert status["BelaVd"] == ("applies", None), "bortezomib is BelaVd's backbone, not a defining agent"


def test_previously_received_agents_not_regimen_names(bundle):
    """Issue 9 item 6: agents in the list are matched, never ignored."""
    e = ev(bundle, "fig3", anti_cd38_status="sensitive",
           **{**NTCR, "previously_received": ["pomalidomide", "belantamab mafodotin", "daratumumab"]})
    received = {x.regimen for x in e.recommendations if x.status == "already-received"}
    assert received == {"BelaPd", "DaraPd", "IsaPd", "EloPd", "BelaVd"}
    assert recs(e) == {"cilta-cel": ("[I, A]", "conditional"), "ide-cel": ("[I, A]", "conditional")}


def test_previously_received_unknown_keeps_new_to_patient_items_possible(bundle):
    e = ev(bundle, "fig3", anti_cd38_status="sensitive", triple_class_refractory=False, line=3, car_t_eligible=True)
    assert "previously_received" in e.missing
    assert {x.status for x in e.recommendations} == {"possible"}


def test_anti_cd38_naive_contradicted_by_history_is_refused(bundle):
    with pytest.raises(FactsError) as info:
        ev(bundle, "fig3", anti_cd38_status="naive", **{**NTCR, "previously_received": ["cilta-cel", "Sarclisa"]})
    assert info.value.field == "previously_received.1"


@pytest.mark.parametrize(("facts", "field"), [
    ({"triple_class_refractory": True, "anti_cd38_status": "sensitive"}, "anti_cd38_status"),
    ({"triple_class_refractory": True, "anti_cd38_status": "naive"}, "anti_cd38_status"),
    ({"prior_asct": False, "ttp_after_asct_years": 2}, "ttp_after_asct_years"),
    ({"anti_cd38_status": "naive", "anti_cd38_free_interval_months": 14}, "anti_cd38_free_interval_months"),
])
def test_impossible_combinations_are_refused(bundle, facts, field):
    with pytest.raises(FactsError) as info:
        ev(bundle, "fig3", **facts)
    assert info.value.field == field


def test_anti_cd38_retreatment_rule_is_computed(bundle):
    base = {**NTCR, "anti_cd38_status": "refractory"}
    e = ev(bundle, "fig3", **base, anti_cd38_retreatment_only_option=True, anti_cd38_free_interval_months=6)
    status = {x.regimen: (x.status, x.reason) for x in e.recommendations}
    assert status["DaraPd"][0] == status["IsaPd"][0] == "excluded"
    assert "anti-CD38 antibody-free interval of ≥ 1 year" in status["DaraPd"][1]
    assert "anti_cd38_free_interval_months = 6" in status["DaraPd"][1]
    e = ev(bundle, "fig3", **base, anti_cd38_retreatment_only_option=True, anti_cd38_free_interval_months=12)
    r = recs(e)
    retreatment = ("[panel consensus; IV, C]", "conditional")
    assert r == {"DaraPd": retreatment, "IsaPd": retreatment}
    others = [x for x in e.recommendations if x.regimen not in r]
    assert others and all(x.status == "unavailable" and "retreatment" in x.reason for x in others)
    e = ev(bundle, "fig3", **base, anti_cd38_retreatment_only_option=False, anti_cd38_free_interval_months=24)
    assert {x.regimen: x.status for x in e.recommendations}["DaraPd"] == "excluded"
    assert "IsaPd" not in recs(e) and "EloPd" in recs(e)


def test_anti_cd38_retreatment_by_default_is_excluded_with_the_rule(bundle):
    e = ev(bundle, "fig3", **{**NTCR, "anti_cd38_status": "refractory"})
    dara = next(x for x in e.recommendations if x.regimen == "DaraPd")
    assert dara.status == "excluded" and "not recommended" in dara.reason


def test_not_tcr_line_5_has_no_invented_grades(bundle):
    e = ev(bundle, "fig3", **{**NTCR, "line": 5})
    assert e.path[-1] == "ntcr-line-5-plus"
    assert e.recommendations == []


def test_global_rules_apply(bundle):
    e = ev(bundle, "fig3", line=3, **TCR)
    rules = {n.evidence.text for n in e.notes if n.kind == "rule" and n.evidence}
    assert {"[panel consensus; IV, C]", "[panel consensus; III, B]", "[panel consensus; V, C]"} <= rules


def test_fig3_traps_are_visible(bundle):
    refs = note_refs(ev(bundle, "fig3"))
    for i in (1, 2, 3, 5, 6, 7, 8, 9):
        assert f"F3-A{i}" in refs, i
