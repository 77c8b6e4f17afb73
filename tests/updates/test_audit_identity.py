"""The audit log names the operating-system account that ran the command, not whatever
``$USER``/``$LOGNAME``/``$USERNAME`` say."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.updates.audit import os_identity
from app.updates.package import build_package
from tests.updates.conftest import ROOT
from tests.updates.helpers import FAR_FUTURE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the passwd database of POSIX")

SPOOF = {"USER": "mallory", "LOGNAME": "mallory", "USERNAME": "mallory", "LNAME": "mallory"}


def _me() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


def test_identity_is_the_effective_user():
    assert os_identity() == {"user": _me(), "uid": os.geteuid()}


def test_spoofed_environment_does_not_change_the_audit_line(tmp_path, base_db, keys, installed):
    pkg = tmp_path / "seq6.zip"
    build_package(base_db, pkg, [keys["alice"], keys["bob"]], sequence=6, expires=FAR_FUTURE)
    env = {**os.environ, **SPOOF}
    for argv in (["update", "apply", str(pkg)], ["update", "apply", str(pkg)], ["update", "rollback"]):
        proc = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(installed), *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode in (0, 3), proc.stdout + proc.stderr
    lines = [json.loads(line) for line in (installed / "history.jsonl").read_text().splitlines()]
    recent = lines[-3:]
    assert [r["action"] for r in recent] == ["apply", "reject", "rollback"]
    for record in recent:
        assert record["user"] == _me() and record["uid"] == os.geteuid()
        assert "mallory" not in json.dumps(record)
