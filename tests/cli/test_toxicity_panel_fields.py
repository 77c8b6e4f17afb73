"""Toxicity panels carry what the content knows (issue 9, item 12): conflicts, untagged Box 3
bullets in their place, and the dose the guideline does not give — in the CLI JSON."""

from __future__ import annotations

import pytest

METHYLPRED = "high-dose-methylprednisolone-dose"


@pytest.mark.parametrize(("syndrome", "grade"), [("crs", 4), ("icans", 3), ("icans", 4)])
def test_high_dose_methylprednisolone_conflict_is_on_its_panels(run, syndrome, grade):
    code, (panel,) = run("toxicity", syndrome, "--grade", str(grade))
    assert code == 0
    (conflict,) = [c for c in panel["conflicts"] if c["id"] == METHYLPRED]
    quotes = " ".join(s["quote"] for s in conflict["sides"])
    assert "(1 g/day)" in quotes and "(1–2 g/day)" in quotes and "(2 mg/kg every 12 h)" in quotes


@pytest.mark.parametrize(("syndrome", "grade"), [("crs", 1), ("crs", 2), ("crs", 3), ("icans", 1), ("icans", 2)])
def test_the_conflict_is_not_on_other_panels(run, syndrome, grade):
    _, (panel,) = run("toxicity", syndrome, "--grade", str(grade))
    assert METHYLPRED not in [c["id"] for c in panel["conflicts"]]


def test_icans_grade_1_untagged_bullets_open_the_box3_list(run):
    _, (panel,) = run("toxicity", "icans", "--grade", "1")
    box3 = panel["box3"]
    assert [b["text"] for b in box3[:2]] == [
        "Observation.",
        "Withhold oral food, medicine and fluid intake and switch to intravenous intake.",
    ]
    assert [b["untagged"] for b in box3] == [True, True, False, False, False, False]
    assert all(b["evidence"] == [] and b["id"] is None for b in box3[:2])
    assert [b["source"]["location"] for b in box3] == [f"Box 3 › ICANS › Grade 1, bullet {i}" for i in range(1, 7)]
    # no longer a caution at the bottom
    assert not any(c["quote"] in ("Observation.", box3[1]["text"]) for c in panel["cautions"])


def test_crs_grade_3_says_no_starting_dexamethasone_dose(run):
    _, (panel,) = run("toxicity", "crs", "--grade", "3")
    (gap,) = panel["doses_not_given"]
    assert gap["drug"] == "dexamethasone" and gap["missing"] == "starting dose"
    assert "no starting dexamethasone dose for grade 3 CRS" in gap["note"]
    assert [q["location"] for q in gap["says"]] == [
        "Box 3 › CRS › Grade 3, bullet 3",
        "Supportive care › Recommendations, bullet 19",
    ]
    box3_words = "Add dexamethasone if no response within 24 h, increasing dose if refractory [II, B]."
    assert gap["says"][0]["quote"] == box3_words
    assert "(to 20 mg intravenously every 6 h)" in gap["says"][1]["quote"]
    # the only dexamethasone dose listed for grade 3 is the escalation, never a starting dose
    assert [d["dose"] for d in panel["doses"] if d["drug"] == "dexamethasone"] == ["20 mg IV every 6 h if refractory"]


@pytest.mark.parametrize(("syndrome", "grade"), [("crs", 1), ("crs", 2), ("crs", 4), ("icans", 2), ("icans", 3)])
def test_other_panels_have_no_gap_listed(run, syndrome, grade):
    _, (panel,) = run("toxicity", syndrome, "--grade", str(grade))
    assert panel["doses_not_given"] == []
    assert all(b["untagged"] is False for b in panel["box3"])
