"""File → Install local layer…: a real signed package is verified, shown (hospital, signers, what it adds)
and installed only on confirmation; without a local trust root it is refused with IT's command."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import Qt

from app.core.local.template import TEMPLATE
from app.updates.keys import load_private, write_keypair
from app.updates.local_install import init_local_trust
from tests.local.helpers import build


@pytest.fixture
def package_and_data(tmp_path: Path) -> tuple[Path, Path]:
    for name in ("h1", "h2"):
        write_keypair(tmp_path / "keys", name)
    keys = [load_private(tmp_path / "keys" / f"{n}.key") for n in ("h1", "h2")]
    data = tmp_path / "data"
    init_local_trust(data, [k.public_key for k in keys], 2)
    package = build(yaml.safe_load(TEMPLATE), tmp_path / "local-1.zip", keys, sequence=1)
    return package, data


def test_dialog_shows_hospital_signers_and_what_it_adds_then_installs(qtbot, package_and_data):
    from app.services.local_layer import load_installed
    from app.ui.local_dialog import LocalLayerDialog

    package, data = package_and_data
    dialog = LocalLayerDialog(package, data)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state == dialog.ACCEPTED, timeout=10000)
    shown = dialog.details.toPlainText()
    template = yaml.safe_load(TEMPLATE)
    assert template["hospital"] in shown
    assert "2 valid signatures" in shown and "local trust root" in shown
    assert f"Local notes ({len(template['notes'])})" in shown
    assert "Not on the local formulary (1)" in shown and "cilta-cel" in shown
    assert dialog.install_button.isVisible() and dialog.cancel_button.isDefault()
    assert load_installed(data) is None  # nothing installed before the user confirms
    installed: list[object] = []
    dialog.installed.connect(installed.append)
    qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == dialog.INSTALLED, timeout=10000)
    layer = load_installed(data)
    assert layer is not None and layer.hospital == template["hospital"] and layer.sequence == 1
    assert installed and dialog.verdict.text().startswith("Installed: the local layer of")


def test_without_a_local_trust_root_it_is_refused_with_the_command_for_it(qtbot, package_and_data, tmp_path):
    from app.ui.local_dialog import LocalLayerDialog

    package, _data = package_and_data
    dialog = LocalLayerDialog(package, tmp_path / "empty")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.state == dialog.REFUSED, timeout=10000)
    shown = dialog.details.toPlainText()
    assert "no_local_trust_root" in shown and "mmguide admin init-local-trust" in shown
    assert not dialog.install_button.isVisible()
    assert not (tmp_path / "empty" / "local" / "layer.zip").exists()


def test_file_menu_has_install_local_layer(qtbot, guide, fresh_main_windows):
    from tests.ui.windows import shown_main_window

    window = shown_main_window(qtbot, guide=guide)
    assert window.install_local_action.text() == "Install &local layer…"
    assert window.install_local_action in window.menuBar().actions()[0].menu().actions()
