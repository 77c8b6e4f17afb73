"""Which guide database the app runs on: current update → previous update → bundled.

Each candidate must still be what was installed (its length and SHA-256 as recorded when the
package was applied) and an intact guide database (``PRAGMA quick_check``, application id,
a supported schema). The first that passes wins; when an earlier one failed, the selection
carries a visible ``notice`` saying so. :func:`recheck` re-hashes the active file later (the
GUI runs it in the background after first paint) and returns a notice if it changed.

This module is on the start-up path: it imports no cryptography and no zip code.

Data-dir layout (shared with :mod:`app.updates.install`)::

    DATA_DIR/trust/root.json          the trust root (keys, threshold)
    DATA_DIR/state.json               sequence floor, time floor, installed versions
    DATA_DIR/current                  the pointer: {"current": entry|null, "previous": entry|null}
    DATA_DIR/db/guide-<seq>-<sha8>.sqlite   versioned databases (never overwritten)
    DATA_DIR/history.jsonl            audit log of applies, rejections, rollbacks
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app.boundedio import NotRegularFile, open_regular, read_regular
from app.updates import strict_json

POINTER_FORMAT = 1
POINTER_CAP = 64 * 1024
_SQLITE_MAGIC = b"SQLite format 3\x00"
_DB_FILE = re.compile(r"^guide-\d{1,16}-[0-9a-f]{8}(-\d{1,4})?\.sqlite$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024


# --- what a usable guide database is ---------------------------------------------------------


@dataclass(frozen=True)
class DatabaseRules:
    """What identifies a guide database this app can read.

    The running app builds this from :mod:`app.storage.schema` (the single source of truth,
    which this package does not import); :data:`DEFAULT_RULES` mirrors it for direct library
    use and a test pins the two together.
    """

    application_id: int
    supported_schema_versions: frozenset[int]
    required_meta: tuple[str, ...] = ("content_version", "content_date", "schema_version")
    #: also check the schema objects, the search index and every model (app.storage.validate)
    deep: bool = True


DEFAULT_RULES = DatabaseRules(application_id=0x4D4D4744, supported_schema_versions=frozenset({1}))


class DatabaseCheckFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class DatabaseFacts:
    application_id: int
    schema_version: int
    content_version: str
    content_date: str
    meta: dict[str, str]


#: SHA-256s of files that passed the deep checks in this process (same bytes, same code: same
#: verdict), so a long-running process does not repeat them for a file it hashed again
_DEEP_PASSED: set[tuple[str, DatabaseRules]] = set()


def check_database(
    path: Path,
    rules: DatabaseRules = DEFAULT_RULES,
    *,
    quick: bool = False,
    sha256: str | None = None,
    content_loaded: bool = False,
) -> DatabaseFacts:
    """Check that ``path`` is an intact, usable guide database; raises :class:`DatabaseCheckFailed`.

    In order: a regular file with an SQLite header (not WAL), ``application_id``,
    ``user_version`` among the supported schemas, the schema objects (exactly the app's DDL,
    :func:`app.storage.validate.check_schema`), ``PRAGMA integrity_check`` (``quick_check``
    with ``quick``), the meta table (content version and date, a schema version equal to
    ``user_version``); then, with ``rules.deep``, the FTS5 index's own integrity check and
    every model loaded through the repository with a search
    (:func:`app.storage.validate.validate_database`). Every statement is bounded in time
    (``database_timeout``). Opens the file read-only through a ``file:`` URI built with
    ``Path.as_uri()``. ``sha256``, when the caller has just hashed the file, lets a file whose
    bytes already passed the deep checks in this process skip them; ``content_loaded`` (bytes
    whose every model this version of the app already loaded at apply, pinned by their
    SHA-256) leaves out the content load, the costly part, but not the schema and index checks.
    """
    from app.storage import guard
    from app.storage.validate import DatabaseUnusable, check_schema

    path = Path(path)
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            header = fh.read(100)
    except NotRegularFile as exc:
        raise DatabaseCheckFailed("not_sqlite", f"{path.name} is not a regular file ({exc})") from None
    except OSError as exc:
        raise DatabaseCheckFailed("missing", f"cannot read {path.name}: {exc.strerror}") from None
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise DatabaseCheckFailed("not_sqlite", f"{path.name} is not an SQLite database")
    if header[18] != 1 or header[19] != 1:
        raise DatabaseCheckFailed("wal", f"{path.name} is in WAL mode; a guide database uses the rollback journal")
    try:
        conn = guard.connect(path.resolve().as_uri() + "?mode=ro")
    except sqlite3.Error as exc:
        raise DatabaseCheckFailed("unreadable", f"cannot open {path.name}: {exc}") from None
    try:
        with guard.bounded(conn, guard.check_limit(size)):
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != rules.application_id:
                raise DatabaseCheckFailed(
                    "wrong_application", f"{path.name} is not a guide database (application_id {app_id:#x})"
                )
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in rules.supported_schema_versions:
                raise DatabaseCheckFailed(
                    "unsupported_schema", f"{path.name} has schema {version}, which this app cannot read"
                )
            if rules.deep:
                check_schema(conn)
            check = "quick_check" if quick else "integrity_check"
            rows = [r[0] for r in conn.execute(f"PRAGMA {check}").fetchall()]
            if rows != ["ok"]:
                raise DatabaseCheckFailed("corrupt_database", f"{check} failed: {'; '.join(map(str, rows[:3]))}")
            try:
                meta = {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta").fetchall()}
            except sqlite3.OperationalError as exc:
                if "interrupted" in str(exc):
                    raise
                raise DatabaseCheckFailed("corrupt_database", f"no readable meta table: {exc}") from None
    except DatabaseUnusable as exc:
        raise DatabaseCheckFailed(exc.code, exc.message) from None
    except guard.QueryTimeout as exc:
        raise DatabaseCheckFailed("database_timeout", f"{path.name}: {exc}") from None
    except (sqlite3.DatabaseError, MemoryError) as exc:  # a crafted file can make SQLite report NOMEM
        reason = str(exc) or type(exc).__name__
        raise DatabaseCheckFailed("corrupt_database", f"{path.name} cannot be read as a database: {reason}") from None
    finally:
        conn.close()
    missing = [k for k in rules.required_meta if k not in meta]
    if missing:
        raise DatabaseCheckFailed("corrupt_database", f"meta lacks {', '.join(missing)}")
    if meta["schema_version"] != str(version):
        raise DatabaseCheckFailed("corrupt_database", "meta schema_version differs from user_version")
    try:
        content_date = date.fromisoformat(meta["content_date"]).isoformat()
    except ValueError:
        raise DatabaseCheckFailed("corrupt_database", f"bad content_date {meta['content_date']!r}") from None
    if rules.deep and (sha256 is None or (sha256, rules) not in _DEEP_PASSED):
        from app.storage.validate import validate_database

        try:
            validate_database(path, content=not content_loaded)
        except DatabaseUnusable as exc:
            raise DatabaseCheckFailed(exc.code, exc.message) from None
        if sha256 is not None and not content_loaded:
            _DEEP_PASSED.add((sha256, rules))
    return DatabaseFacts(app_id, version, meta["content_version"], content_date, meta)


def sha256_file(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and length of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    length = 0
    with open_regular(path) as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            length += len(chunk)
    return digest.hexdigest(), length


# --- the data-dir layout and the pointer --------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def trust_dir(self) -> Path:
        return self.root / "trust"

    @property
    def root_file(self) -> Path:
        return self.trust_dir / "root.json"

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"

    @property
    def pointer_file(self) -> Path:
        return self.root / "current"

    @property
    def db_dir(self) -> Path:
        return self.root / "db"

    @property
    def history_file(self) -> Path:
        return self.root / "history.jsonl"

    @property
    def lock_file(self) -> Path:
        return self.root / ".update.lock"


@dataclass(frozen=True)
class Entry:
    """One installed database as the pointer records it."""

    file: str
    sequence: int
    sha256: str
    length: int
    content_version: str
    content_date: str
    signers: tuple[str, ...]
    created: str
    expires: str
    installed_at: str
    #: the app version that loaded every model of these bytes when it installed them (None:
    #: an older app, or not recorded) — start-up then need not load them again
    checked_by_app: str | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "file": self.file, "sequence": self.sequence, "sha256": self.sha256, "length": self.length,
            "content_version": self.content_version, "content_date": self.content_date,
            "signers": list(self.signers), "created": self.created, "expires": self.expires,
            "installed_at": self.installed_at,
        }
        if self.checked_by_app is not None:
            doc["checked_by_app"] = self.checked_by_app
        return doc

    @classmethod
    def from_json(cls, raw: object) -> Entry:
        if not isinstance(raw, dict):
            raise ValueError("an entry is an object")
        file, seq, sha, length = raw.get("file"), raw.get("sequence"), raw.get("sha256"), raw.get("length")
        if not (isinstance(file, str) and _DB_FILE.match(file)):
            raise ValueError(f"bad file name {file!r}")
        if type(seq) is not int or type(length) is not int or not (isinstance(sha, str) and _HEX64.match(sha)):
            raise ValueError("bad sequence, length or sha256")
        signers = raw.get("signers")
        if not isinstance(signers, list) or not all(isinstance(s, str) for s in signers):
            raise ValueError("bad signers")
        strings = {}
        for name in ("content_version", "content_date", "created", "expires", "installed_at"):
            value = raw.get(name)
            if not isinstance(value, str):
                raise ValueError(f"bad {name}")
            strings[name] = value
        checked = raw.get("checked_by_app")
        return cls(file=file, sequence=seq, sha256=sha, length=length, signers=tuple(signers),
                   checked_by_app=checked if isinstance(checked, str) else None, **strings)


@dataclass(frozen=True)
class Pointer:
    current: Entry | None = None
    previous: Entry | None = None

    def to_bytes(self, updated: str) -> bytes:
        import json

        doc = {
            "format": POINTER_FORMAT,
            "current": self.current.to_json() if self.current else None,
            "previous": self.previous.to_json() if self.previous else None,
            "updated": updated,
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()


class PointerUnreadable(Exception):
    pass


def read_pointer(layout: Layout) -> Pointer | None:
    """The pointer, ``None`` when there is none; raises :class:`PointerUnreadable` if it is
    garbled, too large, or not a regular file (a directory, a FIFO, a link to a device)."""
    path = layout.pointer_file
    try:
        data = read_regular(path, POINTER_CAP)
    except FileNotFoundError:
        if path.is_symlink():
            raise PointerUnreadable("it is a link to a file that does not exist") from None
        return None
    except OSError as exc:
        raise PointerUnreadable(f"cannot read it: {exc.strerror or exc}") from None
    try:
        doc = strict_json(data)
        if not isinstance(doc, dict) or doc.get("format") != POINTER_FORMAT:
            raise ValueError("not a pointer document")
        current = Entry.from_json(doc["current"]) if doc.get("current") is not None else None
        previous = Entry.from_json(doc["previous"]) if doc.get("previous") is not None else None
    except (ValueError, KeyError) as exc:
        raise PointerUnreadable(f"it is garbled: {exc}") from None
    return Pointer(current=current, previous=previous)


# --- what the state file and the audit log record ------------------------------------------------

STATE_CAP = 4 * 1024 * 1024
HISTORY_CAP = 32 * 1024 * 1024


def read_state_document(layout: Layout) -> dict[str, Any] | None:
    """``state.json`` as a JSON object; ``None`` when absent; ``ValueError``/``OSError`` when
    it cannot be read as one (too large, not a regular file, garbled, nested too deep)."""
    try:
        doc = strict_json(read_regular(layout.state_file, STATE_CAP))
    except FileNotFoundError:
        return None
    if not isinstance(doc, dict):
        raise ValueError("state.json is not a JSON object")
    return doc


def read_history(layout: Layout) -> list[dict[str, Any]]:
    """The audit log's records; lines that do not parse (cut off by a crash, garbled, nested
    too deep) are skipped. Only the last :data:`HISTORY_CAP` bytes are read."""
    try:
        with open_regular(layout.history_file) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > HISTORY_CAP:
                fh.seek(size - HISTORY_CAP)
            data = fh.read(HISTORY_CAP)
    except OSError:
        return []
    out = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            record = strict_json(line.encode())
        except ValueError:
            continue
        if isinstance(record, dict):
            out.append(record)
    return out


def recorded_entries(layout: Layout) -> list[Entry]:
    """Databases the installation recorded as installed (``state.json``, then the audit log),
    newest sequence first, leaving out every one that was rolled back.

    What :func:`select_active`, ``apply`` and ``rollback`` fall back on when the pointer is
    missing or unreadable; each is still checked (hash, integrity, usability) before use.
    """
    found: dict[str, Entry] = {}
    rolled_back: set[str] = set()
    try:
        state = read_state_document(layout) or {}
    except (OSError, ValueError):
        state = {}
    installed = state.get("installed")
    for item in installed if isinstance(installed, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("status") == "rolled_back" and isinstance(item.get("file"), str):
            rolled_back.add(item["file"])
        with contextlib.suppress(ValueError):
            entry = Entry.from_json(item)
            found.setdefault(entry.file, entry)
    for record in read_history(layout):
        action = record.get("action")
        if action == "rollback" and isinstance(record.get("from"), dict):
            file = record["from"].get("file")
            if isinstance(file, str):
                rolled_back.add(file)
        elif action == "apply":
            with contextlib.suppress(ValueError, OSError):
                entry = _entry_from_history(layout, record)
                found.setdefault(entry.file, entry)
    entries = [e for e in found.values() if e.file not in rolled_back]
    return sorted(entries, key=lambda e: e.sequence, reverse=True)


def _entry_from_history(layout: Layout, record: dict[str, Any]) -> Entry:
    length = record.get("length")
    if type(length) is not int:  # audit lines written before the length was recorded
        file = record.get("file")
        length = (layout.db_dir / file).stat().st_size if isinstance(file, str) and _DB_FILE.match(file) else -1
    return Entry.from_json({
        "file": record.get("file"), "sequence": record.get("sequence"), "sha256": record.get("db_sha256"),
        "length": length, "content_version": record.get("content_version"),
        "content_date": record.get("content_date"), "signers": record.get("signers"),
        "created": record.get("created"), "expires": record.get("expires") or "",
        "installed_at": record.get("ts") or "",
    })


def database_files(layout: Layout) -> list[str]:
    """Names of the versioned database files in ``db/`` (none when it cannot be listed)."""
    try:
        return sorted(p.name for p in layout.db_dir.iterdir() if _DB_FILE.match(p.name))
    except OSError:
        return []


# --- selection -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveSelection:
    path: Path
    origin: str  # "bundled" | "update"
    signers: tuple[str, ...] = ()
    content_version: str | None = None
    content_date: str | None = None
    sequence: int | None = None
    sha256: str | None = None
    expires: str | None = None
    notice: str | None = None
    failures: tuple[str, ...] = field(default=())


def _label(entry: Entry) -> str:
    return f"{entry.content_version} (sequence {entry.sequence})"


def check_entry(layout: Layout, entry: Entry, rules: DatabaseRules, *, quick: bool = True) -> Path:
    """The entry's file if it is still what was installed and intact; raises otherwise."""
    path = layout.db_dir / entry.file
    try:
        size = path.stat().st_size
    except OSError:
        raise DatabaseCheckFailed("missing", f"{entry.file} is missing") from None
    if size != entry.length:
        raise DatabaseCheckFailed("changed", f"{entry.file} has {size} bytes, {entry.length} were installed")
    digest, _ = sha256_file(path)
    if digest != entry.sha256:
        raise DatabaseCheckFailed("changed", f"{entry.file} no longer has the SHA-256 it was installed with")
    from app import __version__

    facts = check_database(path, rules, quick=quick, sha256=digest, content_loaded=entry.checked_by_app == __version__)
    if facts.content_version != entry.content_version:
        raise DatabaseCheckFailed("changed", f"{entry.file} holds content {facts.content_version}")
    return path


def select_active(
    data_dir: Path | None,
    bundled: Path,
    *,
    rules: DatabaseRules = DEFAULT_RULES,
    now: datetime | None = None,
) -> ActiveSelection:
    """The database to run on: current → previous → bundled, each checked; never raises.

    When the pointer is missing or unreadable but the installation recorded installed
    databases (``state.json``, the audit log), the newest that passes its checks is used, and
    the notice says so. Every file is read bounded and only if it is a regular file, so no
    damaged installation file can stop or hang the start.
    """
    try:
        return _select(data_dir, Path(bundled), rules, now)
    except Exception as exc:  # the last line of defence: start on the bundled database, say why
        reason = f"{type(exc).__name__}: {exc}"
        return _bundled(Path(bundled), rules, [f"selection: {reason}"],
                        [f"The installation's update records could not be read ({reason})."])


def _select(data_dir: Path | None, bundled: Path, rules: DatabaseRules, now: datetime | None) -> ActiveSelection:
    failures: list[str] = []
    sentences: list[str] = []
    if data_dir is not None:
        layout = Layout(Path(data_dir))
        candidates: list[tuple[str, Entry]] = []
        problem: str | None = None
        try:
            pointer = read_pointer(layout)
        except PointerUnreadable as exc:
            pointer, problem = None, f"is unreadable ({exc})"
        if pointer is not None:
            candidates = [(role, e) for role, e in (("current", pointer.current), ("previous", pointer.previous)) if e]
        else:
            recovered = recorded_entries(layout)
            if problem is None and (recovered or database_files(layout)):
                problem = "is missing"
            if problem is not None:
                failures.append(f"pointer: {problem}")
                sentences.append(f"The record of which guideline update is in use ({layout.pointer_file.name} in "
                                 f"the data folder) {problem}.")
            candidates = [("recovered", e) for e in recovered]
        for role, entry in candidates:
            try:
                path = check_entry(layout, entry, rules)
            except DatabaseCheckFailed as exc:
                failures.append(f"{role} {entry.file}: {exc.code}: {exc.message}")
                if role != "recovered":
                    sentences.append(
                        f"The {'installed' if role == 'current' else 'previous'} guideline update {_label(entry)} "
                        f"failed its start-up check ({exc.message}) and is not used."
                    )
                continue
            if role == "recovered":
                sentences.append(f"The newest installed guideline update that passes its checks, {_label(entry)}, is "
                                 "in use; `mmguide update status` shows the details, and the next `mmguide update "
                                 "apply` or `mmguide update rollback` restores the record.")
            elif sentences:
                sentences.append(f"The previous guideline update {_label(entry)} is in use; ask IT to reinstall "
                                 "the newer update.")
            if _expired(entry, now):
                sentences.append(
                    f"The installed guideline package expired on {entry.expires[:10]}; ask IT for a newer package."
                )
            return ActiveSelection(
                path=path, origin="update", signers=entry.signers, content_version=entry.content_version,
                content_date=entry.content_date, sequence=entry.sequence, sha256=entry.sha256,
                expires=entry.expires, notice=" ".join(sentences) or None, failures=tuple(failures),
            )
    return _bundled(bundled, rules, failures, sentences)


def _expired(entry: Entry, now: datetime | None) -> bool:
    moment = now or datetime.now(UTC)
    try:
        return datetime.strptime(entry.expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) < moment
    except ValueError:
        return False


def _bundled(bundled: Path, rules: DatabaseRules, failures: list[str], sentences: list[str]) -> ActiveSelection:
    content_version = content_date = digest = None
    try:
        digest, _ = sha256_file(bundled)
        facts = check_database(bundled, rules, quick=True, sha256=digest)
        content_version, content_date = facts.content_version, facts.content_date
        if sentences:
            sentences.append(f"The guideline bundled with the app ({content_version}) is in use; ask IT to check "
                             "`mmguide update status` and reinstall the update.")
    except (DatabaseCheckFailed, OSError) as exc:
        reason = exc.message if isinstance(exc, DatabaseCheckFailed) else str(exc)
        failures.append(f"bundled: {reason}")
        sentences.append(f"The guideline database bundled with the app failed its check ({reason}); "
                         "reinstall the app.")
    return ActiveSelection(
        path=bundled, origin="bundled", content_version=content_version, content_date=content_date,
        sha256=digest, notice=" ".join(sentences) or None, failures=tuple(failures),
    )


def recheck(selection: ActiveSelection) -> str | None:
    """Re-hash the active file; ``None`` if unchanged, else a notice for the user.

    Meant for a background thread after first paint. On a notice, the caller should call
    :func:`select_active` again: it will skip the changed file and fall back.
    """
    if selection.sha256 is None:
        return None
    try:
        digest, _ = sha256_file(selection.path)
    except OSError as exc:
        return (f"The guideline database in use can no longer be read ({exc.strerror}); "
                "the app will fall back to the previous good database.")
    if digest != selection.sha256:
        return ("The guideline database in use changed on disk after start-up; "
                "the app will fall back to the previous good database.")
    return None
