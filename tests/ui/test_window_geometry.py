"""The window opens inside the available area of its screen (ward laptops at 1366×768, 1280×800)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMargins, QRect
from PySide6.QtWidgets import QApplication

from app.ui.geometry import FRAME_GUESS, clamp, default_rect, is_small, placement
from app.ui.main_window import MainWindow
from app.ui.settings import Settings

pytestmark = pytest.mark.usefixtures("fresh_main_windows")

#: available areas: the screen minus a 28-px task bar
LAPTOP = QRect(0, 0, 1366, 740)
LAPTOP_WIDE = QRect(0, 0, 1280, 772)
DESKTOP = QRect(0, 0, 1920, 1052)


def _framed(rect: QRect, frame: QMargins = FRAME_GUESS) -> QRect:
    return rect.marginsAdded(frame)


@pytest.mark.parametrize("area", [LAPTOP, LAPTOP_WIDE])
def test_small_screens_open_maximised_and_inside(area):
    rect, maximised = placement(area, None, False)
    assert maximised and is_small(area)
    assert area.contains(_framed(rect))


def test_a_large_screen_opens_large_and_centred_not_1180x780():
    rect, maximised = placement(DESKTOP, None, False)
    assert not maximised
    assert DESKTOP.contains(_framed(rect))
    assert rect.width() >= 1500 and rect.height() >= 950
    assert abs(rect.center().x() - DESKTOP.center().x()) <= 2


@pytest.mark.parametrize(
    "saved",
    [QRect(5000, 4000, 1180, 780), QRect(-900, -300, 1180, 780), QRect(0, 0, 2560, 1600), QRect(100, 60, 1180, 780)],
)
@pytest.mark.parametrize("area", [LAPTOP, LAPTOP_WIDE, DESKTOP])
def test_a_remembered_geometry_is_clamped_into_the_area(saved, area):
    rect, maximised = placement(area, saved, False)
    assert not maximised
    assert area.contains(_framed(rect)), (rect, area)
    assert rect.width() == min(saved.width(), area.width() - 16)


def test_the_old_size_on_a_laptop_no_longer_hides_the_status_bar():
    rect = clamp(QRect(2, 40, 1180, 780), LAPTOP)
    assert rect.bottom() + FRAME_GUESS.bottom() <= LAPTOP.bottom()


def test_default_rect_never_exceeds_the_area():
    tiny = QRect(0, 0, 800, 600)
    assert tiny.contains(_framed(default_rect(tiny)))


def test_the_real_window_opens_inside_the_available_area(qtbot):
    settings = Settings()
    settings.window_geometry = (6000, 5000, 3000, 2000)  # closed on a monitor that is gone
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    area = w.screen().availableGeometry()
    qtbot.waitUntil(lambda: area.contains(w.frameGeometry()) or w.isMaximized(), timeout=2000)
    assert area.contains(w.geometry())


def test_geometry_is_remembered_and_restored(qtbot):
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.showNormal()
    area = w.screen().availableGeometry()
    w.setGeometry(QRect(area.x() + 20, area.y() + 40, area.width() // 2, area.height() // 2))
    QApplication.processEvents()
    w.close()
    saved = Settings().window_geometry
    assert saved is not None and saved[2] == area.width() // 2 and saved[3] == area.height() // 2
    assert Settings().window_maximized is False
    w2 = MainWindow(Settings())
    qtbot.addWidget(w2)
    assert (w2.geometry().width(), w2.geometry().height()) == (saved[2], saved[3])
