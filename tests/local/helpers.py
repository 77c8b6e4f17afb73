"""Building honest and dishonest local packages: real keys, real zips, the real guide."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from app.core.local.model import LocalLayerSource
from app.updates.keys import LOCAL_MANIFEST_CONTEXT, PrivateKey
from app.updates.local_package import LocalManifest, build_local_package, layer_bytes
from tests.updates.helpers import RawMember, raw_zip


def write_source(folder: Path, source: dict[str, Any], name: str = "layer.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(source, sort_keys=False), encoding="utf-8")
    return path


def build(source: dict[str, Any], out: Path, signers: list[PrivateKey], *, sequence: int = 1) -> Path:
    """A package built the way ``mmguide local build`` builds it, against the bundled guide."""
    from app.services.guide import Guide
    from app.services.local_anchors import resolve

    model = LocalLayerSource.model_validate(source)
    guide = Guide()
    version = guide.version()
    build_local_package(model, out, signers, sequence=sequence, content_version=version["content_version"],
                        content_date=version["content_date"], anchor_fingerprints=resolve(guide, model))
    return out


def raw_local(
    source: dict[str, Any],
    out: Path,
    signers: list[PrivateKey],
    *,
    sequence: int = 1,
    context: bytes = LOCAL_MANIFEST_CONTEXT,
    layer: bytes | None = None,
    signatures: list[dict[str, str]] | None = None,
    names: tuple[str, str, str] = ("local-manifest.json", "signatures.json", "layer.json"),
) -> Path:
    """A local package written byte by byte: any context, any layer bytes, any member names."""
    model = LocalLayerSource.model_validate(source)
    honest = layer_bytes(model)
    manifest = LocalManifest(
        hospital=model.hospital, sequence=sequence, created="2026-10-02T09:00:00Z", content_version="2025.1.0",
        content_date="2025-07-07", layer_length=len(honest), layer_sha256=hashlib.sha256(honest).hexdigest(),
        anchor_fingerprints={n.id: "0" * 64 for n in model.notes},
    ).encode()
    sigs = signatures if signatures is not None else [k.sign(context, manifest) for k in signers]
    body = honest if layer is None else layer
    out.write_bytes(raw_zip([RawMember(names[0], manifest), RawMember(names[1], json.dumps(sigs).encode()),
                             RawMember(names[2], body)]))
    return out


def overdue(source: dict[str, Any]) -> dict[str, Any]:
    """``source`` with its first note approved and due for review long ago."""
    notes = [dict(n) for n in source["notes"]]
    notes[0] = {**notes[0], "approved": date(2024, 1, 1), "review_by": date(2025, 1, 1)}
    return {**source, "notes": notes}
