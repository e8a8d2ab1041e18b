"""Helpers shared by the core's resources: the platform, scoped lookups, keyset pages."""
from __future__ import annotations

from rongtong.core.db import database
from rongtong.core.errors import NotFound
from rongtong.core.security import get_scoped
from rongtong.core.web.api.schemas import MAX_ID, Cursor
from rongtong.core.web.context import current_platform

ID = "int(min=1, max=%d)" % MAX_ID  # path converter: ids out of range are a plain 404


platform = current_platform


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


# --- Queries whose SQL is written once ------------------------------------------------------------

# Stand-ins for the values that change from call to call while the SQL is written (ids, limits and
# cursors are positive, so these never collide with a real value).
SLOTS = tuple(-7_300_000_001 - i for i in range(8))
_PREPARED: dict = {}
_PREPARED_MAX = 1024


class _WrittenSQL:
    """A stand-in database for ``query.execute(db)``: runs SQL written earlier instead of asking
    peewee to write it again; everything else goes to the real database."""

    def __init__(self, db, sql, params):
        self._db, self._sql, self._params = db, sql, params

    def execute(self, query, **_options):
        return self._db.execute_sql(self._sql, self._params)

    def __getattr__(self, name):
        return getattr(self._db, name)


def scope_key(user) -> tuple:
    """Everything :func:`core.security.scope_query` reads from the user (part of a prepared key)."""
    return (getattr(user, "is_authenticated", False), getattr(user, "id", None), tuple(getattr(user, "roles", ())),
            getattr(user, "enterprise_id", None))


def prepared(key, build, *values):
    """The rows of ``build(*values)``, with its SQL written by peewee once per ``key`` and database
    kind rather than on every call: for the read API's wide joined selects, writing the SQL costs
    more than SQLite takes to run it (issue 3 "5. Speed": within 0.75x of a bare Flask + peewee
    endpoint). ``key`` must name everything that shapes the SQL except ``values`` (which must be
    plain parameters: ids, limits, cursors)."""
    db = database.obj
    full_key = (type(db), key)
    hit = _PREPARED.get(full_key)
    if hit is None:
        slots = SLOTS[:len(values)]
        template = build(*slots)
        sql, params = template.sql()
        try:
            hit = (sql, params, [params.index(slot) for slot in slots], template)
        except ValueError:  # a value did not become a parameter: never cache this shape
            hit = False
        if len(_PREPARED) >= _PREPARED_MAX:
            _PREPARED.clear()
        _PREPARED[full_key] = hit
    if not hit:
        return list(build(*values))
    sql, params, positions, template = hit
    params = list(params)
    for position, value in zip(positions, values):
        params[position] = value
    # The template's clone only turns rows into models (same columns and joins); the SQL run is
    # the one written above, with this call's values.
    return list(template.clone().execute(_WrittenSQL(db, sql, params)))
