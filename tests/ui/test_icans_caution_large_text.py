"""The ICANS caution at 200 % text on a 1366×768 laptop: its whole quote in view on every grade
tab (no scroll bar of its own, as tall as its wrapped text), the panel text scrolling instead,
and the window still fitting the screen — in Light and in High contrast."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractScrollArea, QApplication

from tests.ui.windows import shown_main_window

pytestmark = pytest.mark.usefixtures("fresh_main_windows")

LAPTOP = (1366, 768)


@pytest.mark.parametrize("theme", ["light", "high-contrast"])
def test_icans_caution_is_whole_at_200_percent(qtbot, guide, theme):
    window = shown_main_window(qtbot, guide=guide, size=LAPTOP)
    window.set_theme(theme)
    window.set_font_scale(2.0)
    window.resize(*LAPTOP)
    screen = window.show_screen("icans")
    banner = screen.banner
    assert banner is not None
    assert not banner.findChildren(QAbstractScrollArea)  # no scroll bar of its own
    for i in range(screen.tabs.count()):
        screen.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        panel = screen.tabs.widget(i)
        assert banner.isVisible(), i
        assert banner.height() >= banner.heightForWidth(banner.width()), (i, banner.height())
        assert banner.text.height() >= banner.text.heightForWidth(banner.text.width()), i
        assert banner.heading.height() >= banner.heading.heightForWidth(banner.heading.width()), i
        top_left = banner.mapTo(window, banner.rect().topLeft())
        assert top_left.y() >= 0 and top_left.y() + banner.height() <= window.height(), i
        assert panel.scroll_area.isVisible() and panel.scroll_area.height() > 0, i
        assert panel.scroll_area.verticalScrollBar().maximum() > 0, i  # the panel text scrolls instead
    assert window.minimumSizeHint().width() <= LAPTOP[0]
    assert window.minimumSizeHint().height() <= LAPTOP[1]
    assert window.height() <= LAPTOP[1]
