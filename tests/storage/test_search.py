"""Full-text search: every kind is found, hostile input never raises, prefixes and diacritics."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.storage.database import connect_readonly, open_engine
from app.storage.repository import GuideRepository
from app.storage.search import (
    MAX_TOKENS,
    SearchHit,
    match_expression,
    query_tokens,
    run_match,
    search,
)

HOSTILE = [
    "sepsis AND (",
    '"',
    '""',
    '"unterminated',
    "*",
    "**",
    "NEAR(",
    "NEAR(dara cilta, 2)",
    "-",
    "-dara",
    ":",
    "title:dara",
    "^",
    "^dara",
    "",
    " ",
    "\x00",
    "dara\x00cilta",
    "\x00\x00\x00",
    "x" * 10_000,
    "dara " * 2_000,
    "AND",
    "OR NOT",
    "dara OR",
    "(",
    ")",
    "{title body}: dara",
    "'; DROP TABLE statements; --",
    "%_%",
    "«»",
    "\u0301",
    "e\u0301",
    "\ud800" if False else "\uffff",
    "🙂 dara",
    "١٢٣",
]


@pytest.mark.parametrize(
    ("query", "kind", "ref_id"),
    [
        ("quadruplets", "statement", "ndmm-te-quad"),
        ("IsaVRd", "regimen", "IsaVRd"),
        ("carfilzomib", "drug", "carfilzomib"),
        ("CANDOR", "trial", "candor"),
        ("free light chains", "table1", "0"),
        ("PET", "table1", "1"),
        ("del 17p", "box1", "del17p"),
        ("CRS grade 2", "toxicity", "crs-2"),
        ("800 mg", "toxicity", "crs-2"),
        ("platypus", "erratum", "box1-b2m-unit"),
        ("wombat", "conflict", "toci-interval"),
        ("first relapse", "figure", "fig2"),
        ("quokka", "figure", "fig2"),
        ("refractory to lenalidomide", "figure", "fig2"),
        ("randomised", "evidence", "level-I"),
        ("panel consensus", "evidence", "panel-consensus"),
        ("Supportive care", "section", "supportive"),
        ("zoledronic", "statement", "box2-bone"),
        ("ocular", "statement", "box3-ocular"),
    ],
)
def test_every_kind_is_searchable(repo: GuideRepository, query: str, kind: str, ref_id: str) -> None:
    hits = search(repo, query, limit=50)
    assert (kind, ref_id) in {(h.kind, h.id) for h in hits}, [(h.kind, h.id) for h in hits]
    assert all(not h.approximate for h in hits)


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_do_not_raise(repo: GuideRepository, query: str) -> None:
    hits = search(repo, query)
    assert isinstance(hits, list) and all(isinstance(h, SearchHit) for h in hits)


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_expressions_are_valid_fts5(synthetic_db: Path, query: str) -> None:
    """Without search()'s safety net: the built expression itself must be valid FTS5."""
    conn = connect_readonly(synthetic_db)
    try:
        tokens = query_tokens(query)
        for any_token in (False, True):
            expression = match_expression(tokens, any_token=any_token)
            if expression:
                run_match(conn, expression, 20)
    finally:
        conn.close()


def test_empty_queries_return_nothing(repo: GuideRepository) -> None:
    for query in ("", "   ", "\x00", "*", '"', "-:^()"):
        assert search(repo, query) == []


def test_query_tokens() -> None:
    assert query_tokens('sepsis AND ("x"') == ["sepsis", "AND", "x"]
    assert query_tokens("dara\x00cilta") == ["dara", "cilta"]
    assert query_tokens("cilta-cel DaraVRd") == ["cilta", "cel", "DaraVRd"]
    assert query_tokens("Dara dara DARA") == ["Dara"]
    assert query_tokens("β₂ ²") == ["β2", "2"]
    assert len(query_tokens("x " * 5_000 + " ".join(f"w{i}" for i in range(100)))) <= MAX_TOKENS
    assert match_expression(['a"b', "c"]) == '"a""b"* "c"*'
    assert match_expression(["a", "b"], any_token=True) == '"a"* OR "b"*'


@pytest.mark.parametrize(
    ("query", "kind", "ref_id"),
    [
        ("cilt", "regimen", "cilta-cel"),
        ("cilt", "statement", "rrmm-cilta"),
        ("dara", "regimen", "DaraVRd"),
        ("dara", "regimen", "DaraKd"),
        ("DaraK", "statement", "rrmm-darakd"),
        ("toci", "drug", "tocilizumab"),
        ("lenalid refrac", "statement", "rrmm-darakd"),
        ("zol", "drug", "zoledronic-acid"),
    ],
)
def test_prefixes(repo: GuideRepository, query: str, kind: str, ref_id: str) -> None:
    assert (kind, ref_id) in {(h.kind, h.id) for h in search(repo, query, limit=50)}


@pytest.mark.parametrize("query", ["hotel", "Hôtel", "HÔTEL", "hôtel dieu", "β2 microglobulin", "Β2"])
def test_diacritics_and_case(repo: GuideRepository, query: str) -> None:
    hits = search(repo, query)
    assert "diag-hotel" in {h.id for h in hits}


def test_french_word_finds_english_one(repo: GuideRepository) -> None:
    hits = search(repo, "myélome")
    assert hits and all(h.approximate for h in hits)
    assert any("myeloma" in (h.title + h.snippet).casefold() for h in hits)
    assert search(repo, "myélome") == search(repo, "MYELOME")


def test_no_match_gives_empty_list(repo: GuideRepository) -> None:
    assert search(repo, "xylophone") == []
    assert search(repo, "sepsis AND (") == [], "an OR retry never rests on a common word alone"


def test_or_retry_when_not_every_word_matches(repo: GuideRepository) -> None:
    hits = search(repo, "tocilizumab xylophone")
    assert hits and all(h.approximate for h in hits)
    assert "tocilizumab" in {h.id for h in hits}


def test_snippet_marks_hits(repo: GuideRepository) -> None:
    hits = search(repo, "refractory")
    statement = next(h for h in hits if h.id == "rrmm-darakd")
    assert "«refractory»" in statement.snippet
    assert statement.section == "rrmm-recs"
    assert statement.title.endswith("[I, A]")


def test_ranking_prefers_titles_and_is_ordered(repo: GuideRepository) -> None:
    hits = search(repo, "tocilizumab")
    assert (hits[0].kind, hits[0].id) == ("drug", "tocilizumab")
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_toxicity_panel_outranks_its_statements(repo: GuideRepository) -> None:
    hits = search(repo, "CRS grade 2")
    assert (hits[0].kind, hits[0].id) == ("toxicity", "crs-2")
    assert hits[0].title == "CRS grade 2"


def test_limit(repo: GuideRepository) -> None:
    assert len(search(repo, "recommended", limit=2)) == 2
    assert search(repo, "recommended", limit=0) == []
    assert len(search(repo, "recommended", limit=10**9)) > 2


def test_every_target_kind(synthetic_db: Path, repo: GuideRepository) -> None:
    expected = search(repo, "dara")
    conn = connect_readonly(synthetic_db)
    engine = open_engine(synthetic_db)
    try:
        assert search(conn, "dara") == expected
        assert search(engine, "dara") == expected
        with engine.connect() as sa_conn:
            assert search(sa_conn, "dara") == expected
        assert repo.search("dara") == expected
    finally:
        conn.close()
        engine.dispose()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(repo: GuideRepository, query: str) -> None:
    assert isinstance(search(repo, query), list)


_FTS_CHARS = st.sampled_from([*list("\"*()^:-+{},.;'NEAR AND OR NOT\x00 é«»"), "NEAR(", "AND", "OR", "NOT"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_FTS_CHARS, st.text(max_size=5)), max_size=30).map("".join))
def test_arbitrary_expressions_are_valid(synthetic_db: Path, query: str) -> None:
    conn = sqlite3.connect(synthetic_db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tokens = query_tokens(query)
        for any_token in (False, True):
            expression = match_expression(tokens, any_token=any_token)
            if expression:
                assert isinstance(run_match(conn, expression, 5), list)
    finally:
        conn.close()


# --- the real content --------------------------------------------------------------------------------

REAL_QUERIES = [
    "dara",
    "cilta",
    "tocilizumab",
    "grade 2 icans",
    "lenalidomide refractory",
    "zoledronic",
    "MRD",
]


@pytest.mark.parametrize("query", REAL_QUERIES)
def test_real_typical_queries_find_something(real_repo: GuideRepository, query: str) -> None:
    assert search(real_repo, query), query


@pytest.mark.parametrize("query", HOSTILE)
def test_real_hostile_queries(real_repo: GuideRepository, query: str) -> None:
    assert isinstance(search(real_repo, query), list)


@pytest.mark.parametrize(("query", "panel"), [("grade 2 icans", "icans-2"), ("crs grade 3", "crs-3")])
def test_real_toxicity_panels_rank_high(real_repo: GuideRepository, query: str, panel: str) -> None:
    top = [(h.kind, h.id) for h in search(real_repo, query, limit=3)]
    assert ("toxicity", panel) in top, top


def test_real_cilta_prefix(real_repo: GuideRepository) -> None:
    hits = search(real_repo, "cilt")
    assert any("cilta" in (h.title + h.snippet).casefold() for h in hits)


# --- calculators and tools (from the calculator registry and app.core.tools) -------------------------


def test_numbers_match_only_themselves() -> None:
    assert match_expression(["grade", "2"]) == '"grade"* "2"'
    assert match_expression(["β2", "2019"], any_token=True) == '"β2"* OR "2019"'


def test_every_calculator_and_tool_is_indexed_with_its_own_title(synthetic_db: Path) -> None:
    from app.core.calculators.base import REGISTRY
    from app.core.tools import TOOLS

    conn = connect_readonly(synthetic_db)
    try:
        sql = "SELECT kind, ref_id, label FROM search_docs WHERE kind IN ('calculator', 'tool')"
        rows = conn.execute(sql).fetchall()
    finally:
        conn.close()
    assert {(r[1], r[2]) for r in rows if r[0] == "calculator"} == {(c.id, c.title) for c in REGISTRY.values()}
    assert {(r[1], r[2]) for r in rows if r[0] == "tool"} == {(t.id, t.title) for t in TOOLS}
    assert len(REGISTRY) == 16


def test_a_keyword_finds_its_calculator_first(repo: GuideRepository) -> None:
    for query, calc in [("cockcroft", "crcl"), ("CrCl", "crcl"), ("GFR", "egfr"), ("step up", "bispecific-step-up")]:
        hits = search(repo, query)
        assert (hits[0].kind, hits[0].id) == ("calculator", calc), (query, [(h.kind, h.id) for h in hits[:3]])


def test_the_drug_a_query_names_outranks_the_calculator_of_that_drug(repo: GuideRepository) -> None:
    top = [(h.kind, h.id) for h in search(repo, "tocilizumab", limit=2)]
    assert top == [("drug", "tocilizumab"), ("calculator", "tocilizumab-dose")]


def test_a_limit_smaller_than_the_window_still_puts_the_named_hit_first(repo: GuideRepository) -> None:
    assert [(h.kind, h.id) for h in search(repo, "frailty", limit=1)] in (
        [("calculator", "imwg-frailty")],
        [("calculator", "simplified-frailty")],
    )


TOOL_QUERIES = [
    # query, expected (kind, id), within the first n hits
    ("crcl", ("calculator", "crcl"), 1),
    ("creatinine clearance", ("calculator", "crcl"), 1),
    ("cockcroft", ("calculator", "crcl"), 1),
    ("Cockcroft-Gault", ("calculator", "crcl"), 1),
    ("gfr", ("calculator", "egfr"), 1),
    ("egfr", ("calculator", "egfr"), 1),
    ("ckd-epi", ("calculator", "egfr"), 1),
    ("frailty", ("calculator", "imwg-frailty"), 2),
    ("frailty", ("calculator", "simplified-frailty"), 2),
    ("step-up", ("calculator", "bispecific-step-up"), 1),
    ("step up", ("calculator", "bispecific-step-up"), 1),
    ("lenalidomide dose", ("tool", "lenalidomide-renal-table"), 3),
    ("bsa", ("calculator", "bsa"), 1),
    ("body surface", ("calculator", "bsa"), 1),
    ("iss", ("calculator", "iss"), 1),
    ("r-iss", ("calculator", "r-iss"), 1),
    ("r2-iss", ("calculator", "r2-iss"), 1),
    ("ice", ("calculator", "ice"), 1),
    ("crs grade", ("calculator", "crs-grade"), 1),
    ("icans grade", ("calculator", "icans-grade"), 1),
    ("tocilizumab dose", ("calculator", "tocilizumab-dose"), 1),
    ("tocilizumab", ("drug", "tocilizumab"), 2),
    ("tocilizumab", ("calculator", "tocilizumab-dose"), 2),
    ("high risk", ("calculator", "high-risk"), 1),
    ("smouldering", ("calculator", "smm-2-20-20"), 3),
    ("crs screen", ("tool", "crs-grader"), 1),
    ("icans grader", ("tool", "icans-grader"), 1),
    ("step-up helper", ("tool", "step-up-helper"), 1),
    ("lenalidomide renal", ("tool", "lenalidomide-renal-table"), 1),
    ("lenalidomide", ("drug", "lenalidomide"), 1),
]


@pytest.mark.parametrize(("query", "expected", "within"), TOOL_QUERIES)
def test_real_tools_rank_first_for_their_typical_queries(
    real_repo: GuideRepository, query: str, expected: tuple[str, str], within: int
) -> None:
    top = [(h.kind, h.id) for h in search(real_repo, query, limit=10)]
    assert expected in top[:within], (query, top[:5])


@pytest.mark.parametrize(
    ("query", "panel"), [("grade 2 icans", "icans-2"), ("crs grade 3", "crs-3"), ("CRS grade 2", "crs-2")]
)
def test_real_a_grade_number_is_not_a_year(real_repo: GuideRepository, query: str, panel: str) -> None:
    """A "2" matches "2" only: the ASTCT 2019 calculators do not crowd out the grade's panel."""
    hits = search(real_repo, query, limit=10)
    assert (hits[0].kind, hits[0].id) == ("toxicity", panel)
    assert "calculator" not in {h.kind for h in hits}


def test_committed_database_has_the_current_calculator_and_tool_documents() -> None:
    """db/guide.sqlite carries the search documents the registry gives now (a keyword or title
    changed in app/core/calculators or app/core/tools needs a rebuild, like a content change)."""
    from app.storage.build import calculator_documents, tool_documents

    bundled = Path(__file__).resolve().parents[2] / "db" / "guide.sqlite"
    if not bundled.is_file():
        pytest.skip("db/guide.sqlite is not built (python -m app.storage.build)")
    conn = connect_readonly(bundled)
    try:
        rows = conn.execute(
            "SELECT kind, ref_id, title, body, section, extra, label FROM search_docs"
            " WHERE kind IN ('calculator', 'tool') ORDER BY rowid"
        ).fetchall()
        names = dict(conn.execute("SELECT id, name FROM drugs").fetchall())
    finally:
        conn.close()
    expected = [
        (d.kind, d.ref_id, d.title, d.body, d.section, d.extra, d.label or d.title)
        for d in [*calculator_documents(), *tool_documents(names)]
    ]
    assert rows == expected, "db/guide.sqlite is stale: rebuild it with `python -m app.storage.build`"
