"""A widget with its own style sheet follows a theme change made while the app runs."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from app.ui.calc.field_widgets import FieldMessage
from app.ui.theme import DARK, LIGHT, apply_theme, styled


def test_styled_widgets_and_field_messages_take_the_new_theme_at_once(qtbot):
    app = QApplication.instance()
    apply_theme(app, "light")
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    label = QLabel("muted note", host)
    styled(label, lambda c: f"color: {c.muted};")
    message = FieldMessage(host)
    message.set_message("From the patient case", "origin")
    layout.addWidget(label)
    layout.addWidget(message)
    host.show()
    qtbot.waitExposed(host)
    assert LIGHT.muted in label.styleSheet()
    before = message.styleSheet()
    try:
        apply_theme(app, "dark")
        qtbot.wait(10)
        assert DARK.muted in label.styleSheet() and LIGHT.muted not in label.styleSheet()
        assert before and message.styleSheet() != before
    finally:
        apply_theme(app, "light")
