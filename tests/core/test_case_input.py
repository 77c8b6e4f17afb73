"""The case input: every refusal of case.md §6 names the field, and nothing identifying is accepted."""

from __future__ import annotations

import pytest

from tests.core.case_helpers import TODAY, case, ep, evaluate, refused


@pytest.mark.parametrize(("raw", "field"), [
    (case(name="A. Patient"), "name"),
    (case(patient={"age": 64, "birth_date": "1961-01-01"}), "patient.birth_date"),
    (case(ep("VRd", notes="free text")), "treatment_history.0.notes"),
    (case(labs_at_diagnosis={"mrn": "123"}), "labs_at_diagnosis.mrn"),
    (case(ep("VRd", progression={"date": "2024-01-01", "comment": "x"})), "treatment_history.0.progression.comment"),
])
def test_unknown_keys_and_identifiers_are_refused(bundle, raw, field):
    err = refused(bundle, raw)
    assert (err.code, err.field) == ("unknown_field", field)
    assert "no identifier fields" in err.message


@pytest.mark.parametrize(("raw", "field", "words"), [
    ({"assessment_date": "2025-06-02"}, "patient", "required"),
    (case(patient={"age": 17}), "patient.age", "18"),
    (case(patient={"age": True}), "patient.age", "true/false"),
    (case(patient={"age": 64, "ecog": 5}), "patient.ecog", "4"),
    (case(patient={"age": 64, "sex": "m"}), "patient.sex", "female"),
    (case(case_version=2), "case_version", "1"),
    (case(diagnosis="mgus"), "diagnosis", "smm"),
    (case(ep("VRd", best_response="nCR")), "treatment_history.0.best_response", "VGPR"),
    (case(ep("VRd", duration_months=0)), "treatment_history.0.duration_months", "greater than 0"),
    (case(ep("VRd", id="has space")), "treatment_history.0.id", "pattern"),
    (case(ep("VRd", progression="yes")), "treatment_history.0.progression", "none"),
])
def test_wrong_types_and_ranges_name_the_field(bundle, raw, field, words):
    err = refused(bundle, raw)
    assert err.field == field
    assert words in err.message


def test_a_bare_number_for_a_quantity_lists_the_accepted_units(bundle):
    err = refused(bundle, case(labs_at_diagnosis={"b2m": 3.1}))
    assert err.field == "labs_at_diagnosis.b2m"
    assert "bare number" in err.message and "mg/L" in err.message and "mg/dL" in err.message
    err = refused(bundle, case(patient={"age": 64, "weight": "80 stone"}))
    assert err.field == "patient.weight" and "kg" in err.message


def test_unknown_regimens_and_drugs_say_how_to_name_them(bundle):
    err = refused(bundle, case(ep("VRd"), ep("FooBar")))
    assert (err.code, err.field) == ("unknown_regimen", "treatment_history.1.regimen")
    assert "VRd" in err.message and "Revlimid" in err.message
    err = refused(bundle, case(ep(drugs=["lenalidomide", "lenalidomid"])))
    assert (err.code, err.field) == ("unknown_drug", "treatment_history.0.drugs.1")
    err = refused(bundle, case(ep("PI")))
    assert err.field == "treatment_history.0.regimen" and "class" in err.message
    err = refused(bundle, case(context={"unavailable": ["cilta-cel", "nothing-like-it"]}))
    assert err.field == "context.unavailable.1"


@pytest.mark.parametrize(("raw", "field", "code"), [
    (case(ep("VRd", start="03/2024")), "treatment_history.0.start", "invalid_input"),
    (case(ep("VRd", start="2024-02-30")), "treatment_history.0.start", "invalid_input"),
    (case(assessment_date="2025-06"), "assessment_date", "invalid_input"),
    (case(ep("VRd", start="2025-07")), "treatment_history.0.start", "date_after_assessment"),
    (case(ep("VRd", start="2024-01-01", end="2025-06-03")), "treatment_history.0.end", "date_after_assessment"),
    (case(ep("VRd", start="2024-03-01", end="2024-02-01")), "treatment_history.0.end", "end_before_start"),
    (case(ep("VRd", start="2024-03-01", progression={"date": "2024-02"})), "treatment_history.0.progression.date",
     "progression_before_start"),
    (case(ep("VRd", start="2024-03-01"), ep("Kd", start="2024-02")), "treatment_history.1.start",
     "episodes_out_of_order"),
    (case(ep("VRd", stop_reason="ongoing"), ep("Kd")), "treatment_history.0.stop_reason", "ongoing_not_last"),
    (case(ep("VRd", stop_reason="ongoing", end="2024-01-01")), "treatment_history.0.end", "invalid_input"),
    (case(ep("VRd", start="2024-01-01", end="2024-03-01",
             progression={"date": "2024-06-01", "timing": "within_60_days"})),
     "treatment_history.0.progression.date", "timing_contradicts_date"),
    (case(ep("VRd", start="2024-01-01", end="2024-03-01",
             progression={"date": "2024-04-01", "timing": "after_60_days"})),
     "treatment_history.0.progression.date", "timing_contradicts_date"),
    (case(ep("VRd", start="2024-01-01", end="2024-03-01",
             progression={"date": "2024-03-20", "timing": "on_treatment"})),
     "treatment_history.0.progression.date", "timing_contradicts_date"),
    (case(ep("VRd", stop_reason="ongoing", progression={"timing": "after_60_days"})),
     "treatment_history.0.progression.timing", "timing_contradicts_date"),
    (case(ep("VRd", start="2024-01-01", progression={"date": "2024-09-01"}), ep("Kd", start="2024-06-01")),
     "treatment_history.0.progression.date", "progression_after_next_start"),
    (case(ep("VRd", progression="none"), ep("Kd", started_because="progression")), "treatment_history.0.progression",
     "invalid_input"),
])
def test_dates_that_cannot_be_true_are_refused(bundle, raw, field, code):
    err = refused(bundle, raw)
    assert (err.field, err.code) == (field, code)
    assert field in err.message


def test_a_timing_consistent_with_its_date_is_accepted(bundle):
    raw = case(ep("R", start="2024-01-01", end="2024-03-01", progression={"date": "2024-04-30",
                                                                           "timing": "within_60_days"}))
    assert evaluate(bundle, raw)["derived"]["lenalidomide_status"]["value"] == "refractory"


@pytest.mark.parametrize(("raw", "field"), [
    (case(ep(role="induction")), "treatment_history.0.regimen"),
    (case(ep("VRd", tandem=True)), "treatment_history.0.tandem"),
    (case(smm={"flc_ratio": 25}), "smm"),
    (case(cytogenetics={"del17p": False, "del17p_ccf_pct": 30}), "cytogenetics.del17p_ccf_pct"),
    (case(cytogenetics={"del17p": True, "del17p_ccf_pct": 0}), "cytogenetics.del17p_ccf_pct"),
    (case(patient={"age": 70, "frailty": {"cci": 1, "cci_items": {"dementia": True}}}), "patient.frailty.cci_items"),
    (case(ep("VRd", id="a"), ep("Kd", id="a")), "treatment_history.1.id"),
])
def test_combinations_that_cannot_hold_are_refused(bundle, raw, field):
    assert refused(bundle, raw).field == field


def test_the_case_must_be_an_object(bundle):
    assert refused(bundle, [1, 2]).field == "input"


def test_an_asct_without_drugs_is_melphalan_and_a_regimen_drug_mismatch_warns(bundle):
    out = evaluate(bundle, case(ep("VRd", best_response="PR"), ep(role="asct", started_because="planned"),
                                ep("Rd", drugs=["lenalidomide"], role="maintenance", started_because="planned")))
    assert out["derived"]["drug_status"]["value"].keys() >= {"melphalan"}
    assert out["derived"]["previously_received"]["value"] == ["VRd", "melphalan", "Rd"]
    assert any("treatment_history.2: drugs (lenalidomide) differ from Rd" in w for w in out["warnings"])


def test_names_resolve_through_the_glossary(bundle):
    out = evaluate(bundle, case(ep(drugs=["Revlimid", "dexamethasone"], best_response="PR", stop_reason="progression"),
                                ep("carvykti", started_because="progression", role="car_t")))
    d = out["derived"]
    assert d["lenalidomide_status"]["value"] == "refractory"
    assert d["previously_received"]["value"] == ["lenalidomide", "dexamethasone",
                                                         "ciltacabtagene-autoleucel"]
    assert d["drug_status"]["value"]["ciltacabtagene-autoleucel"] is None


def test_missing_assessment_date_uses_today_with_a_warning(bundle):
    raw = case()
    del raw["assessment_date"]
    out = evaluate(bundle, raw)
    assert out["assessment_date"] == TODAY.isoformat()
    assert f"assessment_date not given: today's date ({TODAY.isoformat()}) is used" in out["warnings"]
