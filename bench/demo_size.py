"""`rongtong demo --size N --no-serve` (issue 3 "5. Speed": N enterprises and 10×N requests with bulk
inserts; 100,000 enterprises and 1,000,000 requests in minutes, not hours).

    python bench/demo_size.py [--size 100000] [--keep PATH]

Runs the real console script in a temporary directory and reports wall-clock and CPU time. With
``--keep`` the database is left at PATH (bench/web_admin.py and the others can reuse it with --db).
"""
from __future__ import annotations

import argparse
import resource
import sqlite3
import tempfile
from pathlib import Path

from web_common import build_database, load, record

TARGET_S = 10 * 60  # "minutes, not hours": ten minutes on the shared two-core machine


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--keep", default=None, help="build the database at this path and keep it")
    args = parser.parse_args()
    path = Path(args.keep) if args.keep else Path(tempfile.mkdtemp()) / "demo.db"
    if path.exists():
        raise SystemExit(f"{path} exists; give another --keep path")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = build_database(path, args.size)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    with sqlite3.connect(path) as db:
        enterprises = db.execute("select count(*) from core_enterprise").fetchone()[0]
        requests = db.execute("select count(*) from core_servicerequest").fetchone()[0]
    ok = enterprises == args.size and requests == 10 * args.size
    record(f"`rongtong demo --size {args.size:,} --no-serve` ({enterprises:,} enterprises, {requests:,} requests)",
           f"{seconds:.0f} s wall (CPU {cpu:.0f} s; {load()}); {path.stat().st_size / 2**20:.0f} MB",
           f"minutes (<= {TARGET_S // 60} min)", ok and seconds <= TARGET_S)
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
