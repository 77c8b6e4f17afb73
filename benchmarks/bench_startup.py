"""Start-up benchmark: the app's first paint against a bare PySide6 window (a plain script, not a test).

    python benchmarks/bench_startup.py [-n 15] [--frozen auto|yes|no] [--frozen-bare] [--phases]
                                       [--platform offscreen] [--json OUT]

Runs, interleaved and in rotating order, N times each (after one warm-up run each):
- ``bare``: a bare PySide6 window (a ``QMainWindow`` of the app's size, 1180×780) that quits on
  its first paint, run by the same Python;
- ``app``: ``python -m app --exit-after-paint`` (through a tiny driver that prints the moment of
  the first paint: it wraps ``MainWindow.__init__`` to connect ``first_paint``; nothing else changes);
- ``app-frozen``: ``dist/mmguide/mmguide --exit-after-paint`` when the bundle exists;
- ``bare-frozen`` (``--frozen-bare``): the bare window frozen by PyInstaller (built once into
  ``build/bench-bare/``), so that the frozen app has a frozen baseline.

Two figures per run: *first paint* (process spawn to the first paint, the child reporting
``CLOCK_MONOTONIC``, which the parent shares) and *exit* (spawn to process exit, first paint
included). The frozen app cannot report its paint, so the frozen ratio is on exit time.
Prints medians, p95 and the ratio app/bare; target: first paint ≤ 1.3× the bare window.
``--phases`` adds an in-process breakdown (imports, QApplication, window, first paint) of both.

Children run with ``QT_QPA_PLATFORM=offscreen`` (no display needed; ``--platform xcb`` under X or
Xvfb) and a throw-away ``XDG_CONFIG_HOME``/``XDG_DATA_HOME``, so the user's settings are never
read or written.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FROZEN_EXE = ROOT / "dist" / "mmguide" / "mmguide"
FROZEN_BARE_DIR = ROOT / "build" / "bench-bare"
PAINT_TAG = "MMBENCH_PAINT"

#: the baseline: a bare window of the app's size that quits on its first paint
BARE_SCRIPT = f'''
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow


class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            print("{PAINT_TAG}", time.clock_gettime(time.CLOCK_MONOTONIC), flush=True)
            QApplication.instance().quit()


app = QApplication(sys.argv[:1])
window = Window()
window.setWindowTitle("bare")
window.resize(1180, 780)
window.show()
app.exec()
'''

#: ``mmguide --exit-after-paint`` from source, reporting the moment of its first paint
APP_DRIVER = f'''
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from app.ui import main_window

_init = main_window.MainWindow.__init__


def _report():
    print("{PAINT_TAG}", time.clock_gettime(time.CLOCK_MONOTONIC), flush=True)


def __init__(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.first_paint.connect(_report)


main_window.MainWindow.__init__ = __init__
from app.cli.main import main

raise SystemExit(main(sys.argv[1:]))
'''

PHASES_APP = f'''
import sys, time
T = [("interpreter up", time.perf_counter())]
sys.path.insert(0, {str(ROOT)!r})
from app import netguard
netguard.install()
from app.cli.main import build_parser
build_parser().parse_args(["--exit-after-paint"])
T.append(("app.cli (argparse, update_cli)", time.perf_counter()))
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
T.append(("import PySide6 QtCore/QtGui/QtWidgets", time.perf_counter()))
from app.ui.main_window import MainWindow
T.append(("import app.ui.main_window (+theme, settings)", time.perf_counter()))
QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
app = QApplication(sys.argv[:1])
app.setApplicationName("Myeloma Pocket Guide")
app.setOrganizationName("MyelomaPocketGuide")
T.append(("QApplication()", time.perf_counter()))
w = MainWindow()
T.append(("MainWindow() (theme, widgets, menus)", time.perf_counter()))
def painted():
    T.append(("show() to first paint", time.perf_counter()))
    app.quit()
w.first_paint.connect(painted)
w.show()
app.exec()
import json
print("PHASES", json.dumps([(name, (t - T[i][1]) * 1000) for i, (name, t) in enumerate(T[1:])]))
'''

PHASES_BARE = '''
import sys, time
T = [("interpreter up", time.perf_counter())]
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow
T.append(("import PySide6 QtCore/QtGui/QtWidgets", time.perf_counter()))
app = QApplication(sys.argv[:1])
T.append(("QApplication()", time.perf_counter()))
class Window(QMainWindow):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            T.append(("show() to first paint", time.perf_counter()))
            app.quit()
w = Window()
w.resize(1180, 780)
T.append(("QMainWindow()", time.perf_counter()))
w.show()
app.exec()
import json
print("PHASES", json.dumps([(name, (t - T[i][1]) * 1000) for i, (name, t) in enumerate(T[1:])]))
'''


# ------------------------------------------------------------------------------ helpers
def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (as benchmarks/bench_search.py)."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def child_env(tmp: Path, platform: str = "offscreen") -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = platform
    env["XDG_CONFIG_HOME"] = str(tmp / "config")
    env["XDG_DATA_HOME"] = str(tmp / "data")
    env["XDG_CACHE_HOME"] = str(tmp / "cache")
    env.pop("PYTHONSTARTUP", None)
    return env


def run_once(cmd: Sequence[str], env: dict[str, str], timeout: float = 120.0) -> dict[str, Any]:
    """Spawn ``cmd`` and wait for it.

    Returns ``paint`` (spawn → first paint in s, NaN unless the child reports it), ``exit``
    (spawn → exit in s), ``maxrss_kib`` (the child's peak resident set, from ``wait4``'s
    rusage: VmHWM of that process), ``rc`` and ``stdout``.
    """
    t0 = time.clock_gettime(time.CLOCK_MONOTONIC)
    proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    assert proc.stdout is not None
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        out = proc.stdout.read()  # until the child closes stdout (it exits)
        _pid, status, usage = os.wait4(proc.pid, 0)
        t_exit = time.clock_gettime(time.CLOCK_MONOTONIC)
    finally:
        killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    text = out.decode("utf-8", "replace")
    paint = float("nan")
    for line in text.splitlines():
        if line.startswith(PAINT_TAG):
            paint = float(line.split()[1]) - t0
    return {"paint": paint, "exit": t_exit - t0, "maxrss_kib": float(usage.ru_maxrss), "rc": proc.returncode,
            "stdout": text}


def write_script(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def frozen_bare_exe(build: bool) -> Path | None:
    """The frozen bare window (``build/bench-bare/dist/bare/bare``), built with PyInstaller if asked."""
    exe = FROZEN_BARE_DIR / "dist" / "bare" / "bare"
    if exe.is_file() or not build:
        return exe if exe.is_file() else None
    FROZEN_BARE_DIR.mkdir(parents=True, exist_ok=True)
    script = write_script(FROZEN_BARE_DIR, "bare.py", BARE_SCRIPT)
    print("building the frozen bare window (PyInstaller, once) ...", flush=True)
    out = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR", "--onedir", "--name", "bare",
         "--distpath", str(FROZEN_BARE_DIR / "dist"), "--workpath", str(FROZEN_BARE_DIR / "work"),
         "--specpath", str(FROZEN_BARE_DIR), "--exclude-module", "PySide6.QtNetwork", "--exclude-module", "tkinter",
         str(script)],
        capture_output=True,
        text=True,
        cwd=FROZEN_BARE_DIR,
    )
    if out.returncode != 0:
        raise SystemExit(f"building the frozen bare window failed:\n{out.stdout[-2000:]}{out.stderr[-3000:]}")
    return exe if exe.is_file() else None


def summarise(values: list[float]) -> dict[str, float]:
    clean = sorted(v for v in values if v == v)  # drop NaN
    if not clean:
        return {"median_ms": float("nan"), "p95_ms": float("nan"), "min_ms": float("nan"), "n": 0}
    return {"median_ms": statistics.median(clean) * 1000, "p95_ms": percentile(clean, 95) * 1000,
            "min_ms": clean[0] * 1000, "n": len(clean)}


def phases(env: dict[str, str], tmp: Path, repeats: int = 5) -> dict[str, list[tuple[str, float]]]:
    """In-process phase breakdown (medians over ``repeats`` runs) of the app and the bare window."""
    result: dict[str, list[tuple[str, float]]] = {}
    for label, text in (("bare", PHASES_BARE), ("app", PHASES_APP)):
        script = write_script(tmp, f"phases_{label}.py", text)
        runs: list[list[tuple[str, float]]] = []
        for _ in range(repeats + 1):
            out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=ROOT,
                                 timeout=120)
            line = next((x for x in out.stdout.splitlines() if x.startswith("PHASES ")), None)
            if line is None:
                raise RuntimeError(f"phase run failed: {out.stderr[-2000:]}")
            runs.append([(n, float(ms)) for n, ms in json.loads(line[7:])])
        runs = runs[1:]  # the first warms the page cache and __pycache__
        result[label] = [(name, statistics.median(r[i][1] for r in runs)) for i, (name, _) in enumerate(runs[0])]
    return result


# ------------------------------------------------------------------------------ main
def measure(n: int, frozen: str, frozen_bare: bool, platform: str, want_phases: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="mmguide-bench-startup-") as tmpdir:
        tmp = Path(tmpdir)
        env = child_env(tmp, platform)
        bare = write_script(tmp, "bare.py", BARE_SCRIPT)
        driver = write_script(tmp, "app_driver.py", APP_DRIVER)
        variants: dict[str, list[str]] = {
            "bare": [sys.executable, str(bare)],
            "app": [sys.executable, str(driver), "--exit-after-paint"],
        }
        if frozen == "yes" and not FROZEN_EXE.is_file():
            raise SystemExit(f"no frozen bundle at {FROZEN_EXE}: run bash packaging/build.sh first")
        if frozen != "no" and FROZEN_EXE.is_file():
            variants["app-frozen"] = [str(FROZEN_EXE), "--exit-after-paint"]
            exe = frozen_bare_exe(build=frozen_bare)
            if exe is not None:
                variants["bare-frozen"] = [str(exe)]
        names = list(variants)
        samples: dict[str, dict[str, list[float]]] = {k: {"paint": [], "exit": [], "rss": []} for k in names}
        for name in names:  # warm-up: page cache, __pycache__
            run_once(variants[name], env)
        for i in range(n):
            order = names[i % len(names):] + names[: i % len(names)]
            for name in order:
                r = run_once(variants[name], env)
                if r["rc"] != 0:
                    raise SystemExit(f"{name} exited {r['rc']:.0f}")
                samples[name]["paint"].append(r["paint"])
                samples[name]["exit"].append(r["exit"])
                samples[name]["rss"].append(r["maxrss_kib"])
        stats = {
            name: {"paint": summarise(s["paint"]), "exit": summarise(s["exit"])} for name, s in samples.items()
        }
        ratios: dict[str, float] = {
            "paint_app_vs_bare": stats["app"]["paint"]["median_ms"] / stats["bare"]["paint"]["median_ms"],
            "exit_app_vs_bare": stats["app"]["exit"]["median_ms"] / stats["bare"]["exit"]["median_ms"],
        }
        if "app-frozen" in stats:
            ratios["exit_frozen_app_vs_source_bare"] = (
                stats["app-frozen"]["exit"]["median_ms"] / stats["bare"]["exit"]["median_ms"])
        if "bare-frozen" in stats:
            ratios["exit_frozen_app_vs_frozen_bare"] = (
                stats["app-frozen"]["exit"]["median_ms"] / stats["bare-frozen"]["exit"]["median_ms"])
            ratios["paint_frozen_bare_vs_source_bare"] = (
                stats["bare-frozen"]["paint"]["median_ms"] / stats["bare"]["paint"]["median_ms"])
        result: dict[str, object] = {"n": n, "platform": platform, "stats": stats, "ratios": ratios}
        if want_phases:
            result["phases"] = phases(env, tmp)
        return result


def report(result: dict[str, object]) -> None:
    stats: dict[str, dict[str, dict[str, float]]] = result["stats"]  # type: ignore[assignment]
    ratios: dict[str, float] = result["ratios"]  # type: ignore[assignment]
    print(f"\n== start-up, {result['n']} interleaved runs each, QT_QPA_PLATFORM={result['platform']}, "
          f"Python {sys.version.split()[0]}")
    print(f"{'variant':<13}{'first paint median':>20}{'p95':>9}{'exit median':>14}{'p95':>9}")
    for name, s in stats.items():
        paint = s["paint"]
        p = f"{paint['median_ms']:.0f} ms" if paint["n"] else "n/a"
        p95 = f"{paint['p95_ms']:.0f} ms" if paint["n"] else ""
        print(f"{name:<13}{p:>20}{p95:>9}{s['exit']['median_ms']:>11.0f} ms{s['exit']['p95_ms']:>6.0f} ms")
    print(f"ratio first paint app/bare (source): {ratios['paint_app_vs_bare']:.2f}×  (target ≤ 1.3×: "
          f"{'PASS' if ratios['paint_app_vs_bare'] <= 1.3 else 'FAIL'})")
    print(f"ratio exit app/bare (source): {ratios['exit_app_vs_bare']:.2f}×")
    if "exit_frozen_app_vs_source_bare" in ratios:
        print(f"ratio exit frozen app / source bare: {ratios['exit_frozen_app_vs_source_bare']:.2f}×")
    if "exit_frozen_app_vs_frozen_bare" in ratios:
        print(f"ratio exit frozen app / frozen bare: {ratios['exit_frozen_app_vs_frozen_bare']:.2f}×")
    if "phases" in result:
        print("\nphases (in-process, median of 5, ms):")
        for label, rows in result["phases"].items():  # type: ignore[union-attr]
            total = sum(ms for _, ms in rows)
            print(f"  {label}: {total:.0f} ms from interpreter up to first paint")
            for name, ms in rows:
                print(f"    {ms:7.1f}  {name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=15, help="runs of each variant (default 15)")
    parser.add_argument("--frozen", choices=("auto", "yes", "no"), default="auto",
                        help="include dist/mmguide/mmguide (auto: when it exists)")
    parser.add_argument("--frozen-bare", action="store_true",
                        help="also a PyInstaller-frozen bare window (built once into build/bench-bare/)")
    parser.add_argument("--phases", action="store_true", help="in-process phase breakdown of app and bare window")
    parser.add_argument("--platform", default="offscreen", help="QT_QPA_PLATFORM for the children")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    result = measure(args.n, args.frozen, args.frozen_bare, args.platform, args.phases)
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
