"""Where the main window opens: inside the available area of its screen, never partly off it.

The available area is the screen minus task bars and docks (``QScreen.availableGeometry``).
A remembered geometry is clamped into it (a window closed on a larger or a detached monitor
comes back whole); without one, small screens — a ward laptop at 1366×768 or 1280×800 — open
maximised, larger ones at most 1600×1000, centred.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect

#: below either of these (available pixels) the window opens maximised by default
SMALL_SCREEN = (1440, 900)
#: the default size on a larger screen (never more than the available area)
DEFAULT_SIZE = (1600, 1000)
#: the window manager's frame, until the real one is known (title bar on top)
FRAME_GUESS = QMargins(8, 32, 8, 8)


def is_small(available: QRect) -> bool:
    return available.width() < SMALL_SCREEN[0] or available.height() < SMALL_SCREEN[1]


def clamp(rect: QRect, available: QRect, frame: QMargins = FRAME_GUESS) -> QRect:
    """``rect`` (the client area) moved and shrunk so that it and its frame lie inside ``available``."""
    inner = available.marginsRemoved(frame)
    width = max(1, min(rect.width(), inner.width()))
    height = max(1, min(rect.height(), inner.height()))
    x = min(max(rect.x(), inner.left()), inner.left() + inner.width() - width)
    y = min(max(rect.y(), inner.top()), inner.top() + inner.height() - height)
    return QRect(x, y, width, height)


def default_rect(available: QRect, frame: QMargins = FRAME_GUESS) -> QRect:
    inner = available.marginsRemoved(frame)
    width = min(DEFAULT_SIZE[0], inner.width())
    height = min(DEFAULT_SIZE[1], inner.height())
    rect = QRect(0, 0, width, height)
    rect.moveCenter(inner.center())
    return clamp(rect, available, frame)


def placement(
    available: QRect, saved: QRect | None, saved_maximized: bool, frame: QMargins = FRAME_GUESS
) -> tuple[QRect, bool]:
    """(client geometry, maximised) for a window opening on a screen with ``available`` pixels."""
    if saved is None or saved.width() <= 0 or saved.height() <= 0:
        return default_rect(available, frame), is_small(available)
    return clamp(saved, available, frame), saved_maximized
