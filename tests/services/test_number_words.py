"""Derived numbers read at a glance, one rule everywhere (Qt-free, real content and engine)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from app.core.flowchart.engine import _show
from app.services.case_session import CaseSession
from app.services.case_summary import case_sections, short_lines
from app.services.flow_text import answer_lines, value_words
from app.services.flow_words import number_words

ROOT = Path(__file__).resolve().parents[2]
SECOND_LINE = json.loads((ROOT / "docs/examples/case-second-line.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def guide(built_db):
    from app.services.guide import Guide

    return Guide(database=built_db)


@pytest.mark.parametrize(("value", "unit", "words"), [
    (3.2883, "years", "≈ 3.29 years"),
    (2.2628, "months", "≈ 2.26 months"),
    (6, "months", "6 months"),
    (6.0, "months", "6 months"),
    (1.5, "years", "1.5 years"),
    (33.5257, "", "≈ 33.53"),
])
def test_a_derived_number_has_two_decimals_and_says_when_it_was_rounded(value, unit, words):
    assert number_words(value, unit) == words


@pytest.mark.parametrize("value", [3.2883, 33.5257, 1.5, 0.125])
def test_the_answers_and_the_engine_reasons_round_alike(value):
    assert number_words(value) == _show(value)


def test_fig3_answers_and_the_copy_show_rounded_durations(guide):
    figure = guide.figure("fig3")
    assert value_words(figure, "ttp_after_asct_years", 3.2883) == "≈ 3.29 years"
    assert value_words(figure, "anti_cd38_free_interval_months", 2.2628) == "≈ 2.26 months"
    evaluation = guide.flow("fig3", {"ttp_after_asct_years": 3.2883, "anti_cd38_free_interval_months": 2.2628})
    lines = answer_lines(figure, evaluation)
    assert "Time to disease progression after ASCT: ≈ 3.29 years" in lines
    assert not any("3.2883" in line or "2.2628" in line for line in lines)


def test_a_line_of_one_episode_says_episode(built_db):
    from app.services.guide import Guide

    case = copy.deepcopy(SECOND_LINE)
    case["treatment_history"].append(
        {"id": "e4", "regimen": "KRd", "role": "continuous", "started_because": "progression",
         "start": "2025-05-26", "best_response": "PR"})
    session = CaseSession(Guide(database=built_db), today=lambda: date(2025, 6, 2))
    session.set(case)
    assert session.error is None, session.error
    lines = next(s for s in case_sections(session.result, session.raw) if s.title == "Lines of therapy").items
    values = {i.label: i.value for i in lines}
    assert values["Line 1"].startswith("episodes 1, 2, 3;"), values
    assert values["Line 2"].startswith("episode 4;"), values
    assert any(line.startswith("- Line 2: episode 4;") for line in short_lines(session.result, session.raw))


@pytest.mark.parametrize(("value", "words"), [(2.7938, "≈ 2.79"), (33.5257, "≈ 33.53"), (1.5, "1.5"), (6.0, "6")])
def test_the_case_words_round_as_the_flowcharts_and_the_engine(value, words):
    from app.services.case_words import fact_value_words
    from app.services.case_words import value_words as case_value_words

    assert case_value_words(value) == words == number_words(value)
    assert fact_value_words("ttp_after_asct_years", value) == f"{words} years"


def test_the_case_summary_shows_derived_durations_by_the_same_rule(built_db):
    from app.services.guide import Guide

    session = CaseSession(Guide(database=built_db), today=lambda: date(2025, 6, 2))
    session.set(copy.deepcopy(SECOND_LINE))
    assert session.error is None, session.error
    sections = case_sections(session.result, session.raw)
    derived = next(s for s in sections if s.title == "Derived from the treatment history")
    values = {i.label: i.value for i in derived.items}
    facts = session.result.derived
    assert values["Time to progression after ASCT"] == number_words(facts["ttp_after_asct_years"].value, "years")
    assert values["Initial remission after ASCT"] == number_words(facts["initial_remission_months"].value, "months")
    assert values["Anti-CD38-free interval"] == number_words(facts["anti_cd38_free_interval_months"].value, "months")
    assert all(v.startswith("≈ ") and len(v.split()[1].split(".")[1]) == 2 for v in (
        values["Time to progression after ASCT"], values["Initial remission after ASCT"]))
