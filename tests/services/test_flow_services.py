"""The flowchart services without Qt: "Still needed", the step cards and the copied texts.

Real content and the real engine (``Guide.flow`` on a database built from resources/content).
"""

from __future__ import annotations

import re

import pytest

from app.services.flow_questions import decisive, side_boxes, still_needed
from app.services.flow_steps import build_steps, chosen_option
from app.services.flow_text import long_text, short_text

#: typical patients (the issue's "Fig. 2 / Fig. 3 typical patients")
FIG2_LEN_REFRACTORY = {
    "lenalidomide_status": "refractory",
    "anti_cd38_status": "naive",
    "bortezomib_status": "sensitive",
    "car_t_eligible": True,
}
FIG3_TCR = {"triple_class_refractory": True, "refractory_to": [], "line": 4, "car_t_eligible": True}
FIG3_NOT_TCR = {"triple_class_refractory": False, "line": 3}
STAMP = "Myeloma Pocket Guide test · content test · printed 2026-01-01"


@pytest.fixture(scope="module")
def guide(built_db):
    from app.services.guide import Guide

    return Guide(database=built_db)


def sort(guide, figure_id, facts):
    figure = guide.figure(figure_id)
    ev = guide.flow(figure_id, facts)
    return figure, ev, still_needed(figure, ev)


# ----------------------------------------------------------------------------- still needed
def test_fig2_side_box_questions_never_nag(guide):
    """The second-line ASCT side box and availability are optional for every Fig. 2 patient."""
    side = {"limited_access_to_novel_regimens", "prior_asct_then_len_maintenance", "initial_remission_months"}
    _fig, ev, still = sort(guide, "fig2", FIG2_LEN_REFRACTORY)
    assert side < set(ev.missing)  # the engine's contract is unchanged: they are still "missing"
    assert still.needed == ()
    assert set(still.optional_facts) == side | {"unavailable"}
    assert all(q.why.startswith(("Side box", "Availability")) for q in still.optional)
    for facts in ({}, {"lenalidomide_status": "naive"}, {"lenalidomide_status": "refractory"}):
        _fig, _ev, still = sort(guide, "fig2", facts)
        assert not side & set(still.needed_facts), facts


def test_fig2_nothing_answered_asks_the_first_question_only(guide):
    _fig, ev, still = sort(guide, "fig2", {})
    assert len(ev.missing) == 8
    assert still.needed_facts == ["lenalidomide_status"]
    assert still.needed[0].prompt == "Lenalidomide status after the first line"
    assert still.needed[0].why.startswith("The next question on the path")
    assert {q.fact for q in still.later} == {"anti_cd38_status", "bortezomib_status", "car_t_eligible"}


def test_fig2_car_t_eligibility_is_needed_when_it_decides_cilta_cel(guide):
    facts = {k: v for k, v in FIG2_LEN_REFRACTORY.items() if k != "car_t_eligible"}
    _fig, _ev, still = sort(guide, "fig2", facts)
    assert still.needed_facts == ["car_t_eligible"]
    assert "cilta-cel" in still.needed[0].why


def test_fig3_lists_one_question_instead_of_ten(guide):
    _fig, ev, still = sort(guide, "fig3", {})
    assert len(ev.missing) == 10
    assert still.needed_facts == ["triple_class_refractory"]
    assert len(still.later) == 9


def test_fig3_typical_patients(guide):
    _fig, _ev, still = sort(guide, "fig3", FIG3_TCR)
    # melflufen: "only if no prior ASCT or progression ≥ 3 years after ASCT"
    assert still.needed_facts == ["prior_asct", "ttp_after_asct_years"]
    assert all("melflufen" in q.why for q in still.needed)
    _fig, _ev, still = sort(guide, "fig3", FIG3_NOT_TCR)
    assert set(still.needed_facts) == {"car_t_eligible", "anti_cd38_status", "previously_received"}
    # the anti-CD38-free interval and "retreatment the only option" cannot settle DaraPd on their own yet
    assert {q.fact for q in still.later} == {"anti_cd38_free_interval_months", "anti_cd38_retreatment_only_option"}
    _fig, _ev, still = sort(guide, "fig3", {"triple_class_refractory": True, "refractory_to": []})
    assert "line" in still.needed_facts and "evidence of cilta-cel" in still.needed[0].why


def test_fig1_one_regimen_answer_is_decisive(guide):
    _fig, _ev, still = sort(guide, "fig1", {"asct_eligible": True})
    assert set(still.needed_facts) == {"high_risk", "induction_cycles", "induction_regimen"}
    assert still.optional_facts == ["first_option_available"]


def test_every_missing_fact_is_placed_somewhere(guide):
    """Nothing of ``missing`` is dropped: needed, optional or later, each exactly once."""
    for figure_id, facts in [
        ("fig1", {}),
        ("fig1", {"asct_eligible": False}),
        ("fig2", {}),
        ("fig2", FIG2_LEN_REFRACTORY),
        ("fig3", {}),
        ("fig3", FIG3_TCR),
        ("fig3", FIG3_NOT_TCR),
    ]:
        _fig, ev, still = sort(guide, figure_id, facts)
        placed = [q.fact for q in (*still.needed, *still.optional, *still.later)]
        assert sorted(placed) == sorted(ev.missing), (figure_id, facts)


def test_decisive_reads_three_valued_conditions(guide):
    from app.core.flowchart.conditions import Condition

    figure = guide.figure("fig3")
    specs = {s.name: s for s in figure.facts}
    dara = Condition.model_validate(
        {
            "any": [
                {"fact": "anti_cd38_status", "op": "ne", "value": "refractory"},
                {
                    "all": [
                        {"fact": "anti_cd38_retreatment_only_option", "op": "eq", "value": True, "if_unknown": False},
                        {"fact": "anti_cd38_free_interval_months", "op": "ge", "value": 12},
                    ]
                },
            ]
        }
    )
    assert decisive(dara, {}, "anti_cd38_status", specs["anti_cd38_status"])
    assert not decisive(dara, {}, "anti_cd38_free_interval_months", specs["anti_cd38_free_interval_months"])
    assert not decisive(dara, {"anti_cd38_status": "naive"}, "anti_cd38_status", specs["anti_cd38_status"])
    assert side_boxes(guide.figure("fig2")) == {"r-asct-side"}
    assert side_boxes(guide.figure("fig1")) == set()


# ----------------------------------------------------------------------------- step cards
def test_steps_of_the_fig2_typical_patient(guide):
    figure, ev, still = sort(guide, "fig2", FIG2_LEN_REFRACTORY)
    cards = build_steps(figure, ev, still)
    kinds = [c.kind for c in cards]
    assert kinds[:3] == ["answered", "answered", "answered"]
    assert [c.answer for c in cards[:3]] == [
        "Lenalidomide-refractory",
        "Anti-CD38-naive or anti-CD38-sensitive",
        "Bortezomib-naive or bortezomib-sensitive",
    ]
    assert cards[3].kind == "box" and cards[3].node == "r-b-len-ref" and cards[3].state == "path"
    recs = [c for c in cards if c.kind == "rec" and c.node == "r-b-len-ref"]
    assert [c.title for c in recs][:4] == ["cilta-cel", "DaraKd", "IsaKd", "BelaPd"]
    cilta = recs[0]
    assert cilta.state == "applies" and cilta.status_words == "✓ applies"
    assert [t.text for t in cilta.tags] == ["[I, A]"] and cilta.tier == "preferred"
    assert "Condition: only in patients eligible for CAR T-cell therapy" in cilta.lines
    pvd = next(c for c in recs if c.title == "PVd")
    assert pvd.state == "fallback" and pvd.substitutes_for == "BelaPd"
    assert pvd.reason == "Named for use only if BelaPd is unavailable; BelaPd is still an option here."
    assert "fallback" in pvd.accessible and "instead of BelaPd" in pvd.accessible
    # the side box after the box reached, then notes, then what the reconstruction rests on
    side = kinds.index("box", 4)
    assert cards[side].state == "side" and cards[side].node == "r-asct-side"
    assert kinds[-1] == "about" and "note" in kinds
    assert "needed" not in kinds  # nothing can change this answer any more


def test_steps_with_an_open_question_put_it_first(guide):
    figure, ev, still = sort(guide, "fig3", {"triple_class_refractory": True})
    cards = build_steps(figure, ev, still)
    assert cards[0].kind == "needed" and cards[0].facts == ("refractory_to",)
    assert cards[1].kind == "answered" and cards[1].answer == "Yes"
    assert cards[2].kind == "question" and cards[2].node == "q-tcr-cart-adc"
    options = [c for c in cards if c.kind == "option"]
    assert [o.title for o in options] == ["No", "Yes (CAR T cells or ADC)"]
    assert [o.option for o in options] == [0, 1]
    # the boxes still possible are one line each while the question is open
    summaries = [c for c in cards if c.kind == "summary"]
    assert {c.node for c in summaries} == {"tcr", "tcr-cart-adc-refractory"}
    assert not [c for c in cards if c.kind == "rec"]
    assert all(c.actionable for c in (cards[0], cards[1], cards[2], *options))


def test_step_answer_is_read_from_the_path_not_the_raw_names(guide):
    """``refractory_to: [ide-cel]`` is CAR-T refractoriness for the engine: the answer shown must say so."""
    figure = guide.figure("fig3")
    ev = guide.flow("fig3", {"triple_class_refractory": True, "refractory_to": ["ide-cel"]})
    node = figure.node("q-tcr-cart-adc")
    index, option = chosen_option(figure, ev, node)
    assert ev.path[-1] == "tcr-cart-adc-refractory"
    assert option.label == "Yes (CAR T cells or ADC)" and index == 1


# ----------------------------------------------------------------------------- copies
def test_short_copy_is_a_clinical_note(guide):
    figure, ev, still = sort(guide, "fig2", FIG2_LEN_REFRACTORY)
    text = short_text(figure, ev, still, STAMP)
    lines = text.splitlines()
    assert lines[0].startswith("Fig. 2 — ")
    assert lines[1].startswith("Answers: Lenalidomide status after the first line: Refractory;")
    assert (
        "- cilta-cel [I, A] · preferred · applies — only in patients eligible for CAR T-cell therapy; if available"
        in lines
    )
    assert "- DaraKd [I, A] · preferred · applies" in lines
    assert any(
        line.startswith("- PVd [panel consensus; I, A] · if unavailable · fallback · instead of BelaPd")
        for line in lines
    )
    assert lines[-1] == STAMP
    assert not [r for r in ev.recommendations if r.source.quote[:60] in text]  # no quotes in the short form
    assert "Source" not in text and "Notes" not in text
    side = next(line for line in lines if line.startswith("- second-line ASCT "))
    assert side.endswith(
        "possible — only in patients with limited access to novel regimens; only after primary "
        "therapy including an ASCT followed by lenalidomide maintenance; only with an initial "
        "remission duration of ≥ 36 months"
    )
    assert "Still needed" not in text  # nothing can change this answer
    assert len(text) < 2000
    # every regimen of the box reached is on one line of its own
    for rec in ev.recommendations:
        assert sum(1 for line in lines if line.startswith(f"- {rec.regimen} ")) == 1, rec.regimen


def test_long_copy_quotes_each_source_once(guide):
    for figure_id, facts in (("fig2", FIG2_LEN_REFRACTORY), ("fig3", FIG3_TCR), ("fig1", {"asct_eligible": True})):
        figure, ev, still = sort(guide, figure_id, facts)
        text = long_text(figure, ev, still, STAMP)
        for rec in ev.recommendations:
            assert text.count(f"“{rec.source.quote}”") == 1, (figure_id, rec.regimen)
        numbers = re.findall(r"^\[(\d+)\] “", text, flags=re.M)
        assert numbers == [str(i) for i in range(1, len(numbers) + 1)]
        for rec in ev.recommendations:
            assert re.search(rf"^- {re.escape(rec.regimen)} .* · source \[\d+\]$", text, flags=re.M), rec.regimen
        ids = [n.id + n.text for n in ev.notes]
        for note in ev.notes:
            assert text.count(note.text) == 1 or note.kind == "footnote", note.id
        assert len(ids) == len(set(ids))
        assert text.rstrip().endswith(STAMP)
    figure, ev, still = sort(guide, "fig2", FIG2_LEN_REFRACTORY)
    text = long_text(figure, ev, still, STAMP)
    assert text.count("should receive cilta-cel, if available [I, A].”") == 1
    assert "Optional (refine the answer): Regimens not available locally;" in text
    assert "Path:\n1. Side box: second-line ASCT" in text


def test_a_possible_regimen_names_first_the_questions_still_needed(guide):
    """The engine lists every unanswered fact; the reason puts the ones "Still needed" lists first."""
    figure, ev, still = sort(guide, "fig3", {**FIG3_NOT_TCR, "car_t_eligible": True})
    dara = next(c for c in build_steps(figure, ev, still) if c.kind == "rec" and c.title == "DaraPd")
    assert dara.state == "possible"
    assert dara.reason == (
        "Depends on answers still needed: “Anti-CD38 antibody (daratumumab, isatuximab) status”, "
        "“Regimens or agents the patient has already received”; then perhaps on "
        "“Time since the last anti-CD38 antibody dose (anti-CD38-free interval)”, "
        "“Is retreatment with an anti-CD38 antibody the only option?”."
    )
    # Fig. 2's side box depends only on optional questions: said so, not "still needed"
    figure, ev, still = sort(guide, "fig2", FIG2_LEN_REFRACTORY)
    asct = next(c for c in build_steps(figure, ev, still) if c.kind == "rec" and c.title == "second-line ASCT")
    assert asct.reason.startswith("Depends on answers not given yet: ")
    assert "Does the patient have limited access to novel regimens?" in asct.reason
