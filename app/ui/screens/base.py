"""Base class of a screen: built before the services load, filled when they are ready."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QWidget

from app.ui.accessible import install_accessible_names
from app.ui.context import UiContext


class Screen(QWidget):
    #: shown in the navigation and the window title
    title: str = ""

    def __init__(self, context: UiContext, parent: QWidget | None = None, **_: Any) -> None:
        super().__init__(parent)
        install_accessible_names()  # drop-down lists announce their label, not their value
        self.context = context
        context.guide_ready.connect(self.on_guide_ready)

    def on_guide_ready(self) -> None:
        """Fill the screen from ``self.context.guide``; called once the services are loaded."""

    def open_item(self, payload: Any) -> None:
        """Show one item (a statement id, a regimen, a grade…) when navigated to with a payload."""

    def plain_text(self) -> str:
        """What "Copy as text" puts on the clipboard for this screen (no patient identifiers)."""
        return ""

    def document(self) -> QTextDocument | None:
        """The printable form of the current view, or None when there is nothing to print."""
        return None
