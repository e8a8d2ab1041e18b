"""`rongtong audit verify` over 1,000,000 events (issue 2 "Speed": at most 15 s).

    python bench/audit_verify.py [--events 1000000] [--keep PATH]

A valid chain is bulk-inserted straight into a fresh SQLite database (hashes computed exactly as
core.audit computes them), then the real console script verifies it in a subprocess.
"""
from __future__ import annotations

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import REPO, record  # noqa: E402  (puts the repository on sys.path)

TARGET_S = 15.0
RONGTONG = str(Path(sys.executable).parent / "rongtong")


def build(url: str, events: int) -> float:
    """Migrate a fresh database and append ``events`` chained audit rows; returns seconds taken."""
    from rongtong.core import audit
    from rongtong.core.config import load_config
    from rongtong.core.db import database
    from rongtong.core.fields import dumps
    from rongtong.core.platform import Platform

    start = time.perf_counter()
    platform = Platform(load_config(overrides={"database": {"url": url}, "plugins": {"enabled": []}}))
    platform.upgrade()
    _select_last, insert = audit._sql()
    base = datetime.datetime(2026, 1, 5, 1, 0, 0)
    prev = audit.GENESIS
    batch = []
    actions = ("create", "update", "transition", "login", "export")
    for n in range(1, events + 1):
        created_at = base + datetime.timedelta(seconds=n, microseconds=n % 1000)
        action = actions[n % len(actions)]
        data = dumps({"n": n, "outcome": "advance", "备注": "基准"})
        row = (n, created_at, n % 50 or None, f"user{n % 50}", action, "core_servicerequest", str(n // 7), data,
               "10.0.0.1", prev)
        prev = audit._row_hash(*row)
        batch.append((*row, prev))
        if len(batch) == 50_000 or n == events:
            with database.atomic():
                database.cursor().executemany(insert, batch)
            batch = []
    platform.db.close()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--keep", default=None, help="keep the database at this path")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp()
    os.chdir(workdir)
    path = args.keep or os.path.join(workdir, "audit.db")
    url = f"sqlite:///{path}"
    built = build(url, args.events)
    print(f"built {args.events:,} events in {built:.1f} s")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONGTONG_")}
    env.update(RONGTONG_DATABASE_URL=url, PYTHONPATH=str(REPO))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([RONGTONG, "audit", "verify"], env=env, capture_output=True, text=True, cwd=workdir)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(result.stdout.strip() or result.stderr.strip())
    ok = result.returncode == 0 and result.stdout.strip() == f"ok {args.events} events"
    record(f"`rongtong audit verify`, {args.events:,} events, SQLite",
           f"{seconds:.1f} s (CPU {cpu:.1f} s; load average {os.getloadavg()[0]:.1f})", f"<= {TARGET_S:.0f} s",
           ok and seconds <= TARGET_S)
    if not ok:
        sys.exit(f"verify did not say ok: {result.stdout}{result.stderr}")


if __name__ == "__main__":
    main()
