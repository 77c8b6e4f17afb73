"""The flowchart's regimen detail: a maintenance leaf points to the maintenance dose, in the copy too."""

from __future__ import annotations

import pytest

from app.ui.regimen_detail import RegimenDetailDialog, leaf_from_figure


@pytest.mark.parametrize("regimen", ["R", "DaraR"])
def test_maintenance_leaf_names_the_maintenance_dose(qtbot, context, regimen):
    dialog = RegimenDetailDialog(context)
    qtbot.addWidget(dialog)
    leaf = leaf_from_figure(context.guide.figure("fig1"), "te-maintenance", regimen)
    dialog.show_leaf(leaf)
    shown = dialog.browser.toPlainText()
    assert "Lenalidomide dose — Maintenance after ASCT: US label 10 mg once daily" in shown
    copied = dialog.plain_text()
    assert "Dosing notes:" in copied
    assert "- Lenalidomide dose — Maintenance after ASCT: US label 10 mg once daily continuously" in copied
    assert "UNCONFIRMED" in copied
    assert context.stamp() in copied


def test_induction_leaf_has_no_maintenance_line(qtbot, context):
    dialog = RegimenDetailDialog(context)
    qtbot.addWidget(dialog)
    figure = context.guide.figure("fig1")
    node = next(n for n in figure.nodes if getattr(n, "items", None) and any(i.regimen == "DaraVRd" for i in n.items))
    dialog.show_leaf(leaf_from_figure(figure, node.id, "DaraVRd"))
    assert "Maintenance after ASCT" not in dialog.plain_text()
