"""Refuse network access at run time.

The app never needs the network. Besides never importing network modules (an
import-linter contract), this audit hook refuses the socket operations that could reach
another host, so a dependency cannot open a connection behind our back. Qt's own C++
networking is not visible here; the app never imports the Qt network module (a test checks it never loads).
"""

from __future__ import annotations

import sys
from typing import Any

_BLOCKED = frozenset(
    {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto"}
)
_installed = False


class NetworkBlocked(RuntimeError):
    pass


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event in _BLOCKED:
        if event == "socket.connect" and args and _is_unix_socket(args[0]):
            return
        raise NetworkBlocked(f"network access refused: {event} (Myeloma Pocket Guide works offline only)")


def _is_unix_socket(sock: Any) -> bool:
    family = getattr(sock, "family", None)
    return getattr(family, "name", "") == "AF_UNIX"


def install() -> None:
    """Install the guard once per process (audit hooks cannot be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
