"""Notifications every plugin can send: an in-app inbox always, e-mail over SMTP when configured.

    from core.notify import notify
    notify(user, _("Step overdue"), body, link="/admin/...", kind="warning",
           dedupe_key=f"evaluation.sla:{req.id}:breach:{user.id}")

:func:`notify` writes one :class:`core.models.Notification` inside the caller's transaction (so it
is rolled back with the change that caused it). ``dedupe_key`` makes senders idempotent: the column
is unique, and a key that already exists gives no second notification (DB1302 5.4.1: a supervision
run repeated by cron must not send anything twice).

:func:`deliver_email` sends the notifications not yet e-mailed over SMTP (``[mail]`` in config:
host, port, sender, username, password, starttls) with the standard library's ``smtplib`` and marks
each one ``emailed_at``. A row is claimed (``emailed_at`` set) before it is sent and released if the
send fails, so two concurrent runs never e-mail the same notification. With no ``mail.host``,
notifications stay in the inbox only.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import peewee

from core.db import database
from core.models import Notification, User, utcnow

log = logging.getLogger(__name__)

KINDS = ("info", "warning", "breach", "escalation", "survey", "complaint", "task")


def in_language(text, language: str | None) -> str:
    """Render ``text`` (a str or a lazy gettext string with its variables) in ``language``, the
    recipient's, when a translation context is active; plain strings are returned as they are."""
    if text is None:
        return ""
    if isinstance(text, str) or not language:
        return str(text)
    try:
        from flask_babel import force_locale

        with force_locale(language):
            return str(text)
    except RuntimeError:  # no application context: the caller's locale
        return str(text)


def notify(user, subject, body="", link: str = "", kind: str = "info",
           dedupe_key: str | None = None, *, event: str = "", request=None) -> Notification | None:
    """Put a message in ``user``'s inbox. ``subject`` and ``body`` may be lazy gettext strings
    (``_l("Request %(id)s was paused", id=req.id)``): they are rendered in the recipient's language.
    ``event`` names what happened (``request.paused``), ``request`` the request it concerns.
    Returns the new Notification, or None when ``user`` is missing or a notification with
    ``dedupe_key`` already exists."""
    if user is None:
        return None
    if isinstance(user, int):
        user = User.get_or_none(User.id == user)
        if user is None:
            return None
    user_id = user.id
    language = getattr(user, "language", None)
    subject = in_language(subject, language)[:200]
    body = in_language(body, language)
    link = str(link or "")[:300]
    request_id = getattr(request, "id", request)
    if dedupe_key is not None:
        dedupe_key = str(dedupe_key)[:200]
        if Notification.select().where(Notification.dedupe_key == dedupe_key).exists():
            return None
    try:
        with database.atomic():  # a savepoint inside the caller's transaction
            return Notification.create(user=user_id, subject=subject, body=str(body or ""), link=link,
                                       kind=str(kind)[:32], dedupe_key=dedupe_key, event=str(event or "")[:64],
                                       request_id=request_id)
    except peewee.IntegrityError:
        # Someone else inserted the same key between our check and the insert.
        if dedupe_key is not None and Notification.select().where(Notification.dedupe_key == dedupe_key).exists():
            return None
        raise


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


def mail_configured(config) -> bool:
    return bool((config.get("mail.host") or "").strip())


def _absolute(link: str, base_url: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return base_url.rstrip("/") + "/" + link.lstrip("/")


def build_message(notification: Notification, user: User, config) -> EmailMessage:
    msg = EmailMessage()
    site = config.get("site.name", "Rongtong")
    msg["Subject"] = notification.subject
    msg["From"] = formataddr((site, config.get("mail.sender")))
    msg["To"] = formataddr((user.display_name or user.username, user.email))
    msg["Message-ID"] = make_msgid(idstring=f"rongtong-notification-{notification.id}")
    text = notification.body or notification.subject
    link = _absolute(notification.link, config.get("site.url", ""))
    if link:
        text = f"{text}\n\n{link}"
    msg.set_content(text)
    return msg


def deliver_email(platform, limit: int | None = None) -> int:
    """E-mail every notification not yet e-mailed to an active user with an address. Returns how
    many were sent. Raises ``smtplib.SMTPException`` / ``OSError`` when the server cannot be reached
    (nothing is marked sent then)."""
    config = platform.config
    if not mail_configured(config):
        return 0
    query = (Notification.select(Notification, User).join(User)
             .where(Notification.emailed_at.is_null() & (User.email != "") & (User.active == True))  # noqa: E712
             .order_by(Notification.id))
    if limit:
        query = query.limit(limit)
    pending = list(query)
    if not pending:
        return 0
    sent = 0
    with _smtp(config) as smtp:
        for n in pending:
            if not _claim(n):
                continue  # another run took it
            try:
                smtp.send_message(build_message(n, n.user, config))
            except (smtplib.SMTPException, OSError):
                _release(n)
                log.exception("could not e-mail notification %s", n.id)
                continue  # keep going with the next one
            sent += 1
    return sent


def _claim(n: Notification) -> bool:
    with database.atomic():
        return (Notification.update(emailed_at=utcnow())
                .where((Notification.id == n.id) & Notification.emailed_at.is_null()).execute()) == 1


def _release(n: Notification) -> None:
    with database.atomic():
        Notification.update(emailed_at=None).where(Notification.id == n.id).execute()


class _smtp:
    """``with _smtp(config) as smtp:`` — a connected, authenticated SMTP session."""

    def __init__(self, config):
        self.config = config
        self.conn = None

    def __enter__(self) -> smtplib.SMTP:
        c = self.config
        self.conn = smtplib.SMTP(c.get("mail.host"), int(c.get("mail.port", 25)), timeout=30)
        if c.get("mail.starttls"):
            self.conn.starttls()
        if c.get("mail.username"):
            self.conn.login(c.get("mail.username"), c.get("mail.password", ""))
        return self.conn

    def __exit__(self, *exc):
        try:
            self.conn.quit()
        except (smtplib.SMTPException, OSError):
            self.conn.close()
        return False
