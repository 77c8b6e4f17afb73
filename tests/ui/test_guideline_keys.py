"""Enter on a guideline section moves the focus to its text: the browser, or the table page for Table 1."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ui.screens.guideline import GuidelineScreen


@pytest.fixture
def screen(qtbot, context):
    s = GuidelineScreen(context)
    qtbot.addWidget(s)
    s.resize(1100, 750)
    s.show()
    s.activateWindow()
    qtbot.waitExposed(s)
    return s


@pytest.mark.parametrize(("item", "page"), [("table1", "table_page"), ("box2", "browser")])
def test_enter_on_a_section_moves_the_focus_to_its_page(qtbot, screen, item, page):
    screen.open_item(item)
    screen.tree.setFocus()
    qtbot.waitUntil(screen.tree.hasFocus)
    qtbot.keyClick(screen.tree, Qt.Key.Key_Return)
    target = getattr(screen, page)
    assert screen.pages.currentWidget() is target
    qtbot.waitUntil(lambda: target.hasFocus() or target.isAncestorOf(screen.focusWidget()))
