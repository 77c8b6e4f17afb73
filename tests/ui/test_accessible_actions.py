"""The combo-box accessible interface's actions: a screen reader's "Press" opens the drop-down list."""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleActionInterface
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from app.ui.accessible import ComboBoxAccessible, install_accessible_names


def _combo(qtbot) -> tuple[QWidget, QComboBox]:
    install_accessible_names()
    host = QWidget()
    qtbot.addWidget(host)
    combo = QComboBox(host)
    combo.addItems(["none", "facemask"])
    QVBoxLayout(host).addWidget(combo)
    host.show()
    return host, combo


def test_press_is_offered_once_and_opens_the_list(qtbot):
    _host, combo = _combo(qtbot)
    iface = QAccessible.queryAccessibleInterface(combo)
    assert isinstance(iface, ComboBoxAccessible)
    names = iface.actionNames()
    press = QAccessibleActionInterface.pressAction()
    assert names[0] == press and names.count(press) == 1
    assert not combo.view().isVisible()
    iface.doAction(press)
    assert combo.view().isVisible()
    combo.hidePopup()


def test_the_list_is_the_only_child_and_an_editable_value_is_its_text(qtbot):
    _host, combo = _combo(qtbot)
    iface = QAccessible.queryAccessibleInterface(combo)
    assert iface.child(0).object() is combo.view()
    assert iface.child(1) is None
    combo.setEditable(True)
    line_edit = combo.lineEdit()
    assert line_edit is not None
    line_edit.setText("nasal cannula")
    assert iface.text(QAccessible.Text.Value) == "nasal cannula"
