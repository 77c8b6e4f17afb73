"""The audit log ``history.jsonl``: one JSON line per apply, rejection, failure, rollback and
trust change — times, the operating-system identity of whoever ran it, package names, codes and
reasons; never any patient data.

The identity comes from the operating system, not from the environment: ``$USER``,
``$LOGNAME`` and ``$USERNAME`` are whatever the caller sets (``getpass.getuser()`` reads them
first), so a line could name anybody. On POSIX it is the effective user's passwd entry
(``pwd.getpwuid(os.geteuid())``) and the uid; on Windows the account of the process token
(``GetUserNameExW``, ``DOMAIN\\user``, else ``GetUserNameW``).
"""

from __future__ import annotations

import json
import os
import stat
import sys
from datetime import UTC, datetime
from typing import Any

from app.boundedio import NotRegularFile
from app.updates.active import Layout, read_history
from app.updates.manifest import format_timestamp

__all__ = ["append_history", "os_identity", "read_history", "try_append_history"]


def os_identity() -> dict[str, Any]:
    """``{"user": name}`` (plus ``"uid"`` on POSIX) of the account this process runs as."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return {"user": _windows_user()}
    uid = os.geteuid()
    try:
        import pwd

        name = pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):  # a uid with no passwd entry (some containers)
        name = f"uid {uid}"
    return {"user": name, "uid": uid}


def _windows_user() -> str:  # pragma: no cover - exercised on Windows only
    import ctypes
    from ctypes import wintypes

    windll: Any = getattr(ctypes, "windll")  # noqa: B009 - exists on Windows only
    size = wintypes.DWORD(512)
    buffer = ctypes.create_unicode_buffer(size.value)
    name_sam_compatible = 2
    if windll.secur32.GetUserNameExW(name_sam_compatible, buffer, ctypes.byref(size)):
        return buffer.value
    size = wintypes.DWORD(512)
    buffer = ctypes.create_unicode_buffer(size.value)
    if windll.advapi32.GetUserNameW(buffer, ctypes.byref(size)):
        return buffer.value
    return "unknown"


def append_history(layout: Layout, record: dict[str, Any]) -> None:
    """Append one line and fsync it; ``OSError`` when it cannot be written."""
    layout.root.mkdir(parents=True, exist_ok=True)
    now = format_timestamp(datetime.now(UTC))
    line = json.dumps({"ts": now, **os_identity(), **record}, ensure_ascii=False, sort_keys=True) + "\n"
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)  # no link, no FIFO to block on
    fd = os.open(layout.history_file, flags, 0o644)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(0, "it is not a regular file", str(layout.history_file))
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def try_append_history(layout: Layout, record: dict[str, Any]) -> str | None:
    """:func:`append_history`, never raising: ``None`` when written, else why it was not (for
    the caller to report, e.g. on a full disk)."""
    try:
        append_history(layout, record)
    except OSError as exc:
        return f"the audit line could not be written to {layout.history_file.name}: {exc.strerror or exc}"
    return None
