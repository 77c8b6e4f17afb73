"""Where the bundled database and content source live, installed or in a checkout."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _frozen_root() -> Path | None:
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) if base else None


def bundled_database() -> Path:
    """The read-only database shipped with the app."""
    frozen = _frozen_root()
    candidates = []
    if frozen is not None:
        candidates.append(frozen / "app" / "_bundled" / "guide.sqlite")
    candidates += [_PACKAGE / "_bundled" / "guide.sqlite", _CHECKOUT / "db" / "guide.sqlite"]
    for path in candidates:
        if path.is_file():
            return path
    return candidates[-1]


def content_dir() -> Path:
    """The reviewable content source (``resources/content``)."""
    frozen = _frozen_root()
    candidates = []
    if frozen is not None:
        candidates.append(frozen / "app" / "_bundled" / "resources" / "content")
    candidates += [_PACKAGE / "_bundled" / "resources" / "content", _CHECKOUT / "resources" / "content"]
    for path in candidates:
        if path.is_dir():
            return path
    return candidates[-1]


def guideline_seed() -> Path | None:
    """The guideline text in ../shared/seeds (only present beside a development checkout)."""
    path = _CHECKOUT.parent / "shared" / "seeds" / "003_ca44c32a64e475c1.txt"
    return path if path.is_file() else None
