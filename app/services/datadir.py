"""The writable per-installation folder (installed updates, their history, local settings)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "MyelomaPocketGuide"
APP_AUTHOR = "MyelomaPocketGuide"


def default_data_dir() -> Path:
    """Machine-wide app-data folder when writable by this user, else the per-user one."""
    site = Path(platformdirs.site_data_dir(APP_NAME, APP_AUTHOR))
    if _writable(site):
        return site
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def _writable(path: Path) -> bool:
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return os.access(probe, os.W_OK)


def resolve_data_dir(explicit: str | os.PathLike[str] | None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("MMGUIDE_DATA_DIR")
    return Path(env).expanduser().resolve() if env else default_data_dir()
