"""`mmguide search` finds the calculators (kind "calculator") and the tools (kind "tool")."""

from __future__ import annotations

import pytest

from app.core.calculators.all import ORDER
from app.core.tools import TOOLS

KEYS = {"kind", "id", "title", "snippet", "section"}


@pytest.mark.parametrize(
    ("query", "kind", "ref_id"),
    [
        ("crcl", "calculator", "crcl"),
        ("cockcroft", "calculator", "crcl"),
        ("gfr", "calculator", "egfr"),
        ("step-up", "calculator", "bispecific-step-up"),
        ("bsa", "calculator", "bsa"),
        ("crs screen", "tool", "crs-grader"),
        ("lenalidomide renal", "tool", "lenalidomide-renal-table"),
    ],
)
def test_search_returns_the_tool_first_with_its_kind(run, query, kind, ref_id):
    code, hits = run("search", query, "--limit", "5")
    assert code == 0
    assert all(set(h) == KEYS for h in hits)
    assert (hits[0]["kind"], hits[0]["id"]) == (kind, ref_id)


def test_every_calculator_and_tool_is_found_by_its_id(run):
    for calc_id in ORDER:
        code, hits = run("search", calc_id)
        assert code == 0 and ("calculator", calc_id) in {(h["kind"], h["id"]) for h in hits}, calc_id
    for tool in TOOLS:
        code, hits = run("search", tool.title)
        assert code == 0 and ("tool", tool.id) in {(h["kind"], h["id"]) for h in hits}, tool.id


def test_tocilizumab_gives_the_drug_and_its_dose_calculator_on_top(run):
    code, hits = run("search", "tocilizumab", "--limit", "3")
    assert code == 0
    assert {(h["kind"], h["id"]) for h in hits[:2]} == {("drug", "tocilizumab"), ("calculator", "tocilizumab-dose")}
    calc = next(h for h in hits if h["kind"] == "calculator")
    assert calc["title"].startswith("Tocilizumab dose") and calc["section"] is None


def test_text_output_names_the_kind(run):
    code, out = run("--text", "search", "cockcroft")
    assert code == 0 and isinstance(out, str)
    assert "calculator" in out.lower() and "Cockcroft" in out
