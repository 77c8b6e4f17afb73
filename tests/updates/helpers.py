"""Building honest and dishonest update packages for the tests: real keys, real zips, real SQLite."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.updates.keys import MANIFEST_CONTEXT, PrivateKey
from app.updates.package import build_manifest

FAR_FUTURE = datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)
SYMLINK_ATTR = 0o120777 << 16
FILE_ATTR = 0o100644 << 16


# --- a raw zip writer: every header field under the test's control -----------------------------


@dataclass
class RawMember:
    name: str
    data: bytes
    method: int = 0  # 0 stored, 8 deflated
    flags: int = 0
    external_attr: int = FILE_ATTR
    # Overrides of what the central directory declares (None: the truth).
    central_size: int | None = None
    central_csize: int | None = None
    central_offset: int | None = None
    local: bool = True  # write a local header + data for this member
    payload: bytes | None = field(default=None)  # the stored bytes (deflated data for method 8)
    version_needed: int = 20  # "version needed to extract" in the central directory (20 = 2.0)


def _dos_time() -> tuple[int, int]:
    return 0, (1980 - 1980) << 9 | 1 << 5 | 1


def raw_zip(members: list[RawMember], *, comment: bytes = b"", prefix: bytes = b"") -> bytes:
    """A zip archive from explicit members (duplicates, odd names, lies in the directory…)."""
    out = bytearray(prefix)
    central = bytearray()
    t, d = _dos_time()
    offsets: list[int] = []
    for m in members:
        name = m.name.encode("utf-8")
        payload = m.payload
        if payload is None:
            payload = zlib.compress(m.data)[2:-4] if m.method == 8 else m.data
        crc = zlib.crc32(m.data)
        offset = len(out) - len(prefix)
        offsets.append(offset)
        if m.local:
            out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, m.flags, m.method, t, d, crc, len(payload),
                               len(m.data), len(name), 0)
            out += name + payload
    cd_offset = len(out) - len(prefix)
    for m, offset in zip(members, offsets, strict=True):
        name = m.name.encode("utf-8")
        payload = m.payload if m.payload is not None else (zlib.compress(m.data)[2:-4] if m.method == 8 else m.data)
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 0x0314, m.version_needed, m.flags, m.method, t, d, zlib.crc32(m.data),
            m.central_csize if m.central_csize is not None else len(payload),
            m.central_size if m.central_size is not None else len(m.data),
            len(name), 0, 0, 0, 0, m.external_attr,
            m.central_offset if m.central_offset is not None else offset,
        ) + name
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), cd_offset,
                       len(comment)) + comment
    return bytes(out)


# --- manifests and signatures ----------------------------------------------------------------------


def manifest_dict(db: Path, sequence: int, *, base: Path | None = None, created: datetime | None = None,
                  expires: datetime = FAR_FUTURE, **overrides: Any) -> dict[str, Any]:
    created = created or datetime(2025, 7, 8, tzinfo=UTC)
    manifest = build_manifest(db, sequence=sequence, expires=expires, created=created, base=base)
    data = manifest.to_json()
    data.update(overrides)
    return data


def encode(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()


def signatures(manifest_bytes: bytes, signers: list[PrivateKey]) -> bytes:
    return json.dumps([k.sign(MANIFEST_CONTEXT, manifest_bytes) for k in signers]).encode()


@dataclass
class Parts:
    manifest: bytes
    sigs: bytes
    db: bytes

    def members(self) -> list[RawMember]:
        return [RawMember("manifest.json", self.manifest), RawMember("signatures.json", self.sigs),
                RawMember("guide.sqlite", self.db)]

    def write(self, path: Path, members: list[RawMember] | None = None, **kw: Any) -> Path:
        path.write_bytes(raw_zip(members if members is not None else self.members(), **kw))
        return path


def parts(db: Path, sequence: int, signers: list[PrivateKey], *, db_bytes: bytes | None = None,
          **manifest_overrides: Any) -> Parts:
    data = db_bytes if db_bytes is not None else db.read_bytes()
    manifest = manifest_dict(db, sequence, **manifest_overrides)
    if db_bytes is not None:
        manifest["db_length"] = len(data)
        manifest["db_sha256"] = hashlib.sha256(data).hexdigest()
    mbytes = encode(manifest)
    return Parts(mbytes, signatures(mbytes, signers), data)


# --- databases ---------------------------------------------------------------------------------------


def derive_db(base: Path, out: Path, *, content_version: str = "2025.1.1", content_date: str = "2025-08-01",
              application_id: int | None = None, grow: int = 0) -> dict[str, list[str]]:
    """A changed copy of ``base``: one statement edited, one removed, one added; returns the ids."""
    shutil.copyfile(base, out)
    conn = sqlite3.connect(out, isolation_level=None)
    try:
        rows = conn.execute("SELECT id, section, kind, ord, json FROM statements ORDER BY ord").fetchall()
        changed_id, _, _, _, changed_json = rows[0]
        removed_id = rows[1][0]
        doc = json.loads(changed_json)
        doc["notes"] = [*doc.get("notes", []), "Edited in a test update."]
        conn.execute("BEGIN")
        conn.execute("UPDATE statements SET json = ? WHERE id = ?", (json.dumps(doc), changed_id))
        conn.execute("DELETE FROM statements WHERE id = ?", (removed_id,))
        conn.execute("DELETE FROM statement_evidence WHERE statement_id = ?", (removed_id,))
        new_id = "test-added-statement"
        src = rows[2]
        new_doc = json.loads(src[4])
        new_doc["id"] = new_id
        max_ord = conn.execute("SELECT max(ord) FROM statements").fetchone()[0]
        conn.execute("INSERT INTO statements (id, section, kind, ord, json) VALUES (?, ?, ?, ?, ?)",
                     (new_id, src[1], src[2], max_ord + 1, json.dumps(new_doc)))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'content_version'", (content_version,))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'content_date'", (content_date,))
        if grow:
            conn.execute("CREATE TABLE padding (x BLOB)")
            conn.execute("INSERT INTO padding VALUES (zeroblob(?))", (grow,))
        conn.execute("COMMIT")
        if application_id is not None:
            conn.execute(f"PRAGMA application_id = {application_id}")
        conn.execute("VACUUM")
    finally:
        conn.close()
    return {"added": [new_id], "changed": [changed_id], "removed": [removed_id]}


def corrupt_copy(base: Path) -> bytes:
    """The bytes of ``base`` with a b-tree page in the middle overwritten: still an SQLite file
    with the right header, but ``PRAGMA integrity_check`` fails."""
    data = bytearray(base.read_bytes())
    page = 4096
    pages = len(data) // page
    target = (pages // 2) * page
    data[target:target + page] = bytes([0x0D]) + b"\xff" * (page - 1)
    return bytes(data)


# --- snapshots ---------------------------------------------------------------------------------------

_SNAPSHOT_IGNORE = {"history.jsonl", ".update.lock"}


def snapshot(data_dir: Path, active: Path | None = None) -> dict[str, str]:
    """SHA-256 of every file in the data dir (but the audit log and the lock) and of ``active``."""
    out = {}
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and path.name not in _SNAPSHOT_IGNORE:
            out[path.relative_to(data_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    if active is not None:
        out["<active>"] = hashlib.sha256(active.read_bytes()).hexdigest()
    return out


def days(n: int) -> timedelta:
    return timedelta(days=n)


# --- installations ------------------------------------------------------------------------------------


def plant(data_dir: Path, db: Path, *, sequence: int, content_version: str | None = None) -> Path:
    """Put ``db`` into an installation as its current database, the way an apply would have
    recorded it (the old current becomes the previous), without any check: an installation
    that accepted this file before today's checks existed."""
    from app.updates.active import Entry, Layout, Pointer, read_pointer

    layout = Layout(data_dir)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    target = layout.db_dir / f"guide-{sequence}-{digest[:8]}.sqlite"
    shutil.copyfile(db, target)
    old = read_pointer(layout)
    previous = old.current if old is not None else None
    base = previous.to_json() if previous is not None else {
        "content_version": "2025.1.0", "content_date": "2025-07-08", "signers": [], "created": "2025-07-08T00:00:00Z",
        "expires": "2099-12-31T23:59:59Z", "installed_at": "2025-07-08T00:00:00Z"}
    base = {k: v for k, v in base.items() if k != "checked_by_app"}  # installed by an app before the checks
    entry = Entry.from_json({**base, "file": target.name, "sequence": sequence, "sha256": digest,
                             "length": target.stat().st_size,
                             "content_version": content_version or base["content_version"]})
    layout.pointer_file.write_bytes(Pointer(current=entry, previous=previous).to_bytes("2025-08-01T00:00:00Z"))
    return target
