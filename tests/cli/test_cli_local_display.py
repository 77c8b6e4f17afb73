"""Where the local layer appears on the command line: a ``local`` key on each object with notes (never in
the guideline's fields), the formulary in ``flow``, ``local_available``, and LOCAL lines in ``--text``."""

from __future__ import annotations

import json

import pytest

from tests.local_display import CILTA_REASON, HOSPITAL, installed_layer  # noqa: F401  (fixture)

FIG2_C = {"lenalidomide_status": "refractory", "anti_cd38_status": "refractory", "bortezomib_status": "sensitive",
          "car_t_eligible": True}
NOTE_KEYS = {"id", "text", "hospital", "approved", "review_by", "status"}


def _recs(out, node):
    return {r["regimen"]: r for r in out["recommendations"] if r["node"] == node}


@pytest.mark.usefixtures("installed_layer")
def test_flow_marks_cilta_cel_locally_unavailable_and_fallbacks_stay(run):
    code, out = run("flow", "fig2", "--facts", json.dumps(FIG2_C))
    assert code == 0, out
    box = _recs(out, "r-c-len-cd38-ref")
    assert box["cilta-cel"]["status"] == "unavailable"
    assert box["cilta-cel"]["reason"] == (
        f"not on the local formulary ({HOSPITAL}, layer 3, signed 2026-10-02): {CILTA_REASON}"
    )
    assert box["SelVd"]["status"] == "fallback"  # BelaPd is still an option here


@pytest.mark.usefixtures("installed_layer")
def test_flow_local_available_overrides_and_unknown_names_exit_2(run):
    code, out = run("flow", "fig2", "--facts", json.dumps({**FIG2_C, "local_available": ["Carvykti"]}))
    assert code == 0
    assert _recs(out, "r-c-len-cd38-ref")["cilta-cel"]["status"] == "applies"
    code, out = run("flow", "fig2", "--facts", json.dumps({**FIG2_C, "local_available": ["nothing-like-it"]}))
    assert code == 2
    assert out["error"]["field"] == "local_available.0"
    assert "nothing-like-it" in out["error"]["message"]


@pytest.mark.usefixtures("installed_layer")
def test_flow_local_notes_per_recommendation_and_per_node(run):
    _code, out = run("flow", "fig2", "--facts", json.dumps(FIG2_C))
    box = _recs(out, "r-c-len-cd38-ref")
    [note] = box["BelaPd"]["local"]
    assert set(note) >= NOTE_KEYS
    assert note["id"] == "local-belapd" and note["hospital"] == HOSPITAL and note["status"] == "review-overdue"
    assert "local" not in box["SelVd"]
    assert "Belantamab: eye review" not in json.dumps({k: v for k, v in box["BelaPd"].items() if k != "local"})
    assert out["local_nodes"] == [{"node": "r-c-len-cd38-ref", "local": [
        {**out["local_nodes"][0]["local"][0], "id": "local-box-c", "text": "Discuss every box C patient at the MDT."}
    ]}]


@pytest.mark.usefixtures("installed_layer")
def test_flow_text_marks_local_notes(run):
    code, out = run("--text", "flow", "fig2", "--facts", json.dumps(FIG2_C))
    assert code == 0
    assert f"LOCAL — {HOSPITAL}, approved 2025-01-10 [review overdue]: Belantamab" in " ".join(out.split())
    assert "why: not on the local formulary" in out
    assert "(at r-c-len-cd38-ref)" in " ".join(out.split())


@pytest.mark.usefixtures("installed_layer")
def test_regimen_card_carries_its_local_note(run):
    code, out = run("regimen", "DaraRd")
    assert code == 0
    [note] = out["local"]
    assert note["id"] == "local-dara-sc" and note["status"] == "ok" and note["approved"] == "2026-10-01"
    code, text = run("--text", "regimen", "DaraRd")
    assert f"LOCAL — {HOSPITAL}, approved 2026-10-01: Daratumumab is given SC here" in " ".join(text.split())


@pytest.mark.usefixtures("installed_layer")
def test_regimen_off_the_formulary_says_so(run):
    code, out = run("regimen", "cilta-cel")
    assert code == 0
    assert out["local_unavailable"]["reason"].startswith("not on the local formulary")
    assert "local" not in out


@pytest.mark.usefixtures("installed_layer")
def test_toxicity_panel_and_its_statements_carry_local_notes(run):
    code, out = run("toxicity", "crs", "--grade", "3")
    assert code == 0
    [panel] = out
    assert [n["id"] for n in panel["local"]] == ["local-crs-3"]
    [sup] = panel["recommendations"]
    assert [n["id"] for n in sup["local"]] == ["local-sup-crs"]
    code, out = run("toxicity", "crs", "--grade", "2")
    assert "local" not in out[0]
    code, text = run("--text", "toxicity", "crs", "--grade", "3")
    flat = " ".join(text.split())
    assert f"LOCAL — {HOSPITAL}, approved 2026-10-01: Call the ICU outreach team" in flat
    assert "Local:" not in text  # not the generic rendering of an unknown field


@pytest.mark.usefixtures("installed_layer")
def test_calc_result_carries_the_calculators_local_note(run):
    code, out = run("calc", "bispecific-step-up", "--input", json.dumps({"drug": "teclistamab", "weight": "70 kg"}))
    assert code == 0, out
    assert [n["id"] for n in out["local"]] == ["local-step-up"]
    code, out = run("calc", "iss", "--input", json.dumps({"b2m": "5.5 mg/L", "albumin": "3.4 g/dL"}))
    assert "local" not in out
    code, text = run("--text", "calc", "bispecific-step-up", "--input",
                     json.dumps({"drug": "teclistamab", "weight": "70 kg"}))
    assert "LOCAL — " in text and "Step-up doses are given as inpatients" in " ".join(text.split())


@pytest.mark.usefixtures("installed_layer")
def test_recs_carry_local_notes_per_statement(run):
    code, out = run("recs", "--section", "supportive")
    assert code == 0
    by_id = {s["id"]: s for s in out}
    assert [n["id"] for n in by_id["sup-crs-g3"]["local"]] == ["local-sup-crs"]
    assert sum(1 for s in out if "local" in s) == 1
    code, text = run("--text", "recs", "--section", "supportive")
    assert "LOCAL — " in text and "tocilizumab is kept on ward 7" in text


def test_without_a_layer_no_local_key_anywhere(run):
    code, out = run("flow", "fig2", "--facts", json.dumps(FIG2_C))
    assert code == 0
    assert "local_nodes" not in out and all("local" not in r for r in out["recommendations"])
    assert _recs(out, "r-c-len-cd38-ref")["cilta-cel"]["status"] == "applies"
    _code, out = run("regimen", "DaraRd")
    assert "local" not in out
