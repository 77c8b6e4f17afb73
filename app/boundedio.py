"""Reading files and JSON that may be hostile: regular files only, bounded in size and depth.

Every path the app reads on someone's say-so — an ``@file`` argument, a key or trust-root
file, the data dir's pointer, state and audit files, an installed database — goes through
:func:`open_regular` or :func:`read_regular`: the file is opened without blocking (a FIFO
with no writer cannot hang the open), ``fstat`` of the open descriptor must say *regular
file* (not ``/dev/zero``, a FIFO, a socket, a directory — also when a symlink points there),
and no more than the cap is ever read. Every JSON document goes through :func:`loads`:
bounded in size and nesting depth (CPython's parser recurses, and a few thousand ``[`` raise
``RecursionError``), with integers of more than 4,300 digits refused as :class:`ValueError`.

Stdlib only; no layer of the app is below it.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import stat
from pathlib import Path
from typing import Any, BinaryIO

#: deepest nesting of arrays and objects accepted in any JSON the app reads
MAX_DEPTH = 64
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class NotRegularFile(OSError):
    """The path names a directory, device, FIFO or socket, not a regular file."""


class FileTooLarge(OSError):
    """The file is larger than the cap for what it should hold."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for reading if it is a regular file (after following symlinks).

    Raises :class:`NotRegularFile` (an ``OSError``) for anything else, without blocking on a
    FIFO; other ``OSError`` as ``open`` raises them.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    nonblock = getattr(os, "O_NONBLOCK", 0)
    if not nonblock:  # Windows: no FIFOs to hang on; refuse what is not a file before opening
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(0, f"it is {_kind(mode)}", str(path))
    try:
        fd = os.open(path, flags | nonblock)
    except IsADirectoryError:
        raise NotRegularFile(0, "it is a directory", str(path)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(0, f"it is {_kind(mode)}", str(path))
        if nonblock:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], cap: int) -> bytes:
    """The bytes of the regular file ``path``; :class:`FileTooLarge` past ``cap`` bytes."""
    with open_regular(path) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise FileTooLarge(0, f"it is larger than {cap} bytes", str(path))
    return data


def depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` in JSON text (brackets inside strings do not count)."""
    steps = (_STEP[m] for m in _BRACKETS.findall(_STRINGS.sub("", text)))
    return max(itertools.accumulate(steps, initial=0))


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """``json.loads`` that refuses nesting deeper than ``max_depth`` with :class:`ValueError`
    (bytes must be UTF-8; huge integers raise ``ValueError`` as CPython's limit says)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    found = depth(text)
    if found > max_depth:
        raise ValueError(f"it is nested {found} levels deep; at most {max_depth} are accepted")
    try:
        return json.loads(text, **kwargs)
    except RecursionError:
        raise ValueError(f"it is nested too deeply (at most {max_depth} levels are accepted)") from None


def describe(exc: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """``exc`` as a short reason for a message naming ``path``."""
    where = Path(path).name if path is not None else ""
    reason = exc.strerror or str(exc)
    return f"{where}: {reason}" if where else reason
