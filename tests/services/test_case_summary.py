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
    assert leads.items[0].value.startswith("Fig. 2 — 1 prior line") and "ROUTE" in leads.items[0].why
    cilta = next(i for i in leads.items if i.label.startswith("cilta-cel"))
    assert "not available" in cilta.value and "source: Relapsed/refractory" in cilta.why
    assert cilta.label == "cilta-cel [I, A]"
    statuses = [i.value for i in leads.items[1:] if i.label != "Still open in the figure"]
    assert statuses[0] == "✓ applies" and statuses[-1].endswith("excluded")  # what applies first


def test_dose_values_are_shown_as_entered_and_missing_ones_named(session):
    raw = {**session.raw, "patient": {k: v for k, v in session.raw["patient"].items() if k != "height"}}
    doses = next(s for s in case_sections(session.result, raw) if s.title == "Dose-relevant values")
    by_label = {i.label: i for i in doses.items}
    assert by_label["Weight"].value == "80 kg" and by_label["Weight"].why == "entered: patient.weight"
    assert by_label["Height"].value == "not entered" and by_label["Height"].missing == ["patient.height"]
    assert by_label["Body surface area"].value.startswith("BSA 2.006")


def test_an_undetermined_fact_names_what_is_missing(session):
    case = json.loads(json.dumps(SECOND_LINE))
    del case["treatment_history"][0]["best_response"]
    session.set(case)
    try:
        derived = next(s for s in case_sections(session.result) if s.title.startswith("Derived"))
        anti_cd38 = next(i for i in derived.items if i.label == "anti cd38 status")
        assert anti_cd38.value == "not determined" and "treatment_history.0.best_response" in anti_cd38.missing
    finally:
        session.set(SECOND_LINE)


def test_the_short_copy_has_no_sources_and_the_long_one_has_them(session):
    short = "\n".join(short_lines(session.result, session.raw))
    full = "\n".join(long_lines(session.result, session.raw))
    assert "source:" not in short and "Derived from" not in short and "- Weight: 80 kg" in short
    assert "source: Cockcroft DW" in full and "Derived from the treatment history:" in full
