"""The database: one :class:`peewee.DatabaseProxy` every model binds to, opened from a URL.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy timeout, and opens
every write transaction with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes
fails at once with "database is locked" when another worker wrote in between, whereas IMMEDIATE
takes the write lock up front and waits up to the busy timeout for it.

PostgreSQL (``postgresql://``) is what a platform moves to when it outgrows one machine (DB1302
5.3.2: active/standby operation).

Connections are per thread (peewee's default), opened lazily on first use and kept open; the
pragmas run once per connection, not once per request.

One process, one binding: every model goes through the one proxy :data:`database`, and
:func:`bind_database` points it at the newest database (closing the connection to the one it was
bound to before). A second :class:`core.platform.Platform` on the *same* database shares the
binding and both keep working; a platform on *another* database takes the binding over, and the
older platform refuses any further use with :class:`core.errors.PlatformError` rather than
silently reading and writing the newer one's database (:func:`bound_url`).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee
from playhouse.shortcuts import ReconnectMixin

from rongtong.core.errors import ConfigError

database = peewee.DatabaseProxy()
_binding: dict = {"url": None}


class ReconnectingPostgresqlDatabase(ReconnectMixin, peewee.PostgresqlDatabase):
    """PostgreSQL that opens a new connection when the server dropped the old one (a restart, a
    failover to the standby, an idle timeout), outside a transaction only: a statement inside a
    transaction still fails, so nothing is half-written silently."""

    reconnect_errors = (
        (peewee.OperationalError, "server closed the connection"),
        (peewee.OperationalError, "terminating connection"),
        (peewee.OperationalError, "could not receive data from server"),
        (peewee.InterfaceError, "connection already closed"),
    )


def make_database(url: str, busy_timeout_ms: int = 10000) -> peewee.Database:
    """Build (but do not open) a database from a ``sqlite:///`` or ``postgresql://`` URL."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path not in ("", ":memory:"):
            Path(path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        return peewee.SqliteDatabase(
            path or ":memory:",
            pragmas={
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": busy_timeout_ms,
                "synchronous": "normal",
                "cache_size": -16000,
            },
            timeout=busy_timeout_ms / 1000,
            lock_type="IMMEDIATE",
            autoconnect=True,
        )
    if url.startswith(("postgresql://", "postgres://")):
        parsed = urlparse(url)
        name = parsed.path.lstrip("/")
        if not name:
            raise ConfigError(f"database.url: no database name in {url!r}")
        return ReconnectingPostgresqlDatabase(
            unquote(name),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname or None,
            port=parsed.port or None,
            autoconnect=True,
        )
    raise ConfigError(f"database.url: unsupported database URL {url!r} (use sqlite:/// or postgresql://)")


def bind_database(url: str, busy_timeout_ms: int = 10000) -> peewee.Database:
    """Create the database for ``url`` and point the shared proxy at it (closing this thread's
    connection to the database it was bound to). Returns the database."""
    db = make_database(url, busy_timeout_ms)
    current = database.obj
    if current is not None and not current.is_closed():
        current.close()
    database.initialize(db)
    _binding["url"] = url
    return db


def bound_url() -> str | None:
    """The URL the shared proxy was last bound to by :func:`bind_database` (None before)."""
    return _binding["url"]


def display_url(url: str | None) -> str:
    """``url`` without its password, fit for a message."""
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.rsplit("@", 1)[1]
    return parsed._replace(netloc=f"{parsed.username}:***@{netloc}").geturl()


def _real(db):
    db = database if db is None else db
    return getattr(db, "obj", db)


def is_sqlite(db=None) -> bool:
    db = _real(db)
    return isinstance(db, peewee.SqliteDatabase)


def is_postgres(db=None) -> bool:
    db = _real(db)
    return isinstance(db, peewee.PostgresqlDatabase)


def write_transaction():
    """A write transaction: BEGIN IMMEDIATE on SQLite, a normal transaction on PostgreSQL.

    Nested calls become savepoints, so a helper can open one without caring whether its caller did.
    """
    return database.atomic()
