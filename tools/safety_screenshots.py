"""Screenshots of the safety views: About (intended purpose, safety documents, third-party software),
What's new after an update built from a changed content source, the install dialog's change list and
Report a problem (with a description that holds a patient value).

    QT_QPA_PLATFORM=offscreen python tools/safety_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _settle(app, ms: int = 300) -> None:
    from PySide6.QtCore import QEventLoop, QThreadPool, QTimer

    QThreadPool.globalInstance().waitForDone(10000)
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow
    from app.ui.settings import MemoryStore, Settings
    from app.updates import install
    from tests import content_changes as cc

    app = QApplication.instance() or QApplication(sys.argv[:1])
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mmguide-shots-") as tmp:
        folder = Path(tmp)
        changed = cc.build_changed_db(folder)
        data = folder / "data"
        package = cc.signed_package(folder, changed, data)

        window = MainWindow(Settings(MemoryStore()))
        window.resize(1180, 780)
        window.show()
        _settle(app)
        window.load_services(data_dir=str(data))
        _settle(app)
        dialog = window.open_update_dialog(package)
        _settle(app, 1500)
        dialog.resize(900, 900)
        dialog.details.verticalScrollBar().setValue(dialog.details.verticalScrollBar().maximum())
        _settle(app)
        dialog.grab().save(str(args.out / "safety-install-changes.png"))
        dialog.close()

        install.apply(package, data)
        window.settings = Settings(QSettings(str(folder / "prefs.ini"), QSettings.Format.IniFormat))
        window.load_services(data_dir=str(data))
        _settle(app, 800)
        whats_new = window.whats_new_dialog
        whats_new.resize(900, 760)
        _settle(app)
        whats_new.grab().save(str(args.out / "safety-whats-new.png"))
        whats_new.close()

        window.show_screen("calculators")
        window.report_problem_action.trigger()
        report = window.report_dialog
        report.description.setPlainText(
            "After installing content 2025.2.0 the ISS stage looked wrong for a patient of 82 kg; "
            "I expected stage II."
        )
        report.resize(760, 760)
        _settle(app)
        report.grab().save(str(args.out / "safety-report-problem.png"))
        report.close()

        about = window.show_screen("about")
        window.navigate("about", "safety")
        _settle(app)
        about.grab().save(str(args.out / "safety-about.png"))
        window.navigate("about", "third-party")
        _settle(app)
        about.grab().save(str(args.out / "safety-about-third-party.png"))
        window.close()
    for name in ("safety-install-changes", "safety-whats-new", "safety-report-problem", "safety-about",
                 "safety-about-third-party"):
        print(args.out / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
