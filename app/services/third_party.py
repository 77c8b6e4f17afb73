"""The third-party software inside this installation, and where its documents are.

In the frozen bundle the list is the bundle's CycloneDX SBOM (``sbom.cdx.json`` at the top of the
bundle folder, written by ``packaging/sbom.py``), with the licence texts under ``licenses/``. In
a Python installation it is the app's runtime dependencies as installed (``importlib.metadata``),
whose licence texts are in each package's ``.dist-info`` folder.
"""

from __future__ import annotations

import json
import platform
import re
import sqlite3
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

DIST_NAME = "myeloma-pocket-guide"
SBOM_NAME = "sbom.cdx.json"
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str
    kind: str = "library"


def bundle_root() -> Path | None:
    """The top of the frozen one-folder bundle, or None when not frozen."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def docs_dir() -> Path | None:
    """Where the safety documents are: ``docs/`` of the bundle or of the checkout."""
    root = bundle_root()
    candidates = [root / "docs"] if root is not None else []
    candidates.append(Path(__file__).resolve().parents[2] / "docs")
    return next((p for p in candidates if (p / "intended-use.md").is_file()), None)


def licences_dir() -> Path | None:
    root = bundle_root()
    if root is not None and (root / "licenses").is_dir():
        return root / "licenses"
    return None


def _licence_of(entry: dict[str, Any]) -> str:
    parts = []
    for lic in entry.get("licenses") or []:
        if "expression" in lic:
            parts.append(str(lic["expression"]))
        else:
            inner = lic.get("license") or {}
            parts.append(str(inner.get("id") or inner.get("name") or "?"))
    return " AND ".join(parts) if parts else "not stated"


def from_sbom(path: Path) -> list[Component]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return sorted(
        (Component(str(c.get("name")), str(c.get("version", "")), _licence_of(c), str(c.get("type", "library")))
         for c in doc.get("components") or []),
        key=lambda c: c.name.casefold(),
    )


def _dist_licence(dist: metadata.Distribution) -> str:
    meta: Any = dist.metadata  # an email.message.Message at run time; the protocol lacks get()
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 80:
        return text
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return " / ".join(classifiers) or "see the package's licence file"


def runtime_distributions() -> list[metadata.Distribution]:
    """The installed distributions the app needs at run time (its requirements, recursively)."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [DIST_NAME]
    while todo:
        name = todo.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        for req in dist.requires or []:
            if ";" in req and "extra ==" in req.split(";", 1)[1]:
                continue
            if ";" in req and not _marker_holds(req.split(";", 1)[1]):
                continue
            match = _REQ_NAME.match(req)
            if match:
                todo.append(match.group(1))
    seen.pop(DIST_NAME, None)
    return list(seen.values())


def _marker_holds(marker: str) -> bool:
    try:
        from packaging.markers import Marker
    except ImportError:  # without ``packaging`` a conditional requirement is kept
        return True
    try:
        return bool(Marker(marker.strip()).evaluate())
    except Exception:
        return True


def from_environment() -> list[Component]:
    found = [Component(d.metadata["Name"], d.version, _dist_licence(d)) for d in runtime_distributions()]
    found.append(Component("CPython", platform.python_version(), "PSF-2.0", "platform"))
    found.append(Component("SQLite (in Python's sqlite3)", sqlite3.sqlite_version, "blessing (public domain)"))
    return sorted(found, key=lambda c: c.name.casefold())


def components() -> tuple[str, list[Component]]:
    """(where the list comes from, the components)."""
    root = bundle_root()
    if root is not None and (root / SBOM_NAME).is_file():
        return f"the bundle's software bill of materials ({SBOM_NAME})", from_sbom(root / SBOM_NAME)
    return "the Python packages installed with the app", from_environment()
