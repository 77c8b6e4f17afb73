"""Search order: what the guideline says (statements, regimens…) comes before its errata."""

from __future__ import annotations

import pytest

from app.storage.repository import GuideRepository
from app.storage.search import LATER_KINDS, search

#: queries that find both statements or regimens and errata (the errata came first or second before)
MIXED = ["lenalidomide refractory", "PvD", "seld", "bortezomib sensitive"]


@pytest.mark.parametrize("query", MIXED)
def test_real_statements_and_regimens_come_before_errata(real_repo: GuideRepository, query: str) -> None:
    kinds = [h.kind for h in search(real_repo, query, limit=20)]
    assert "erratum" in kinds and {"statement", "regimen"} & set(kinds), kinds
    first_erratum = kinds.index("erratum")
    assert all(k in LATER_KINDS for k in kinds[first_erratum:]), kinds
    assert any(k in ("statement", "regimen") for k in kinds[:first_erratum]), kinds


def test_real_errata_are_still_found_when_nothing_else_matches(real_repo: GuideRepository) -> None:
    hits = search(real_repo, "misspelling")
    assert hits and all(h.kind == "erratum" for h in hits)


def test_real_scores_stay_in_order(real_repo: GuideRepository) -> None:
    scores = [h.score for h in search(real_repo, "lenalidomide refractory", limit=30)]
    assert scores == sorted(scores, reverse=True)
