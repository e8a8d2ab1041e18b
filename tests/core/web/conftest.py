"""Fixtures for the web tests (issue 3 §3, §6). ``app``, ``client``, ``login`` and
``api_token`` come from tests/conftest.py; ``api`` is a small client that speaks JSON with a
Bearer token per user; ``live_server`` and ``browser`` serve the browser tests (helpers in
tests/support/browser.py)."""
from __future__ import annotations

import logging
import threading

import pytest


class ApiClient:
    """``api.get("/api/v1/me", as_=people.user_a)``; ``as_=None`` sends no credentials."""

    def __init__(self, client, api_token):
        self.client = client
        self._issue = api_token
        self._tokens = {}

    def token(self, user):
        if user.id not in self._tokens:
            self._tokens[user.id] = self._issue(user)
        return self._tokens[user.id]

    def headers(self, user, extra=None):
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user is not None else {}
        headers.update(extra or {})
        return headers

    def get(self, path, as_=None, headers=None, **kwargs):
        return self.client.get(path, headers=self.headers(as_, headers), **kwargs)

    def post(self, path, json=None, as_=None, headers=None, **kwargs):
        if json is not None:
            kwargs["json"] = json
        return self.client.post(path, headers=self.headers(as_, headers), **kwargs)

    def request(self, method, path, as_=None, headers=None, **kwargs):
        return self.client.open(path, method=method, headers=self.headers(as_, headers), **kwargs)


@pytest.fixture
def api(client, api_token):
    return ApiClient(client, api_token)


class QueryCounter(logging.Handler):
    """Counts the SQL statements peewee executes (peewee logs each one to the 'peewee' logger)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        self.statements.append(record.getMessage())

    @property
    def count(self):
        return len(self.statements)


@pytest.fixture
def count_queries():
    """``with count_queries() as counter: ...; counter.count``."""
    import contextlib

    @contextlib.contextmanager
    def counting():
        logger = logging.getLogger("peewee")
        handler = QueryCounter()
        old_level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        try:
            yield handler
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)

    return counting


@pytest.fixture
def live_server(app):
    """The app on a real HTTP server in a thread (127.0.0.1, a free port)."""
    from werkzeug.serving import make_server

    app.config["TESTING"] = False
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():
    """Debian's Chromium through Playwright (skips or fails as tests.support.browser.require_browser says)."""
    from tests.support import browser as support

    support.require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=support.CHROMIUM, args=support.LAUNCH_ARGS, headless=True)
        yield b
        b.close()
