"""An episode entered as 'planned' right after a recorded progression (a keyboard slip: 'p' picks 'planned'):
the line still counts by LOT-1, and a note says the two answers disagree instead of passing silently."""

from __future__ import annotations

from app.core.case.sources import NOTE_PLANNED_AFTER_PROGRESSION
from tests.core.case_helpers import derived


def _case(started_because: str) -> dict:
    return {"case_version": 1, "assessment_date": "2025-06-02", "patient": {"age": 64},
            "treatment_history": [
                {"regimen": "VRd", "role": "induction", "start": "2022-01-10", "end": "2022-05-01",
                 "stop_reason": "completed", "best_response": "VGPR"},
                {"regimen": "R", "role": "maintenance", "started_because": "planned", "start": "2022-06-01",
                 "end": "2024-03-01", "stop_reason": "progression", "best_response": "CR"},
                {"regimen": "DaraKd", "role": "salvage", "started_because": started_because,
                 "start": "2024-03-15", "stop_reason": "ongoing"}]}


def test_planned_after_progression_is_a_new_line_with_a_note(bundle):
    prior = derived(bundle, _case("planned"))["prior_lines"]
    assert prior["value"] == 1
    assert NOTE_PLANNED_AFTER_PROGRESSION in prior["notes"]
    assert "treatment_history.2.started_because" in prior["provenance"]["inputs"]


def test_progression_as_the_reason_has_no_such_note(bundle):
    prior = derived(bundle, _case("progression"))["prior_lines"]
    assert prior["value"] == 1 and NOTE_PLANNED_AFTER_PROGRESSION not in prior.get("notes", [])
