"""What a new user's keyboard tryout of the Patient panel found (issue 11 item 4 follow-up), as behaviour:
typed digits never select a score, every mnemonic reaches its field, progression entry follows "why it
stopped", errors read in the screen's words, the episode form keeps its place, labels are never clipped."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QLineEdit, QWidget

from tests.ui.windows import shown_main_window

ALT = Qt.KeyboardModifier.AltModifier
MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


@pytest.fixture
def window(qtbot, guide, fresh_main_windows):
    return shown_main_window(qtbot, guide=guide, size=(1366, 768), activate=True)


def _panel(window):
    return window.show_screen("patient")


def _mnemonic(text: str) -> str | None:
    found = MNEMONIC.search(text)
    return found.group(1).upper() if found else None


def _first_episode(qtbot, panel) -> None:
    history = panel.history
    qtbot.keyClicks(panel.fields["patient.age"], "66")
    panel.tabs.setCurrentIndex(2)
    history.add_button.click()
    qtbot.keyClicks(history.fields["regimen"], "DaraRd")
    qtbot.keyClicks(history.fields["start"], "2021-07-19")
    qtbot.keyClicks(history.fields["end"], "2023-02-13")
    stop = history.fields["stop_reason"]
    stop.setCurrentIndex(stop.findData("progression"))
    stop.activated.emit(stop.currentIndex())


# -- 1. a typed number never silently selects a score ------------------------------------------------
def test_typing_80_into_the_charlson_field_is_refused_in_words_and_never_becomes_8(qtbot, window):
    panel = _panel(window)
    session = window.context.case
    qtbot.keyClicks(panel.fields["patient.age"], "70")
    cci = panel.fields["patient.frailty.cci"]
    cci.setFocus()
    qtbot.keyClicks(cci, "80")
    assert session.get("patient.frailty.cci") != 8 and session.result is None
    assert panel.error_text() == "Charlson comorbidity index: must be a whole number from 0 to 37"
    assert "patient.frailty" not in panel.status.text() and panel.go_to_error.isVisible()
    cci.clear()
    qtbot.keyClicks(cci, "3")
    assert session.get("patient.frailty.cci") == 3 and session.error is None


@pytest.mark.parametrize(("path", "typed", "accepted"), [
    ("patient.ecog", "7", "ECOG: must be a whole number from 0 to 4"),
    ("patient.frailty.adl", "9", "Katz ADL: must be a whole number from 0 to 6"),
    ("patient.frailty.iadl", "12", "Lawton IADL: must be a whole number from 0 to 8"),
])
def test_every_score_total_is_a_number_field_with_its_range(qtbot, window, path, typed, accepted):
    panel = _panel(window)
    qtbot.keyClicks(panel.fields["patient.age"], "70")
    field = panel.fields[path]
    assert isinstance(field, QLineEdit)
    qtbot.keyClicks(field, typed)
    assert panel.error_text() == accepted


def test_no_drop_down_of_the_panel_offers_bare_numbers(window):
    panel = _panel(window)
    for combo in panel.findChildren(QComboBox):
        items = [combo.itemText(i) for i in range(combo.count())]
        assert not any(t.strip().isdigit() for t in items), (combo.accessibleName(), items)


# -- 2. mnemonics --------------------------------------------------------------------------------------
def _menu_letters(window) -> set[str]:
    return {m for a in window.menuBar().actions() if (m := _mnemonic(a.text()))}


def _visible_mnemonics(window) -> list[tuple[str, QWidget]]:
    out = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton) and (m := _mnemonic(widget.text())):
            out.append((m, widget))
    return out


@pytest.mark.parametrize("tab", [0, 1, 2])
def test_every_mnemonic_of_a_tab_is_unique_clear_of_the_menus_and_focuses_its_field(qtbot, window, tab):
    panel = _panel(window)
    qtbot.keyClicks(panel.fields["patient.age"], "66")
    panel.tabs.setCurrentIndex(tab)
    if tab == 2:
        panel.history.add_button.click()
        panel.history.add_button.click()  # the second episode: every field of the form is enabled
    qtbot.wait(20)
    menus = _menu_letters(window)
    assert {"F", "V", "G", "P", "H"} <= menus
    found = _visible_mnemonics(window)
    letters = [m for m, _w in found]
    duplicates = {m for m in letters if letters.count(m) > 1}
    assert not duplicates, [(m, w.text()) for m, w in found if m in duplicates]
    assert not set(letters) & menus, [(m, w.text()) for m, w in found if m in menus]
    labels = [(m, w) for m, w in found if isinstance(w, QLabel) and w.buddy() is not None]
    assert len(labels) >= {0: 16, 1: 5, 2: 12}[tab]
    for letter, label in labels:
        assert label.buddy().isEnabled(), label.text()
        window.activateWindow()
        panel.tabs.setFocus()
        qtbot.keyClick(QApplication.focusWidget() or window, getattr(Qt.Key, f"Key_{letter}"), ALT)
        target = label.buddy().focusProxy() or label.buddy()
        assert target.hasFocus(), f"Alt+{letter} ({label.text()}) → {QApplication.focusWidget()!r}"


def test_quantity_fields_take_their_mnemonic_in_the_number(qtbot, window):
    panel = _panel(window)
    window.activateWindow()
    panel.tabs.setFocus()
    qtbot.keyClick(panel.tabs, Qt.Key.Key_W, ALT)
    assert panel.fields["patient.weight"].number.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "80")
    assert window.context.case.get("patient.weight") == "80 kg"
