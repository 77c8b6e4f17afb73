"""Every clinical statement traces to the guideline: quotes verbatim, no tag left out."""

from __future__ import annotations

import re
from bisect import bisect_right

import pytest

from app.core.content.bundle import iter_source_refs
from app.core.evidence import TAG_PATTERN, find_tags
from app.core.text import quote_key

KEY_TAG = re.compile(r"\[(?:panelconsensus)?[;,]?(?:(?:IV|V|I{1,3}),[A-E])?\]")


def _key_tags(key: str) -> list[int]:
    return [m.start() for m in KEY_TAG.finditer(key) if m.group(0) != "[]"]


def test_every_quote_is_found_in_the_guideline(bundle, guideline_text):
    seed = quote_key(guideline_text)
    refs = iter_source_refs(bundle)
    missing = [f"{where}: {ref.quote[:80]!r}" for where, ref in refs if quote_key(ref.quote) not in seed]
    assert not missing, "quotes not found verbatim in the guideline:\n" + "\n".join(missing)


def test_a_changed_word_is_caught(guideline_text):
    seed = quote_key(guideline_text)
    real = "HDM (200 mg/m²) is the recommended SOC conditioning regimen before ASCT [I, A]."
    assert quote_key(real) in seed
    assert quote_key(real.replace("200", "140")) not in seed
    assert quote_key(real.replace("[I, A]", "[I, B]")) not in seed


def test_tag_counts_of_seed_and_key_agree(guideline_text):
    raw = [m for m in TAG_PATTERN.finditer(guideline_text) if m.group("pc") or m.group("level")]
    assert len(raw) == len(_key_tags(quote_key(guideline_text)))


def test_every_evidence_tag_of_the_guideline_is_in_a_statement(bundle, guideline_text):
    seed = quote_key(guideline_text)
    spans: list[tuple[int, int]] = []
    for statement in bundle.statements:
        key = quote_key(statement.source.quote)
        start = seed.find(key)
        assert start >= 0, statement.id
        while start >= 0:
            spans.append((start, start + len(key)))
            start = seed.find(key, start + 1)
    spans.sort()
    starts = [s for s, _ in spans]
    uncovered = []
    for pos in _key_tags(seed):
        i = bisect_right(starts, pos) - 1
        covered = any(s <= pos < e for s, e in spans[max(0, i - 40) : i + 1])
        if not covered:
            uncovered.append(seed[max(0, pos - 120) : pos + 20])
    assert not uncovered, f"{len(uncovered)} tagged sentence(s) have no statement:\n" + "\n".join(uncovered)


def test_statement_count_matches_the_guideline(bundle, guideline_text):
    tags_in_seed = len(_key_tags(quote_key(guideline_text)))
    tags_in_content = sum(len(s.evidence) for s in bundle.statements)
    assert tags_in_seed == 170
    assert tags_in_content >= tags_in_seed - 10  # the duplicated paragraph is authored once
    distinct = {s.id for s in bundle.statements}
    assert 130 <= len(distinct) <= 200


def test_statement_tags_are_parsed_exactly_as_printed(bundle):
    for s in bundle.statements:
        printed = [m.group(0) for m in TAG_PATTERN.finditer(s.source.quote) if m.group("pc") or m.group("level")]
        assert [e.text for e in s.evidence] == printed


@pytest.mark.parametrize(
    ("tag", "level", "grade", "pc"),
    [
        ("[I, A]", "I", "A", False),
        ("[panel consensus; V, C]", "V", "C", True),
        ("[panel consensus, IV, C]", "IV", "C", True),
        ("[panel consensus]", None, None, True),
        ("[III, B]", "III", "B", False),
    ],
)
def test_tag_parsing(tag, level, grade, pc):
    (e,) = find_tags(f"text {tag}.")
    assert (e.level, e.grade, e.panel_consensus, e.text) == (level, grade, pc, tag)


def test_not_a_tag_is_ignored():
    assert find_tags("[¹⁸F]fluorodeoxyglucose and [abstract]") == []
