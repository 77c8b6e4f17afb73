"""A time bound on every query of a guide database (stdlib only).

A database that passed its signature and integrity checks can still hold work that never
ends (a recursive view, a crafted index). Every connection the app opens on a guide database
gets an SQLite progress handler: once the statement running has used up its time, SQLite
interrupts it and the caller gets :class:`QueryTimeout` (or SQLite's ``interrupted`` error
wrapped by SQLAlchemy). The clock restarts for every statement (:meth:`Clock.start`); a
statement started with no clock running is not bounded, so the owner of the connection
starts the clock before each one (the repository does it from a SQLAlchemy event).

``MMGUIDE_QUERY_TIME_LIMIT`` (seconds) overrides the default bound, for IT on a very slow
machine and for the tests.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

ENV = "MMGUIDE_QUERY_TIME_LIMIT"
#: seconds one statement may run; the guide's own queries take milliseconds
DEFAULT_QUERY_LIMIT = 10.0
#: the whole-file checks (integrity_check) also get this much per MiB of database
CHECK_SECONDS_PER_MIB = 0.1
#: virtual-machine steps between two looks at the clock
_STEPS = 1000
#: SQLite's own allocations in this process may not exceed this (a crafted file cannot make it
#: allocate gigabytes; a 256 MiB database copied into memory for a check still fits)
HEAP_LIMIT = 1024 * 1024 * 1024
_heap_limited = False


class QueryTimeout(Exception):
    """A statement ran past its time bound and was interrupted."""


def query_limit() -> float:
    """The per-statement bound in seconds (``MMGUIDE_QUERY_TIME_LIMIT`` or the default)."""
    raw = os.environ.get(ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_QUERY_LIMIT
    return value if 0 < value < 86_400 else DEFAULT_QUERY_LIMIT


def check_limit(size_bytes: int) -> float:
    """The bound for a statement that reads the whole file (``integrity_check``)."""
    return query_limit() + CHECK_SECONDS_PER_MIB * size_bytes / (1024 * 1024)


class Clock:
    """The deadline of the statement running on one connection."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.deadline: float | None = None
        self.expired = False

    def start(self, limit: float | None = None) -> None:
        self.expired = False
        self.deadline = time.monotonic() + (self.limit if limit is None else limit)

    def stop(self) -> None:
        self.deadline = None

    def tick(self) -> int:
        """The progress handler: non-zero interrupts the running statement."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.expired = True
            return 1
        return 0


class BoundedConnection(sqlite3.Connection):
    """An ``sqlite3`` connection with a :class:`Clock` as its progress handler."""

    clock: Clock

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock = Clock(query_limit())
        self.set_progress_handler(self.clock.tick, _STEPS)


def connect(uri: str, **kwargs: Any) -> BoundedConnection:
    """``sqlite3.connect(uri, uri=True, factory=BoundedConnection, **kwargs)``; the first call
    also sets SQLite's process-wide hard heap limit (:data:`HEAP_LIMIT`)."""
    global _heap_limited
    conn = sqlite3.connect(uri, uri=True, factory=BoundedConnection, **kwargs)
    assert isinstance(conn, BoundedConnection)
    if not _heap_limited:
        conn.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT}")
        _heap_limited = True
    return conn


@contextmanager
def bounded(conn: sqlite3.Connection, limit: float | None = None) -> Iterator[None]:
    """Run the statements of the block against one deadline; :class:`QueryTimeout` past it.

    Besides the progress handler, a watchdog calls ``interrupt()`` at the deadline (plus a
    grace second), for work SQLite does inside one step (a b-tree walk of
    ``integrity_check``)."""
    clock = conn.clock if isinstance(conn, BoundedConnection) else None
    if clock is None:
        clock = Clock(query_limit())
        conn.set_progress_handler(clock.tick, _STEPS)
    seconds = clock.limit if limit is None else limit
    outer = clock.deadline  # a bounded block inside another keeps the outer deadline afterwards
    clock.start(seconds)
    watchdog = threading.Timer(seconds + 1.0, conn.interrupt)
    watchdog.daemon = True
    watchdog.start()
    try:
        yield
    except sqlite3.OperationalError as exc:
        if clock.expired or (time.monotonic() > (clock.deadline or 0) and "interrupt" in str(exc)):
            raise QueryTimeout(f"a query ran longer than {seconds:g} s and was stopped") from None
        raise
    finally:
        watchdog.cancel()
        clock.deadline = outer
