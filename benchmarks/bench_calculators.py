"""Calculator benchmark: recompute time of every calculator (a plain script, not a test).

    python benchmarks/bench_calculators.py [-n 2000] [--json OUT]

For each of the 16 calculators in ``app.core.calculators``, times ``Calculator.run`` (input
validation with units, computation, the result object with explanation and interpretation:
what the calculators screen calls on every edit) on a fixed, valid, clinically plausible input,
N times after a warm-up, and prints p50/p95/max in milliseconds. A second figure per calculator
varies one input between runs (as typing does), so no cached result can flatter the figure.
Target: recompute ≤ 1 ms (p95).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: one valid input per calculator, and the input varied between runs (name, values)
INPUTS: dict[str, tuple[dict[str, Any], tuple[str, list[Any]]]] = {
    "iss": ({"b2m": "4.2 mg/L", "albumin": "3.2 g/dL"}, ("b2m", ["2.1 mg/L", "4.2 mg/L", "6.3 mg/L"])),
    "r-iss": (
        {"b2m": "6 mg/L", "albumin": "3.0 g/dL", "ldh_above_uln": True, "del17p": False, "t_4_14": True,
         "t_14_16": False},
        ("ldh_above_uln", [True, False]),
    ),
    "r2-iss": (
        {"b2m": "6 mg/L", "albumin": "3.0 g/dL", "ldh_above_uln": False, "del17p": True, "t_4_14": False,
         "gain_1q": True},
        ("gain_1q", [True, False]),
    ),
    "high-risk": (
        {"del17p_ccf_pct": 30, "tp53_mutation": True, "t_4_14": True, "gain_1q": True, "del1p32": "monoallelic",
         "b2m": "6 mg/L", "creatinine": "1.0 mg/dL"},
        ("del17p_ccf_pct", [10, 30, 70]),
    ),
    "smm-2-20-20": (
        {"m_protein": "2.5 g/dL", "flc_ratio": 25, "bmpc_pct": 22, "fish_abnormality": True},
        ("bmpc_pct", [12, 22, 35]),
    ),
    "smm-imwg-score": (
        {"flc_ratio": 25, "m_protein": "2.5 g/dL", "bmpc_pct": 22, "fish_abnormality": True},
        ("flc_ratio", [5, 25, 60]),
    ),
    "imwg-frailty": ({"age": 78, "cci": 1, "adl": 5, "iadl": 6}, ("age", [68, 78, 82])),
    "simplified-frailty": ({"age": 78, "cci": 1, "ecog": 2}, ("ecog", [0, 1, 2])),
    "ice": ({"orientation": 3, "naming": 3, "commands": 1, "writing": 1, "attention": 1}, ("orientation", [2, 3, 4])),
    "crs-grade": (
        {"temperature": "38.9 °C", "hypotension": True, "vasopressors": 1, "oxygen_device": "nasal_cannula",
         "oxygen_flow": "4 L/min"},
        ("vasopressors", [0, 1, 2]),
    ),
    "icans-grade": ({"ice_score": 6, "consciousness": "awakens_to_voice"}, ("ice_score", [2, 6, 8])),
    "crcl": (
        {"age": 70, "sex": "female", "weight": "62 kg", "creatinine": "1.4 mg/dL"},
        ("creatinine", ["0.9 mg/dL", "1.4 mg/dL", "2.8 mg/dL"]),
    ),
    "egfr": ({"age": 70, "sex": "female", "creatinine": "1.4 mg/dL"}, ("age", [55, 70, 81])),
    "bsa": ({"height": "170 cm", "weight": "70 kg"}, ("weight", ["58 kg", "70 kg", "96 kg"])),
    "tocilizumab-dose": ({"weight": "82 kg"}, ("weight", ["64 kg", "82 kg", "120 kg"])),
    "bispecific-step-up": ({"drug": "teclistamab", "weight": "70 kg"}, ("weight", ["58 kg", "70 kg", "96 kg"])),
}


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (as benchmarks/bench_search.py)."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def measure(n: int) -> dict[str, Any]:
    import app.core.calculators.all  # noqa: F401  (registers every calculator)
    from app.core.calculators.base import REGISTRY

    missing = sorted(set(REGISTRY) - set(INPUTS))
    if missing:
        raise SystemExit(f"no benchmark input for calculators: {', '.join(missing)}")
    results: dict[str, Any] = {}
    everything: list[float] = []
    for calc_id, (base, (field, values)) in INPUTS.items():
        calc = REGISTRY[calc_id]
        variants = [{**base, field: v} for v in values]
        for v in variants:  # warm-up (and a check that every input is valid)
            for _ in range(20):
                calc.run(v)
        fixed: list[float] = []
        varied: list[float] = []
        for i in range(n):
            t0 = time.perf_counter_ns()
            calc.run(base)
            t1 = time.perf_counter_ns()
            calc.run(variants[i % len(variants)])
            t2 = time.perf_counter_ns()
            fixed.append((t1 - t0) / 1e6)
            varied.append((t2 - t1) / 1e6)
        fixed.sort()
        varied.sort()
        both = sorted(fixed + varied)
        everything += both
        results[calc_id] = {
            "p50": percentile(both, 50), "p95": percentile(both, 95), "max": both[-1],
            "fixed_p50": percentile(fixed, 50), "varied_p50": percentile(varied, 50),
        }
    everything.sort()
    overall = {"p50": percentile(everything, 50), "p95": percentile(everything, 95), "max": everything[-1]}
    worst = max(results, key=lambda k: results[k]["p95"])
    return {"n": n, "calculators": results, "overall": overall, "worst": worst}


def report(result: dict[str, Any]) -> None:
    print(f"\n== calculators: Calculator.run, {result['n']} fixed + {result['n']} varied runs each, "
          f"Python {sys.version.split()[0]}")
    print(f"{'calculator':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for calc_id, r in result["calculators"].items():
        print(f"{calc_id:<22}{r['p50']:>9.3f}{r['p95']:>9.3f}{r['max']:>9.3f}")
    o = result["overall"]
    worst = result["worst"]
    w95 = result["calculators"][worst]["p95"]
    print(f"all: p50 {o['p50']:.3f} ms · p95 {o['p95']:.3f} ms · max {o['max']:.3f} ms; "
          f"slowest p95: {worst} {w95:.3f} ms")
    print(f"target recompute ≤ 1 ms (p95 of every calculator): {'PASS' if w95 <= 1.0 else 'FAIL'}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=2000, help="runs per calculator and variant (default 2000)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    result = measure(args.n)
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
