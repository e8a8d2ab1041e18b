"""A transition's extra CPU for its notifications: ``time.process_time`` of N transitions with the
core's notices subscriber on and off, in the same run (issue 9 §5: <= 1 ms per transition).

    python bench/notify_transition_cpu.py [--count 2000] [--rounds 4]

The requests belong to an enterprise with two users (one reading Chinese, one English, both with
an e-mail address) and e-mail is on, so each notice is two notifications rendered in two languages
plus two outbox rows — inside the transition's own transaction, as in production. The requests
cycle advance (step data the enterprise may read: "answered") → return → pause → resume (no
notice), like bench/transitions.py; three transitions in four notify. "Off" replaces
``core.notices.on_transition`` with a function that does nothing; on and off rounds alternate on
fresh requests, and the best round of each is compared.
"""
from __future__ import annotations

import argparse
import time

from notify_common import load, make_platform, record, scratch_database

TARGET_MS = 1.0
PLAN = [("advance", {"data": {"need": "资金与技术对接"}}), ("return", {"reason": "请补充需求说明", "target": "accept"}),
        ("pause", {"reason": "请补充营业执照"}), ("resume", {})]
PER_REQUEST = 12


def run_round(platform, people, count: int) -> float:
    engine = platform.engine
    ids = [engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                               title=f"技术对接需求 {i}").id for i in range(max(1, count // PER_REQUEST))]
    cpu = time.process_time()
    for i in range(count):
        outcome, kwargs = PLAN[i % len(PLAN)]
        engine.transition(ids[(i // len(PLAN)) % len(ids)], outcome, people.staff, **kwargs)
    return time.process_time() - cpu


def measure(url: str, count: int, rounds: int) -> dict:
    from rongtong.core import notices
    from rongtong.core.i18n import site_language
    from rongtong.core.models import Notification
    from tests import factories

    platform = make_platform(url, plugins=("sample",), mail={"host": "127.0.0.1", "port": 2525})
    people = factories.make_people()
    people.user_a.email = "a@example.com"
    people.user_a.save()
    factories.user("a_en", ["enterprise"], enterprise=people.ent_a, language="en", email="en@example.com")
    subscriber = notices.on_transition
    times = {"on": [], "off": []}
    with site_language(platform):  # as in a web request: notices are translated per recipient
        run_round(platform, people, min(count, 200))  # warm-up: catalogs, prepared SQL
        for _round in range(rounds):
            for mode in ("off", "on"):
                notices.on_transition = subscriber if mode == "on" else (lambda *args, **kwargs: [])
                before = Notification.select().count()
                times[mode].append(run_round(platform, people, count))
                made = Notification.select().count() - before
                assert (made > 0) == (mode == "on"), (mode, made)
    notices.on_transition = subscriber
    platform.db.close()
    on, off = min(times["on"]), min(times["off"])
    return {"on_ms": on / count * 1000, "off_ms": off / count * 1000, "extra_ms": (on - off) / count * 1000,
            "per_notice_ms": (on - off) / (count * 3 / 4) * 1000}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with scratch_database() as url:
        m = measure(url, args.count, args.rounds)
    figure = (f"{m['extra_ms']:.2f} ms CPU per transition ({m['on_ms']:.2f} ms with notices, {m['off_ms']:.2f} ms "
              f"without; {m['per_notice_ms']:.2f} ms per notifying transition: 2 recipients, 2 languages, "
              f"2 outbox rows); {args.count:,} transitions per round, best of {args.rounds}; {load()}")
    record("extra CPU of a transition for its notifications, SQLite", figure, f"<= {TARGET_MS:g} ms",
           m["extra_ms"] <= TARGET_MS)


if __name__ == "__main__":
    main()
