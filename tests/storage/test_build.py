"""The deterministic database build: bytes, header, tables, links, atomic replacement, CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.core.content.bundle import ContentBundle
from app.storage import build as build_module
from app.storage import schema
from app.storage.build import build_database, canonical_json, main, search_documents, statement_links
from app.storage.database import verify_database
from app.storage.source import source_hash

from .conftest import make_bundle, synthetic_data, write_content_dir


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)


def test_same_source_gives_same_bytes(tmp_path: Path, synthetic_bundle: ContentBundle) -> None:
    a, b = tmp_path / "a" / "guide.sqlite", tmp_path / "b c" / "other name.sqlite"
    build_database(synthetic_bundle, a, "1" * 64)
    build_database(make_bundle(), b, "1" * 64)
    assert a.read_bytes() == b.read_bytes()


def test_rebuild_in_place_gives_same_bytes(tmp_path: Path, synthetic_bundle: ContentBundle) -> None:
    out = tmp_path / "guide.sqlite"
    build_database(synthetic_bundle, out, "1" * 64)
    first = out.read_bytes()
    build_database(synthetic_bundle, out, "1" * 64)
    assert out.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guide.sqlite"], "no temporary or journal files left"


def test_changed_source_changes_hash_and_bytes(tmp_path: Path) -> None:
    data = synthetic_data()
    content = write_content_dir(data, tmp_path / "content")
    out1, out2 = tmp_path / "one.sqlite", tmp_path / "two.sqlite"
    assert main(["--content", str(content), "--out", str(out1)]) == 0
    hash1 = source_hash(content)

    data["statements"][0]["notes"] = ["An edited note."]
    write_content_dir(data, content)
    hash2 = source_hash(content)
    assert hash1 != hash2
    assert main(["--content", str(content), "--out", str(out2)]) == 0

    assert verify_database(out1).source_hash == hash1
    assert verify_database(out2).source_hash == hash2
    assert out1.read_bytes() != out2.read_bytes()


def test_cli_reports_invalid_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = synthetic_data()
    data["statements"][0]["section"] = "no-such-section"
    content = write_content_dir(data, tmp_path / "content")
    out = tmp_path / "guide.sqlite"
    assert main(["--content", str(content), "--out", str(out)]) == 1
    assert "no-such-section" in capsys.readouterr().err
    assert not out.exists()


def test_header_and_pragmas(synthetic_db: Path) -> None:
    with _connect(synthetic_db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID == 0x4D4D4744
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0, "VACUUMed"
    header = synthetic_db.read_bytes()[:100]
    assert header[68:72] == b"MMGD"
    assert (header[18], header[19]) == (1, 1), "rollback journal, never WAL"


def test_meta_table(synthetic_db: Path, synthetic_bundle: ContentBundle) -> None:
    with _connect(synthetic_db) as conn:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    assert set(meta) == set(schema.META_KEYS)
    assert meta["content_version"] == synthetic_bundle.meta.content_version
    assert meta["content_date"] == "2025-07-07"
    assert meta["schema_version"] == "1"
    assert meta["source_hash"] == "0" * 64
    for key in ("title", "citation", "doi", "text_followed", "intended_use", "disclaimer"):
        assert meta[key] == getattr(synthetic_bundle.meta, key)


def test_tables_hold_every_object(synthetic_db: Path, synthetic_bundle: ContentBundle) -> None:
    b = synthetic_bundle
    expected = {
        "sections": len(b.sections),
        "statements": len(b.statements),
        "regimens": len(b.glossary.regimens),
        "drugs": len(b.glossary.drugs),
        "trials": len(b.trials),
        "errata": len(b.errata),
        "conflicts": len(b.conflicts),
        "figures": len(b.figures),
        "toxicity": 8,
        "docs": len(schema.DOC_NAMES),
        "statement_evidence": sum(len(s.evidence) for s in b.statements),
    }
    with _connect(synthetic_db) as conn:
        for table, count in expected.items():
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == count, table
        row = conn.execute("SELECT json FROM statements WHERE id = 'ndmm-te-quad'").fetchone()
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (schema.FTS_TABLE,)).fetchone()[0]
        n_docs = conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
        n_fts = conn.execute(f"SELECT count(*) FROM {schema.FTS_TABLE}").fetchone()[0]
    stored = json.loads(row[0])
    assert "evidence" not in stored and "text" not in stored, "computed fields are not stored"
    assert stored["source"]["quote"].startswith("Regarding induction therapy")
    assert "prefix='2 3'" in sql and "remove_diacritics 2" in sql and "content='search_docs'" in sql
    assert n_docs == n_fts == len(search_documents(synthetic_bundle))


def test_canonical_json_keeps_printed_footnote_order(synthetic_bundle: ContentBundle) -> None:
    stored = json.loads(canonical_json(synthetic_bundle.box1))
    assert list(stored["footnotes"]) == ["b", "a"]
    fig = json.loads(canonical_json(synthetic_bundle.figures[0]))
    no_option = fig["nodes"][0]["options"][1]["when"]
    assert "not" in no_option, "conditions are stored by alias, as authored"


def test_statement_links(synthetic_bundle: ContentBundle) -> None:
    links = {(lk.statement_id, lk.figure, lk.node, lk.regimen, lk.via) for lk in statement_links(synthetic_bundle)}
    assert links == {
        ("rrmm-darakd", "fig2", "len-refr", "DaraKd", "item"),  # quote inside the statement's quote
        ("rrmm-cilta", "fig2", "len-refr", "cilta-cel", "item"),  # identical quote
        ("ndmm-te-vrd", "fig2", "len-sens", "VRd", "item"),  # explicit statement reference
    }


def test_item_quoting_a_whole_bullet_links_each_statement() -> None:
    data = synthetic_data()
    item = data["figures"][0]["nodes"][1]["items"][0]
    from .conftest import Q_CILTA, Q_DARAKD

    item["source"] = {"quote": f"{Q_DARAKD} {Q_CILTA}", "location": "RRMM › bullet 1"}
    links = [(lk.statement_id, lk.regimen) for lk in statement_links(make_bundle(data))]
    assert ("rrmm-darakd", "DaraKd") in links and ("rrmm-cilta", "DaraKd") in links


def test_schema_version_mismatch_is_refused(tmp_path: Path) -> None:
    data = synthetic_data()
    data["meta"]["schema_version"] = 99
    with pytest.raises(ValueError, match="schema"):
        build_database(make_bundle(data), tmp_path / "guide.sqlite", "0" * 64)
    assert list(tmp_path.iterdir()) == []


def test_failed_build_keeps_previous_database(
    tmp_path: Path, synthetic_bundle: ContentBundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "guide.sqlite"
    build_database(synthetic_bundle, out, "0" * 64)
    before = out.read_bytes()

    def explode(_bundle: ContentBundle) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(build_module, "search_documents", explode)
    with pytest.raises(RuntimeError, match="boom"):
        build_database(synthetic_bundle, out, "f" * 64)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guide.sqlite"]


def test_every_search_kind_is_indexed(synthetic_bundle: ContentBundle) -> None:
    kinds = {d.kind for d in search_documents(synthetic_bundle)}
    assert kinds == set(schema.SEARCH_KINDS)


# --- the real content (skipped, with the reason, until resources/content validates) --------------


def test_real_build_is_deterministic(tmp_path: Path, real_bundle: ContentBundle, real_db: Path) -> None:
    again = tmp_path / "again.sqlite"
    build_database(real_bundle, again, verify_database(real_db).source_hash)
    assert again.read_bytes() == real_db.read_bytes()


def test_real_build_verifies(real_db: Path, real_bundle: ContentBundle) -> None:
    info = verify_database(real_db)
    assert info.content_version == real_bundle.meta.content_version
    assert info.schema_version == schema.SCHEMA_VERSION
    kinds = {d.kind for d in search_documents(real_bundle)}
    assert kinds == set(schema.SEARCH_KINDS)


def test_real_statements_link_to_flowcharts(real_bundle: ContentBundle) -> None:
    links = statement_links(real_bundle)
    if not real_bundle.figures:
        pytest.skip("the real content has no figures yet")
    assert links, "flowchart items must link to the statements they quote"
    linked_items = {(lk.figure, lk.node, lk.regimen) for lk in links}
    from app.core.flowchart.model import RecommendationNode

    unlinked = [
        f"{fig.id}/{node.id}/{item.regimen}"
        for fig in real_bundle.figures
        for node in fig.nodes
        if isinstance(node, RecommendationNode)
        for item in node.items
        if (fig.id, node.id, item.regimen) not in linked_items
    ]
    assert not unlinked, f"flowchart items whose quote is in no statement: {unlinked}"


def test_bundled_database_is_current(real_bundle: ContentBundle) -> None:
    """db/guide.sqlite, where present, was built from the current resources/content."""
    from .conftest import REAL_CONTENT, ROOT

    bundled = ROOT / "db" / "guide.sqlite"
    if not bundled.is_file():
        pytest.skip("db/guide.sqlite is not built (python -m app.storage.build)")
    info = verify_database(bundled)
    assert info.source_hash == source_hash(REAL_CONTENT), (
        "db/guide.sqlite is stale: rebuild it with `python -m app.storage.build`"
    )
    assert info.content_version == real_bundle.meta.content_version
