"""Facts are never converted: a string "yes" is not a yes, a string "4" not a number (never silently wrong)."""

from __future__ import annotations

import json

import pytest

from app.cli.main import main


@pytest.mark.parametrize(("figure", "facts", "field"), [
    ("fig3", {"triple_class_refractory": "yes"}, "triple_class_refractory"),
    ("fig2", {"car_t_eligible": 1}, "car_t_eligible"),
    ("fig1", {"age": "70"}, "age"),
    ("fig1", {"induction_cycles": "4"}, "induction_cycles"),
])
def test_a_value_of_the_wrong_type_is_refused_naming_the_field(capsys, figure, facts, field):
    code = main(["flow", figure, "--facts", json.dumps(facts)])
    error = json.loads(capsys.readouterr().out)["error"]
    assert code == 2 and error["field"] == field


def test_json_true_and_numbers_are_accepted(capsys):
    assert main(["flow", "fig3", "--facts", json.dumps({"triple_class_refractory": True})]) == 0
    assert json.loads(capsys.readouterr().out)["facts"]["triple_class_refractory"] is True
    assert main(["flow", "fig1", "--facts", json.dumps({"age": 70, "induction_cycles": 4})]) == 0
