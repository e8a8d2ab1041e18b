"""Schema migrations: ``playhouse.migrations.Runner`` per owner (the core, then each enabled
plugin in dependency order), each with its own history table (``core_migrations``,
``<plugin>_migrations``). Tables are never created at boot.
"""
from __future__ import annotations

import os
from pathlib import Path

from playhouse.migrations import Runner, template
from playhouse.schema_diff import diff_models

from rongtong.core.db import database

CORE_MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def migrations_dir(registry, owner: str) -> str:
    if owner == "core":
        return CORE_MIGRATIONS
    return registry.plugins[owner].migrations_dir


def runner(registry, owner: str) -> Runner:
    return Runner(database.obj, migrations_dir(registry, owner), table_name=f"{owner}_migrations")


def owners(registry) -> list[str]:
    """Core first, then plugins in dependency order (the registry's load order)."""
    return list(registry.plugins)


def upgrade(registry) -> dict[str, list[str]]:
    """Apply every pending migration; returns ``{owner: [applied names]}``."""
    done = {}
    for owner in owners(registry):
        directory = migrations_dir(registry, owner)
        if not os.path.isdir(directory):
            done[owner] = []
            continue
        done[owner] = runner(registry, owner).up()
    for owner, line in registry.call("sync_schema", platform=registry.platform):  # declared tables
        done.setdefault(owner, []).append(line)
    return done


def status(registry) -> dict[str, list[dict]]:
    out = {}
    for owner in owners(registry):
        directory = migrations_dir(registry, owner)
        if not os.path.isdir(directory):
            out[owner] = []
            continue
        out[owner] = [{"name": m.name, "applied": m.applied.isoformat() if m.applied else None}
                      for m in runner(registry, owner).status()]
    return out


def pending(registry) -> dict[str, list[str]]:
    return {o: [m["name"] for m in rows if not m["applied"]] for o, rows in status(registry).items()}


def schema_diff(registry, owner: str):
    """What the database lacks or has extra compared with ``owner``'s models (falsy when equal)."""
    return diff_models(database.obj, registry.models_of(owner))


def new_migration(registry, owner: str, message: str) -> str | None:
    """Write a migration for the difference between the database and ``owner``'s models.
    Returns its path, or None when there is no difference."""
    diff = schema_diff(registry, owner)
    if not diff:
        return None
    body = template(diff)
    body = f'"""{message}"""\n' + body.split('"""', 2)[-1].lstrip("\n") if body.startswith('"""') else f'"""{message}"""\n{body}'
    return runner(registry, owner).create(message, body=body)
