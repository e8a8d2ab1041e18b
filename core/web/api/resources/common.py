"""Helpers shared by the core's resources: the platform, scoped lookups, keyset pages."""
from __future__ import annotations

from flask import current_app

from core.errors import NotFound
from core.security import get_scoped
from core.web.api.schemas import MAX_ID, Cursor

ID = "int(min=1, max=%d)" % MAX_ID  # path converter: ids out of range are a plain 404


def platform():
    return current_app.extensions["rongtong"]


def scoped_or_404(model, pk, user, message):
    """The row if the caller may see it; otherwise 404 — never 403, which would reveal that the
    row exists (issue 3 §3)."""
    row = get_scoped(model, pk, user)
    if row is None:
        raise NotFound(message)
    return row


def keyset_page(query, id_field, limit: int, cursor: int | None):
    """Newest first, ``limit`` rows after ``cursor`` (an id). Returns (rows, next_cursor).
    Keyset pagination: no OFFSET and no COUNT, so page N costs what page 1 costs."""
    if cursor is not None:
        query = query.where(id_field < cursor)
    rows = list(query.order_by(id_field.desc()).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (Cursor.encode(rows[-1].id) if more and rows else None)
