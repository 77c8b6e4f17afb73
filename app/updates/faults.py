"""A test hook: ``MMGUIDE_FAULT_STEP=N`` makes ``update apply`` kill its own process at step N.

The kill is ``SIGKILL`` (no ``finally`` blocks, no atexit, no flushing: the same as a power
cut for everything above the OS page cache). Steps are numbered through the whole apply;
:data:`APPLY_STEPS` names them so the fault-injection test can walk every one. Without the
variable, :func:`step` does nothing.
"""

from __future__ import annotations

import os
import signal

ENV = "MMGUIDE_FAULT_STEP"

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


def step_number(name: str) -> int:
    return APPLY_STEPS.index(name) + 1


def step(name: str) -> None:
    """Kill this process with SIGKILL if ``MMGUIDE_FAULT_STEP`` names this step's number."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    if wanted.strip() == str(step_number(name)):
        kill = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows has no SIGKILL; SIGTERM terminates
        os.kill(os.getpid(), kill)
