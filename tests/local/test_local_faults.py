"""A local apply killed (SIGKILL) or hitting a full disk at every step leaves either the old layer
or the new one installed and verified — never a half-written one — and the floor never drops.

Runs ``mmguide local apply`` in a child process with the fault hooks of app.updates.faults
(``MMGUIDE_FAULT_STEP`` / ``MMGUIDE_FAULT_ERROR``) over :data:`LOCAL_APPLY_STEPS`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.updates.faults import ENV, ERROR_ENV
from app.updates.local_install import LOCAL_APPLY_STEPS, apply, sequence_floor
from tests.local.helpers import build

COMMIT = LOCAL_APPLY_STEPS.index("layer_replaced") + 1


@pytest.fixture(scope="module")
def packages(tmp_path_factory, keys, template_source) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("local-fault-pkgs")
    signers = [keys["h1"], keys["h2"]]
    return build(template_source, folder / "seq5.zip", signers, sequence=5), \
        build(template_source, folder / "seq6.zip", signers, sequence=6)


def _run(data: Path, pkg: Path, env_name: str, step: int) -> tuple[int, str]:
    env = {**os.environ, env_name: str(step), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data), "local", "apply", str(pkg)],
                          env=env, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout


@pytest.mark.parametrize("env_name", [ENV, ERROR_ENV])
@pytest.mark.parametrize("step", range(1, len(LOCAL_APPLY_STEPS) + 1))
def test_old_or_new_layer_never_half(step, env_name, tmp_path, data_dir, packages, cli):
    old, new = packages
    apply(old, data_dir)
    code, out = _run(data_dir, new, env_name, step)
    status = cli("--data-dir", data_dir, "local", "status")[1]
    assert status["installed"] is True, status
    committed = step >= COMMIT
    assert status["sequence"] == (6 if committed else 5)
    if env_name == ERROR_ENV:  # a full disk before the commit point: exit 2; after it: done with a warning
        assert code == (0 if committed else 2), out
        if committed:
            assert json.loads(out)["applied"]["warnings"]
    assert sequence_floor(data_dir) == (6 if committed else 5)
    retry = cli("--data-dir", data_dir, "local", "apply", new)
    assert retry[0] == (3 if committed else 0), retry
    assert not [p.name for p in (data_dir / "local").iterdir() if ".tmp-" in p.name]
