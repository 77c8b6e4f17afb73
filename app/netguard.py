"""Refuse network access at run time.

The app never needs the network. Besides never importing network modules (an
import-linter contract), this audit hook refuses it where it starts: creating any socket that
is not a local (``AF_UNIX``) one raises :class:`NetworkBlocked` (the ``socket.__new__`` audit
event covers ``socket.socket``, ``create_connection``, ``create_server``, ``fromfd`` and
``socketpair``). For a socket that existed before the guard was installed, every operation
that names a peer or a host is refused as well: ``connect``, ``sendto``, ``sendmsg`` with an
address, ``bind``, and the name look-ups (``getaddrinfo``, ``getnameinfo``,
``gethostbyname``, ``gethostbyaddr``). Qt's own C++ networking is not visible here; the app
never imports the Qt network module (a test checks it never loads).
"""

from __future__ import annotations

import sys
from typing import Any

_LOCAL_FAMILIES = frozenset({"AF_UNIX"})
_BLOCKED = frozenset({
    "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
    "socket.getaddrinfo", "socket.getnameinfo", "socket.gethostbyname", "socket.gethostbyaddr",
})
_installed = False


class NetworkBlocked(RuntimeError):
    pass


def _refuse(event: str) -> None:
    raise NetworkBlocked(f"network access refused: {event} (Myeloma Pocket Guide works offline only)")


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.__new__":
        family = args[1] if len(args) > 1 else None
        if _family_name(family) not in _LOCAL_FAMILIES:
            _refuse(f"{event} (family {_family_name(family) or family!r})")
        return
    if event in _BLOCKED:
        if args and _is_unix_socket(args[0]):
            return
        _refuse(event)


#: AF_UNIX is 1 on Linux, macOS and Windows (a family given as a bare number)
_AF_UNIX = 1


def _family_name(family: Any) -> str:
    name = getattr(family, "name", None)
    if isinstance(name, str):
        return name
    return "AF_UNIX" if type(family) is int and family == _AF_UNIX else ""


def _is_unix_socket(sock: Any) -> bool:
    return _family_name(getattr(sock, "family", None)) in _LOCAL_FAMILIES


def install() -> None:
    """Install the guard once per process (audit hooks cannot be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
