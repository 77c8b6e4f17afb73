"""Is a guide database usable, not merely intact?

SQLite's ``integrity_check`` proves the b-trees are sound; it says nothing about what they
hold, and it does not look inside the FTS5 index. A database that arrives signed is checked
here before it is installed, and again at start-up, in this order:

1. :func:`check_schema`: the tables, views, triggers and indexes are exactly those the app's
   own DDL (:data:`app.storage.schema.DDL`) creates — one source of truth, instantiated in
   memory — with the same SQL. Nothing else: no view in place of a table, no trigger, no
   statistics table, no extra column.
2. :func:`check_search_index`: FTS5's own ``integrity-check`` (with ``rank = 1``, which also
   compares the index with the ``search_docs`` rows it was built from), run on an in-memory
   copy because the command needs a writable database.
3. :func:`check_content`: every model loaded through :class:`~app.storage.repository.GuideRepository`
   (the whole :class:`~app.core.content.bundle.ContentBundle`, validated with its
   cross-references), every meta key, the derived tables' references, and a search that finds
   a regimen.

Every statement runs under a time bound (:mod:`app.storage.guard`). Each step raises
:class:`~app.storage.database.GuideDatabaseError` with its own code: ``unexpected_schema``,
``corrupt_search_index``, ``unusable_content`` or ``database_timeout``.
"""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

from app.storage import guard, schema

UNEXPECTED_SCHEMA = "unexpected_schema"
CORRUPT_SEARCH_INDEX = "corrupt_search_index"
UNUSABLE_CONTENT = "unusable_content"
DATABASE_TIMEOUT = "database_timeout"

SchemaItem = tuple[str, str, str, str | None]


class DatabaseUnusable(Exception):
    """A guide database failed one of these checks; ``code`` says which."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _normalise(sql: str | None) -> str | None:
    return " ".join(sql.split()) if sql is not None else None


@functools.cache
def expected_schema() -> frozenset[SchemaItem]:
    """``(type, name, tbl_name, sql)`` of every schema object :data:`schema.DDL` creates."""
    conn = sqlite3.connect(":memory:")
    try:
        for ddl in schema.DDL:
            conn.execute(ddl)
        return _schema_of(conn)
    finally:
        conn.close()


def _schema_of(conn: sqlite3.Connection) -> frozenset[SchemaItem]:
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return frozenset((str(t), str(n), str(tb), _normalise(s)) for t, n, tb, s in rows)


def check_schema(conn: sqlite3.Connection) -> None:
    """Refuse any schema object the app's DDL does not create, and any it creates that is missing."""
    with _timeout_as_error(), guard.bounded(conn):
        found = _schema_of(conn)
    expected = expected_schema()
    extra = sorted(found - expected, key=lambda i: (i[0], i[1]))
    missing = sorted(expected - found, key=lambda i: (i[0], i[1]))
    if extra:
        kind, name = extra[0][0], extra[0][1]
        redefined = any(m[1] == name for m in missing)
        what = f"its {kind} {name!r} is not defined as the app defines it" if redefined else \
            f"it holds a {kind} {name!r} that a guide database does not have"
        raise DatabaseUnusable(UNEXPECTED_SCHEMA, f"unexpected schema: {what}" +
                               (f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""))
    if missing:
        kind, name = missing[0][0], missing[0][1]
        raise DatabaseUnusable(UNEXPECTED_SCHEMA, f"unexpected schema: the {kind} {name!r} is missing" +
                               (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))


def check_search_index(conn: sqlite3.Connection) -> None:
    """FTS5 ``integrity-check`` of the search index, against its content table."""
    memory = guard.connect("file::memory:")
    try:
        conn.backup(memory)
        with _timeout_as_error(), guard.bounded(memory):
            memory.execute(f"INSERT INTO {schema.FTS_TABLE}({schema.FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
    except (sqlite3.DatabaseError, MemoryError) as exc:  # a corrupt index can make SQLite report NOMEM
        reason = str(exc) or type(exc).__name__
        raise DatabaseUnusable(CORRUPT_SEARCH_INDEX, f"the search index fails its integrity check: {reason}") from None
    finally:
        memory.close()


_REFERENCES = (
    ("names", "SELECT count(*) FROM names WHERE (kind = 'regimen' AND ref_id NOT IN (SELECT abbr FROM regimens))"
              " OR (kind = 'drug' AND ref_id NOT IN (SELECT id FROM drugs)) OR kind NOT IN ('regimen', 'drug')"),
    ("statement_links", "SELECT count(*) FROM statement_links WHERE statement_id NOT IN (SELECT id FROM statements)"
                        " OR figure NOT IN (SELECT id FROM figures)"),
    ("statement_evidence", "SELECT count(*) FROM statement_evidence WHERE statement_id NOT IN "
                           "(SELECT id FROM statements)"),
    ("search_docs", "SELECT count(*) FROM search_docs WHERE kind NOT IN (" +
                    ", ".join(f"'{k}'" for k in schema.SEARCH_KINDS) + ")"),
)


def check_content(path: Path) -> None:
    """Load every model through the repository and run a search; refuse what does not load."""
    from app.storage.repository import GuideRepository

    try:
        with GuideRepository(Path(path)) as repo:
            meta = repo.meta_values()
            missing = [k for k in schema.META_KEYS if not meta.get(k)]
            if missing:
                raise DatabaseUnusable(UNUSABLE_CONTENT, f"its meta table lacks {', '.join(missing)}")
            bundle = repo.bundle()
            for figure in bundle.figures:
                repo.links_for_node(figure.id)
            for table, sql in _REFERENCES:
                if repo._rows(sql)[0][0]:
                    raise DatabaseUnusable(UNUSABLE_CONTENT, f"rows of {table} refer to content that is not there")
            if not bundle.glossary.regimens:
                raise DatabaseUnusable(UNUSABLE_CONTENT, "it holds no regimens")
            probe = bundle.glossary.regimens[0].abbr
            if not repo.search(probe, limit=5):
                raise DatabaseUnusable(UNUSABLE_CONTENT, f"a search for {probe!r} finds nothing")
    except DatabaseUnusable:
        raise
    except Exception as exc:  # hostile content: whatever fails to load makes it unusable
        if _is_timeout(exc):
            raise DatabaseUnusable(DATABASE_TIMEOUT, "reading its content ran past the time bound") from None
        raise DatabaseUnusable(UNUSABLE_CONTENT, f"its content does not load: {_brief(exc)}") from None


def validate_database(path: Path, *, content: bool = True) -> None:
    """The checks on ``path`` (already known to be an intact guide database file); the content
    load is left out with ``content=False`` (for bytes this code already loaded)."""
    conn = guard.connect(Path(path).resolve().as_uri() + "?mode=ro")
    try:
        check_schema(conn)
        check_search_index(conn)
    finally:
        conn.close()
    if content:
        check_content(path)


class _timeout_as_error:  # noqa: N801 - used as a context manager
    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, guard.QueryTimeout):
            raise DatabaseUnusable(DATABASE_TIMEOUT, f"{exc}; the database is not usable") from None


def _is_timeout(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, guard.QueryTimeout) or (
            isinstance(seen, sqlite3.OperationalError) and "interrupted" in str(seen)
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}"
