"""Every grade's Box 3 list is the printed list: every bullet, in printed order, tagged or not."""

from __future__ import annotations

import re

from app.core.text import quote_key


def _printed_box3(guideline_text: str) -> dict[tuple[str, int], list[str]]:
    start = guideline_text.index("\nCRS\n\nGrade 1\n")
    end = guideline_text.index("AE, adverse event; AED, anti-epileptic drug", start)
    lists: dict[tuple[str, int], list[str]] = {}
    syndrome, grade = "crs", 0
    for line in guideline_text[start:end].splitlines():
        line = line.strip()
        if line.startswith("Immune effector cell-associated neurotoxicity syndrome (ICANS)"):
            syndrome = "icans"
        elif m := re.fullmatch(r"Grade (\d)", line):
            grade = int(m.group(1))
        elif line.startswith("- "):
            lists.setdefault((syndrome, grade), []).append(line[2:])
    return lists


def test_panel_box3_lists_are_the_printed_lists(bundle, guideline_text):
    printed = _printed_box3(guideline_text)
    statements = {s.id: s for s in bundle.statements}
    assert len(printed) == 8
    for panel in bundle.toxicity:
        ours = [statements[i].source.quote if isinstance(i, str) else i.untagged.quote for i in panel.box3]
        key = (panel.syndrome, panel.grade)
        assert [quote_key(q) for q in ours] == [quote_key(q) for q in printed[key]], key


def test_icans_grade_1_untagged_bullets(bundle):
    (panel,) = [p for p in bundle.toxicity if (p.syndrome, p.grade) == ("icans", 1)]
    first, second = panel.box3[:2]
    assert not isinstance(first, str) and first.untagged.quote == "Observation."
    assert not isinstance(second, str) and second.untagged.location == "Box 3 › ICANS › Grade 1, bullet 2"
    assert all(isinstance(i, str) for i in panel.box3[2:])
    assert not any(c.quote in ("Observation.", second.untagged.quote) for c in panel.cautions)
