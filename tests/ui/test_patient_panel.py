"""The Patient panel, the treatment-history editor, the Case summary and Clear patient (real widgets)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.windows import shown_main_window

ROOT = Path(__file__).resolve().parents[2]
SECOND_LINE = ROOT / "docs/examples/case-second-line.json"


@pytest.fixture
def window(qtbot, guide, fresh_main_windows):
    return shown_main_window(qtbot, guide=guide, size=(1366, 768))


def _panel(window):
    return window.show_screen("patient")


def test_f4_opens_the_patient_panel_and_f5_the_summary_from_any_screen(qtbot, window):
    window.show_screen("guideline")
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F4)
    assert window.current_screen_id == "patient"
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.current_screen_id == "case"
    keys = [k.toString() for a in window.findChildren(type(window.clear_patient_action)) for k in a.shortcuts()]
    assert {"F4", "F5", "Ctrl+Shift+Del"} <= set(keys)


def test_the_help_lists_the_patient_shortcuts_and_screens(window):
    help_screen = window.show_screen("help")
    text = help_screen.browser.toPlainText()
    assert "F4" in text and "Patient panel" in text and "Ctrl+Shift+Del" in text and "Case summary" in text


def test_typing_the_age_and_a_lab_with_its_unit_fills_the_case(qtbot, window):
    panel = _panel(window)
    session = window.context.case
    qtbot.keyClicks(panel.fields["patient.age"], "71")
    b2m = panel.fields["labs_at_diagnosis.b2m"]
    qtbot.keyClicks(b2m.number, "4.2")
    assert session.get("patient.age") == 71 and session.get("labs_at_diagnosis.b2m") == "4.2 mg/L"
    b2m.unit.setFocus()
    qtbot.keyClick(b2m.unit, Qt.Key.Key_Down)  # mg/L → µg/mL, as the keyboard would
    assert session.get("labs_at_diagnosis.b2m") == "4.2 µg/mL"
    qtbot.keyClicks(panel.fields["labs_at_diagnosis.albumin"].number, "3.0")  # g/dL, the first unit
    assert session.result is not None and session.result.calculators["iss"]["headline"] == "ISS stage II"


def test_an_untested_marker_stays_open_and_a_tested_one_is_sent(qtbot, window):
    panel = _panel(window)
    session = window.context.case
    qtbot.keyClicks(panel.fields["patient.age"], "60")
    gain = panel.fields["cytogenetics.gain_1q"]
    assert gain.currentText() == "not tested"
    gain.setFocus()
    qtbot.keyClick(gain, Qt.Key.Key_Down)
    assert session.get("cytogenetics.gain_1q") is True
    qtbot.keyClick(gain, Qt.Key.Key_Up)
    assert session.get("cytogenetics") is None  # back to not tested: nothing recorded


def test_an_input_error_is_named_in_words_and_go_to_field_focuses_it(qtbot, window):
    panel = _panel(window)
    qtbot.keyClicks(panel.fields["patient.age"], "64")
    qtbot.keyClicks(panel.fields["labs_at_diagnosis.b2m"].number, "abc")
    text = panel.status.text()
    assert "β2-microglobulin (labs at diagnosis):" in text and "cannot read" in text
    assert "labs_at_diagnosis" not in text and "labs_at_diagnosis.b2m" in panel.status.toolTip()
    assert panel.go_to_error.isVisibleTo(panel)
    window.activateWindow()
    panel.focus_error_field()
    qtbot.waitUntil(lambda: panel.fields["labs_at_diagnosis.b2m"].number.hasFocus(), timeout=2000)


def test_the_history_editor_derives_the_lines_as_you_type(qtbot, window):
    panel = _panel(window)
    session = window.context.case
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
    assert session.get("treatment_history.0") == {"regimen": "DaraRd", "start": "2021-07-19", "end": "2023-02-13",
                                                  "stop_reason": "progression"}
    history.add_button.click()
    assert history.current == 1 and history.form_box.title() == "Episode 2"
    qtbot.keyClicks(history.fields["regimen"], "PVd")
    why = history.fields["started_because"]
    why.setCurrentIndex(why.findData("progression"))
    why.activated.emit(why.currentIndex())
    qtbot.keyClicks(history.fields["start"], "2023-03-06")
    assert session.error is None, session.error
    assert history.table.rowCount() == 2 and history.table.item(1, 1).text() == "2"
    lines = history.lines_label.text()
    assert "Line 1: episode 1 —" in lines and "Line 2: episode 2 —" in lines and "LOT-1" in lines
    assert "episodes" not in lines  # one episode a line
    assert session.routed_figure == "fig2"
    history.table.setCurrentCell(0, 0)
    assert history.fields["regimen"].text() == "DaraRd"
    history.remove_button.click()
    assert [e["regimen"] for e in session.get("treatment_history")] == ["PVd"]


def test_a_case_file_is_read_without_its_episode_labels(window, tmp_path):
    panel = _panel(window)
    assert panel.open_case_file(str(SECOND_LINE))
    raw = window.context.case.raw
    assert all("id" not in ep for ep in raw["treatment_history"]) and raw["patient"]["age"] == 64
    assert panel.fields["labs_at_diagnosis.b2m"].number.text() == "3.1"
    assert panel.fields["labs_at_diagnosis.albumin"].unit.currentText() == "g/L"
    assert panel.history.table.rowCount() == 3
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    assert not panel.open_case_file(str(bad)) and "JSON object" in panel.status.text()


def test_the_case_summary_shows_the_figure_statuses_and_provenance(qtbot, window):
    _panel(window).open_case_file(str(SECOND_LINE))
    summary = window.show_screen("case")
    text = summary.browser.toPlainText()
    assert "Fig. 2 — 1 prior line" in text and "applies" in text and "not available" in text
    assert "ISS stage I" in text and "CrCl 76.8 mL/min" in text and "BSA 2.006" in text
    assert "Greipp PR" in text and "episode 3 · progression date" in text and "References and notes" in text
    short = summary.copy(False)
    assert QApplication.clipboard().text() == short
    assert "source:" not in short and "Fig. 2" in short and "CrCl" in short
    full = summary.copy(True)
    assert "] Greipp PR" in full and "episode 3 · progression date" in full
    assert summary.document() is not None


def test_the_case_summary_names_an_input_error_and_prints_nothing(qtbot, window):
    panel = _panel(window)
    qtbot.keyClicks(panel.fields["patient.age"], "12")
    summary = window.show_screen("case")
    assert "Input error — age (patient.age)" in summary.browser.toPlainText()
    assert summary.document() is None and summary.copy(True) == ""


def test_clear_patient_is_one_keystroke_and_empties_every_screen(qtbot, window):
    panel = _panel(window)
    panel.open_case_file(str(SECOND_LINE))
    summary = window.show_screen("case")
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.context.case.is_empty
    assert "No patient entered" in summary.browser.toPlainText()
    assert panel.fields["patient.age"].text() == "" and panel.history.table.rowCount() == 0
    assert panel.fields["labs_at_diagnosis.b2m"].number.text() == ""


def test_closing_the_window_clears_the_case(window):
    _panel(window).open_case_file(str(SECOND_LINE))
    session = window.context.case
    window.close()
    assert session.is_empty and session.evaluation is None


@pytest.mark.parametrize("theme", ["dark", "high-contrast"])
def test_every_theme_and_200_percent_text_keep_the_panel_within_768_pixels(qtbot, guide, fresh_main_windows, theme):
    w = shown_main_window(qtbot, guide=guide, size=(1366, 768))
    w.set_theme(theme)
    w.set_font_scale(2.0)
    panel = _panel(w)
    panel.open_case_file(str(SECOND_LINE))
    for tab in range(3):
        panel.tabs.setCurrentIndex(tab)
        qtbot.wait(10)
    assert w.minimumSizeHint().height() <= 768 and w.minimumSizeHint().width() <= 1366
    assert w.show_screen("case").browser.toPlainText().startswith("Case summary")

