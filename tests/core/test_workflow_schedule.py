"""Scheduled step clocks (DB1302 5.4.1: the promise and the clock agree).

A step that waits for a scheduled date (a promotion event, a training session, a meeting) is due
relative to that date, not to when it was entered. The workflow below: plan (staff record the
event date) → hold (``schedule_from="event_date"``, 2 working days after the event; its reaction
refuses recording the event before the date) → review (may return to hold). The service promises
10 working days. Times are driven by a controllable clock; dates are local (Asia/Shanghai), and
holidays come from the platform calendar (the State Council's 2026 arrangement).
"""
from __future__ import annotations

import datetime

import pytest
from marshmallow import Schema, fields

from rongtong.core.calendar import WorkingCalendar
from rongtong.core.errors import ValidationFailed
from rongtong.core.i18n import site_language
from rongtong.core.models import ServiceRequest, Transition
from rongtong.core.plugin import not_before_scheduled
from rongtong.core.workflow import Step, Workflow, scheduled_date
from tests.core.test_hooks import make_plugin
from tests.core.test_workflow import day, end_of
from tests.factories import make_people

PROMO = """
from marshmallow import Schema, fields

from rongtong.core.plugin import (ADVANCE, Reaction, ServiceEntry, Step, Workflow, hookimpl,
                                  not_before_scheduled)


class PlanSchema(Schema):
    topic = fields.String(load_default="")
    event_date = fields.Date(load_default=None)


class HoldSchema(Schema):
    attendees = fields.Integer(load_default=0)


PROMO = Workflow("promo", "推广活动", "Promotion event", steps=(
    Step("plan", "活动策划", "Plan", schema=PlanSchema, time_limit_days=2),
    Step("hold", "活动举办", "Hold", schema=HoldSchema, time_limit_days=2, schedule_from="event_date"),
    Step("review", "活动总结", "Review", time_limit_days=2, returns_to=("hold",)),
))


def held(event):
    not_before_scheduled(event.request, event.workflow.step(event.step), event.platform.calendar)


@hookimpl
def register_workflows():
    return [PROMO]


@hookimpl
def register_services():
    return [ServiceEntry("promo", "推广活动", "Promotion event", workflow="promo", time_limit_days=10)]


@hookimpl
def register_reactions():
    return [Reaction("promo", held, step="hold", outcome=ADVANCE)]
"""


@pytest.fixture
def clock(monkeypatch):
    """The engine's 'now' (Monday 2026-03-02, 10:00 in Shanghai); set ``clock.now`` to move time."""
    from rongtong.core import workflow as engine_module

    class Clock:
        now = day(0)

    c = Clock()
    monkeypatch.setattr(engine_module, "utcnow", lambda: c.now)
    return c


@pytest.fixture
def promo(make_platform, tmp_path, monkeypatch, clock):
    platform = make_platform(plugins=("promo",), entry_points=make_plugin(tmp_path, monkeypatch, "promo", PROMO))
    return platform, make_people()


def planned(promo, event_date: str | None = "2026-03-05"):
    """File a promotion request and record its plan (with the event date) at once."""
    platform, people = promo
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="promo", actor=people.user_a,
                                       title="新产品推介会")
    data = {"topic": "推介会"} if event_date is None else {"topic": "推介会", "event_date": event_date}
    platform.engine.transition(req.id, "advance", people.staff, data=data)
    return ServiceRequest.get_by_id(req.id)


def entry_into_hold(req) -> Transition:
    return (Transition.select().where((Transition.request == req.id) & (Transition.to_step == "hold"))
            .order_by(Transition.id.desc()).first())


# --- the clock runs from the scheduled date -----------------------------------------------------------

def test_the_hold_step_is_due_two_working_days_after_the_event_date(promo):
    """DB1302 5.4.1: the event on Thu 03-05, so the hold step is due at the end of Mon 03-09 (the
    weekend does not count), not two working days after the plan was recorded (Wed 03-04)."""
    platform, _people = promo
    req = planned(promo, "2026-03-05")
    assert req.current_step == "hold"
    assert req.step_due_at == end_of("2026-03-09")
    assert req.step_started_at == day(0)  # the step was entered when the plan was recorded
    assert req.due_at == end_of("2026-03-16")  # the published 10 working days already cover it
    assert entry_into_hold(req).scheduled_for == datetime.date(2026, 3, 5)
    derived = platform.engine.clock(req)  # from the stored log
    assert (derived.step_due_at, derived.due_at, derived.scheduled_for) == (
        req.step_due_at, req.due_at, datetime.date(2026, 3, 5))


def test_a_date_months_ahead_moves_the_request_due_date_out_to_the_step(promo):
    """DB1302 5.4.1: the event on Wed 2026-09-30; the National Day holiday (10-01..10-07) does not
    count, so the step is due at the end of Fri 10-09 — and so is the request: its promise covers
    the scheduled date instead of falling due in March."""
    platform, _people = promo
    req = planned(promo, "2026-09-30")
    assert req.step_due_at == end_of("2026-10-09")
    assert req.due_at == req.step_due_at
    derived = platform.engine.clock(req)
    assert (derived.step_due_at, derived.due_at) == (end_of("2026-10-09"), end_of("2026-10-09"))


def test_without_the_date_the_step_clock_runs_from_the_entry(promo):
    """DB1302 5.4.1: no event date recorded, nothing to wait for: 2 working days from Mon 03-02."""
    req = planned(promo, None)
    assert entry_into_hold(req).scheduled_for is None
    assert (req.step_due_at, req.due_at) == (end_of("2026-03-04"), end_of("2026-03-16"))


def test_a_return_into_hold_runs_from_the_return(promo, clock):
    """DB1302 5.4.1: the event was held on Thu 03-05 and reviewed; the review sends it back on Fri
    03-06: the hold step is due two working days after the return (Tue 03-10), not after the event.
    A new plan with a new date schedules the step again."""
    platform, people = promo
    req = planned(promo, "2026-03-05")
    clock.now = day(3)
    platform.engine.transition(req.id, "advance", people.staff, data={"attendees": 40})
    clock.now = day(4)
    t = platform.engine.transition(req.id, "return", people.staff, reason="签到表缺失", target="hold")
    req = ServiceRequest.get_by_id(req.id)
    assert (req.current_step, t.scheduled_for) == ("hold", None)
    assert (req.step_due_at, req.due_at) == (end_of("2026-03-10"), end_of("2026-03-16"))
    assert platform.engine.clock(req).scheduled_for is None

    platform.engine.transition(req.id, "return", people.staff, reason="改期", target="plan")
    platform.engine.transition(req.id, "advance", people.staff, data={"event_date": "2026-09-30"})
    req = ServiceRequest.get_by_id(req.id)
    assert (req.step_due_at, req.due_at) == (end_of("2026-10-09"), end_of("2026-10-09"))


def test_pausing_the_scheduled_step_adds_the_paused_working_days(promo, clock):
    """DB1302 5.4.1 (补正): paused Tue 03-03 to Fri 03-06 (Wed, Thu, Fri: 3 working days); the hold
    step is then due 2 + 3 working days after the event (Thu 03-12), the request 3 days later."""
    platform, people = promo
    req = planned(promo, "2026-03-05")
    clock.now = day(1)
    platform.engine.transition(req.id, "pause", people.staff, reason="请补充场地证明")
    req = ServiceRequest.get_by_id(req.id)
    assert (req.status, req.step_due_at, req.due_at) == ("paused", None, None)
    clock.now = day(4)
    platform.engine.transition(req.id, "resume", people.user_a)
    req = ServiceRequest.get_by_id(req.id)
    assert req.step_due_at == end_of("2026-03-12")
    assert req.due_at == end_of("2026-03-19")
    assert platform.engine.clock(req).step_paused_working_days == 3


# --- the guard: not recorded before the date ----------------------------------------------------------

def test_the_event_cannot_be_recorded_before_its_date(promo, clock):
    """DB1302 5.4.1: at 23:00 in Shanghai on Wed 03-04 the event of Thu 03-05 cannot have been held:
    refused with the date named, nothing written; from midnight on 03-05 it is recorded."""
    platform, people = promo
    req = planned(promo, "2026-03-05")
    before = Transition.select().where(Transition.request == req.id).count()
    clock.now = datetime.datetime(2026, 3, 4, 15, 0)  # 23:00 local
    with pytest.raises(ValidationFailed) as err:
        platform.engine.transition(req.id, "advance", people.staff, data={"attendees": 40})
    assert "2026-03-05" in err.value.message
    assert "2026-03-05" in err.value.fields["event_date"][0]
    after = ServiceRequest.get_by_id(req.id)
    assert (after.current_step, after.version) == ("hold", req.version)
    assert Transition.select().where(Transition.request == req.id).count() == before

    clock.now = datetime.datetime(2026, 3, 4, 16, 0)  # 00:00 local on the event date
    platform.engine.transition(req.id, "advance", people.staff, data={"attendees": 40})
    assert ServiceRequest.get_by_id(req.id).current_step == "review"


def test_the_guard_allows_after_the_date_and_without_one(promo, clock):
    """DB1302 5.4.1: a week after the event it is recorded; a step with no date is never held back."""
    platform, people = promo
    req = planned(promo, "2026-03-05")
    hold = platform.engine.workflow_of(req).step("hold")
    late = datetime.datetime(2026, 3, 12, 2, 0)
    assert not_before_scheduled(req, hold, platform.calendar, now=late) == datetime.date(2026, 3, 5)
    with pytest.raises(ValidationFailed) as err:  # by key: the error is under "scheduled_for"
        not_before_scheduled(req, "hold", platform.calendar, now=day(1))
    assert "2026-03-05" in err.value.fields["scheduled_for"][0]

    with site_language(platform):  # the site's language: Chinese by default
        with pytest.raises(ValidationFailed) as err:
            not_before_scheduled(req, hold, platform.calendar, now=day(1))
    assert err.value.message == "预定日期 2026-03-05 之前不能记录此步骤。"

    undated = planned(promo, None)
    assert not_before_scheduled(undated, hold, platform.calendar, now=day(0)) is None
    platform.engine.transition(undated.id, "advance", people.staff, data={"attendees": 5})
    assert ServiceRequest.get_by_id(undated.id).current_step == "review"


def test_a_return_into_hold_keeps_the_date_for_the_guard(promo, clock):
    """DB1302 5.4.1: sent back to hold after the event, the step clock runs from the return, but the
    guard still knows the date of the advance that scheduled the step."""
    platform, people = promo
    req = planned(promo, "2026-09-30")
    clock.now = datetime.datetime(2026, 9, 30, 2, 0)
    platform.engine.transition(req.id, "advance", people.staff, data={"attendees": 40})
    platform.engine.transition(req.id, "return", people.staff, reason="复核", target="hold")
    req = ServiceRequest.get_by_id(req.id)
    assert platform.engine.clock(req).scheduled_for is None
    hold = platform.engine.workflow_of(req).step("hold")
    assert not_before_scheduled(req, hold, platform.calendar) == datetime.date(2026, 9, 30)


# --- declarations -------------------------------------------------------------------------------------

class DatedSchema(Schema):
    event_date = fields.Date()


class OtherSchema(Schema):
    venue = fields.String()


def test_a_bad_schedule_from_refuses_to_build_the_workflow():
    """DB1302 5.4.1: the date must come from the step data of an advance that enters the step."""
    with pytest.raises(ValueError, match="workflow w: step hold: schedule_from 'event_date'"):
        Workflow("w", "w", "w", steps=(Step("plan", "策划", "Plan", schema=OtherSchema),
                                       Step("hold", "举办", "Hold", schedule_from="event_date")))
    with pytest.raises(ValueError, match="step plan: schedule_from 'event_date'.*entering it: none"):
        Workflow("w", "w", "w", steps=(Step("plan", "策划", "Plan", schema=DatedSchema, schedule_from="event_date"),))
    # The field is in a schema, but of a step that branches past the scheduled one.
    with pytest.raises(ValueError, match="step hold: schedule_from 'event_date'"):
        Workflow("w", "w", "w", steps=(
            Step("plan", "策划", "Plan", schema=DatedSchema, next_steps=("close",)),
            Step("hold", "举办", "Hold", schema=DatedSchema, schedule_from="event_date"),
            Step("close", "结束", "Close")))
    # A step that may only return, never advance, does not feed it either.
    with pytest.raises(ValueError, match="step hold: schedule_from"):
        Workflow("w", "w", "w", steps=(Step("plan", "策划", "Plan", schema=DatedSchema, outcomes=("reject",)),
                                       Step("hold", "举办", "Hold", schedule_from="event_date")))


def test_a_branch_may_feed_the_scheduled_step_and_describe_names_the_field():
    wf = Workflow("w", "w", "w", steps=(
        Step("triage", "分拣", "Triage", schema=DatedSchema, next_steps=("hold", "close")),
        Step("close", "结束", "Close"),
        Step("hold", "举办", "Hold", schedule_from="event_date")))
    steps = {s["key"]: s for s in wf.describe()["steps"]}
    assert (steps["hold"]["schedule_from"], steps["triage"]["schedule_from"]) == ("event_date", None)


def test_the_scheduled_date_is_read_from_dates_texts_and_datetimes():
    """DB1302 5.4.1: what a step schema may hold for the date. An aware datetime is read in the
    site's zone (20:00 UTC on 03-05 is 04:00 on 03-06 in Shanghai); a naive one is the wall-clock
    time someone entered; a text that is no date schedules nothing."""
    cal = WorkingCalendar(timezone="Asia/Shanghai")
    assert scheduled_date(datetime.date(2026, 3, 5), cal) == datetime.date(2026, 3, 5)
    assert scheduled_date("2026-03-05", cal) == datetime.date(2026, 3, 5)
    assert scheduled_date("2026-03-05T20:00:00+00:00", cal) == datetime.date(2026, 3, 6)
    assert scheduled_date(datetime.datetime(2026, 3, 5, 20, 0), cal) == datetime.date(2026, 3, 5)
    assert scheduled_date("next Thursday", cal) is None
    assert scheduled_date(None, cal) is None
