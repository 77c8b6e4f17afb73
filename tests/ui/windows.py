"""Shown, painted, loaded windows for UI tests: one way to open them."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication


def shown_main_window(
    qtbot: Any, *, guide: Any = None, data_dir: str | None = None, size: tuple[int, int] | None = None,
    activate: bool = False,
) -> Any:
    """A main window shown, painted once and loaded on ``guide`` (or the database of ``data_dir``)."""
    from app.ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    if size is not None:
        w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.painted, timeout=3000)
    if guide is not None:
        w.load_services(guide=guide)
    else:
        w.load_services(data_dir=data_dir)
    if data_dir is not None:  # the installed update's re-check runs in the background after loading
        qtbot.waitUntil(lambda: not w.recheck_running, timeout=5000)
    if activate:
        w.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    return w


def shown_flowchart_screen(qtbot: Any, context: Any, figure_id: str, size: tuple[int, int] = (1280, 800)) -> Any:
    """A flowchart screen on its own, shown at ``size``."""
    from app.ui.screens.flowchart import FlowchartScreen

    screen = FlowchartScreen(context, figure_id)
    qtbot.addWidget(screen)
    screen.resize(*size)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def shown_screen(qtbot: Any, screen: Any, size: tuple[int, int] = (1366, 768)) -> Any:
    """A screen widget on its own, shown at ``size`` (owned by ``qtbot``)."""
    qtbot.addWidget(screen)
    screen.resize(*size)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def choose(combo: Any, data: Any) -> None:
    """Select the entry of ``combo`` whose data is ``data`` (it must be offered)."""
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)
