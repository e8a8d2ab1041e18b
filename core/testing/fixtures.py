"""The pytest plugin of Rongtong (entry point ``pytest11``: ``rongtong``). See
:mod:`rongtong.core.testing` for the list of fixtures. Every test gets its own fresh database: a
SQLite file in ``tmp_path``, or, when ``RONGTONG_TEST_DATABASE_URL`` points at a PostgreSQL server,
a throwaway database created and dropped around the test.
"""
from __future__ import annotations

import os
import re
import uuid
from urllib.parse import urlparse, urlunparse

import pytest

PG_URL_VARIABLE = "RONGTONG_TEST_DATABASE_URL"


def pg_url() -> str:
    return os.environ.get(PG_URL_VARIABLE, "")


def pg_admin_connect(url):
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


@pytest.fixture
def rongtong_plugins() -> tuple[str, ...]:
    """The plugins ``make_platform()`` and ``platform`` enable; override it in your conftest."""
    return ()


@pytest.fixture
def rongtong_entry_points() -> dict:
    """``{name: importlib.metadata.EntryPoint}`` for plugins that are not installed (override it)."""
    return {}


@pytest.fixture
def database_url(tmp_path):
    """A URL of an empty database that exists only for this test."""
    server = pg_url()
    if not server:
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    name = "rt_" + uuid.uuid4().hex[:16]
    admin = pg_admin_connect(server)
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield urlunparse(urlparse(server)._replace(path="/" + name))
    from rongtong.core.db import database

    if database.obj is not None:
        database.obj.close()
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def make_config(database_url, tmp_path, monkeypatch, rongtong_plugins):
    """Build a validated Config for a test: ``make_config(plugins=[...], **sections)``; each section
    is merged into the test defaults (database, plugins, secret key, attachments directory)."""
    from rongtong.core.config import load_config

    monkeypatch.delenv("RONGTONG_CONFIG", raising=False)
    monkeypatch.delenv("RONGTONG_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)

    def factory(plugins=None, **sections):
        overrides = {
            "database": {"url": database_url},
            "plugins": {"enabled": list(rongtong_plugins if plugins is None else plugins)},
            "site": {"secret_key": "test-secret"},
            "attachments": {"directory": str(tmp_path / "attachments")},
        }
        for key, value in sections.items():
            if isinstance(value, dict) and isinstance(overrides.get(key), dict):
                overrides[key] = {**overrides[key], **value}
            else:
                overrides[key] = value
        return load_config(overrides=overrides)

    return factory


@pytest.fixture
def make_platform(make_config, rongtong_entry_points):
    """``make_platform(plugins=None, migrate=True, entry_points=None, **sections)``: a Platform with
    those plugins enabled (default ``rongtong_plugins``), its database migrated."""
    from rongtong.core.platform import Platform

    built = []

    def factory(plugins=None, migrate=True, entry_points=None, **sections):
        platform = Platform(make_config(plugins=plugins, **sections),
                            entry_points={**rongtong_entry_points, **(entry_points or {})})
        if migrate:
            platform.upgrade()
        built.append(platform)
        return platform

    yield factory
    for platform in built:
        if not platform.db.is_closed():
            platform.db.close()


@pytest.fixture
def platform(make_platform):
    return make_platform()


@pytest.fixture
def people(platform):
    """A small cast: two admitted enterprises with a user each, staff, a department head, an
    expert, an evaluator, an admin (password :data:`rongtong.core.testing.PASSWORD`)."""
    from rongtong.core.testing.factories import make_people

    return make_people()


# --- web ------------------------------------------------------------------------------------------

@pytest.fixture
def app(platform):
    """``create_app(platform=platform)`` with TESTING on (CSRF stays on: tests send real tokens)."""
    from rongtong.core.web.app import create_app

    app = create_app(platform=platform)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from_html(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


@pytest.fixture
def csrf_token():
    """``csrf_token(client, path="/login")``: a valid token for the client's session."""
    def get(client, path="/login"):
        return csrf_from_html(client.get(path).get_data(as_text=True))

    return get


@pytest.fixture
def login(csrf_token):
    """``login(client, user, password=PASSWORD, next=None)``: logs in through the real /login form."""
    from rongtong.core.testing.factories import PASSWORD

    def do_login(client, user, password=PASSWORD, next=None):
        token = csrf_token(client, "/login")
        form = {"username": user.username if hasattr(user, "username") else user, "password": password,
                "csrf_token": token}
        if next is not None:
            form["next"] = next
        return client.post("/login", data=form)

    return do_login


@pytest.fixture
def api_token(platform):
    """``api_token(user, name="")``: a raw Bearer token."""
    from rongtong.core.web.tokens import issue_token

    def make(user, name=""):
        return issue_token(user, name)

    return make


@pytest.fixture
def api_client(client, api_token):
    """:class:`rongtong.core.testing.apiflow.Api`: JSON calls under /api/v1/ as a given user."""
    from rongtong.core.testing.apiflow import Api

    return Api(client, api_token)


@pytest.fixture
def walk_workflow(platform, api_client, people):
    """``walk_workflow(service_key, filer=people.user_a, data=None, steps=None)``: file a request for
    the service as ``filer`` (intake ``data``), then advance every step with its example data (or
    ``steps[step key]``) as a user of ``people`` holding the step's role. Returns the request's id."""
    def walk(service_key, filer=None, data=None, steps=None, title="申请"):
        filed = api_client.file(filer or people.user_a, service_key, title=title, data=data)
        api_client.walk(platform, filed["id"], people, steps)
        return filed["id"]

    return walk


def pytest_configure(config):
    """Silence the deprecation warnings of Rongtong's own dependencies (not the plugin's concern)."""
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:flask_admin.*")
    config.addinivalue_line("filterwarnings", "ignore:'DateTimeField' renders:DeprecationWarning")
