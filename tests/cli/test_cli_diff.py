"""``mmguide diff``: the bundled content against an update built from a changed content source."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli.main import main
from app.updates import install
from tests import content_changes as cc


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cc.build_changed_db(tmp_path_factory.mktemp("changed"))


def _run(capsys, *argv: str) -> tuple[int, object]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr().out
    try:
        return code, json.loads(out)
    except json.JSONDecodeError:
        return code, out


def _by_id(entries: list[dict]) -> dict[str, dict]:
    return {e["id"]: e for e in entries}


def test_default_is_bundled_to_active_and_identical_without_an_update(capsys, tmp_path):
    code, out = _run(capsys, "--data-dir", tmp_path / "data", "diff")
    assert code == 0
    assert out["from"]["label"] == "bundled" and out["to"]["label"] == "active"
    assert out["identical"] is True
    assert all(not any(out[k].values()) for k in ("statements", "figure_nodes", "regimens", "calculators"))


def test_diff_against_a_database_built_from_a_changed_source(capsys, tmp_path, changed):
    code, out = _run(capsys, "--data-dir", tmp_path / "data", "diff", "--to", changed)
    assert code == 0
    assert out["identical"] is False
    assert out["to"]["content_version"] == cc.NEW_VERSION
    statements = out["statements"]
    assert [e["id"] for e in statements["added"]] == [cc.ADDED]
    assert statements["added"][0]["new"]["source"]["quote"] == cc.ADDED_QUOTE
    assert [e["id"] for e in statements["removed"]] == [cc.REMOVED]
    assert statements["removed"][0]["old"]["source"]["quote"].startswith("Urine-based tests")
    changed_st = _by_id(statements["changed"])
    assert set(changed_st) == {cc.EVIDENCE_CHANGED}
    entry = changed_st[cc.EVIDENCE_CHANGED]
    assert entry["evidence"] == {"old": ["[II, B]"], "new": ["[I, A]"]}
    assert entry["old"]["source"]["quote"].endswith("[II, B].") and entry["new"]["source"]["quote"].endswith("[I, A].")
    assert "source" in entry["fields"]

    nodes = _by_id(out["figure_nodes"]["changed"])
    assert set(nodes) == {cc.NODE_CHANGED}
    recs = {r["regimen"]: r for r in nodes[cc.NODE_CHANGED]["recommendations"]}
    assert set(recs) == {"IsaVRd"}
    assert (recs["IsaVRd"]["old"]["evidence"], recs["IsaVRd"]["new"]["evidence"]) == ("I, A", "II, B")
    assert not out["figure_nodes"]["added"] and not out["figure_nodes"]["removed"]

    regimens = _by_id(out["regimens"]["changed"])
    assert set(regimens) == {cc.REGIMEN_CHANGED}
    assert regimens["VRd"]["fields"] == ["name"]
    assert regimens["VRd"]["new"]["name"].endswith("(renamed by a test update)")
    assert out["calculators"] == {"added": [], "changed": [], "removed": []}
    assert out["counts"]["statements"] == {"added": 1, "changed": 1, "removed": 1}


def test_text_output_reads_as_a_change_list(capsys, tmp_path, changed):
    code, out = _run(capsys, "--data-dir", tmp_path / "data", "diff", "--to", changed, "--text")
    assert code == 0 and isinstance(out, str)
    assert f"to content {cc.NEW_VERSION} of {cc.NEW_DATE}" in out
    assert f"  + {cc.ADDED}: {cc.ADDED_QUOTE}" in out
    assert f"  - {cc.REMOVED}: Urine-based tests" in out
    assert "EVIDENCE [II, B] → [I, A]" in out
    assert "was: If the above regimens are not available, VRd can be used [II, B]." in out
    assert "IsaVRd: preferred, [I, A] → preferred, [II, B]" in out
    assert "name: bortezomib, lenalidomide and dexamethasone →" in out


def test_calculator_documents_are_compared(capsys, tmp_path):
    from app.paths import bundled_database

    db = tmp_path / "calc.sqlite"
    db.write_bytes(bundled_database().read_bytes())
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE search_docs SET title = title || ' (v2)' WHERE kind = 'calculator' AND ref_id = 'iss'")
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")  # keeps the index consistent
    conn.close()
    code, out = _run(capsys, "--data-dir", tmp_path / "data", "diff", "--to", db)
    assert code == 0
    assert [e["id"] for e in out["calculators"]["changed"]] == ["iss"]
    assert out["calculators"]["changed"][0]["new"]["title"].endswith("(v2)")


def test_a_signed_package_is_verified_then_compared_with_the_active_content(capsys, tmp_path, changed):
    data = tmp_path / "data"
    package = cc.signed_package(tmp_path, changed, data)
    code, out = _run(capsys, "--data-dir", data, "diff", "--from", "active", "--to", package)
    assert code == 0
    assert out["to"]["origin"] == "package" and out["to"]["content_version"] == cc.NEW_VERSION
    assert [e["id"] for e in out["statements"]["added"]] == [cc.ADDED]

    install.apply(package, data)  # once installed, the default diff (bundled → active) shows the same changes
    code, after = _run(capsys, "--data-dir", data, "diff")
    assert code == 0 and after["to"]["content_version"] == cc.NEW_VERSION
    assert after["statements"] == out["statements"] and after["figure_nodes"] == out["figure_nodes"]
    code, by_version = _run(capsys, "--data-dir", data, "diff", "--from", "2025.1.0", "--to", cc.NEW_VERSION)
    assert code == 0 and by_version["statements"] == out["statements"]


def test_a_tampered_package_is_refused_with_exit_3_and_nothing_compared(capsys, tmp_path, changed):
    data = tmp_path / "data"
    package = cc.signed_package(tmp_path, changed, data)
    raw = bytearray(package.read_bytes())
    at = raw.rfind(b"Urine") if b"Urine" in raw else len(raw) // 2
    raw[at] ^= 0x01
    package.write_bytes(bytes(raw))
    code, out = _run(capsys, "--data-dir", data, "diff", "--to", package)
    assert code == 3
    assert set(out) == {"error"} and out["error"]["field"] == "to"
    assert out["error"]["code"] in ("db_hash_mismatch", "corrupt_zip", "bad_signature")


@pytest.mark.parametrize("spec", ["9.9.9", "no-such-file.sqlite"])
def test_an_unknown_version_or_file_exits_2_naming_the_field(capsys, tmp_path, spec):
    code, out = _run(capsys, "--data-dir", tmp_path / "data", "diff", "--from", spec)
    assert code == 2
    assert out["error"]["code"] == "unknown_version" and out["error"]["field"] == "from"
    assert "bundled, active" in out["error"]["message"] and "2025.1.0 (bundled)" in out["error"]["message"]


def test_a_file_that_is_not_a_guide_database_exits_2(capsys, tmp_path):
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"not a database at all" * 10)
    code, out = _run(capsys, "--data-dir", tmp_path / "data", "diff", "--to", bogus)
    assert code == 2
    assert out["error"] == {"code": "invalid_database", "message": out["error"]["message"], "field": "to"}
    assert "not an SQLite database" in out["error"]["message"]
