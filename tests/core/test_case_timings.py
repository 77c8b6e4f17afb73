"""Transplant and anti-CD38 timings at their boundaries: 36 months, 3 years, 12 months (case.md §3)."""

from __future__ import annotations

import pytest

from app.core.case import sources
from tests.core.case_helpers import case, derived, ep, evaluate

VRD = ep("VRd", role="induction", start="2020-01-10", end="2020-04-20", stop_reason="completed", best_response="VGPR")


def _asct(day: str, **fields):
    return ep("HDM-ASCT", role="asct", started_because="planned", start=day, end=day, stop_reason="completed",
              best_response="CR", **fields)


def _maintenance(regimen: str = "R", **fields):
    base = {"role": "maintenance", "started_because": "planned", "stop_reason": "progression", "best_response": "CR"}
    return ep(regimen, **{**base, **fields})


@pytest.mark.parametrize(("progression", "months", "second_line_asct"), [
    ("2024-05-10", 36.0, "applies"), ("2024-05-09", 35 + 29 / 30.4375, "excluded")])
def test_initial_remission_36_months_boundary(bundle, progression, months, second_line_asct):
    raw = case(VRD, _asct("2021-05-10"), _maintenance(start="2021-08-01", end=progression),
               context={"limited_access_to_novel_regimens": True})
    out = evaluate(bundle, raw)
    fact = out["derived"]["initial_remission_months"]
    assert fact["value"] == pytest.approx(months, abs=1e-4)
    assert fact["notes"] == [sources.NOTE_REMISSION_START]
    assert out["derived"]["prior_asct_then_len_maintenance"]["value"] is True
    statuses = {r["regimen"]: r["status"] for r in out["flow"]["recommendations"]}
    assert statuses["second-line ASCT"] == second_line_asct


def test_partial_dates_all_past_36_months_still_answer_the_figure(bundle):
    induction = dict(VRD, start="2019-01-10", end="2019-04-10")
    raw = case(induction, _asct("2019-05"), _maintenance(start="2019-09", end="2022-06"),
               context={"limited_access_to_novel_regimens": True})
    out = evaluate(bundle, raw)
    fact = out["derived"]["initial_remission_months"]
    assert fact["value"] is None and fact["range"][0] > 36 and fact["range"][1] < 38
    assert set(fact["missing"]) == {"treatment_history.1.end", "treatment_history.2.progression.date"}
    assert fact["passed_to_figure"] == fact["range"][0]
    assert out["flow"]["facts"]["initial_remission_months"] == fact["range"][0]
    assert {r["regimen"]: r["status"] for r in out["flow"]["recommendations"]}["second-line ASCT"] == "applies"


def test_partial_dates_on_both_sides_of_36_months_leave_the_figure_asking(bundle):
    raw = case(VRD, _asct("2021-05"), _maintenance(start="2021-09", end="2024-05"),
               context={"limited_access_to_novel_regimens": True})
    out = evaluate(bundle, raw)
    fact = out["derived"]["initial_remission_months"]
    assert fact["value"] is None and fact["range"][0] < 36 < fact["range"][1]
    assert "passed_to_figure" not in fact
    assert "initial_remission_months" in out["flow"]["missing"]


def test_initial_remission_not_applicable_without_asct_or_progression(bundle):
    no_asct = case(ep("DaraRd", stop_reason="progression", best_response="VGPR"))
    assert derived(bundle, no_asct)["initial_remission_months"]["not_applicable"] == "no ASCT in line 1"
    no_progression = case(VRD, _asct("2021-05-10"), _maintenance(start="2021-08-01", stop_reason="ongoing"))
    fact = derived(bundle, no_progression)["initial_remission_months"]
    assert fact["value"] is None and "no progression" in fact["not_applicable"]


def test_lenalidomide_maintenance_after_asct_in_line_1(bundle):
    plain = derived(bundle, case(VRD, _asct("2021-05-10"), _maintenance(start="2021-08-01")))
    assert plain["prior_asct_then_len_maintenance"]["value"] is True
    assert "notes" not in plain["prior_asct_then_len_maintenance"]
    dara = derived(bundle, case(VRD, _asct("2021-05-10"), _maintenance("DaraR", start="2021-08-01")))
    assert dara["prior_asct_then_len_maintenance"]["value"] is True
    assert dara["prior_asct_then_len_maintenance"]["notes"] == [sources.NOTE_LEN_MAINTENANCE]
    none = derived(bundle, case(VRD, dict(_asct("2021-05-10"), stop_reason="progression")))
    assert none["prior_asct_then_len_maintenance"]["value"] is False
    later_line = case(ep("Rd", stop_reason="progression", best_response="PR"),
                      ep("DaraVCd", started_because="progression", stop_reason="completed", best_response="VGPR"),
                      _asct("2024-01-10"), _maintenance(start="2024-04-01"))
    assert derived(bundle, later_line)["prior_asct_then_len_maintenance"]["value"] is False


def _fig3(asct_day: str, progression: str, *extra):
    return case(ep("DaraVRd", role="induction", start="2020-01-10", end="2020-04-20", stop_reason="completed",
                   best_response="VGPR"),
                *extra,
                _asct(asct_day),
                _maintenance(start="2021-08-01", end=progression),
                ep("KPd", started_because="progression", start="2024-07-01", stop_reason="progression",
                   best_response="PR", end="2025-01-01"))


@pytest.mark.parametrize(("progression", "years"), [("2024-05-10", 3.0), ("2024-05-09", (35 + 29 / 30.4375) / 12)])
def test_ttp_after_asct_3_years_boundary(bundle, progression, years):
    out = evaluate(bundle, _fig3("2021-05-10", progression))
    fact = out["derived"]["ttp_after_asct_years"]
    assert fact["value"] == pytest.approx(years, abs=1e-4)
    assert out["figure"]["id"] == "fig3" and out["flow"]["facts"]["ttp_after_asct_years"] == fact["value"]


def test_ttp_counts_from_the_most_recent_asct_with_the_note(bundle):
    tandem = _asct("2021-01-10", tandem=False)
    out = evaluate(bundle, _fig3("2021-05-10", "2024-05-10", tandem))
    fact = out["derived"]["ttp_after_asct_years"]
    assert fact["value"] == 3.0 and fact["notes"] == [sources.NOTE_TTP_TWO_ASCT]
    assert derived(bundle, case(ep("VRd", best_response="PR")))["ttp_after_asct_years"]["not_applicable"] == (
        "no ASCT given")


@pytest.mark.parametrize(("last_dose", "months"), [("2024-06-02", 12.0), ("2024-06-03", 11 + 30 / 30.4375)])
def test_anti_cd38_free_interval_12_months_boundary(bundle, last_dose, months):
    raw = case(ep("DaraRd", stop_reason="progression", end=last_dose, best_response="VGPR"),
               ep("PVd", started_because="progression", stop_reason="progression", best_response="PR",
                  start="2024-07-01", end="2025-04-01"))
    fact = derived(bundle, raw)["anti_cd38_free_interval_months"]
    assert fact["value"] == pytest.approx(months, abs=1e-4)
    assert fact["provenance"]["inputs"] == ["treatment_history.0.end", "assessment_date"]


def test_anti_cd38_interval_zero_while_given_and_not_applicable_when_never_given(bundle):
    ongoing = case(ep("VRd", stop_reason="progression", best_response="PR"),
                   ep("DaraKd", started_because="progression", stop_reason="ongoing"))
    assert derived(bundle, ongoing)["anti_cd38_free_interval_months"]["value"] == 0
    never = case(ep("VRd", stop_reason="progression", best_response="PR"))
    assert derived(bundle, never)["anti_cd38_free_interval_months"]["not_applicable"] == "no anti-CD38 antibody given"
    undated = case(ep("DaraRd", stop_reason="progression", best_response="PR"))
    fact = derived(bundle, undated)["anti_cd38_free_interval_months"]
    assert fact["value"] is None and fact["missing"] == ["treatment_history.0.end"]


def test_prior_asct(bundle):
    assert derived(bundle, case(VRD, _asct("2021-05-10")))["prior_asct"]["value"] is True
    assert derived(bundle, case(VRD))["prior_asct"]["value"] is False
    assert derived(bundle, case())["prior_asct"]["value"] is False
