"""What the browser tests share (issue 3 §6, issue 9 §5): Debian's Chromium driven by Playwright,
logging in through the real form, watching the console for Content-Security-Policy violations, and
numbered screenshots. The ``browser`` and ``live_server`` fixtures are in tests/core/web/conftest.py.

Without /usr/bin/chromium or the playwright package a browser test skips, unless
RONGTONG_REQUIRE_BROWSER=1 (CI), then it fails.
"""
from __future__ import annotations

import os

import pytest

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--headless"]


def require_browser():
    """Skip (locally) or fail (CI) when the browser cannot run."""
    problem = None
    if not os.path.exists(CHROMIUM):
        problem = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed"
    if problem:
        if os.environ.get("RONGTONG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser test required but {problem}")
        pytest.skip(problem)


def log_in(page, base, username, shots, name, lang="en"):
    """Log in through the /login form (``lang=None``: the site's default language, Chinese)."""
    page.goto(f"{base}/login" + (f"?lang={lang}" if lang else ""))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.screenshot(path=str(shots / f"{name}-login.png"))
    with page.expect_navigation():
        page.click("form button[type=submit]")


def csp_violations(page, found=None):
    """The list ``found`` (a new one by default), filled from now on with every console message of
    ``page`` about a Content-Security-Policy violation. Watch several pages with one list:
    ``seen = csp_violations(a); csp_violations(b, seen)`` (``seen += ...`` would copy it, empty)."""
    found = [] if found is None else found
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None)
    return found


class Screenshots:
    """``shot(page, "staff-inbox")`` saves ``NN-staff-inbox.png`` (full page) in order of the walk."""

    def __init__(self, directory):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.taken = []

    def __call__(self, page, name):
        path = self.directory / f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path
