"""The project's own test configuration. The fixtures themselves (``database_url``, ``make_config``,
``make_platform``, ``platform``, ``people``, ``app``, ``client``, ``login``, ``csrf_token``,
``api_token``, ``api_client``, ``walk_workflow``) come from Rongtong's pytest plugin,
:mod:`rongtong.core.testing.fixtures` (entry point ``pytest11``), the same ones a third-party plugin's
tests get. Here we only choose what they enable: the sample plugin under tests/fixtures.

    make_platform(plugins=[...], overrides={...})  -> core.platform.Platform, migrated
    platform                                         -> make_platform() with the sample plugin
"""
from __future__ import annotations

import importlib.metadata

import pytest

from rongtong.core.testing.fixtures import csrf_from_html as _csrf_from_html
from rongtong.core.testing.fixtures import pg_admin_connect as _pg_admin_connect, pg_url

__all__ = ["PG_URL", "SAMPLE_ENTRY_POINTS", "_csrf_from_html", "_pg_admin_connect"]  # what tests import from here

PG_URL = pg_url()

# The sample plugin under tests/ is installed the way a third-party plugin is: an entry point.
SAMPLE_ENTRY_POINTS = {
    "sample": importlib.metadata.EntryPoint("sample", "tests.fixtures.sampleplugin", "rongtong.plugins"),
}


@pytest.fixture
def rongtong_plugins():
    return ("sample",)


@pytest.fixture
def rongtong_entry_points():
    return dict(SAMPLE_ENTRY_POINTS)
