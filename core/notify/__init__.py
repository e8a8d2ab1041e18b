"""Notifications, a core service (issue 9 §3): an in-app inbox always, e-mail through a
transactional outbox when SMTP is configured.

    from rongtong.core.notify import notify
    notify(user, _l("Step overdue: %(title)s", title=req.title), body, link="/admin/...",
           kind="warning", event="evaluation.sla.warning", request=req,
           dedupe_key=f"evaluation.sla:{req.id}:breach:{user.id}")

:func:`notify` writes, inside the caller's transaction (so both are rolled back with the change
that caused them):

* one :class:`core.models.Notification` — subject and body rendered in the recipient's language;
* when ``[mail] host`` is configured and the recipient is active with an e-mail address, one
  :class:`core.models.OutboxMessage` (``pending``) — the e-mail to send.

``dedupe_key`` makes senders idempotent: the column is unique, and a key that already exists gives
no second notification (DB1302 5.4.1: a supervision run repeated by cron must not send anything
twice).

The e-mail itself is written by :mod:`core.notify.mail` when it is sent, from the notification
(already in the recipient's language): site name, greeting, the link made absolute from
``site.url``, the time in the site's zone, and a ``Message-ID`` derived from the notification id —
the same on every attempt. :mod:`core.notify.worker` delivers the outbox (``rongtong notify
worker``): it claims each row with a lease, sends over one SMTP connection, marks it sent right
after the server accepted it, and retries failures with exponential backoff. A worker killed
mid-run leaves its row ``sending`` until the lease runs out; the next worker sends it then.

No plugin opens SMTP itself: plugins call :func:`notify` / :func:`notify_many` and the core does
the rest.

Whether e-mail is on is part of the running platform: :class:`core.platform.Platform` calls
:func:`bind_mail` with its configuration, as it binds the database.
"""
from __future__ import annotations

import peewee
from flask_babel import force_locale

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.models import NOTIFICATION_KINDS, Notification, User, utcnow
from rongtong.core.notify import outbox, sql
from rongtong.core.notify.mail import mail_configured
from rongtong.core.notify.worker import DeliveryReport, deliver_outbox, run_worker

KINDS = tuple(key for key, _label in NOTIFICATION_KINDS)

_settings = {"mail": False}


def bind_mail(config) -> None:
    """Turn the e-mail outbox on (``[mail] host`` set) or off for notifications written from now on
    in this process. Called by :class:`core.platform.Platform`."""
    _settings["mail"] = mail_configured(config)


def in_language(text, language: str | None) -> str:
    """Render ``text`` (a str or a lazy gettext string with its variables) in ``language``, the
    recipient's, when a translation context is active; plain strings are returned as they are."""
    if text is None:
        return ""
    if isinstance(text, str) or not language:
        return str(text)
    try:
        with force_locale(language):
            return str(text)
    except RuntimeError:  # no application context: the caller's locale
        return str(text)


def notify(user, subject, body="", link: str = "", kind: str = "info",
           dedupe_key: str | None = None, *, event: str = "", request=None) -> Notification | None:
    """Put a message in ``user``'s inbox and, with e-mail on, its e-mail in the outbox.
    ``subject`` and ``body`` may be lazy gettext strings (``_l("Request %(id)s was paused",
    id=req.id)``): they are rendered in the recipient's language. ``event`` names what happened
    (``request.paused``), ``request`` the request it concerns. Returns the new Notification, or
    None when ``user`` is missing or a notification with ``dedupe_key`` already exists."""
    if user is None:
        return None
    if isinstance(user, int):
        user = User.get_or_none(User.id == user)
        if user is None:
            return None
    language = getattr(user, "language", None)
    row = dict(user=user.id, subject=in_language(subject, language)[:200], body=in_language(body, language),
               link=str(link or "")[:300], kind=str(kind)[:32], event=str(event or "")[:64],
               request_id=getattr(request, "id", request), created_at=utcnow())
    if dedupe_key is None:
        return _write(user, row)
    row["dedupe_key"] = str(dedupe_key)[:200]
    if Notification.select().where(Notification.dedupe_key == row["dedupe_key"]).exists():
        return None
    try:
        with database.atomic():  # a savepoint inside the caller's transaction
            return _write(user, row)
    except peewee.IntegrityError:
        # Someone else inserted the same key between our check and the insert.
        if Notification.select().where(Notification.dedupe_key == row["dedupe_key"]).exists():
            return None
        raise


def _write(user, row: dict) -> Notification:
    notification = Notification(id=sql.insert(Notification, row), **row)
    if _settings["mail"] and getattr(user, "active", False) and (getattr(user, "email", "") or "").strip():
        outbox.enqueue(notification.id, user.email.strip(), row["created_at"])
    return notification


def notify_many(users, subject, body="", link: str = "", kind: str = "info",
                dedupe_prefix: str | None = None, *, event: str = "", request=None) -> list[Notification]:
    """:func:`notify` each distinct user; the dedupe key of each is ``<dedupe_prefix>:<user id>``."""
    sent, seen = [], set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        key = f"{dedupe_prefix}:{user.id}" if dedupe_prefix is not None else None
        n = notify(user, subject, body, link, kind, key, event=event, request=request)
        if n is not None:
            sent.append(n)
    return sent


def unread_count(user) -> int:
    return Notification.select().where((Notification.user == user.id) & Notification.read_at.is_null()).count()


def mark_read(user, notification_id: int | None = None) -> int:
    """Mark one of ``user``'s notifications (or, with no id, all of them) as read, with its audit
    event. Returns how many changed; another user's notification is never touched (0)."""
    mine = (Notification.user == user.id) & Notification.read_at.is_null()
    if notification_id is not None:
        mine &= Notification.id == notification_id
    with database.atomic():
        count = Notification.update(read_at=utcnow()).where(mine).execute()
        if count:
            audit.record("mark_read", "core_notification", str(notification_id or ""), {"count": count}, user)
    return count


__all__ = ["KINDS", "DeliveryReport", "bind_mail", "deliver_outbox", "in_language", "mail_configured",
           "mark_read", "notify", "notify_many", "run_worker", "unread_count"]
