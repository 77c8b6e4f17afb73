"""Text size up to 250 %: everything scales together (headings and headline results too) and, at
200 %, every screen fits a 1366×768 laptop (the window never needs more than the screen)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow
from app.ui.screens import SCREENS
from app.ui.settings import MemoryStore, Settings

pytestmark = pytest.mark.usefixtures("fresh_main_windows")

#: the client area of a maximised window on a 1366×768 laptop (title bar, no task bar)
LAPTOP = (1366, 740)


@pytest.fixture
def window(qtbot, guide):
    w = MainWindow(Settings(MemoryStore()))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.load_services(guide=guide)
    return w


def _size(widget) -> float:
    return widget.font().pointSizeF()


def test_headings_and_results_grow_with_the_text(qtbot, window, qapp):
    calc = window.show_screen("calculators")
    panel = calc.panel
    panel.form.editor("b2m").setText("6.1")
    panel.form.editor("albumin").setText("32")
    panel.recompute()
    body = qapp.font().pointSizeF()
    before = {"heading": _size(panel.heading), "result": _size(panel.pane.primary)}
    window.set_font_scale(2.5)
    QApplication.processEvents()
    assert qapp.font().pointSizeF() == pytest.approx(body * 2.5, rel=0.02)
    assert _size(panel.heading) == pytest.approx(before["heading"] * 2.5, rel=0.02)
    assert _size(panel.pane.primary) == pytest.approx(before["result"] * 2.5, rel=0.02)
    assert _size(panel.pane.primary) > qapp.font().pointSizeF()  # the result is never the smallest text
    window.set_font_scale(1.0)
    QApplication.processEvents()
    assert _size(panel.pane.primary) == pytest.approx(before["result"], rel=0.02)


def test_navigation_labels_are_never_cut(qtbot, window):
    window.set_font_scale(2.0)
    QApplication.processEvents()
    nav = window.nav
    for row in range(nav.count()):
        rect = nav.visualItemRect(nav.item(row))
        needed = nav.fontMetrics().horizontalAdvance(nav.item(row).text())
        # the label fits on one line, or it wraps onto more (never elided)
        assert rect.width() >= needed or rect.height() >= 2 * nav.fontMetrics().height() - 2, nav.item(row).text()


def test_check_boxes_grow_with_the_text(qtbot, window):
    from PySide6.QtWidgets import QStyle

    style = QApplication.style()
    small = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
    window.set_font_scale(2.0)
    assert style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) >= 2 * small - 1
    window.set_font_scale(1.0)
    assert style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) == small


@pytest.mark.parametrize("screen_id", [*SCREENS])
def test_every_screen_fits_a_laptop_at_200_percent(qtbot, window, screen_id):
    window.set_font_scale(2.0)
    window.resize(*LAPTOP)
    page = window.show_screen(screen_id)
    QApplication.processEvents()
    assert window.minimumSizeHint().width() <= LAPTOP[0], (screen_id, page.minimumSizeHint())
    assert window.minimumSizeHint().height() <= LAPTOP[1], (screen_id, page.minimumSizeHint())


def test_a_hidden_screen_does_not_widen_the_window(qtbot, window):
    window.set_font_scale(2.0)
    window.show_screen("calculators")
    window.show_screen("help")
    QApplication.processEvents()
    help_page = window.pages["help"]
    assert window.stack.minimumSizeHint().width() <= max(help_page.minimumSizeHint().width(), 100) + 10
