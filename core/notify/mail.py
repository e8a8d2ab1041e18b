"""The e-mail of a notification, and the SMTP connection it goes out on (stdlib ``smtplib``,
``[mail]`` host, port, starttls, username, password, sender).

The message is written when it is sent, from the notification — whose subject and body were
rendered in the recipient's language when it was created — in the recipient's language too:
the site's name, a greeting, the body, the link made absolute from ``site.url``, the time it was
written in the site's time zone, and a ``Message-ID`` derived from the notification's id, so a
message sent twice (a worker killed between the server's 250 and marking the row sent) carries the
same id and a mail client shows it once.
"""
from __future__ import annotations

import contextlib
import datetime
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import urlparse

from flask import has_app_context
from flask_babel import force_locale

from rongtong.core.i18n import gettext as _
from rongtong.core.vocabulary import format_datetime as local_datetime

DEFAULT_DOMAIN = "rongtong.local"


def mail_configured(config) -> bool:
    """Whether e-mail is on: ``[mail] host`` is set."""
    return bool((config.get("mail.host") or "").strip())


def absolute(link: str, base_url: str) -> str:
    """``/my/requests/7`` under ``https://rt.example`` → ``https://rt.example/my/requests/7``."""
    link = (link or "").strip()
    if not link or link.startswith(("http://", "https://")):
        return link
    return (base_url or "").rstrip("/") + "/" + link.lstrip("/")


def message_domain(config) -> str:
    """The right-hand side of our Message-IDs: the site's host name, else the sender's domain."""
    host = urlparse(config.get("site.url") or "").hostname
    if host:
        return host
    sender = config.get("mail.sender") or ""
    return sender.rpartition("@")[2] or DEFAULT_DOMAIN


def message_id(notification_id: int, config) -> str:
    """The same on every attempt: ``<rongtong.notification.42@rt.example>``."""
    return f"<rongtong.notification.{notification_id}@{message_domain(config)}>"


def _in_language(language: str | None):
    """Translate inside the block in the recipient's language (when a translation context is
    active; the worker runs in :func:`core.i18n.site_language`)."""
    if language and has_app_context():
        return force_locale(language)
    return contextlib.nullcontext()


def _one_line(text) -> str:
    """A header value: line breaks (a title typed over two lines) would be refused."""
    return " ".join(str(text or "").split())


def build_message(notification, user, recipient: str, config) -> EmailMessage:
    """The e-mail of ``notification`` to ``recipient`` (``user``'s address when it was written)."""
    site = config.get("site.name") or "Rongtong"
    tz = config.tz
    written = notification.created_at.replace(tzinfo=datetime.timezone.utc).astimezone(tz)
    name = (user.display_name or user.username) if user is not None else ""
    link = absolute(notification.link, config.get("site.url", ""))
    inbox = absolute("/my/notifications", config.get("site.url", ""))
    with _in_language(getattr(user, "language", None)):
        lines = [_("Hello %(name)s,", name=name), "", notification.body or notification.subject]
        if link:
            lines += ["", _("Details: %(link)s", link=link)]
        lines += ["", "--", _("%(site)s, %(time)s (%(zone)s)", site=site,
                              time=local_datetime(notification.created_at, tz), zone=str(tz.key)),
                  _("All your notifications: %(link)s", link=inbox),
                  _("This message was sent automatically; please do not reply to it.")]
    msg = EmailMessage()
    msg["Subject"] = _one_line(notification.subject)
    msg["From"] = formataddr((_one_line(site), config.get("mail.sender") or f"noreply@{DEFAULT_DOMAIN}"))
    msg["To"] = formataddr((_one_line(name), recipient))
    msg["Date"] = format_datetime(written)
    msg["Message-ID"] = message_id(notification.id, config)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to this
    msg.set_content("\n".join(lines))
    return msg


def connect(config, timeout: float = 30) -> smtplib.SMTP:
    """A connected (and, when configured, STARTTLS-secured and logged-in) SMTP session. Raises
    ``OSError`` (``smtplib.SMTPException`` is one) when the server cannot be reached."""
    conn = smtplib.SMTP(config.get("mail.host"), int(config.get("mail.port", 25)), timeout=timeout)
    try:
        if config.get("mail.starttls"):
            conn.starttls()
        if config.get("mail.username"):
            conn.login(config.get("mail.username"), config.get("mail.password", ""))
    except BaseException:
        conn.close()
        raise
    return conn


def close(conn: smtplib.SMTP | None) -> None:
    if conn is None:
        return
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()
