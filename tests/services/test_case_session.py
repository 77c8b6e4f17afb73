"""CaseSession: the one in-memory patient case (real guide database, real case engine, no Qt)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.core.case.derive import CaseEvaluation
from app.core.case.errors import CaseInputError
from app.services.case_session import CaseSession, fact_why, parse_path

ROOT = Path(__file__).resolve().parents[2]
SECOND_LINE = json.loads((ROOT / "docs/examples/case-second-line.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def guide(built_db):
    from app.services.guide import Guide

    return Guide(database=built_db)


@pytest.fixture
def session(guide) -> CaseSession:
    return CaseSession(guide, today=lambda: date(2025, 6, 2))


def test_a_new_session_is_empty_and_has_no_evaluation(session):
    assert session.is_empty and session.evaluation is None and session.raw == {}
    assert session.calculator_inputs("iss") == {} and session.figure_facts("fig2") == {}


def test_set_evaluates_the_example_and_routes_to_fig2(session):
    session.set(SECOND_LINE)
    assert not session.is_empty
    assert isinstance(session.evaluation, CaseEvaluation)
    assert session.routed_figure == "fig2"
    assert session.result is not None and session.result.derived["lenalidomide_status"].value == "refractory"


def test_the_session_keeps_its_own_copy(session):
    raw = json.loads(json.dumps(SECOND_LINE))
    session.set(raw)
    raw["patient"]["age"] = 99
    session.raw["patient"]["age"] = 98
    assert session.get("patient.age") == 64


def test_update_sets_a_nested_value_creating_its_parents(session):
    session.update(("patient", "age"), 70)
    session.update(("labs_at_diagnosis", "b2m"), "3.1 mg/L")
    session.update("labs_at_diagnosis.albumin", "36 g/L")
    assert session.raw == {"patient": {"age": 70}, "labs_at_diagnosis": {"b2m": "3.1 mg/L", "albumin": "36 g/L"}}
    assert session.result is not None
    assert session.result.calculators["iss"]["result"]["stage"] == "I"


def test_update_with_none_removes_the_value_and_empty_parents(session):
    session.update("patient.age", 70)
    session.update("cytogenetics.gain_1q", True)
    session.update("cytogenetics.gain_1q", None)
    assert session.raw == {"patient": {"age": 70}}
    session.update("patient.age", None)
    assert session.is_empty and session.evaluation is None


def test_update_reaches_an_episode_by_index_and_appends_at_the_end(session):
    session.set(SECOND_LINE)
    session.update("treatment_history.2.end", "2025-05-20")
    assert session.get(("treatment_history", 2, "end")) == "2025-05-20"
    session.update(("treatment_history", 3), {"regimen": "DaraPd", "started_because": "progression",
                                              "start": "2025-05-26", "stop_reason": "ongoing"})
    assert len(session.get("treatment_history")) == 4
    with pytest.raises(KeyError, match=r"treatment_history\.9"):
        session.update("treatment_history.9.end", "2025-01-01")


def test_an_input_error_is_kept_naming_the_field_and_nothing_is_filled(session):
    session.set(SECOND_LINE)
    session.update("labs_at_diagnosis.b2m", "3.1")
    err = session.evaluation
    assert isinstance(err, CaseInputError) and err.field == "labs_at_diagnosis.b2m"
    assert session.result is None and session.calculator_inputs("iss") == {} and session.figure_facts("fig2") == {}
    session.update("labs_at_diagnosis.b2m", "3.1 mg/L")
    assert session.error is None and session.result is not None


def test_a_case_without_age_names_patient_age(session):
    session.update("labs_at_diagnosis.b2m", "3.1 mg/L")
    assert isinstance(session.evaluation, CaseInputError) and session.evaluation.field.startswith("patient")


def test_observers_hear_each_change_once_and_stop_when_unsubscribed(session):
    heard: list[object] = []
    stop = session.subscribe(lambda s: heard.append(s.evaluation))
    session.update("patient.age", 64)
    session.update("patient.age", 64)  # unchanged: no notice
    session.update("patient.sex", "male")
    assert len(heard) == 2
    stop()
    session.update("patient.age", 65)
    assert len(heard) == 2


def test_clear_forgets_everything_and_tells_observers(session):
    session.set(SECOND_LINE)
    heard: list[bool] = []
    session.subscribe(lambda s: heard.append(s.is_empty))
    session.clear()
    assert heard == [True] and session.raw == {} and session.evaluation is None
    session.clear()  # already empty: nothing to say
    assert heard == [True]


def test_calculator_inputs_are_the_values_as_entered_with_their_path(session):
    session.set(SECOND_LINE)
    iss = session.calculator_inputs("iss")
    assert iss["b2m"].value == "3.1 mg/L" and "labs_at_diagnosis.b2m" in iss["b2m"].provenance
    assert iss["b2m"].provenance.startswith("from the patient case")
    value, provenance = iss["albumin"]
    assert value == "36 g/L" and "labs_at_diagnosis.albumin" in provenance
    crcl = session.calculator_inputs("crcl")
    assert crcl["creatinine"].value == "1.1 mg/dL" and "labs_current.creatinine" in crcl["creatinine"].provenance
    assert crcl["weight"].value == "80 kg" and crcl["sex"].value == "male"
    high_risk = session.calculator_inputs("high-risk")
    assert high_risk["del17p_ccf_pct"].value == 0 and "del17p = no" in high_risk["del17p_ccf_pct"].provenance
    assert "tp53_mutation" not in high_risk  # not tested: left for the calculator to ask


def test_calculator_inputs_are_offered_even_when_the_calculator_cannot_run_yet(session):
    session.set({"patient": {"age": 70, "sex": "female"}})
    crcl = session.calculator_inputs("crcl")
    assert set(crcl) == {"age", "sex"} and "weight" not in crcl


def test_an_edit_in_a_calculator_goes_back_to_its_case_path(session):
    assert session.calculator_input_path("iss", "b2m") == "labs_at_diagnosis.b2m"
    assert session.calculator_input_path("tocilizumab-dose", "weight") == "patient.weight"
    assert session.calculator_input_path("iss", "no_such_field") is None
    session.set(SECOND_LINE)
    assert session.calculator_input_path("crcl", "creatinine") == "labs_current.creatinine"
    assert session.calculator_input_path("high-risk", "del17p_ccf_pct") is None  # derived from del17p


def test_figure_facts_carry_the_derived_value_and_its_why(session):
    session.set(SECOND_LINE)
    facts = session.figure_facts("fig2")
    assert facts["lenalidomide_status"].value == "refractory"
    why = facts["lenalidomide_status"].provenance
    assert "REF" in why and "treatment_history.2" in why and "source:" in why
    assert facts["car_t_eligible"].value is True and "patient.car_t_eligible" in facts["car_t_eligible"].provenance
    assert facts["unavailable"].value == ["cilta-cel"]
    assert "line" not in facts  # not in Fig. 2's vocabulary
    assert session.figure_fact_path("car_t_eligible") == "patient.car_t_eligible"
    assert session.figure_fact_path("lenalidomide_status") is None


def test_undecided_facts_are_left_out_so_the_figure_keeps_asking(session):
    case = json.loads(json.dumps(SECOND_LINE))
    del case["treatment_history"][0]["best_response"]
    session.set(case)
    facts = session.figure_facts("fig2")
    assert session.result is not None
    assert session.result.derived["anti_cd38_status"].value is None
    assert "anti_cd38_status" not in facts


def test_fact_why_names_what_is_missing():
    from app.core.case.fact import unknown

    text = fact_why(unknown(["treatment_history.0.best_response"], "REF-3"))
    assert "rule: REF-3" in text and "missing: treatment_history.0.best_response" in text


@pytest.mark.parametrize("bad", ["", "a..b", ()])
def test_parse_path_refuses_empty_parts(bad):
    with pytest.raises(ValueError):
        parse_path(bad)


def test_the_session_writes_nothing(session, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    session.set(SECOND_LINE)
    session.update("patient.weight", "81.37 kg")
    session.clear()
    assert list(tmp_path.rglob("*")) == []
