"""A tester's GUI findings (H14) as behaviour: a word in the duration field never stops the episode table,
secondary text follows the theme, the ICANS caution stays readable at 200 %, the Regimens screen's keyboard
order, the Case summary's mnemonics and the words of derived numbers."""

from __future__ import annotations

import pytest

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
