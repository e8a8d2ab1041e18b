"""Shared plumbing of the notification benchmarks (issue 9 §5): a platform on a scratch database,
an aiosmtpd sink in its own process on 127.0.0.1, and the "## Notifications (issue 9)" section of
docs/benchmarks.md (its rows are replaced on every run; nothing outside the section is touched)."""
from __future__ import annotations

import contextlib
import importlib.metadata
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import urlparse, urlunparse

import report  # noqa: F401  (puts the repository on sys.path)

SECTION = "## Notifications (issue 9)"
SECTION_INTRO = """Figures from `bench/notify_*.py` (run on demand; see bench/README.md). Each figure is measured
against its yardstick in the same run, alternating the two, best of several rounds; the machine's 2
cores are shared, so the load average at the time is given with each figure.

| measurement | figure | target | result | date (UTC) | machine |
|---|---|---|---|---|---|
"""
SAMPLE = {"sample": importlib.metadata.EntryPoint("sample", "tests.fixtures.sampleplugin", "rongtong.plugins")}


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def smtp_sink():
    """``with smtp_sink() as port:`` — aiosmtpd's own ``Sink`` handler (accepts and discards every
    message) in a separate process, so that it does not share this process's interpreter lock."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                             "-l", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the aiosmtpd sink did not start")
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def scratch_database(pg_admin_url: str = ""):
    """A URL of an empty database: a SQLite file in a temporary folder, or a throwaway PostgreSQL
    database created (and dropped) through ``pg_admin_url``."""
    if not pg_admin_url:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{os.path.join(tmp, 'bench.db')}"
        return
    import psycopg2

    name = "rt_bench_" + uuid.uuid4().hex[:8]
    admin = psycopg2.connect(pg_admin_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(urlparse(pg_admin_url)._replace(path="/" + name))
    finally:
        from rongtong.core.db import database

        if database.obj is not None:
            database.obj.close()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def make_platform(url: str, plugins=(), **sections):
    from rongtong.core.config import load_config
    from rongtong.core.platform import Platform

    overrides = {"database": {"url": url}, "plugins": {"enabled": list(plugins)},
                 "site": {"secret_key": "bench", "url": "https://rt.example"}, **sections}
    platform = Platform(load_config(overrides=overrides), entry_points=SAMPLE)
    platform.upgrade()
    return platform


def record(name: str, figure: str, target: str, passed: bool | None) -> None:
    """Add or replace row ``name`` in this section of docs/benchmarks.md."""
    import web_common

    web_common.record(name, figure, target, passed, section=SECTION, intro=SECTION_INTRO)
