"""Run every benchmark and print a summary table against the targets (a plain script, not a test).

    python benchmarks/run_all.py [--quick] [--frozen-bare] [--profile] [--json OUT]

Runs, one after the other, each in its own process (so that one's Qt application or memory
does not colour the next): bench_startup.py, bench_search.py, bench_flowchart.py,
bench_calculators.py, bench_memory.py, bench_update_apply.py, and measures the bundle in
``dist/mmguide`` when it exists (``bash packaging/build.sh`` builds it). Each script's own output
is shown as it runs; the summary comes last. ``--quick`` uses fewer repetitions (a smoke run,
about a minute); ``--frozen-bare`` also builds and times a PyInstaller-frozen bare window;
``--profile`` adds the start-up phase and memory step breakdowns used in docs/performance.md.

Targets: first paint ≤ 1.3× a bare PySide6 window; search p95 ≤ 5 ms; whole flowchart update p95 ≤ 16 ms;
calculator recompute ≤ 1 ms; peak RSS ≤ 1.5× the bare window; Linux bundle ≤ 120 MB on disk;
update apply < 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "packaging"))


def run(script: str, args: list[str], env: dict[str, str]) -> tuple[str, float]:
    print(f"\n##### {script} {' '.join(args)}", flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(HERE / script), *args], cwd=ROOT, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    elapsed = time.perf_counter() - t0
    print(proc.stdout, end="", flush=True)
    if proc.returncode != 0:
        raise SystemExit(f"{script} failed (exit {proc.returncode})")
    return proc.stdout, elapsed


def bundle_size() -> float | None:
    bundle = ROOT / "dist" / "mmguide"
    if not bundle.is_dir():
        return None
    from check_bundle import sizes

    _apparent, disk, _parts = sizes(bundle)
    return disk / 1_000_000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--frozen-bare", action="store_true", help="also time a PyInstaller-frozen bare window")
    parser.add_argument("--profile", action="store_true", help="start-up phases and memory steps too")
    parser.add_argument("--json", type=Path, help="write every figure as JSON here")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="mmguide-bench-") as tmpdir:
        tmp = Path(tmpdir)
        env["XDG_CONFIG_HOME"] = str(tmp / "config")
        env["XDG_DATA_HOME"] = str(tmp / "data")
        q = args.quick

        extra = (["--frozen-bare"] if args.frozen_bare else []) + (["--phases"] if args.profile else [])
        run("bench_startup.py", ["-n", "5" if q else "15", "--json", str(tmp / "startup.json"), *extra], env)
        figures["startup"] = json.loads((tmp / "startup.json").read_text())

        out, _ = run("bench_search.py", ["-q", "-n", "50" if q else "200"], env)
        alls = re.findall(r"all: p50 ([\d.]+) ms · p95 ([\d.]+) ms · max ([\d.]+) ms", out)
        figures["search"] = {
            "repository": {"p50": float(alls[0][0]), "p95": float(alls[0][1]), "max": float(alls[0][2])},
            "sqlite3": {"p50": float(alls[1][0]), "p95": float(alls[1][1]), "max": float(alls[1][2])},
        }

        run("bench_flowchart.py", ["-n", "100" if q else "300", "--json", str(tmp / "flow.json")], env)
        figures["flowchart"] = json.loads((tmp / "flow.json").read_text())

        run("bench_calculators.py", ["-n", "500" if q else "2000", "--json", str(tmp / "calc.json")], env)
        figures["calculators"] = json.loads((tmp / "calc.json").read_text())

        mem_args = ["-n", "3" if q else "5", "--json", str(tmp / "mem.json")] + (["--profile"] if args.profile else [])
        run("bench_memory.py", mem_args, env)
        figures["memory"] = json.loads((tmp / "mem.json").read_text())

        out, _ = run("bench_update_apply.py", ["-n", "3" if q else "5"], env)
        m = re.search(r"apply \(library\), n=\d+: median (\d+) ms, min (\d+) ms, max (\d+) ms", out)
        figures["update_apply"] = {"median_ms": float(m[1]), "max_ms": float(m[3])} if m else None

    figures["bundle_mb"] = bundle_size()
    figures["machine"] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load_avg": os.getloadavg(),
    }
    figures["elapsed_s"] = time.perf_counter() - started

    # ------------------------------------------------------------------ the summary table
    st = figures["startup"]
    rows: list[tuple[str, str, str, bool | None]] = []
    r_paint = st["ratios"]["paint_app_vs_bare"]
    rows.append(("first paint, source (app / bare)",
                 f"{st['stats']['app']['paint']['median_ms']:.0f} / {st['stats']['bare']['paint']['median_ms']:.0f} ms"
                 f" = {r_paint:.2f}×", "≤ 1.3×", r_paint <= 1.3))
    if "exit_frozen_app_vs_frozen_bare" in st["ratios"]:
        r = st["ratios"]["exit_frozen_app_vs_frozen_bare"]
        rows.append(("start to exit, frozen (app / frozen bare)",
                     f"{st['stats']['app-frozen']['exit']['median_ms']:.0f} / "
                     f"{st['stats']['bare-frozen']['exit']['median_ms']:.0f} ms = {r:.2f}×", "≤ 1.3×", r <= 1.3))
    elif "exit_frozen_app_vs_source_bare" in st["ratios"]:
        r = st["ratios"]["exit_frozen_app_vs_source_bare"]
        rows.append(("start to exit, frozen app / source bare",
                     f"{st['stats']['app-frozen']['exit']['median_ms']:.0f} / "
                     f"{st['stats']['bare']['exit']['median_ms']:.0f} ms = {r:.2f}×", "≤ 1.3×", r <= 1.3))
    s = figures["search"]["repository"]
    rows.append(("search p50 / p95 (repository)", f"{s['p50']:.3f} / {s['p95']:.3f} ms", "p95 ≤ 5 ms", s["p95"] <= 5))
    f = figures["flowchart"]["overall"]
    rows.append(("flowchart evaluation p50 / p95", f"{f['eval']['p50']:.2f} / {f['eval']['p95']:.2f} ms", "", None))
    rows.append(("whole flowchart update p50 / p95 (answer to painted screen)",
                 f"{f['frame']['p50']:.2f} / {f['frame']['p95']:.2f} ms", "p95 ≤ 16 ms",
                 f["frame"]["p95"] <= 16))
    c = figures["calculators"]
    worst = c["calculators"][c["worst"]]
    rows.append(("calculator recompute p50 / p95 (all; slowest p95)",
                 f"{c['overall']['p50']:.3f} / {c['overall']['p95']:.3f} ms; {c['worst']} {worst['p95']:.3f} ms",
                 "≤ 1 ms", worst["p95"] <= 1.0))
    mem = figures["memory"]
    pk = mem["peak_rss_mib"]
    ra = mem["ratios_vs_bare"]
    rows.append(("peak RSS --exit-after-paint / bare",
                 f"{pk['app --exit-after-paint']:.0f} / {pk['bare']:.0f} MiB = {ra['app --exit-after-paint']:.2f}×",
                 "≤ 1.5×", ra["app --exit-after-paint"] <= 1.5))
    rows.append(("peak RSS --self-test (every screen) / bare",
                 f"{pk['app --self-test']:.0f} / {pk['bare']:.0f} MiB = {ra['app --self-test']:.2f}×",
                 "≤ 1.5×", ra["app --self-test"] <= 1.5))
    if "frozen --self-test" in pk:
        key = "frozen --self-test vs bare-frozen" if "frozen --self-test vs bare-frozen" in ra else "frozen --self-test"
        base = pk.get("bare-frozen", pk["bare"])
        rows.append(("peak RSS frozen --exit-after-paint / --self-test",
                     f"{pk['frozen --exit-after-paint']:.0f} / {pk['frozen --self-test']:.0f} MiB "
                     f"(bare {base:.0f}; self-test {ra[key]:.2f}×)", "", None))
    b = figures["bundle_mb"]
    rows.append(("Linux bundle on disk", "not built" if b is None else f"{b:.1f} MB", "≤ 120 MB",
                 None if b is None else b <= 120))
    u = figures["update_apply"]
    rows.append(("update apply (full-size package), median", "n/a" if u is None else f"{u['median_ms']:.0f} ms",
                 "< 1 s", None if u is None else u["median_ms"] < 1000))

    mach = figures["machine"]
    print(f"\n===== summary ({mach['date']}, {mach['cpus']} CPUs, Python {mach['python']}, load "
          f"{mach['load_avg'][0]:.2f}; {figures['elapsed_s']:.0f} s)")
    width = max(len(r[0]) for r in rows) + 2
    vwidth = max(len(r[1]) for r in rows) + 2
    print(f"{'figure':<{width}}{'measured':<{vwidth}}{'target':<12}verdict")
    for name, value, target, ok in rows:
        verdict = "" if ok is None else ("met" if ok else "NOT MET")
        print(f"{name:<{width}}{value:<{vwidth}}{target:<12}{verdict}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
