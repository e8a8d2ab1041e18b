"""The staff inbox of a department with 100,000 open requests (issue 9 §4 and §5: p95 at most
300 ms), against the bare SQL of its main query in the same run.

    python bench/inbox_department.py [--open 100000] [--repeat 30] [--no-analyze]
                                     [--pg postgresql://postgres@127.0.0.1:5432/postgres]

Builds a throwaway database (SQLite in a temporary directory; with ``--pg`` also a PostgreSQL
database, created and dropped) with every built-in plugin enabled and:

* department "bench": ``--open`` open requests (95 % handed round-robin to its five members, the
  rest unassigned), as many again closed;
* department "other": half as many open requests; a thousand unrouted and unassigned ones;

then, in this process with the Flask test client, times the dashboard ``GET /admin/?queue=...``
(the whole page: three queue tabs counted, the queue's rows, its overdue and due-soon lists, the
counts by service) for the department head (mine, department, unassigned) and an administrator
(unassigned: every department), and ``GET /api/v1/requests?queue=department`` with the head's
token; each ``--repeat`` times after one warm-up. The yardstick is the department queue's main
query (the one the page's list comes from) run as bare SQL through the driver.
"""
from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import tempfile
import time
import uuid
from urllib.parse import urlparse, urlunparse

from web_common import load, record  # noqa: E402  (puts the repository on sys.path)

TARGET_MS = 300.0
SECTION = "## Routing (issue 9)"
INTRO = """Figures from `bench/inbox_department.py` (run on demand; see bench/README.md): the staff inbox's
queues (core/web/admin/dashboard.py, `GET /api/v1/requests?queue=`) on a department with 100,000 open
requests, timed in one process with the Flask test client, against the bare SQL of the department
queue's main query in the same run. The machine is shared; the load average is given with each figure.

| measurement | figure | target | result | date (UTC) | machine |
|---|---|---|---|---|---|
"""
PASSWORD = "bench-password-2026"


def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def build(url: str, open_count: int, analyze: bool = True):
    """The platform on ``url``, migrated and filled; returns (platform, people)."""
    from rongtong.core.config import load_config
    from rongtong.core.demo import _insert_rows
    from rongtong.core.models import Department, Enterprise, ServiceRequest, User, utcnow
    from rongtong.core.platform import Platform
    from rongtong.core.setup import installed_builtin_plugins

    platform = Platform(load_config(overrides={"database": {"url": url},
                                               "plugins": {"enabled": installed_builtin_plugins()},
                                               "site": {"secret_key": "bench-inbox"}}))
    platform.upgrade()
    bench = Department.create(key="bench", name="基准部门")
    other = Department.create(key="other", name="其他部门")

    def person(name, roles, **kw):
        u = User(username=name, display_name=name, roles=roles, **kw)
        u.password_hash = hashed
        u.save()
        return u

    probe = User()
    probe.set_password(PASSWORD)
    hashed = probe.password_hash
    head = person("bench-head", ["staff"], department=bench, is_department_head=True)
    members = [head] + [person(f"bench-staff{i}", ["staff"], department=bench) for i in range(4)]
    admin = person("bench-admin", ["admin"])
    elsewhere = person("other-staff", ["staff"], department=other)
    stamp = utcnow()
    dt = ServiceRequest.opened_at.db_value
    _insert_rows(Enterprise, ("name", "credit_code", "scale", "kind", "status", "created_at", "updated_at"),
                 [(f"企业{i:05d}", make_code(i), "small", "sme", "admitted", dt(stamp), dt(stamp)) for i in range(1000)])
    ent_ids = [e.id for e in Enterprise.select(Enterprise.id)]
    plans = [(s.key, platform.registry.workflow(s.workflow)) for s in platform.registry.services.values()]
    empty = ServiceRequest.data.db_value({})
    columns = ("enterprise", "service_key", "workflow_key", "workflow_version", "current_step", "status", "title",
               "description", "data", "opened_at", "step_started_at", "due_at", "step_due_at", "version",
               "department", "assignee", "closed_at")

    def rows(n, department, assignee_of, status="open", offset=0):
        out = []
        for i in range(offset, offset + n):
            key, wf = plans[i % len(plans)]
            opened = stamp - datetime.timedelta(minutes=i % 40_000)
            due = opened + datetime.timedelta(days=1 + i % 20)
            closed = status != "open"
            out.append((ent_ids[i % len(ent_ids)], key, wf.key, wf.version, wf.steps[i % len(wf.steps)].key, status,
                        f"请求 #{i}", "", empty, dt(opened), dt(opened), None if closed else dt(due + datetime.timedelta(days=10)),
                        None if closed else dt(due), 1, department, assignee_of(i), dt(stamp) if closed else None))
        return out

    def round_robin(i):
        return None if i % 20 == 0 else members[i % len(members)].id  # 95 % assigned

    chunk = 50_000
    for start in range(0, open_count, chunk):
        _insert_rows(ServiceRequest, columns, rows(min(chunk, open_count - start), bench.id, round_robin, offset=start))
        _insert_rows(ServiceRequest, columns, rows(min(chunk, open_count - start), bench.id, round_robin, "completed", start))
    for start in range(0, open_count // 2, chunk):
        _insert_rows(ServiceRequest, columns, rows(min(chunk, open_count // 2 - start), other.id,
                                                   lambda i: elsewhere.id if i % 2 else None, offset=start))
    _insert_rows(ServiceRequest, columns, rows(1000, None, lambda i: None))
    if analyze:
        platform.db.execute_sql("ANALYZE")  # as `rongtong demo --size` does after a bulk load
    return platform, {"head": head, "admin": admin, "department": bench}


def make_code(i: int) -> str:
    from rongtong.core.creditcode import credit_code_for

    return credit_code_for(i, "130000")


def logged_in(app, user):
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def timed(call, repeat):
    call()  # warm-up (and the 60 s cache of the counts by service)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def bare_department_query(platform, department_id, repeat):
    """The department queue's list query as the page runs it, as bare SQL through the driver."""
    from rongtong.core.models import ServiceRequest, User
    from rongtong.core.web.admin.dashboard import INBOX_LIMIT, queue_base

    user = User.get(User.username == "bench-head")
    sql, params = (queue_base(user).where(ServiceRequest.department == department_id)
                   .where(ServiceRequest.step_due_at.is_null(False))
                   .order_by(ServiceRequest.step_due_at, ServiceRequest.id).limit(INBOX_LIMIT).sql())
    db = platform.db

    def run():
        db.execute_sql(sql, params).fetchall()

    return timed(run, repeat)


def measure(url: str, open_count: int, repeat: int, label: str, analyze: bool = True) -> None:
    from rongtong.core.web.app import create_app
    from rongtong.core.web.tokens import issue_token

    start = time.perf_counter()
    platform, people = build(url, open_count, analyze)
    if not analyze:
        label += ", no ANALYZE"
    print(f"{label}: built in {time.perf_counter() - start:.0f} s", flush=True)
    app = create_app(platform=platform)
    app.config["TESTING"] = True
    head = logged_in(app, people["head"])
    admin = logged_in(app, people["admin"])
    token = issue_token(people["head"], "bench")
    cases = {
        "mine": lambda: head.get("/admin/?queue=mine"),
        "department": lambda: head.get("/admin/?queue=department"),
        "unassigned": lambda: head.get("/admin/?queue=unassigned"),
        "admin unassigned": lambda: admin.get("/admin/?queue=unassigned"),
        "API ?queue=department": lambda: head.get("/api/v1/requests?queue=department",
                                                  headers={"Authorization": f"Bearer {token}"}),
    }
    for name, call in cases.items():
        assert call().status_code == 200, name
    results = {name: timed(call, repeat) for name, call in cases.items()}
    bare = bare_department_query(platform, people["department"].id, repeat)
    worst = max(results, key=lambda n: p95(results[n]))
    figure = (f"worst p95 {p95(results[worst]):.0f} ms ({worst}); "
              + "; ".join(f"{n} p95 {p95(t):.0f} ms (median {statistics.median(t):.0f})" for n, t in results.items())
              + f"; bare SQL of the department list p95 {p95(bare):.1f} ms; {load()}")
    record(f"staff inbox, department with {open_count:,} open requests, {label}", figure, "p95 <= 300 ms",
           p95(results[worst]) <= TARGET_MS, section=SECTION, intro=INTRO)
    platform.db.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=100_000, dest="open_count")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg", default=None, help="a PostgreSQL server URL (a database is created and dropped)")
    parser.add_argument("--no-analyze", action="store_true",
                        help="also measure SQLite without table statistics (a database that grew by use)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{os.path.join(tmp, 'inbox.db')}", args.open_count, args.repeat, "SQLite")
    if args.no_analyze:
        with tempfile.TemporaryDirectory() as tmp:
            measure(f"sqlite:///{os.path.join(tmp, 'inbox.db')}", args.open_count, args.repeat, "SQLite", analyze=False)
    if args.pg:
        import psycopg2

        name = "rt_bench_inbox_" + uuid.uuid4().hex[:8]
        server = psycopg2.connect(args.pg)
        server.autocommit = True
        with server.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        try:
            measure(urlunparse(urlparse(args.pg)._replace(path="/" + name)), args.open_count, args.repeat, "PostgreSQL")
        finally:
            from rongtong.core.db import database

            if database.obj is not None:
                database.obj.close()
            with server.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.close()


if __name__ == "__main__":
    main()
