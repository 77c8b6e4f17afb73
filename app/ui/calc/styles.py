"""Style sheets of the calculator forms and result panes (colours from the theme registry)."""

from __future__ import annotations

from app.ui.theme import Colours


def warning_style(c: Colours) -> str:
    return (
        f"QFrame#warningBox {{ background: {c.warning.bg}; border: 2px solid {c.warning.border};"
        " border-radius: 4px; }"
        f" QFrame#warningBox QLabel {{ color: {c.warning.fg}; background: transparent; }}"
    )


def error_style(c: Colours) -> str:
    return f"color: {c.error}; font-weight: 600;"


def needed_style(c: Colours) -> str:
    return f"color: {c.muted}; font-style: italic;"


def muted_style(c: Colours) -> str:
    return f"color: {c.muted};"
