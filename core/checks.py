"""Start-up refusals for mistakes in a plugin that would otherwise start cleanly and fail later
(issue 10 §4). Each is one line naming the plugin and the place, raised as
:class:`~rongtong.core.errors.PluginError` (the CLI prints it and exits 2; the app does not start).

:func:`check_plugins` runs once the platform's registry is built (``Platform.__init__``):

- an unknown role on a workflow step or a permission (``"expret"``): the step would stay out of
  everyone's reach, every request sticking with 403;
- an unknown permission on an admin view or an API resource;
- a service whose published time limit is shorter than its workflow's steps add up to (DB1302
  5.4.1: the promise and the clock agree), checked on the latest version after config overrides.

:func:`check_schema` runs when the app is built and before every command except the ones that
build or inspect the schema (``db upgrade``/``status``/``new``, ``init``, ``demo``, ``plugins list``,
``config validate``): an enabled plugin whose tables do not exist, because its migrations were not
applied (run ``rongtong db upgrade``) or because it ships none (a wheel built without its
``migrations/`` directory: the packaging trap).

A third-party plugin that takes a built-in's name is refused where entry points are read
(:func:`rongtong.core.registry._entry_points`).
"""
from __future__ import annotations

import difflib
import os

from rongtong.core.contract import CORE
from rongtong.core.errors import ConfigError, PluginError
from rongtong.core.models import ROLE_KEYS


def _known(values) -> str:
    return ", ".join(sorted(values))


def check_roles(registry) -> None:
    """Every role named on a step (every version of every workflow) or a permission exists."""
    for (key, version), wf in sorted(registry.workflow_versions.items()):
        owner = registry.workflow_owner.get(key, "?")
        for step in wf.steps:
            for role in step.roles:
                if role not in ROLE_KEYS:
                    raise PluginError(f"plugin {owner!r}: workflow {key!r} v{version} step {step.key!r}: unknown role "
                                      f"{role!r} (known: {_known(ROLE_KEYS)})")
    for key, permission in sorted(registry.permissions.items()):
        for role in permission.roles:
            if role not in ROLE_KEYS:
                raise PluginError(f"plugin {registry.permission_owner[key]!r}: permission {key!r}: unknown role "
                                  f"{role!r} (known: {_known(ROLE_KEYS)})")


def _check_permission(registry, owner: str, place: str, permission) -> None:
    if permission is not None and permission not in registry.permissions:
        close = difflib.get_close_matches(permission, list(registry.permissions), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "known: " + _known(
            k for k, o in registry.permission_owner.items() if o == owner)
        raise PluginError(f"plugin {owner!r}: {place}: unknown permission {permission!r} ({hint})")


def check_permissions(platform) -> None:
    """Every permission named by an admin view or an API resource is registered."""
    registry = platform.registry
    for owner, spec in registry.call("register_admin_views", platform=platform):
        model = getattr(spec, "model", None)
        place = f"admin view {getattr(spec, 'slug', None) or getattr(model, '__name__', None) or spec!r}"
        _check_permission(registry, owner, place, getattr(spec, "permission", None))
    for owner, resource in registry.call("register_api_resources", platform=platform):
        _check_permission(registry, owner, f"API resource {getattr(resource, 'path', resource)!r}",
                          getattr(resource, "permission", None))


def check_promises(registry) -> None:
    """Every service's published limit covers its steps (DB1302 5.4.1): a ``ServiceEntry`` whose
    ``time_limit_days`` is less than the sum of its workflow's step limits -- the latest version,
    after ``[workflows.*]`` overrides, the one new requests start on -- would publish a promise the
    clock cannot keep (the last step falling due after the request). No published number
    (``None``) is fine: the engine then promises the sum itself."""
    for key, service in sorted(registry.services.items()):
        workflow = registry.workflows.get(service.workflow)
        if service.time_limit_days is None or workflow is None or service.time_limit_days >= workflow.total_days:
            continue
        steps = " + ".join(f"{s.key} {s.time_limit_days}" for s in workflow.steps)
        raise PluginError(f"plugin {registry.service_owner.get(key, '?')!r}: service {key!r} promises "
                          f"{service.time_limit_days} working days, but the steps of workflow {workflow.key!r} "
                          f"v{workflow.version} add up to {workflow.total_days} ({steps}): the published limit "
                          "must cover the steps (DB1302 5.4.1); shorten the steps or publish a longer limit with "
                          f"[workflows.{workflow.key}] time_limit_days = {workflow.total_days} in the config")


def check_declared(platform) -> None:
    """What plugins find wrong once everything is registered (hook ``check_plugin``): a declared
    service's unknown effect or guard, a bad parameter, an unknown permission; one line each, with
    the file and the line."""
    for _owner, problem in platform.registry.call("check_plugin", platform=platform):
        raise ConfigError(str(problem))


def check_plugins(platform) -> None:
    """The static checks, once the registry is built."""
    check_roles(platform.registry)
    check_declared(platform)  # before the generic permission check: a declared file names its line
    check_permissions(platform)
    check_promises(platform.registry)  # after the declared check: a declared file names its own line


def _migration_files(directory: str) -> list[str]:
    if not os.path.isdir(directory):
        return []
    return sorted(n for n in os.listdir(directory) if n.endswith(".py") and n[:1].isdigit())


def check_schema(platform) -> None:
    """Refuse to run on a database that lacks an enabled plugin's tables (or the core's)."""
    from rongtong.core import migrations

    registry = platform.registry
    tables = set(platform.db.get_tables())
    for owner in migrations.owners(registry):
        who = "the core" if owner == CORE else f"plugin {owner!r}"
        declared = "sync_schema" in registry.hooks_of(owner) and not _migration_files(migrations.migrations_dir(registry, owner))
        if declared:  # declared tables (a declared service's registers): `db upgrade` creates and alters them
            lacking = _declared_lacking(platform.db, registry.models_of(owner), tables)
            if lacking:
                raise PluginError(f"{who}: the database lacks {lacking[0]}"
                                  f"{f' (and {len(lacking) - 1} more)' if len(lacking) > 1 else ''}; "
                                  "run `rongtong db upgrade`")
            continue
        missing = [m._meta.table_name for m in registry.models_of(owner) if m._meta.table_name not in tables]
        if not missing:
            continue
        directory = migrations.migrations_dir(registry, owner)
        if not _migration_files(directory):
            raise PluginError(
                f"{who}: table {missing[0]!r} does not exist and there are no migrations in {directory}: "
                "a wheel built without the plugin's migrations/ directory (ship migrations/*.py as package data), "
                f"or write the first one with `rongtong db new --plugin {owner} initial`")
        pending = [m.name for m in migrations.runner(registry, owner).status() if not m.applied]
        if pending:
            raise PluginError(f"{who}: table {missing[0]!r} does not exist: {len(pending)} migration(s) not applied "
                              f"({', '.join(pending)}); run `rongtong db upgrade`")
        raise PluginError(f"{who}: table {missing[0]!r} does not exist although every migration in {directory} "
                          f"is applied; write one with `rongtong db new --plugin {owner} MESSAGE`")


def _declared_lacking(db, models, tables: set) -> list[str]:
    """The tables and columns of declared models the database does not have yet."""
    out = []
    for model in models:
        table = model._meta.table_name
        if table not in tables:
            out.append(f"table {table}")
            continue
        present = {c.name for c in db.get_columns(table)}
        out += [f"column {table}.{f.column_name}" for f in model._meta.sorted_fields if f.column_name not in present]
    return out
