"""The running platform: configuration, database, plugins, calendar and workflow engine together.

Built once per process (CLI) or per app (``create_app``); never a module global, so tests can build
as many as they like, one after another.

Two platforms in one process: the models reach the database through one process-wide proxy
(:mod:`core.db`), so the newest platform binds it. A second platform on the **same** database works
next to the first (both read and write the same tables). A platform on **another** database takes
the binding over and closes the older platform's connection; from then on the older platform
refuses to be used -- its ``engine``, ``db`` and :meth:`upgrade` raise
:class:`core.errors.PlatformError` naming both databases -- instead of silently working on the
newer one's database. Build it again to use it again.
"""
from __future__ import annotations

from rongtong.core import migrations
from rongtong.core.calendar import WorkingCalendar
from rongtong.core.checks import check_plugins
from rongtong.core.config import Config, load_config
from rongtong.core.db import bind_database, bound_url, database, display_url
from rongtong.core.errors import PlatformError
from rongtong.core.notify import bind_mail, notify, notify_many
from rongtong.core.registry import PluginRegistry
from rongtong.core.workflow import WorkflowEngine


class Platform:
    def __init__(self, config: Config | None = None, entry_points: dict | None = None):
        self.config = config or load_config()
        self._db = bind_database(self.config.database_url, self.config.get("database.busy_timeout_ms", 10000))
        bind_mail(self.config)  # notifications written from now on also go to the e-mail outbox
        self.registry = PluginRegistry(self.config, entry_points)
        self.calendar = WorkingCalendar.from_config(self.config)
        self._engine = WorkflowEngine(self.registry, self.calendar)
        self.registry.platform = self  # hooks and reactions receive the platform (core.contract.PluginHost)
        check_plugins(self)  # unknown roles and permissions named by a plugin (core/checks.py)

    def options_of(self, plugin: str) -> dict:
        """The validated ``[plugins.<plugin>]`` options ({} for a plugin without options)."""
        return dict(self.registry.options.get(plugin, {}))

    notify = staticmethod(notify)
    notify_many = staticmethod(notify_many)

    @property
    def is_current(self) -> bool:
        """Whether the models still reach this platform's database (see the module docstring)."""
        return database.obj is self._db or bound_url() == self.config.database_url

    def _check_current(self) -> None:
        if not self.is_current:
            raise PlatformError(
                f"this platform (database {display_url(self.config.database_url)}) was replaced by a newer "
                f"platform in this process (database {display_url(bound_url())}); build it again to use it")

    @property
    def db(self):
        """This platform's database (the object the shared proxy was bound to when it was built)."""
        self._check_current()
        return self._db

    @property
    def engine(self) -> WorkflowEngine:
        self._check_current()
        return self._engine

    def upgrade(self):
        self._check_current()
        return migrations.upgrade(self.registry)
