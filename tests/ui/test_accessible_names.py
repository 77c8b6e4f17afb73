"""Every interactive control of every screen has a name for screen readers: its visible label or
question, never empty and never just its current value ("Unknown", "none", "kg", "— choose —").

The walk goes through the accessibility tree (``QAccessible``) as a screen reader does, from each
screen's page down to every control, list item, tab and table header.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow
from app.ui.screens import SCREENS

R = QAccessible.Role
#: roles a user operates (or reads as a header of what they operate)
INTERACTIVE = {
    R.PushButton,
    R.CheckBox,
    R.RadioButton,
    R.ComboBox,
    R.EditableText,
    R.SpinBox,
    R.Slider,
    R.PageTab,
    R.List,
    R.ListItem,
    R.Table,
    R.Tree,
    R.TreeItem,
    R.ColumnHeader,
    R.ButtonMenu,
    R.Link,
}
#: a table or list with more children than this is sampled (its first rows), not walked whole
MAX_CHILDREN = 600


def walk(iface, depth: int = 0):
    if iface is None or not iface.isValid() or depth > 40:
        return
    yield iface
    count = iface.childCount()
    for i in range(min(count, MAX_CHILDREN)):
        yield from walk(iface.child(i), depth + 1)


def unnamed(root_widget) -> tuple[int, list[str]]:
    """(controls checked, problems) under ``root_widget``: empty names and names equal to the value."""
    problems: list[str] = []
    checked = 0
    for iface in walk(QAccessible.queryAccessibleInterface(root_widget)):
        role = iface.role()
        if role not in INTERACTIVE or iface.state().invisible:
            continue
        checked += 1
        name = iface.text(QAccessible.Text.Name).strip()
        value = iface.text(QAccessible.Text.Value).strip()
        obj = iface.object()
        where = f"{role.name} {type(obj).__name__ if obj is not None else 'item'} {obj.objectName() if obj else ''}"
        if not name:
            problems.append(f"{where}: no name (value {value!r})")
        elif value and name == value and role not in (R.ListItem, R.TreeItem, R.PageTab):
            problems.append(f"{where}: named by its value {value!r}")
    return checked, problems


@pytest.fixture(scope="module")
def window(guide, qapp):
    """One window for the module (building every screen once), with preferences in memory."""
    from app.ui.settings import MemoryStore, Settings
    from app.ui.theme import restore_defaults

    w = MainWindow(Settings(MemoryStore()))
    w.resize(1366, 740)
    w.show()
    w.load_services(guide=guide)
    yield w
    w.close()
    w.deleteLater()
    QApplication.processEvents()
    restore_defaults(qapp)


def _show(window, screen_id: str):
    if screen_id == "drug":
        window.navigate("drug", "lenalidomide")
    elif screen_id == "search":
        window.open_search("lenalidomide refractory").search_now()
    else:
        window.show_screen(screen_id)
    QApplication.processEvents()
    if screen_id == "search":
        return window.search_palette
    return window.stack.currentWidget()


@pytest.mark.parametrize("screen_id", [*SCREENS, "drug", "search"])
def test_every_control_is_named_by_its_label_not_its_value(window, screen_id):
    page = _show(window, screen_id)
    checked, problems = unnamed(page)
    if screen_id == "search":
        window.search_palette.close_palette()
    assert checked > 0 or screen_id in ("about", "help")
    assert not problems, problems


def test_the_form_controls_say_what_they_ask(window):
    crs = _show(window, "crs")
    form = crs.grader.form
    names = {
        path: QAccessible.queryAccessibleInterface(form.editor(path)).text(QAccessible.Text.Name)
        for path in ("oxygen_device", "temperature")
    }
    assert names["oxygen_device"] == "Oxygen device"
    assert names["temperature"].startswith("Temperature")
    unit = QAccessible.queryAccessibleInterface(form.unit_combo("temperature"))
    assert unit.text(QAccessible.Text.Name) == "Temperature unit"
    assert unit.text(QAccessible.Text.Value) == "°C"
    icans = _show(window, "icans")
    consciousness = QAccessible.queryAccessibleInterface(icans.grader.form.editor("consciousness"))
    assert consciousness.text(QAccessible.Text.Name) == "Level of consciousness"


def test_the_regimens_table_has_named_column_headers(window):
    regimens = _show(window, "regimens")
    table = QAccessible.queryAccessibleInterface(regimens.table)
    headers = [table.child(i).text(QAccessible.Text.Name) for i in range(table.childCount())
               if table.child(i).role() == R.ColumnHeader]
    assert headers == ["Regimen", "Drugs and classes", "Status"]
    assert regimens.table.horizontalHeader().accessibleName() == "Regimen table columns"


def test_a_broken_name_is_caught(qtbot):
    """The walk itself fails on a control named by its value."""
    from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

    host = QWidget()
    qtbot.addWidget(host)
    combo = QComboBox(host)
    combo.addItems(["none", "facemask"])
    combo.setAccessibleName("none")
    QVBoxLayout(host).addWidget(combo)
    host.show()
    _checked, problems = unnamed(host)
    assert any("named by its value 'none'" in p for p in problems)
