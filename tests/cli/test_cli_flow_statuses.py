"""The contract's status section on the command line: JSON and --text carry every status and reason."""

from __future__ import annotations

import json

import pytest

STATUSES = {"applies", "possible", "fallback", "unavailable", "already-received", "excluded"}


def test_every_listed_item_has_a_status_and_every_status_but_applies_a_reason(run):
    cases = [
        ("fig1", {"asct_eligible": True, "first_option_available": False, "induction_regimen": "VRd"}),
        ("fig1", {}),
        ("fig2", {"lenalidomide_status": "refractory", "anti_cd38_status": "refractory",
                  "bortezomib_status": "sensitive", "unavailable": ["BelaPd"]}),
        ("fig3", {"triple_class_refractory": True, "refractory_to": ["teclistamab"], "line": 5,
                  "car_t_eligible": True, "previously_received": ["Carvykti"], "prior_asct": True,
                  "ttp_after_asct_years": 2}),
    ]
    seen: set[str] = set()
    for figure, facts in cases:
        code, out = run("flow", figure, "--facts", json.dumps(facts))
        assert code == 0, out
        for r in out["recommendations"]:
            assert r["status"] in STATUSES
            seen.add(r["status"])
            if r["status"] != "applies":
                assert r["reason"], (figure, r["regimen"], r["status"])
    assert seen == STATUSES


def test_text_prints_status_and_reason_of_every_item_and_note_tags(run):
    facts = {"triple_class_refractory": True, "refractory_to": ["car-t"], "line": 5, "prior_asct": True,
             "ttp_after_asct_years": 1, "previously_received": ["teclistamab"]}
    code, out = run("--text", "flow", "fig3", "--facts", json.dumps(facts))
    assert code == 0
    assert "- [already received] other: teclistamab" in out
    assert "- [excluded] conditional: melflufen" in out
    assert "- [fallback] conditional: Sel-d" in out
    assert "why: Already received: teclistamab" in out
    assert "why: Excluded by the label the guideline cites" in out
    assert "Note [rule] [panel consensus; IV, C]: Retreatment with an anti-CD38 antibody" in out


@pytest.mark.parametrize(("figure", "facts", "field"), [
    ("fig1", {"age": 82, "imwg_frailty_score": 1}, "imwg_frailty_score"),
    ("fig1", {"induction_regimen": "daratumumab"}, "induction_regimen"),
    ("fig2", {"lenalidomide_status": "naive", "prior_asct_then_len_maintenance": True}, "lenalidomide_status"),
    ("fig3", {"triple_class_refractory": True, "anti_cd38_status": "naive"}, "anti_cd38_status"),
    ("fig3", {"previously_received": ["Frobnix"]}, "previously_received.0"),
    ("fig3", {"refractory_to": ["lenalidomide"]}, "refractory_to.0"),
])
def test_impossible_or_unknown_answers_exit_2_naming_the_field(run, figure, facts, field):
    code, out = run("flow", figure, "--facts", json.dumps(facts))
    assert code == 2
    assert out["error"]["field"] == field
    assert out["error"]["message"]
