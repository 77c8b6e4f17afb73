"""The contract's example case (case.md §2) and the README's examples, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.case import sources
from app.core.case.derive import DERIVED_NAMES, PASS_THROUGH
from app.core.flowchart.engine import evaluate as flow_evaluate
from app.core.flowchart.facts import FACT_MODELS
from tests.core.case_helpers import evaluate

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _load(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def second_line(bundle):
    return evaluate(bundle, _load("case-second-line.json"))


def test_example_derives_one_prior_line_and_routes_to_fig2(second_line):
    d = second_line["derived"]
    prior = d["prior_lines"]
    assert prior["value"] == 1 and prior["provenance"]["rule"] == "LOT-3, LOT-1"
    assert {"treatment_history.1.started_because", "treatment_history.2.progression.date"} <= set(
        prior["provenance"]["inputs"])
    assert (d["line"]["value"], d["decision"]["value"]) == (2, "next_line")
    assert second_line["lines"] == [{"line": 1, "episodes": ["e1", "e2", "e3"], "started_by": "first episode",
                                     "ended_by": "progression", "progression_date": "2025-05-12"}]
    fig = second_line["figure"]
    assert fig["id"] == "fig2"
    assert fig["reason"].startswith("1 prior line (IMWG) → 'Patients who have received one prior line of treatment'")


def test_example_lenalidomide_refractory_by_progression_during_maintenance(second_line):
    d = second_line["derived"]
    len_status = d["lenalidomide_status"]
    assert len_status["value"] == "refractory"
    assert len_status["provenance"]["rule"] == "REF-1/REF-2/REF-3: progression while e3 was given"
    assert len_status["provenance"]["inputs"] == ["treatment_history.2.progression.date", "treatment_history.2.end"]
    assert "CARTITUDE-4" in len_status["provenance"]["source"]
    assert d["bortezomib_status"]["value"] == "sensitive"
    assert d["anti_cd38_status"]["value"] == "sensitive"
    assert d["triple_class_refractory"]["value"] is False
    assert d["disease_state"]["value"] == "relapsed_and_refractory"


def test_example_transplant_facts(second_line):
    d = second_line["derived"]
    assert d["prior_asct"]["value"] is True and d["prior_asct_then_len_maintenance"]["value"] is True
    remission = d["initial_remission_months"]
    assert round(remission["value"], 1) == 33.5
    assert remission["note"] == sources.NOTE_REMISSION_START
    assert round(d["ttp_after_asct_years"]["value"], 1) == 2.8
    recs = {r["regimen"]: r for r in second_line["flow"]["recommendations"]}
    assert recs["second-line ASCT"]["status"] == "excluded"  # 33.5 < 36 months
    assert recs["cilta-cel"]["status"] == "unavailable"


def test_example_derived_holds_every_name_and_the_figure_gets_the_known_ones(bundle, second_line):
    d = second_line["derived"]
    assert set(DERIVED_NAMES) | set(PASS_THROUGH) == set(d)
    flow = second_line["flow"]
    expected = {name: d[name]["value"] for name in FACT_MODELS["fig2"].model_fields if d[name]["value"] is not None}
    assert flow["facts"] == {**expected, "unavailable": ["cilta-cel"]}
    # exactly what `mmguide flow fig2 --facts FACTS` returns for those facts
    again = flow_evaluate(bundle.figure("fig2"), flow["facts"], bundle.glossary).model_dump(mode="json")
    assert again == flow


def test_example_calculators(second_line):
    calcs = second_line["calculators"]
    assert calcs["iss"]["result"]["stage"] == "I"
    assert calcs["high-risk"]["result"]["high_risk"] is True  # monoallelic del(1p32) with 1q gain
    assert calcs["ice"] == {"not_applicable": "event-time tool: used at the time of the event, not from the case"}
    assert calcs["crcl"]["from_case"]["creatinine"] == "labs_current.creatinine"
    assert second_line["derived"]["imwg_frailty_score"]["value"] == 0


def test_newly_diagnosed_example_routes_to_fig1_frail_arm(bundle):
    out = evaluate(bundle, _load("case-newly-diagnosed.json"))
    assert out["figure"]["id"] == "fig1"
    assert out["flow"]["facts"]["imwg_frailty_score"] == 2
    assert "high_risk" not in out["flow"]["facts"]  # cannot exclude → left out, the engine keeps both
    applies = {r["regimen"] for r in out["flow"]["recommendations"] if r["status"] == "applies"}
    assert {"DaraRd", "DaraR"} <= applies


def test_third_line_example_routes_to_fig3_triple_class_refractory(bundle):
    out = evaluate(bundle, _load("case-third-line.json"))
    d = out["derived"]
    assert out["figure"]["id"] == "fig3" and d["line"]["value"] == 3
    assert d["triple_class_refractory"]["value"] is True and d["refractory_to"]["value"] == []
    assert d["ttp_after_asct_years"]["value"] > 3
    statuses = {r["regimen"]: r["status"] for r in out["flow"]["recommendations"]}
    assert statuses["cilta-cel"] == "applies" and statuses["melflufen"] == "applies"


def test_fig1_within_line_one_gets_the_induction_given(bundle):
    raw = {"assessment_date": "2025-06-02", "patient": {"age": 60, "asct_eligible": True},
           "treatment_history": [
               {"regimen": "DaraVRd", "role": "induction", "cycles": 4, "start": "2024-09-02", "end": "2024-12-20",
                "stop_reason": "completed", "best_response": "VGPR"},
               {"regimen": "HDM-ASCT", "role": "asct", "started_because": "planned", "start": "2025-02-10",
                "end": "2025-02-10", "stop_reason": "completed", "best_response": "CR"}]}
    out = evaluate(bundle, raw)
    assert out["derived"]["decision"]["value"] == "current_line" and out["figure"]["id"] == "fig1"
    assert out["flow"]["facts"]["induction_regimen"] == "DaraVRd" and out["flow"]["facts"]["induction_cycles"] == 4
