"""Fig. 3 (third line and beyond): every leaf, computed grades and conditions, traps F3-A*."""

from __future__ import annotations

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
    r = recs(ev(bundle, "fig3", line=4, **{**TCR, "car_t_eligible": False}))
    assert "cilta-cel" not in r and "ide-cel" not in r


def test_refractory_to_car_t_or_adc(bundle):
    for refractory in (["car-t"], ["adc"], ["adc", "car-t"]):
        e = ev(bundle, "fig3", line=5, **{**TCR, "refractory_to": refractory})
        assert e.path[-1] == "tcr-cart-adc-refractory"
        r = recs(e)
        bispecifics = {"talquetamab", "teclistamab", "elranatamab", "linvoseltamab"}
        assert {k for k, v in r.items() if v[0] == "[II, B]"} == bispecifics
        assert r["Sel-d"][0] == "[panel consensus; V, C]"
        assert r["melflufen"][0] == "[panel consensus; V, C]"
        assert "BelaPd" not in r and "cilta-cel" not in r


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


def test_previously_received_regimens_are_excluded(bundle):
    r = recs(ev(bundle, "fig3", anti_cd38_status="naive", **{**NTCR, "previously_received": ["cilta-cel", "DaraPd"]}))
    assert "cilta-cel" not in r and "DaraPd" not in r and "IsaPd" in r


def test_anti_cd38_retreatment_rule_is_computed(bundle):
    base = {**NTCR, "anti_cd38_status": "refractory"}
    r = recs(ev(bundle, "fig3", **base, anti_cd38_retreatment_only_option=True, anti_cd38_free_interval_months=6))
    assert "DaraPd" not in r and "IsaPd" not in r
    r = recs(ev(bundle, "fig3", **base, anti_cd38_retreatment_only_option=True, anti_cd38_free_interval_months=12))
    assert r["DaraPd"][0] == "[panel consensus; IV, C]"
    r = recs(ev(bundle, "fig3", **base, anti_cd38_retreatment_only_option=False, anti_cd38_free_interval_months=24))
    assert "DaraPd" not in r


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
