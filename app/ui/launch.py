"""Start the GUI: paint the window first, then load the database and the services."""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def _needs_offscreen() -> bool:
    return sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def launch(data_dir: str | None, exit_after_paint: bool = False, self_test: bool = False) -> int:
    if (self_test or exit_after_paint) and _needs_offscreen():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow
    from app.ui.settings import Settings

    if QApplication.instance() is None:
        # HiDPI scaling is always on in Qt 6; keep fractional factors (125 %, 150 %) exact.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Myeloma Pocket Guide")
    app.setOrganizationName("MyelomaPocketGuide")
    # UI preferences only (see app.ui.settings); theme and text size are applied by the window.
    # A self-test reads and writes none of the user's preferences; --data-dir keeps its own.
    window = MainWindow(Settings.for_launch(data_dir, ephemeral=self_test))
    outcome: dict[str, Any] = {"code": 0}

    def after_paint() -> None:
        if exit_after_paint:
            app.quit()
            return
        QTimer.singleShot(0, lambda: window.load_services(data_dir))
        if self_test:
            QTimer.singleShot(0, run_self_test)

    def run_self_test() -> None:
        from app.ui.self_test import self_test as check

        try:
            report = check(window)
        except Exception as exc:  # a crash in the self-test is a failed self-test, reported as JSON
            report = {"ok": False, "screens": [], "checks": {}, "failures": [f"self-test crashed: {exc!r}"]}
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        outcome["code"] = 0 if report["ok"] else 1
        app.quit()

    window.first_paint.connect(after_paint)
    window.show()
    app.exec()
    return int(outcome["code"])
