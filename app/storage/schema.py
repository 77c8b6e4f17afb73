"""The layout of the compiled guide database (``db/guide.sqlite``).

The constants here identify a guide database and its layout; other layers (updates, CLI
``info``) import them to check a database before they use it.

Every content object is stored as canonical JSON (``model_dump(mode="json", by_alias=True)``
without computed fields) next to the few columns the repository filters or orders on, so the
repository rebuilds the core pydantic models exactly.
"""

from __future__ import annotations

import re
from typing import Final

from app.core.text import fold

APPLICATION_ID: Final = 0x4D4D4744  # "MMGD"
SCHEMA_VERSION: Final = 1
SUPPORTED_SCHEMA_VERSIONS: Final = frozenset({1})

#: Keys of the ``meta`` table, in the order they are written.
META_KEYS: Final = (
    "content_version",
    "content_date",
    "schema_version",
    "source_hash",
    "title",
    "citation",
    "doi",
    "text_followed",
    "intended_use",
    "disclaimer",
    "literature_cutoff",
)

#: Single-object documents of the ``docs`` table (``dosing``: the label facts and dosing cards).
DOC_NAMES: Final = ("evidence_scale", "table1", "box1", "box2", "box3", "dosing")

#: Kinds of search documents, in the order that breaks ties between equally ranked hits.
SEARCH_KINDS: Final = (
    "regimen",
    "drug",
    "calculator",
    "tool",
    "statement",
    "toxicity",
    "figure",
    "table1",
    "box1",
    "trial",
    "erratum",
    "conflict",
    "evidence",
    "section",
)

FTS_TABLE: Final = "search_fts"

DDL: Final = (
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE docs (
        name TEXT PRIMARY KEY,
        json TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE sections (
        id TEXT PRIMARY KEY,
        ord INTEGER NOT NULL UNIQUE,
        parent TEXT,
        title TEXT NOT NULL,
        json TEXT NOT NULL
    )""",
    """CREATE TABLE statements (
        id TEXT PRIMARY KEY,
        section TEXT NOT NULL,
        kind TEXT NOT NULL,
        ord INTEGER NOT NULL UNIQUE,
        json TEXT NOT NULL
    )""",
    "CREATE INDEX statements_section ON statements (section, ord)",
    """CREATE TABLE statement_evidence (
        statement_id TEXT NOT NULL REFERENCES statements (id),
        ord INTEGER NOT NULL,
        level TEXT,
        grade TEXT,
        panel_consensus INTEGER NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (statement_id, ord)
    ) WITHOUT ROWID""",
    "CREATE INDEX statement_evidence_tag ON statement_evidence (level, grade, panel_consensus)",
    """CREATE TABLE regimens (
        abbr TEXT PRIMARY KEY,
        ord INTEGER NOT NULL UNIQUE,
        name TEXT NOT NULL,
        recommended INTEGER NOT NULL,
        json TEXT NOT NULL
    )""",
    """CREATE TABLE drugs (
        id TEXT PRIMARY KEY,
        ord INTEGER NOT NULL UNIQUE,
        name TEXT NOT NULL,
        json TEXT NOT NULL
    )""",
    # Every spelling a regimen or drug is looked up by (abbr/id, aliases, name), as name_key().
    """CREATE TABLE names (
        key TEXT NOT NULL,
        kind TEXT NOT NULL,
        ref_id TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE trials (
        id TEXT PRIMARY KEY,
        ord INTEGER NOT NULL UNIQUE,
        name TEXT NOT NULL,
        json TEXT NOT NULL
    )""",
    """CREATE TABLE errata (
        id TEXT PRIMARY KEY,
        ord INTEGER NOT NULL UNIQUE,
        json TEXT NOT NULL
    )""",
    """CREATE TABLE conflicts (
        id TEXT PRIMARY KEY,
        ord INTEGER NOT NULL UNIQUE,
        json TEXT NOT NULL
    )""",
    """CREATE TABLE figures (
        id TEXT PRIMARY KEY,
        ord INTEGER NOT NULL UNIQUE,
        title TEXT NOT NULL,
        json TEXT NOT NULL
    )""",
    """CREATE TABLE toxicity (
        syndrome TEXT NOT NULL,
        grade INTEGER NOT NULL,
        ord INTEGER NOT NULL UNIQUE,
        json TEXT NOT NULL,
        PRIMARY KEY (syndrome, grade)
    )""",
    # Which flowchart node and regimen uses which statement (computed from the quotes at build).
    """CREATE TABLE statement_links (
        ord INTEGER PRIMARY KEY,
        statement_id TEXT NOT NULL REFERENCES statements (id),
        figure TEXT NOT NULL,
        node TEXT NOT NULL,
        regimen TEXT NOT NULL,
        via TEXT NOT NULL
    )""",
    "CREATE INDEX statement_links_statement ON statement_links (statement_id, ord)",
    "CREATE INDEX statement_links_node ON statement_links (figure, node, ord)",
    """CREATE TABLE search_docs (
        rowid INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ref_id TEXT NOT NULL,
        label TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        section TEXT,
        extra TEXT NOT NULL,
        kind_rank INTEGER NOT NULL
    )""",
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        title, body, extra,
        content='search_docs', content_rowid='rowid',
        prefix='2 3',
        tokenize='unicode61 remove_diacritics 2'
    )""",
)

#: bm25 weights of the FTS columns (title, body, extra): a hit in a title counts most.
BM25_WEIGHTS: Final = (10.0, 1.0, 2.0)

_NON_WORD = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """Lookup key of a regimen or drug spelling: folded, punctuation and spaces removed."""
    return _NON_WORD.sub("", fold(name))
