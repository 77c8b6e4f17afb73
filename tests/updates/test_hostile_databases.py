"""Signed hostile databases: a package whose signatures, hash and SQLite integrity all hold, but
whose database is not a usable guide database, is refused with its own code — at build
(``admin build-package``), at ``update verify``/``apply`` (exit 3, audit line, nothing changed)
and at start-up (an installation that holds one falls back to the previous good database with
a notice). Every check is bounded in time, so a hostile view cannot hang any of them."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.updates.active import select_active
from tests.updates.helpers import parts, plant, snapshot

Mutation = Callable[[sqlite3.Connection], None]

#: a view that walks a trillion rows before it answers: "runs for hours"
_HOURS = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1000000000000)"


def _garbage_statement_rows(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE statements SET json = '{\"garbage\": true}' WHERE ord % 7 = 0")


def _only_meta_left(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE search_fts")
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta'")]
    for name in names:
        conn.execute(f'DROP TABLE IF EXISTS "{name}"')


def _fts_dropped(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE search_fts")


def _fts_index_blocks_garbled(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE search_fts_data SET block = zeroblob(length(block)) WHERE id > 10")


def _fts_docsize_rows_deleted(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM search_fts_docsize WHERE id % 3 = 0")


def _search_docs_changed_without_reindex(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE search_docs SET title = 'nothing to see', body = 'here' WHERE rowid % 2 = 0")


def _meta_lacking_title(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM meta WHERE key = 'title'")


def _view_in_place_of_meta(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE meta RENAME TO meta_rows")
    conn.execute(f"CREATE VIEW meta AS {_HOURS} SELECT key, value FROM meta_rows WHERE (SELECT max(n) FROM r) > 0")


def _time_bomb_view(conn: sqlite3.Connection) -> None:
    """Fast until a date, then hours per query: passes an install check made before that date."""
    conn.execute("ALTER TABLE figures RENAME TO figure_rows")
    conn.execute(f"CREATE VIEW figures AS {_HOURS} SELECT * FROM figure_rows "
                 "WHERE date('now') < '2000-01-01' OR (SELECT max(n) FROM r) > 0")


def _extra_table(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE notes (x TEXT)")


def _extra_view(conn: sqlite3.Connection) -> None:
    conn.execute(f"CREATE VIEW slow AS {_HOURS} SELECT max(n) FROM r")


def _extra_trigger(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TRIGGER meta_audit AFTER INSERT ON meta BEGIN SELECT 1; END")


def _extra_index(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE INDEX meta_value ON meta (value)")


def _table_redefined(conn: sqlite3.Connection) -> None:
    """``docs`` with the same name and rows but a generated column that computes on every read."""
    conn.execute("ALTER TABLE docs RENAME TO docs_old")
    conn.execute("CREATE TABLE docs (name TEXT PRIMARY KEY, json TEXT NOT NULL, "
                 "pad TEXT GENERATED ALWAYS AS (upper(json)) VIRTUAL) WITHOUT ROWID")
    conn.execute("INSERT INTO docs (name, json) SELECT name, json FROM docs_old")
    conn.execute("DROP TABLE docs_old")


def _analyzed(conn: sqlite3.Connection) -> None:
    conn.execute("ANALYZE")


HOSTILE: list[tuple[str, Mutation, str]] = [
    ("garbage statement rows", _garbage_statement_rows, "unusable_content"),
    ("only meta left", _only_meta_left, "unexpected_schema"),
    ("FTS5 index dropped", _fts_dropped, "unexpected_schema"),
    ("FTS5 index blocks garbled", _fts_index_blocks_garbled, "corrupt_search_index"),
    ("FTS5 docsize rows deleted", _fts_docsize_rows_deleted, "corrupt_search_index"),
    ("search documents changed without reindexing", _search_docs_changed_without_reindex,
     "corrupt_search_index"),
    ("meta lacking title", _meta_lacking_title, "unusable_content"),
    ("a view that runs for hours in place of meta", _view_in_place_of_meta, "unexpected_schema"),
    ("a time-bomb view in place of figures", _time_bomb_view, "unexpected_schema"),
    ("an extra table", _extra_table, "unexpected_schema"),
    ("an extra view", _extra_view, "unexpected_schema"),
    ("an extra trigger", _extra_trigger, "unexpected_schema"),
    ("an extra index", _extra_index, "unexpected_schema"),
    ("a table redefined with a generated column", _table_redefined, "unexpected_schema"),
    ("ANALYZE statistics tables", _analyzed, "unexpected_schema"),
]


def hostile_db(base: Path, out: Path, mutate: Mutation) -> Path:
    shutil.copyfile(base, out)
    conn = sqlite3.connect(out, isolation_level=None)
    try:
        conn.execute("BEGIN")
        mutate(conn)
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()
    return out


def flipped_cell(base: Path, out: Path) -> Path:
    """64 bytes of a statement's JSON flipped in place: the b-tree is intact (integrity_check
    passes), the text is not."""
    data = bytearray(base.read_bytes())
    conn = sqlite3.connect(base.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        sample = conn.execute("SELECT json FROM statements ORDER BY ord LIMIT 1 OFFSET 5").fetchone()[0]
    finally:
        conn.close()
    at = bytes(data).index(sample.encode()[:200]) + 40
    for i in range(at, at + 64):
        data[i] ^= 0xFF
    out.write_bytes(bytes(data))
    return out


def _cases() -> list[tuple[str, Callable[[Path, Path], Path], str]]:
    cases = [(name, (lambda m: lambda base, out: hostile_db(base, out, m))(mutate), code)
             for name, mutate, code in HOSTILE]
    cases.append(("64 bytes flipped inside a cell", flipped_cell, "unusable_content"))
    return cases


CASES = _cases()
IDS = [c[0] for c in CASES]


def _integrity_ok(path: Path) -> bool:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        conn.set_progress_handler(lambda: 0, 1000)
        return conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    finally:
        conn.close()


@pytest.mark.parametrize(("make", "code"), [c[1:] for c in CASES], ids=IDS)
def test_signed_hostile_database_is_refused_at_verify_and_apply(tmp_path, base_db, keys, installed, cli, make, code):
    db = make(base_db, tmp_path / "hostile.sqlite")
    pkg = parts(base_db, 6, [keys["alice"], keys["bob"]], db_bytes=db.read_bytes()).write(tmp_path / "pkg.zip")
    active = select_active(installed, base_db)
    before = snapshot(installed, active.path)
    history_before = (installed / "history.jsonl").read_text().splitlines()

    started = time.monotonic()
    exit_code, out = cli("--data-dir", installed, "update", "verify", pkg)
    assert (exit_code, out["error"]["code"]) == (3, code), out
    exit_code, out = cli("--data-dir", installed, "update", "apply", pkg)
    assert (exit_code, out["error"]["code"]) == (3, code), out
    assert time.monotonic() - started < 15  # no hostile view hangs the checks

    assert out["error"]["message"] and out["error"]["field"] == "guide.sqlite"
    assert snapshot(installed, active.path) == before
    history = (installed / "history.jsonl").read_text().splitlines()
    assert len(history) == len(history_before) + 1
    assert json.loads(history[-1])["code"] == code
    after = select_active(installed, base_db)
    assert (after.path, after.sequence, after.notice) == (active.path, 5, None)


@pytest.mark.parametrize(("make", "code"), [c[1:] for c in CASES], ids=IDS)
def test_publisher_cannot_package_a_hostile_database(tmp_path, base_db, keydir, cli, make, code):
    db = make(base_db, tmp_path / "hostile.sqlite")
    out_pkg = tmp_path / "out.zip"
    started = time.monotonic()
    exit_code, out = cli("admin", "build-package", "--sequence", "9", "--expires", "2099-01-01",
                         "--sign", keydir / "alice.key", "--sign", keydir / "bob.key", "--db", db,
                         "--out", out_pkg)
    assert (exit_code, out["error"]["code"], out["error"]["field"]) == (2, code, "db"), out
    assert time.monotonic() - started < 15
    assert not out_pkg.exists()


@pytest.mark.parametrize(("make", "code"), [c[1:] for c in CASES], ids=IDS)
def test_installed_hostile_database_is_passed_over_at_startup(tmp_path, base_db, v2_db, installed, cli, make, code):
    """An installation that took such a database before these checks existed starts on the
    previous good one and says why."""
    db = make(base_db, tmp_path / "hostile.sqlite")
    plant(installed, db, sequence=6)
    started = time.monotonic()
    sel = select_active(installed, base_db)
    assert time.monotonic() - started < 15
    assert sel.origin == "update" and sel.sequence == 5
    assert sel.notice and "failed its start-up check" in sel.notice and "sequence 6" in sel.notice
    assert any(code in f for f in sel.failures), sel.failures

    exit_code, info = cli("--data-dir", installed, "info")
    assert exit_code == 0 and info["source"] == "update" and info["notice"] == sel.notice
    exit_code, hits = cli("--data-dir", installed, "search", "daratumumab")
    assert exit_code == 0 and hits


def test_every_hostile_database_still_passes_sqlite_integrity(tmp_path, base_db):
    """The class is what SQLite's own check lets through (else it would be corrupt_database)."""
    for name, make, _ in CASES:
        assert _integrity_ok(make(base_db, tmp_path / f"{IDS.index(name)}.sqlite")), name


def test_a_check_over_its_time_bound_is_refused_not_waited_for(tmp_path, base_db, keys, installed, cli, monkeypatch):
    pkg = parts(base_db, 6, [keys["alice"], keys["bob"]]).write(tmp_path / "pkg.zip")
    monkeypatch.setenv("MMGUIDE_QUERY_TIME_LIMIT", "0.000001")
    exit_code, out = cli("--data-dir", installed, "update", "verify", pkg)
    assert (exit_code, out["error"]["code"]) == (3, "database_timeout"), out


def test_the_honest_database_passes_every_check(tmp_path, base_db, keys, installed, cli):
    pkg = parts(base_db, 6, [keys["alice"], keys["bob"]]).write(tmp_path / "pkg.zip")
    exit_code, out = cli("--data-dir", installed, "update", "apply", pkg)
    assert exit_code == 0, out
    assert select_active(installed, base_db).sequence == 6


def test_start_up_trusts_a_recorded_content_load_but_never_skips_the_schema(tmp_path, base_db, installed):
    """An apply by this version records ``checked_by_app``; start-up then skips reloading the
    models of those exact bytes, but the schema and index checks still run — a forged marker
    on a time-bomb view does not get it past start-up."""
    from app import __version__
    from app.updates.active import Layout, Pointer, read_pointer

    layout = Layout(installed)
    assert read_pointer(layout).current.checked_by_app == __version__
    plant(installed, hostile_db(base_db, tmp_path / "bomb.sqlite", _time_bomb_view), sequence=6)
    pointer = read_pointer(layout)
    forged = Pointer(current=type(pointer.current)(**{**pointer.current.__dict__, "checked_by_app": __version__}),
                     previous=pointer.previous)
    layout.pointer_file.write_bytes(forged.to_bytes("2025-08-01T00:00:00Z"))
    sel = select_active(installed, base_db)
    assert sel.sequence == 5 and any("unexpected_schema" in f for f in sel.failures), sel.failures
