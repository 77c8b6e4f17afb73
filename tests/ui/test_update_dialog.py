"""File → Install update… and the background re-check, on real keys, packages and SQLite."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.paths import bundled_database
from app.ui.main_window import MainWindow
from app.ui.update_dialog import UpdateDialog, run_in_background
from app.updates import install
from app.updates.keys import PrivateKey
from app.updates.package import build_package
from tests.ui.windows import shown_main_window
from tests.updates.helpers import FAR_FUTURE, derive_db, snapshot

BUNDLED = bundled_database()
pytestmark = pytest.mark.skipif(not BUNDLED.is_file(), reason="needs the bundled db/guide.sqlite")


pytestmark = pytest.mark.usefixtures("fresh_main_windows")


@pytest.fixture(scope="module")
def keys() -> dict[str, PrivateKey]:
    return {name: PrivateKey.generate(name) for name in ("alice", "bob", "carol")}


@pytest.fixture(scope="module")
def v2(tmp_path_factory) -> tuple[Path, dict[str, list[str]]]:
    out = tmp_path_factory.mktemp("v2") / "guide-v2.sqlite"
    return out, derive_db(BUNDLED, out, content_version="2025.1.1", content_date="2025-08-01")


@pytest.fixture(scope="module")
def package(tmp_path_factory, keys, v2) -> Path:
    """Content 2025.1.1, sequence 7, signed by alice and bob, with its change list."""
    out = tmp_path_factory.mktemp("pkg") / "mmguide-2025.1.1-seq7.zip"
    build_package(v2[0], out, [keys["alice"], keys["bob"]], sequence=7, expires=FAR_FUTURE, base=BUNDLED)
    return out


@pytest.fixture
def data_dir(tmp_path, keys) -> Path:
    """A data dir with a 2-of-3 trust root (alice, bob, carol) and nothing installed."""
    data = tmp_path / "data"
    install.init_trust(data, [keys[n].public_key for n in ("alice", "bob", "carol")], 2)
    return data


def _window(qtbot, data: Path) -> MainWindow:
    return shown_main_window(qtbot, data_dir=str(data))


def _settled(qtbot, dialog: UpdateDialog) -> UpdateDialog:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    return dialog


def test_dialog_shows_what_the_package_is_who_signed_and_what_changes(qtbot, data_dir, package, keys, v2):
    w = _window(qtbot, data_dir)
    before = snapshot(data_dir)
    dialog = _settled(qtbot, w.open_update_dialog(package))
    assert dialog.state == UpdateDialog.ACCEPTED
    text = dialog.details.toPlainText()
    for expected in ("myeloma-pocket-guide", "stable", "2025.1.1", "2025-08-01", "2099-12-31 23:59 UTC",
                     "2025.1.0", "alice", "bob", keys["alice"].keyid, keys["bob"].keyid,
                     "Statements added (1)", "Statements changed (1)", "Statements removed (1)"):
        assert expected in text, expected
    assert "carol" not in text  # only the keys that signed are listed
    for ids in v2[1].values():
        assert all(i in text for i in ids)
    assert "7 (the first update on this computer)" in text
    assert "would be accepted" in dialog.verdict.text()
    # Install is offered, clearly labelled; Cancel is the default and has the focus
    assert dialog.install_button.isVisible() and dialog.install_button.text() == "&Install update"
    assert dialog.cancel_button.isDefault() and not dialog.install_button.isDefault()
    assert dialog.focusWidget() is dialog.cancel_button
    for widget in (dialog, dialog.verdict, dialog.details, dialog.install_button, dialog.cancel_button):
        assert widget.accessibleName()
    assert snapshot(data_dir) == before  # verifying changes nothing
    # keyboard: Tab reaches Install, Enter on the dialog means Cancel (the safe default)
    dialog.details.setFocus()
    qtbot.keyClick(dialog.details, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.install_button
    qtbot.keyClick(dialog.install_button, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.cancel_button
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.state == UpdateDialog.ACCEPTED
    assert snapshot(data_dir) == before and w.guide.active.origin == "bundled"


def test_install_applies_and_reloads_the_services(qtbot, data_dir, package):
    w = _window(qtbot, data_dir)
    assert w.guide.active.origin == "bundled"
    dialog = _settled(qtbot, w.open_update_dialog(package))
    with qtbot.waitSignal(dialog.installed, timeout=10000):
        qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
    assert dialog.state == UpdateDialog.INSTALLED
    assert w.guide.active.origin == "update"
    assert w.guide.info()["source"] == "update"
    assert w.guide.version()["content_version"] == "2025.1.1"
    assert "2025.1.1" in w.statusBar().currentMessage() and "2025.1.1" in w.content_label.text()
    assert w.context.guide is w.guide
    assert not dialog.install_button.isVisible() and dialog.cancel_button.text() == "Close"
    assert install.status(data_dir, BUNDLED)["current"]["sequence"] == 7


def test_tampered_package_is_refused_with_its_reason_and_changes_nothing(qtbot, data_dir, package, tmp_path):
    w = _window(qtbot, data_dir)
    tampered = tmp_path / "tampered.zip"
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x01  # a byte inside the signed database
    tampered.write_bytes(bytes(data))
    before = snapshot(data_dir, BUNDLED)
    dialog = _settled(qtbot, w.open_update_dialog(tampered))
    assert dialog.state == UpdateDialog.REFUSED
    assert not dialog.install_button.isVisible()
    assert "would be refused" in dialog.verdict.text()
    assert "not the one that was signed" in dialog.verdict.text()  # plain words
    assert "db_hash_mismatch" in dialog.details.toPlainText()  # and the code
    assert dialog.cancel_button.text() == "Close"
    dialog.install()  # not offered, and ignored if called anyway
    assert snapshot(data_dir, BUNDLED) == before
    assert w.guide.active.origin == "bundled"


def test_no_trust_root_says_so_plainly(qtbot, tmp_path, package):
    empty = tmp_path / "fresh"
    w = _window(qtbot, empty)
    w.install_update_action.trigger()  # no file dialog: there is nothing to check a package against
    dialog = w.update_dialog
    assert isinstance(dialog, UpdateDialog) and dialog.state == UpdateDialog.NO_TRUST_ROOT
    assert "no trust root" in dialog.verdict.text()
    assert "mmguide admin init-trust" in dialog.details.toPlainText()
    assert not dialog.install_button.isVisible()
    # a package chosen anyway gets the same answer from the verify itself
    dialog = _settled(qtbot, w.open_update_dialog(package))
    assert dialog.state == UpdateDialog.NO_TRUST_ROOT
    assert not (empty / "trust").exists()  # the GUI never creates a root


def test_background_recheck_falls_back_when_the_active_database_changes(qtbot, data_dir, package):
    install.apply(package, data_dir)
    w = _window(qtbot, data_dir)
    assert w.guide.active.origin == "update" and w.recheck_notice is None
    assert "Database:" not in w.banner_label.text()  # (the banner may show the content's age)
    active = Path(w.guide.active.path)
    with active.open("r+b") as fh:  # garbage into the installed copy the app runs on
        fh.seek(4096)
        fh.write(b"\xde\xad\xbe\xef" * 1024)
    w.start_recheck()
    qtbot.waitUntil(lambda: w.guide.active.origin == "bundled", timeout=5000)
    assert w.guide.version()["content_version"] == "2025.1.0"
    assert w.banner.isVisible()
    banner = w.banner_label.text()
    assert "changed on disk after start-up" in banner
    assert "bundled with the app" in banner  # select_active's notice: which database is in use now


def test_background_recheck_leaves_an_unchanged_database_alone(qtbot, data_dir, package, tmp_path):
    install.apply(package, data_dir)
    copy = tmp_path / "copy"
    shutil.copytree(data_dir, copy)
    w = _window(qtbot, copy)
    guide = w.guide
    w.start_recheck()
    qtbot.waitUntil(lambda: not w.recheck_running, timeout=5000)
    assert w.guide is guide and w.recheck_notice is None and guide.active.origin == "update"


def test_background_work_runs_off_the_gui_thread_and_reports_on_it(qtbot):
    seen: dict[str, object] = {}

    def work() -> str:
        seen["worker"] = threading.get_ident()
        return "done"

    def done(ok: bool, value: object) -> None:
        seen["result"] = (ok, value)
        seen["receiver"] = threading.get_ident()

    run_in_background(work, done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == (True, "done")
    assert seen["worker"] != threading.main_thread().ident and seen["receiver"] == threading.main_thread().ident


def test_after_a_refusal_another_file_can_be_chosen_and_checked(qtbot, data_dir, package, tmp_path):
    bad = tmp_path / "not-a-package.zip"
    bad.write_bytes(b"not a zip at all")
    w = _window(qtbot, data_dir)
    dialog = _settled(qtbot, w.open_update_dialog(bad))
    assert dialog.state == UpdateDialog.REFUSED
    assert dialog.choose_button.isVisibleTo(dialog) and "Choose another file" in dialog.choose_button.text()
    dialog.choose_another(package)
    dialog = _settled(qtbot, dialog)
    assert dialog.state == UpdateDialog.ACCEPTED
    assert not dialog.choose_button.isVisibleTo(dialog)
    assert dialog.install_button.isVisibleTo(dialog)
    assert package.name in dialog.file_label.text()


def test_a_package_of_the_content_in_use_says_content_unchanged_before_installing(qtbot, data_dir, keys, tmp_path):
    same = tmp_path / "mmguide-2025.1.0-seq3.zip"
    build_package(BUNDLED, same, [keys["alice"], keys["bob"]], sequence=3, expires=FAR_FUTURE, base=BUNDLED)
    w = _window(qtbot, data_dir)
    before = snapshot(data_dir)
    dialog = _settled(qtbot, w.open_update_dialog(same))
    assert dialog.state == UpdateDialog.ACCEPTED and dialog.unchanged
    assert dialog.verdict.text().startswith("✔ Content unchanged")
    assert "Content unchanged" in dialog.details.toPlainText()
    assert snapshot(data_dir) == before  # said before anything was installed


def test_a_new_content_package_is_not_called_unchanged(qtbot, data_dir, package):
    w = _window(qtbot, data_dir)
    dialog = _settled(qtbot, w.open_update_dialog(package))
    assert dialog.state == UpdateDialog.ACCEPTED and not dialog.unchanged
    assert "unchanged" not in dialog.verdict.text().casefold()
