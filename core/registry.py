"""The plugin registry: discover, allowlist, order, validate, merge (see core/hookspecs.py).

One :class:`PluginRegistry` (wrapping one ``pluggy.PluginManager``) per app; never a module global.
Plugins are loaded by name from the entry-point group ``rongtong.plugins``, built-in and third-party
alike, and only when listed in ``[plugins] enabled``. The core registers itself through the same
hooks (as the plugin ``core``, which cannot be disabled).
"""
from __future__ import annotations

import dataclasses
import importlib.metadata
import os
from collections.abc import Iterable
from typing import Any

import pluggy
from marshmallow import RAISE, ValidationError

from rongtong.core import PROJECT, __version__, builtin, hookspecs
from rongtong.core.config import Config, first_error
from rongtong.core.contract import CORE, Permission, Reaction, TransitionEvent
from rongtong.core.errors import ConfigError, PluginError
from rongtong.core.routing import check_config
from rongtong.core.workflow import apply_overrides, published_overrides

ENTRY_POINT_GROUP = "rongtong.plugins"
#: Entry points naming ``source(config) -> [plugin objects]``: plugins that are not packages, such
#: as the declared services of the directory named in config (``rongtong.core.declared.loader``).
#: Each object has ``key`` (its name), ``VERSION``, ``TITLE`` and ``__file__``.
SOURCE_GROUP = "rongtong.plugin_sources"


@dataclasses.dataclass
class LoadedPlugin:
    name: str
    module: Any
    version: str
    title: str
    requires: tuple[str, ...]
    path: str

    @property
    def migrations_dir(self) -> str:
        return os.path.join(os.path.dirname(self.path), "migrations")


BUILTIN_PREFIX = "rongtong.plugins."


def _entry_points() -> dict[str, importlib.metadata.EntryPoint]:
    """The installed plugins by name. Two distributions naming different modules under one name are
    refused (else the later one silently wins), saying which takes a built-in's name."""
    found: dict[str, importlib.metadata.EntryPoint] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        other = found.get(ep.name)
        if other is None or other.value == ep.value:
            found[ep.name] = ep
            continue
        builtin = next((e for e in (other, ep) if e.value.startswith(BUILTIN_PREFIX)), None)
        intruder = ep if builtin is other else other
        dist = getattr(getattr(intruder, "dist", None), "name", None) or "?"
        if builtin is not None:
            raise PluginError(f"plugin {ep.name!r}: the distribution {dist!r} takes the name of a built-in plugin "
                              f"(entry point {ep.name} = {intruder.value} in group {ENTRY_POINT_GROUP}); "
                              "rename its entry point")
        raise PluginError(f"plugin {ep.name!r}: two entry points in group {ENTRY_POINT_GROUP} share the name "
                          f"({other.value} and {ep.value}); rename one")
    return found


class PluginRegistry:
    """Loads the enabled plugins and holds everything they registered, merged and checked."""

    def __init__(self, config: Config, entry_points: dict | None = None):
        self.config = config
        self.platform = None  # the Platform this registry serves; set by Platform.__init__
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, LoadedPlugin] = {}
        available = dict(_entry_points())
        if entry_points:
            available.update(entry_points)
        self.available = available
        self.pm.register(builtin, name=CORE)
        self.plugins[CORE] = LoadedPlugin(CORE, builtin, _core_version(), "Rongtong core", (), builtin.__file__)
        self._load(config.enabled_plugins, available)
        self._load_sources()
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:  # a misspelt hookimpl
            name = self.pm.get_name(exc.plugin) or getattr(exc.plugin, "__name__", "?")
            raise PluginError(f"plugin {name!r}: {str(exc).split(' in plugin ')[0]}")
        self._collect()

    # Loading ------------------------------------------------------------------------------------
    def _load(self, names: list[str], available: dict) -> None:
        seen = set()
        modules = {}
        for name in names:
            if name in seen:
                raise PluginError(f"{self.config.source}: plugins.enabled: {name!r} is listed twice")
            seen.add(name)
            if name == CORE:
                raise PluginError(f"{self.config.source}: plugins.enabled: 'core' is always on; do not list it")
            ep = available.get(name)
            if ep is None:
                raise PluginError(
                    f"{self.config.source}: plugins.enabled: unknown plugin {name!r} "
                    f"(no entry point {name!r} in group {ENTRY_POINT_GROUP})"
                )
            try:
                modules[name] = ep.load()
            except (ConfigError, PluginError):  # a declared service's file: already one line
                raise
            except Exception as exc:  # any import failure is the plugin's fault, reported in one line
                raise PluginError(f"plugin {name!r} failed to load: {type(exc).__name__}: {exc}")
        for name, module in modules.items():
            for req in getattr(module, "REQUIRES", ()):
                if req != CORE and req not in modules:
                    raise PluginError(f"plugin {name!r} requires plugin {req!r}, which is not enabled")
        for name in _dependency_order(modules):
            module = modules[name]
            try:
                self.pm.register(module, name=name)
            except (pluggy.PluginValidationError, ValueError) as exc:
                raise PluginError(f"plugin {name!r}: {exc}")
            self.plugins[name] = LoadedPlugin(
                name=name,
                module=module,
                version=str(getattr(module, "VERSION", "0")),
                title=str(getattr(module, "TITLE", name)),
                requires=tuple(getattr(module, "REQUIRES", ())),
                path=_module_file(module),
            )

    def _load_sources(self) -> None:
        """Register the plugins of every plugin source (see :data:`SOURCE_GROUP`)."""
        for ep in sorted(importlib.metadata.entry_points(group=SOURCE_GROUP), key=lambda e: e.name):
            for plugin in ep.load()(self.config):
                name = plugin.key
                if name in self.plugins:
                    where = getattr(plugin, "origin", None) or getattr(plugin, "__file__", name)
                    raise PluginError(f"{where}: service.key: {name!r} is already the name of plugin "
                                      f"{self.plugins[name].name!r} ({self.plugins[name].path})")
                self.pm.register(plugin, name=name)
                self.plugins[name] = LoadedPlugin(name, plugin, str(plugin.VERSION), str(plugin.TITLE), (),
                                                  plugin.__file__)

    def call(self, hook: str, **kwargs) -> list[tuple[str, Any]]:
        """Call a ``register_*`` hook on every plugin; returns ``[(plugin_name, item), ...]`` in
        plugin-name order (so nothing depends on registration order). ``platform`` is passed to
        the implementations that take it."""
        kwargs.setdefault("platform", self.platform)
        out = []
        impls = sorted(getattr(self.pm.hook, hook).get_hookimpls(), key=lambda i: (i.plugin_name != CORE, i.plugin_name))
        for impl in impls:
            args = {name: kwargs[name] for name in impl.argnames}
            try:
                result = impl.function(**args)
            except (PluginError, ConfigError):
                raise
            except Exception as exc:
                raise PluginError(f"plugin {impl.plugin_name!r}: {hook} failed: {type(exc).__name__}: {exc}")
            if result is None:
                continue
            if not isinstance(result, (list, tuple)):
                raise PluginError(f"plugin {impl.plugin_name!r}: {hook} must return a list")
            out.extend((impl.plugin_name, item) for item in result)
        return out

    def notify(self, hook: str, **kwargs) -> None:
        """Call an ``on_*`` (or ``seed_demo``) hook on every plugin, with ``platform``
        (exceptions propagate: they abort the transaction)."""
        kwargs.setdefault("platform", self.platform)
        getattr(self.pm.hook, hook)(**kwargs)

    def react(self, request, transition, workflow) -> None:
        """Run the ``register_reactions`` handlers matching this transition (by workflow key,
        step, outcome), in plugin-name order, then the ``on_transition`` broadcast. Called by the
        engine inside the transition's transaction; a raise rolls the transition back."""
        event = TransitionEvent(request, transition, workflow, self.platform)
        for owner, reaction in self.reactions.get(workflow.key, ()):
            if reaction.matches(event):
                reaction.handler(event)
        self.notify("on_transition", request=request, transition=transition, workflow=workflow)

    # Merging ------------------------------------------------------------------------------------
    def _collect(self) -> None:
        self.options = self._validate_options()
        self.model_owner: dict[Any, str] = {}
        for owner, model in self.call("register_models"):
            table = model._meta.table_name
            prefix = f"{owner}_"
            if not table.startswith(prefix):
                raise PluginError(f"plugin {owner!r}: table {table!r} of {model.__name__} must start with {prefix!r}")
            self.model_owner[model] = owner
        unique("table", ((o, m._meta.table_name) for m, o in self.model_owner.items()))

        effects = self.call("register_effects")
        unique("effect", ((o, e.name) for o, e in effects))
        self.effects = {e.name: e for _, e in effects}
        self.effect_owner = {e.name: o for o, e in effects}

        workflows = self.call("register_workflows")
        unique("workflow", ((o, f"{w.key} v{w.version}") for o, w in workflows))
        # A workflow key belongs to one plugin, whatever the versions (else its owner is ambiguous).
        unique("workflow", sorted({(o, w.key) for o, w in workflows}))
        self.workflow_owner = {w.key: o for o, w in workflows}
        self.workflow_versions = {(w.key, w.version): w for _, w in workflows}
        self.workflow_versions = apply_overrides(self.workflow_versions, self.config)
        self.workflows = {}
        for (key, version), wf in sorted(self.workflow_versions.items()):
            self.workflows[key] = wf  # the latest version starts new requests

        services = self.call("register_services")
        unique("service", ((o, s.key) for o, s in services))
        promised = published_overrides(self.config)  # [workflows.<key>] time_limit_days (DB1302 5.4.1)
        services = [(o, dataclasses.replace(s, time_limit_days=promised[s.workflow]) if s.workflow in promised else s)
                    for o, s in services]
        self.services = {s.key: s for _, s in services}
        self.service_owner = {s.key: o for o, s in services}
        for owner, service in services:
            if service.workflow not in self.workflows:
                raise PluginError(f"plugin {owner!r}: service {service.key!r} uses unknown workflow {service.workflow!r}")

        check_config(self.config, self.services)

        permissions = self.call("register_permissions")
        for key, wf in self.workflows.items():
            roles = sorted({r for s in wf.steps for r in s.roles})
            permissions.append((self.workflow_owner[key], Permission(f"workflow.{key}.act", f"Act on {wf.title_en} steps", f"Act on {wf.title_en} steps", tuple(roles))))
        unique("permission", ((o, p.key) for o, p in permissions))
        self.permissions = {p.key: p for _, p in permissions}
        self.permission_owner = {p.key: o for o, p in permissions}

        self.reactions: dict[str, list[tuple[str, Reaction]]] = {}
        for owner, reaction in self.call("register_reactions"):
            problem = reaction.check(self.workflows) if isinstance(reaction, Reaction) else "not a Reaction"
            if problem:
                raise PluginError(f"plugin {owner!r}: register_reactions: {problem}")
            self.reactions.setdefault(reaction.workflow, []).append((owner, reaction))

        commands = self.call("register_commands")
        unique("command", ((o, c.name) for o, c in commands), reserved=CORE_COMMANDS)
        self.commands = commands

    def _validate_options(self) -> dict[str, dict]:
        tables = {k: v for k, v in self.config.data.get("plugins", {}).items() if k != "enabled"}
        for name in tables:
            if name not in self.plugins or name == CORE:
                raise ConfigError(f"{self.config.source}: plugins.{name}: plugin {name!r} is not enabled")
        options = {}
        for impl in self.pm.hook.declare_config.get_hookimpls():
            schema_cls = impl.function()
            if schema_cls is None:
                continue
            try:
                options[impl.plugin_name] = schema_cls(unknown=RAISE).load(tables.get(impl.plugin_name, {}))
            except ValidationError as exc:
                key, problem = first_error(exc.messages)
                raise ConfigError(f"{self.config.source}: plugins.{impl.plugin_name}.{key}: {problem}")
        for name in tables:
            if name not in options:
                raise ConfigError(f"{self.config.source}: plugins.{name}: plugin {name!r} takes no options")
        return options

    # Queries ------------------------------------------------------------------------------------
    @property
    def models(self) -> list:
        return list(self.model_owner)

    def models_of(self, owner: str) -> list:
        return [m for m, o in self.model_owner.items() if o == owner]

    def owner_of(self, model) -> str | None:
        return self.model_owner.get(model)

    def workflow(self, key: str, version: int | None = None):
        """The workflow ``key`` at ``version`` (latest when None). Raises KeyError if unknown."""
        if version is None:
            return self.workflows[key]
        return self.workflow_versions[(key, version)]

    def hooks_of(self, name: str) -> list[str]:
        plugin = self.pm.get_plugin(name)
        return sorted(h.name for h in self.pm.get_hookcallers(plugin) or [])

    def permissions_of_role(self, role: str) -> set[str]:
        return {key for key, p in self.permissions.items() if role in p.roles}


CORE_COMMANDS = {"init", "db", "plugin", "plugins", "i18n", "workflow", "user", "config", "audit", "calendar", "notify", "run",
                 "serve", "demo", "service"}


def unique(kind: str, pairs: Iterable[tuple[str, str]], reserved: Iterable[str] = ()) -> None:
    """Fail with a message naming both owners if two plugins registered the same ``kind`` name."""
    seen: dict[str, str] = {name: CORE for name in reserved}
    for owner, name in pairs:
        if name in seen:
            raise PluginError(f"duplicate {kind} {name!r}: registered by plugin {seen[name]!r} and plugin {owner!r}")
        seen[name] = owner


def _dependency_order(modules: dict[str, Any]) -> list[str]:
    """Plugins sorted so each comes after what it requires; ties broken by name."""
    order, done, visiting = [], set(), set()

    def visit(name):
        if name in done:
            return
        if name in visiting:
            raise PluginError(f"plugin {name!r}: circular 'requires'")
        visiting.add(name)
        for req in sorted(getattr(modules[name], "REQUIRES", ())):
            if req != CORE:
                visit(req)
        visiting.discard(name)
        done.add(name)
        order.append(name)

    for name in sorted(modules):
        visit(name)
    return order


def _module_file(module) -> str:
    """The plugin's __init__.py (or, for a namespace package, a path inside its folder)."""
    if getattr(module, "__file__", None):
        return module.__file__
    paths = list(getattr(module, "__path__", []) or [])
    return os.path.join(paths[0], "__init__.py") if paths else ""


def _core_version() -> str:
    return __version__
