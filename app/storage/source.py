"""Read the reviewable content source under ``resources/content`` into a validated bundle."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from app.core.content.bundle import ContentBundle
from app.core.dosing.files import read_dosing

CONTENT_FILES = {
    "meta": "meta.yaml",
    "evidence_scale": "evidence_scale.yaml",
    "sections": "sections.yaml",
    "glossary": "glossary.yaml",
    "trials": "trials.yaml",
    "table1": "table1.yaml",
    "errata_file": "errata.yaml",
    "boxes": "boxes.yaml",
    "toxicity_file": "toxicity.yaml",
}


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def source_files(content_dir: Path) -> list[Path]:
    """Every file that makes up the content source, in a stable order."""
    return sorted(p for p in content_dir.rglob("*.yaml") if p.is_file())


def source_hash(content_dir: Path) -> str:
    """SHA-256 over the relative names and bytes of every source file."""
    digest = hashlib.sha256()
    for path in source_files(content_dir):
        digest.update(path.relative_to(content_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def read_raw(content_dir: Path) -> dict[str, Any]:
    """The content source as plain data, ready for :class:`ContentBundle` validation."""
    d = content_dir
    statements: list[Any] = []
    for path in sorted((d / "statements").glob("*.yaml")):
        statements.extend(_load(path) or [])
    figures = [_load(p) for p in sorted((d / "figures").glob("fig*.yaml"))]
    boxes = _load(d / "boxes.yaml")
    errata = _load(d / "errata.yaml")
    return {
        "meta": _load(d / "meta.yaml"),
        "evidence_scale": _load(d / "evidence_scale.yaml"),
        "sections": _load(d / "sections.yaml"),
        "statements": statements,
        "glossary": _load(d / "glossary.yaml"),
        "trials": _load(d / "trials.yaml"),
        "table1": _load(d / "table1.yaml"),
        "box1": boxes["box1"],
        "box2": boxes["box2"],
        "box3": boxes["box3"],
        "toxicity": _load(d / "toxicity.yaml"),
        "errata": errata["errata"],
        "conflicts": errata["conflicts"],
        "figures": figures,
        "dosing": read_dosing(d),
    }


def load_bundle(content_dir: Path) -> ContentBundle:
    return ContentBundle.model_validate(read_raw(content_dir))
