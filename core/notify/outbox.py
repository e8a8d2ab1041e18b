"""The e-mail outbox (``core_outbox``): the rows :func:`core.notify.notify` writes and the state
moves of their delivery. Every function here is one short transaction of its own (or a part of
the caller's, for :func:`enqueue`).

States::

    pending --claim--> sending --server said 250--> sent
       ^                  |
       +--- failure, -----+--- failure after max_attempts, or refused for good --> failed
            backoff

A claim is the guarded update ``UPDATE ... SET status='sending', lease_until=<now + lease> WHERE
id=? AND (due pending OR (sending AND lease_until < now))``: of two workers, exactly one changes
the row. A worker claims a few rows in one transaction (one commit instead of one per e-mail: on
PostgreSQL each commit waits for the disk) and gives back those it will not get to in time. A
worker that dies while holding rows leaves them ``sending``; once ``lease_until`` has passed they
are due again, with the same Message-ID (see :mod:`core.notify.mail`). ``attempts`` counts
claims.

The delivery state is not written to the audit trail (the outbox row is the delivery record); an
administrator's "retry now" is.
"""
from __future__ import annotations

import datetime

import peewee

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.models import Notification, OutboxMessage, utcnow
from rongtong.core.notify.sql import insert

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)
ERROR_MAX = 300


def enqueue(notification_id: int, recipient: str, now: datetime.datetime) -> None:
    """Write the e-mail of a notification (inside the caller's transaction)."""
    insert(OutboxMessage, {"notification": notification_id, "recipient": recipient[:200], "status": PENDING,
                           "attempts": 0, "next_attempt_at": now, "last_error": "", "created_at": now})


def _due(now):
    return (((OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now))
            | ((OutboxMessage.status == SENDING) & (OutboxMessage.lease_until < now)))


def due_ids(now: datetime.datetime, limit: int) -> list[int]:
    """Ids of rows to send now, oldest first: due pending rows and rows whose lease ran out."""
    query = (OutboxMessage.select(OutboxMessage.id).where(_due(now))
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    return [row[0] for row in query.tuples()]


def claim(outbox_ids, now: datetime.datetime, lease_seconds: int) -> tuple[datetime.datetime, list[int]]:
    """Take the rows for ``lease_seconds``, each with the guarded update (one transaction for the
    lot: one commit, not one per row). Returns the lease's end — the claim's token, which
    :func:`mark_failed` and :func:`release` check — and the ids this worker won (a row another
    worker has, or no longer due, is left out). Counts one attempt per row won."""
    lease = now + datetime.timedelta(seconds=lease_seconds)
    won = []
    with database.atomic():
        for outbox_id in outbox_ids:
            changed = (OutboxMessage.update(status=SENDING, lease_until=lease, attempts=OutboxMessage.attempts + 1)
                       .where((OutboxMessage.id == outbox_id) & _due(now)).execute())
            if changed == 1:
                won.append(outbox_id)
    return lease, won


def release(outbox_ids, lease: datetime.datetime) -> None:
    """Give back rows claimed with ``lease`` and not tried (the worker is stopping, or the lease
    would run out before it got to them): due again at once, the attempt not counted."""
    if not outbox_ids:
        return
    with database.atomic():
        (OutboxMessage.update(status=PENDING, lease_until=None, attempts=OutboxMessage.attempts - 1)
         .where(OutboxMessage.id.in_(list(outbox_ids)) & (OutboxMessage.status == SENDING)
                & (OutboxMessage.lease_until == lease)).execute())


def mark_sent(outbox_id: int, notification_id: int, now: datetime.datetime) -> None:
    """The server accepted the message: the row is done, and so is the notification's e-mail."""
    with database.atomic():
        OutboxMessage.update(status=SENT, sent_at=now, lease_until=None, last_error="").where(
            OutboxMessage.id == outbox_id).execute()
        Notification.update(emailed_at=now).where(Notification.id == notification_id).execute()


def mark_failed(outbox_id: int, lease: datetime.datetime, attempts: int, error: str, now: datetime.datetime, *,
                retry_seconds: int, max_attempts: int, permanent: bool = False) -> str:
    """Record a failed attempt: due again after ``retry_seconds * 2**(attempts-1)``, or ``failed``
    for good after ``max_attempts`` (or at once when the server refused the message for good).
    Only while this worker still holds the row (its ``lease``). Returns the new status."""
    status = FAILED if permanent or attempts >= max_attempts else PENDING
    delay = datetime.timedelta(seconds=retry_seconds * 2 ** max(0, attempts - 1))
    with database.atomic():
        OutboxMessage.update(status=status, lease_until=None, last_error=(error or "")[:ERROR_MAX],
                             next_attempt_at=now + delay if status == PENDING else now).where(
            (OutboxMessage.id == outbox_id) & (OutboxMessage.status == SENDING)
            & (OutboxMessage.lease_until == lease)).execute()
    return status


def counts() -> dict[str, int]:
    """How many rows are in each state (every state named, 0 when empty)."""
    out = {status: 0 for status in STATUSES}
    for status, n in (OutboxMessage.select(OutboxMessage.status, peewee.fn.COUNT(OutboxMessage.id))
                      .group_by(OutboxMessage.status).tuples()):
        out[status] = n
    return out


def due_count(now: datetime.datetime | None = None) -> int:
    return OutboxMessage.select().where(_due(now or utcnow())).count()


def retry_now(ids, actor=None) -> int:
    """Make the given ``pending`` or ``failed`` rows due now with a fresh set of attempts (the
    administrator's "retry now"), with an audit event. Sent rows are never sent again and rows
    being sent are left to their worker. Returns how many rows changed."""
    ids = [int(i) for i in ids]
    if not ids:
        return 0
    with database.atomic():
        now = utcnow()
        changed = (OutboxMessage.update(status=PENDING, next_attempt_at=now, attempts=0, lease_until=None)
                   .where(OutboxMessage.id.in_(ids) & OutboxMessage.status.in_((PENDING, FAILED))).execute())
        if changed:
            audit.record("retry", "core_outbox", "", {"ids": ids[:200], "count": changed}, actor)
    return changed
