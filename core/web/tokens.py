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

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.models import ApiToken, User, utcnow

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
    sql, params, slot = _lookup_sql()
    params = list(params)
    params[slot] = hash_token(raw)
    row = database.execute_sql(sql, params).fetchone()
    if row is None:
        return None
    *values, token_id, used = row
    user = User(__no_default__=True, **{f.name: f.python_value(v) for f, v in zip(_USER_FIELDS, values)})
    user._dirty.clear()  # as loaded from the database: nothing to save
    used = ApiToken.last_used_at.python_value(used)
    now = utcnow()
    if used is None or now - used >= TOUCH_EVERY:
        ApiToken.update(last_used_at=now).where(ApiToken.id == token_id).execute()
    return user


_HASH_SLOT = "\x00token-hash\x00"
_LOOKUP_SQL: dict = {}
_USER_FIELDS = User._meta.sorted_fields


def _lookup_sql() -> tuple[str, list, int]:
    """The lookup's SQL for the current database, written once per database kind: peewee takes
    longer to write this 30-column query than SQLite takes to run it, on every API call (issue 3
    "5. Speed": the read API within 0.75x of a bare Flask + peewee endpoint). Returns the SQL, its
    parameters and the index of the token hash among them."""
    key = type(getattr(database, "obj", database))
    cached = _LOOKUP_SQL.get(key)
    if cached is None:
        query = (User.select(*_USER_FIELDS, ApiToken.id, ApiToken.last_used_at)
                 .join(ApiToken, on=(ApiToken.user == User.id))
                 .where((ApiToken.token_hash == _HASH_SLOT) & (ApiToken.revoked == False)  # noqa: E712
                        & (User.active == True)))  # noqa: E712
        sql, params = query.sql()
        cached = _LOOKUP_SQL[key] = (sql, params, params.index(_HASH_SLOT))
    return cached


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
