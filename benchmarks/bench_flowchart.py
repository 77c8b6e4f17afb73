"""Flowchart benchmark: how long one answer takes to reach the screen (a plain script, not a test).

    python benchmarks/bench_flowchart.py [-n 300] [--db db/guide.sqlite] [--json OUT] [--size 1146x662]

Builds a ``FlowchartScreen`` for each figure (Figs. 1–3) offscreen, with the real database, at the
room a maximised window leaves it on a 1366×768 laptop (1146×662 by default), and replays answer
sets that walk the diagram (generated once, seeded: from no answer, repeatedly answer the first
open question on the path with one of its options, as a click on an option chip does). Each
figure is measured twice, with the Diagram tab and with the Steps tab in front. For every change
it records what the screen measures and what a user waits for:
- ``eval``: ``Guide.flow`` (engine + validation) — the screen's ``last_eval_ms``;
- ``restyle``: ``FlowScene.apply`` (node/edge/chip states) — the screen's ``last_apply_ms``;
- ``update``: the whole ``set_facts``: eval, "still needed", restyle, side panel, the view
  following the path, the step cards when the Steps tab is in front;
- ``frame``: ``update`` plus the event loop until nothing is pending: Qt repaints what the
  answer changed (the diagram, its overview map, the step cards, the marks of the questions)
  and flushes it — the answer is on screen. Target: whole flowchart update p95 ≤ 16 ms.
- ``full``: ``update`` plus a synchronous repaint of the *whole* screen, changed or not (an
  upper bound: more than Qt ever repaints after one answer).
Prints p50/p95/max per figure and tab, and overall.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (as benchmarks/bench_search.py)."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def answer_sets(guide: Any, figure_id: str, walks: int, seed: int) -> list[dict[str, Any]]:
    """Fact sets met on random walks through the figure (each a state a user passes through)."""
    from app.core.flowchart.engine import FactsError
    from app.core.flowchart.model import QuestionNode
    from app.ui.screens.flowchart import option_answers

    figure = guide.figure(figure_id)
    specs = {s.name: s for s in figure.facts}
    rng = random.Random(seed)
    states: list[dict[str, Any]] = [{}]
    for _ in range(walks):
        facts: dict[str, Any] = {}
        for _step in range(25):
            try:
                ev = guide.flow(figure_id, facts)
            except FactsError:
                break
            questions = [figure.node(n) for n in ev.path if isinstance(figure.node(n), QuestionNode)]
            open_q = [q for q in questions if not any(o.when.evaluate(facts) is True for o in q.options)]
            if not open_q:
                break
            node = open_q[0]
            options = list(range(len(node.options)))
            rng.shuffle(options)
            moved = False
            for index in options:
                answers = option_answers(node.options[index].when, facts, specs)
                if answers:
                    candidate = {**facts, **rng.choice(answers)}
                    try:
                        guide.flow(figure_id, candidate)
                    except FactsError:
                        continue
                    facts = candidate
                    states.append(dict(facts))
                    moved = True
                    break
            if not moved:
                break
    return states


def measure(n: int, db: Path, walks: int = 40, seed: int = 2025, size: tuple[int, int] = (1146, 662)) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from app.services.guide import Guide
    from app.ui.context import UiContext
    from app.ui.screens.flowchart import FlowchartScreen

    app = QApplication.instance() or QApplication(sys.argv[:1])
    guide = Guide(database=db)
    context = UiContext()
    context.set_guide(guide)
    per_figure: dict[str, dict[str, Any]] = {}
    everything: dict[str, list[float]] = {"eval": [], "restyle": [], "update": [], "frame": [], "full": []}
    for figure_id in ("fig1", "fig2", "fig3"):
        states = answer_sets(guide, figure_id, walks, seed)
        for tab in ("diagram", "steps"):
            screen = FlowchartScreen(context, figure_id)
            screen.resize(*size)
            screen.show()
            app.processEvents()
            assert screen.view is not None and screen.scene is not None
            screen.show_tab(0 if tab == "diagram" else 1)
            app.processEvents()
            for state in states[:10]:  # warm-up
                screen.set_facts(state)
                screen.repaint()
            times: dict[str, list[float]] = {k: [] for k in everything}
            paths: set[tuple[str, ...]] = set()
            for i in range(n):
                state = states[(i * 7 + 1) % len(states)] if len(states) > 1 else states[0]
                if state == screen.facts:
                    state = states[(i * 7 + 2) % len(states)]
                full = i % 2 == 1  # every other change: the whole-screen repaint instead
                t0 = time.perf_counter()
                screen.set_facts(state)
                t1 = time.perf_counter()
                if full:
                    screen.repaint()
                else:
                    app.processEvents()  # the paints the answer scheduled, and their flush
                t2 = time.perf_counter()
                times["eval"].append(screen.last_eval_ms)
                times["restyle"].append(screen.last_apply_ms)
                times["update"].append((t1 - t0) * 1000)
                times["full" if full else "frame"].append((t2 - t0) * 1000)
                if screen.evaluation is not None:
                    paths.add(tuple(screen.evaluation.path))
                app.processEvents()
            summary: dict[str, Any] = {"states": len(states), "distinct_paths": len(paths), "n": n}
            for key, values in times.items():
                values.sort()
                everything[key] += values
                summary[key] = {"p50": percentile(values, 50), "p95": percentile(values, 95), "max": values[-1]}
            per_figure[f"{figure_id}/{tab}"] = summary
            screen.close()
            screen.deleteLater()
            app.processEvents()
    overall = {}
    for key, values in everything.items():
        values.sort()
        overall[key] = {"p50": percentile(values, 50), "p95": percentile(values, 95), "max": values[-1]}
    return {"figures": per_figure, "overall": overall, "size": list(size)}


def report(result: dict[str, Any]) -> None:
    width, height = result["size"]
    python = sys.version.split()[0]
    print(f"\n== flowchart screens at {width}x{height}, offscreen, Python {python} (ms: p50 / p95 / max)")
    head = ("eval", "restyle", "update", "frame", "full repaint")
    print(f"{'figure/tab':<14}{'states':>7}{'paths':>6}" + "".join(f"{h:>20}" for h in head))

    def cell(d: dict[str, float]) -> str:
        return f"{d['p50']:.2f}/{d['p95']:.2f}/{d['max']:.1f}"

    keys = ("eval", "restyle", "update", "frame", "full")
    for fig, s in result["figures"].items():
        print(f"{fig:<14}{s['states']:>7}{s['distinct_paths']:>6}" + "".join(f"{cell(s[k]):>20}" for k in keys))
    o = result["overall"]
    print(f"{'all':<27}" + "".join(f"{cell(o[k]):>20}" for k in keys))
    p95 = o["frame"]["p95"]
    verdict = "PASS" if p95 <= 16 else "FAIL"
    print(f"target whole flowchart update (answer to painted screen) p95 <= 16 ms: {p95:.2f} ms {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=300, help="changes timed per figure (default 300)")
    parser.add_argument("--db", type=Path, default=ROOT / "db" / "guide.sqlite")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--size", default="1146x662", help="screen size WxH (default: a 1366x768 laptop's room)")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        raise SystemExit(f"no database at {args.db}: python -m app.storage.build --out {args.db}")
    width, height = (int(v) for v in args.size.lower().split("x"))
    result = measure(args.n, args.db, size=(width, height))
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
