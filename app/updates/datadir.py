"""The data dir as a place to write: its lock, the damage that stops a write, and what an
``OSError`` there means for the person running the command.

Every failure of ``apply``, ``rollback`` or a trust change becomes an
:class:`~app.updates.UpdateUsageError` with a code (the CLI's exit 2): ``data_dir_not_writable``
(permission denied, read-only file system), ``disk_full`` (no space, quota, file size limit),
``damaged_installation`` (a folder where a file belongs or the reverse: not ours to delete, so
IT is told what to move aside) and ``io_error`` for anything else.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from app.updates import UpdateUsageError
from app.updates.active import Layout

_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}
_WRONG_KIND = {errno.EISDIR, errno.ENOTDIR, getattr(errno, "ELOOP", errno.EISDIR)}


def _name(layout: Layout, path: Path) -> str:
    try:
        return path.relative_to(layout.root).as_posix() or str(path)
    except ValueError:
        return str(path)


def damaged(layout: Layout, path: Path, what: str) -> UpdateUsageError:
    return UpdateUsageError(
        "damaged_installation",
        f"{_name(layout, path)} in the data folder {layout.root} {what}. Nothing was changed. Move it out of the "
        "data folder (keep it for the audit trail) and run the command again; installed updates are recovered "
        "from state.json and history.jsonl.",
        "data_dir",
    )


def check_layout(layout: Layout) -> None:
    """Refuse to write into an installation where a folder stands in place of a file or the
    reverse (``current``, ``state.json``, ``history.jsonl`` or ``.update.lock`` a folder;
    ``db/`` or ``trust/`` a file)."""
    try:
        root_mode = os.stat(layout.root).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise io_failure(exc, layout, "reading the data folder") from None
    if not stat.S_ISDIR(root_mode):
        raise UpdateUsageError("damaged_installation", f"the data folder {layout.root} is not a folder", "data_dir")
    for path in (layout.db_dir, layout.trust_dir):
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISDIR(os.stat(path).st_mode):
                raise damaged(layout, path, "is not a folder")
    for path, in_place in ((layout.pointer_file, False), (layout.state_file, False), (layout.root_file, False),
                           (layout.history_file, True), (layout.lock_file, True)):
        with contextlib.suppress(FileNotFoundError):
            mode = os.lstat(path).st_mode
            if stat.S_ISDIR(mode):
                raise damaged(layout, path, "is a folder, not a file")
            if in_place and not stat.S_ISREG(mode):  # appended to or locked where it stands
                raise damaged(layout, path, "is not a regular file")


def io_failure(exc: OSError, layout: Layout, doing: str) -> UpdateUsageError:
    """The usage error an ``OSError`` met while ``doing`` something in the data dir stands for."""
    reason = exc.strerror or str(exc)
    where = f" ({Path(exc.filename).name})" if isinstance(exc.filename, str) else ""
    if exc.errno in _FULL:
        return UpdateUsageError("disk_full", f"the disk holding the data folder {layout.root} is full while "
                                f"{doing}{where}: {reason}. Free some space and run the command again.", "data_dir")
    if exc.errno in _DENIED:
        return UpdateUsageError("data_dir_not_writable", f"cannot write to the data folder {layout.root} while "
                                f"{doing}{where}: {reason}. Run the command as an administrator, or give the "
                                "right --data-dir.", "data_dir")
    if exc.errno in _WRONG_KIND and isinstance(exc.filename, str):
        return damaged(layout, Path(exc.filename), f"is not what it should be ({reason})")
    return UpdateUsageError("io_error", f"an error while {doing}{where} in the data folder {layout.root}: "
                            f"{reason}", "data_dir")


@contextlib.contextmanager
def locked(layout: Layout) -> Iterator[None]:
    """An exclusive OS lock on ``.update.lock`` (released by the OS if the process dies)."""
    check_layout(layout)
    try:
        layout.root.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(layout.lock_file, flags, 0o644)
    except OSError as exc:
        raise io_failure(exc, layout, "taking the update lock") from None
    try:
        try:
            if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UpdateUsageError("busy", "another update, rollback or trust change is running on this data dir",
                                   "data_dir") from None
        yield
    finally:
        os.close(fd)  # closing releases flock/msvcrt locks
