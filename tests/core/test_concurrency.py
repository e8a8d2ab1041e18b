"""Concurrent workers on one database (issue 2 §2, §5, "Tests and CI").

Separate processes (multiprocessing *spawn*), each building its own Platform on the same database —
the way several gunicorn workers share a SQLite file. Runs on PostgreSQL too when
RONGTONG_TEST_DATABASE_URL is set (the database_url fixture switches engines).
"""
from __future__ import annotations

import multiprocessing
import traceback

import pytest

pytestmark = pytest.mark.slow

WORKERS = 4
TRANSITIONS = 200  # per worker
RACERS = 8


def _platform(url):
    from rongtong.core.config import load_config
    from rongtong.core.platform import Platform
    from tests.conftest import SAMPLE_ENTRY_POINTS

    config = load_config(overrides={"database": {"url": url}, "plugins": {"enabled": ["sample"]}})
    return Platform(config, entry_points=SAMPLE_ENTRY_POINTS)


def _walker(url, request_ids, barrier, results):
    """Loop advance/return and pause/resume on this worker's own requests; report every error."""
    errors, done = [], 0
    try:
        platform = _platform(url)
        from rongtong.core.models import User

        staff = User.get(User.username == "staff")
        engine = platform.engine
        barrier.wait(timeout=120)
        plan = [("advance", {"data": {"need": "n"}}), ("return", {"reason": "again", "target": "accept"}),
                ("pause", {"reason": "materials"}), ("resume", {})]
        for i in range(TRANSITIONS):
            outcome, kwargs = plan[i % len(plan)]
            request_id = request_ids[(i // len(plan)) % len(request_ids)]
            try:
                engine.transition(request_id, outcome, staff, **kwargs)
                done += 1
            except Exception as exc:  # counted, never hidden
                errors.append(f"{type(exc).__name__}: {exc}")
        platform.db.close()
    except Exception:
        errors.append(traceback.format_exc())
    results.put((done, errors))


def _racer(url, request_id, barrier, results):
    try:
        platform = _platform(url)
        from rongtong.core.errors import Conflict
        from rongtong.core.models import User

        staff = User.get(User.username == "staff")
        barrier.wait(timeout=120)
        try:
            platform.engine.transition(request_id, "advance", staff, data={"need": "n"}, expected_version=1)
            results.put("won")
        except Conflict:
            results.put("conflict")
        platform.db.close()
    except Exception:
        results.put(traceback.format_exc())


def _run(target, args_list):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(args_list))
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, results)) for args in args_list]
    for p in procs:
        p.start()
    out = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return out


def _requests(platform, people, n):
    return [platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                                         title=f"r{i}").id for i in range(n)]


def test_four_workers_two_hundred_transitions_each_never_locked(platform, people, database_url):
    from rongtong.core import audit
    from rongtong.core.models import ServiceRequest, Transition

    ids = _requests(platform, people, WORKERS * 2)
    platform.db.close()
    out = _run(_walker, [(database_url, ids[2 * w: 2 * w + 2]) for w in range(WORKERS)])
    errors = [e for _done, errs in out for e in errs]
    assert not [e for e in errors if "locked" in e], errors[:3]
    assert errors == []
    assert sum(done for done, _ in out) == WORKERS * TRANSITIONS
    assert Transition.select().where(Transition.outcome != "open").count() == WORKERS * TRANSITIONS
    # Each request moved 100 times, ending where the 4-step cycle ends: open, at accept.
    assert {(r.version, r.status, r.current_step) for r in ServiceRequest.select()} == {(101, "open", "accept")}
    assert audit.verify() == (len(ids) + WORKERS * TRANSITIONS, None)  # one chain, never forked


def test_eight_workers_racing_one_transition_one_wins(platform, people, database_url):
    from rongtong.core import audit
    from rongtong.core.models import AuditEvent, ServiceRequest, Transition

    (request_id,) = _requests(platform, people, 1)
    platform.db.close()
    out = _run(_racer, [(database_url, request_id)] * RACERS)
    assert sorted(out) == ["conflict"] * (RACERS - 1) + ["won"], out
    assert Transition.select().where(Transition.outcome == "advance").count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "transition").count() == 1
    req = ServiceRequest.get_by_id(request_id)
    assert (req.version, req.current_step) == (2, "deliver")
    assert audit.verify()[1] is None
