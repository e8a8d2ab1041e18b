"""The audit trail: append-only, hash-chained events (DB1302 6.4.1.2 c, 5.3.2).

Each row stores the previous row's hash and its own: SHA-256 over a canonical JSON of the row (id,
time, actor, action, object, data, ip, previous hash). Ids are assigned here, consecutively, while
holding the write lock (SQLite: the IMMEDIATE transaction; PostgreSQL: an advisory transaction
lock), so the chain never forks. Editing, deleting or reordering a row breaks the chain and
:func:`verify` names the first broken row. Database triggers refuse UPDATE and DELETE outright.

Always call :func:`record` inside the transaction of the change it describes.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
from json.encoder import encode_basestring as _quote  # C-accelerated

from rongtong.core.db import database, is_postgres, is_sqlite
from rongtong.core.fields import dumps
from rongtong.core.models import AuditEvent, BaseModel, utcnow

GENESIS = "0" * 64
PG_LOCK_KEY = 0x52_54_41_55  # "RTAU": serialises appends to the chain on PostgreSQL

# Who is acting and from where, set by the web layer / CLI for the duration of a request.
_actor = contextvars.ContextVar("rongtong_audit_actor", default=None)
_ip = contextvars.ContextVar("rongtong_audit_ip", default="")


@contextlib.contextmanager
def acting_as(user, ip: str | None = None):
    """Attribute audit events recorded inside the block to ``user`` (and ``ip``; None keeps the
    current one, e.g. the web request's)."""
    t1, t2 = _actor.set(user), _ip.set(_ip.get() if ip is None else ip)
    try:
        yield
    finally:
        _actor.reset(t1)
        _ip.reset(t2)


def attributed_to(actor):
    """Attribute events inside the block to ``actor`` (keeping the IP), or leave the current
    attribution when ``actor`` is None (the engine runs reactions inside one)."""
    return acting_as(actor) if actor is not None else contextlib.nullcontext()


def current_actor():
    return _actor.get()


def current_ip() -> str:
    return _ip.get()


def _canonical(event_id, created_at, actor_id, actor_name, action, object_type, object_id, data, ip, prev_hash) -> bytes:
    stamp = created_at if isinstance(created_at, str) else created_at.isoformat(sep=" ", timespec="microseconds")
    return _canonical_text(event_id, stamp, actor_id, actor_name, action, object_type, object_id, data, ip,
                           prev_hash).encode("utf-8")


def _canonical_text(event_id, stamp, actor_id, actor_name, action, object_type, object_id, data, ip, prev_hash) -> str:
    """The JSON array ``[id, stamp, actor_id, actor_name, action, object_type, object_id, data, ip,
    prev_hash]`` (compact, UTF-8 kept), byte for byte what ``json.dumps`` gives, built directly
    because verifying a long trail spends most of its time here."""
    q = _quote
    try:
        return (f'[{_int(event_id)},{q(stamp)},{"null" if actor_id is None else _int(actor_id)},{q(actor_name)},'
                f'{q(action)},{q(object_type)},{q(object_id)},{q(data)},{q(ip)},{q(prev_hash)}]')
    except TypeError:  # an unexpected type: let json decide, exactly as before
        return json.dumps([event_id, stamp, actor_id, actor_name, action, object_type, object_id, data, ip, prev_hash],
                          separators=(",", ":"), ensure_ascii=False)


def _int(value) -> str:
    if type(value) is not int:
        raise TypeError(value)
    return str(value)


def _row_hash(*fields) -> str:
    return hashlib.sha256(_canonical(*fields)).hexdigest()


_COLUMNS = ("id", "created_at", "actor_id", "actor_name", "action", "object_type", "object_id", "data", "ip",
            "prev_hash", "hash")
_statements: dict[str, tuple[str, str]] = {}


def _sql() -> tuple[str, str]:
    """(select-last, insert) for the bound database, built once: every change writes an event, and
    peewee's query building would cost more than the statements themselves (bench/transitions.py)."""
    param = database.obj.param
    if param not in _statements:
        cols = ", ".join(f'"{c}"' for c in _COLUMNS)
        _statements[param] = (
            'SELECT "id", "hash" FROM "core_auditevent" ORDER BY "id" DESC LIMIT 1',
            f'INSERT INTO "core_auditevent" ({cols}) VALUES ({", ".join([param] * len(_COLUMNS))})',
        )
    return _statements[param]


def record(action: str, object_type: str = "", object_id="", data=None, actor=None, ip: str | None = None) -> AuditEvent:
    """Append one event. ``actor`` defaults to the one set by :func:`acting_as` (None = system)."""
    actor = actor if actor is not None else _actor.get()
    ip = ip if ip is not None else _ip.get()
    data_text = dumps(data if data is not None else {})
    select_last, insert = _sql()
    # Inside the caller's transaction (the usual case) no savepoint is needed: if the insert fails,
    # the whole change fails with it.
    with contextlib.nullcontext() if database.in_transaction() else database.atomic():
        if is_postgres():
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PG_LOCK_KEY,))
        last = database.execute_sql(select_last).fetchone()
        event_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        created_at = utcnow()
        actor_id = getattr(actor, "id", None)
        actor_name = getattr(actor, "username", None) or ("system" if actor is None else str(actor))
        object_id = "" if object_id is None else str(object_id)
        digest = _row_hash(event_id, created_at, actor_id, actor_name, action, object_type, object_id, data_text, ip, prev_hash)
        database.execute_sql(insert, (event_id, created_at, actor_id, actor_name, action, object_type, object_id,
                                      data_text, ip or "", prev_hash, digest))
    return AuditEvent(id=event_id, created_at=created_at, actor_id=actor_id, actor_name=actor_name,
                      action=action, object_type=object_type, object_id=object_id, data=data_text,
                      ip=ip or "", prev_hash=prev_hash, hash=digest)


def object_type_of(obj) -> str:
    return obj._meta.table_name


def diff(old: dict, new: dict) -> dict:
    """Field-level changes: ``{field: [old, new]}`` for every field whose value changed."""
    changed = {}
    for key in sorted(set(old) | set(new)):
        if dumps(old.get(key)) != dumps(new.get(key)):
            changed[key] = [old.get(key), new.get(key)]
    return changed


def record_create(obj, actor=None) -> AuditEvent:
    return record("create", object_type_of(obj), obj.get_id(), {"snapshot": obj.snapshot()}, actor)


def record_update(obj, before: dict, actor=None) -> AuditEvent | None:
    """Record the diff between ``before`` (a snapshot) and ``obj`` now; nothing if nothing changed."""
    changes = diff(before, obj.snapshot())
    if not changes:
        return None
    return record("update", object_type_of(obj), obj.get_id(), {"changes": changes}, actor)


def record_delete(obj, actor=None) -> AuditEvent:
    return record("delete", object_type_of(obj), obj.get_id(), {"snapshot": obj.snapshot()}, actor)


def events_for(obj):
    """The audit events about one record, oldest first."""
    return (AuditEvent.select()
            .where((AuditEvent.object_type == object_type_of(obj)) & (AuditEvent.object_id == str(obj.get_id())))
            .order_by(AuditEvent.id))


def event_data(event) -> dict:
    try:
        return json.loads(event.data or "{}")
    except ValueError:
        return {}


def head():
    """``(id, hash)`` of the newest event, or None for an empty trail."""
    return AuditEvent.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1).tuples().first()


def has_event_with_hash(digest: str) -> bool:
    return AuditEvent.select().where(AuditEvent.hash == digest.strip().lower()).exists()


def verify(batch_size: int = 50000):
    """Walk the chain in id order. Returns ``(count, first_broken_id_or_None)``.

    A row is broken when its id is not the previous id + 1 (a deleted or reordered row), its
    ``prev_hash`` is not the previous row's hash, or its own hash does not match its contents.

    Rows are read with plain SQL and hashed without building model objects: a million events
    verify in seconds (bench/audit_verify.py).
    """
    prev_hash, prev_id, count = GENESIS, 0, 0
    cols = ", ".join(f'"{c}"' for c in _COLUMNS)
    sql = f'SELECT {cols} FROM "core_auditevent" WHERE "id" > {database.obj.param} ORDER BY "id" LIMIT {int(batch_size)}'
    sha256, canonical = hashlib.sha256, _canonical_text
    to_datetime = AuditEvent.created_at.python_value
    while True:
        rows = database.execute_sql(sql, (prev_id,)).fetchall()
        for row in rows:
            event_id, stored_prev, stored_hash = row[0], row[9], row[10]
            if event_id != prev_id + 1 or stored_prev != prev_hash:
                return count, event_id
            text = canonical(event_id, _stamp(row[1], to_datetime), *row[2:10])
            if sha256(text.encode("utf-8")).hexdigest() != stored_hash:
                return count, event_id
            prev_hash, prev_id = stored_hash, event_id
            count += 1
        if len(rows) < batch_size:
            return count, None


def _stamp(value, to_datetime) -> str:
    """``created_at`` as hashed: ``YYYY-MM-DD HH:MM:SS.ffffff``, from a datetime (PostgreSQL) or the
    text SQLite stores (which leaves out ``.000000``)."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return value
        if len(value) == 19 and value[10] == " ":
            return value + ".000000"
        value = to_datetime(value)
    return value.isoformat(sep=" ", timespec="microseconds")


GUARD_SQL_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
GUARD_SQL_POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse()""",
]


def install_guards(db) -> None:
    """Make the audit table refuse UPDATE and DELETE (called by the core's migration)."""
    statements = GUARD_SQL_SQLITE if is_sqlite(db) else GUARD_SQL_POSTGRES if is_postgres(db) else []
    for sql in statements:
        db.execute_sql(sql)


# --- Audited models by declaration ------------------------------------------------------------------

_own_write = contextvars.ContextVar("rongtong_audited_write", default=False)


@contextlib.contextmanager
def _writing():
    token = _own_write.set(True)
    try:
        yield
    finally:
        _own_write.reset(token)


class AuditedModel(BaseModel):
    """A model whose every write is audited by the core, in the write's transaction.

    Subclass it instead of ``BaseModel`` (the declaration): ``save()`` (and so ``create()``)
    records ``create`` with the snapshot, or ``update`` with the changed fields as
    ``{field: [before, after]}`` (nothing when nothing changed); ``delete_instance()`` records
    ``delete`` with the snapshot. The actor is the one set by :func:`acting_as` -- the logged-in
    user on a web request, the transition's actor inside workflow reactions, the CLI's user.

    Query writes that would bypass the trail -- ``Model.update()``, ``delete()``, ``insert()``,
    ``insert_many()``, ``replace()``, ``bulk_create()``, ``bulk_update()`` -- are **refused**
    (TypeError). Use instance writes, or :meth:`update_where` for a guarded update
    (compare-and-set) of many rows, which audits each row it changes. A write that is more than
    an update names itself: ``save(audit_action="status", audit_note={"reason": ...})``.
    """

    def save(self, force_insert=False, only=None, *, audit_action: str | None = None,
             audit_note: dict | None = None):
        """Save and audit. ``audit_action`` names what happened when it is more than an update
        (``"status"``, ``"message"``...): the event is recorded under that name, with
        ``audit_note`` (e.g. ``{"reason": ...}``) and the changes, even if no field changed."""
        with database.atomic():
            before = None
            pk = self._pk
            if pk is not None and not force_insert:
                old = type(self).get_or_none(type(self)._meta.primary_key == pk)
                before = old.snapshot() if old is not None else None
            with _writing():
                rows = super().save(force_insert=force_insert, only=only)
            if before is None and pk is not None and not force_insert:
                return rows  # peewee updated a row that does not exist: nothing was written
            _audit_write(self, before, audit_action, audit_note)
        return rows

    def delete_instance(self, recursive=False, delete_nullable=False):
        with database.atomic():
            record_delete(self)
            with _writing():
                return super().delete_instance(recursive=recursive, delete_nullable=delete_nullable)

    @classmethod
    def update_where(cls, condition, changes: dict, *, audit_action: str | None = None,
                     audit_note: dict | None = None) -> int:
        """``UPDATE ... SET changes WHERE condition``, audited row by row (as :meth:`save`);
        returns how many rows changed (0 tells a guarded update that someone else moved first)."""
        with database.atomic():
            rows = list(cls.select().where(condition))
            if not rows:
                return 0
            key = cls._meta.primary_key
            with _writing():
                count = super().update(**changes).where(condition & key.in_([r._pk for r in rows])).execute()
            for row in rows:
                fresh = cls.get_or_none(key == row._pk)
                if fresh is not None:
                    _audit_write(fresh, row.snapshot(), audit_action, audit_note)
            return count

    @classmethod
    def _refuse(cls, what: str):
        raise TypeError(f"{cls.__name__} is audited: {what} would bypass the audit trail; "
                        "use save(), delete_instance() or update_where()")


def _audit_write(obj, before: dict | None, action: str | None, note: dict | None) -> None:
    if before is None and action is None:
        record_create(obj)
    elif action is None:
        record_update(obj, before)
    else:
        changes = diff(before or {}, obj.snapshot())
        record(action, object_type_of(obj), obj.get_id(), {**(note or {}), "changes": changes})


def _guard(name):
    def method(cls, *args, **kwargs):
        if not _own_write.get():
            cls._refuse(f"{cls.__name__}.{name}()")
        return getattr(super(AuditedModel, cls), name)(*args, **kwargs)

    method.__name__ = name
    return classmethod(method)


for _name in ("update", "delete", "insert", "insert_many", "insert_from", "replace", "replace_many",
              "bulk_create", "bulk_update"):
    setattr(AuditedModel, _name, _guard(_name))


def is_audited(model) -> bool:
    """True for an :class:`AuditedModel` (class or instance): the core audits its writes."""
    cls = model if isinstance(model, type) else type(model)
    return issubclass(cls, AuditedModel)
