"""Fault injection: ``update apply`` killed with SIGKILL at every step always leaves an
installation that starts on a valid database, and that the next apply can carry on from.

Each run is a real subprocess (``python -m app update apply PKG --data-dir D`` with
``MMGUIDE_FAULT_STEP=N``) followed by a real ``python -m app --data-dir D info``; the runs of
all steps go in parallel in one session fixture, and each step is then asserted on its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.paths import bundled_database
from app.storage.database import verify_database
from app.updates import UpdateRejected, install
from app.updates.active import Layout, check_database, read_pointer, select_active
from app.updates.faults import APPLY_STEPS, ENV, step_number
from app.updates.package import build_package
from tests.updates.conftest import ROOT, make_root
from tests.updates.helpers import FAR_FUTURE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork semantics of POSIX")

COMMIT = step_number("pointer_replaced")
STEPS = list(range(1, len(APPLY_STEPS) + 1))


def _run(args: list[str], env_step: int | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if env_step is not None:
        env[ENV] = str(env_step)
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="session")
def fault_setup(tmp_path_factory, base_db, v2_db, keys):
    """A data dir with sequences 1 and 2 installed (so apply has a previous to keep and an
    older file to delete), and the sequence-3 package to apply."""
    work = tmp_path_factory.mktemp("faults")
    template = work / "template"
    make_root(template, keys)
    signers = [keys["alice"], keys["bob"]]
    for seq, db in ((1, base_db), (2, v2_db[0])):
        pkg = work / f"seq{seq}.zip"
        build_package(db, pkg, signers, sequence=seq, expires=FAR_FUTURE)
        install.apply(pkg, template)
    pkg3 = work / "seq3.zip"
    build_package(base_db, pkg3, signers, sequence=3, expires=FAR_FUTURE)
    return work, template, pkg3


#: Steps whose ``info`` check runs as a real ``python -m app`` subprocess by default: the first,
#: the last before the commit, the commit itself and the last. Every other step runs the same
#: ``main(["--data-dir", D, "info"])`` in process (a new interpreter costs ~2 s in this sandbox,
#: where process starts are serialised). ``MMGUIDE_FAULT_INFO_SUBPROCESS=all`` runs all of them.
SUBPROCESS_INFO = set(STEPS) if os.environ.get("MMGUIDE_FAULT_INFO_SUBPROCESS") == "all" else {
    1, COMMIT - 1, COMMIT, len(APPLY_STEPS)
}


@pytest.fixture(scope="session")
def fault_runs(fault_setup):
    """Every step: copy the template, run the apply subprocess that kills itself at that step."""
    work, template, pkg3 = fault_setup
    runs = {}
    for n in STEPS:
        data = work / f"step{n:02d}"
        shutil.copytree(template, data)
        runs[n] = (data, _run(["update", "apply", str(pkg3), "--data-dir", str(data)], n))
    return runs


def _info(data: Path, n: int, capsys) -> tuple[int, str]:
    if n in SUBPROCESS_INFO:
        proc = _run(["--data-dir", str(data), "info"], None)
        return proc.returncode, proc.stdout + proc.stderr
    from app.cli.main import main

    capsys.readouterr()
    code = main(["--data-dir", str(data), "info"])
    return code, capsys.readouterr().out


def test_every_step_is_numbered_and_reached(fault_runs):
    assert len(STEPS) >= 15
    for n in STEPS:
        _, applied = fault_runs[n]
        assert applied.returncode == -signal.SIGKILL, (n, APPLY_STEPS[n - 1], applied.stdout, applied.stderr)


@pytest.mark.parametrize("n", STEPS, ids=[f"{n:02d}-{name}" for n, name in enumerate(APPLY_STEPS, 1)])
def test_killed_apply_leaves_a_startable_installation(fault_runs, fault_setup, capsys, n):
    data, applied = fault_runs[n]
    _, _, pkg3 = fault_setup
    assert applied.returncode == -signal.SIGKILL

    # A fresh start-up selection lands on a database that verifies, without a fallback notice.
    sel = select_active(data, bundled_database())
    assert sel.origin == "update"
    assert sel.sequence == (3 if n >= COMMIT else 2), APPLY_STEPS[n - 1]
    assert sel.notice is None
    check_database(sel.path)
    verify_database(sel.path)

    # `python -m app --data-dir D info` starts and reports that database as intact.
    code, out = _info(data, n, capsys)
    assert code == 0, out
    report = json.loads(out)
    assert report["integrity"] == "ok" and report["source"] == "update"
    assert Path(report["path"]) == sel.path

    # The pointer is whole and its previous entry is the database that was current before.
    pointer = read_pointer(Layout(data))
    assert pointer is not None and pointer.current is not None
    if n >= COMMIT:
        assert (pointer.current.sequence, pointer.previous.sequence) == (3, 2)
    else:
        assert (pointer.current.sequence, pointer.previous.sequence) == (2, 1)

    # The next apply carries on: it installs sequence 3, or knows it is already installed.
    # (No stale lock, no leftover staging or temp file stops it.)
    if n >= COMMIT:
        with pytest.raises(UpdateRejected) as err:
            install.apply(pkg3, data)
        assert err.value.code == "replayed_sequence"
    else:
        install.apply(pkg3, data)
    final = select_active(data, bundled_database())
    assert final.sequence == 3 and final.notice is None
    state = json.loads((data / "state.json").read_text())
    assert state["sequence_floor"] == 3
    leftovers = [p.name for p in data.rglob("*") if p.name.startswith(".") and p.name != ".update.lock"]
    assert leftovers == []  # staging and temp files of the killed run were cleaned up
    referenced = {pointer_entry.file for pointer_entry in
                  (read_pointer(Layout(data)).current, read_pointer(Layout(data)).previous) if pointer_entry}
    on_disk = {p.name for p in (data / "db").iterdir()}
    if n < COMMIT:  # the retry ran a full apply, which cleans up everything unreferenced
        assert on_disk == referenced
    else:
        assert referenced <= on_disk
