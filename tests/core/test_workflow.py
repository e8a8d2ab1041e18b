"""The workflow engine (issue 2 §5; DB1302 5.4.1 promised time limits, 6.3 a complete process).

The sample plugin's workflow v2: accept (staff, 2 working days) → deliver (staff or the assigned
expert, 5) → evaluate (the enterprise, 3); the service promises 10 working days. Times are driven
by a controllable clock so the working-day arithmetic is exact; dates below are local (Asia/Shanghai).
"""
from __future__ import annotations

import datetime

import pytest

from rongtong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, WorkflowError
from rongtong.core.models import AuditEvent, ServiceRequest, Transition
from rongtong.core.workflow import Step, Workflow
from tests.core.test_hooks import make_plugin

# 2026-03-02 is a Monday; March 2026 has no public holiday. 02:00 UTC is 10:00 in Shanghai.
MON = datetime.datetime(2026, 3, 2, 2, 0)


def day(n: int, hour: int = 2) -> datetime.datetime:
    """``n`` days after Monday 2026-03-02, at ``hour`` UTC."""
    return MON.replace(hour=hour) + datetime.timedelta(days=n)


def end_of(date: str) -> datetime.datetime:
    """The end (23:59:59 Shanghai) of a local date, as stored: naive UTC."""
    y, m, d = map(int, date.split("-"))
    return datetime.datetime(y, m, d, 15, 59, 59)


@pytest.fixture
def clock(monkeypatch):
    """The engine's 'now'; set ``clock.now`` to move time."""
    from rongtong.core import workflow as engine_module

    class Clock:
        now = MON

    c = Clock()
    monkeypatch.setattr(engine_module, "utcnow", lambda: c.now)
    return c


@pytest.fixture
def engine(platform):
    return platform.engine


def file(engine, people, title="需要帮助", user=None, **kw):
    return engine.open_request(enterprise=people.ent_a, service_key="sample", actor=user or people.user_a,
                               title=title, **kw)


def counts():
    return Transition.select().count(), AuditEvent.select().count()


ACCEPT = {"need": "技术咨询"}
DELIVER = {"deliverable": "报告", "hours": 3}


# --- the happy path ---------------------------------------------------------------------------------

def test_linear_walk_to_completion(engine, people, clock):
    """DB1302 6.3: every step recorded, from filing to completion."""
    req = file(engine, people)
    assert (req.workflow_key, req.workflow_version, req.current_step, req.status, req.version) == ("sample", 2, "accept", "open", 1)
    assert req.step_due_at == end_of("2026-03-04")  # 2 working days
    assert req.due_at == end_of("2026-03-16")  # the published 10 working days

    clock.now = day(1)
    t = engine.transition(req.id, "advance", people.staff, data=ACCEPT, expected_version=1)
    assert (t.from_step, t.to_step, t.outcome, t.actor_id, t.data) == ("accept", "deliver", "advance", people.staff.id, ACCEPT)
    clock.now = day(2)
    engine.transition(req.id, "advance", people.staff, data=DELIVER, expected_version=2)
    req = ServiceRequest.get_by_id(req.id)
    assert (req.current_step, req.version) == ("evaluate", 3)
    assert req.step_due_at == end_of("2026-03-09")  # Wed + 3 working days = next Monday
    assert req.due_at == end_of("2026-03-16")  # unchanged by steps

    clock.now = day(3)
    t = engine.transition(req.id, "complete", people.user_a, data={"score": 5})
    req = ServiceRequest.get_by_id(req.id)
    assert (req.status, req.closed_at, req.due_at, req.step_due_at) == ("completed", day(3), None, None)
    assert t.to_step == "evaluate" and t.outcome == "complete"
    assert [x.outcome for x in engine.transitions_of(req)] == ["open", "advance", "advance", "complete"]
    assert engine.actions(req, people.staff) == [] and engine.actions(req, people.admin) == []
    with pytest.raises(WorkflowError, match="closed"):
        engine.transition(req.id, "withdraw", people.user_a, reason="too late")


def test_every_transition_is_an_audit_event(engine, people):
    req = file(engine, people)
    t = engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.object_type, event.object_id, event.actor_id) == (
        "transition", "core_servicerequest", str(req.id), people.staff.id)
    from rongtong.core.audit import event_data

    assert event_data(event) == {"outcome": "advance", "from": "accept", "to": "deliver", "reason": "",
                                 "status": "open", "data": ACCEPT, "transition_id": t.id}
    opened = AuditEvent.get((AuditEvent.action == "create") & (AuditEvent.object_type == "core_servicerequest"))
    assert opened.object_id == str(req.id)


def test_last_step_offers_complete_not_advance(engine, people):
    req = file(engine, people)
    engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    engine.transition(req.id, "advance", people.staff, data=DELIVER)
    req = ServiceRequest.get_by_id(req.id)
    assert [a.outcome for a in engine.actions(req, people.user_a)] == ["complete", "withdraw"]
    with pytest.raises(WorkflowError):
        engine.transition(req.id, "advance", people.user_a, data={"score": 5})


# --- reasons, returns, rejects ---------------------------------------------------------------------

def test_return_to_an_earlier_step_needs_a_reason(engine, people):
    req = file(engine, people)
    engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    before = counts()
    with pytest.raises(ValidationFailed) as err:
        engine.transition(req.id, "return", people.staff, reason="   ")
    assert "reason" in err.value.fields
    assert counts() == before
    t = engine.transition(req.id, "return", people.staff, reason="材料不全", target="accept")
    assert (t.from_step, t.to_step, t.reason) == ("deliver", "accept", "材料不全")
    assert ServiceRequest.get_by_id(req.id).current_step == "accept"


def test_return_only_to_earlier_steps(engine, people):
    req = file(engine, people)
    with pytest.raises(WorkflowError):  # nothing before the first step
        engine.transition(req.id, "return", people.staff, reason="x")
    engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    with pytest.raises(ValidationFailed) as err:
        engine.transition(req.id, "return", people.staff, reason="x", target="evaluate")
    assert "target" in err.value.fields


def test_reject_needs_a_reason_and_closes(engine, people, clock):
    req = file(engine, people)
    with pytest.raises(ValidationFailed) as err:
        engine.transition(req.id, "reject", people.staff)
    assert list(err.value.fields) == ["reason"]
    clock.now = day(1)
    engine.transition(req.id, "reject", people.staff, reason="不属于服务范围")
    req = ServiceRequest.get_by_id(req.id)
    assert (req.status, req.closed_at, req.due_at) == ("rejected", day(1), None)


def test_a_step_without_reject_refuses_it(engine, people):
    req = file(engine, people)
    engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    engine.transition(req.id, "advance", people.staff, data=DELIVER)
    with pytest.raises(WorkflowError):  # evaluate allows only advance
        engine.transition(req.id, "reject", people.user_a, reason="no")


# --- pause / resume: paused time does not count ----------------------------------------------------

def test_pause_and_resume_shift_the_due_dates_by_the_paused_working_days(engine, people, clock):
    """DB1302 5.4.1: time waiting for the enterprise's materials (补正) is not the platform's."""
    req = file(engine, people)
    with pytest.raises(ValidationFailed):
        engine.transition(req.id, "pause", people.staff)  # a reason says what is missing
    clock.now = day(1)  # Tue
    engine.transition(req.id, "pause", people.staff, reason="请补充营业执照")
    req = ServiceRequest.get_by_id(req.id)
    assert (req.status, req.paused_at, req.due_at, req.step_due_at) == ("paused", day(1), None, None)
    assert [a.outcome for a in engine.actions(req, people.staff)] == ["resume"]
    with pytest.raises(WorkflowError):
        engine.transition(req.id, "advance", people.staff, data=ACCEPT)

    clock.now = day(4)  # Fri: Wed, Thu, Fri were paused (3 working days)
    engine.transition(req.id, "resume", people.user_a)  # the enterprise hands in its materials
    req = ServiceRequest.get_by_id(req.id)
    assert (req.status, req.paused_at) == ("open", None)
    assert req.step_due_at == end_of("2026-03-09")  # 03-04 + 3 working days
    assert req.due_at == end_of("2026-03-19")  # 03-16 + 3 working days
    clock_now = engine.clock(req, now=day(4))
    assert (clock_now.paused_working_days, clock_now.step_paused_working_days) == (3, 3)

    clock.now = day(7)  # Mon: weekends paused count for nothing
    engine.transition(req.id, "pause", people.staff, reason="again")
    clock.now = day(8, hour=20)  # Tue 04:00 Shanghai on Wednesday 03-11
    engine.transition(req.id, "resume", people.staff)
    req = ServiceRequest.get_by_id(req.id)
    assert req.due_at == end_of("2026-03-23")  # two more paused working days (03-10, 03-11)
    assert engine.clock(req).paused_working_days == 5


def test_resume_only_by_a_step_actor_or_the_own_enterprise(engine, people):
    req = file(engine, people)
    engine.transition(req.id, "pause", people.staff, reason="materials")
    with pytest.raises(PermissionDenied):
        engine.transition(req.id, "resume", people.user_b)
    with pytest.raises(PermissionDenied):
        engine.transition(req.id, "resume", people.expert)


# --- withdraw --------------------------------------------------------------------------------------

def test_withdraw_only_by_the_enterprises_own_user(engine, people):
    req = file(engine, people)
    for outsider in (people.user_b, people.staff, people.expert):
        with pytest.raises(PermissionDenied):
            engine.transition(req.id, "withdraw", outsider, reason="x")
    with pytest.raises(ValidationFailed):
        engine.transition(req.id, "withdraw", people.user_a)
    engine.transition(req.id, "withdraw", people.user_a, reason="已自行解决")
    assert ServiceRequest.get_by_id(req.id).status == "withdrawn"


def test_withdraw_while_paused(engine, people):
    req = file(engine, people)
    engine.transition(req.id, "pause", people.staff, reason="materials")
    engine.transition(req.id, "withdraw", people.user_a, reason="不再需要")
    req = ServiceRequest.get_by_id(req.id)
    assert (req.status, req.due_at) == ("withdrawn", None)


# --- who may act ------------------------------------------------------------------------------------

def test_acting_needs_a_role_of_the_step(engine, people):
    req = file(engine, people)
    for user in (people.expert, people.evaluator, people.user_a):
        with pytest.raises(PermissionDenied):
            engine.transition(req.id, "advance", user, data=ACCEPT)
    engine.transition(req.id, "advance", people.staff, data=ACCEPT)


def test_an_expert_acts_only_when_assigned(engine, people):
    req = file(engine, people)
    engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    with pytest.raises(PermissionDenied):
        engine.transition(req.id, "advance", people.expert, data=DELIVER)
    ServiceRequest.update(assignee=people.expert).where(ServiceRequest.id == req.id).execute()
    engine.transition(req.id, "advance", people.expert, data=DELIVER)


def test_an_enterprise_acts_only_on_its_own_requests(engine, people):
    req = file(engine, people)
    engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    engine.transition(req.id, "advance", people.staff, data=DELIVER)
    with pytest.raises(PermissionDenied):
        engine.transition(req.id, "complete", people.user_b, data={"score": 1})
    engine.transition(req.id, "complete", people.user_a, data={"score": 4})


def test_acting_needs_the_workflow_act_permission_too(engine, people, platform):
    """Acting on a step is its own permission (workflow.<key>.act), not 'may edit the request'."""
    import dataclasses

    reg = platform.registry
    reg.permissions["workflow.sample.act"] = dataclasses.replace(reg.permissions["workflow.sample.act"], roles=("expert",))
    req = file(engine, people)
    with pytest.raises(PermissionDenied):  # staff has the step role but not the permission
        engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    engine.transition(req.id, "advance", people.admin, data=ACCEPT)  # admins hold every permission


def test_inactive_users_cannot_act(engine, people):
    req = file(engine, people)
    people.staff.active = False
    people.staff.save()
    with pytest.raises(PermissionDenied):
        engine.transition(req.id, "advance", people.staff, data=ACCEPT)


def test_actions_list_what_the_user_may_do(engine, people):
    req = file(engine, people)
    staff = {a.outcome: a for a in engine.actions(req, people.staff)}
    assert list(staff) == ["advance", "reject", "pause"]  # no earlier step to return to
    assert staff["advance"].targets == ("deliver",) and staff["advance"].as_dict()["fields"] == ["need"]
    assert staff["reject"].needs_reason
    assert [a.outcome for a in engine.actions(req, people.user_a)] == ["withdraw"]
    assert engine.actions(req, people.user_b) == [] and engine.actions(req, people.expert) == []


# --- config overrides -------------------------------------------------------------------------------

def test_config_overrides_time_limit_and_roles(make_platform, clock):
    platform = make_platform(workflows={"sample": {"steps": {"deliver": {"time_limit_days": 4},
                                                             "accept": {"roles": ["expert"]}}}})
    from tests.factories import make_people

    people = make_people()
    engine = platform.engine
    req = file(engine, people, assignee=people.expert)
    with pytest.raises(PermissionDenied):
        engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    engine.transition(req.id, "advance", people.expert, data=ACCEPT)
    req = ServiceRequest.get_by_id(req.id)
    assert req.step_due_at == end_of("2026-03-06")  # Mon + 4 working days
    assert platform.registry.workflow("sample").step("deliver").time_limit_days == 4
    assert platform.registry.workflow("sample", 1).step("accept").roles == ("expert",)  # every version


# --- validation and conflicts -----------------------------------------------------------------------

def test_invalid_step_data_names_the_fields_and_writes_nothing(engine, people):
    req = file(engine, people)
    engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    before = counts()
    with pytest.raises(ValidationFailed) as err:
        engine.transition(req.id, "advance", people.staff, data={"hours": -1, "extra": 1})
    assert set(err.value.fields) == {"deliverable", "hours", "extra"}
    req = ServiceRequest.get_by_id(req.id)
    assert (req.current_step, req.version) == ("deliver", 2)
    assert counts() == before


def test_stale_version_is_a_conflict(engine, people):
    req = file(engine, people)
    engine.transition(req.id, "advance", people.staff, data=ACCEPT, expected_version=1)
    before = counts()
    with pytest.raises(Conflict):
        engine.transition(req.id, "return", people.staff, reason="x", expected_version=1)
    assert counts() == before
    assert Conflict.http_status == 409


def test_unknown_request_and_outcome(engine, people):
    with pytest.raises(NotFound):
        engine.transition(9999, "advance", people.staff)
    req = file(engine, people)
    with pytest.raises(ValidationFailed) as err:
        engine.transition(req.id, "teleport", people.staff)
    assert "outcome" in err.value.fields


def test_filing_refuses_bad_requests(engine, people):
    from tests import factories

    pending = factories.enterprise("待审企业", status="applied")
    with pytest.raises(ValidationFailed) as err:  # DB1302 4.4.4: only admitted enterprises
        engine.open_request(enterprise=pending, service_key="sample", actor=people.staff, title="t")
    assert "enterprise" in err.value.fields
    with pytest.raises(ValidationFailed) as err:
        engine.open_request(enterprise=people.ent_a, service_key="nosuch", actor=people.staff, title="t")
    assert "service_key" in err.value.fields
    with pytest.raises(ValidationFailed) as err:
        engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title=" ")
    assert "title" in err.value.fields
    with pytest.raises(NotFound):  # another enterprise's user cannot file for it
        engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_b, title="t")
    assert ServiceRequest.select().count() == 0 and Transition.select().count() == 0


# --- clocks from the log ----------------------------------------------------------------------------

def test_return_restarts_the_step_clock_not_the_request_clock(engine, people, clock):
    req = file(engine, people)
    clock.now = day(1)
    engine.transition(req.id, "advance", people.staff, data=ACCEPT)
    clock.now = day(3)  # Thu
    engine.transition(req.id, "return", people.staff, reason="重新受理", target="accept")
    req = ServiceRequest.get_by_id(req.id)
    assert req.step_started_at == day(3)
    assert req.step_due_at == end_of("2026-03-09")  # Thu + 2 working days
    assert req.due_at == end_of("2026-03-16")  # the promise to the enterprise does not move
    derived = engine.clock(req)
    assert (derived.step_due_at, derived.due_at) == (req.step_due_at, req.due_at)


def test_stored_due_dates_equal_the_clock_derived_from_the_log(engine, people, clock):
    req = file(engine, people)
    moves = [(day(1), "advance", people.staff, {"data": ACCEPT}),
             (day(2), "pause", people.staff, {"reason": "m"}),
             (day(6), "resume", people.user_a, {}),
             (day(7), "return", people.staff, {"reason": "r", "target": "accept"}),
             (day(8), "advance", people.staff, {"data": ACCEPT})]
    for when, outcome, actor, kw in moves:
        clock.now = when
        engine.transition(req.id, outcome, actor, **kw)
        req = ServiceRequest.get_by_id(req.id)
        derived = engine.clock(req, now=when)
        assert (req.step_due_at, req.due_at) == (derived.step_due_at, derived.due_at), outcome
    # Paused Wed..Sun 03-04..03-08: 03-05, 03-06 are the working days lost (03-04 itself is day(2)).
    assert req.due_at == end_of("2026-03-18")


# --- pinned versions --------------------------------------------------------------------------------

PIN_V1 = """
from rongtong.core import hookimpl
from rongtong.core.contract import ServiceEntry
from rongtong.core.workflow import Step, Workflow

V1 = Workflow("pin", "固定", "Pinned", version=1, steps=(
    Step("a", "甲", "A", time_limit_days=1), Step("b", "乙", "B", time_limit_days=1)))

@hookimpl
def register_workflows():
    return [V1]

@hookimpl
def register_services():
    return [ServiceEntry("pin", "固定", "Pinned", workflow="pin")]
"""

PIN_V2 = PIN_V1 + """
V2 = Workflow("pin", "固定", "Pinned", version=2, steps=(
    Step("x", "新", "New", time_limit_days=4), Step("a", "甲", "A"), Step("y", "尾", "Tail")))

@hookimpl
def register_workflows():
    return [V1, V2]
"""


def test_a_request_keeps_the_version_it_started_under(make_platform, tmp_path, monkeypatch):
    old = make_platform(plugins=("pin",), entry_points=make_plugin(tmp_path, monkeypatch, "pin", PIN_V1))
    from tests.factories import make_people

    people = make_people()
    req = old.engine.open_request(enterprise=people.ent_a, service_key="pin", actor=people.user_a, title="old")
    assert (req.workflow_version, req.current_step) == (1, "a")

    # The plugin is upgraded: v2 exists, v1 still shipped for running requests.
    new = make_platform(plugins=("pin",), entry_points=make_plugin(tmp_path, monkeypatch, "pin", PIN_V2))
    engine = new.engine
    assert engine.workflow_of(ServiceRequest.get_by_id(req.id)).version == 1
    t = engine.transition(req.id, "advance", people.staff)
    assert t.to_step == "b"
    engine.transition(req.id, "complete", people.staff)
    assert ServiceRequest.get_by_id(req.id).status == "completed"

    fresh = engine.open_request(enterprise=people.ent_a, service_key="pin", actor=people.user_a, title="new")
    assert (fresh.workflow_version, fresh.current_step) == (2, "x")


def test_a_request_whose_version_is_gone_is_refused_not_crashed(engine, people):
    req = ServiceRequest.create(enterprise=people.ent_a, service_key="sample", workflow_key="sample",
                                workflow_version=7, current_step="accept", title="orphan")
    with pytest.raises(WorkflowError, match="sample v7"):
        engine.transition(req.id, "advance", people.staff)


# --- declarations -----------------------------------------------------------------------------------

def test_workflow_declarations_are_checked():
    step = Step("a", "甲", "A")
    with pytest.raises(ValueError, match="no steps"):
        Workflow("w", "w", "w", steps=())
    with pytest.raises(ValueError, match="duplicate step"):
        Workflow("w", "w", "w", steps=(step, step))
    with pytest.raises(ValueError, match="unknown step 'z'"):
        Workflow("w", "w", "w", steps=(Step("a", "甲", "A", next_steps=("z",)),))
    with pytest.raises(ValueError, match="unknown outcome 'skip'"):
        Workflow("w", "w", "w", steps=(Step("a", "甲", "A", outcomes=("skip",)),))


BRANCH = """
from rongtong.core import hookimpl
from rongtong.core.contract import ServiceEntry
from rongtong.core.workflow import Step, Workflow

@hookimpl
def register_workflows():
    return [Workflow("branch", "分支", "Branch", steps=(
        Step("triage", "分拣", "Triage", next_steps=("fast", "slow")),
        Step("slow", "慢", "Slow", returns_to=()),
        Step("fast", "快", "Fast", outcomes=("advance", "return"), returns_to=("triage",))))]

@hookimpl
def register_services():
    return [ServiceEntry("branch", "分支", "Branch", workflow="branch")]
"""


def test_branches_need_a_chosen_target(make_platform, tmp_path, monkeypatch):
    platform = make_platform(plugins=("branch",), entry_points=make_plugin(tmp_path, monkeypatch, "branch", BRANCH))
    from tests.factories import make_people

    people = make_people()
    engine = platform.engine
    req = engine.open_request(enterprise=people.ent_a, service_key="branch", actor=people.user_a, title="t")
    with pytest.raises(ValidationFailed) as err:
        engine.transition(req.id, "advance", people.staff)
    assert "fast" in err.value.fields["target"][0] and "slow" in err.value.fields["target"][0]
    assert engine.transition(req.id, "advance", people.staff, target="fast").to_step == "fast"
    assert [a.outcome for a in engine.actions(ServiceRequest.get_by_id(req.id), people.staff)] == ["complete", "return"]
    assert engine.transition(req.id, "return", people.staff, reason="wrong lane").to_step == "triage"
    engine.transition(req.id, "advance", people.staff, target="slow")
    # "slow" declares no returns and advances to the end of the list ("fast" comes after it).
    assert [a.outcome for a in engine.actions(ServiceRequest.get_by_id(req.id), people.staff)][:1] == ["advance"]

