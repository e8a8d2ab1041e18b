"""Workflow versions of declared services (issue 11 §4), kept in ``core_workflowversion``.

When a platform is built, each declared service compares its file's workflow part (intake, steps,
effects: :attr:`Declaration.checksum`) with the latest stored version. Equal: that version runs new
requests. Different: a new version is stored (one transaction, with its audit event) and runs new
requests; requests already filed stay on theirs, rebuilt from the stored definition even though the
file no longer says it. On a database whose tables do not exist yet (before the first
``rongtong db upgrade``), the file is version 1 and is stored by the upgrade.
"""
from __future__ import annotations

import json
import logging

import peewee

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.models import WorkflowVersion

from .spec import Declaration

TABLE = WorkflowVersion._meta.table_name
log = logging.getLogger(__name__)


def _jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def has_table() -> bool:
    """Whether the versions table can be read. A registry built for inspection only (``plugins
    list``, a test) may find no database bound, or one that is gone: then the file is version 1."""
    if database.obj is None:
        return False
    try:
        return database.obj.table_exists(TABLE)
    except peewee.OperationalError as exc:
        log.warning("workflow versions not read from %s (%s): each declared file counts as version 1", TABLE, exc)
        return False


def stored(key: str) -> list[WorkflowVersion]:
    return list(WorkflowVersion.select().where(WorkflowVersion.workflow_key == key).order_by(WorkflowVersion.version))


def resolve(declaration: Declaration, record: bool = True) -> list[tuple[int, dict]]:
    """``[(version, definition)]`` oldest first, the file's own last; stores the file's version
    when it is new and ``record`` (and the table exists)."""
    if not has_table():  # no database yet (an inspection, or before the first upgrade)
        return [(1, declaration.data)]
    rows = stored(declaration.key)
    if rows and rows[-1].checksum == declaration.checksum:
        return [(r.version, r.definition) for r in rows[:-1]] + [(rows[-1].version, declaration.data)]
    version = rows[-1].version + 1 if rows else 1
    if record:
        version = store(declaration, version)
        rows = [r for r in stored(declaration.key) if r.version < version]
    return [(r.version, r.definition) for r in rows] + [(version, declaration.data)]


def store(declaration: Declaration, version: int) -> int:
    """Store ``version`` of the declaration; when another process stored it first (two workers
    starting at once), use theirs. Returns the version that holds the file's definition."""
    try:
        with database.atomic():
            row = WorkflowVersion.create(workflow_key=declaration.key, version=version, checksum=declaration.checksum,
                                         definition=_jsonable(declaration.data), source=declaration.path)
            audit.record("create", TABLE, row.id, {"workflow": declaration.key, "version": version,
                                                   "checksum": declaration.checksum, "source": declaration.path}, None)
        return version
    except peewee.IntegrityError:
        for row in reversed(stored(declaration.key)):
            if row.checksum == declaration.checksum:
                return row.version
        raise
