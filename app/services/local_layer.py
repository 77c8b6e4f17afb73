"""The installed local layer, read for the CLI and the GUI (contract shared/contracts/local.md).

``load_installed`` returns the verified installed layer or None; ``note_statuses`` says, for each
note, whether it still stands (``ok``), is past its review-by date, or whether the guideline
content under it changed or disappeared since the layer was built.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from app.core.local.model import InstalledLayer, NoteStatus


def load_installed(data_dir: Path | None) -> InstalledLayer | None:
    """The verified installed local layer in ``data_dir``, or None when none is installed."""
    return None


def note_statuses(guide: Any, layer: InstalledLayer, today: date) -> dict[str, NoteStatus]:
    """Note id → its status against the active guide on ``today``."""
    return {}
