"""A guide database must be usable, not merely intact: the schema allow-list (from the app's own
DDL), the FTS5 integrity check, every model through the repository, and a time bound on every
query — at build, and wherever the update code checks a database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.storage import build, guard, schema
from app.storage.build import build_database
from app.storage.repository import GuideRepository
from app.storage.validate import DatabaseUnusable, expected_schema, validate_database

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "db" / "guide.sqlite"
FOREVER = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"


def test_expected_schema_is_the_ddl_of_schema_py():
    names = {(kind, name) for kind, name, _, _ in expected_schema()}
    assert ("table", "meta") in names and ("table", schema.FTS_TABLE) in names
    assert ("table", f"{schema.FTS_TABLE}_data") in names  # FTS5's shadow tables come from the same DDL
    assert ("index", "statements_section") in names
    assert not any(kind in ("view", "trigger") for kind, _ in names)


def test_committed_and_synthetic_databases_pass(synthetic_db):
    validate_database(COMMITTED)
    validate_database(synthetic_db)


def test_the_builder_refuses_to_write_an_unusable_database(tmp_path, synthetic_bundle, monkeypatch):
    """A builder bug (here: a garbage statement row) fails the build; the old file stays."""
    out = tmp_path / "guide.sqlite"
    build_database(synthetic_bundle, out, "0" * 64)
    before = out.read_bytes()
    original = build._insert_content

    def buggy(conn, bundle, source_hash):
        original(conn, bundle, source_hash)
        conn.execute("UPDATE statements SET json = '[]' WHERE ord = (SELECT min(ord) FROM statements)")

    monkeypatch.setattr(build, "_insert_content", buggy)
    with pytest.raises(DatabaseUnusable) as err:
        build_database(synthetic_bundle, out, "0" * 64)
    assert err.value.code == "unusable_content"
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guide.sqlite"]


def test_build_command_reports_the_refusal(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(build, "_insert_search", lambda conn, docs: None)  # an empty search index
    out = tmp_path / "guide.sqlite"
    code = build.main(["--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert "would be refused (unusable_content)" in err and "finds nothing" in err
    assert not out.exists()


def test_a_statement_past_its_bound_is_interrupted():
    conn = guard.connect("file::memory:")
    started = time.monotonic()
    with pytest.raises(guard.QueryTimeout), guard.bounded(conn, 0.2):
        conn.execute(FOREVER).fetchall()
    assert time.monotonic() - started < 2
    with guard.bounded(conn, 0.2):  # the connection is usable afterwards
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_nested_bound_keeps_the_outer_deadline():
    conn = guard.connect("file::memory:")
    with pytest.raises(guard.QueryTimeout), guard.bounded(conn, 0.3):
        with guard.bounded(conn, 5):
            conn.execute("SELECT 1").fetchall()
        conn.execute(FOREVER).fetchall()


def test_every_repository_query_is_bounded(monkeypatch):
    monkeypatch.setenv(guard.ENV, "0.3")
    with GuideRepository(COMMITTED) as repo:
        started = time.monotonic()
        with pytest.raises(Exception, match="interrupted"):
            repo._rows(FOREVER)
        assert time.monotonic() - started < 3
        time.sleep(0.4)  # an idle connection past its last deadline is not interrupted later
        assert repo.meta().content_version
        assert repo.search("daratumumab")


def test_the_watchdog_stops_work_the_progress_handler_does_not_see(tmp_path):
    """``interrupt()`` at the deadline (plus a grace second) also ends a single long step."""
    conn = guard.connect("file::memory:")
    conn.set_progress_handler(None, 0)  # as if the handler were never called
    started = time.monotonic()
    with pytest.raises(guard.QueryTimeout), guard.bounded(conn, 0.1):
        conn.execute(FOREVER).fetchall()
    assert time.monotonic() - started < 3


def test_query_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv(guard.ENV, "2.5")
    assert guard.query_limit() == 2.5
    for bad in ("", "x", "-1", "0", "1e9"):
        monkeypatch.setenv(guard.ENV, bad)
        assert guard.query_limit() == guard.DEFAULT_QUERY_LIMIT
    assert guard.check_limit(100 * 1024 * 1024) == pytest.approx(guard.DEFAULT_QUERY_LIMIT + 10)
