"""Server-side login sessions (issue 3 §1; DB1302 5.3.2: secure operation of the platform).

The browser's signed Flask cookie carries only a random session id (``sid``), the CSRF token and the
chosen language — never the user id. The database keeps a :class:`~core.models.UserSession` row per
login, holding the SHA-256 of the sid (a leaked database does not hand out live sessions). A session
is valid while its row is not revoked, the user is active, and neither the idle nor the absolute
timeout (``[security] session_idle_minutes``, ``session_absolute_hours``) has passed.

Logout, a password change and deactivation revoke the rows, so a cookie copied before then stops
working: Flask's signed cookie alone could not do that.

``clock()`` is the time source of this module and of login throttling; tests shift it with
``monkeypatch.setattr(core.web.sessions, "clock", ...)``.
"""
from __future__ import annotations

import datetime
import hashlib
import secrets

from rongtong.core.db import database
from rongtong.core.models import User, UserSession, utcnow

SID_KEY = "sid"
TOUCH_EVERY = datetime.timedelta(seconds=60)  # last_seen_at is written at most once a minute


def clock() -> datetime.datetime:
    """Naive UTC now (monkeypatched by tests to move time)."""
    return utcnow()


def hash_sid(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def limits(config) -> tuple[datetime.timedelta, datetime.timedelta]:
    idle = datetime.timedelta(minutes=int(config.get("security.session_idle_minutes", 60)))
    absolute = datetime.timedelta(hours=int(config.get("security.session_absolute_hours", 12)))
    return idle, absolute


def start(user: User, ip: str = "", user_agent: str = "", config=None) -> str:
    """Create a session row for ``user``; returns the raw sid to put in the cookie. The user's
    dead rows (revoked, or past the absolute timeout) are deleted so the table stays small.
    Call inside the login transaction."""
    sid = secrets.token_urlsafe(32)
    now = clock()
    if config is not None:
        _idle, absolute = limits(config)
        (UserSession.delete()
         .where((UserSession.user == user.id)
                & (UserSession.revoked_at.is_null(False) | (UserSession.created_at < now - absolute)))
         .execute())
    UserSession.create(sid=hash_sid(sid), user=user, created_at=now, last_seen_at=now,
                       ip=(ip or "")[:64], user_agent=(user_agent or "")[:300])
    return sid


def resolve(sid: str | None, config) -> User | None:
    """The active user of the session ``sid``, or None if it is unknown, revoked, timed out or its
    user is deactivated. Touches ``last_seen_at`` at most once a minute."""
    if not sid or not isinstance(sid, str) or len(sid) > 100:
        return None
    row = (UserSession.select(UserSession, User).join(User)
           .where((UserSession.sid == hash_sid(sid)) & UserSession.revoked_at.is_null()).first())
    if row is None:
        return None
    user = row.user
    now = clock()
    idle, absolute = limits(config)
    if not user.active or now - row.last_seen_at > idle or now - row.created_at > absolute:
        UserSession.update(revoked_at=now).where(UserSession.id == row.id).execute()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        UserSession.update(last_seen_at=now).where(UserSession.id == row.id).execute()
    user.session_row_id = row.id
    return user


def revoke(sid: str | None) -> int:
    """Revoke one session by its raw sid. Returns the number of rows revoked (0 or 1)."""
    if not sid:
        return 0
    return (UserSession.update(revoked_at=clock())
            .where((UserSession.sid == hash_sid(sid)) & UserSession.revoked_at.is_null()).execute())


def revoke_all(user, except_sid: str | None = None) -> int:
    """Revoke every live session of ``user`` (password change, deactivation)."""
    cond = (UserSession.user == user.id) & UserSession.revoked_at.is_null()
    if except_sid:
        cond &= UserSession.sid != hash_sid(except_sid)
    with database.atomic():
        return UserSession.update(revoked_at=clock()).where(cond).execute()


def live_count(user) -> int:
    return UserSession.select().where((UserSession.user == user.id) & UserSession.revoked_at.is_null()).count()
