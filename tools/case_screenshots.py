"""Screenshots of the Patient panel, the treatment-history editor and the Case summary, in a real window.

    Xvfb :61 -screen 0 1366x768x24 & DISPLAY=:61 openbox &
    DISPLAY=:61 python tools/case_screenshots.py [--case docs/examples/case-second-line.json]
                                                 [--out docs/screenshots] [--theme light] [--scale 1]

The window opens as the app opens it (maximised on a 1366×768 screen), the case file is read
into the Patient panel (in memory only) and the whole screen is grabbed for each view:
``patient.png``, ``patient-history.png``, ``case-summary.png`` (with ``-<theme>-<percent>``
suffixes when not light at 100 %). Look at every picture after running it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", default=str(ROOT / "docs/examples/case-second-line.json"))
    parser.add_argument("--out", default=str(ROOT / "docs/screenshots"))
    parser.add_argument("--theme", default="light")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--episode", type=int, default=3, help="the episode selected in the history shot")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings_dir = tempfile.mkdtemp(prefix="mmguide-shots-")
    QCoreApplication.setOrganizationName("MyelomaPocketGuideShots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)

    from app.ui.main_window import MainWindow
    from app.ui.settings import Settings

    settings = Settings()
    settings.theme = args.theme
    settings.font_scale = args.scale
    window = MainWindow(settings)
    window.show()

    def pump(n: int = 30) -> None:
        for _ in range(n):
            app.processEvents()

    pump()
    while not window.painted:
        pump(5)
    window.load_services(data_dir=settings_dir)
    window.banner.hide()
    pump()
    suffix = "" if (args.theme, args.scale) == ("light", 1.0) else f"-{args.theme}-{round(args.scale * 100)}"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        pump(60)
        screen = QGuiApplication.primaryScreen()
        path = out / f"{name}{suffix}.png"
        screen.grabWindow(0).save(str(path))
        print(path)

    panel = window.show_screen("patient")
    panel.open_case_file(args.case)
    panel.tabs.setCurrentIndex(0)
    shot("patient")
    panel.tabs.setCurrentIndex(2)
    panel.history.table.setCurrentCell(args.episode - 1, 0)
    shot("patient-history")
    window.show_screen("case")
    shot("case-summary")
    window.context.case.clear()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
