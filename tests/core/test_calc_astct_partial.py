"""CRS from an incomplete form: the grade the answers already decide (Lee 2019), and what raises it."""

from __future__ import annotations

import pytest

from app.core.calculators.astct import CRS_GRADE, PARTIAL_RESULTS, crs_partial, crs_raised_by


def partial(**raw):
    return crs_partial(raw)


def test_the_issue_case_one_vasopressor_and_a_cannula_without_flow_is_grade_3():
    r = partial(temperature="39.2 °C", hypotension=True, vasopressors=1, oxygen_device="nasal_cannula")
    assert r is not None
    assert r.result["grade_at_least"] == r.result["grade_at_most"] == r.result["grade"] == 3
    assert r.headline == "CRS grade 3"
    assert r.result["missing"] == ["oxygen_flow"] and r.result["complete"] is False
    assert any("multiple vasopressors" in x and x.endswith("→ grade 4") for x in r.result["raised_by"])
    assert "does not change the grade" in r.interpretation


def test_fever_and_a_cannula_without_flow_is_at_least_grade_2():
    r = partial(temperature="38.5 °C", oxygen_device="nasal_cannula")
    assert (r.result["grade_at_least"], r.result["grade_at_most"]) == (2, 3)
    assert "grade" not in r.result
    assert r.headline == "CRS at least grade 2"
    assert r.result["raised_by"][0] == "an oxygen flow > 6 L/min on the nasal cannula → grade 3"
    assert r.result["raised_by"][-1].endswith("→ grade 4")


@pytest.mark.parametrize(("flow", "grade"), [("4 L/min", 2), ("6 L/min", 2), ("8 L/min", 3)])
def test_the_bound_holds_for_every_flow(flow, grade):
    """The complete answer always lies within the partial bounds."""
    raw = {"temperature": "38.5 °C", "oxygen_device": "nasal_cannula"}
    r = crs_partial(raw)
    full = CRS_GRADE.run({**raw, "oxygen_flow": flow}).result["grade"]
    assert full == grade
    assert r.result["grade_at_least"] <= full <= r.result["grade_at_most"]


@pytest.mark.parametrize("vasopressors", [0, 1, 2])
@pytest.mark.parametrize("hypotension", [False, True])
@pytest.mark.parametrize("flow", ["2 L/min", "10 L/min"])
def test_bounds_contain_every_completion(vasopressors, hypotension, flow):
    raw = {"temperature": "39 °C", "hypotension": hypotension, "vasopressors": vasopressors,
           "oxygen_device": "nasal_cannula"}
    r = crs_partial(raw)
    full = CRS_GRADE.run({**raw, "oxygen_flow": flow}).result["grade"]
    assert r.result["grade_at_least"] <= full <= r.result["grade_at_most"]


def test_no_temperature_says_what_fever_would_give():
    r = partial(hypotension=True, vasopressors=1)
    assert r.result["grade_at_least"] == 0 and r.result["missing"] == ["temperature"]
    assert r.headline == "No CRS grade yet: with fever, at least grade 3"
    assert r.result["raised_by"][0].startswith("a temperature ≥ 38.0 °C")


def test_no_fever_is_no_crs_whatever_the_flow():
    r = partial(temperature="37.0 °C", oxygen_device="nasal_cannula")
    assert r.result["grade"] == 0 and r.headline == "No CRS (grade 0)"


def test_masked_fever_without_temperature_is_graded_by_the_other_domains():
    r = partial(fever_masked=True, oxygen_device="nasal_cannula")
    assert (r.result["grade_at_least"], r.result["grade_at_most"]) == (2, 3)


def test_a_complete_or_invalid_form_is_left_to_the_calculator():
    assert partial(temperature="39 °C", oxygen_device="nasal_cannula", oxygen_flow="4 L/min") is None
    assert partial(temperature="39 °C") is None
    assert partial(temperature="banana") is None
    assert PARTIAL_RESULTS["crs-grade"] is crs_partial


def test_raised_by_follows_the_astct_table():
    assert crs_raised_by(0)[0] == "fever ≥ 38.0 °C (100.4 °F) → grade 1"
    assert [x.rsplit("→ ", 1)[1] for x in crs_raised_by(1)] == ["grade 2", "grade 3", "grade 4"]
    assert crs_raised_by(4) == []
    assert "one vasopressor" in crs_raised_by(2)[0] and "positive pressure" in crs_raised_by(3)[0]
