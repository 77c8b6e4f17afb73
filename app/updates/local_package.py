"""Building and verifying a hospital's local-layer package with the update verifier's code path.

A local package is a stored zip with exactly three members, checked by the same
:func:`app.updates.package.read_layout` (flat safe names, stored, no bombs, caps, no trailing
data) and the same :func:`app.updates.trust.check_threshold`, but against the *local* trust root
and over :data:`app.updates.keys.LOCAL_MANIFEST_CONTEXT`, so a guideline signature can never
count for a local package or the reverse::

    local-manifest.json  the signed manifest (below)
    signatures.json      [{"keyid", "sig"}] over LOCAL_MANIFEST_CONTEXT + manifest bytes
    layer.json           the validated source as canonical JSON; length and SHA-256 signed

Manifest (exactly these fields)::

    {"format": 1, "type": "mmguide-local-layer", "product": "myeloma-pocket-guide",
     "hospital": "...", "sequence": 3, "created": "2026-10-02T09:00:00Z",
     "content_version": "2025.1.0", "content_date": "2025-07-07",
     "layer_length": 1234, "layer_sha256": "<64 hex>",
     "anchor_fingerprints": {"<note id>": "<64 hex>", ...}}

A guideline package offered here (or a local one to ``update apply``) is refused by its member
names before any signature is read (``guideline_package`` / ``local_layer_package``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError

from app.core.local.model import InstalledLayer, LocalLayerSource
from app.updates import PRODUCT, UpdateRejected, UpdateUsageError, strict_json
from app.updates.keys import LOCAL_MANIFEST_CONTEXT, PrivateKey
from app.updates.manifest import MANIFEST_CAP, MAX_SEQUENCE, format_timestamp, parse_timestamp
from app.updates.package import (
    GUIDELINE_NOT_LOCAL,
    LOCAL_CAPS,
    LOCAL_LAYER_NAME,
    LOCAL_MANIFEST_NAME,
    LOCAL_MEMBERS,
    SIGNATURES_NAME,
    _read_member,
    read_layout,
    write_members,
)
from app.updates.trust import TrustRoot, canonical_json, check_threshold, parse_signatures

LOCAL_FORMAT = 1
LOCAL_TYPE = "mmguide-local-layer"
LOCAL_CHANNEL = "local-layer"
_FIELDS = frozenset({
    "format", "type", "product", "hospital", "sequence", "created", "content_version", "content_date",
    "layer_length", "layer_sha256", "anchor_fingerprints",
})
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _reject(code: str, message: str, where: str | None = "package") -> UpdateRejected:
    return UpdateRejected(code, message, where)


@dataclass(frozen=True)
class LocalManifest:
    hospital: str
    sequence: int
    created: str
    content_version: str
    content_date: str
    layer_length: int
    layer_sha256: str
    anchor_fingerprints: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": LOCAL_FORMAT, "type": LOCAL_TYPE, "product": PRODUCT, "hospital": self.hospital,
            "sequence": self.sequence, "created": self.created, "content_version": self.content_version,
            "content_date": self.content_date, "layer_length": self.layer_length, "layer_sha256": self.layer_sha256,
            "anchor_fingerprints": dict(sorted(self.anchor_fingerprints.items())),
        }

    def encode(self) -> bytes:
        return (json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def parse_local_manifest(data: bytes) -> LocalManifest:
    """Parse manifest bytes whose signatures were already checked; every field strictly."""
    def fail(message: str, where: str = "local-manifest") -> UpdateRejected:
        return _reject("bad_manifest", message, where)

    try:
        raw = strict_json(data)
    except ValueError as exc:
        raise fail(f"the local manifest is not valid JSON: {exc}") from None
    if not isinstance(raw, dict) or set(raw) != _FIELDS:
        raise fail(f"the local manifest must have exactly {', '.join(sorted(_FIELDS))}")
    if raw["type"] != LOCAL_TYPE or raw["format"] != LOCAL_FORMAT or type(raw["format"]) is not int:
        raise fail(f"not a local-layer manifest of format {LOCAL_FORMAT}", "local-manifest.type")
    if raw["product"] != PRODUCT:
        raise _reject("wrong_product", f"the package is for {raw['product']!r}, not {PRODUCT!r}", "local-manifest")
    for name in ("hospital", "created", "content_version", "content_date", "layer_sha256"):
        if not isinstance(raw[name], str) or not raw[name] or len(raw[name]) > 200:
            raise fail(f"local-manifest.{name} is not a valid value", f"local-manifest.{name}")
    for name, high in (("sequence", MAX_SEQUENCE), ("layer_length", LOCAL_CAPS[LOCAL_LAYER_NAME])):
        if type(raw[name]) is not int or not 1 <= raw[name] <= high:
            raise fail(f"local-manifest.{name} must be an integer in [1, {high}]", f"local-manifest.{name}")
    try:
        parse_timestamp(raw["created"])
    except ValueError as exc:
        raise fail(str(exc), "local-manifest.created") from None
    if not _DATE.match(raw["content_date"]) or not _HEX64.match(raw["layer_sha256"]):
        raise fail("local-manifest.content_date or layer_sha256 is malformed")
    prints = raw["anchor_fingerprints"]
    if not isinstance(prints, dict) or not all(isinstance(v, str) and _HEX64.match(v) for v in prints.values()):
        raise fail("local-manifest.anchor_fingerprints maps note ids to 64 hex digits",
                   "local-manifest.anchor_fingerprints")
    return LocalManifest(
        hospital=raw["hospital"], sequence=raw["sequence"], created=raw["created"],
        content_version=raw["content_version"], content_date=raw["content_date"],
        layer_length=raw["layer_length"], layer_sha256=raw["layer_sha256"], anchor_fingerprints=dict(prints),
    )


def layer_bytes(source: LocalLayerSource) -> bytes:
    """The canonical JSON of a validated source (what ``layer.json`` holds and the manifest hashes)."""
    return canonical_json(source.model_dump(mode="json"))


@dataclass(frozen=True)
class CheckedLocalPackage:
    """A local package whose structure, signatures, manifest, hash and source all passed."""

    path: Path
    manifest: LocalManifest
    source: LocalLayerSource
    signers: tuple[str, ...]
    signer_names: dict[str, str]
    size: int
    warnings: tuple[str, ...] = ()

    def layer(self) -> InstalledLayer:
        m = self.manifest
        return InstalledLayer(
            source=self.source, sequence=m.sequence,
            signers=tuple(self.signer_names.get(k) or k[:16] for k in self.signers),
            created=parse_timestamp(m.created).date(), content_version=m.content_version,
            anchor_fingerprints=m.anchor_fingerprints,
        )

    def describe(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "package": self.path.name, "hospital": m.hospital, "sequence": m.sequence, "created": m.created,
            "content_version": m.content_version, "content_date": m.content_date,
            "layer_sha256": m.layer_sha256, "notes": len(self.source.notes),
            "unavailable": [u.regimen for u in self.source.unavailable],
            "signers": [{"keyid": k, "name": self.signer_names.get(k, "")} for k in self.signers],
            "warnings": list(self.warnings),
        }


def check_local_package(fh: BinaryIO, path: Path, root: TrustRoot, sequence_floor: int) -> CheckedLocalPackage:
    """The whole check of an open local package: zip layout, signatures (before parsing),
    manifest, sequence above the floor, the layer's length and SHA-256, then the source model."""
    size = os.fstat(fh.fileno()).st_size
    members = read_layout(fh, size, LOCAL_MEMBERS, LOCAL_CAPS, GUIDELINE_NOT_LOCAL)
    manifest_bytes = _read_member(fh, members[LOCAL_MANIFEST_NAME])
    entries = parse_signatures(_read_member(fh, members[SIGNATURES_NAME]))
    signers = check_threshold(entries, root.keys, root.threshold, LOCAL_MANIFEST_CONTEXT, manifest_bytes,
                              what="the local layer")
    manifest = parse_local_manifest(manifest_bytes)
    if manifest.sequence == sequence_floor:
        raise _reject("replayed_sequence", f"local layer sequence {manifest.sequence} is installed or was installed "
                      "before; a new layer needs a higher sequence", "local-manifest.sequence")
    if manifest.sequence < sequence_floor:
        raise _reject("older_sequence", f"local layer sequence {manifest.sequence} is older than sequence "
                      f"{sequence_floor}, the highest ever accepted", "local-manifest.sequence")
    layer = members[LOCAL_LAYER_NAME]
    if layer.size != manifest.layer_length:
        raise _reject("length_mismatch", f"layer.json has {layer.size} bytes; the manifest signs "
                      f"{manifest.layer_length}", "local-manifest.layer_length")
    data = _read_member(fh, layer)
    if hashlib.sha256(data).hexdigest() != manifest.layer_sha256:
        raise _reject("layer_hash_mismatch", "layer.json does not have the SHA-256 the manifest signs",
                      "local-manifest.layer_sha256")
    if zlib.crc32(data) != layer.crc:
        raise _reject("corrupt_zip", "layer.json fails its zip CRC")
    try:
        source = LocalLayerSource.model_validate(strict_json(data))
    except (ValueError, ValidationError) as exc:
        raise _reject("invalid_layer", f"the signed layer is not a valid local layer: {exc}", "layer.json") from None
    if source.hospital != manifest.hospital:
        raise _reject("manifest_mismatch", "the layer's hospital differs from the manifest's", "local-manifest")
    if set(manifest.anchor_fingerprints) != {n.id for n in source.notes}:
        raise _reject("manifest_mismatch", "the manifest's anchor fingerprints do not name exactly the layer's notes",
                      "local-manifest.anchor_fingerprints")
    return CheckedLocalPackage(path=path, manifest=manifest, source=source, signers=tuple(signers),
                               signer_names=root.key_names(), size=size)


def build_local_package(
    source: LocalLayerSource,
    out: Path,
    signers: Sequence[PrivateKey],
    *,
    sequence: int,
    content_version: str,
    content_date: str,
    anchor_fingerprints: dict[str, str],
    created: datetime | None = None,
) -> LocalManifest:
    """Sign and write a local package of an already validated and anchor-checked source."""
    if not signers:
        raise UpdateUsageError("missing_signer", "at least one --sign key is needed", "sign")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise UpdateUsageError("invalid_sequence", "the sequence is a positive integer", "sequence")
    ids = [k.keyid for k in signers]
    if len(set(ids)) != len(ids):
        raise UpdateUsageError("duplicate_key", "the same key is given twice; each signer signs once", "sign")
    data = layer_bytes(source)
    manifest = LocalManifest(
        hospital=source.hospital, sequence=sequence, created=format_timestamp(created or datetime.now(UTC)),
        content_version=content_version, content_date=content_date, layer_length=len(data),
        layer_sha256=hashlib.sha256(data).hexdigest(), anchor_fingerprints=anchor_fingerprints,
    )
    manifest_bytes = manifest.encode()
    if len(manifest_bytes) > MANIFEST_CAP:
        raise UpdateUsageError("manifest_too_large", "too many notes: the local manifest exceeds 64 KiB", "source")
    signatures = (json.dumps([k.sign(LOCAL_MANIFEST_CONTEXT, manifest_bytes) for k in signers], indent=2)
                  + "\n").encode()
    write_members(Path(out), [(LOCAL_MANIFEST_NAME, manifest_bytes), (SIGNATURES_NAME, signatures),
                              (LOCAL_LAYER_NAME, data)])
    return manifest

