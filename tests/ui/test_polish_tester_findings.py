"""A tester's GUI findings (H14) as behaviour: a word in the duration field never stops the episode table,
secondary text follows the theme, the ICANS caution stays readable at 200 %, the Regimens screen's keyboard
order, the Case summary's mnemonics and the words of derived numbers."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.ui.theme import LIGHT, PALETTES, contrast_ratio
from tests.ui.test_patient_panel_tryout import _menu_letters, _mnemonic, _visible_mnemonics
from tests.ui.windows import shown_main_window


@pytest.fixture
def window(qtbot, guide, fresh_main_windows):
    return shown_main_window(qtbot, guide=guide, size=(1366, 768), activate=True)


# -- 1. a word in "Duration (months)" ----------------------------------------------------------------
def test_a_word_in_the_duration_is_refused_in_words_and_the_table_keeps_refreshing(qtbot, window):
    panel = window.show_screen("patient")
    history = panel.history
    qtbot.keyClicks(panel.fields["patient.age"], "66")
    panel.tabs.setCurrentIndex(2)
    history.add_button.click()
    qtbot.keyClicks(history.fields["regimen"], "VRd")
    qtbot.keyClicks(history.fields["duration_months"], "abc")
    assert panel.error_text().startswith("Episode 1 · Duration (months): must be a number")
    assert history.table.item(0, 5).text() == "abc"
    history.fields["regimen"].clear()
    qtbot.keyClicks(history.fields["regimen"], "KRd")
    assert history.table.item(0, 2).text() == "KRd"  # the table still follows the form
    history.fields["duration_months"].clear()
    qtbot.keyClicks(history.fields["duration_months"], "6")
    assert history.table.item(0, 5).text() == "6 months"
    assert window.context.case.error is None


# -- 2. secondary text follows the theme ---------------------------------------------------------------
_COLOUR = re.compile(r"color:\s*(#[0-9a-fA-F]{6})")


def _colours_in(text: str) -> set[str]:
    return {c.lower() for c in _COLOUR.findall(text)}


@pytest.mark.parametrize("theme", ["dark", "high-contrast"])
def test_secondary_text_takes_the_new_theme_and_reads_at_4_5_to_1(qtbot, window, theme):
    panel = window.show_screen("patient")
    qtbot.keyClicks(panel.fields["patient.age"], "66")
    panel.tabs.setCurrentIndex(2)
    panel.history.add_button.click()
    qtbot.keyClicks(panel.history.fields["regimen"], "VRd")
    qtbot.keyClicks(panel.history.fields["start"], "2021-07-19")
    regimens = window.show_screen("regimens")
    regimens.show_regimen("KRd")
    regimens.card.area.fields.weight.setText("70")
    regimens.card.area.fields.show_message("Doses computed for the EU SmPC: inputs are kept only in these fields.")
    assert _colours_in(panel.privacy.text()) == {LIGHT.muted}
    window.set_theme(theme)
    qtbot.wait(10)
    colours = PALETTES[theme]
    window_colour = window.palette().color(QPalette.ColorRole.Window).name()
    assert window_colour == colours.window
    footer = _colours_in(panel.privacy.text())
    assert footer == {colours.muted}
    assert contrast_ratio(colours.muted, window_colour) >= 4.5
    for text in (panel.status.text(), panel.history.lines_label.text()):
        assert LIGHT.muted not in _colours_in(text), text
        assert all(contrast_ratio(c, window_colour) >= 4.5 for c in _colours_in(text)), text
    message = regimens.card.area.fields.message
    assert _colours_in(message.styleSheet()) == {colours.muted}
    assert contrast_ratio(colours.muted, window_colour) >= 4.5
    regimens.card.area.fields.show_message("No doses computed: weight", error=True)
    assert _colours_in(message.styleSheet()) == {colours.error}


# -- 5. the Case summary's mnemonics -------------------------------------------------------------------
def test_no_mnemonic_of_the_case_summary_clashes_with_the_menus_and_each_presses_its_button(qtbot, window):
    panel = window.show_screen("patient")
    qtbot.keyClicks(panel.fields["patient.age"], "66")
    screen = window.show_screen("case")
    qtbot.wait(20)
    assert screen.figure_button.isEnabled()
    menus = _menu_letters(window)
    found = _visible_mnemonics(window)
    letters = [m for m, _w in found]
    assert {"C", "S"} <= set(letters)
    assert not {m for m in letters if letters.count(m) > 1}, [(m, w.text()) for m, w in found]
    assert not set(letters) & menus, [(m, w.text()) for m, w in found if m in menus]
    letter = _mnemonic(screen.figure_button.text())
    pressed: list[bool] = []
    screen.figure_button.clicked.connect(lambda: pressed.append(True))
    window.activateWindow()
    screen.browser.setFocus()
    qtbot.keyClick(QApplication.focusWidget() or window, getattr(Qt.Key, f"Key_{letter}"),
                   Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(pressed), timeout=1000)  # a mnemonic animates the click


# -- 4. the Regimens screen from the keyboard ----------------------------------------------------------
def test_alt_8_lands_in_the_filter_and_tab_walks_list_fields_text_buttons_without_a_trap(qtbot, window):
    window.activateWindow()
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_8, Qt.KeyboardModifier.AltModifier)
    screen = window.current_screen()
    assert window.current_screen_id == "regimens"
    assert QApplication.focusWidget() is screen.filter
    qtbot.keyClicks(screen.filter, "KRd")
    assert screen.filter.text() == "KRd"
    screen.table.selectRow(0)
    fields = screen.card_area.fields
    expected = [screen.status, screen.table, fields.region, fields.weight, fields.weight_unit, fields.height_edit,
                fields.height_unit, fields.age, fields.sex, fields.creatinine, fields.creatinine_unit, fields.crcl,
                fields.dialysis, fields.bsa, fields.use_calc, fields.clear_button, screen.browser,
                screen.copy_button, screen.pdf_button]
    screen.filter.setFocus()
    walked = []
    for _ in expected:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        walked.append(QApplication.focusWidget())
    names = [w.accessibleName() or w.text() if hasattr(w, "text") else w.accessibleName() for w in walked]
    assert walked == expected, names
    # and back: Shift+Tab from Export PDF retraces the same way
    for widget in reversed(expected[:-1]):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        assert QApplication.focusWidget() is widget


def test_the_cards_links_stay_reachable_by_ctrl_tab_while_tab_leaves_the_card(qtbot, window):
    screen = window.show_screen("regimens")
    screen.open_item("DaraVRd")
    browser = screen.browser
    assert "href" in browser.toHtml() or browser.document().toHtml().count("href") > 0
    browser.setFocus()
    assert browser.textCursor().selectedText() == ""
    qtbot.keyClick(browser, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    first = browser.textCursor()
    assert QApplication.focusWidget() is browser and first.hasSelection()  # a link is selected, focus stays
    qtbot.keyClick(browser, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert browser.textCursor().selectionStart() > first.selectionStart()  # the next link
    qtbot.keyClick(browser, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.copy_button  # plain Tab leaves the card
