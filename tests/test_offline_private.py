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


def test_runtime_guard_refuses_socket_creation():
    """Refused where it starts: no IPv4/IPv6 (or any non-local) socket can be created at all."""
    proc = _py(
        "import app.netguard as g; g.install()\n"
        "import socket\n"
        "for call in (lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM),\n"
        "             lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM),\n"
        "             lambda: socket.socket(),\n"
        "             lambda: socket.create_server(('127.0.0.1', 0)),\n"
        "             lambda: socket.getnameinfo(('127.0.0.1', 80), 0)):\n"
        "    try:\n"
        "        call()\n"
        "        print('ALLOWED')\n"
        "    except g.NetworkBlocked:\n"
        "        print('blocked')\n"
        "a, b = socket.socketpair(socket.AF_UNIX)\n"
        "print('unix', a.family.name)\n"
    )
    assert proc.stdout.split() == ["blocked"] * 5 + ["unix", "AF_UNIX"], proc.stdout + proc.stderr


def test_no_datagram_leaves_after_the_guard_is_installed():
    """A UDP listener on this machine receives nothing: neither from a new socket nor from one
    opened before the guard (``sendto``, ``sendmsg`` with an address, ``connect`` + ``send``)."""
    proc = _py(
        "import socket\n"
        "listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "listener.bind(('127.0.0.1', 0)); listener.settimeout(0.5)\n"
        "addr = listener.getsockname()\n"
        "early = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "import app.netguard as g; g.install()\n"
        "attempts = (lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'new', addr),\n"
        "            lambda: early.sendto(b'sendto', addr),\n"
        "            lambda: early.sendmsg([b'sendmsg'], [], 0, addr),\n"
        "            lambda: (early.connect(addr), early.send(b'connect')))\n"
        "for attempt in attempts:\n"
        "    try:\n"
        "        attempt()\n"
        "        print('SENT')\n"
        "    except g.NetworkBlocked:\n"
        "        print('blocked')\n"
        "try:\n"
        "    print('RECEIVED', listener.recvfrom(100))\n"
        "except socket.timeout:\n"
        "    print('nothing received')\n"
    )
    assert proc.stdout.splitlines() == ["blocked"] * 4 + ["nothing received"], proc.stdout + proc.stderr
