"""Offline and private: no network at run time, no patient values on disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _py(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_sockets_are_blocked_in_the_test_suite():
    import socket

    with pytest.raises(Exception, match=r"(?i)socket"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_runtime_guard_refuses_name_lookups_and_connections():
    proc = _py(
        "import app.netguard as g; g.install()\n"
        "import socket\n"
        "for call in (lambda: socket.getaddrinfo('example.org', 443),\n"
        "             lambda: socket.create_connection(('127.0.0.1', 9), timeout=1)):\n"
        "    try:\n"
        "        call()\n"
        "    except g.NetworkBlocked:\n"
        "        print('blocked')\n"
    )
    assert proc.stdout.split() == ["blocked", "blocked"], proc.stderr


def test_cli_installs_the_guard():
    proc = _py(
        "import sys, socket\n"
        "from app.cli.main import main\n"
        "main(['--version'])\n"
        "try:\n"
        "    socket.getaddrinfo('example.org', 443)\n"
        "except RuntimeError as e:\n"
        "    print('BLOCKED', e)\n"
    )
    assert "BLOCKED network access refused" in proc.stdout, proc.stderr


def test_gui_never_loads_qt_networking():
    """Qt's C++ networking is invisible to the audit hook, so QtNetwork must never load.

    (``socket``/``ssl`` are imported by SQLAlchemy as modules; connections are what the runtime
    guard refuses, see the test above.)"""
    proc = _py(
        "import os, sys; os.environ['QT_QPA_PLATFORM']='offscreen'\n"
        "from app.cli.main import main\n"
        "code = main(['--self-test'])\n"
        "print('NET', [m for m in sys.modules if 'QtNetwork' in m or m in ('http.client', 'urllib.request')])\n"
        "sys.exit(code)\n"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "NET []" in proc.stdout


def test_import_linter_contracts_hold():
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_console_script_runs_as_module():
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--version"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "content_version" in proc.stdout
