"""What CLI commands (core and plugin) use to reach the running platform.

Plugin commands::

    from rongtong.core.cli_context import pass_platform

    @click.command("stats")
    @pass_platform
    def stats(platform, ...):
        ...

The platform (config, database, plugins) is built lazily on first use, so ``rongtong --help`` and
``rongtong config validate`` stay fast and never touch the database.
"""
from __future__ import annotations

import functools

import click


class CliContext:
    def __init__(self, config_path: str | None):
        self.config_path = config_path
        self._config = None
        self._platform = None
        self._schema_checked = False

    @property
    def config(self):
        if self._config is None:
            from rongtong.core.config import load_config  # lazy: `rongtong --help` stays fast

            self._config = load_config(self.config_path)
        return self._config

    @property
    def platform(self):
        if self._platform is None:
            from rongtong.core.platform import Platform  # lazy: built on first use, never for --help

            self._platform = Platform(self.config)
        return self._platform

    def ready_platform(self):
        """The platform, once it is known to have every enabled plugin's tables: a command that
        needs the database is refused in one line otherwise (core/checks.py). The commands that
        build or inspect the schema (``db upgrade``...) use :attr:`platform` instead."""
        platform = self.platform
        if not self._schema_checked:
            from rongtong.core.checks import check_schema

            check_schema(platform)
            self._schema_checked = True
        return platform


def get_cli_context() -> CliContext:
    ctx = click.get_current_context()
    obj = ctx.find_object(CliContext)
    if obj is None:  # invoked outside the rongtong group (e.g. CliRunner on a bare command)
        obj = CliContext(None)
        ctx.obj = obj
    return obj


def get_platform():
    return get_cli_context().ready_platform()


def pass_platform(func):
    """Decorator: call the command with the Platform as first argument, translating in the site's
    language (reports, notifications sent from cron)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from rongtong.core.i18n import site_language  # lazy: Flask only when a command runs

        platform = get_platform()
        with site_language(platform):
            return func(platform, *args, **kwargs)

    return wrapper
