"""Search latency benchmark (a plain script, not a test).

    python benchmarks/bench_search.py [--db db/guide.sqlite] [--rebuild] [-n 200] [--limit 20]

Opens the bundled database (building it from resources/content into a temporary folder when
it is absent, or with --rebuild), warms up, then runs each typical query N times through the
repository (SQLAlchemy engine, the app's path) and through a bare sqlite3 connection, and
prints p50/p95/max latency in milliseconds and queries per second.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.storage.build import build_database  # noqa: E402
from app.storage.database import connect_readonly, verify_database  # noqa: E402
from app.storage.repository import GuideRepository  # noqa: E402
from app.storage.search import SearchHit, search  # noqa: E402
from app.storage.source import load_bundle, source_hash  # noqa: E402

QUERIES = [
    "dara",
    "cilta",
    "tocilizumab",
    "grade 2 icans",
    "crs grade 3",
    "renal",
    "lenalidomide refractory",
    "β2",
    "frailty",
    "teclistamab step",
    "zoledronic",
    "MRD",
    "PET",
    "DaraKd",
    "myélome",
    "high risk",
    "del(17p)",
    "smouldering",
    "ASCT",
    "maintenance",
    "belantamab ocular",
    "IVIG",
    "acyclovir",
    "denosumab",
    "bispecific",
    "CAR-T",
    "elranatamab",
    "ISS",
    "pomalidomide bortezomib",
    "panel consensus",
    "d",
    "sepsis AND (",
]


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def run(label: str, fn: Callable[[str], list[SearchHit]], n: int, verbose: bool) -> None:
    for query in QUERIES:  # warm: page cache, statement cache, pool
        for _ in range(3):
            fn(query)
    everything: list[float] = []
    print(f"\n== {label}: {len(QUERIES)} queries × {n} runs")
    if verbose:
        print(f"{'query':<26}{'hits':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    started = time.perf_counter()
    for query in QUERIES:
        times: list[float] = []
        hits = 0
        for _ in range(n):
            t0 = time.perf_counter_ns()
            hits = len(fn(query))
            times.append((time.perf_counter_ns() - t0) / 1e6)
        times.sort()
        everything += times
        if verbose:
            print(f"{query:<26}{hits:>5}{percentile(times, 50):>9.3f}{percentile(times, 95):>9.3f}{times[-1]:>9.3f}")
    elapsed = time.perf_counter() - started
    everything.sort()
    print(
        f"all: p50 {percentile(everything, 50):.3f} ms · p95 {percentile(everything, 95):.3f} ms · "
        f"max {everything[-1]:.3f} ms · {len(everything) / elapsed:,.0f} queries/s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "db" / "guide.sqlite")
    parser.add_argument("--content", type=Path, default=ROOT / "resources" / "content")
    parser.add_argument("--rebuild", action="store_true", help="build a fresh database from --content first")
    parser.add_argument("-n", type=int, default=200, help="repetitions of each query")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("-q", "--quiet", action="store_true", help="totals only")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if args.rebuild or not db.is_file():
            db = Path(tmp) / "guide.sqlite"
            t0 = time.perf_counter()
            build_database(load_bundle(args.content), db, source_hash(args.content))
            print(f"built {db} from {args.content} in {time.perf_counter() - t0:.2f} s")
        info = verify_database(db)
        print(
            f"database {db}: content {info.content_version} ({info.content_date}), schema {info.schema_version}, "
            f"{info.size_bytes / 1024:.0f} KiB; Python {sys.version.split()[0]}"
        )
        with GuideRepository(db, immutable=True) as repo:
            run("repository (SQLAlchemy engine)", lambda q: repo.search(q, args.limit), args.n, not args.quiet)
        conn = connect_readonly(db, immutable=True)
        try:
            run("bare sqlite3 connection", lambda q: search(conn, q, args.limit), args.n, not args.quiet)
        finally:
            conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
