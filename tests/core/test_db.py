"""The database layer (issue 2 §2): SQLite with WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE
write transactions; PostgreSQL from a URL (DB1302 5.3.2: the engine for active/standby operation);
one lazily opened connection per thread."""
from __future__ import annotations

import os
import sqlite3
import threading
import time

import peewee
import pytest

from rongtong.core.db import bind_database, database, is_postgres, is_sqlite, make_database, write_transaction
from rongtong.core.errors import ConfigError


@pytest.fixture
def sqlite_db(tmp_path):
    db = make_database(f"sqlite:///{tmp_path / 'x.db'}", busy_timeout_ms=200)
    db.execute_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
    yield db
    db.close()


def test_sqlite_pragmas(sqlite_db):
    pragma = lambda name: sqlite_db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 200


def test_write_transactions_take_the_write_lock_at_begin(sqlite_db, tmp_path):
    """BEGIN IMMEDIATE: a transaction that has only read still holds the write lock, so another writer
    waits (and here, with a short timeout, gives up) instead of failing later mid-transaction."""
    other = sqlite3.connect(tmp_path / "x.db", timeout=0.05)
    with sqlite_db.atomic():
        sqlite_db.execute_sql("SELECT count(*) FROM t")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free again once the transaction ended
    other.rollback()
    other.close()


def test_read_then_write_transactions_do_not_fail_under_contention(tmp_path):
    """Two threads each read, pause, then write: with deferred transactions one of them fails at once
    with "database is locked"; with IMMEDIATE the second simply waits its turn."""
    url = f"sqlite:///{tmp_path / 'y.db'}"
    db = make_database(url, busy_timeout_ms=5000)
    db.execute_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
    db.execute_sql("INSERT INTO t (id, v) VALUES (1, 0)")
    errors = []

    def worker():
        try:
            with db.atomic():
                (v,) = db.execute_sql("SELECT v FROM t WHERE id = 1").fetchone()
                time.sleep(0.05)
                db.execute_sql("UPDATE t SET v = ? WHERE id = 1", (v + 1,))
        except Exception as exc:  # pragma: no cover - the failure this test guards against
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.execute_sql("SELECT v FROM t WHERE id = 1").fetchone()[0] == 4  # no lost update
    db.close()


def test_one_lazy_connection_per_thread(tmp_path):
    db = bind_database(f"sqlite:///{tmp_path / 'z.db'}")
    assert db.is_closed()  # nothing opened at bind time
    database.execute_sql("SELECT 1")
    conn = db.connection()
    for _ in range(3):
        with write_transaction():
            database.execute_sql("SELECT 1")
    assert db.connection() is conn  # kept open, not reconnected per use

    seen = []
    thread = threading.Thread(target=lambda: (database.execute_sql("SELECT 1"), seen.append(db.connection())))
    thread.start()
    thread.join()
    assert seen and seen[0] is not conn
    db.close()


def test_nested_write_transactions_are_savepoints(sqlite_db):
    with sqlite_db.atomic():
        sqlite_db.execute_sql("INSERT INTO t (v) VALUES (1)")
        with pytest.raises(RuntimeError):
            with sqlite_db.atomic():
                sqlite_db.execute_sql("INSERT INTO t (v) VALUES (2)")
                raise RuntimeError
    assert [r[0] for r in sqlite_db.execute_sql("SELECT v FROM t")] == [1]


def test_sqlite_parent_directory_is_created(tmp_path):
    db = make_database(f"sqlite:///{tmp_path / 'deep' / 'er' / 'db.sqlite'}")
    db.execute_sql("SELECT 1")
    assert (tmp_path / "deep" / "er" / "db.sqlite").exists()
    db.close()


def test_postgresql_url_is_parsed_without_connecting():
    db = make_database("postgresql://rt:p%40ss@db.example:5433/rong%20tong")
    assert isinstance(db, peewee.PostgresqlDatabase) and db.is_closed()
    assert db.database == "rong tong"
    assert db.connect_params == {"user": "rt", "password": "p@ss", "host": "db.example", "port": 5433}
    assert is_postgres(db) and not is_sqlite(db)
    assert isinstance(make_database("postgres://localhost/rt"), peewee.PostgresqlDatabase)


@pytest.mark.parametrize("url, problem", [("postgresql://localhost/", "no database name"),
                                          ("mysql://localhost/rt", "unsupported database URL")])
def test_bad_urls(url, problem):
    with pytest.raises(ConfigError, match=problem):
        make_database(url)


def test_the_test_database_is_the_configured_engine(platform, database_url):
    """The suite runs on PostgreSQL when RONGTONG_TEST_DATABASE_URL is set, else on SQLite."""
    assert is_postgres() == database_url.startswith("postgresql://")
    assert database.obj is platform.db


@pytest.mark.skipif(not os.environ.get("RONGTONG_TEST_DATABASE_URL"), reason="PostgreSQL only: needs a server to drop the connection")
def test_postgres_reconnects_after_the_server_drops_the_connection(platform):
    """A restarted server or a failover to the standby (DB1302 5.3.2) must not leave every later
    request failing until the workers are restarted."""
    import psycopg2

    from rongtong.core.models import Enterprise

    pid = platform.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    admin = psycopg2.connect(os.environ["RONGTONG_TEST_DATABASE_URL"])
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
    admin.close()
    assert Enterprise.select().count() == 0
    assert platform.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0] != pid
