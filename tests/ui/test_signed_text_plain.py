"""Signed text is text: a package's content version (or any content data) is shown literally
in the status bar, the data-age banner and the update dialog — markup in it is never
interpreted (no link, no ``file://`` image)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.paths import bundled_database
from app.ui.main_window import MainWindow
from app.ui.update_dialog import UpdateDialog
from app.updates import install
from app.updates.keys import PrivateKey
from app.updates.package import build_package
from tests.ui.windows import shown_main_window
from tests.updates.helpers import FAR_FUTURE, derive_db

BUNDLED = bundled_database()
HOSTILE = '<a href="file:///etc/passwd">2025.9</a><img src="file:///etc/passwd"><b>bold</b>'
pytestmark = [pytest.mark.skipif(not BUNDLED.is_file(), reason="needs the bundled db/guide.sqlite"),
              pytest.mark.usefixtures("fresh_main_windows")]


@pytest.fixture(scope="module")
def keys() -> dict[str, PrivateKey]:
    return {name: PrivateKey.generate(name) for name in ("alice", "bob")}


@pytest.fixture(scope="module")
def package(tmp_path_factory, keys) -> Path:
    """Old content (the banner shows) whose signed content version is markup."""
    db = tmp_path_factory.mktemp("hostile") / "guide.sqlite"
    derive_db(BUNDLED, db, content_version=HOSTILE, content_date="2020-01-02")
    out = tmp_path_factory.mktemp("pkg") / "hostile.zip"
    build_package(db, out, [keys["alice"], keys["bob"]], sequence=3, expires=FAR_FUTURE)
    return out


@pytest.fixture
def data_dir(tmp_path, keys) -> Path:
    data = tmp_path / "data"
    install.init_trust(data, [keys[n].public_key for n in ("alice", "bob")], 2)
    return data


def _window(qtbot, data: Path) -> MainWindow:
    return shown_main_window(qtbot, data_dir=str(data))


def test_status_bar_and_banner_show_signed_markup_as_text(qtbot, data_dir, package):
    install.apply(package, data_dir)
    w = _window(qtbot, data_dir)
    assert HOSTILE in w.content_label.text()
    assert w.content_label.textFormat() == Qt.TextFormat.PlainText
    assert w.banner.isVisible() and HOSTILE in w.banner_label.text()
    assert w.banner_label.textFormat() == Qt.TextFormat.PlainText
    assert w.loading.textFormat() == Qt.TextFormat.PlainText


def test_update_dialog_shows_signed_markup_as_text(qtbot, data_dir, package):
    w = _window(qtbot, data_dir)
    dialog = w.open_update_dialog(package)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    assert dialog.state == UpdateDialog.ACCEPTED
    assert HOSTILE in dialog.details.toPlainText()
    assert "file:///etc/passwd" not in dialog.details.toHtml().replace(HOSTILE.replace("<", "&lt;").replace(
        ">", "&gt;").replace('"', "&quot;"), "")
    assert HOSTILE in dialog.verdict.text() and dialog.verdict.textFormat() == Qt.TextFormat.PlainText
