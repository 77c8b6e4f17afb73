"""The package manifest: exactly these fields, strictly typed, parsed only after its signatures
have been checked against the exact bytes.

::

    {"format": 1, "product": "myeloma-pocket-guide", "channel": "stable", "sequence": 7,
     "created": "2025-07-08T10:00:00Z", "expires": "2026-01-31T23:59:59Z",
     "schema_version": 1, "min_app_version": "0.1.0",
     "db_length": 1138688, "db_sha256": "<64 hex>",
     "content_version": "2025.1.1", "content_date": "2025-07-20",
     "changes": {"base_content_version": "2025.1.0", "base_sha256": "<64 hex>" | null,
                 "added": [ids], "changed": [ids], "removed": [ids], "other_changed": [tables]}}

An unknown or missing field is a rejection, not a warning: a newer format bumps ``format``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from app.updates import UpdateRejected, strict_json

FORMAT = 1
MANIFEST_CAP = 64 * 1024
MAX_SEQUENCE = 2**53 - 1
MAX_IDS = 1000

_FIELDS = (
    "format", "product", "channel", "sequence", "created", "expires", "schema_version", "min_app_version",
    "db_length", "db_sha256", "content_version", "content_date", "changes",
)
_CHANGE_FIELDS = ("base_content_version", "base_sha256", "added", "changed", "removed", "other_changed")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_VERSION = re.compile(r"^\d{1,6}(\.\d{1,6}){0,3}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_CHANNEL = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    if not _TIMESTAMP.match(text):
        raise ValueError(f"{text!r} is not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in UTC: ``--expires 2026-01-31`` is valid through that day."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)


def version_tuple(text: str) -> tuple[int, ...]:
    """``"0.10.2"`` → ``(0, 10, 2, 0)``; raises ``ValueError`` on anything but dotted integers."""
    if not _VERSION.match(text):
        raise ValueError(f"{text!r} is not a version like 1.2.3")
    parts = tuple(int(p) for p in text.split("."))
    return parts + (0,) * (4 - len(parts))


@dataclass(frozen=True)
class Changes:
    base_content_version: str | None = None
    base_sha256: str | None = None
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    other_changed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed)}


@dataclass(frozen=True)
class Manifest:
    product: str
    channel: str
    sequence: int
    created: str
    expires: str
    schema_version: int
    min_app_version: str
    db_length: int
    db_sha256: str
    content_version: str
    content_date: str
    changes: Changes = field(default_factory=Changes)
    format: int = FORMAT

    @property
    def created_at(self) -> datetime:
        return parse_timestamp(self.created)

    @property
    def expires_at(self) -> datetime:
        return parse_timestamp(self.expires)

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _FIELDS}
        data["changes"] = self.changes.to_json()
        return data

    def encode(self) -> bytes:
        """The manifest bytes that get signed (stable, human-readable JSON)."""
        _validate(self.to_json())
        return (json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _fail(message: str, where: str) -> UpdateRejected:
    return UpdateRejected("bad_manifest", message, where)


def _str(data: dict[str, Any], name: str, pattern: re.Pattern[str] | None = None, limit: int = 200) -> str:
    value = data[name]
    if not isinstance(value, str) or not value or len(value) > limit or (pattern and not pattern.match(value)):
        raise _fail(f"manifest.{name} is not a valid value: {value!r}", f"manifest.{name}")
    return value


def _int(data: dict[str, Any], name: str, low: int, high: int) -> int:
    value = data[name]
    if type(value) is not int or not low <= value <= high:
        raise _fail(f"manifest.{name} must be an integer in [{low}, {high}]; got {value!r}", f"manifest.{name}")
    return value


def _ids(raw: dict[str, Any], name: str) -> tuple[str, ...]:
    value = raw[name]
    where = f"manifest.changes.{name}"
    if not isinstance(value, list) or len(value) > MAX_IDS:
        raise _fail(f"{where} must be a list of at most {MAX_IDS} ids", where)
    if not all(isinstance(v, str) and _ID.match(v) for v in value) or len(set(value)) != len(value):
        raise _fail(f"{where} must hold distinct ids", where)
    return tuple(value)


def _validate(data: object) -> Manifest:
    if not isinstance(data, dict):
        raise _fail("the manifest must be a JSON object", "manifest")
    missing = [f for f in _FIELDS if f not in data]
    extra = sorted(set(data) - set(_FIELDS))
    if missing:
        raise _fail(f"the manifest lacks {', '.join(missing)}", f"manifest.{missing[0]}")
    if extra:
        raise _fail(f"the manifest has unknown field(s) {', '.join(extra)}", f"manifest.{extra[0]}")
    fmt = data["format"]
    if type(fmt) is not int or fmt != FORMAT:
        raise UpdateRejected("unsupported_format", f"manifest format {fmt!r}; this app reads format {FORMAT}",
                             "manifest.format")
    created = _str(data, "created", _TIMESTAMP)
    expires = _str(data, "expires", _TIMESTAMP)
    try:
        created_at, expires_at = parse_timestamp(created), parse_timestamp(expires)
        content_date = date.fromisoformat(_str(data, "content_date", re.compile(r"^\d{4}-\d{2}-\d{2}$")))
        version_tuple(_str(data, "min_app_version", _VERSION))
    except ValueError as exc:
        raise _fail(f"manifest has a bad date or version: {exc}", "manifest") from None
    if expires_at <= created_at:
        raise _fail("manifest.expires must be after manifest.created", "manifest.expires")
    raw_changes = data["changes"]
    if not isinstance(raw_changes, dict) or set(raw_changes) != set(_CHANGE_FIELDS):
        raise _fail(f"manifest.changes must have exactly {', '.join(_CHANGE_FIELDS)}", "manifest.changes")
    base_version = raw_changes["base_content_version"]
    base_sha = raw_changes["base_sha256"]
    if base_version is not None and (not isinstance(base_version, str) or len(base_version) > 200):
        raise _fail("manifest.changes.base_content_version must be a string or null", "manifest.changes")
    if base_sha is not None and (not isinstance(base_sha, str) or not _HEX64.match(base_sha)):
        raise _fail("manifest.changes.base_sha256 must be 64 hex digits or null", "manifest.changes")
    changes = Changes(
        base_content_version=base_version,
        base_sha256=base_sha,
        added=_ids(raw_changes, "added"),
        changed=_ids(raw_changes, "changed"),
        removed=_ids(raw_changes, "removed"),
        other_changed=_ids(raw_changes, "other_changed"),
    )
    return Manifest(
        product=_str(data, "product", limit=100),
        channel=_str(data, "channel", _CHANNEL),
        sequence=_int(data, "sequence", 1, MAX_SEQUENCE),
        created=created,
        expires=expires,
        schema_version=_int(data, "schema_version", 1, 10_000),
        min_app_version=data["min_app_version"],
        db_length=_int(data, "db_length", 1, 2**40),
        db_sha256=_str(data, "db_sha256", _HEX64),
        content_version=_str(data, "content_version"),
        content_date=content_date.isoformat(),
        changes=changes,
        format=fmt,
    )


def parse_manifest(data: bytes) -> Manifest:
    """Parse manifest bytes whose signatures have already been verified."""
    if len(data) > MANIFEST_CAP:
        raise UpdateRejected("oversized_member", f"the manifest exceeds {MANIFEST_CAP} bytes", "manifest")
    try:
        raw = strict_json(data)
    except ValueError as exc:
        raise _fail(f"the manifest is not valid JSON: {exc}", "manifest") from None
    return _validate(raw)
