"""Update-apply benchmark (a plain script, not a test).

    python benchmarks/bench_update_apply.py [--db db/guide.sqlite] [-n 5] [--pad-mib 0] [--cli]

Builds a signed package (2-of-3 trust root, real Ed25519 keys) around the full-size guide
database (the committed ``db/guide.sqlite``, or one built from resources/ when it is absent),
then times ``app.updates.install.apply`` into a fresh data dir N times: zip layout checks,
signature and manifest checks, streaming to staging with SHA-256, fsync, ``PRAGMA
integrity_check``, the usability checks (schema allow-list, FTS5 index, every model and a
search), rename, pointer swap, state and history. ``--pad-mib M`` grows the database by M MiB
of rows in its ``docs`` table first (to see how apply scales towards the 256 MiB cap);
``--cli`` also times the whole ``python -m app update apply PKG --data-dir D`` command,
interpreter start and the printed ``info`` included. Target: under 1 s for the full-size
package.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.updates import install  # noqa: E402
from app.updates.keys import PrivateKey  # noqa: E402
from app.updates.package import build_package  # noqa: E402

EXPIRES = datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)


def _database(arg: str | None, work: Path) -> Path:
    if arg:
        return Path(arg)
    committed = ROOT / "db" / "guide.sqlite"
    if committed.is_file():
        return committed
    from app.storage.build import build_database
    from app.storage.source import load_bundle, source_hash

    content = ROOT / "resources" / "content"
    out = work / "guide.sqlite"
    build_database(load_bundle(content), out, source_hash(content))
    return out


def _pad(db: Path, mib: int, work: Path) -> Path:
    out = work / "padded.sqlite"
    shutil.copyfile(db, out)
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute("BEGIN")
    # rows of an existing table (an extra table would be refused by the schema allow-list)
    for n in range(mib * 16):
        conn.execute("INSERT INTO docs (name, json) VALUES (?, json_quote(hex(randomblob(32768))))", (f"pad{n}",))
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    conn.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database to package (default: the full-size guide database)")
    parser.add_argument("-n", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--pad-mib", type=int, default=0, help="grow the database by this many MiB first")
    parser.add_argument("--cli", action="store_true", help="also time `python -m app update apply` end to end")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mmguide-bench-") as tmp:
        work = Path(tmp)
        db = _database(args.db, work)
        if args.pad_mib:
            db = _pad(db, args.pad_mib, work)
        keys = [PrivateKey.generate(n) for n in ("alice", "bob", "carol")]
        pkg = work / "package.zip"
        t0 = time.perf_counter()
        build_package(db, pkg, keys[:2], sequence=1, expires=EXPIRES)
        build_s = time.perf_counter() - t0

        times = []
        for i in range(args.n):
            data = work / f"data{i}"
            install.init_trust(data, [k.public_key for k in keys], 2)
            t0 = time.perf_counter()
            install.apply(pkg, data)
            times.append(time.perf_counter() - t0)

        cli_times = []
        if args.cli:
            for i in range(args.n):
                data = work / f"cli{i}"
                install.init_trust(data, [k.public_key for k in keys], 2)
                t0 = time.perf_counter()
                proc = subprocess.run([sys.executable, "-m", "app", "update", "apply", str(pkg), "--data-dir",
                                       str(data)], cwd=ROOT, capture_output=True, text=True)
                cli_times.append(time.perf_counter() - t0)
                if proc.returncode != 0:
                    print(proc.stdout, proc.stderr, file=sys.stderr)
                    return 1

        size_mib = db.stat().st_size / 2**20
        print(f"database: {db.name}, {size_mib:.2f} MiB; package {pkg.stat().st_size / 2**20:.2f} MiB "
              f"(built and signed in {build_s * 1000:.0f} ms)")
        print(f"apply (library), n={args.n}: median {statistics.median(times) * 1000:.0f} ms, "
              f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
        if cli_times:
            print(f"apply (python -m app update apply, interpreter start and info included), n={args.n}: "
                  f"median {statistics.median(cli_times) * 1000:.0f} ms, max {max(cli_times) * 1000:.0f} ms")
        verdict = "PASS" if statistics.median(times) < 1.0 else "FAIL"
        print(f"target < 1 s for the full-size package: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
