"""Building and verifying an update package.

A package is one zip archive, stored (not compressed), with exactly three members::

    manifest.json    the signed manifest (≤ 64 KiB), see :mod:`app.updates.manifest`
    signatures.json  [{"keyid": hex, "sig": hex}, ...] over MANIFEST_CONTEXT + manifest bytes
    guide.sqlite     the database (≤ 256 MiB); its length and SHA-256 are in the manifest

Verification reads as little as it can before it trusts anything, in this order:

1. the file's size (empty, over the cap) and its end-of-central-directory record, which must
   be the last 22 bytes (no comment, no trailing data) and list at most a handful of entries;
2. every central-directory entry: a flat safe name (no ``..``, no absolute path, no
   directory, no symlink), no duplicate, exactly the three names, stored, unencrypted,
   compressed size == size (a stored member cannot grow: any other ratio is a bomb), each
   under its cap; then each local header (same name, same sizes, no data descriptor) and
   the member byte ranges (inside the archive, not overlapping);
3. ``signatures.json`` and the raw manifest bytes: the signatures are checked against the
   trust root's keys and threshold *before* the manifest is parsed;
4. the manifest's claims: product, channel, sequence above the floor, not expired, a schema
   this app reads, a minimum app version this app meets, the database member's length;
5. only then is the database streamed to a staging file (hashing and counting, never more
   than the signed length), fsynced, compared with the signed SHA-256, and opened for
   ``PRAGMA integrity_check``, ``application_id``, ``user_version`` and its meta.

Nothing is extracted by name: member bytes are read at their offsets, so no path from the
archive ever reaches the file system.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from app import __version__ as APP_VERSION
from app.updates import DEFAULT_CHANNEL, PRODUCT, UpdateRejected, UpdateUsageError
from app.updates.active import (
    DEFAULT_RULES,
    DatabaseCheckFailed,
    DatabaseFacts,
    DatabaseRules,
    check_database,
    sha256_file,
)
from app.updates.keys import MANIFEST_CONTEXT, PrivateKey
from app.updates.manifest import (
    MANIFEST_CAP,
    Changes,
    Manifest,
    format_timestamp,
    parse_manifest,
    version_tuple,
)
from app.updates.trust import TrustRoot, check_threshold, parse_signatures

MANIFEST_NAME = "manifest.json"
SIGNATURES_NAME = "signatures.json"
DB_NAME = "guide.sqlite"
MEMBERS = (MANIFEST_NAME, SIGNATURES_NAME, DB_NAME)
#: a hospital's local-layer package (app.updates.local_package): same zip rules, other members
LOCAL_MANIFEST_NAME = "local-manifest.json"
LOCAL_LAYER_NAME = "layer.json"
LOCAL_MEMBERS = (LOCAL_MANIFEST_NAME, SIGNATURES_NAME, LOCAL_LAYER_NAME)

SIGNATURES_CAP = 64 * 1024
DB_CAP = 256 * 1024 * 1024
CAPS = {MANIFEST_NAME: MANIFEST_CAP, SIGNATURES_NAME: SIGNATURES_CAP, DB_NAME: DB_CAP}
LOCAL_LAYER_CAP = 2 * 1024 * 1024
LOCAL_CAPS = {LOCAL_MANIFEST_NAME: MANIFEST_CAP, SIGNATURES_NAME: SIGNATURES_CAP, LOCAL_LAYER_NAME: LOCAL_LAYER_CAP}
#: the other kind of package each kind is told apart from: (its members, code, message)
GUIDELINE_NOT_LOCAL = (MEMBERS, "guideline_package",
                       "this is a guideline update package, not a hospital local layer: install it with "
                       "`mmguide update apply`")
LOCAL_NOT_GUIDELINE = (LOCAL_MEMBERS, "local_layer_package",
                       "this is a hospital local-layer package, not a guideline update: install it with "
                       "`mmguide local apply`")
PACKAGE_CAP = DB_CAP + MANIFEST_CAP + SIGNATURES_CAP + 64 * 1024
MAX_ENTRIES = 16
CENTRAL_DIRECTORY_CAP = 16 * 1024
CHUNK = 1024 * 1024

_EOCD = struct.Struct("<4s4H2LH")
_LOCAL = struct.Struct("<4s5H3L2H")
_EOCD_SIG = b"PK\x05\x06"
_LOCAL_SIG = b"PK\x03\x04"
_S_IFMT, _S_IFLNK, _S_IFDIR = 0o170000, 0o120000, 0o040000
_DRIVE = re.compile(r"^[A-Za-z]:")


def _reject(code: str, message: str, where: str | None = "package") -> UpdateRejected:
    return UpdateRejected(code, message, where)


# --- the zip layer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    name: str
    offset: int  # first data byte
    size: int
    crc: int


def read_layout(
    fh: BinaryIO,
    size: int,
    members: tuple[str, ...] = MEMBERS,
    caps: dict[str, int] | None = None,
    other_kind: tuple[tuple[str, ...], str, str] | None = LOCAL_NOT_GUIDELINE,
) -> dict[str, Member]:
    """Check the archive's structure; the three members' byte ranges, or a rejection.

    ``members``/``caps`` name the kind of package expected (a guideline update by default, or a
    local layer); an archive holding exactly ``other_kind``'s members is refused with its code."""
    caps = CAPS if caps is None else caps
    expected = members
    if size == 0:
        raise _reject("empty", "the package file is empty")
    if size > PACKAGE_CAP:
        raise _reject("oversized_package", f"the package has {size} bytes; at most {PACKAGE_CAP} are accepted")
    fh.seek(0)
    head = fh.read(4)
    if size < _EOCD.size:
        raise _reject("truncated" if head == _LOCAL_SIG[: len(head)] and head else "not_zip",
                      "the package is too short to be a zip archive")
    tail_start = max(0, size - _EOCD.size - 0xFFFF)
    fh.seek(tail_start)
    tail = fh.read(size - tail_start)
    found = tail.rfind(_EOCD_SIG)
    if found < 0:
        if head == _LOCAL_SIG:
            raise _reject("truncated", "the package ends before its zip directory: it is truncated")
        raise _reject("not_zip", "the package is not a zip archive")
    if tail_start + found > size - _EOCD.size:
        raise _reject("truncated", "the zip end record is cut off: the package is truncated")
    if tail_start + found != size - _EOCD.size:
        raise _reject("corrupt_zip", "there is a comment or trailing data after the zip directory")
    sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, comment_len = _EOCD.unpack(tail[found:])
    if comment_len != 0:
        raise _reject("corrupt_zip", "zip comments are not accepted")
    if disk or cd_disk or n_disk != n_total or n_total == 0xFFFF or cd_offset == 0xFFFFFFFF:
        raise _reject("unsupported_zip", "multi-disk and ZIP64 archives are not accepted")
    if n_total > MAX_ENTRIES or cd_size > CENTRAL_DIRECTORY_CAP:
        raise _reject("too_many_members", f"the package lists {n_total} entries; a package has exactly 3")
    if cd_offset + cd_size > size - _EOCD.size:
        raise _reject("truncated", "the zip directory points past the end of the package")
    if cd_offset + cd_size != size - _EOCD.size:
        raise _reject("corrupt_zip", "there are unexpected bytes between the zip directory and its end record")
    try:
        fh.seek(0)
        infos = zipfile.ZipFile(fh).infolist()  # parses the (small, capped) central directory only
    except NotImplementedError as exc:  # e.g. "version needed to extract" above what zipfile reads
        raise _reject("unsupported_zip", f"the zip archive uses a feature this app does not read: {exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _reject("corrupt_zip", f"the zip directory cannot be read: {exc}") from None
    if len(infos) != n_total:
        raise _reject("corrupt_zip", "the zip directory and its end record disagree")

    for info in infos:
        _check_name(info)
    dupes = sorted(n for n, c in Counter(i.orig_filename for i in infos).items() if c > 1)
    if dupes:
        raise _reject("duplicate_member", f"member {dupes[0]!r} appears more than once")
    names = {i.orig_filename for i in infos}
    if other_kind is not None and names == set(other_kind[0]) and names != set(expected):
        raise _reject(other_kind[1], other_kind[2])
    extra = sorted(names - set(expected))
    if extra:
        raise _reject("unexpected_member", f"unexpected member {extra[0]!r}; a package holds exactly "
                      f"{', '.join(expected)}")
    missing = [n for n in expected if n not in names]
    if missing:
        raise _reject("missing_member", f"the package lacks {missing[0]}")

    for info in infos:
        name = info.orig_filename
        if info.compress_type != zipfile.ZIP_STORED:
            raise _reject("compressed_member", f"{name} is compressed; package members must be stored")
        if info.flag_bits & 0x1:
            raise _reject("encrypted_member", f"{name} is encrypted")
        if info.file_size > caps[name] or info.compress_size > caps[name]:
            raise _reject("oversized_member", f"{name} declares {info.file_size} bytes; at most {caps[name]}")
        if info.file_size != info.compress_size:
            raise _reject("zip_bomb", f"{name} declares {info.file_size} bytes from {info.compress_size} stored "
                          "bytes; a stored member must not expand")
        if info.flag_bits & 0x8:
            raise _reject("unsupported_zip", f"{name} uses a data descriptor")

    located: dict[str, Member] = {}
    for info in infos:
        fh.seek(info.header_offset)
        raw = fh.read(_LOCAL.size)
        if len(raw) != _LOCAL.size:
            raise _reject("truncated", f"the local header of {info.orig_filename} is cut off")
        sig, _ver, flags, method, _t, _d, crc, csize, usize, name_len, extra_len = _LOCAL.unpack(raw)
        encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
        name_bytes = fh.read(name_len)
        if (sig != _LOCAL_SIG or method != zipfile.ZIP_STORED or flags & 0x9 or name_bytes
                != info.orig_filename.encode(encoding) or (crc, csize, usize)
                != (info.CRC, info.compress_size, info.file_size)):
            raise _reject("corrupt_zip", f"the local header of {info.orig_filename} disagrees with the directory")
        start = info.header_offset + _LOCAL.size + name_len + extra_len
        located[info.orig_filename] = Member(info.orig_filename, start, info.file_size, info.CRC)
    spans = sorted(((i.header_offset, located[i.orig_filename]) for i in infos), key=lambda s: s[0])
    end_of_previous = 0
    for header_offset, member in spans:
        if header_offset < end_of_previous:
            raise _reject("zip_bomb", f"{member.name} overlaps another member")
        end_of_previous = member.offset + member.size
        if end_of_previous > cd_offset:
            raise _reject("truncated", f"{member.name} runs past the zip directory")
    return located


def _check_name(info: zipfile.ZipInfo) -> None:
    name = info.orig_filename
    if not name or not info.filename:  # before anything indexes it (ZipInfo.is_dir() reads name[-1])
        raise _reject("unsafe_name", "a member has an empty name")
    mode = info.external_attr >> 16
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise _reject("absolute_path", f"member {name!r} has an absolute path")
    parts = re.split(r"[/\\]", name)
    if ".." in parts:
        raise _reject("path_traversal", f"member {name!r} climbs out of the package ('..')")
    if (mode & _S_IFMT) == _S_IFLNK:
        raise _reject("symlink_member", f"member {name!r} is a symbolic link")
    if name.endswith(("/", "\\")) or (mode & _S_IFMT) == _S_IFDIR or info.is_dir():
        raise _reject("directory_member", f"member {name!r} is a directory")
    if not name or any(ord(c) < 32 or c in "\\:" for c in name) or name != info.filename:
        raise _reject("unsafe_name", f"member name {name!r} is not a plain file name")
    if len(parts) > 1:
        raise _reject("unexpected_member", f"member {name!r} is in a folder; package members are flat")


def _read_member(fh: BinaryIO, member: Member) -> bytes:
    fh.seek(member.offset)
    data = fh.read(member.size)
    if len(data) != member.size:
        raise _reject("truncated", f"{member.name} is cut off")
    return data


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """What this installation accepts, at this moment."""

    root: TrustRoot
    sequence_floor: int = 0
    time_floor: datetime | None = None
    now: datetime | None = None
    app_version: str = APP_VERSION
    rules: DatabaseRules = DEFAULT_RULES

    def effective_now(self) -> datetime:
        """The later of the clock and the newest ``created`` ever accepted (a clock set back
        cannot revive an expired package)."""
        now = self.now or datetime.now(UTC)
        return max(now, self.time_floor) if self.time_floor else now


@dataclass(frozen=True)
class CheckedPackage:
    """A package whose structure, signatures and manifest passed; the database is not read yet."""

    path: Path
    manifest: Manifest
    manifest_bytes: bytes
    signers: tuple[str, ...]
    signer_names: dict[str, str]
    db: Member
    size: int

    def describe(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "package": self.path.name,
            "product": m.product,
            "channel": m.channel,
            "sequence": m.sequence,
            "created": m.created,
            "expires": m.expires,
            "content_version": m.content_version,
            "content_date": m.content_date,
            "schema_version": m.schema_version,
            "min_app_version": m.min_app_version,
            "db_length": m.db_length,
            "db_sha256": m.db_sha256,
            "signers": [{"keyid": k, "name": self.signer_names.get(k, "")} for k in self.signers],
            "changes": {**m.changes.to_json(), "counts": m.changes.counts()},
        }


def check_package(fh: BinaryIO, path: Path, policy: Policy) -> CheckedPackage:
    """Steps 1–4 of the module docstring on an open package file."""
    size = os.fstat(fh.fileno()).st_size
    members = read_layout(fh, size)
    sig_bytes = _read_member(fh, members[SIGNATURES_NAME])
    manifest_bytes = _read_member(fh, members[MANIFEST_NAME])
    entries = parse_signatures(sig_bytes)
    root = policy.root
    signers = check_threshold(entries, root.keys, root.threshold, MANIFEST_CONTEXT, manifest_bytes)
    manifest = parse_manifest(manifest_bytes)  # only now: the bytes are authentic
    _check_claims(manifest, policy)
    if members[DB_NAME].size != manifest.db_length:
        raise _reject("length_mismatch", f"the database member has {members[DB_NAME].size} bytes; the manifest "
                      f"signs {manifest.db_length}", "manifest.db_length")
    return CheckedPackage(
        path=path, manifest=manifest, manifest_bytes=manifest_bytes, signers=tuple(signers),
        signer_names=root.key_names(), db=members[DB_NAME], size=size,
    )


def _check_claims(m: Manifest, policy: Policy) -> None:
    if m.product != PRODUCT:
        raise _reject("wrong_product", f"the package is for {m.product!r}, not {PRODUCT!r}", "manifest.product")
    if m.channel != policy.root.channel:
        raise _reject("wrong_channel", f"the package is for channel {m.channel!r}; this installation follows "
                      f"{policy.root.channel!r}", "manifest.channel")
    floor = policy.sequence_floor
    if m.sequence == floor:
        raise _reject("replayed_sequence", f"sequence {m.sequence} is already installed or was installed before; "
                      "a new package needs a higher sequence", "manifest.sequence")
    if m.sequence < floor:
        raise _reject("older_sequence", f"sequence {m.sequence} is older than sequence {floor}, the highest ever "
                      "accepted (rollback only through `mmguide update rollback`)", "manifest.sequence")
    now = policy.effective_now()
    if m.expires_at < now:
        raise _reject("expired", f"the package expired at {m.expires} (now {format_timestamp(now)})",
                      "manifest.expires")
    supported = policy.rules.supported_schema_versions
    if m.schema_version not in supported:
        newer = m.schema_version > max(supported)
        raise _reject("unsupported_schema", f"the database has schema {m.schema_version}; this app reads schema "
                      f"{', '.join(map(str, sorted(supported)))}" + ("; update the app first" if newer else ""),
                      "manifest.schema_version")
    if version_tuple(m.min_app_version) > version_tuple(policy.app_version):
        raise _reject("app_too_old", f"the package needs app version {m.min_app_version} or later; this is "
                      f"{policy.app_version}", "manifest.min_app_version")


def stage_database(
    fh: BinaryIO,
    package: CheckedPackage,
    staging: Path,
    *,
    on_created: Callable[[], None] | None = None,
    on_first_chunk: Callable[[], None] | None = None,
) -> None:
    """Stream the database member into the new file ``staging`` while hashing and counting.

    Reads exactly the signed length (the layout check already bounded it), fsyncs, then
    compares the SHA-256 with the manifest (``db_hash_mismatch``) and the zip CRC. The caller
    owns ``staging`` and deletes it on any failure.
    """
    import hashlib

    member = package.db
    digest = hashlib.sha256()
    crc = 0
    remaining = member.size
    fh.seek(member.offset)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(staging, flags, 0o644)
    with os.fdopen(fd, "wb") as out:
        if on_created is not None:
            on_created()
        first = True
        while remaining:
            try:
                chunk = fh.read(min(CHUNK, remaining))
            except OSError as exc:  # the package's medium, not the data dir: a usage error
                raise UpdateUsageError("unreadable_package", f"the package cannot be read: {exc.strerror or exc}",
                                       "package") from None
            if not chunk:
                raise _reject("truncated", "the database member is cut off")
            digest.update(chunk)
            crc = zlib.crc32(chunk, crc)
            out.write(chunk)
            remaining -= len(chunk)
            if first and on_first_chunk is not None:
                first = False
                out.flush()
                on_first_chunk()
        out.flush()
        os.fsync(out.fileno())
    if digest.hexdigest() != package.manifest.db_sha256:
        raise _reject("db_hash_mismatch", "the database does not have the SHA-256 the manifest signs",
                      "manifest.db_sha256")
    if crc != member.crc:
        raise _reject("corrupt_zip", "the database member fails its zip CRC")


#: a signed database that is intact but not usable: each failure has its own code
_UNUSABLE_CODES = frozenset({"unexpected_schema", "corrupt_search_index", "unusable_content", "database_timeout"})
_CHECK_CODES = {"not_sqlite": "corrupt_database", "wal": "corrupt_database", "unreadable": "corrupt_database",
                "missing": "corrupt_database"}


def check_staged(staging: Path, manifest: Manifest, rules: DatabaseRules) -> DatabaseFacts:
    """``PRAGMA integrity_check`` and identity of the staged database, against the manifest."""
    try:
        facts = check_database(staging, rules, quick=False)
    except DatabaseCheckFailed as exc:
        raise _reject(_CHECK_CODES.get(exc.code, exc.code), f"the signed database is unusable: {exc.message}",
                      "guide.sqlite") from None
    for name, have, claimed in (
        ("schema_version", facts.schema_version, manifest.schema_version),
        ("content_version", facts.content_version, manifest.content_version),
        ("content_date", facts.content_date, manifest.content_date),
    ):
        if have != claimed:
            raise _reject("manifest_mismatch", f"the database's {name} is {have!r}; the manifest says {claimed!r}",
                          f"manifest.{name}")
    return facts


# --- building ------------------------------------------------------------------------------------

_DIFF_SKIP_PREFIXES = ("sqlite_", "search", "statement", "meta", "names")


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(sql).fetchall()]


def _canonical(text: str) -> str:
    try:
        return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        return text


def diff_databases(base: Path, new: Path) -> Changes:
    """Statements added/changed/removed (by id, comparing canonical JSON) and other content
    tables whose rows differ (derived tables — search, links, names — are left out)."""
    def open_ro(p: Path) -> sqlite3.Connection:
        return sqlite3.connect(Path(p).resolve().as_uri() + "?mode=ro", uri=True)

    old_conn, new_conn = open_ro(base), open_ro(new)
    try:
        old = {i: _canonical(j) for i, j in _rows(old_conn, "SELECT id, json FROM statements")}
        cur = {i: _canonical(j) for i, j in _rows(new_conn, "SELECT id, json FROM statements")}
        order = [r[0] for r in _rows(new_conn, "SELECT id FROM statements ORDER BY ord")]
        old_order = [r[0] for r in _rows(old_conn, "SELECT id FROM statements ORDER BY ord")]
        tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        tables = {r[0] for r in _rows(old_conn, tables_sql)} | {r[0] for r in _rows(new_conn, tables_sql)}
        other = []
        for table in sorted(t for t in tables if not t.startswith(_DIFF_SKIP_PREFIXES)):
            try:
                a = sorted(map(repr, _rows(old_conn, f'SELECT * FROM "{table}"')))
                b = sorted(map(repr, _rows(new_conn, f'SELECT * FROM "{table}"')))
            except sqlite3.Error:
                other.append(table)
                continue
            if a != b:
                other.append(table)
        base_version_row = old_conn.execute("SELECT value FROM meta WHERE key = 'content_version'").fetchone()
    finally:
        old_conn.close()
        new_conn.close()
    return Changes(
        base_content_version=base_version_row[0] if base_version_row else None,
        base_sha256=sha256_file(base)[0],
        added=tuple(i for i in order if i not in old),
        changed=tuple(i for i in order if i in old and old[i] != cur[i]),
        removed=tuple(i for i in old_order if i not in cur),
        other_changed=tuple(other),
    )


def build_manifest(
    db: Path,
    *,
    sequence: int,
    expires: datetime,
    channel: str = DEFAULT_CHANNEL,
    min_app_version: str = APP_VERSION,
    base: Path | None = None,
    created: datetime | None = None,
    rules: DatabaseRules = DEFAULT_RULES,
    check_db: bool = True,
) -> Manifest:
    """The manifest for ``db``; refuses a database that is not an intact guide database."""
    if check_db:
        try:
            facts = check_database(db, rules, quick=False)
        except DatabaseCheckFailed as exc:
            code = exc.code if exc.code in _UNUSABLE_CODES else "invalid_database"
            raise UpdateUsageError(code, f"{db} cannot be packaged: {exc.message}", "db") from None
        content_version, content_date, schema_version = facts.content_version, facts.content_date, facts.schema_version
    else:  # tests build packages around deliberately broken files
        content_version, content_date, schema_version = "0", "2000-01-01", max(rules.supported_schema_versions)
    digest, length = sha256_file(db)
    if length > DB_CAP:
        raise UpdateUsageError("invalid_database", f"{db} has {length} bytes; a package holds at most {DB_CAP}", "db")
    created = created or datetime.now(UTC)
    if expires <= created:
        raise UpdateUsageError("invalid_expires", "the expiry date must be in the future", "expires")
    try:
        version_tuple(min_app_version)
    except ValueError as exc:
        raise UpdateUsageError("invalid_min_app_version", str(exc), "min_app_version") from None
    changes = Changes()
    if base is not None and check_db:
        changes = diff_databases(base, db)
    return Manifest(
        product=PRODUCT, channel=channel, sequence=sequence, created=format_timestamp(created),
        expires=format_timestamp(expires), schema_version=schema_version, min_app_version=min_app_version,
        db_length=length, db_sha256=digest, content_version=content_version, content_date=content_date,
        changes=changes,
    )


def sign_manifest(manifest_bytes: bytes, signers: Sequence[PrivateKey]) -> bytes:
    """``signatures.json``: one entry per key over ``MANIFEST_CONTEXT + manifest_bytes``."""
    ids = [k.keyid for k in signers]
    if len(set(ids)) != len(ids):
        raise UpdateUsageError("duplicate_key", "the same key is given twice; each signer signs once", "sign")
    entries = [k.sign(MANIFEST_CONTEXT, manifest_bytes) for k in signers]
    return (json.dumps(entries, indent=2) + "\n").encode()


_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def write_package(
    out: Path,
    manifest_bytes: bytes,
    signatures_bytes: bytes,
    db: Path,
    *,
    extra: Sequence[tuple[str, bytes]] = (),
) -> Path:
    """Write the stored zip (manifest, signatures, database) to ``out`` atomically."""
    def write(zf: zipfile.ZipFile) -> None:
        for name, data in ((MANIFEST_NAME, manifest_bytes), (SIGNATURES_NAME, signatures_bytes), *extra):
            zf.writestr(_info(name), data)
        with Path(db).open("rb") as src, zf.open(_info(DB_NAME), "w") as dst:
            while chunk := src.read(CHUNK):
                dst.write(chunk)

    return _write_zip(Path(out), write)


def write_members(out: Path, members: Sequence[tuple[str, bytes]]) -> Path:
    """Write a stored zip of ``members`` (name, bytes) to ``out`` atomically (a local-layer package)."""
    def write(zf: zipfile.ZipFile) -> None:
        for name, data in members:
            zf.writestr(_info(name), data)

    return _write_zip(Path(out), write)


def _write_zip(out: Path, write: Callable[[zipfile.ZipFile], None]) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=False) as zf:
            write(zf)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return out


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = (0o100644 << 16)
    return info


@dataclass(frozen=True)
class BuiltPackage:
    path: Path
    manifest: Manifest
    signers: tuple[str, ...] = field(default=())


def build_package(
    db: Path,
    out: Path,
    signers: Sequence[PrivateKey],
    *,
    sequence: int,
    expires: datetime,
    channel: str = DEFAULT_CHANNEL,
    min_app_version: str = APP_VERSION,
    base: Path | None = None,
    created: datetime | None = None,
    rules: DatabaseRules = DEFAULT_RULES,
) -> BuiltPackage:
    """Build, sign and write a package (the publisher's ``admin build-package``)."""
    if not signers:
        raise UpdateUsageError("missing_signer", "at least one --sign key is needed", "sign")
    if not 1 <= sequence <= 2**53 - 1:
        raise UpdateUsageError("invalid_sequence", "the sequence is a positive integer", "sequence")
    manifest = build_manifest(
        db, sequence=sequence, expires=expires, channel=channel, min_app_version=min_app_version, base=base,
        created=created, rules=rules,
    )
    manifest_bytes = manifest.encode()
    if len(manifest_bytes) > MANIFEST_CAP:
        raise UpdateUsageError("manifest_too_large", "the change summary makes the manifest exceed 64 KiB", "base")
    signatures = sign_manifest(manifest_bytes, signers)
    write_package(out, manifest_bytes, signatures, db)
    return BuiltPackage(path=Path(out), manifest=manifest, signers=tuple(k.keyid for k in signers))
