"""Transitions per second through the workflow engine, audit chain on (issue 2 "Speed": >= 500/s from
one process on SQLite; the PostgreSQL figure is reported).

    python bench/transitions.py [--count 3000] [--pg postgresql://postgres@127.0.0.1:5432/postgres]

Each transition is the real thing: one write transaction with the guarded update, the Transition
row, the hash-chained audit event and the plugin hooks. Requests cycle advance → return → pause →
resume, so the step data is validated and the clocks are recomputed from the log every time.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import os
import tempfile
import time
import uuid
from urllib.parse import urlparse, urlunparse

from report import record  # noqa: E402  (puts the repository on sys.path)

TARGET = 500
SAMPLE = {"sample": importlib.metadata.EntryPoint("sample", "tests.fixtures.sampleplugin", "rongtong.plugins")}
PLAN = [("advance", {"data": {"need": "n"}}), ("return", {"reason": "again", "target": "accept"}),
        ("pause", {"reason": "materials"}), ("resume", {})]


def measure(url: str, count: int, per_request: int = 12) -> tuple[float, float]:
    """Run ``count`` transitions spread so that each request's log ends up about ``per_request`` +
    5 rows long (a request through a few steps with a pause or a return), as in real use; the clocks
    re-read the whole log on every transition, so very long logs cost more."""
    requests = max(1, count // per_request)
    from rongtong.core import audit
    from rongtong.core.config import load_config
    from rongtong.core.platform import Platform
    from tests.factories import make_people

    platform = Platform(load_config(overrides={"database": {"url": url}, "plugins": {"enabled": ["sample"]}}),
                        entry_points=SAMPLE)
    platform.upgrade()
    people = make_people()
    engine = platform.engine
    ids = [engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title=f"r{i}").id
           for i in range(requests)]
    for request_id in ids:  # warm-up: one full cycle each
        for outcome, kwargs in PLAN:
            engine.transition(request_id, outcome, people.staff, **kwargs)
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(count):
        outcome, kwargs = PLAN[i % len(PLAN)]
        engine.transition(ids[(i // len(PLAN)) % len(ids)], outcome, people.staff, **kwargs)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert audit.verify()[1] is None
    platform.db.close()
    return count / elapsed, count / cpu


def figure(rates) -> str:
    wall, cpu = rates
    return f"{wall:,.0f}/s (this process's CPU alone: {cpu:,.0f}/s; load average {os.getloadavg()[0]:.1f})"


def sqlite(count: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        return measure(f"sqlite:///{os.path.join(tmp, 'bench.db')}", count)


def postgres(admin_url: str, count: int) -> tuple[float, float]:
    import psycopg2

    name = "rt_bench_" + uuid.uuid4().hex[:8]
    admin = psycopg2.connect(admin_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        return measure(urlunparse(urlparse(admin_url)._replace(path="/" + name)), count)
    finally:
        from rongtong.core.db import database

        if database.obj is not None:
            database.obj.close()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--pg", default=os.environ.get("RONGTONG_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="an admin URL of a PostgreSQL server ('' to skip)")
    args = parser.parse_args()
    os.chdir(tempfile.mkdtemp())
    rates = sqlite(args.count)
    record("transitions/s, SQLite, one process", figure(rates), f">= {TARGET}/s", rates[0] >= TARGET)
    if args.pg:
        try:
            rates = postgres(args.pg, args.count)
        except Exception as exc:  # no server: say so instead of failing the SQLite figure
            print(f"PostgreSQL skipped: {type(exc).__name__}: {exc}".splitlines()[0])
        else:
            record("transitions/s, PostgreSQL, one process", figure(rates), "reported", None)


if __name__ == "__main__":
    main()
