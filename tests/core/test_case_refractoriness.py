"""Refractoriness per drug and class (REF-1…REF-5) and the disease state (STATE), at every boundary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.core.case import sources
from tests.core.case_helpers import case, derived, ep

VRD = ep("VRd", role="induction", start="2023-01-10", end="2023-04-20", stop_reason="completed", best_response="VGPR")
ASCT = ep("HDM-ASCT", role="asct", started_because="planned", start="2023-06-01", end="2023-06-01",
          stop_reason="completed", best_response="CR")
LAST_DOSE = date(2025, 1, 15)


def _maintenance(**fields):
    base = {"role": "maintenance", "started_because": "planned", "start": "2023-09-01", "end": LAST_DOSE.isoformat(),
            "stop_reason": "toxicity", "best_response": "CR"}
    return ep("R", **{**base, **fields})


def _after(days: int) -> str:
    return (LAST_DOSE + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(("days", "status"), [(0, "refractory"), (45, "refractory"), (60, "refractory"),
                                              (61, "sensitive"), (75, "sensitive")])
def test_progression_after_stopping_lenalidomide_maintenance_60_day_rule(bundle, days, status):
    d = derived(bundle, case(VRD, ASCT, _maintenance(progression={"date": _after(days)})))
    fact = d["lenalidomide_status"]
    assert fact["value"] == status
    if status == "refractory":
        assert "REF-1/REF-2" in fact["provenance"]["rule"]
        assert "treatment_history.2.progression.date" in fact["provenance"]["inputs"]
    assert d["bortezomib_status"]["value"] == "sensitive"


@pytest.mark.parametrize(("month", "status"), [("2025-02", "refractory"), ("2025-03", None), ("2025-04", "sensitive")])
def test_a_partial_progression_date_decides_only_when_every_day_agrees(bundle, month, status):
    """Last dose 15 Jan: February is 17–44 days, March 45–75 (both sides of 60), April 76–105."""
    fact = derived(bundle, case(VRD, ASCT, _maintenance(progression={"date": month})))["lenalidomide_status"]
    assert fact["value"] == status
    if status is None:
        assert fact["missing"] == ["treatment_history.2.progression.date"]


def test_a_partial_last_dose_date_straddling_the_window_leaves_the_status_open(bundle):
    fact = derived(bundle, case(VRD, ASCT, _maintenance(end="2025-01", progression={"date": "2025-03-20"})))[
        "lenalidomide_status"]
    assert fact["value"] is None and fact["missing"] == ["treatment_history.2.end"]
    fact = derived(bundle, case(VRD, ASCT, _maintenance(end="2025-01", progression={"date": "2025-02-20"})))[
        "lenalidomide_status"]
    assert fact["value"] == "refractory"


@pytest.mark.parametrize(("timing", "status"), [("on_treatment", "refractory"), ("within_60_days", "refractory"),
                                                ("after_60_days", "sensitive")])
def test_stated_timing_decides_without_a_date(bundle, timing, status):
    raw = case(VRD, ASCT, _maintenance(progression={"timing": timing}))
    assert derived(bundle, raw)["lenalidomide_status"]["value"] == status


def test_progression_on_treatment_by_stop_reason(bundle):
    raw = case(VRD, ASCT, _maintenance(stop_reason="progression"))
    fact = derived(bundle, raw)["lenalidomide_status"]
    assert fact["value"] == "refractory" and "while" in fact["provenance"]["rule"]
    assert fact["provenance"]["inputs"][0] == "treatment_history.2.stop_reason"


def test_progression_implied_by_the_next_episode_is_timed_by_its_start(bundle):
    near = case(VRD, ASCT, _maintenance(stop_reason="completed"),
                ep("DaraKd", started_because="progression", start=_after(40), stop_reason="ongoing"))
    assert derived(bundle, near)["lenalidomide_status"]["value"] == "refractory"
    far = case(VRD, ASCT, _maintenance(stop_reason="completed"),
               ep("DaraKd", started_because="progression", start=_after(90), stop_reason="ongoing"))
    fact = derived(bundle, far)["lenalidomide_status"]
    assert fact["value"] is None and fact["missing"] == ["treatment_history.2.progression.date"]


def test_drugs_stopped_long_before_the_progression_are_not_refractory_at_it(bundle):
    """Bortezomib from induction is not refractory at a progression on lenalidomide maintenance (REF-2)."""
    d = derived(bundle, case(VRD, ASCT, _maintenance(stop_reason="progression")))
    assert d["drug_status"]["value"]["bortezomib"] == "sensitive"
    assert d["drug_status"]["value"]["lenalidomide"] == "refractory"


def test_without_dates_durations_bound_the_elapsed_time_from_below(bundle):
    raw = case(ep("VRd", role="induction", stop_reason="completed", best_response="VGPR", duration_months=4),
               ep("HDM-ASCT", role="asct", started_because="planned", stop_reason="completed", best_response="CR"),
               ep("R", role="maintenance", started_because="planned", duration_months=30, stop_reason="progression",
                  best_response="CR"))
    d = derived(bundle, raw)
    assert d["bortezomib_status"]["value"] == "sensitive"
    assert d["lenalidomide_status"]["value"] == "refractory"


def test_nonresponse_is_refractory_with_the_minimum_exposure_note(bundle):
    raw = case(ep("Rd", stop_reason="other", best_response="SD", end="2024-03-01"),
               ep("VCd", started_because="inadequate_response", stop_reason="ongoing", best_response="PR"))
    fact = derived(bundle, raw)["lenalidomide_status"]
    assert fact["value"] == "refractory" and "SD" in fact["provenance"]["rule"]
    assert sources.NOTE_NO_MINIMUM_EXPOSURE in fact["notes"]


def test_sensitive_needs_every_response_known(bundle):
    raw = case(ep("Rd", stop_reason="toxicity", end="2024-03-01"), ep("VCd", started_because="toxicity",
                                                                      stop_reason="ongoing"))
    fact = derived(bundle, raw)["lenalidomide_status"]
    assert fact["value"] is None and fact["missing"] == ["treatment_history.0.best_response"]


def test_never_given_is_naive(bundle):
    d = derived(bundle, case(ep("VCd", stop_reason="ongoing", best_response="PR")))
    assert d["lenalidomide_status"]["value"] == "naive" and d["anti_cd38_status"]["value"] == "naive"
    assert d["class_status"]["value"]["IMiD"] == "naive"


def test_triple_class_exposed_and_refractory(bundle):
    raw = case(ep("DaraVRd", stop_reason="progression", best_response="PR"),
               ep("Kd", started_because="progression", stop_reason="ongoing", best_response="PR"))
    d = derived(bundle, raw)
    assert d["triple_class_exposed"]["value"] is True
    assert d["triple_class_refractory"]["value"] is True and d["anti_cd38_status"]["value"] == "refractory"
    only_exposed = case(ep("DaraVRd", stop_reason="completed", best_response="CR"))
    d = derived(bundle, only_exposed)
    assert d["triple_class_exposed"]["value"] is True and d["triple_class_refractory"]["value"] is False
    assert d["anti_cd38_status"]["value"] == "sensitive"
    assert derived(bundle, case(ep("VRd", best_response="PR")))["triple_class_exposed"]["value"] is False


def test_triple_class_refractory_undetermined_while_one_class_is(bundle):
    raw = case(ep("DaraVRd", stop_reason="progression"))  # no best response: nonresponse cannot be excluded
    d = derived(bundle, raw)
    assert d["triple_class_refractory"]["value"] is True  # progression on treatment settles all three
    raw = case(ep("DaraVRd", stop_reason="completed", end="2024-01"), ep("Pd", started_because="progression",
                                                                          start="2024-03", stop_reason="ongoing"))
    fact = derived(bundle, raw)["triple_class_refractory"]
    assert fact["value"] is None and "treatment_history.0.progression.date" in fact["missing"]


def test_car_t_refractory_by_progression_before_any_later_line(bundle):
    cart = ep("cilta-cel", role="car_t", started_because="planned", start="2024-05-01", end="2024-05-01",
              stop_reason="completed", best_response="CR", progression={"date": "2025-02-01"})
    raw = case(ep("DaraVRd", stop_reason="progression", best_response="PR"),
               ep("PVd", role="bridging", started_because="progression", stop_reason="completed", best_response="PR"),
               cart)
    d = derived(bundle, raw)
    assert d["refractory_to"]["value"] == ["car-t"]
    assert sources.NOTE_CAR_T_REFRACTORY in d["refractory_to"]["notes"]
    assert d["drug_status"]["value"]["ciltacabtagene-autoleucel"] == "refractory"
    assert d["prior_bcma_therapy"]["value"] is True
    no_progression = case(ep("DaraVRd", stop_reason="progression", best_response="PR"),
                          dict(cart, progression="none", stop_reason="completed"))
    d = derived(bundle, no_progression)
    assert d["refractory_to"]["value"] == [] and d["drug_status"]["value"]["ciltacabtagene-autoleucel"] == "sensitive"
    nonresponse = case(ep("DaraVRd", stop_reason="progression", best_response="PR"),
                       dict(cart, progression="none", best_response="SD"))
    assert derived(bundle, nonresponse)["refractory_to"]["value"] == ["car-t"]


def test_bispecific_and_adc_refractory_by_ref1(bundle):
    raw = case(ep("DaraVRd", stop_reason="progression", best_response="PR"),
               ep("teclistamab", started_because="progression", stop_reason="progression", best_response="VGPR"),
               ep("BelaPd", started_because="progression", stop_reason="progression", best_response="PR"))
    d = derived(bundle, raw)
    assert d["refractory_to"]["value"] == ["adc", "bispecific"]
    assert d["class_status"]["value"]["BCMA-directed bispecific"] == "refractory"
    assert d["class_status"]["value"]["GPRC5D-directed bispecific"] == "naive"


@pytest.mark.parametrize(("history", "state"), [
    ([ep("VRd", stop_reason="progression", best_response="SD"),
      ep("DaraKd", started_because="progression", stop_reason="ongoing", best_response="PD")], "primary_refractory"),
    ([ep("VRd", stop_reason="completed", end="2023-01-01", best_response="VGPR"),
      ep("DaraKd", started_because="progression", start="2024-06-01", stop_reason="ongoing", best_response="PR")],
     None),
    ([ep("VRd", stop_reason="completed", end="2023-01-01", best_response="VGPR", progression={"date": "2024-05-01"}),
      ep("DaraKd", started_because="progression", start="2024-06-01", stop_reason="ongoing", best_response="PR")],
     "relapsed"),
    ([ep("VRd", stop_reason="progression", best_response="VGPR")], "relapsed_and_refractory"),
    ([ep("VRd", stop_reason="ongoing", best_response="VGPR")], "no_progression"),
    ([ep("VRd", stop_reason="ongoing")], None),
])
def test_disease_state(bundle, history, state):
    fact = derived(bundle, case(*history))["disease_state"]
    assert fact["value"] == state
    assert sources.NOTE_BOX1 in fact["notes"]
