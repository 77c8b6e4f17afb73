"""A flowchart filled from the patient case: marks, why, edits going back, clear (real widgets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.windows import shown_main_window

ROOT = Path(__file__).resolve().parents[2]
SECOND_LINE = ROOT / "docs/examples/case-second-line.json"


@pytest.fixture
def window(qtbot, guide, fresh_main_windows):
    w = shown_main_window(qtbot, guide=guide, size=(1366, 768))
    w.show_screen("patient").open_case_file(str(SECOND_LINE))
    return w


def test_the_routed_figure_takes_the_case_facts_with_their_mark_and_why(window):
    fig2 = window.show_screen("fig2")
    assert fig2.facts["lenalidomide_status"] == "refractory" and fig2.facts["car_t_eligible"] is True
    assert fig2.facts["unavailable"] == ["cilta-cel"]
    mark = fig2.panel.carried
    assert mark.isVisibleTo(fig2) and mark.text().startswith("From the patient case")
    assert "REF-1" in mark.toolTip() and "episode 3" in mark.accessibleDescription()
    assert fig2.evaluation is not None and "lenalidomide_status" not in fig2.evaluation.missing


def test_a_figure_the_case_is_not_routed_to_is_not_filled(window):
    fig1 = window.show_screen("fig1")
    assert "age" not in fig1.facts and "asct_eligible" not in fig1.facts
    assert "routed to Fig. 2" in fig1.panel.carried.text()


def test_an_entered_fact_changed_in_the_figure_goes_back_to_the_case(window):
    fig2 = window.show_screen("fig2")
    fig2._on_panel({**fig2.facts, "car_t_eligible": False})
    assert window.context.case.get("patient.car_t_eligible") is False
    assert fig2.facts["car_t_eligible"] is False and "car_t_eligible" in fig2.case_fill.values


def test_a_derived_fact_changed_in_the_figure_stays_the_figures_own(window):
    fig2 = window.show_screen("fig2")
    fig2._on_panel({**fig2.facts, "lenalidomide_status": "sensitive"})
    assert "lenalidomide_status" not in fig2.case_fill.values
    assert window.context.case.result.derived["lenalidomide_status"].value == "refractory"
    assert fig2.facts["lenalidomide_status"] == "sensitive"


def test_clear_patient_takes_the_case_answers_away(window):
    fig2 = window.show_screen("fig2")
    window.clear_patient()
    assert "lenalidomide_status" not in fig2.facts and "car_t_eligible" not in fig2.facts
    assert not fig2.panel.carried.isVisibleTo(fig2)
