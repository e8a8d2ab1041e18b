"""Test support for plugin authors (and for Rongtong's own tests): a pytest plugin and builders.

Installing Rongtong registers the pytest plugin :mod:`rongtong.core.testing.fixtures` (entry point
``pytest11``), so a plugin's tests get these fixtures with no conftest:

``database_url``
    an empty database for the test: SQLite in ``tmp_path``, or a throwaway PostgreSQL database when
    ``RONGTONG_TEST_DATABASE_URL`` is set (created and dropped around the test).
``make_config(plugins=..., **sections)`` / ``make_platform(plugins=..., migrate=True, **sections)``
    a validated configuration / a migrated :class:`~rongtong.core.platform.Platform` with the chosen
    plugins enabled (default: the ``rongtong_plugins`` fixture).
``platform``, ``people``
    ``make_platform()``; a cast of users by role (admin, staff, head, expert, evaluator, two
    enterprise users of two admitted enterprises) -- see :func:`factories.make_people`.
``app``, ``client``, ``login``, ``csrf_token``, ``api_token``
    the Flask app of ``platform``, its test client, a login through the real form, a CSRF token,
    a raw API token for a user.
``api_client``, ``walk_workflow``
    :class:`apiflow.Api` (JSON calls as a user, with a Bearer token each), and a walker that files a
    request for a service and advances every step with the step's ``example`` data.

Override ``rongtong_plugins`` (a tuple of plugin names) and ``rongtong_entry_points`` (extra
``importlib.metadata.EntryPoint`` objects, for plugins that are not installed) in a conftest to
choose what ``platform`` enables.
"""
from rongtong.core.testing.apiflow import Api, field_errors, visit_admin
from rongtong.core.testing.factories import PASSWORD, credit_code, enterprise, make_people, user

__all__ = ["Api", "field_errors", "visit_admin", "PASSWORD", "credit_code", "enterprise", "make_people", "user"]
