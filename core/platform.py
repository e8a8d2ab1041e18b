"""The running platform: configuration, database, plugins, calendar and workflow engine together.

Built once per process (CLI) or per app (``create_app``); never a module global, so tests can build
as many as they like.
"""
from __future__ import annotations

from rongtong.core.calendar import WorkingCalendar
from rongtong.core.config import Config, load_config
from rongtong.core.db import bind_database
from rongtong.core.notify import bind_mail
from rongtong.core.registry import PluginRegistry
from rongtong.core.workflow import WorkflowEngine
from rongtong.core import migrations


class Platform:
    def __init__(self, config: Config | None = None, entry_points: dict | None = None):
        self.config = config or load_config()
        self.db = bind_database(self.config.database_url, self.config.get("database.busy_timeout_ms", 10000))
        bind_mail(self.config)  # notifications written from now on also go to the e-mail outbox
        self.registry = PluginRegistry(self.config, entry_points)
        self.calendar = WorkingCalendar.from_config(self.config)
        self.engine = WorkflowEngine(self.registry, self.calendar)

    def upgrade(self):
        return migrations.upgrade(self.registry)
