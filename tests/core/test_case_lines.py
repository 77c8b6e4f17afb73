"""Lines of therapy (LOT-0…LOT-5), the decision, and routing to Figs. 1–3 (case.md §3)."""

from __future__ import annotations

from app.core.case import sources
from tests.core.case_helpers import case, derived, ep, evaluate

VRD = ep("VRd", role="induction", start="2023-01-10", end="2023-04-20", stop_reason="completed", best_response="VGPR")
ASCT = ep("HDM-ASCT", role="asct", started_because="planned", start="2023-06-01", end="2023-06-01",
          stop_reason="completed", best_response="CR")


def _lines(out):
    return [(g["line"], g["episodes"]) for g in out["lines"]]


def test_empty_history_is_newly_diagnosed_and_goes_to_fig1(bundle):
    out = evaluate(bundle, case())
    d = out["derived"]
    assert (d["prior_lines"]["value"], d["line"]["value"], d["decision"]["value"]) == (0, 1, "next_line")
    assert d["disease_state"]["value"] == "newly_diagnosed"
    assert out["figure"]["id"] == "fig1" and out["flow"]["figure"] == "fig1"
    assert out["lines"] == []


def test_toxicity_switch_rd_to_vcd_is_a_new_line_by_lot4(bundle):
    """Rajkumar 2015 Table 1: Rd stopped for toxicity and switched to VCd → VCd is line 2."""
    raw = case(ep("Rd", start="2024-01", end="2024-03", stop_reason="toxicity", best_response="PR"),
               ep("VCd", started_because="toxicity", start="2024-04", stop_reason="ongoing"))
    out = evaluate(bundle, raw)
    assert _lines(out) == [(1, ["1"]), (2, ["2"])]
    prior = out["derived"]["prior_lines"]
    assert prior["value"] == 1 and prior["provenance"]["rule"] == "LOT-4"
    assert out["derived"]["decision"]["value"] == "current_line"
    assert out["figure"]["id"] == "fig2"


def test_inadequate_response_with_a_drug_added_is_a_new_line(bundle):
    raw = case(ep("Rd", stop_reason="other", best_response="SD"),
               ep("VRd", started_because="inadequate_response", stop_reason="ongoing"))
    assert _lines(evaluate(bundle, raw)) == [(1, ["1"]), (2, ["2"])]


def test_a_drug_dropped_keeps_the_line_with_the_discontinuation_note(bundle):
    raw = case(ep("Rd", stop_reason="toxicity", best_response="PR"), ep("R", started_because="toxicity",
                                                                       stop_reason="ongoing"))
    out = evaluate(bundle, raw)
    assert _lines(out) == [(1, ["1", "2"])]
    prior = out["derived"]["prior_lines"]
    assert prior["value"] == 0 and prior["provenance"]["rule"] == "LOT-4"
    assert sources.NOTE_SUBSET_SAME_LINE in prior["notes"]


def test_a_drug_dropped_for_an_unknown_reason_keeps_the_line_by_lot5(bundle):
    raw = case(ep("Rd", best_response="PR"), ep("R", stop_reason="ongoing"))
    prior = derived(bundle, raw)["prior_lines"]
    assert (prior["value"], prior["provenance"]["rule"]) == (0, "LOT-5")


def test_a_new_drug_for_an_unknown_reason_leaves_the_count_undetermined_with_a_range(bundle):
    raw = case(ep("VRd", stop_reason="completed", best_response="VGPR"), ep("KRd", stop_reason="ongoing"))
    out = evaluate(bundle, raw)
    prior = out["derived"]["prior_lines"]
    assert prior["value"] is None and prior["range"] == [0, 1]
    assert prior["missing"] == ["treatment_history.1.started_because"]
    assert out["derived"]["line"]["range"] == [1, 2]
    assert out["figure"]["id"] is None and out["flow"] is None
    assert out["figure"]["missing"] == ["treatment_history.1.started_because"] and out["figure"]["range"] == [0, 1]
    assert out["lines"][1]["line"] is None and out["lines"][1]["line_range"] == [1, 2]


def test_an_undetermined_count_whose_range_maps_to_one_figure_still_routes(bundle):
    raw = case(ep("VRd", stop_reason="progression", best_response="VGPR"),
               ep("DaraKd", started_because="progression", stop_reason="completed", best_response="VGPR"),
               ep("Pd", stop_reason="progression", best_response="PR"))
    out = evaluate(bundle, raw)
    d = out["derived"]
    assert d["prior_lines"]["range"] == [2, 3] and d["line"]["value"] is None and d["line"]["range"] == [3, 4]
    assert out["figure"]["id"] == "fig3" and out["flow"]["figure"] == "fig3"
    # Fig. 3 compares line with 3–4 and ≥ 5 only: the range [3, 4] answers it
    assert d["line"]["passed_to_figure"] == 3 and out["flow"]["facts"]["line"] == 3


def test_range_crossing_a_figure_comparison_is_not_passed(bundle):
    raw = case(ep("VRd", stop_reason="progression", best_response="VGPR"),
               ep("DaraKd", started_because="progression", stop_reason="progression", best_response="VGPR"),
               ep("PVd", started_because="progression", stop_reason="completed", best_response="PR"),
               ep("EloPd", stop_reason="progression", best_response="PR"))
    out = evaluate(bundle, raw)
    assert out["derived"]["line"]["range"] == [4, 5]
    assert "passed_to_figure" not in out["derived"]["line"] and "line" not in out["flow"]["facts"]
    assert out["figure"]["id"] == "fig3"


def test_planned_sequence_is_one_line_and_progression_closes_it(bundle):
    raw = case(VRD, ASCT, ep("R", role="maintenance", started_because="planned", start="2023-09-01",
                             stop_reason="progression", end="2025-01-10", best_response="CR"))
    out = evaluate(bundle, raw)
    assert _lines(out) == [(1, ["1", "2", "3"])]
    assert out["derived"]["prior_lines"]["provenance"]["rule"] == "LOT-3, LOT-1"
    assert out["figure"]["id"] == "fig2"


def test_treatment_started_at_progression_after_observation_is_a_new_line_by_lot1(bundle):
    """Rajkumar 2015 Table 1: observation after SCT, lenalidomide started at a paraprotein rise."""
    raw = case(VRD, ASCT, ep("R", started_because="progression", start="2024-09-01", stop_reason="ongoing"))
    out = evaluate(bundle, raw)
    assert _lines(out) == [(1, ["1", "2"]), (2, ["3"])]
    assert out["lines"][1]["started_by"].startswith("LOT-1")
    assert out["lines"][0]["ended_by"] == "progression"


def test_planned_tandem_asct_is_the_same_line_and_an_unflagged_second_asct_a_new_one(bundle):
    second = ep("HDM-ASCT", role="asct", started_because="planned", start="2023-09-01", end="2023-09-01",
                stop_reason="completed", best_response="CR")
    tandem = dict(second, tandem=True)
    assert _lines(evaluate(bundle, case(VRD, ASCT, tandem))) == [(1, ["1", "2", "3"])]
    out = evaluate(bundle, case(VRD, ASCT, second))
    assert _lines(out) == [(1, ["1", "2"]), (2, ["3"])]
    assert out["derived"]["prior_lines"]["provenance"]["rule"].startswith("LOT-3, LOT-2")
    # LOT-2 follows an SCT here, so this is not the re-induction → salvage ASCT reading
    assert sources.NOTE_SALVAGE_ASCT not in out["derived"]["prior_lines"].get("notes", [])
    unknown_reason = dict(tandem, started_because="unknown")
    assert _lines(evaluate(bundle, case(VRD, ASCT, unknown_reason))) == [(1, ["1", "2", "3"])]


def test_salvage_asct_after_reinduction_is_a_new_line_with_the_ambiguity_note(bundle):
    raw = case(VRD, ASCT,
               ep("R", role="maintenance", started_because="planned", stop_reason="progression", best_response="CR"),
               ep("DaraKd", started_because="progression", stop_reason="completed", best_response="VGPR"),
               ep("HDM-ASCT", role="asct", started_because="planned", stop_reason="completed", best_response="CR"))
    out = evaluate(bundle, raw)
    assert _lines(out) == [(1, ["1", "2", "3"]), (2, ["4"]), (3, ["5"])]
    prior = out["derived"]["prior_lines"]
    assert prior["value"] == 2 and sources.NOTE_SALVAGE_ASCT in prior["notes"]
    assert out["figure"]["id"] == "fig3"


def test_clinician_override_decides_either_way_and_is_reported(bundle):
    raw = case(VRD, ASCT,
               ep("R", role="maintenance", started_because="planned", stop_reason="progression", best_response="CR"),
               ep("DaraKd", started_because="progression", stop_reason="completed", best_response="VGPR"),
               ep("HDM-ASCT", role="asct", started_because="planned", new_line=False, stop_reason="completed",
                  best_response="CR"))
    out = evaluate(bundle, raw)
    assert _lines(out) == [(1, ["1", "2", "3"]), (2, ["4", "5"])]
    assert "LOT-0" in out["derived"]["prior_lines"]["provenance"]["rule"]
    assert any("treatment_history.4.new_line" in w for w in out["warnings"])
    forced = case(VRD, dict(ASCT, new_line=True))
    assert _lines(evaluate(bundle, forced)) == [(1, ["1"]), (2, ["2"])]


def test_same_class_switch_for_toxicity_is_a_new_line_with_its_note(bundle):
    raw = case(ep("VRd", stop_reason="toxicity", best_response="PR"),
               ep("KRd", started_because="toxicity", stop_reason="ongoing"))
    prior = derived(bundle, raw)["prior_lines"]
    assert prior["value"] == 1
    assert sources.NOTE_SAME_CLASS_SWITCH in prior["notes"] and prior["note"].startswith("Same-class switch")
    other_class = case(ep("Rd", stop_reason="toxicity", best_response="PR"),
                       ep("VCd", started_because="toxicity", stop_reason="ongoing"))
    assert sources.NOTE_SAME_CLASS_SWITCH not in derived(bundle, other_class)["prior_lines"].get("notes", [])


def test_smm_has_no_figure(bundle):
    out = evaluate(bundle, case(diagnosis="smm"))
    assert out["figure"] == {"id": None, "not_applicable": "smouldering myeloma: Figs. 1–3 are for active myeloma"}
    assert out["flow"] is None
