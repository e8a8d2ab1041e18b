"""The audit trail (issue 2 §6; DB1302 5.3.2 technical protection of the platform's records):
append-only, hash-chained, written in the change's transaction.

Tampering through SQL — editing, deleting or reordering rows — is found by `rongtong audit verify`
(exit 1, naming the first broken row). Database guards refuse UPDATE and DELETE on both engines.
"""
from __future__ import annotations

import json

import peewee
import pytest

from rongtong.core import audit
from rongtong.core.db import database, is_postgres
from rongtong.core.models import AuditEvent
from tests import factories
from tests.core.test_cli import rongtong


@pytest.fixture
def events(platform):
    """Five events, as a platform writes them."""
    for n in range(5):
        audit.record("export", "core_enterprise", n, {"rows": n, "名称": "企业"})
    return list(AuditEvent.select().order_by(AuditEvent.id))


def drop_guards():
    if is_postgres():
        database.execute_sql("DROP TRIGGER core_auditevent_append_only ON core_auditevent")
    else:
        database.execute_sql("DROP TRIGGER core_auditevent_no_update")
        database.execute_sql("DROP TRIGGER core_auditevent_no_delete")


def verify_cli(tmp_path, database_url):
    return rongtong("audit", "verify", cwd=tmp_path, database_url=database_url)


# --- the chain -------------------------------------------------------------------------------------

def test_each_row_holds_the_previous_rows_hash(events):
    assert [e.id for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == audit.GENESIS
    for before, after in zip(events, events[1:]):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in events}) == 5
    assert json.loads(events[2].data) == {"rows": 2, "名称": "企业"}


def test_verify_ok(events, tmp_path, database_url):
    assert audit.verify() == (5, None)
    assert audit.verify(batch_size=2) == (5, None)  # batches join up
    result = verify_cli(tmp_path, database_url)
    assert (result.returncode, result.stdout) == (0, "ok 5 events\n")


def test_verify_empty_trail(platform):
    assert audit.verify() == (0, None)


def test_a_rolled_back_change_leaves_no_event_and_an_intact_chain(events):
    with pytest.raises(RuntimeError):
        with database.atomic():
            audit.record("export", "x", 1)
            raise RuntimeError("abort")
    assert AuditEvent.select().count() == 5
    audit.record("export", "x", 2)
    assert audit.verify() == (6, None)


# --- tampering ------------------------------------------------------------------------------------

def test_editing_a_row_is_detected(events, tmp_path, database_url):
    drop_guards()
    AuditEvent.update(data='{"rows":99}').where(AuditEvent.id == 3).execute()
    assert audit.verify() == (2, 3)
    result = verify_cli(tmp_path, database_url)
    assert result.returncode == 1
    assert "broken at event 3" in result.stderr and "Traceback" not in result.stderr


def test_editing_a_row_and_its_hash_is_detected_at_the_next_row(events, tmp_path, database_url):
    """A forger who recomputes the edited row's own hash still breaks the link to the next row."""
    drop_guards()
    row = AuditEvent.get_by_id(3)
    forged = audit._row_hash(row.id, row.created_at, row.actor_id, "mallory", row.action, row.object_type,
                             row.object_id, row.data, row.ip, row.prev_hash)
    AuditEvent.update(actor_name="mallory", hash=forged).where(AuditEvent.id == 3).execute()
    assert audit.verify() == (3, 4)
    assert "broken at event 4" in verify_cli(tmp_path, database_url).stderr


def test_deleting_a_row_is_detected(events, tmp_path, database_url):
    drop_guards()
    AuditEvent.delete().where(AuditEvent.id == 2).execute()
    assert audit.verify() == (1, 3)
    result = verify_cli(tmp_path, database_url)
    assert result.returncode == 1 and "broken at event 3" in result.stderr


def test_deleting_the_newest_rows_is_caught_by_a_recorded_head(events, tmp_path, database_url):
    """A chain cannot tell that its tail was cut; a head hash kept off-site can (DB1302 5.3.2)."""
    recorded = rongtong("audit", "head", cwd=tmp_path, database_url=database_url)
    head_id, head_hash = recorded.stdout.split()
    assert int(head_id) == AuditEvent.select().count()
    ok = rongtong("audit", "verify", "--expect-head", head_hash, cwd=tmp_path, database_url=database_url)
    assert ok.returncode == 0 and ok.stdout.startswith("ok ")
    drop_guards()
    AuditEvent.delete().where(AuditEvent.id == int(head_id)).execute()
    assert rongtong("audit", "verify", cwd=tmp_path, database_url=database_url).returncode == 0  # the chain alone
    cut = rongtong("audit", "verify", "--expect-head", head_hash, cwd=tmp_path, database_url=database_url)
    assert cut.returncode == 1 and head_hash in cut.stderr


def test_reordering_rows_is_detected(events, tmp_path, database_url):
    """Swap the contents of rows 2 and 4 (as if their ids had been exchanged)."""
    drop_guards()
    two, four = AuditEvent.get_by_id(2), AuditEvent.get_by_id(4)
    fields = ["created_at", "actor_id", "actor_name", "action", "object_type", "object_id", "data", "ip",
              "prev_hash", "hash"]
    with database.atomic():
        AuditEvent.update({getattr(AuditEvent, f): getattr(four, f) for f in fields}).where(AuditEvent.id == 2).execute()
        AuditEvent.update({getattr(AuditEvent, f): getattr(two, f) for f in fields}).where(AuditEvent.id == 4).execute()
    assert audit.verify() == (1, 2)
    result = verify_cli(tmp_path, database_url)
    assert result.returncode == 1 and "broken at event 2" in result.stderr


def test_renumbering_rows_is_detected(events):
    drop_guards()
    AuditEvent.update(id=AuditEvent.id + 100).where(AuditEvent.id >= 4).execute()
    assert audit.verify() == (3, 104)


# --- the guards -----------------------------------------------------------------------------------

def test_the_database_refuses_update_and_delete(events):
    for statement in (AuditEvent.update(actor_name="mallory").where(AuditEvent.id == 1),
                      AuditEvent.delete().where(AuditEvent.id == 5),
                      AuditEvent.delete()):
        with pytest.raises(peewee.DatabaseError, match="append-only"):
            with database.atomic():
                statement.execute()
    assert [e.actor_name for e in AuditEvent.select().order_by(AuditEvent.id)] == [e.actor_name for e in events]
    assert audit.verify() == (5, None)


def test_no_cascade_reaches_the_audit_trail(platform):
    """AuditEvent has no foreign keys: deleting what an event is about never deletes the event."""
    assert not any(isinstance(f, peewee.ForeignKeyField) for f in AuditEvent._meta.sorted_fields)
    ent = factories.enterprise()
    with database.atomic():
        audit.record_create(ent)
        audit.record_delete(ent)
        ent.delete_instance()
    assert [e.action for e in audit.events_for(ent)] == ["create", "delete"]


# --- what events say ------------------------------------------------------------------------------

def test_create_update_delete_events(platform):
    ent = factories.enterprise("甲公司")
    created = audit.record_create(ent)
    assert audit.event_data(created)["snapshot"]["name"] == "甲公司"
    before = ent.snapshot()
    assert audit.record_update(ent, before) is None  # nothing changed, nothing recorded
    ent.name, ent.region = "甲公司（新）", "保定"
    ent.save()
    updated = audit.record_update(ent, before)
    changes = audit.event_data(updated)["changes"]
    assert changes["name"] == ["甲公司", "甲公司（新）"] and changes["region"] == ["石家庄", "保定"]
    deleted = audit.record_delete(ent)
    assert deleted.action == "delete" and audit.event_data(deleted)["snapshot"]["name"] == "甲公司（新）"
    assert audit.verify() == (3, None)


def test_secrets_never_reach_the_trail(platform):
    u = factories.user("alice", ["staff"])
    event = audit.record_create(u)
    assert "password_hash" not in audit.event_data(event)["snapshot"]
    assert u.password_hash not in AuditEvent.get_by_id(event.id).data


def test_actor_and_ip_come_from_the_context(platform):
    staff = factories.user("staff", ["staff"])
    with audit.acting_as(staff, "10.0.0.7"):
        event = audit.record("login")
    assert (event.actor_id, event.actor_name, event.ip) == (staff.id, "staff", "10.0.0.7")
    system = audit.record("failed_login", data={"username": "nobody"})
    assert (system.actor_id, system.actor_name, system.ip) == (None, "system", "")
    stored = AuditEvent.get_by_id(system.id)
    assert (stored.action, stored.hash) == ("failed_login", system.hash)



@pytest.mark.parametrize("text", ["", "plain", 'quo"te', "back\\slash", "new\nline\ttab", "\x00\x1f\x7f",
                                  "中文，全角", "emoji 🎉", "\u2028\u2029", '{"k":[1,2]}'])
def test_canonical_form_is_exactly_json(text):
    """The hash covers json.dumps of the row; the fast path must agree byte for byte, or old chains
    would stop verifying."""
    import datetime

    stamp = datetime.datetime(2026, 3, 2, 10, 0, 0)
    for actor_id in (None, 7):
        expected = json.dumps([12, "2026-03-02 10:00:00.000000", actor_id, text, "update", text, "3", text, text,
                               audit.GENESIS], separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        assert audit._canonical(12, stamp, actor_id, text, "update", text, "3", text, text, audit.GENESIS) == expected


def test_events_with_whole_second_timestamps_verify(platform, monkeypatch):
    """SQLite stores a time without microseconds as 'YYYY-MM-DD HH:MM:SS'; the hash still matches."""
    import datetime

    monkeypatch.setattr(audit, "utcnow", lambda: datetime.datetime(2026, 3, 2, 10, 0, 0))
    audit.record("login")
    audit.record("logout")
    assert audit.verify() == (2, None)
