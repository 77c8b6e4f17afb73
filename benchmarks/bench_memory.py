"""Peak-memory benchmark: the app's peak RSS against a bare PySide6 window (a plain script, not a test).

    python benchmarks/bench_memory.py [-n 5] [--frozen auto|yes|no] [--json OUT]

Each variant is a fresh process; its peak resident set is the ``ru_maxrss`` that ``wait4``
returns for it (the kernel's VmHWM of that process, in KiB). Variants, interleaved, N runs
each, median reported:
- ``bare``: the bare window of bench_startup.py (QMainWindow 1180×780, quits on first paint);
- ``app --exit-after-paint``: ``python -m app --exit-after-paint`` (window painted, services not
  yet loaded: what a user sees first);
- ``app --self-test``: ``python -m app --self-test`` (database open, every screen built and
  painted, a search run: the most a session holds);
- the same two from ``dist/mmguide/mmguide`` when the bundle exists, and ``bare-frozen`` when
  ``build/bench-bare`` holds one (``bench_startup.py --frozen-bare`` builds it).

Target: peak RSS ≤ 1.5× the bare window (for ``--exit-after-paint``; the self-test figure is
reported for information). Children run offscreen with a throw-away data dir and settings.

``--profile`` adds a step-by-step breakdown in one process (VmRSS after each step of what the
self-test does: window painted, services loaded, each screen built and painted, a search), and
the largest Python allocation sites (tracemalloc) at the end, to show where memory goes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_startup import BARE_SCRIPT, FROZEN_EXE, child_env, frozen_bare_exe, run_once, write_script  # noqa: E402

PROFILE_SCRIPT = r'''
import sys, tracemalloc
sys.path.insert(0, ROOT)
tracemalloc.start(1) if TRACE else None


def rss():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


steps = [("interpreter up", *rss())]
from PySide6.QtWidgets import QApplication
from app.ui.main_window import MainWindow
from app.ui.screens import SCREENS
steps.append(("imports (PySide6, app.ui)", *rss()))
app = QApplication(sys.argv[:1])
window = MainWindow()
window.show()
while not window.painted:
    app.processEvents()
steps.append(("window painted (= --exit-after-paint)", *rss()))
import sqlalchemy.orm, pydantic  # noqa: E401,F401
steps.append(("import SQLAlchemy ORM + pydantic", *rss()))
window.load_services(DATA)
app.processEvents()
steps.append(("services loaded (database open, first screen)", *rss()))
for screen_id in SCREENS:
    widget = window.show_screen(screen_id)
    app.processEvents()
    widget.grab()
    steps.append((f"screen {screen_id} built and painted", *rss()))
palette = window.open_search("lenalidomide refractory")
palette.search_now()
app.processEvents()
palette.close_palette()
steps.append(("search palette + a search", *rss()))
top = []
if TRACE:
    snap = tracemalloc.take_snapshot()
    by_pkg = {}
    import sysconfig
    prefixes = ((sysconfig.get_paths()["purelib"] + "/", ""), (sysconfig.get_paths()["stdlib"] + "/", "stdlib/"),
                (ROOT + "/", ""))
    for stat in snap.statistics("filename"):
        name = stat.traceback[0].filename
        for prefix, label in prefixes:
            if name.startswith(prefix):
                name = label + name[len(prefix):]
                break
        key = "/".join(name.split("/")[:2])
        by_pkg[key] = by_pkg.get(key, 0) + stat.size
    top = sorted(by_pkg.items(), key=lambda kv: -kv[1])[:12]
    total = sum(by_pkg.values())
    top = [("(all Python allocations)", total)] + top
import gc, linecache
cached = sum(len(lines) for _size, _mtime, lines, _name in linecache.cache.values())
linecache.clearcache()
gc.collect()
steps.append((f"linecache.clearcache(): {cached} source lines dropped (PySide6 import hook)", *rss()))
import json
print("PROFILE", json.dumps({"steps": steps, "python_heap": top}))
'''


def profile(trace: bool) -> dict[str, object]:
    import subprocess

    with tempfile.TemporaryDirectory(prefix="mmguide-bench-memory-") as tmpdir:
        tmp = Path(tmpdir)
        env = child_env(tmp)
        root = str(Path(__file__).resolve().parents[1])
        text = f"ROOT = {root!r}\nDATA = {str(tmp / 'appdata')!r}\nTRACE = {trace!r}\n" + PROFILE_SCRIPT
        script = write_script(tmp, "profile.py", text)
        out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=root,
                             timeout=300)
        line = next((x for x in out.stdout.splitlines() if x.startswith("PROFILE ")), None)
        if line is None:
            raise SystemExit(f"profile run failed:\n{out.stderr[-3000:]}")
        return json.loads(line[8:])


def report_profile(prof: dict[str, object], base_mib: float | None) -> None:
    print("\nstep-by-step (one process, VmRSS after each step; tracemalloc off):")
    prev = 0.0
    for name, rss_mib, _hwm_mib in prof["steps"]:  # type: ignore[union-attr]
        ratio = f"{rss_mib / base_mib:5.2f}× bare" if base_mib else ""
        print(f"  {rss_mib:7.1f} MiB  {rss_mib - prev:+7.1f}  {ratio}  {name}")
        prev = rss_mib


def report_heap(prof: dict[str, object]) -> None:
    print("\nPython heap at the end of the self-test path (tracemalloc, by package; run separately):")
    for name, size in prof["python_heap"]:  # type: ignore[union-attr]
        print(f"  {size / 2**20:7.1f} MiB  {name}")


def measure(n: int, frozen: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="mmguide-bench-memory-") as tmpdir:
        tmp = Path(tmpdir)
        env = child_env(tmp)
        bare = write_script(tmp, "bare.py", BARE_SCRIPT)
        data = str(tmp / "appdata")
        variants: dict[str, list[str]] = {
            "bare": [sys.executable, str(bare)],
            "app --exit-after-paint": [sys.executable, "-m", "app", "--exit-after-paint"],
            "app --self-test": [sys.executable, "-m", "app", "--self-test", "--data-dir", data],
        }
        if frozen == "yes" and not FROZEN_EXE.is_file():
            raise SystemExit(f"no frozen bundle at {FROZEN_EXE}: run bash packaging/build.sh first")
        if frozen != "no" and FROZEN_EXE.is_file():
            variants["frozen --exit-after-paint"] = [str(FROZEN_EXE), "--exit-after-paint"]
            variants["frozen --self-test"] = [str(FROZEN_EXE), "--self-test", "--data-dir", data]
            exe = frozen_bare_exe(build=False)
            if exe is not None:
                variants["bare-frozen"] = [str(exe)]
        names = list(variants)
        rss: dict[str, list[float]] = {k: [] for k in names}
        for name in names:  # warm-up
            run_once(variants[name], env)
        for i in range(n):
            for name in names[i % len(names):] + names[: i % len(names)]:
                r = run_once(variants[name], env)
                if r["rc"] != 0:
                    raise SystemExit(f"{name} exited {r['rc']}")
                if "self-test" in name and '"ok": true' not in r["stdout"]:
                    raise SystemExit(f"{name}: self-test not ok:\n{r['stdout'][-2000:]}")
                rss[name].append(r["maxrss_kib"])
        medians = {name: statistics.median(v) / 1024 for name, v in rss.items()}  # MiB
        base = medians["bare"]
        ratios = {name: m / base for name, m in medians.items() if name != "bare"}
        if "bare-frozen" in medians:
            for name in ("frozen --exit-after-paint", "frozen --self-test"):
                ratios[f"{name} vs bare-frozen"] = medians[name] / medians["bare-frozen"]
        return {"n": n, "peak_rss_mib": medians, "ratios_vs_bare": ratios}


def report(result: dict[str, object]) -> None:
    medians: dict[str, float] = result["peak_rss_mib"]  # type: ignore[assignment]
    ratios: dict[str, float] = result["ratios_vs_bare"]  # type: ignore[assignment]
    print(f"\n== peak RSS (ru_maxrss of each child), median of {result['n']} runs, offscreen")
    print(f"{'variant':<28}{'peak RSS':>11}{'× bare':>9}")
    for name, mib in medians.items():
        ratio = "" if name == "bare" else f"{ratios[name]:.2f}×"
        print(f"{name:<28}{mib:>7.1f} MiB{ratio:>9}")
    for name, r in ratios.items():
        if name.endswith("vs bare-frozen"):
            print(f"{name}: {r:.2f}×")
    key = "app --exit-after-paint"
    print(f"target peak RSS ≤ 1.5× bare window ({key}): {ratios[key]:.2f}× "
          f"{'PASS' if ratios[key] <= 1.5 else 'FAIL'}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=5, help="runs of each variant (default 5)")
    parser.add_argument("--frozen", choices=("auto", "yes", "no"), default="auto")
    parser.add_argument("--profile", action="store_true", help="step-by-step RSS and Python heap breakdown")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    result = measure(args.n, args.frozen)
    report(result)
    if args.profile:
        prof = profile(trace=False)
        report_profile(prof, result["peak_rss_mib"]["bare"])  # type: ignore[index]
        heap = profile(trace=True)
        report_heap(heap)
        result["profile"] = {"steps": prof["steps"], "python_heap": heap["python_heap"]}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
