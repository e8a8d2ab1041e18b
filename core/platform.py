"""The running platform: configuration, database, plugins, calendar and workflow engine together.

Built once per process (CLI) or per app (``create_app``); never a module global, so tests can build
as many as they like.
"""
from __future__ import annotations

from rongtong.core.calendar import WorkingCalendar
from rongtong.core.checks import check_plugins
from rongtong.core.config import Config, load_config
from rongtong.core.db import bind_database
from rongtong.core.notify import bind_mail, notify, notify_many
from rongtong.core.registry import PluginRegistry
from rongtong.core.workflow import WorkflowEngine


class Platform:
    def __init__(self, config: Config | None = None, entry_points: dict | None = None):
        self.config = config or load_config()
        self.db = bind_database(self.config.database_url, self.config.get("database.busy_timeout_ms", 10000))
        bind_mail(self.config)  # notifications written from now on also go to the e-mail outbox
        self.registry = PluginRegistry(self.config, entry_points)
        self.calendar = WorkingCalendar.from_config(self.config)
        self.engine = WorkflowEngine(self.registry, self.calendar)
        self.registry.platform = self  # hooks and reactions receive the platform (core.contract.PluginHost)
        check_plugins(self)  # unknown roles and permissions named by a plugin (core/checks.py)

    def options_of(self, plugin: str) -> dict:
        """The validated ``[plugins.<plugin>]`` options ({} for a plugin without options)."""
        return dict(self.registry.options.get(plugin, {}))

    notify = staticmethod(notify)
    notify_many = staticmethod(notify_many)

    def upgrade(self):
        from rongtong.core import migrations

        return migrations.upgrade(self.registry)
