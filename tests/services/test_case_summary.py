"""The case summary sections and copies (Qt-free, real engine)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.services.case_session import CaseSession
from app.services.case_summary import case_sections, long_lines, short_lines

ROOT = Path(__file__).resolve().parents[2]
SECOND_LINE = json.loads((ROOT / "docs/examples/case-second-line.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def session(built_db):
    from app.services.guide import Guide

    s = CaseSession(Guide(database=built_db), today=lambda: date(2025, 6, 2))
    s.set(SECOND_LINE)
    return s


def test_sections_follow_the_figure_then_stage_frailty_renal_doses(session):
    titles = [s.title for s in case_sections(session.result, session.raw)]
    assert titles[:5] == ["Where the case leads", "Stage and risk", "Frailty", "Renal function",
                          "Dose-relevant values"]
    assert "Lines of therapy" in titles and "Derived from the treatment history" in titles


def test_the_figure_section_lists_each_regimen_with_its_status_and_source(session):
    leads = case_sections(session.result)[0]
    assert leads.items[0].value.startswith("Fig. 2 — 1 prior line") and "prior lines of therapy" in leads.items[0].why
    cilta = next(i for i in leads.items if i.label.startswith("cilta-cel"))
    assert "not available" in cilta.value and cilta.refs
    assert cilta.label == "cilta-cel [I, A]"
    statuses = [i.value for i in leads.items[1:] if not i.label.startswith("Still needed")]
    assert statuses[0] == "✓ applies" and statuses[-1].endswith("excluded")  # what applies first


def test_dose_values_are_shown_as_entered_and_missing_ones_named(session):
    raw = {**session.raw, "patient": {k: v for k, v in session.raw["patient"].items() if k != "height"}}
    doses = next(s for s in case_sections(session.result, raw) if s.title == "Dose-relevant values")
    by_label = {i.label: i for i in doses.items}
    assert by_label["Weight"].value == "80 kg" and by_label["Weight"].why == "entered in the Patient panel"
    assert by_label["Height"].value == "not entered" and by_label["Height"].missing == ["patient.height"]
    assert by_label["Body surface area"].value.startswith("BSA 2.006")


def test_an_undetermined_fact_names_what_is_missing(session):
    case = json.loads(json.dumps(SECOND_LINE))
    del case["treatment_history"][0]["best_response"]
    session.set(case)
    try:
        derived = next(s for s in case_sections(session.result) if s.title.startswith("Derived"))
        anti_cd38 = next(i for i in derived.items if i.label == "Anti-CD38 antibody")
        assert anti_cd38.value == "not determined" and "treatment_history.0.best_response" in anti_cd38.missing
    finally:
        session.set(SECOND_LINE)


def test_the_short_copy_has_no_sources_and_the_long_one_has_them(session):
    short = "\n".join(short_lines(session.result, session.raw))
    full = "\n".join(long_lines(session.result, session.raw))
    assert "source:" not in short and "Derived from" not in short and "- Weight: 80 kg" in short
    assert "Cockcroft DW" in full and "Derived from the treatment history:" in full and "References and notes:" in full


def _summary(session):
    from app.services.case_summary import case_summary

    return case_summary(session.result, session.raw, session._guide.figure(session.result.figure.id))


def test_each_source_is_cited_once_and_items_point_to_it(session):
    summary = _summary(session)
    assert len(summary.references) == len(set(summary.references))
    cartitude = [r for r in summary.references if r.startswith("CARTITUDE-4")]
    assert len(cartitude) == 1
    full = "\n".join(long_lines(session.result, session.raw, session._guide.figure("fig2")))
    assert full.count("Be refractory to lenalidomide per IMWG") == 1
    number = summary.references.index(cartitude[0]) + 1
    lenalidomide = next(i for s in summary.sections for i in s.items if i.label == "Lenalidomide")
    assert number in lenalidomide.refs and f"[{number}] CARTITUDE-4" in full
    assert len(full.encode()) < 18_000


def test_no_identifier_reaches_a_reader(session):
    full = "\n".join(long_lines(session.result, session.raw, session._guide.figure("fig2")))
    short = "\n".join(short_lines(session.result, session.raw, session._guide.figure("fig2")))
    for raw in ("anti cd38 status", "relapsed_and_refractory", "next_line", "ttp after asct", "labs_at_diagnosis.b2m",
                "treatment_history.", "patient.weight", "_"):
        assert raw not in short.replace("2nd_", ""), raw
    for raw in ("anti cd38 status", "relapsed_and_refractory", "next_line", "labs_at_diagnosis.b2m",
                "treatment_history.2"):
        assert raw not in full, raw
    assert "Disease state: relapsed and refractory" in full and "β2-microglobulin at diagnosis" in full
    assert "Decision: choosing the next line" in full


def test_the_short_copy_reads_as_a_clinical_note(session):
    short = short_lines(session.result, session.raw, session._guide.figure("fig2"))
    refractoriness = next(line for line in short if line.startswith("- Refractoriness: "))
    assert "lenalidomide-refractory" in refractoriness and "anti-CD38-sensitive" in refractoriness
    cilta = next(line for line in short if line.startswith("- cilta-cel"))
    assert "not available — " in cilta and "not available locally" in cilta
    pvd = next(line for line in short if line.startswith("- PVd"))
    assert "fallback — " in pvd and "BelaPd" in pvd
    daraKd = next(line for line in short if line.startswith("- DaraKd"))
    assert daraKd.endswith("✓ applies")


def test_still_needed_follows_the_figure_screens_classification(session):
    case = json.loads(json.dumps(SECOND_LINE))
    del case["context"]["limited_access_to_novel_regimens"]
    case["assessment_date"] = "2025-10-01"  # remission from the ASCT ≥ 36 months: the side box is reached
    case["treatment_history"][2].update(end="2025-09-05", progression={"date": "2025-09-01"})
    session.set(case)
    try:
        from app.services.flow_questions import still_needed

        figure = session._guide.figure("fig2")
        expected = still_needed(figure, session.result.flow)
        leads = _summary(session).sections[0]
        needed = next(i for i in leads.items if i.label == "Still needed in the figure")
        assert needed.value == ("; ".join(q.prompt for q in expected.needed) or "nothing")
        optional = next(i for i in leads.items if i.label == "Optional in the figure")
        assert "limited access" in optional.value.lower() and not optional.needed
        assert "limited access to novel regimens" in optional.missing_words
    finally:
        session.set(SECOND_LINE)


def test_a_creatinine_at_diagnosis_not_used_for_current_renal_function_says_why(session):
    case = json.loads(json.dumps(SECOND_LINE))
    del case["labs_current"]
    session.set(case)
    try:
        renal = next(s for s in _summary(session).sections if s.title == "Renal function")
        crcl = next(i for i in renal.items if i.label == "Creatinine clearance")
        assert crcl.value == "not calculated" and crcl.missing_words == "current creatinine"
        note = next(i for i in renal.items if i.label == "Creatinine at diagnosis")
        assert note.value == "95 µmol/L — not used for current renal function"
        assert "treatment has been given" in note.why
        summary = _summary(session)
        assert "when absent and the history is empty" in summary.references[note.refs[0] - 1]
        untreated = {**case, "treatment_history": []}
        session.set(untreated)
        renal = next(s for s in _summary(session).sections if s.title == "Renal function")
        note = next(i for i in renal.items if i.label == "Creatinine at diagnosis")
        assert note.value.endswith("used for CrCl and eGFR")
    finally:
        session.set(SECOND_LINE)


def test_the_short_copy_names_every_refractory_drug_and_the_conditions_of_a_conditional_option(built_db):
    """A third-line patient: carfilzomib- and daratumumab-refractory are said (not only the three figure
    classes), corticosteroids are not classified, and cilta-cel's condition travels with its status."""
    from app.services.guide import Guide

    raw = json.loads((ROOT / "docs/examples/case-third-line.json").read_text(encoding="utf-8"))
    s = CaseSession(Guide(database=built_db), today=lambda: date(2025, 6, 2))
    s.set(raw)
    assert s.result is not None
    short = short_lines(s.result, s.raw, s._guide.figure("fig3"))
    refractoriness = next(line for line in short if line.startswith("- Refractoriness: "))
    for word in ("lenalidomide-refractory", "daratumumab-refractory", "carfilzomib-refractory",
                 "bortezomib-sensitive", "triple-class refractory"):
        assert word in refractoriness, word
    assert "dexamethasone" not in refractoriness
    cilta = next(line for line in short if line.startswith("- cilta-cel"))
    assert "(conditional: " in cilta
