"""Damaged installation files: whatever happens to the data dir, the app starts on a valid
database and says which one; ``update``/``admin`` answer with exit 2 or 3 and a message, never
an internal error, never a hang."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.storage.database import verify_database
from app.updates import UpdateRejected, install
from app.updates.active import select_active
from app.updates.package import build_package
from tests.updates.conftest import world_readable_copy
from tests.updates.helpers import FAR_FUTURE, snapshot

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero and symlinks of POSIX")
NESTED = b"[" * 20_000 + b"]" * 20_000  # 40 KB: under every file cap, far past the parser's recursion limit


def _nested_object(depth: int = 5_000) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.fixture
def seq6(tmp_path, base_db, keys) -> Path:
    pkg = tmp_path / "seq6.zip"
    build_package(base_db, pkg, [keys["alice"], keys["bob"]], sequence=6, expires=FAR_FUTURE)
    return pkg


def _replace_with(path: Path, make: Callable[[Path], None]) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    make(path)


def _nested_pointer(p: Path) -> None:
    p.write_bytes(NESTED)


def _nested_object_pointer(p: Path) -> None:
    p.write_bytes(_nested_object())


def _dev_zero_pointer(p: Path) -> None:
    p.symlink_to("/dev/zero")


def _fifo_pointer(p: Path) -> None:
    os.mkfifo(p)


def _directory_pointer(p: Path) -> None:
    p.mkdir()


def _huge_int_pointer(p: Path) -> None:
    p.write_bytes(b'{"format": 1, "current": null, "previous": null, "updated": ' + b"9" * 5000 + b"}")


POINTERS = [
    pytest.param("deeply nested arrays", _nested_pointer, id="nested-arrays"),
    pytest.param("deeply nested objects", _nested_object_pointer, id="nested-objects"),
    pytest.param("an integer of 5,000 digits", _huge_int_pointer, id="huge-integer"),
    pytest.param("a symlink to /dev/zero", _dev_zero_pointer, marks=posix, id="dev-zero"),
    pytest.param("a FIFO", _fifo_pointer, marks=posix, id="fifo"),
    pytest.param("a directory", _directory_pointer, id="directory"),
]


@pytest.mark.parametrize(("what", "make"), POINTERS)
def test_damaged_pointer_still_starts_on_the_installed_database(installed, base_db, cli, what, make):
    _replace_with(installed / "current", make)
    started = time.monotonic()
    sel = select_active(installed, base_db)
    assert time.monotonic() - started < 10
    # the verified update is recovered from state.json, and the notice says what happened
    assert (sel.origin, sel.sequence) == ("update", 5), sel
    assert sel.notice and "current" in sel.notice and "sequence 5" in sel.notice
    verify_database(sel.path)
    code, info = cli("--data-dir", installed, "info")
    assert code == 0 and info["source"] == "update" and info["notice"] == sel.notice
    code, status = cli("--data-dir", installed, "update", "status")
    assert code == 0 and status["pointer_error"] and status["active"]["sequence"] == 5


@pytest.mark.parametrize(("what", "make"), POINTERS)
def test_damaged_pointer_does_not_stop_apply_or_rollback(installed, base_db, seq6, cli, what, make):
    _replace_with(installed / "current", make)
    code, out = cli("--data-dir", installed, "update", "apply", seq6)
    if what == "a directory":  # not ours to delete: IT is told what to move aside
        assert (code, out["error"]["code"], out["error"]["field"]) == (2, "damaged_installation", "data_dir"), out
        assert "current" in out["error"]["message"]
        assert select_active(installed, base_db).sequence == 5
        shutil.rmtree(installed / "current")
        code, out = cli("--data-dir", installed, "update", "apply", seq6)
    assert code == 0, out
    assert out["source"] == "update" and select_active(installed, base_db).sequence == 6
    assert out["update"]["previous"]["sequence"] == 5  # the recovered database stays the fallback
    code, out = cli("--data-dir", installed, "update", "rollback")
    assert code == 0, out
    assert select_active(installed, base_db).sequence == 5


def test_deleted_pointer_is_recovered_not_silently_bundled(installed, base_db, seq6, cli):
    (installed / "current").unlink()
    sel = select_active(installed, base_db)
    assert (sel.origin, sel.sequence) == ("update", 5)
    assert "missing" in sel.notice and "sequence 5" in sel.notice
    # rollback works (it is not "nothing to roll back"), and so does the next apply
    code, out = cli("--data-dir", installed, "update", "rollback")
    assert code == 0, out
    assert select_active(installed, base_db).origin == "bundled"
    code, out = cli("--data-dir", installed, "update", "apply", seq6)
    assert code == 0, out


def test_deleted_pointer_and_state_are_recovered_from_the_audit_log(installed, base_db, seq6, cli):
    (installed / "current").unlink()
    (installed / "state.json").unlink()
    sel = select_active(installed, base_db)
    assert (sel.origin, sel.sequence) == ("update", 5) and sel.notice
    code, out = cli("--data-dir", installed, "update", "apply", seq6)
    assert code == 0 and out["update"]["previous"]["sequence"] == 5, out


def test_deleted_pointer_with_nothing_to_recover_says_so(installed, base_db, cli):
    (installed / "current").unlink()
    for path in (installed / "db").iterdir():
        path.unlink()
    sel = select_active(installed, base_db)
    assert sel.origin == "bundled"
    assert sel.notice and "bundled with the app" in sel.notice and "update status" in sel.notice


def test_a_rolled_back_database_is_never_recovered(installed, base_db, seq6, cli):
    assert cli("--data-dir", installed, "update", "apply", seq6)[0] == 0
    assert cli("--data-dir", installed, "update", "rollback")[0] == 0
    six = [p for p in (installed / "db").iterdir() if p.name.startswith("guide-6-")]
    assert not six  # rollback deleted it; put it back as a Windows machine might have left it
    state = json.loads((installed / "state.json").read_text())
    entry = next(e for e in state["installed"] if e["sequence"] == 6)
    shutil.copyfile(base_db, installed / "db" / entry["file"])
    (installed / "current").unlink()
    assert select_active(installed, base_db).sequence == 5


@pytest.mark.parametrize("name", ["db", ".update.lock", "state.json", "history.jsonl"])
def test_a_directory_or_file_in_the_wrong_place_is_a_usage_error(installed, base_db, seq6, cli, name):
    path = installed / name
    if name == "db":
        shutil.rmtree(path)
        path.write_text("not a folder")
    else:
        if path.exists():
            path.unlink()
        path.mkdir()
    sel = select_active(installed, base_db)
    assert sel.path.is_file() and (sel.notice is not None) == (name == "db")
    code, out = cli("--data-dir", installed, "update", "apply", seq6)
    assert (code, out["error"]["code"]) == (2, "damaged_installation"), out
    assert name in out["error"]["message"]
    code, out = cli("--data-dir", installed, "update", "status")
    assert code == 0, out


HUGE_FLOOR = b'{"format": 1, "sequence_floor": ' + b"7" * 5000 + b"}"


@pytest.mark.parametrize("content", [NESTED, _nested_object(), HUGE_FLOOR],
                         ids=["nested arrays", "nested objects", "huge integer"])
def test_hostile_state_json_is_unreadable_not_an_internal_error(installed, base_db, seq6, cli, content):
    (installed / "state.json").write_bytes(content)
    code, out = cli("--data-dir", installed, "update", "status")
    assert code == 0 and out["state_readable"] is False and out["sequence_floor"] == 5
    code, out = cli("--data-dir", installed, "update", "apply", seq6)
    assert code == 0, out
    assert json.loads((installed / "state.json").read_text())["sequence_floor"] == 6


def test_hostile_history_lines_are_skipped(installed, base_db, seq6, cli):
    with (installed / "history.jsonl").open("ab") as fh:
        fh.write(NESTED + b"\n" + _nested_object() + b"\n" + b'{"action": "apply", "sequence": ' + b"9" * 5000
                 + b"}\n" + b"\xff\xfe not utf-8\n")
    code, out = cli("--data-dir", installed, "update", "status")
    assert code == 0 and out["sequence_floor"] == 5, out
    code, out = cli("--data-dir", installed, "update", "apply", seq6)
    assert code == 0, out


@pytest.mark.parametrize("content", [NESTED, _nested_object()], ids=["nested arrays", "nested objects"])
def test_hostile_trust_root_is_a_rejection(installed, base_db, seq6, cli, content):
    (installed / "trust" / "root.json").write_bytes(content)
    code, out = cli("--data-dir", installed, "update", "apply", seq6)
    assert (code, out["error"]["code"]) == (3, "invalid_trust_root"), out
    code, out = cli("--data-dir", installed, "update", "verify", seq6)
    assert (code, out["error"]["code"]) == (3, "invalid_trust_root"), out
    code, out = cli("--data-dir", installed, "update", "status")
    assert code == 0 and out["trust_root_error"]


@posix
def test_trust_root_linked_to_dev_zero_does_not_hang(installed, seq6, cli):
    root = installed / "trust" / "root.json"
    root.unlink()
    root.symlink_to("/dev/zero")
    started = time.monotonic()
    code, out = cli("--data-dir", installed, "update", "verify", seq6)
    assert (code, out["error"]["code"]) == (3, "invalid_trust_root"), out
    assert time.monotonic() - started < 10


@posix
def test_installed_database_replaced_by_a_fifo_or_dev_zero_does_not_hang(installed, base_db):
    sel = select_active(installed, base_db)
    sel.path.unlink()
    os.mkfifo(sel.path)
    started = time.monotonic()
    again = select_active(installed, base_db)
    assert again.origin == "bundled" and again.notice
    sel.path.unlink()
    sel.path.symlink_to("/dev/zero")
    assert select_active(installed, base_db).origin == "bundled"
    assert time.monotonic() - started < 10


def test_select_active_never_raises_on_a_data_dir_that_is_a_file(tmp_path, base_db):
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("x")
    sel = select_active(not_a_dir, base_db)
    assert sel.origin == "bundled" and sel.path == base_db


def test_unwritable_data_dir_is_a_usage_error(installed, seq6, run_unprivileged):
    """Read-only for the user running the command (an administrators-only folder run by a
    ward user): exit 2 naming the data dir, nothing changed."""
    installed, seq6 = world_readable_copy(installed, seq6)
    for path in [installed, *installed.rglob("*")]:
        os.chmod(path, 0o555 if path.is_dir() else 0o444)
    before = snapshot(installed)
    try:
        for argv in (["update", "apply", str(seq6)], ["update", "rollback"],
                     ["admin", "init-trust", "--root", str(installed / "trust" / "root.json")]):
            code, out = run_unprivileged(["--data-dir", str(installed), *argv])
            assert code == 2, (argv, out)
            assert out["error"]["code"] == "data_dir_not_writable" and out["error"]["field"] == "data_dir", out
            code, out = run_unprivileged(["--data-dir", str(installed), "info"])
            assert code == 0 and out["source"] == "update", out
        assert snapshot(installed) == before
    finally:
        for path in [installed, *installed.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        shutil.rmtree(installed.parent)


def test_unreadable_package_folder_is_a_usage_error(tmp_path, installed, cli):
    code, out = cli("--data-dir", installed, "update", "apply", tmp_path)
    assert (code, out["error"]["code"]) == (2, "package_not_found"), out


def test_a_refused_apply_still_leaves_the_floor(installed, base_db, keys, tmp_path):
    pkg = tmp_path / "seq5.zip"
    build_package(base_db, pkg, [keys["alice"], keys["bob"]], sequence=5, expires=FAR_FUTURE)
    (installed / "current").unlink()
    with pytest.raises(UpdateRejected) as err:
        install.apply(pkg, installed)
    assert err.value.code == "replayed_sequence"
    assert select_active(installed, base_db).notice is None  # the record was restored meanwhile
