"""Personal API tokens (issue 3 §3; DB1302 5.3.2: technical protection of the platform).

A token is shown once, when it is issued: ``rt_`` + 43 random URL-safe characters. Only its SHA-256
is stored (:class:`core.models.ApiToken`), with the first 8 characters as a ``prefix`` so that people
can tell their tokens apart in lists. A token is sent as ``Authorization: Bearer rt_...``; it works
while it is not revoked and its user is active.
"""
from __future__ import annotations

import datetime
import hashlib
import secrets

from core import audit
from core.db import database
from core.models import ApiToken, User, utcnow

PREFIX = "rt_"
PREFIX_CHARS = 8
MAX_TOKEN_LENGTH = 200  # anything longer is not one of ours: refused without touching the database
TOUCH_EVERY = datetime.timedelta(minutes=5)  # last_used_at is written at most this often


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user: User, name: str = "", actor=None) -> str:
    """Create a token for ``user`` and return the raw token (shown once, never stored)."""
    raw = PREFIX + secrets.token_urlsafe(32)
    with database.atomic():
        token = ApiToken.create(user=user, name=(name or "")[:100], prefix=raw[:PREFIX_CHARS],
                                token_hash=hash_token(raw))
        audit.record_create(token, actor)
    return raw


def user_for_token(raw: str | None) -> User | None:
    """The active user owning the live token ``raw``, or None. One query on the hot path;
    ``last_used_at`` is refreshed at most every few minutes."""
    if not raw or not isinstance(raw, str) or not raw.startswith(PREFIX) or len(raw) > MAX_TOKEN_LENGTH:
        return None
    row = (ApiToken.select(ApiToken, User).join(User)
           .where((ApiToken.token_hash == hash_token(raw)) & (ApiToken.revoked == False)  # noqa: E712
                  & (User.active == True))  # noqa: E712
           .first())
    if row is None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        ApiToken.update(last_used_at=now).where(ApiToken.id == row.id).execute()
    return row.user


def revoke(token: ApiToken | int, actor=None) -> bool:
    """Revoke a token (by row or id). Returns False if it was already revoked or does not exist."""
    token_id = token.id if isinstance(token, ApiToken) else int(token)
    with database.atomic():
        row = ApiToken.get_or_none(ApiToken.id == token_id)
        if row is None or row.revoked:
            return False
        before = row.snapshot()
        row.revoked = True
        row.save(only=[ApiToken.revoked])
        audit.record_update(row, before, actor)
    return True


def revoke_all(user: User, actor=None) -> int:
    """Revoke every live token of ``user`` (used when a user is deactivated). Returns how many."""
    count = 0
    for row in ApiToken.select().where((ApiToken.user == user.id) & (ApiToken.revoked == False)):  # noqa: E712
        count += revoke(row, actor)
    return count
