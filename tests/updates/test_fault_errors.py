"""Failures, not kills: a disk that fills up at any step of ``update apply``. Nothing is half-done
on a non-zero exit — before the commit point the apply fails with exit 2 (``disk_full``), an
audit line and no file left behind; from the commit point on it is done (exit 0) and says
what could not be finished in ``warnings``. Also a real file-size limit (``RLIMIT_FSIZE``)
in a subprocess, and a killed ``update verify`` whose temp folder is cleaned up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.updates.active import Layout, read_pointer, select_active
from app.updates.faults import APPLY_STEPS, ERROR_ENV, step_number
from app.updates.install import VERIFY_PREFIX
from app.updates.package import build_package
from tests.updates.conftest import ROOT
from tests.updates.helpers import FAR_FUTURE, snapshot

COMMIT = step_number("pointer_replaced")
STEPS = list(range(1, len(APPLY_STEPS) + 1))


@pytest.fixture
def seq6(tmp_path, base_db, keys) -> Path:
    pkg = tmp_path / "seq6.zip"
    build_package(base_db, pkg, [keys["alice"], keys["bob"]], sequence=6, expires=FAR_FUTURE)
    return pkg


def _db_files(data: Path) -> set[str]:
    return {p.name for p in (data / "db").iterdir()}


@pytest.mark.parametrize("n", STEPS, ids=[f"{n:02d}-{name}" for n, name in enumerate(APPLY_STEPS, 1)])
def test_disk_full_at_every_step(installed, base_db, seq6, cli, monkeypatch, n):
    before = snapshot(installed)
    files_before = _db_files(installed)
    history_before = (installed / "history.jsonl").read_text().splitlines()
    monkeypatch.setenv(ERROR_ENV, str(n))
    code, out = cli("--data-dir", installed, "update", "apply", seq6)
    monkeypatch.delenv(ERROR_ENV)
    history = (installed / "history.jsonl").read_text().splitlines()
    last = json.loads(history[-1])
    if n < COMMIT:
        assert (code, out["error"]["code"], out["error"]["field"]) == (2, "disk_full", "data_dir"), out
        assert "Free some space" in out["error"]["message"]
        assert snapshot(installed) == before  # no staging file, no orphaned database, no temp file
        assert _db_files(installed) == files_before
        assert (last["action"], last["code"]) == ("failed", "disk_full")
        assert select_active(installed, base_db).sequence == 5
        code, out = cli("--data-dir", installed, "update", "apply", seq6)  # the retry installs it
        assert code == 0, out
    else:
        assert code == 0, out  # done: the pointer names the new database
        assert out["source"] == "update" and out["update"]["current"]["sequence"] == 6
        assert out["update"]["warnings"], out["update"]
        assert len(history) == len(history_before) + 1 and last["action"] == "apply"
        code, again = cli("--data-dir", installed, "update", "apply", seq6)
        assert (code, again["error"]["code"]) == (3, "replayed_sequence")
    sel = select_active(installed, base_db)
    assert sel.sequence == 6 and sel.notice is None
    pointer = read_pointer(Layout(installed))
    assert pointer.current.sequence == 6 and pointer.previous.sequence == 5
    assert json.loads((installed / "state.json").read_text())["sequence_floor"] == 6
    assert not [p for p in installed.rglob(".*") if p.name != ".update.lock"]


def test_state_json_failure_after_the_switch_is_reported_as_done_with_an_audit_line(installed, seq6, cli,
                                                                                      monkeypatch):
    monkeypatch.setenv(ERROR_ENV, str(step_number("state_temp_written")))
    code, out = cli("--data-dir", installed, "update", "apply", seq6)
    assert code == 0
    assert any("state.json" in w for w in out["update"]["warnings"])
    last = json.loads((installed / "history.jsonl").read_text().splitlines()[-1])
    assert last["action"] == "apply" and last["sequence"] == 6 and last["warnings"]


posix = pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE and SIGKILL of POSIX")


@posix
def test_a_real_file_size_limit_while_staging(installed, base_db, seq6):
    """``RLIMIT_FSIZE`` below the database size: the kernel refuses the write (EFBIG) like a
    full disk. Exit 2 with an audit line; nothing left behind."""
    import resource

    before = snapshot(installed)
    limit = 256 * 1024

    def limited() -> None:  # pragma: no cover - runs in the child
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(installed), "update", "apply", str(seq6)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=limited)
    out = json.loads(proc.stdout)
    assert (proc.returncode, out["error"]["code"]) == (2, "disk_full"), proc.stdout + proc.stderr
    assert snapshot(installed) == before
    last = json.loads((installed / "history.jsonl").read_text().splitlines()[-1])
    assert (last["action"], last["code"]) == ("failed", "disk_full")
    assert select_active(installed, base_db).sequence == 5


@posix
def test_a_killed_verify_leaves_nothing_in_the_temp_folder(installed, seq6, tmp_path):
    """The staging folder of a ``verify`` that was killed is removed by the next run."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    dead = child.pid
    child.kill()
    child.wait()
    stale = tmp / f"{VERIFY_PREFIX}{dead}-abcd"
    stale.mkdir()
    (stale / "guide.sqlite.part").write_bytes(b"\0" * (4 * 1024 * 1024))
    proc = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(installed), "update", "verify", str(seq6)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert list(tmp.iterdir()) == []


def test_verify_stages_under_its_own_pid(installed, seq6, monkeypatch, tmp_path):
    """What the clean-up relies on: the folder name carries the pid of the run that made it."""
    from app.updates import install

    made: list[str] = []
    real = tempfile.mkdtemp

    def spy(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", spy)
    install.verify(seq6, installed)
    assert made and Path(made[0]).name.startswith(f"{VERIFY_PREFIX}{os.getpid()}-")
    assert not Path(made[0]).exists()


def test_a_failing_info_after_the_switch_does_not_turn_a_done_apply_into_a_failure(installed, seq6, cli,
                                                                                     monkeypatch):
    """The printed ``info`` comes after the commit point: if it fails, the apply is still done."""
    from app.services.guide import Guide

    def broken(self, today=None):
        raise KeyError("title")

    monkeypatch.setattr(Guide, "info", broken)
    code, out = cli("--data-dir", installed, "update", "apply", seq6)
    assert code == 0 and out["update"]["current"]["sequence"] == 6
    assert "KeyError" in out["info_error"]
