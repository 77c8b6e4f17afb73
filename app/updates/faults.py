"""Test hooks of ``update apply``, one per kind of fault, at step N of :data:`APPLY_STEPS`:

- ``MMGUIDE_FAULT_STEP=N``: the process kills itself with ``SIGKILL`` (no ``finally`` blocks,
  no atexit, no flushing: the same as a power cut for everything above the OS page cache);
- ``MMGUIDE_FAULT_ERROR=N``: an ``OSError`` "No space left on device" is raised there (a disk
  that fills up at that moment).

Steps are numbered through the whole apply so the fault tests can walk every one. Without
the variables, :func:`step` does nothing.
"""

from __future__ import annotations

import errno
import os
import signal

ENV = "MMGUIDE_FAULT_STEP"
ERROR_ENV = "MMGUIDE_FAULT_ERROR"

#: Every step of ``apply``, in order; ``step(n)`` is called as each is reached.
APPLY_STEPS: tuple[str, ...] = (
    "start",                     # 1  nothing done yet
    "locked",                    # 2  the update lock is held
    "package_verified",          # 3  zip layout, signatures and manifest checked
    "staging_created",           # 4  an empty staging file exists
    "staging_partial",           # 5  part of the database streamed into staging
    "staging_written",           # 6  staging complete and fsynced, hash and length match
    "database_checked",          # 7  integrity_check, application_id, user_version passed
    "staging_renamed",           # 8  staging moved to its versioned name
    "db_dir_synced",             # 9  the db folder's entry made durable
    "pointer_temp_written",      # 10 the new pointer written to a temp file and fsynced
    "pointer_replaced",          # 11 os.replace(temp, current): the commit point
    "pointer_dir_synced",        # 12 the data dir's entry made durable
    "state_temp_written",        # 13 the new state written to a temp file
    "state_replaced",            # 14 state.json replaced (sequence floor raised)
    "history_appended",          # 15 the audit line written
    "old_files_removed",         # 16 databases no longer referenced deleted
    "done",                      # 17 before the result is printed
)


def step_number(name: str, steps: tuple[str, ...] = APPLY_STEPS) -> int:
    return steps.index(name) + 1


def step(name: str, steps: tuple[str, ...] = APPLY_STEPS) -> None:
    """Kill this process (``MMGUIDE_FAULT_STEP``) or raise a disk-full ``OSError``
    (``MMGUIDE_FAULT_ERROR``) if the variable names this step's number in ``steps`` (the
    update's :data:`APPLY_STEPS`, or ``local apply``'s own list)."""
    kill_at, error_at = os.environ.get(ENV), os.environ.get(ERROR_ENV)
    if not (kill_at or error_at):
        return
    number = str(step_number(name, steps))
    if kill_at and kill_at.strip() == number:
        kill = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows has no SIGKILL; SIGTERM terminates
        os.kill(os.getpid(), kill)
    if error_at and error_at.strip() == number:
        raise OSError(errno.ENOSPC, f"No space left on device (injected at step {number}, {name})")
