"""Patient panel layout (real widgets, 1366×768): the episodes table keeps its header and the
selected row in view while episode 2 or later is edited; the "Not available here" field is as wide
as its placeholder; the button row closes up at once when "Go to the field" hides."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from tests.ui.windows import shown_main_window

pytestmark = pytest.mark.usefixtures("fresh_main_windows")


@pytest.fixture
def window(qtbot, guide):
    return shown_main_window(qtbot, guide=guide, size=(1366, 768))


def _in_view(widget, area) -> bool:
    """``widget`` wholly inside the visible part of ``area`` (its ancestor)."""
    top = widget.mapTo(area, QPoint(0, 0))
    return top.y() >= 0 and top.y() + widget.height() <= area.height()


def _episodes(qtbot, history, regimens: list[str]) -> None:
    for i, regimen in enumerate(regimens):
        history.add_button.click()
        qtbot.keyClicks(history.fields["regimen"], regimen)
        qtbot.keyClicks(history.fields["start"], f"{2018 + i}-03-01")


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_the_table_header_and_selected_row_stay_in_view_while_editing_a_later_episode(qtbot, window, scale):
    window.set_font_scale(scale)
    panel = window.show_screen("patient")
    qtbot.keyClicks(panel.fields["patient.age"], "66")
    panel.tabs.setCurrentIndex(2)
    history = panel.history
    _episodes(qtbot, history, ["VRd", "HDM-ASCT", "R", "DaraKd", "IsaPd", "Kd"])
    table = history.table
    page = panel.tabs.currentWidget()
    assert page is history
    for row in (1, 5):
        table.setCurrentCell(row, 0)
        history.fields["tandem"].setFocus()
        qtbot.wait(50)
        qtbot.keyClick(history.fields["tandem"], Qt.Key.Key_Tab)  # on to the form's last field: it scrolls to it
        qtbot.wait(50)
        assert history.fields["new_line"].hasFocus()
        assert history.form_box.title() == f"Episode {row + 1}"
        assert _in_view(history.fields["new_line"], history.form_scroll.viewport()), (scale, row)
        header = table.horizontalHeader()
        assert header.isVisible() and _in_view(header, page) and _in_view(table, page), (row, scale)
        rect = table.visualRect(table.model().index(row, 0))
        assert rect.top() >= 0 and rect.bottom() <= table.viewport().height(), (row, rect)
    assert table.height() >= table.minimumSizeHint().height()
    assert table.height() <= table.sizeHint().height()  # the room left goes to the form


def test_not_available_here_is_as_wide_as_its_placeholder(qtbot, window):
    panel = window.show_screen("patient")
    panel.tabs.setCurrentIndex(1)
    field = panel.fields["context.unavailable"]
    assert field.placeholderText() == "regimens, comma-separated"
    for scale in (1.0, 2.0):
        window.set_font_scale(scale)
        needed = field.fontMetrics().horizontalAdvance(field.placeholderText())
        # the text area (the field less its frame, margins and clear button) holds the whole placeholder
        qtbot.waitUntil(lambda needed=needed: field.width() >= field.sizeHint().width(), timeout=2000)
        chrome = field.sizeHint().width() - needed - field.fontMetrics().averageCharWidth()
        assert field.width() - chrome >= needed, scale
        assert field.width() > needed, scale


def test_the_button_row_closes_up_when_go_to_the_field_hides(qtbot, window):
    panel = window.show_screen("patient")
    age = panel.fields["patient.age"]
    qtbot.keyClicks(age, "700")
    QApplication.processEvents()
    assert panel.go_to_error.isVisible()
    assert panel.summary_button.x() > panel.go_to_error.x()
    age.backspace()  # "70": valid, the button hides; no event loop pass in between
    age.textEdited.emit(age.text())
    assert window.context.case.error is None
    assert not panel.go_to_error.isVisible()
    assert panel.summary_button.x() == panel.go_to_error.parentWidget().layout().contentsMargins().left()
