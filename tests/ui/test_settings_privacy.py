"""Settings hold UI preferences only: typed, registered, and nothing typed into a form survives."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLineEdit

from app.ui.main_window import MainWindow
from app.ui.screens import SCREENS
from app.ui.settings import OPTIONS, Settings

SECRET = "7731"  # digits, so that numeric fields accept it too
NAME = "Doe-Patient"


pytestmark = pytest.mark.usefixtures("fresh_main_windows")


def test_defaults_and_types():
    s = Settings()
    assert s.font_scale == 1.0
    assert s.theme == "system"
    assert s.units == "SI"
    assert s.banner_age_days == 365
    assert s.last_screen == ""


def test_only_registered_preferences_with_accepted_values_are_written():
    s = Settings()
    with pytest.raises(KeyError):
        s.set("calc/last_creatinine", "123")
    with pytest.raises(ValueError):
        s.theme = "purple"
    with pytest.raises(ValueError):
        s.banner_age_days = 0
    with pytest.raises(ValueError):
        s.last_screen = "patient-list"
    s.font_scale = 9.0  # clamped, not refused
    assert s.font_scale == 2.5


def test_a_bad_value_in_the_file_reads_as_the_default():
    q = QSettings()
    q.setValue("ui/theme", "neon")
    q.setValue("content/banner_age_days", "soon")
    q.sync()
    s = Settings()
    assert s.theme == "system"
    assert s.banner_age_days == 365


def test_qsettings_style_access_for_screens():
    s = Settings()
    s.setValue("units/default_system", "conventional")
    assert s.value("units/default_system", "SI") == "conventional"
    assert s.value("anything/else", "fallback") == "fallback"
    with pytest.raises(KeyError):
        s.setValue("anything/else", "x")


def _type_everywhere(qtbot, window, text):
    typed = 0
    for screen_id in SCREENS:
        page = window.show_screen(screen_id)
        for edit in page.findChildren(QLineEdit):
            if edit.isVisibleTo(page) and edit.isEnabled() and not edit.isReadOnly():
                qtbot.keyClicks(edit, text)
                typed += 1
    return typed


def test_nothing_typed_survives_a_restart_only_preferences_do(qtbot, guide, isolated_settings):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.load_services(guide=guide)
    # preferences: kept
    w.zoom_in()
    w.set_theme("high-contrast")
    dialog = w.open_preferences()
    dialog.banner_age.lineEdit().selectAll()
    qtbot.keyClicks(dialog.banner_age.lineEdit(), "400")
    dialog.accept()
    # what a user types: never kept
    palette = w.open_search()
    qtbot.keyClicks(palette.query, f"{NAME} {SECRET}")
    palette.search_now()
    palette.close_palette()
    typed = _type_everywhere(qtbot, w, SECRET)
    w.close()
    w.settings.sync()

    files = [p for p in isolated_settings.rglob("*") if p.is_file()]
    assert files, "the preferences were written somewhere"
    for path in files:
        content = path.read_text(encoding="utf-8", errors="replace")
        assert SECRET not in content, f"{path} keeps a typed value"
        assert NAME not in content, f"{path} keeps a typed value"
    stored = set(QSettings().allKeys())
    assert stored <= set(OPTIONS), stored - set(OPTIONS)

    w2 = MainWindow()
    qtbot.addWidget(w2)
    w2.show()
    w2.load_services(guide=guide)
    assert w2.settings.banner_age_days == 400
    assert w2.settings.font_scale == pytest.approx(1.1, abs=0.01)
    assert w2.settings.theme == "high-contrast"
    assert w2.open_search().query.text() == ""
    w2.search_palette.close_palette()
    for screen_id in SCREENS:
        page = w2.show_screen(screen_id)
        for edit in page.findChildren(QLineEdit):
            assert SECRET not in edit.text() and NAME not in edit.text()
    assert typed >= 1
