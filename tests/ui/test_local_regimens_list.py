"""The Regimens list marks a regimen off the local formulary with a glyph and words (not colour alone),
the reason in its tooltip (issue 13, H7 item 5)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.screens.regimens import RegimensScreen
from tests.local_display import CILTA_REASON, HOSPITAL, installed_layer  # noqa: F401  (fixture)
from tests.ui.test_local_notes_ui import local_context  # noqa: F401  (fixture)


def _screen(qtbot, ctx) -> RegimensScreen:
    screen = RegimensScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    return screen


def _row(screen: RegimensScreen, abbr: str) -> int:
    return screen.model.row_of(abbr)


def test_cilta_cel_is_marked_off_the_local_formulary_with_the_reason(qtbot, local_context):  # noqa: F811
    screen = _screen(qtbot, local_context)
    model = screen.model
    row = _row(screen, "cilta-cel")
    status = model.index(row, 2)
    assert status.data() == "recommended · ⌂ not on the local formulary"
    assert status.data(Qt.ItemDataRole.AccessibleTextRole) == status.data()
    tip = model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert f"⌂ Local formulary: Not on the local formulary ({HOSPITAL}, layer 3, signed 2026-10-02): " in tip
    assert CILTA_REASON in tip
    other = model.index(_row(screen, "DaraRd"), 2)
    assert other.data() == "recommended" and "Local formulary" not in other.data(Qt.ItemDataRole.ToolTipRole)
    # the word travels with the row through the filter
    screen.filter.setText("cilta")
    shown = [screen.proxy.index(r, 2).data() for r in range(screen.proxy.rowCount())]
    assert "recommended · ⌂ not on the local formulary" in shown


def test_without_a_layer_no_regimen_is_marked(qtbot, context):
    screen = _screen(qtbot, context)
    statuses = {screen.model.index(r, 2).data() for r in range(screen.model.rowCount())}
    assert not any("local formulary" in s for s in statuses)
