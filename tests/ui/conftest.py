"""Qt test fixtures: offscreen platform, isolated settings per test, a loaded guide."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QSettings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    """Every test gets its own settings store (napari-style), never the user's."""
    QCoreApplication.setOrganizationName("MyelomaPocketGuideTests")
    QCoreApplication.setApplicationName("mmguide-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield tmp_path / "settings"


@pytest.fixture(scope="session")
def guide(built_db):
    from app.services.guide import Guide

    return Guide(database=built_db)


@pytest.fixture
def context(guide):
    from app.ui.context import UiContext

    ctx = UiContext()
    ctx.set_guide(guide)
    return ctx


@pytest.fixture
def fresh_main_windows(qapp):
    """Close this test's main windows (and dialogs) and undo its theme, so nothing leaks onward."""
    from PySide6.QtCore import QEvent, QThreadPool
    from PySide6.QtWidgets import QApplication, QDialog

    from app.ui.main_window import MainWindow
    from app.ui.theme import restore_defaults

    yield
    QThreadPool.globalInstance().waitForDone(5000)
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow | QDialog):
            widget.close()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    restore_defaults(qapp)
