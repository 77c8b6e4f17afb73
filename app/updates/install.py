"""Installing packages into a data dir: verify, apply, rollback, status, and the trust root.

Commit protocol of :func:`apply` (each step numbered for :mod:`app.updates.faults`):
the package is verified and its database streamed to ``db/.staging-*.part``, checked, and
renamed to a new versioned name ``db/guide-<sequence>-<sha8>.sqlite`` (an existing file is
never overwritten: a database the GUI has open is never touched). The commit point is one
``os.replace`` of the small pointer file ``current`` (temp file written and fsynced first,
the folder fsynced after). ``state.json`` (the sequence floor) and ``history.jsonl`` follow;
a crash between the pointer and the state is harmless because the floor in force is the
highest of ``state.json``, the pointer's entries and the accepted applies in the history.
Databases no longer referenced by the pointer are deleted last, best effort.

A killed apply therefore leaves either the old pointer (and at most an unreferenced staging
or versioned file, cleaned up by the next apply) or the new one; both name verified files.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from app import __version__ as APP_VERSION
from app.boundedio import open_regular, read_regular
from app.updates import UpdateRejected, UpdateUsageError
from app.updates.active import (
    DEFAULT_RULES,
    DatabaseCheckFailed,
    DatabaseRules,
    Entry,
    Layout,
    Pointer,
    PointerUnreadable,
    check_entry,
    read_history,
    read_pointer,
    read_state_document,
    recorded_entries,
    select_active,
)
from app.updates.audit import append_history, try_append_history
from app.updates.datadir import io_failure, locked
from app.updates.faults import step
from app.updates.keys import PrivateKey, PublicKey
from app.updates.manifest import format_timestamp, parse_timestamp
from app.updates.package import Policy, check_package, check_staged, stage_database
from app.updates.trust import (
    TrustRoot,
    new_root,
    parse_root,
    sign_root,
    verify_initial,
    verify_rotation,
)

STATE_FORMAT = 1
HISTORY_TAIL = 50
ROOT_FILE_CAP = 64 * 1024
_DB_FILE = re.compile(r"^guide-\d+-[0-9a-f]{8}(-\d+)?\.sqlite$")


def _now() -> datetime:
    return datetime.now(UTC)


def _ts(moment: datetime | None = None) -> str:
    return format_timestamp(moment or _now())


# --- small durable-file helpers ------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder for fsync; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(src: Path, dst: Path) -> None:
    """``os.replace`` with a few retries: on Windows a reader holding ``dst`` open for a moment
    makes it fail with a sharing violation."""
    for attempt in range(10):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == 9:
                raise
            time.sleep(0.05)


def atomic_write(
    path: Path,
    data: bytes,
    *,
    before_replace: Callable[[], None] | None = None,
    after_replace: Callable[[], None] | None = None,
) -> None:
    """Write ``data`` to a temp file beside ``path``, fsync, replace ``path``, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if before_replace:
            before_replace()
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if after_replace:
        after_replace()
    _fsync_dir(path.parent)


# --- state -------------------------------------------------------------------------------------


@dataclass
class State:
    sequence_floor: int = 0
    time_floor: str | None = None
    installed: list[dict[str, Any]] = field(default_factory=list)
    readable: bool = True

    def to_bytes(self) -> bytes:
        doc = {
            "format": STATE_FORMAT,
            "sequence_floor": self.sequence_floor,
            "time_floor": self.time_floor,
            "installed": self.installed,
        }
        return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def load_state(layout: Layout) -> State:
    try:
        doc = read_state_document(layout)
    except (OSError, ValueError):
        return State(readable=False)
    if doc is None:
        return State()
    if doc.get("format") != STATE_FORMAT:
        return State(readable=False)
    floor, time_floor, installed = doc.get("sequence_floor"), doc.get("time_floor"), doc.get("installed")
    if type(floor) is not int or not (time_floor is None or isinstance(time_floor, str)):
        return State(readable=False)
    if not isinstance(installed, list):
        installed = []
    return State(floor, time_floor, [e for e in installed if isinstance(e, dict)])


def _safe_pointer(layout: Layout) -> Pointer | None:
    try:
        return read_pointer(layout)
    except PointerUnreadable:
        return None


def _recovered_pointer(layout: Layout, rules: DatabaseRules) -> Pointer | None:
    """A pointer rebuilt from what the installation recorded (the newest two installed
    databases that still pass their checks), for a pointer that is missing or unreadable."""
    good = [e for e in recorded_entries(layout) if _good(layout, e, rules)]
    if not good:
        return None
    return Pointer(current=good[0], previous=good[1] if len(good) > 1 else None)


def _pointer_or_recovered(layout: Layout, rules: DatabaseRules) -> tuple[Pointer | None, str | None]:
    """The pointer in force (under the lock): the file's, or one recovered and written back
    (logged) when the file is missing or unreadable; and why it was recovered."""
    try:
        pointer = read_pointer(layout)
        reason = "missing"
    except PointerUnreadable as exc:
        pointer, reason = None, f"unreadable ({exc})"
    if pointer is not None:
        return pointer, None
    recovered = _recovered_pointer(layout, rules)
    if recovered is None:
        return None, None
    atomic_write(layout.pointer_file, recovered.to_bytes(_ts()))
    append_history(layout, {
        "action": "pointer_recovered", "reason": f"the pointer was {reason}",
        "current": recovered.current.file if recovered.current else None,
        "previous": recovered.previous.file if recovered.previous else None,
    })
    return recovered, reason


def floors(layout: Layout, state: State, pointer: Pointer | None) -> tuple[int, datetime | None]:
    """The sequence floor and time floor in force: the highest of every record that has one."""
    seqs = [state.sequence_floor]
    times: list[str] = [state.time_floor] if state.time_floor else []
    for entry in (pointer.current, pointer.previous) if pointer else ():
        if entry is not None:
            seqs.append(entry.sequence)
            times.append(entry.created)
    for record in read_history(layout):
        if record.get("action") == "apply" and type(record.get("sequence")) is int:
            seqs.append(record["sequence"])
            if isinstance(record.get("created"), str):
                times.append(record["created"])
    parsed = []
    for text in times:
        with contextlib.suppress(ValueError):
            parsed.append(parse_timestamp(text))
    return max(seqs), (max(parsed) if parsed else None)


# --- trust root ---------------------------------------------------------------------------------


def load_root(layout: Layout) -> TrustRoot | None:
    try:
        data = read_regular(layout.root_file, ROOT_FILE_CAP)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UpdateRejected("invalid_trust_root", f"cannot read the trust root: {exc.strerror or exc}",
                             "trust") from None
    try:
        return parse_root(data)
    except UpdateRejected as exc:
        raise UpdateRejected("invalid_trust_root", f"the installed trust root is unusable: {exc.message}",
                             "trust") from None


def require_root(layout: Layout) -> TrustRoot:
    root = load_root(layout)
    if root is None:
        raise UpdateRejected(
            "no_trust_root",
            f"no trust root in {layout.root}; install one first with `mmguide admin init-trust`",
            "trust",
        )
    return root


def init_trust(
    data_dir: Path,
    keys: list[PublicKey],
    threshold: int,
    *,
    rotate_with: list[PrivateKey] | None = None,
    channel: str | None = None,
    out: Path | None = None,
    now: datetime | None = None,
    layout: Layout | None = None,
    log_prefix: str = "",
) -> dict[str, Any]:
    """Create the first trust root, or rotate to a new one signed by old and new thresholds.

    ``layout`` and ``log_prefix`` let the hospital's local trust root (another file, its audit
    actions prefixed ``local_``) reuse these rules (:mod:`app.updates.local_install`).

    With ``out`` the signed root is written to that file instead of being installed (for an
    offline ceremony; IT installs it with :func:`install_root_file`). When installing, the
    current root is read and the rotation verified under the update lock, so two rotations
    cannot both be checked against the same old root.
    """
    layout = layout or Layout(Path(data_dir))
    rotate_with = rotate_with or []

    def build(current: TrustRoot | None) -> TrustRoot:
        if current is None:
            root = sign_root(new_root(keys, threshold, channel=channel or "stable", now=now), rotate_with)
            verify_initial(root)
            return root
        if not rotate_with:
            raise UpdateUsageError(
                "root_exists",
                f"{layout.root_file} already holds trust root version {current.version}; replace it only through a "
                "rotation signed by its threshold (--rotate-with KEY ...)",
                "rotate_with",
            )
        root = new_root(keys, threshold, version=current.version + 1, channel=channel or current.channel, now=now)
        return sign_root(root, rotate_with)

    if out is not None:
        current = load_root(layout)
        root = build(current)
        if current is not None:
            verify_rotation(current, root)
        try:
            atomic_write(Path(out), root.to_bytes())
        except OSError as exc:
            raise UpdateUsageError("unwritable_out", f"cannot write {out}: {exc.strerror or exc}", "out") from None
        return {"written": str(out), "root": root.summary(), "signatures": [s["keyid"] for s in root.signatures]}
    return _install_root(layout, build, log_prefix)


def install_root_file(data_dir: Path, path: Path) -> dict[str, Any]:
    """Install a root prepared elsewhere: the first one as is, a later one only as a valid rotation."""
    layout = Layout(Path(data_dir))
    try:
        data = read_regular(path, ROOT_FILE_CAP)
    except OSError as exc:
        raise UpdateUsageError("unreadable_root", f"cannot read {path}: {exc.strerror or exc}", "root") from None
    root = parse_root(data)
    return _install_root(layout, lambda current: root)


def _install_root(
    layout: Layout, build: Callable[[TrustRoot | None], TrustRoot], log_prefix: str = ""
) -> dict[str, Any]:
    """Under the lock: read the current root, get the new one from ``build``, verify it (first
    root or rotation; a refused rotation is logged), install it and log it."""
    with _writing(layout, "installing the trust root"), locked(layout):
        current = load_root(layout)
        root = build(current)
        try:
            if current is None:
                verify_initial(root)
            else:
                verify_rotation(current, root)
        except UpdateRejected as exc:
            if current is not None:
                append_history(layout, {"action": f"{log_prefix}trust_reject", "code": exc.code, "message": exc.message,
                                        "version": root.version})
            raise
        layout.trust_dir.mkdir(parents=True, exist_ok=True)
        if current is not None:
            archive = layout.trust_dir / f"root-{current.version}.json"
            if not archive.exists():
                atomic_write(archive, read_regular(layout.root_file, ROOT_FILE_CAP))
        atomic_write(layout.root_file, root.to_bytes())
        action = f"{log_prefix}trust_init" if current is None else f"{log_prefix}trust_rotate"
        append_history(layout, {
            "action": action, "version": root.version, "threshold": root.threshold,
            "keys": list(root.keys), "signatures": [s["keyid"] for s in root.signatures],
        })
    return {"installed": str(layout.root_file), "action": action, "root": root.summary(),
            "signatures": [s["keyid"] for s in root.signatures]}


@contextlib.contextmanager
def _writing(layout: Layout, doing: str) -> Any:
    """``OSError`` in the block → the usage error it stands for (:func:`app.updates.datadir.io_failure`)."""
    try:
        yield
    except OSError as exc:
        raise io_failure(exc, layout, doing) from None


# --- verify and apply ----------------------------------------------------------------------------


def _policy(layout: Layout, now: datetime | None, rules: DatabaseRules, app_version: str) -> Policy:
    root = require_root(layout)
    floor, time_floor = floors(layout, load_state(layout), _safe_pointer(layout))
    return Policy(root=root, sequence_floor=floor, time_floor=time_floor, now=now, app_version=app_version,
                  rules=rules)


def _open_package(package: Path) -> BinaryIO:
    package = Path(package)
    try:
        return open_regular(package)
    except FileNotFoundError:
        raise UpdateUsageError("package_not_found", f"no package file at {package}", "package") from None
    except OSError as exc:
        code = "package_not_found" if package.is_dir() else "unreadable_package"
        raise UpdateUsageError(code, f"cannot read {package}: {exc.strerror or exc}", "package") from None


def _checked(check: Callable[[], Any], *, package_io: bool = True) -> Any:
    """Run a check of the (not yet trusted) package: an ``OSError`` is a usage error reading the
    package (``unreadable_package``; with ``package_io=False`` it is passed on: the check also
    writes, and reads report their own errors); anything else unexpected is a rejection
    (``malformed_package``, exit 3) — never an internal error."""
    try:
        return check()
    except (UpdateRejected, UpdateUsageError):
        raise
    except OSError as exc:
        if not package_io:
            raise
        raise UpdateUsageError("unreadable_package", f"the package cannot be read: {exc.strerror or exc}",
                               "package") from None
    except Exception as exc:  # hostile bytes must never surface as an internal error
        raise UpdateRejected("malformed_package", f"the package is malformed ({type(exc).__name__}: {exc})",
                             "package") from None


VERIFY_PREFIX = "mmguide-verify-"


def _clean_stale_verify_dirs() -> None:
    """Remove staging folders of ``verify`` runs that were killed (their process is gone)."""
    base = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for folder in base.glob(f"{VERIFY_PREFIX}*"):
            match = re.match(rf"^{VERIFY_PREFIX}(\d+)-", folder.name)
            if match is None or not folder.is_dir() or folder.is_symlink():
                continue
            if _alive(int(match.group(1))) and time.time() - folder.stat().st_mtime < 86_400:
                continue
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # pragma: no cover - Windows: an open file cannot be deleted anyway
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def verify(
    package: Path,
    data_dir: Path,
    *,
    now: datetime | None = None,
    rules: DatabaseRules = DEFAULT_RULES,
    app_version: str = APP_VERSION,
) -> dict[str, Any]:
    """Everything :func:`apply` checks, with the database staged in a temp folder; changes nothing
    in the data dir (the temp folder of an earlier, killed run is removed)."""
    layout = Layout(Path(data_dir))
    policy = _policy(layout, now, rules, app_version)
    _clean_stale_verify_dirs()
    with _open_package(package) as fh:
        checked = _checked(lambda: check_package(fh, Path(package), policy))
        try:
            tmp = tempfile.mkdtemp(prefix=f"{VERIFY_PREFIX}{os.getpid()}-")
        except OSError as exc:
            raise UpdateUsageError("io_error", f"cannot create a temp folder: {exc.strerror or exc}", "tmp") from None
        try:
            staging = Path(tmp) / "guide.sqlite.part"
            _checked(lambda: stage_database(fh, checked, staging), package_io=False)
            facts = check_staged(staging, checked.manifest, rules)
        except OSError as exc:
            code = "disk_full" if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", 0)) else "io_error"
            raise UpdateUsageError(code, f"cannot stage the database for the check in the temp folder {tmp}: "
                                   f"{exc.strerror or exc}", "tmp") from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return {"accepted": True, **checked.describe(), "integrity": "ok", "application_id": facts.application_id,
            "sequence_floor": policy.sequence_floor, "trust_root_version": policy.root.version}


def _clean_leftovers(layout: Layout, pointer: Pointer | None) -> None:
    """Remove what a killed or failed apply may have left: staging files, temp pointer/state
    files, and — when the pointer in force is known — database files it does not name."""
    if layout.db_dir.is_dir():
        for path in layout.db_dir.glob(".staging-*.part"):
            with contextlib.suppress(OSError):
                path.unlink()
    for pattern in (".current.tmp-*", ".state.json.tmp-*"):
        for path in layout.root.glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()
    if pointer is not None:
        _remove_unreferenced(layout, {e.file for e in (pointer.current, pointer.previous) if e is not None})


def _reconcile_state(layout: Layout, pointer: Pointer | None) -> None:
    """Bring ``state.json`` up to the floors in force after an apply was killed between the
    pointer swap and the state write (or after the state file was lost)."""
    state = load_state(layout)
    floor, time_floor = floors(layout, state, pointer)
    recorded = {e.get("file") for e in state.installed}
    entries = (pointer.previous, pointer.current) if pointer else ()
    missing = [e for e in entries if e is not None and e.file not in recorded]
    stale_time = time_floor is not None and state.time_floor != format_timestamp(time_floor)
    if state.readable and floor == state.sequence_floor and not missing and not stale_time:
        return
    state.sequence_floor = floor
    state.time_floor = format_timestamp(time_floor) if time_floor else state.time_floor
    state.installed += [{**e.to_json(), "status": "recovered"} for e in missing]
    state.readable = True
    atomic_write(layout.state_file, state.to_bytes())
    append_history(layout, {"action": "state_repaired", "sequence_floor": floor})


def _new_name(layout: Layout, sequence: int, sha256: str) -> Path:
    base = f"guide-{sequence}-{sha256[:8]}"
    candidate = layout.db_dir / f"{base}.sqlite"
    n = 1
    while candidate.exists() or candidate.is_symlink():
        candidate = layout.db_dir / f"{base}-{n}.sqlite"
        n += 1
    return candidate


def _remove_unreferenced(layout: Layout, keep: set[str]) -> list[str]:
    removed: list[str] = []
    if not layout.db_dir.is_dir():
        return removed
    for path in layout.db_dir.iterdir():
        if _DB_FILE.match(path.name) and path.name not in keep:
            try:
                path.unlink()  # fails on Windows while the GUI has it open: retried next time
                removed.append(path.name)
            except OSError:
                pass
    return removed


def _good(layout: Layout, entry: Entry | None, rules: DatabaseRules) -> bool:
    if entry is None:
        return False
    try:
        check_entry(layout, entry, rules)
    except DatabaseCheckFailed:
        return False
    return True


def apply(
    package: Path,
    data_dir: Path,
    *,
    now: datetime | None = None,
    rules: DatabaseRules = DEFAULT_RULES,
    app_version: str = APP_VERSION,
) -> dict[str, Any]:
    """Verify and install ``package``; raises :class:`UpdateRejected` or :class:`UpdateUsageError`,
    each with an audit line (when the disk takes one). The previous database stays as the
    fallback.

    Nothing is half-done: a failure before the commit point (the pointer replaced) leaves the
    installation as it was, with no new file; once the pointer names the new database the
    apply is done, and a failure of what follows (``state.json``, the audit line, removing old
    files) is reported in ``warnings`` rather than as a failure.
    """
    layout = Layout(Path(data_dir))
    package = Path(package)
    try:
        step("start")
        with _open_package(package) as fh, locked(layout):
            step("locked")
            return _apply_locked(layout, fh, package, now, rules, app_version)
    except (UpdateRejected, UpdateUsageError) as exc:
        _audit_failure(layout, package, exc)
        raise
    except OSError as exc:
        failure = io_failure(exc, layout, "installing the update")
        _audit_failure(layout, package, failure)
        raise failure from None
    except Exception as exc:
        _audit_failure(layout, package, UpdateUsageError("internal_error", f"{type(exc).__name__}: {exc}"))
        raise


def _audit_failure(layout: Layout, package: Path, failure: UpdateRejected | UpdateUsageError) -> None:
    """The audit line of a refused or failed apply; if even that cannot be written (a full or
    read-only disk), the message says so."""
    size = None
    with contextlib.suppress(OSError):
        size = package.stat().st_size
    record = {"action": "reject" if isinstance(failure, UpdateRejected) else "failed", "code": failure.code,
              "message": failure.message, "field": failure.field, "package": package.name, "package_size": size}
    problem = try_append_history(layout, record)
    if problem is not None:
        failure.message = f"{failure.message} ({problem})"
        failure.args = (failure.message,)


def _apply_locked(
    layout: Layout, fh: BinaryIO, package: Path, now: datetime | None, rules: DatabaseRules, app_version: str
) -> dict[str, Any]:
    old, _ = _pointer_or_recovered(layout, rules)
    _clean_leftovers(layout, old)
    _reconcile_state(layout, old)
    policy = _policy(layout, now, rules, app_version)
    checked = _checked(lambda: check_package(fh, package, policy))
    manifest = checked.manifest
    step("package_verified")
    layout.db_dir.mkdir(parents=True, exist_ok=True)
    staging = layout.db_dir / f".staging-{secrets.token_hex(8)}.part"
    final: Path | None = None
    committed = False

    def commit() -> None:
        nonlocal committed
        committed = True
        step("pointer_replaced")

    switch_problem: str | None = None
    try:
        _checked(lambda: stage_database(fh, checked, staging, on_created=lambda: step("staging_created"),
                                        on_first_chunk=lambda: step("staging_partial")), package_io=False)
        step("staging_written")
        check_staged(staging, manifest, rules)
        step("database_checked")
        final = _new_name(layout, manifest.sequence, manifest.db_sha256)
        os.replace(staging, final)  # a fresh name: never over an existing (possibly open) file
        step("staging_renamed")
        _fsync_dir(layout.db_dir)
        step("db_dir_synced")

        installed_at = _ts()
        entry = Entry(
            file=final.name, sequence=manifest.sequence, sha256=manifest.db_sha256, length=manifest.db_length,
            content_version=manifest.content_version, content_date=manifest.content_date,
            signers=checked.signers, created=manifest.created, expires=manifest.expires, installed_at=installed_at,
            checked_by_app=APP_VERSION if rules.deep else None,
        )
        previous = None
        if old is not None:
            previous = next((e for e in (old.current, old.previous) if _good(layout, e, rules)), None)
        pointer = Pointer(current=entry, previous=previous)
        atomic_write(layout.pointer_file, pointer.to_bytes(installed_at),
                     before_replace=lambda: step("pointer_temp_written"), after_replace=commit)
    except Exception as exc:
        if not committed:
            _remove_quietly(staging, final)
            raise
        # the pointer names the new database; only what follows the rename failed: the apply is done
        switch_problem = f"the switch to the new database is done, but syncing it failed ({exc})"
    except BaseException:
        if not committed:
            _remove_quietly(staging, final)
        raise
    return _after_commit(layout, package, checked, entry, previous, [switch_problem] if switch_problem else [])


def _remove_quietly(*paths: Path | None) -> None:
    for path in paths:
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()


def _after_commit(
    layout: Layout, package: Path, checked: Any, entry: Entry, previous: Entry | None, warnings: list[str]
) -> dict[str, Any]:
    """Steps 12–17: the new database is in use whatever happens here; failures become warnings."""
    manifest = checked.manifest

    def attempt(what: str, action: Callable[[], object]) -> None:
        try:
            action()
        except OSError as exc:
            warnings.append(f"{what} ({exc.strerror or exc})")

    attempt("the data folder could not be synced after the switch; the new database is in use",
            lambda: step("pointer_dir_synced"))

    def write_state() -> None:
        state = load_state(layout)
        floor, time_floor = floors(layout, state, Pointer(current=entry, previous=previous))
        state.installed.append({**entry.to_json(), "status": "installed", "package": package.name})
        state.sequence_floor = max(floor, manifest.sequence)
        times = [t for t in (time_floor, manifest.created_at) if t is not None]
        state.time_floor = format_timestamp(max(times))
        atomic_write(layout.state_file, state.to_bytes(), before_replace=lambda: step("state_temp_written"),
                     after_replace=lambda: step("state_replaced"))

    attempt("state.json could not be updated; the sequence floor is still enforced from the pointer and the "
            "audit log, and the next apply repairs state.json", write_state)
    record = {
        "action": "apply", "package": package.name, "sequence": manifest.sequence, "created": manifest.created,
        "expires": manifest.expires, "content_version": manifest.content_version,
        "content_date": manifest.content_date, "db_sha256": manifest.db_sha256, "length": manifest.db_length,
        "file": entry.file, "signers": list(entry.signers), "previous": previous.file if previous else None,
    }
    if warnings:
        record["warnings"] = list(warnings)
    problem = try_append_history(layout, record)
    if problem is not None:
        warnings.append(problem)
    attempt("the audit line was written but a later step failed", lambda: step("history_appended"))
    removed = _remove_unreferenced(layout, {entry.file} | ({previous.file} if previous else set()))
    attempt("databases no longer used could not all be removed; the next apply removes them",
            lambda: step("old_files_removed"))
    attempt("the update is installed, but finishing failed", lambda: step("done"))
    return {
        "applied": checked.describe(),
        "current": entry.to_json(),
        "previous": previous.to_json() if previous else None,
        "removed": removed,
        "warnings": warnings,
    }


# --- rollback and status -------------------------------------------------------------------------


def rollback(data_dir: Path, *, rules: DatabaseRules = DEFAULT_RULES) -> dict[str, Any]:
    """Return to the previous installed database (or the bundled one); explicit and logged.

    The sequence floor is not lowered: the rolled-back package cannot be re-applied, and the
    way forward is a package with a higher sequence. A missing or unreadable pointer is first
    recovered from the installation's records (logged), so what is in use can be rolled back.
    """
    layout = Layout(Path(data_dir))
    with _writing(layout, "rolling back"), locked(layout):
        reason: str | None = None
        old, recovered_because = _pointer_or_recovered(layout, rules)
        if old is None:
            try:
                read_pointer(layout)
            except PointerUnreadable as exc:
                reason = str(exc)
        if (old is None and reason is None) or (old is not None and old.current is None):
            raise UpdateUsageError("nothing_to_roll_back", "the bundled database is already in use", "rollback")
        target = old.previous if old is not None else None
        note = None
        if recovered_because is not None:
            note = f"the record of the database in use was {recovered_because}; it was recovered first"
        if target is not None and not _good(layout, target, rules):
            note = f"the previous update {target.file} failed its check; returning to the bundled database"
            target = None
        now = _ts()
        atomic_write(layout.pointer_file, Pointer(current=target, previous=None).to_bytes(now))
        state = load_state(layout)
        if state.readable:
            floor, time_floor = floors(layout, state, old)
            state.sequence_floor = floor
            if time_floor is not None:
                state.time_floor = format_timestamp(time_floor)
            for item in state.installed:
                if old is not None and old.current is not None and item.get("file") == old.current.file:
                    item["status"] = "rolled_back"
                    item["rolled_back_at"] = now
            atomic_write(layout.state_file, state.to_bytes())
        record = {
            "action": "rollback",
            "from": old.current.to_json() if old is not None and old.current else None,
            "to": target.to_json() if target else "bundled",
            "reason": reason or "explicit rollback (mmguide update rollback)",
            "note": note,
        }
        append_history(layout, record)
        _remove_unreferenced(layout, {target.file} if target else set())
    return {"rolled_back_from": record["from"], "now_active": record["to"], "note": note}


def status(
    data_dir: Path,
    bundled: Path,
    *,
    rules: DatabaseRules = DEFAULT_RULES,
    now: datetime | None = None,
) -> dict[str, Any]:
    layout = Layout(Path(data_dir))
    try:
        root: TrustRoot | None = load_root(layout)
        root_error = None
    except UpdateRejected as exc:
        root, root_error = None, exc.message
    state = load_state(layout)
    try:
        pointer = read_pointer(layout)
        pointer_error = None
    except PointerUnreadable as exc:
        pointer, pointer_error = None, str(exc)
    floor, time_floor = floors(layout, state, pointer)
    selection = select_active(layout.root, bundled, rules=rules, now=now)
    history = read_history(layout)
    return {
        "data_dir": str(layout.root),
        "trust_root": root.summary() if root else None,
        "trust_root_error": root_error,
        "sequence_floor": floor,
        "time_floor": format_timestamp(time_floor) if time_floor else None,
        "current": pointer.current.to_json() if pointer and pointer.current else None,
        "previous": pointer.previous.to_json() if pointer and pointer.previous else None,
        "pointer_error": pointer_error,
        "state_readable": state.readable,
        "active": {
            "origin": selection.origin, "path": str(selection.path), "content_version": selection.content_version,
            "content_date": selection.content_date, "sequence": selection.sequence,
            "signer_key_ids": list(selection.signers), "notice": selection.notice,
        },
        "installed": state.installed,
        "history": history[-HISTORY_TAIL:],
        "history_total": len(history),
    }
