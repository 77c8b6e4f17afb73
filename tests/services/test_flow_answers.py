"""Answering a figure's question from an option, and the order of the questions still needed (Qt-free).

Real content and the real engine (``Guide.flow`` on a database built from resources/content).
"""

from __future__ import annotations

import pytest

from app.core.flowchart.conditions import Condition
from app.services.flow_answers import answer_option, option_answers
from app.services.flow_questions import still_needed


@pytest.fixture(scope="module")
def guide(built_db):
    from app.services.guide import Guide

    return Guide(database=built_db)


def test_an_equality_option_sets_its_fact(guide):
    figure = guide.figure("fig2")
    choice = answer_option(figure, {}, "q-len", 1)
    assert choice.kind == "answers" and choice.label == "Lenalidomide-refractory"
    assert choice.answers == ({"lenalidomide_status": "refractory"},)
    # "naive or sensitive" is two answers: the user chooses, the guide does not pick one
    choice = answer_option(figure, {}, "q-len", 0)
    assert choice.answers == ({"lenalidomide_status": "naive"}, {"lenalidomide_status": "sensitive"})


def test_an_option_already_true_changes_nothing(guide):
    choice = answer_option(guide.figure("fig2"), {"lenalidomide_status": "refractory"}, "q-len", 1)
    assert choice.kind == "already" and choice.answers == ()


def test_an_age_option_asks_for_the_number_instead_of_guessing_one(guide):
    figure = guide.figure("fig1")
    choice = answer_option(figure, {"asct_eligible": False}, "q-ti-age", 0)
    assert choice.kind == "type" and choice.fact == "age" and choice.answers == ()
    # a score with two values below the cut-off is offered as a choice between them
    choice = answer_option(figure, {"asct_eligible": False}, "q-ti-frailty", 0)
    assert choice.kind == "answers"
    assert choice.answers == ({"imwg_frailty_score": 0}, {"imwg_frailty_score": 1})
    for answer in choice.answers:
        assert figure.node("q-ti-frailty").options[0].when.evaluate(answer) is True


def test_list_options_keep_the_other_answers(guide):
    figure = guide.figure("fig3")
    facts = {"triple_class_refractory": True, "refractory_to": ["bispecific"]}
    yes = answer_option(figure, facts, "q-tcr-cart-adc", 1)
    assert yes.answers == ({"refractory_to": ["bispecific", "car-t"]}, {"refractory_to": ["bispecific", "adc"]})
    no = answer_option(figure, {**facts, "refractory_to": ["car-t", "bispecific"]}, "q-tcr-cart-adc", 0)
    assert no.answers == ({"refractory_to": ["bispecific"]},)


def test_not_a_question_is_refused(guide):
    with pytest.raises(KeyError):
        answer_option(guide.figure("fig2"), {}, "r-b-len-ref", 0)
    with pytest.raises(IndexError):
        answer_option(guide.figure("fig2"), {}, "q-len", 7)


def test_option_answers_without_a_range_is_none():
    """A numeric fact without a declared range (or with too many values) must be typed."""
    assert option_answers(Condition(fact="age", op="lt", value=80), {}, {}) is None
    assert option_answers(Condition(fact="x", op="ne", value="a"), {}, {}) is None


def test_fig2_questions_are_asked_in_the_order_of_the_path(guide):
    """A lenalidomide-refractory patient: anti-CD38 status, then bortezomib status, then CAR-T eligibility."""
    figure = guide.figure("fig2")
    asked = []
    facts: dict = {"lenalidomide_status": "refractory"}
    answers = {"anti_cd38_status": "naive", "bortezomib_status": "sensitive", "car_t_eligible": True}
    for _ in range(5):
        still = still_needed(figure, guide.flow("fig2", facts))
        if not still.needed:
            break
        fact = still.needed_facts[0]
        asked.append(fact)
        facts[fact] = answers[fact]
    assert asked == ["anti_cd38_status", "bortezomib_status", "car_t_eligible"]
    assert guide.flow("fig2", facts).path[-1] == "r-b-len-ref"
