"""Full-text search over the guide database (SQLite FTS5, bm25 ranking).

User input never reaches ``MATCH`` as written: it is cut into runs of letters and digits,
each run becomes a quoted prefix token ``"tok"*`` and the tokens are ANDed. Case and
diacritics are folded by the index (``unicode61 remove_diacritics 2``), so ``myélome``,
``MYELOME`` and ``myelome`` are the same query. When nothing matches every token, the search
retries once with shortened tokens (``myélome`` → ``myelom*`` finds "myeloma") and then with
any token (OR, common words left out); such hits are marked ``approximate``. A number matches
only itself (``grade 2`` does not find "2019").

Ranking is bm25 (a word in a heading counts most), except that a hit the query *names* comes
first: the query is its title or id ("tocilizumab" → the drug, "crcl" → the calculator), or one
of the keywords a calculator or tool declares ("cockcroft", "gfr", "step up"). Such hits are
looked for among the first ``max(limit, EXACT_WINDOW)`` bm25 hits (a named hit has the query in
its heavily weighted title, so it is among them). Errata come after every other hit of that window
(statements, regimens, drugs, trials…) unless the query names them: a reader looks for what the
guideline says first and for its misprints second (``LATER_KINDS``).
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError as SAOperationalError

from app.storage import schema
from app.storage.schema import name_key

MAX_TOKENS = 16
MAX_TOKEN_CHARS = 64
MAX_LIMIT = 500
SNIPPET_TOKENS = 24
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "«", "»", "…"
EXACT_WINDOW = 20
#: added to the score of a hit the query names (its title or id), or that declares the query as a keyword
NAME_BONUS, KEYWORD_BONUS = 1000.0, 500.0
#: kinds listed after the other hits of the window unless the query names them, and by how much
#: their score is lowered for it (far more than any bm25 difference, far less than a name bonus)
LATER_KINDS = frozenset({"erratum"})
LATER_PENALTY = 100.0
#: kinds whose ids are names people type (a statement's or a Table 1 row's id is not)
_NAMED_BY_ID = frozenset({"regimen", "drug", "calculator", "tool", "trial"})
#: kinds whose ``extra`` column is their keywords, separated by KEYWORD_SEP (app.storage.build)
_KEYWORD_KINDS = frozenset({"calculator", "tool"})
KEYWORD_SEP = " · "

_TOKEN = re.compile(r"[^\W_]+")
#: Words too common to carry an OR retry on their own.
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "it",
        "near",
        "not",
        "of",
        "on",
    }
    | {"or", "the", "to", "with", "without"}
)

_SQL = (
    "SELECT d.kind, d.ref_id, d.label,"
    f" snippet({schema.FTS_TABLE}, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '{ELLIPSIS}', {SNIPPET_TOKENS}),"
    f" d.section, bm25({schema.FTS_TABLE}, {', '.join(str(w) for w in schema.BM25_WEIGHTS)}) AS score,"
    " d.extra"
    f" FROM {schema.FTS_TABLE} JOIN search_docs d ON d.rowid = {schema.FTS_TABLE}.rowid"
    f" WHERE {schema.FTS_TABLE} MATCH ? ORDER BY score, d.kind_rank, d.rowid LIMIT ?"
)


class SearchHit(BaseModel):
    """One ranked hit. ``score`` is the negated bm25 rank (plus the bonus of a hit the query
    names, see the module docstring): higher is better."""

    model_config = ConfigDict(frozen=True)

    kind: str
    id: str
    title: str
    snippet: str
    section: str | None
    score: float
    approximate: bool = False


class _HasEngine(Protocol):
    @property
    def engine(self) -> Engine: ...


Target = sqlite3.Connection | Engine | Connection | _HasEngine


def query_tokens(query: str) -> list[str]:
    """The words of a user's query: runs of letters and digits, NFKC-normalised, de-duplicated."""
    text = unicodedata.normalize("NFKC", query.replace("\x00", " "))
    tokens: list[str] = []
    seen: set[str] = set()
    for tok in _TOKEN.findall(text):
        tok = tok[:MAX_TOKEN_CHARS]
        key = tok.casefold()
        if key not in seen:
            seen.add(key)
            tokens.append(tok)
        if len(tokens) == MAX_TOKENS:
            break
    return tokens


def _quoted(token: str) -> str:
    """A prefix token, except a number, which matches only itself ("2" is not "2019")."""
    return '"' + token.replace('"', '""') + ('"' if token.isdecimal() else '"*')


def match_expression(tokens: Sequence[str], *, any_token: bool = False) -> str:
    """An FTS5 expression of quoted prefix tokens, ANDed (or ORed); ``""`` for no tokens."""
    return (" OR " if any_token else " ").join(_quoted(t) for t in tokens if t)


def _shorten(token: str) -> str:
    """A crude stem for the retry: keep about three quarters of a long word (at least four)."""
    if len(token) < 5 or token.isdecimal():
        return token
    return token[: max(4, (3 * len(token) + 3) // 4)]


def run_match(target: Target, expression: str, limit: int, query: str = "") -> list[SearchHit]:
    """Run one FTS5 expression (built by :func:`match_expression`); errors are not hidden.

    With ``query``, the hits it names come first (see the module docstring)."""
    key = name_key(query)
    window = max(limit, EXACT_WINDOW)
    rows = _execute(target, _SQL, (expression, window))
    hits = [
        SearchHit(
            kind=r[0], id=r[1], title=r[2], snippet=r[3] or "", section=r[4], score=-float(r[5]) + _bonus(key, r)
        )
        for r in rows
    ]
    hits.sort(key=lambda h: -h.score)  # stable: bm25 order (and its tie-breaks) within a tier
    return hits[:limit]


def _bonus(key: str, row: Any) -> float:
    kind, ref_id, label, extra = row[0], row[1], row[2], row[6]
    if key and (key == _key(label) or (kind in _NAMED_BY_ID and key == _key(ref_id))):
        return NAME_BONUS
    if key and kind in _KEYWORD_KINDS and key in _keywords(extra or ""):
        return KEYWORD_BONUS
    return -LATER_PENALTY if kind in LATER_KINDS else 0.0


@functools.lru_cache(maxsize=8192)
def _key(name: str) -> str:
    return name_key(name)


@functools.lru_cache(maxsize=1024)
def _keywords(extra: str) -> frozenset[str]:
    return frozenset(name_key(k) for k in extra.split(KEYWORD_SEP))


def search(target: Target, query: str, limit: int = 20) -> list[SearchHit]:
    """Ranked hits for what a user typed, best first; ``[]`` when nothing (or no word) is given.

    ``target`` is a :class:`~app.storage.repository.GuideRepository` (anything with an
    ``engine``), a SQLAlchemy engine or connection, or a stdlib ``sqlite3`` connection.
    """
    limit = min(int(limit), MAX_LIMIT)
    tokens = query_tokens(query)
    if not tokens or limit <= 0:
        return []
    attempts = [(tokens, False)]
    stems = [_shorten(t) for t in tokens]
    if stems != tokens:
        attempts.append((stems, False))
    loose = [_shorten(t) for t in tokens if len(t) >= 3 and t.casefold() not in _STOPWORDS]
    if len(tokens) > 1 and loose:
        attempts.append((loose, True))
    for n, (words, any_token) in enumerate(attempts):
        try:
            hits = run_match(target, match_expression(words, any_token=any_token), limit, query)
        except (sqlite3.OperationalError, SAOperationalError) as exc:  # safety net: should never fire
            if "fts5" not in str(exc).lower():
                raise
            hits = []
        if hits:
            return hits if n == 0 else [h.model_copy(update={"approximate": True}) for h in hits]
    return []


def _execute(target: Target, sql: str, params: tuple[Any, ...]) -> list[Any]:
    if isinstance(target, sqlite3.Connection):
        return target.execute(sql, params).fetchall()
    if isinstance(target, Connection):
        return list(target.exec_driver_sql(sql, params).all())
    engine = target if isinstance(target, Engine) else target.engine
    with engine.connect() as conn:
        return list(conn.exec_driver_sql(sql, params).all())
