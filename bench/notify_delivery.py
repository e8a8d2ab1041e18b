"""Outbox delivery rate: e-mails per second from the outbox to a loopback aiosmtpd sink, against
raw smtplib sending the same messages over one connection, in the same run (issue 9 §5: >= 50
e-mails/s).

    python bench/notify_delivery.py [--count 2000] [--rounds 3] [--pg postgresql://postgres@127.0.0.1:5432/postgres]

The outbox figure is the real worker path (:func:`core.notify.deliver_outbox`): for each e-mail,
the lease claim (one transaction), building the message in the recipient's language, sending it,
and marking it sent (a second transaction). The yardstick builds the same messages up front and
only sends them. The two alternate, best of ``--rounds`` each; between outbox rounds the rows are
put back to pending (not timed).
"""
from __future__ import annotations

import argparse
import os
import smtplib
import time

from notify_common import load, make_platform, record, scratch_database, smtp_sink

TARGET = 50


def prepare(url: str, port: int, count: int):
    from rongtong.core.i18n import site_language
    from rongtong.core.models import Notification, OutboxMessage, User
    from rongtong.core.notify import notify
    from rongtong.core.db import database
    from tests import factories

    platform = make_platform(url, mail={"host": "127.0.0.1", "port": port, "sender": "noreply@rongtong.test"})
    users = [factories.user(f"u{i}", ["staff"], email=f"u{i}@example.com", language="en" if i % 2 else "zh_Hans_CN")
             for i in range(20)]
    with site_language(platform), database.atomic():
        for i in range(count):
            notify(users[i % len(users)], f"申请 {i} 已答复 / request {i} answered",
                   "答复：符合条件，可申请补贴。\n预计费用：5,000 万元", link=f"/my/requests/{i}", event="request.answered")
    assert OutboxMessage.select().count() == count
    return platform, Notification, OutboxMessage, User


def raw_messages(platform, Notification, OutboxMessage, User):
    """The same e-mails, built once, for the yardstick."""
    from rongtong.core.i18n import site_language
    from rongtong.core.notify.mail import build_message

    rows = (OutboxMessage.select(OutboxMessage, Notification, User).join(Notification)
            .join(User, on=(Notification.user == User.id)).order_by(OutboxMessage.id))
    with site_language(platform):
        return [(row.recipient, build_message(row.notification, row.notification.user, row.recipient, platform.config))
                for row in rows]


def send_raw(port: int, messages) -> float:
    start = time.perf_counter()
    conn = smtplib.SMTP("127.0.0.1", port, timeout=30)
    for recipient, msg in messages:
        conn.send_message(msg, from_addr="noreply@rongtong.test", to_addrs=[recipient])
    conn.quit()
    return time.perf_counter() - start


def send_outbox(platform, OutboxMessage, count: int) -> tuple[float, float]:
    from rongtong.core.i18n import site_language
    from rongtong.core.notify import deliver_outbox

    OutboxMessage.update(status="pending", attempts=0, sent_at=None, lease_until=None).execute()
    with site_language(platform):  # as the worker runs
        start, cpu = time.perf_counter(), time.process_time()
        report = deliver_outbox(platform)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert report.sent == count, report
    return elapsed, cpu


def measure(url: str, count: int, rounds: int) -> dict:
    with smtp_sink() as port:
        platform, Notification, OutboxMessage, User = prepare(url, port, count)
        messages = raw_messages(platform, Notification, OutboxMessage, User)
        raw, outbox, cpu = [], [], []
        for _round in range(rounds):
            raw.append(send_raw(port, messages))
            elapsed, used = send_outbox(platform, OutboxMessage, count)
            outbox.append(elapsed)
            cpu.append(used)
        platform.db.close()
    return {"outbox": count / min(outbox), "raw": count / min(raw), "cpu": count / min(cpu)}


def figure(rates: dict, count: int) -> str:
    return (f"{rates['outbox']:,.0f} e-mails/s = {rates['outbox'] / rates['raw']:.2f}× raw smtplib "
            f"({rates['raw']:,.0f}/s, same messages, same sink); this process's CPU alone: {rates['cpu']:,.0f}/s; "
            f"{count:,} e-mails; {load()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("RONGTONG_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="an admin URL of a PostgreSQL server ('' to skip)")
    args = parser.parse_args()
    with scratch_database() as url:
        rates = measure(url, args.count, args.rounds)
    record("outbox delivery to a loopback aiosmtpd sink, SQLite, one worker", figure(rates, args.count),
           f">= {TARGET} e-mails/s", rates["outbox"] >= TARGET)
    if args.pg:
        try:
            with scratch_database(args.pg) as url:
                rates = measure(url, args.count, args.rounds)
        except Exception as exc:  # no server: say so instead of failing the SQLite figure
            print(f"PostgreSQL skipped: {type(exc).__name__}: {exc}".splitlines()[0])
        else:
            record("outbox delivery to a loopback aiosmtpd sink, PostgreSQL, one worker", figure(rates, args.count),
                   f">= {TARGET} e-mails/s", rates["outbox"] >= TARGET)


if __name__ == "__main__":
    main()
