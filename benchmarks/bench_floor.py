"""The first-paint floor of a real main window: a bare window against a minimal shell (a plain script).

    python benchmarks/bench_floor.py [-n 12]

``bare`` is bench_startup.py's bare ``QMainWindow``; ``shell`` adds only what any main window of
this kind shows on its first paint, with no app code: a ``QListWidget`` of ten labels in a
``QSplitter`` beside a ``QStackedWidget``, four empty menus and a status bar. Interleaved runs,
spawn → first paint (the child prints ``CLOCK_MONOTONIC``), medians and their ratio. It shows how
much of the app's first-paint ratio PySide6 itself sets (docs/performance.md, issue 10).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAINT = '''
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow


class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            print("PAINT", time.clock_gettime(time.CLOCK_MONOTONIC), flush=True)
            QApplication.instance().quit()


app = QApplication(sys.argv[:1])
window = Window()
window.resize(1180, 780)
'''
BARE = PAINT + "window.show()\napp.exec()\n"
SHELL = PAINT + '''
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QSplitter, QStackedWidget
splitter = QSplitter(Qt.Orientation.Horizontal)
nav = QListWidget()
nav.addItems(["Fig. 1", "Fig. 2", "Fig. 3", "Calculators", "CRS", "ICANS", "Guideline", "Regimens", "About", "Help"])
stack = QStackedWidget()
stack.addWidget(QLabel("Loading…"))
splitter.addWidget(nav)
splitter.addWidget(stack)
window.setCentralWidget(splitter)
for title in ("&File", "&View", "&Go", "&Help"):
    window.menuBar().addMenu(title)
window.statusBar().showMessage("Loading…")
window.show()
app.exec()
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=12)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mmguide-bench-floor-") as tmp:
        scripts = {}
        for name, text in (("bare", BARE), ("shell", SHELL)):
            scripts[name] = Path(tmp) / f"{name}.py"
            scripts[name].write_text(text, encoding="utf-8")
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                   XDG_CONFIG_HOME=str(Path(tmp) / "config"))
        times: dict[str, list[float]] = {"bare": [], "shell": []}
        for i in range(args.n + 1):
            for name in ("bare", "shell") if i % 2 == 0 else ("shell", "bare"):
                start = time.clock_gettime(time.CLOCK_MONOTONIC)
                out = subprocess.run([sys.executable, str(scripts[name])], capture_output=True, text=True, env=env)
                paint = float(out.stdout.split()[1])
                if i:  # the first round warms the caches
                    times[name].append((paint - start) * 1000)
    for name, values in times.items():
        print(f"{name:<6} first paint median {statistics.median(values):6.0f} ms   min {min(values):6.0f} ms")
    print(f"shell / bare: {statistics.median(times['shell']) / statistics.median(times['bare']):.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
