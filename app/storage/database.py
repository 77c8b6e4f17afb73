"""Open and verify a guide database, read-only.

The connection is made by a ``creator`` that opens ``Path.as_uri() + "?mode=ro"`` with
``uri=True``: a hand-built ``sqlite:///file:…`` URL breaks on ``#`` or ``%`` in the path (an
experiment silently created a new empty database). ``immutable=1`` is added only for a file
nobody can change while the app runs (the copy inside the install folder). Every statement is
bounded in time (:mod:`app.storage.guard`): the engine restarts the connection's clock before
each statement and stops it when the connection goes back to the pool.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from app.storage import guard, schema

_SQLITE_MAGIC = b"SQLite format 3\x00"


class GuideDatabaseError(Exception):
    """A file is not a usable guide database; ``code`` says why."""

    def __init__(self, code: str, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.path = path


class DatabaseInfo(BaseModel):
    """What :func:`verify_database` found in a good database."""

    model_config = ConfigDict(frozen=True)

    path: Path
    size_bytes: int
    application_id: int
    schema_version: int
    integrity: str
    content_version: str
    content_date: date
    source_hash: str
    title: str
    doi: str
    meta: dict[str, str]


def database_uri(path: Path, *, immutable: bool = False) -> str:
    """The SQLite URI that opens ``path`` read-only (``immutable=1`` on request)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def connect_readonly(path: Path, *, immutable: bool = False) -> guard.BoundedConnection:
    """A stdlib connection that can only read ``path`` (never creates the file), time-bounded."""
    return guard.connect(database_uri(path, immutable=immutable), check_same_thread=False)


def _start_clock(conn: object, cursor: sqlite3.Cursor, *args: object) -> None:
    clock = getattr(cursor.connection, "clock", None)
    if clock is not None:
        clock.start()


def _stop_clock(dbapi_connection: object, record: object) -> None:
    clock = getattr(dbapi_connection, "clock", None)
    if clock is not None:
        clock.stop()


def open_engine(path: Path, *, immutable: bool = False) -> Engine:
    """A SQLAlchemy engine over ``path``, read-only; raises :class:`GuideDatabaseError` if absent."""
    path = Path(path)
    if not path.is_file():
        raise GuideDatabaseError("missing", f"no database file at {path}", path)
    engine = create_engine(
        "sqlite://",
        creator=lambda: connect_readonly(path, immutable=immutable),
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
    )
    event.listen(engine, "before_cursor_execute", _start_clock)
    event.listen(engine.pool, "checkin", _stop_clock)
    return engine


def verify_database(path: Path, *, quick: bool = False, immutable: bool = False) -> DatabaseInfo:
    """Check that ``path`` is an intact guide database of a supported schema and read its meta.

    Checks, in order: a regular SQLite file (not in WAL mode), ``application_id``,
    ``user_version`` (a supported schema), the schema objects (exactly the app's DDL),
    ``PRAGMA integrity_check`` (or ``quick_check``), the meta table, every statement within
    its time bound. Raises :class:`GuideDatabaseError` naming the first failure.
    """
    path = Path(path)
    if not path.is_file():
        raise GuideDatabaseError("missing", f"no database file at {path}", path)
    size = path.stat().st_size
    with path.open("rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise GuideDatabaseError("not-sqlite", f"{path} is not an SQLite database", path)
    if header[18] != 1 or header[19] != 1:
        raise GuideDatabaseError(
            "wal", f"{path} is in WAL mode; a guide database must use the rollback journal", path
        )
    try:
        conn = connect_readonly(path, immutable=immutable)
    except sqlite3.Error as exc:
        raise GuideDatabaseError("unreadable", f"cannot open {path}: {exc}", path) from exc
    try:
        with guard.bounded(conn, guard.check_limit(size)):
            return _verify_open(conn, path, size, quick)
    except guard.QueryTimeout as exc:
        raise GuideDatabaseError("timeout", f"{path}: {exc}", path) from None
    except sqlite3.DatabaseError as exc:
        raise GuideDatabaseError("corrupt", f"{path} cannot be read as a database: {exc}", path) from exc
    finally:
        conn.close()


def _verify_open(conn: sqlite3.Connection, path: Path, size: int, quick: bool) -> DatabaseInfo:
    from app.storage.validate import DatabaseUnusable, check_schema

    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id != schema.APPLICATION_ID:
        raise GuideDatabaseError(
            "wrong-application",
            f"{path} is not a guide database "
            f"(application_id {app_id:#x}, expected {schema.APPLICATION_ID:#x})",
            path,
        )
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version not in schema.SUPPORTED_SCHEMA_VERSIONS:
        supported = ", ".join(str(v) for v in sorted(schema.SUPPORTED_SCHEMA_VERSIONS))
        raise GuideDatabaseError(
            "unsupported-schema", f"{path} has schema {version}; this app reads schema {supported}", path
        )
    try:
        check_schema(conn)
    except DatabaseUnusable as exc:
        raise GuideDatabaseError(exc.code, f"{path}: {exc.message}", path) from None
    check = "quick_check" if quick else "integrity_check"
    rows = [r[0] for r in conn.execute(f"PRAGMA {check}").fetchall()]
    if rows != ["ok"]:
        raise GuideDatabaseError("integrity", f"{check} of {path} failed: {'; '.join(rows[:5])}", path)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error as exc:
        raise GuideDatabaseError("meta", f"{path} has no readable meta table: {exc}", path) from exc
    missing = [k for k in schema.META_KEYS if k not in meta]
    if missing:
        raise GuideDatabaseError("meta", f"{path} meta lacks {', '.join(missing)}", path)
    if meta["schema_version"] != str(version):
        raise GuideDatabaseError(
            "meta",
            f"{path}: meta schema_version {meta['schema_version']} != user_version {version}",
            path,
        )
    try:
        content_date = date.fromisoformat(meta["content_date"])
    except ValueError as exc:
        raise GuideDatabaseError(
            "meta", f"{path}: bad content_date {meta['content_date']!r}", path
        ) from exc
    return DatabaseInfo(
        path=path,
        size_bytes=size,
        application_id=app_id,
        schema_version=version,
        integrity="ok",
        content_version=meta["content_version"],
        content_date=content_date,
        source_hash=meta["source_hash"],
        title=meta["title"],
        doi=meta["doi"],
        meta=meta,
    )
