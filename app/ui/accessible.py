"""Screen-reader names for drop-down lists: the question, not the current choice.

On Linux (X11/AT-SPI) Qt's own accessible interface of a ``QComboBox`` returns the combo's
*current text* as its name, whatever ``setAccessibleName`` says (Qt's
``QAccessibleComboBox::text``: the accessible name is used only ``#ifndef Q_OS_UNIX``). A
screen reader then announces six Fig. 2 questions as "Unknown, Unknown, …". This module
installs, once per process, an accessible interface for every ``QComboBox`` whose name is its
accessible name (or, failing that, the text of the label it is the buddy of) and whose value
is the current choice; the drop-down list stays its child and "Press" opens it.

Call :func:`install_accessible_names` once (it is idempotent); widgets then only need
``setAccessibleName`` with their visible label or question.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleActionInterface, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QComboBox, QLabel

_INSTALLED: list[bool] = []


class ComboBoxAccessible(QAccessibleWidget):
    """A combo box for screen readers: name = its label or question, value = the current choice."""

    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo, QAccessible.Role.ComboBox)

    def combo(self) -> QComboBox:
        widget = self.widget()
        assert isinstance(widget, QComboBox)
        return widget

    def text(self, t: QAccessible.Text) -> str:
        combo = self.combo()
        if t == QAccessible.Text.Name:
            return combo.accessibleName() or buddy_text(combo) or combo.currentText()
        if t == QAccessible.Text.Value:
            editor = combo.lineEdit() if combo.isEditable() else None
            return editor.text() if editor is not None else combo.currentText()
        return super().text(t)

    def childCount(self) -> int:  # noqa: N802 - Qt API
        return 1

    # Qt returns nullptr for an index out of range; PySide6's stub declares the result non-optional.
    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]
        return QAccessible.queryAccessibleInterface(self.combo().view()) if index == 0 else None

    def indexOfChild(self, child: QAccessibleInterface) -> int:  # noqa: N802 - Qt API
        return 0 if child is not None and child.object() is self.combo().view() else -1

    def actionNames(self) -> list[str]:  # noqa: N802 - Qt API
        press = QAccessibleActionInterface.pressAction()
        return [press, *(name for name in super().actionNames() if name != press)]

    def doAction(self, name: str) -> None:  # noqa: N802 - Qt API
        if name in (QAccessibleActionInterface.pressAction(), QAccessibleActionInterface.showMenuAction()):
            self.combo().showPopup()
            return
        super().doAction(name)


def buddy_text(widget: QObject) -> str:
    """The text of the label whose buddy ``widget`` is (mnemonic ampersands dropped), or ''."""
    parent = widget.parent()
    while parent is not None:
        for label in parent.findChildren(QLabel):
            if label.buddy() is widget:
                return label.text().replace("&&", "\0").replace("&", "").replace("\0", "&").strip()
        parent = parent.parent()
    return ""


def _factory(class_name: str, obj: QObject) -> QAccessibleInterface | None:
    if class_name == "QComboBox" and isinstance(obj, QComboBox):
        return ComboBoxAccessible(obj)
    return None


def install_accessible_names() -> None:
    """Install the combo-box interface (once per process; needs no application yet)."""
    if _INSTALLED:
        return
    QAccessible.installFactory(_factory)
    _INSTALLED.append(True)


def accessible_name(widget: QObject) -> str:
    """What a screen reader announces as the widget's name (for tests and checks)."""
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def accessible_value(widget: QObject) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Value) if iface is not None else ""


__all__ = ["ComboBoxAccessible", "accessible_name", "accessible_value", "buddy_text", "install_accessible_names"]
