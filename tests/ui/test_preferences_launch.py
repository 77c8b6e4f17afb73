"""Where preferences live: never touched by ``--self-test``; in the data folder with ``--data-dir``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.ui.settings import PREFERENCES_FILE, MemoryStore, Settings

ROOT = Path(__file__).resolve().parents[2]


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        QT_QPA_PLATFORM="offscreen",
    )
    env.pop("MMGUIDE_DATA_DIR", None)
    return env


def _user_preferences(home: Path) -> Path:
    return home / "config" / "MyelomaPocketGuide" / "Myeloma Pocket Guide.conf"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_self_test_leaves_the_users_preferences_as_they_were(tmp_path):
    home = tmp_path / "home"
    prefs = _user_preferences(home)
    prefs.parent.mkdir(parents=True)
    prefs.write_text("[ui]\nlast_screen=fig2\ntheme=dark\n", encoding="utf-8")
    before = _files(home / "config")
    run = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"], cwd=ROOT, env=_env(home), capture_output=True, timeout=180
    )
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    assert _files(home / "config") == before  # last_screen is still fig2, nothing added


def test_self_test_with_a_data_dir_writes_no_preferences(tmp_path):
    home, data = tmp_path / "home", tmp_path / "data-dir"
    run = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data), "--self-test"],
        cwd=ROOT,
        env=_env(home),
        capture_output=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    assert not (data / PREFERENCES_FILE).exists()
    assert not _user_preferences(home).exists()


def test_preferences_follow_the_data_dir(tmp_path, isolated_settings):
    data = tmp_path / "installation"
    s = Settings.for_launch(str(data))
    s.theme = "high-contrast"
    s.last_screen = "crs"
    s.sync()
    stored = (data / PREFERENCES_FILE).read_text(encoding="utf-8")
    assert "high-contrast" in stored and "crs" in stored
    assert Settings().theme == "system"  # the user's own store is untouched
    again = Settings.for_launch(str(data))
    assert again.theme == "high-contrast" and again.last_screen == "crs"


def test_without_a_data_dir_the_users_store_is_used(isolated_settings):
    s = Settings.for_launch(None)
    s.theme = "dark"
    s.sync()
    assert QSettings().value("ui/theme") == "dark"


def test_an_ephemeral_store_keeps_nothing(isolated_settings):
    s = Settings.for_launch("/nonexistent", ephemeral=True)
    s.last_screen = "about"
    assert s.last_screen == "about"
    assert isinstance(s._q, MemoryStore) and s.file_name() == ""
    assert Settings.for_launch(None, ephemeral=True).last_screen == ""
    assert QSettings().value("ui/last_screen") is None


@pytest.mark.parametrize("value", ["", "10,20,1300,700", "-8,-8,1382,744"])
def test_window_geometry_is_a_registered_preference(value, isolated_settings):
    s = Settings()
    s.set("ui/window_geometry", value)
    assert s.get("ui/window_geometry") == value


def test_a_malformed_geometry_is_refused():
    with pytest.raises(ValueError):
        Settings(MemoryStore()).set("ui/window_geometry", "patient 12")
