"""Audited models by declaration and the step-record mechanism of the public plugin API (issue 10
§1): a plugin declares ``AuditedModel`` and ``StepRecord``; the core writes the audit trail
(DB1302 5.3.2, 6.4.1.2 c) in the same transaction, naming who acted.

Exercised through the sample plugin's ``SampleNote`` (an ``AuditedModel`` with a request field).
"""
from __future__ import annotations

import pytest

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.models import AuditEvent
from rongtong.core.plugin import StepRecord
from tests.core.test_hooks import make_plugin
from tests.fixtures.sampleplugin.models import SampleNote


def events_of(obj) -> list[tuple[str, str, dict]]:
    return [(e.action, e.actor_name, audit.event_data(e)) for e in audit.events_for(obj)]


# --- AuditedModel ----------------------------------------------------------------------------------

def test_create_update_delete_are_audited_with_the_acting_user(platform, people):
    with audit.acting_as(people.staff):
        note = SampleNote.create(text="first")
        note.text = "second"
        note.save()
        note.save()  # nothing changed: no event
        note.delete_instance()
    assert [(a, who) for a, who, _ in events_of(note)] == [("create", "staff"), ("update", "staff"),
                                                           ("delete", "staff")]
    created, updated, deleted = (d for _, _, d in events_of(note))
    assert created["snapshot"]["text"] == "first"
    assert updated == {"changes": {"text": ["first", "second"]}}
    assert deleted["snapshot"]["text"] == "second"


def test_a_failed_write_leaves_no_audit_event(platform):
    before = AuditEvent.select().count()
    with pytest.raises(RuntimeError):
        with database.atomic():
            SampleNote.create(text="gone")
            raise RuntimeError("rolled back")
    assert AuditEvent.select().count() == before
    assert not SampleNote.select().exists()


@pytest.mark.parametrize("write", [
    lambda: SampleNote.update(text="x").execute(),
    lambda: SampleNote.delete().execute(),
    lambda: SampleNote.insert(text="x").execute(),
    lambda: SampleNote.insert_many([{"text": "x"}]).execute(),
    lambda: SampleNote.bulk_create([SampleNote(text="x")]),
])
def test_query_writes_that_would_bypass_the_trail_are_refused(platform, write):
    with pytest.raises(TypeError, match="SampleNote is audited"):
        write()


def test_update_where_audits_each_row_it_changes(platform, people):
    with audit.acting_as(people.admin):
        a, b, c = (SampleNote.create(text=t) for t in ("old", "old", "kept"))
        assert SampleNote.update_where(SampleNote.text == "old", {"text": "new"}) == 2
        assert SampleNote.update_where(SampleNote.text == "nothing", {"text": "new"}) == 0
    assert [SampleNote.get_by_id(n.id).text for n in (a, b, c)] == ["new", "new", "kept"]
    for note in (a, b):
        assert events_of(note)[-1] == ("update", "admin", {"changes": {"text": ["old", "new"]}})
    assert [e[0] for e in events_of(c)] == ["create"]


def test_a_named_write_is_audited_under_its_name_with_its_note(platform, people):
    with audit.acting_as(people.staff):
        note = SampleNote.create(text="draft")
        note.text = "final"
        note.save(audit_action="publish", audit_note={"reason": "checked"})
    assert events_of(note)[-1] == ("publish", "staff", {"reason": "checked", "changes": {"text": ["draft", "final"]}})


# --- StepRecord ------------------------------------------------------------------------------------

RECORDER = """
from rongtong.core.plugin import StepRecord, hookimpl
from tests.fixtures.sampleplugin.models import SampleNote

NOTE = StepRecord(SampleNote, workflow="sample", create=lambda request: {"text": "opened: " + request.title})

@NOTE.on("accept")
def accepted(note, data, event):
    note.text = "need: " + data["need"]

@NOTE.on("evaluate")  # the last step: its advance is recorded as outcome "complete"
def evaluated(note, data, event):
    if data["score"] == 1:
        raise RuntimeError("a score of 1 is refused")
    note.text += f", score {data['score']} by {event.actor.username}"

@hookimpl
def register_reactions():
    return NOTE.reactions()
"""


@pytest.fixture
def recorder(make_platform, tmp_path, monkeypatch):
    eps = make_plugin(tmp_path, monkeypatch, "recorder", RECORDER)
    platform = make_platform(plugins=("sample", "recorder"), entry_points=eps)
    return platform, platform.registry.plugins["recorder"].module.NOTE


def test_the_record_is_created_at_open_and_written_by_each_step(recorder, people):
    platform, record = recorder
    engine = platform.engine
    req = engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    assert record.of(req).text == "opened: t"
    engine.transition(req.id, "advance", people.staff, data={"need": "a plan"})
    assert record.of(req).text == "need: a plan"
    engine.transition(req.id, "advance", people.staff, data={"deliverable": "d", "hours": 1})  # no handler
    engine.transition(req.id, "complete", people.user_a, data={"score": 5})
    note = record.of(req)
    assert note.text == "need: a plan, score 5 by user_a"
    # Every write audited in its transition's transaction, naming the transition's actor.
    assert [(a, who) for a, who, _ in events_of(note)] == [("create", "user_a"), ("update", "staff"),
                                                           ("update", "user_a")]


def test_a_raising_step_handler_rolls_the_transition_and_the_record_back(recorder, people):
    platform, record = recorder
    engine = platform.engine
    req = engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    engine.transition(req.id, "advance", people.staff, data={"need": "n"})
    engine.transition(req.id, "advance", people.staff, data={"deliverable": "d", "hours": 1})
    events = AuditEvent.select().count()
    with pytest.raises(RuntimeError, match="score of 1"):
        engine.transition(req.id, "complete", people.user_a, data={"score": 1})
    assert record.of(req).text == "need: n"
    assert AuditEvent.select().count() == events
    assert type(req).get_by_id(req.id).status == "open"


def test_a_step_record_needs_an_audited_model_with_a_request_field():
    from rongtong.core.models import Department

    with pytest.raises(TypeError, match="must be an AuditedModel"):
        StepRecord(Department, workflow="sample")
    with pytest.raises(TypeError, match="no field 'case'"):
        StepRecord(SampleNote, workflow="sample", request_field="case")
