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


def _history(data: Path) -> list[dict]:
    import json

    return [json.loads(line) for line in (data / "history.jsonl").read_text().splitlines()]


def test_a_tampered_package_is_refused_audited_with_advice_and_a_close_button(qtbot, package_and_data, tmp_path):
    """h8-50: the refusal left no audit line, gave no advice and offered "Cancel"."""
    import zipfile

    from app.ui.local_dialog import LocalLayerDialog
    from tests.updates.helpers import RawMember, raw_zip

    package, data = package_and_data
    with zipfile.ZipFile(package) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["layer.json"] = members["layer.json"].replace(b"SC here", b"IV here")  # same length, other words
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(raw_zip([RawMember(n, d) for n, d in members.items()]))
    dialog = LocalLayerDialog(tampered, data)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state == dialog.REFUSED, timeout=10000)
    shown = " ".join(dialog.details.toPlainText().split())
    assert "layer_hash_mismatch" in shown
    assert "Do not install it" in shown and "Get a fresh copy from the pharmacy and tell IT security." in shown
    assert dialog.cancel_button.text() == "Close" and not dialog.install_button.isVisible()
    last = _history(data)[-1]
    assert {k: last[k] for k in ("action", "code", "package")} == {
        "action": "local_reject", "code": "layer_hash_mismatch", "package": "tampered.zip"}
    assert not (data / "local" / "layer.zip").exists()


def test_layer_two_says_what_it_replaces_and_each_notes_change(qtbot, package_and_data, tmp_path):
    """h8-51: layer 2 listed all notes as "what it adds", said "Accepted" and wrote "toxicitys"."""
    from app.ui.local_dialog import LocalLayerDialog
    from app.updates.keys import load_private
    from app.updates.local_install import apply
    from tests.local.test_local_changes import layer_two

    package, data = package_and_data
    apply(package, data)
    keys = [load_private(tmp_path / "keys" / f"{n}.key") for n in ("h1", "h2")]
    second = build(layer_two(yaml.safe_load(TEMPLATE)), tmp_path / "local-2.zip", keys, sequence=2)
    dialog = LocalLayerDialog(second, data)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state == dialog.ACCEPTED, timeout=10000)
    assert dialog.verdict.text().startswith("Checked: can be installed.")
    shown = dialog.details.toPlainText()
    assert "Replaces layer 1 of St Example University Hospital, Haematology (signed " in shown
    assert "Notes: 1 new, 1 changed, 4 unchanged, 1 removed" in shown
    lines = shown.splitlines()
    rows = {lines[i + 1]: lines[i] for i in range(len(lines) - 1) if lines[i + 1].startswith("local-")}
    assert {k: rows[k] for k in ("local-dara-sc", "local-mdt-second-line", "local-new-one", "local-step-up")} == {
        "local-dara-sc": "changed text", "local-mdt-second-line": "removed", "local-new-one": "new",
        "local-step-up": "unchanged"}
    shown = " ".join(shown.split())
    assert "added: BelaPd" in shown and "removed (available again): cilta-cel" in shown
    assert "toxicitys" not in shown and "1 on a CRS/ICANS grade panel" in shown
