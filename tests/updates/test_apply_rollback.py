"""Apply, rollback, status, start-up fallback and the background re-check, end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.storage import schema
from app.storage.database import verify_database
from app.updates import UpdateRejected, install
from app.updates.active import DEFAULT_RULES, DatabaseRules, recheck, select_active
from app.updates.package import build_package
from tests.updates.conftest import ROOT, make_root
from tests.updates.helpers import FAR_FUTURE, parts, snapshot


def _pkg(tmp: Path, db: Path, keys, seq: int, signers=("alice", "bob"), **kw) -> Path:
    out = tmp / f"seq{seq}.zip"
    build_package(db, out, [keys[n] for n in signers], sequence=seq, expires=kw.pop("expires", FAR_FUTURE), **kw)
    return out


@pytest.fixture
def data(tmp_path, keys) -> Path:
    d = tmp_path / "data"
    make_root(d, keys)
    return d


def test_default_rules_mirror_the_storage_schema():
    assert DatabaseRules(schema.APPLICATION_ID, frozenset(schema.SUPPORTED_SCHEMA_VERSIONS)) == DEFAULT_RULES


def test_apply_then_info_reports_the_update_and_its_signers(tmp_path, data, base_db, v2_db, keys, cli):
    db, ids = v2_db
    pkg = _pkg(tmp_path, db, keys, 1, base=base_db)
    code, out = cli("--data-dir", data, "update", "apply", pkg)
    assert code == 0, out
    assert out["source"] == "update"
    assert out["content_version"] == "2025.1.1"
    assert out["integrity"] == "ok"
    assert sorted(out["signer_key_ids"]) == sorted([keys["alice"].keyid, keys["bob"].keyid])
    changes = out["update"]["applied"]["changes"]
    assert (changes["added"], changes["changed"], changes["removed"]) == (ids["added"], ids["changed"], ids["removed"])
    assert changes["counts"] == {"added": 1, "changed": 1, "removed": 1}
    assert changes["base_content_version"] == "2025.1.0"

    code, info = cli("--data-dir", data, "info")
    assert code == 0
    assert (info["source"], info["content_version"], info["notice"]) == ("update", "2025.1.1", None)
    assert Path(info["path"]).parent == data / "db"
    verify_database(Path(info["path"]))


def test_verify_describes_the_package_and_changes_nothing(tmp_path, data, base_db, v2_db, keys, cli):
    pkg = _pkg(tmp_path, v2_db[0], keys, 1, base=base_db)
    before = snapshot(data)
    history = (data / "history.jsonl").read_bytes()
    code, out = cli("--data-dir", data, "update", "verify", pkg)
    assert code == 0 and out["accepted"] is True
    assert {s["name"] for s in out["signers"]} == {"alice", "bob"}
    assert out["content_version"] == "2025.1.1" and out["sequence"] == 1
    assert out["changes"]["counts"] == {"added": 1, "changed": 1, "removed": 1}
    assert snapshot(data) == before
    assert (data / "history.jsonl").read_bytes() == history


def test_second_apply_keeps_the_previous_and_deletes_older(tmp_path, data, base_db, v2_db, keys):
    p1, p2, p3 = (_pkg(tmp_path, db, keys, n) for n, db in ((1, base_db), (2, v2_db[0]), (3, base_db)))
    r1 = install.apply(p1, data)
    r2 = install.apply(p2, data)
    assert r2["previous"]["file"] == r1["current"]["file"]
    assert {p.name for p in (data / "db").iterdir()} == {r1["current"]["file"], r2["current"]["file"]}
    r3 = install.apply(p3, data)
    assert r3["previous"]["file"] == r2["current"]["file"]
    assert r1["current"]["file"] in r3["removed"]
    assert {p.name for p in (data / "db").iterdir()} == {r2["current"]["file"], r3["current"]["file"]}
    state = json.loads((data / "state.json").read_text())
    assert state["sequence_floor"] == 3
    assert [e["sequence"] for e in state["installed"]] == [1, 2, 3]


def test_an_existing_file_is_never_overwritten(tmp_path, data, base_db, keys):
    pkg = _pkg(tmp_path, base_db, keys, 1)
    from app.updates.package import build_manifest

    sha = build_manifest(base_db, sequence=1, expires=FAR_FUTURE).db_sha256
    squatter = data / "db" / f"guide-1-{sha[:8]}.sqlite"
    squatter.parent.mkdir(parents=True)
    squatter.write_bytes(b"a file some process has open")
    result = install.apply(pkg, data)
    assert result["current"]["file"] == f"guide-1-{sha[:8]}-1.sqlite"
    assert select_active(data, base_db).path.name == result["current"]["file"]


def test_rollback_is_explicit_logged_and_keeps_the_floor(tmp_path, data, base_db, v2_db, keys, cli):
    p1, p2 = _pkg(tmp_path, base_db, keys, 1), _pkg(tmp_path, v2_db[0], keys, 2)
    assert cli("--data-dir", data, "update", "apply", p1)[0] == 0
    assert cli("--data-dir", data, "update", "apply", p2)[0] == 0
    assert select_active(data, base_db).sequence == 2

    code, out = cli("--data-dir", data, "update", "rollback")
    assert code == 0, out
    assert out["source"] == "update" and out["content_version"] == "2025.1.0"
    assert select_active(data, base_db).sequence == 1
    record = json.loads((data / "history.jsonl").read_text().splitlines()[-1])
    assert record["action"] == "rollback" and record["from"]["sequence"] == 2 and record["to"]["sequence"] == 1
    assert record["reason"] and record["ts"] and record["user"]

    # The rolled-back package cannot come back by replay; the floor stays at 2.
    code, out = cli("--data-dir", data, "update", "apply", p2)
    assert (code, out["error"]["code"]) == (3, "replayed_sequence")
    code, out = cli("--data-dir", data, "update", "apply", p1)
    assert (code, out["error"]["code"]) == (3, "older_sequence")

    code, out = cli("--data-dir", data, "update", "rollback")
    assert code == 0 and out["source"] == "bundled"
    code, out = cli("--data-dir", data, "update", "rollback")
    assert (code, out["error"]["code"]) == (2, "nothing_to_roll_back")

    code, status = cli("--data-dir", data, "update", "status")
    assert code == 0
    assert status["sequence_floor"] == 2
    assert status["active"]["origin"] == "bundled"
    actions = [h["action"] for h in status["history"]]
    assert actions == ["trust_init", "apply", "apply", "rollback", "reject", "reject", "rollback"]
    assert [h["code"] for h in status["history"] if h["action"] == "reject"] == ["replayed_sequence", "older_sequence"]
    assert [(e["sequence"], e["status"]) for e in status["installed"]] == [(1, "rolled_back"), (2, "rolled_back")]

    # A newer sequence moves forward again.
    assert cli("--data-dir", data, "update", "apply", _pkg(tmp_path, v2_db[0], keys, 3))[0] == 0


def test_history_holds_no_more_than_the_update_facts(tmp_path, data, base_db, keys):
    install.apply(_pkg(tmp_path, base_db, keys, 1), data)
    allowed = {"action", "ts", "user", "uid", "package", "sequence", "created", "expires", "content_version",
               "content_date", "db_sha256", "length", "file", "signers", "previous", "keys", "threshold", "version",
               "signatures"}
    for line in (data / "history.jsonl").read_text().splitlines():
        assert set(json.loads(line)) <= allowed


def test_expiry_uses_the_injected_clock_and_the_time_floor(tmp_path, data, base_db, keys):
    expires = datetime(2030, 1, 1, tzinfo=UTC)
    created = datetime(2029, 6, 1, tzinfo=UTC)
    pkg1 = _pkg(tmp_path, base_db, keys, 1, expires=expires, created=created)
    with pytest.raises(UpdateRejected) as err:
        install.verify(pkg1, data, now=datetime(2030, 1, 2, tzinfo=UTC))
    assert err.value.code == "expired"
    install.apply(pkg1, data, now=datetime(2029, 12, 31, tzinfo=UTC))

    # Seq 2 expires before seq 1 was created; a clock set back to 2029-01 does not revive it.
    pkg2 = _pkg(tmp_path, base_db, keys, 2, expires=datetime(2029, 5, 1, tzinfo=UTC),
                created=datetime(2029, 1, 1, tzinfo=UTC))
    with pytest.raises(UpdateRejected) as err:
        install.apply(pkg2, data, now=datetime(2029, 1, 2, tzinfo=UTC))
    assert err.value.code == "expired"


def test_expired_active_package_is_still_used_with_a_notice(tmp_path, data, base_db, keys):
    pkg = _pkg(tmp_path, base_db, keys, 1, expires=datetime(2031, 1, 1, tzinfo=UTC),
               created=datetime(2030, 1, 1, tzinfo=UTC))
    install.apply(pkg, data, now=datetime(2030, 6, 1, tzinfo=UTC))
    later = select_active(data, base_db, now=datetime(2032, 1, 1, tzinfo=UTC))
    assert later.origin == "update" and "expired on 2031-01-01" in later.notice


def _flip(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    os.chmod(path, 0o644)
    path.write_bytes(bytes(raw))


def test_startup_falls_back_current_previous_bundled(tmp_path, data, base_db, v2_db, keys, cli):
    r1 = install.apply(_pkg(tmp_path, base_db, keys, 1), data)
    r2 = install.apply(_pkg(tmp_path, v2_db[0], keys, 2), data)
    _flip(data / "db" / r2["current"]["file"])
    sel = select_active(data, base_db)
    assert (sel.origin, sel.sequence) == ("update", 1)
    assert "failed its start-up check" in sel.notice and "previous guideline update" in sel.notice
    code, info = cli("--data-dir", data, "info")
    assert code == 0 and info["notice"] == sel.notice and info["integrity"] == "ok"

    (data / "db" / r1["current"]["file"]).unlink()
    sel = select_active(data, base_db)
    assert sel.origin == "bundled" and sel.path == base_db
    assert "bundled with the app" in sel.notice
    code, info = cli("--data-dir", data, "info")
    assert code == 0 and info["source"] == "bundled" and info["notice"]


def test_garbled_pointer_recovers_the_installed_database_with_a_notice(tmp_path, data, base_db, keys):
    install.apply(_pkg(tmp_path, base_db, keys, 1), data)
    (data / "current").write_text("{garbage")
    sel = select_active(data, base_db)
    assert (sel.origin, sel.sequence) == ("update", 1) and "unreadable" in sel.notice
    # …and the next apply still works (and cannot go below the floor kept in state and history).
    with pytest.raises(UpdateRejected) as err:
        install.apply(_pkg(tmp_path, base_db, keys, 1), data)
    assert err.value.code == "replayed_sequence"
    install.apply(_pkg(tmp_path, base_db, keys, 2), data)
    assert select_active(data, base_db).sequence == 2


def test_floor_survives_the_loss_of_state_json(tmp_path, data, base_db, keys):
    install.apply(_pkg(tmp_path, base_db, keys, 4), data)
    (data / "state.json").unlink()
    with pytest.raises(UpdateRejected) as err:
        install.apply(_pkg(tmp_path, base_db, keys, 3), data)
    assert err.value.code == "older_sequence"


def test_recheck_notices_a_change_after_startup(tmp_path, data, base_db, keys):
    install.apply(_pkg(tmp_path, base_db, keys, 1), data)
    sel = select_active(data, base_db)
    assert recheck(sel) is None
    _flip(sel.path)
    notice = recheck(sel)
    assert notice and "changed on disk" in notice
    again = select_active(data, base_db)
    assert again.origin == "bundled" and again.notice


def test_recheck_of_bundled_selection(base_db, tmp_path):
    sel = select_active(tmp_path / "empty", base_db)
    assert sel.origin == "bundled" and sel.notice is None and sel.sha256
    assert recheck(sel) is None


def test_python_m_app_accepts_data_dir_after_the_action(tmp_path, data, base_db, keys):
    pkg = _pkg(tmp_path, base_db, keys, 1)
    proc = subprocess.run([sys.executable, "-m", "app", "update", "apply", str(pkg), "--data-dir", str(data)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["source"] == "update"


def test_a_package_from_parts_helper_is_accepted(tmp_path, data, base_db, keys):
    """The hand-made zips of the adversarial matrix are accepted when nothing is wrong with them."""
    pkg = parts(base_db, 1, [keys["alice"], keys["carol"]]).write(tmp_path / "ok.zip")
    result = install.apply(pkg, data)
    assert sorted(result["current"]["signers"]) == sorted([keys["alice"].keyid, keys["carol"].keyid])


def test_apply_is_refused_while_another_holds_the_lock(tmp_path, data, base_db, keys):
    fcntl = pytest.importorskip("fcntl")

    from app.updates import UpdateUsageError

    pkg = _pkg(tmp_path, base_db, keys, 1)
    data.mkdir(exist_ok=True)
    fd = os.open(data / ".update.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(UpdateUsageError) as err:
            install.apply(pkg, data)
        assert err.value.code == "busy"
    finally:
        os.close(fd)
    install.apply(pkg, data)
