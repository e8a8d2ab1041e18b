"""Shared fixtures. Every test gets its own fresh database: a SQLite file in tmp_path, or, when
RONGTONG_TEST_DATABASE_URL points at a PostgreSQL server, a throwaway database created and dropped
around the test.

    make_platform(plugins=[...], overrides={...})  -> core.platform.Platform, migrated
    platform                                         -> make_platform() with the sample plugin
"""
from __future__ import annotations

import importlib.metadata
import os
import uuid
from urllib.parse import urlparse, urlunparse

import pytest

from rongtong.core.config import load_config

PG_URL = os.environ.get("RONGTONG_TEST_DATABASE_URL", "")

# The sample plugin under tests/ is installed the way a third-party plugin is: an entry point.
SAMPLE_ENTRY_POINTS = {
    "sample": importlib.metadata.EntryPoint("sample", "tests.fixtures.sampleplugin", "rongtong.plugins"),
}


def _pg_admin_connect(url):
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


@pytest.fixture
def database_url(tmp_path):
    """A URL of an empty database that exists only for this test."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    name = "rt_" + uuid.uuid4().hex[:16]
    admin = _pg_admin_connect(PG_URL)
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    parsed = urlparse(PG_URL)
    yield urlunparse(parsed._replace(path="/" + name))
    from rongtong.core.db import database

    if database.obj is not None:
        database.obj.close()
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def make_config(database_url, tmp_path, monkeypatch):
    """Build a validated Config for a test: ``make_config(plugins=[...], **sections)``."""
    monkeypatch.delenv("RONGTONG_CONFIG", raising=False)
    monkeypatch.delenv("RONGTONG_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)

    def factory(plugins=("sample",), **sections):
        overrides = {
            "database": {"url": database_url},
            "plugins": {"enabled": list(plugins)},
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
def make_platform(make_config):
    from rongtong.core.platform import Platform

    built = []

    def factory(plugins=("sample",), migrate=True, entry_points=None, **sections):
        platform = Platform(make_config(plugins=plugins, **sections), entry_points={**SAMPLE_ENTRY_POINTS, **(entry_points or {})})
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
    """A small cast: two admitted enterprises with a user each, staff, an expert, an evaluator, an admin."""
    from tests.factories import make_people

    return make_people()


# === Web fixtures (app factory, auth, sessions — core/web/app.py, core/web/auth.py) ===============
# app            -> create_app(platform=platform), TESTING on (CSRF stays on: tests send real tokens)
# client         -> app.test_client()
# login          -> login(client, user, password=PASSWORD): logs in through the real /login form
# csrf_token     -> csrf_token(client, path="/login"): a valid token for the client's session
# api_token      -> api_token(user, name=""): raw Bearer token (core.web.tokens.issue_token)

@pytest.fixture
def app(platform):
    from rongtong.core.web.app import create_app

    app = create_app(platform=platform)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def _csrf_from_html(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


@pytest.fixture
def csrf_token():
    def get(client, path="/login"):
        response = client.get(path)
        return _csrf_from_html(response.get_data(as_text=True))

    return get


@pytest.fixture
def login(csrf_token):
    from tests.factories import PASSWORD

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
    from rongtong.core.web.tokens import issue_token

    def make(user, name=""):
        return issue_token(user, name)

    return make
# === end of web fixtures =========================================================================
