"""The outbox delivery worker (``rongtong notify worker``).

:func:`deliver_outbox` sends what is due now over one SMTP connection:

1. claim a few due rows with a lease (:func:`core.notify.outbox.claim`: the guarded update per
   row, one short transaction for the few; a row another worker holds is skipped);
2. send them one by one;
3. the moment the server accepted one (250), mark it sent in its own short transaction — or
   record the failure: due again after ``[mail] retry_seconds`` × 2^(attempt-1), ``failed`` after
   ``max_attempts`` (or at once when the server refused it for good, a 5xx answer).

So a worker killed at any moment loses nothing: the rows it claimed stay ``sending`` until their
lease (``[mail] lease_seconds``) runs out and are then sent by the next worker. It sends nothing
twice either, except in the one window no SMTP client can close — killed after the server's 250
and before the row is marked — and then the copy carries the same Message-ID. A message is only
started while at least half of its lease is left (the rest of a claim is given back), and each
SMTP command times out after an eighth of the lease, so a worker stuck on a silent server gives a
row up before another worker may take it.

:func:`run_worker` repeats that every ``[mail] worker_interval_seconds`` until asked to stop
(SIGTERM: it finishes the message in hand, gives back the rest of its claim, and exits).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import logging
import os
import smtplib
import socket
import threading

import peewee
from flask import has_app_context

from rongtong.core.models import Notification, OutboxMessage, User, utcnow
from rongtong.core.i18n import site_language
from rongtong.core.notify import mail, outbox
from rongtong.core.notify.mail import mail_configured

log = logging.getLogger("core.notify")
BATCH = 200  # due rows looked up at a time
CLAIM = 10  # rows claimed in one transaction


@dataclasses.dataclass
class DeliveryReport:
    """What one :func:`deliver_outbox` run did."""

    sent: int = 0
    retrying: int = 0  # failed this time, due again later
    failed: int = 0  # given up
    skipped: int = 0  # taken by another worker first

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    def __str__(self):
        return f"sent {self.sent}, retrying {self.retrying}, failed {self.failed}"


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _settings(config) -> dict:
    lease = int(config.get("mail.lease_seconds", 120))
    return {"lease": lease, "retry": int(config.get("mail.retry_seconds", 60)),
            "max_attempts": int(config.get("mail.max_attempts", 8)),
            # one SMTP command waits at most this long; a message takes a few commands
            "timeout": max(1.0, min(30.0, lease / 8)),
            "sender": config.get("mail.sender") or ""}


def _permanent(exc: Exception) -> bool:
    """A 5xx answer: the server refused this message for good (retrying cannot help)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _error_text(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
                         for addr, (code, msg) in exc.recipients.items())
    return f"{type(exc).__name__}: {exc}"


def deliver_outbox(platform, limit: int | None = None, worker_id: str | None = None, now=None,
                   should_stop=None) -> DeliveryReport:
    """Send the e-mails due now (at most ``limit``). ``now`` (naive UTC) replaces the clock, for
    tests and replays; ``should_stop()`` is asked between messages. Connects only when something
    is due; raises ``OSError`` (``smtplib.SMTPException`` is one) when the server cannot be
    reached then — nothing is claimed before the connection is up."""
    config = platform.config
    report = DeliveryReport()
    if not mail_configured(config):
        return report
    worker_id = worker_id or default_worker_id()
    s = _settings(config)
    clock = (lambda: now) if now is not None else utcnow
    with _translating(platform):
        return _deliver(platform, report, limit, worker_id, s, clock, should_stop)


def _translating(platform):
    """The e-mails' own words (greeting, signature) are translated in each recipient's language:
    inside the caller's translation context, else in one opened for this run."""
    return contextlib.nullcontext() if has_app_context() else site_language(platform)


def _deliver(platform, report, limit, worker_id, s, clock, should_stop) -> DeliveryReport:
    config = platform.config
    budget = datetime.timedelta(seconds=s["lease"] / 2)  # time left on the lease to start a message
    conn = None
    try:
        while limit is None or _done(report) < limit:
            want = BATCH if limit is None else min(BATCH, limit - _done(report))
            ids = outbox.due_ids(clock(), want)
            if not ids:
                break
            if conn is None:
                conn = mail.connect(config, timeout=s["timeout"])
            progressed = False
            for start in range(0, len(ids), CLAIM):
                lease, mine = outbox.claim(ids[start:start + CLAIM], clock(), s["lease"])
                report.skipped += min(CLAIM, len(ids) - start) - len(mine)
                for i, outbox_id in enumerate(mine):
                    stopping = should_stop is not None and should_stop()
                    if stopping or clock() + budget > lease:
                        outbox.release(mine[i:], lease)  # another round (or worker) sends them in time
                        if stopping:
                            return report
                        break
                    outcome = _deliver_one(conn, outbox_id, lease, config, s, clock, worker_id)
                    if outcome == "skipped":
                        report.skipped += 1
                        continue
                    progressed = True
                    setattr(report, outcome, getattr(report, outcome) + 1)
                    if outcome == "retrying" and _dropped(conn):
                        outbox.release(mine[i + 1:], lease)
                        mail.close(conn)
                        conn = None
                        return report  # the server went away: the rest waits for the next round
            if not progressed:
                break  # every due row was taken by other workers
    finally:
        mail.close(conn)
    return report


def _done(report: DeliveryReport) -> int:
    return report.sent + report.retrying + report.failed


def _dropped(conn) -> bool:
    try:
        return conn.noop()[0] != 250
    except (smtplib.SMTPException, OSError):
        return True


def _deliver_one(conn, outbox_id: int, lease, config, s: dict, clock, worker_id: str) -> str:
    row = (OutboxMessage.select(OutboxMessage, Notification, User)
           .join(Notification).join(User, on=(Notification.user == User.id))
           .where(OutboxMessage.id == outbox_id).first())
    if row is None:  # its notification was deleted (with its user) in between
        return "skipped"
    notification = row.notification
    user = notification.user
    if not user.active:
        outbox.mark_failed(outbox_id, lease, row.attempts, "recipient is deactivated", clock(),
                           retry_seconds=s["retry"], max_attempts=s["max_attempts"], permanent=True)
        return "failed"
    try:
        message = mail.build_message(notification, user, row.recipient, config)
    except (ValueError, TypeError) as exc:  # e.g. an address the e-mail library refuses: never sendable
        outbox.mark_failed(outbox_id, lease, row.attempts, _error_text(exc), clock(),
                           retry_seconds=s["retry"], max_attempts=s["max_attempts"], permanent=True)
        log.warning("%s: e-mail %s to %s cannot be written: %s", worker_id, outbox_id, row.recipient, exc)
        return "failed"
    try:
        conn.send_message(message, from_addr=s["sender"] or None, to_addrs=[row.recipient])
    except (smtplib.SMTPException, OSError) as exc:
        status = outbox.mark_failed(outbox_id, lease, row.attempts, _error_text(exc), clock(),
                                    retry_seconds=s["retry"], max_attempts=s["max_attempts"],
                                    permanent=_permanent(exc))
        log.warning("%s: e-mail %s to %s not sent (attempt %s): %s%s", worker_id, outbox_id, row.recipient,
                    row.attempts, _error_text(exc), "; giving up" if status == outbox.FAILED else "")
        return "failed" if status == outbox.FAILED else "retrying"
    outbox.mark_sent(outbox_id, notification.id, clock())
    return "sent"


def run_worker(platform, interval: float | None = None, once: bool = False, stop: threading.Event | None = None,
               worker_id: str | None = None) -> DeliveryReport:
    """Deliver the outbox now and then every ``interval`` seconds (``[mail]
    worker_interval_seconds``) until ``stop`` is set; ``once``: one pass over what is due, and an
    unreachable server raises. Returns the totals. A forever worker logs an unreachable server
    and tries again at the next interval."""
    interval = float(interval if interval is not None else platform.config.get("mail.worker_interval_seconds", 5))
    stop = stop or threading.Event()
    worker_id = worker_id or default_worker_id()
    total = DeliveryReport()
    with _translating(platform):
        while not stop.is_set():
            try:
                report = deliver_outbox(platform, worker_id=worker_id, should_stop=stop.is_set)
            except (smtplib.SMTPException, OSError) as exc:
                if once:
                    raise
                log.warning("%s: SMTP server %s:%s unreachable, retrying in %ss: %s", worker_id,
                            platform.config.get("mail.host"), platform.config.get("mail.port"), interval, exc)
                report = DeliveryReport()
            except (peewee.OperationalError, peewee.InterfaceError) as exc:
                if once:
                    raise
                # the database restarted or failed over: claimed rows wait for their lease
                log.warning("%s: database unavailable, retrying in %ss: %s", worker_id, interval, exc)
                report = DeliveryReport()
            for name in ("sent", "retrying", "failed", "skipped"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            if report.sent or report.retrying or report.failed:
                log.info("%s: %s", worker_id, report)
            if once:
                break
            stop.wait(interval)
    return total
