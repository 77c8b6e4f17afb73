"""Installing a local layer from the GUI dialog (or removing it) shows in every screen already open, with no
restart: the CRS panels and step-up helper, Fig. 2, the regimens, the calculators, the guideline (issue 13,
H7 item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import Qt

from app.core.local.template import TEMPLATE
from app.updates.keys import load_private, write_keypair
from app.updates.local_install import init_local_trust
from tests.local.helpers import build

SOURCE = yaml.safe_load(TEMPLATE)
HOSPITAL = SOURCE["hospital"]
CRS_NOTE = next(n["text"] for n in SOURCE["notes"] if n["id"] == "local-crs-escalation")
STEP_UP_NOTE = next(n["text"] for n in SOURCE["notes"] if n["id"] == "local-step-up")
LEN_NOTE = next(n["text"] for n in SOURCE["notes"] if n["id"] == "local-len-dispensing")
FIG2_B = {"lenalidomide_status": "refractory", "anti_cd38_status": "sensitive", "car_t_eligible": True}


@pytest.fixture
def package_and_data(tmp_path: Path) -> tuple[Path, Path]:
    for name in ("h1", "h2"):
        write_keypair(tmp_path / "keys", name)
    keys = [load_private(tmp_path / "keys" / f"{n}.key") for n in ("h1", "h2")]
    data = tmp_path / "data"
    init_local_trust(data, [k.public_key for k in keys], 2)
    return build(SOURCE, tmp_path / "local-1.zip", keys, sequence=1), data


def _open_screens(window):
    crs = window.show_screen("crs")
    fig2 = window.show_screen("fig2")
    fig2.set_facts(FIG2_B)
    regimens = window.show_screen("regimens")
    regimens.open_item("cilta-cel")
    calcs = window.show_screen("calculators")
    calcs.open_item("bispecific-step-up")
    guideline = window.show_screen("guideline")
    guideline.open_item("ndmm-te-maintenance-lenalidomide")
    return crs, fig2, regimens, guideline, calcs


def _cilta(fig2):
    return next(r for r in fig2.evaluation.recommendations if r.node == "r-b-len-ref" and r.regimen == "cilta-cel")


def test_install_from_the_dialog_then_every_open_screen_shows_the_layer(qtbot, package_and_data, fresh_main_windows):
    from app.ui.local_dialog import show_local_dialog
    from tests.ui.windows import shown_main_window

    package, data = package_and_data
    window = shown_main_window(qtbot, data_dir=str(data), size=(1366, 768))
    crs, fig2, regimens, guideline, calcs = _open_screens(window)
    assert not crs.panels[2].local_box.isVisibleTo(crs.panels[2])
    assert _cilta(fig2).status != "unavailable"
    assert LEN_NOTE not in guideline.browser.toPlainText()
    assert not calcs.local_box.notes and calcs.panel.local_notes == []

    dialog = show_local_dialog(window, package, data)
    qtbot.waitUntil(lambda: dialog.state == dialog.ACCEPTED, timeout=10000)
    qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == dialog.INSTALLED, timeout=10000)
    qtbot.waitUntil(lambda: crs.panels[2].local_box.isVisibleTo(crs.panels[2]), timeout=5000)

    assert window.page("crs") is crs  # the same screens, not new ones
    assert CRS_NOTE in crs.panels[2].local_box.label.text()
    assert f"Local — {HOSPITAL}, approved " in crs.panels[2].local_box.labels()[0]
    assert STEP_UP_NOTE in crs.stepup_local.label.text()
    assert _cilta(fig2).status == "unavailable" and "not on the local formulary" in _cilta(fig2).reason
    assert fig2.scene.nodes["r-b-len-ref"].local
    assert fig2.panel is not None and "local_available" in fig2.panel.controls
    row = regimens.model.row_of("cilta-cel")
    assert "⌂ not on the local formulary" in regimens.model.index(row, 2).data()
    assert "Local formulary" in regimens.browser.toPlainText() + regimens.card.text()
    assert LEN_NOTE in guideline.browser.toPlainText()
    assert calcs.local_box.notes and STEP_UP_NOTE in calcs.local_box.label.text()

    from app.updates.local_install import remove

    remove(data)
    window.load_services(data_dir=str(data))  # what the app does after any install or removal
    assert not crs.panels[2].local_box.isVisibleTo(crs.panels[2])
    assert not crs.stepup_local.isVisibleTo(crs)
    assert _cilta(fig2).status != "unavailable" and not fig2.scene.nodes["r-b-len-ref"].local
    assert "local_available" not in fig2.panel.controls
    assert "local formulary" not in regimens.model.index(row, 2).data()
    assert LEN_NOTE not in guideline.browser.toPlainText()
    assert not calcs.local_box.notes and calcs.panel.local_notes == []
