"""F1 opens Help: what each screen does, the shortcuts, how statuses and evidence tags read."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ui.flow_status import LABEL
from app.ui.main_window import SCREEN_LABELS
from app.ui.screens import SCREENS

from .windows import shown_main_window

pytestmark = pytest.mark.usefixtures("fresh_main_windows")


@pytest.fixture
def window(qtbot, guide):
    return shown_main_window(qtbot, guide=guide, activate=True)


def test_f1_opens_help_not_about(qtbot, window):
    window.show_screen("calculators")
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.current_screen_id == "help"
    assert window.help_action.shortcut().toString() == "F1"


def test_help_names_every_screen_the_shortcuts_statuses_and_grades(window):
    window.navigate("help", None)
    text = window.current_screen().plain_text()
    for screen_id in SCREENS:
        assert SCREEN_LABELS[screen_id][0] in text
    for keys in ("Ctrl+K", "Ctrl+Shift+C", "Ctrl+P", "Ctrl+Shift+E", "Ctrl+0", "F1", "Alt+1"):
        assert keys in text, keys
    for label in LABEL.values():
        assert label in text
    for grade in "ABCDE":
        assert f"Grade {grade}" in text
    assert "strongly recommended" in text  # the grade's meaning, from the database
    assert "Larger text" not in text or "Make all text larger" in text


def test_help_follows_the_menus(window):
    window.navigate("help", None)
    window.copy_action.setShortcut("Ctrl+Alt+Y")
    window.navigate("about", None)
    window.navigate("help", None)
    assert "Ctrl+Alt+Y" in window.current_screen().plain_text()


def test_a_help_link_opens_its_screen(window):
    from PySide6.QtCore import QUrl

    from app.ui.screens.help import _nav

    window.navigate("help", None)
    window.current_screen().browser.anchorClicked.emit(QUrl(_nav("regimens")))
    assert window.current_screen_id == "regimens"
