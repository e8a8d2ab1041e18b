"""Demo data for the training plugin: a needs survey with answers, and the demo's training requests
walked to different steps, with sessions, registrations (some on the waiting list), check-ins and
attendees' evaluations."""
from __future__ import annotations

import copy
import datetime

from rongtong.core.plugin import PluginHost, ServiceRequest, Transition, surveys, utcnow

from . import registrations
from .models import TrainingProgramme, TrainingRegistration, TrainingSession
from .workflows import KEY

QUESTIONS = [
    {"key": "topics", "kind": "multiple", "text": "贵企业需要哪些培训主题？", "text_en": "Which topics do you need?",
     "choices": ["战略管理", "精益生产", "数字化转型", "市场营销", "财务管理"]},
    {"key": "audience", "kind": "single", "text": "主要参训人员", "text_en": "Who would attend?",
     "choices": ["管理人员", "技术人员", "一线员工"]},
    {"key": "urgency", "kind": "scale", "text": "需求紧迫程度（1-5）", "text_en": "How urgent (1-5)?"},
    {"key": "remarks", "kind": "text", "text": "其他建议", "text_en": "Other remarks", "required": False},
]


def seed(platform: PluginHost, context) -> None:
    rng, staff = context["rng"], context["users"]["staff"][0]
    survey = surveys.seed_demo_survey(KEY, {"title": "年度企业培训需求调研", "topic": "annual", "questions": QUESTIONS,
                                            "description": "了解企业管理人员、技术人员和员工的培训需求"}, context)

    def small_sessions(step, data):
        if step.key == "publish":
            data = copy.deepcopy(data)
            for s in data["sessions"]:
                s["capacity"] = 2  # small, so the demo shows a waiting list
        return data

    def attendance(step, req, steps_left):
        if step.key == "publish":
            _attendance(platform, rng, req, context["users"].get("enterprise", []), staff, checked_in=steps_left > 0)

    surveys.walk_demo_requests(platform, KEY, survey, staff, small_sessions, attendance)
    # More programmes waiting at their effect evaluation: the evaluation demo completes the first
    # few requests waiting at a last step, and the core's filler cannot replay a delivery (it is
    # not recorded before the sessions' date, which the demo moved for the programmes above).
    admitted = [e for e in context["enterprises"] if e.status == "admitted"]
    wf = platform.registry.workflow(KEY)
    for ent in admitted[-3:]:
        req = platform.engine.open_request(enterprise=ent, service_key=KEY, actor=staff, title=f"{ent.name}：人才培训")
        for n, step in enumerate(wf.steps[:-1]):
            data = small_sessions(step, {**(step.example or {}), **({"survey": survey.id} if n == 0 else {})})
            platform.engine.transition(req.id, "advance", staff, data=data)
            attendance(step, req, len(wf.steps) - n - 2)


def _as_if_held(platform: PluginHost, req, programme: TrainingProgramme, days_ago: int = 7) -> None:
    """Demo only: the programme's sessions took place ``days_ago`` days ago. They were published
    with the notice period the workflow demands, so check-in and delivery (which cannot be recorded
    before the first session's date) would have to wait; the demo moves the sessions, and the
    delivery step's scheduled date, into the past and recomputes the request's clocks."""
    sessions = list(TrainingSession.select().where(TrainingSession.programme == programme.id))
    if not sessions:
        return
    shift = min(s.starts_at for s in sessions) - (utcnow() - datetime.timedelta(days=days_ago))
    for session in sessions:
        session.starts_at, session.ends_at = session.starts_at - shift, session.ends_at - shift
        session.save()
    first = platform.calendar.local_date(min(s.starts_at for s in sessions))
    Transition.update(scheduled_for=first).where((Transition.request == req.id) & (Transition.to_step == "deliver")
                                                 & (Transition.outcome == "advance")).execute()
    clock = platform.engine.clock(ServiceRequest.get_by_id(req.id))
    ServiceRequest.update(step_due_at=clock.step_due_at, due_at=clock.due_at).where(ServiceRequest.id == req.id).execute()


def _attendance(platform, rng, req, ent_users, staff, checked_in: bool) -> None:
    programme = TrainingProgramme.get(TrainingProgramme.request == req.id)
    for session in TrainingSession.select().where(TrainingSession.programme == programme.id):
        for user in ent_users:
            registrations.register(session.id, user)
        seated = list(TrainingRegistration.select().where((TrainingRegistration.session == session.id)
                                                          & (TrainingRegistration.status == "registered")))
        if seated:
            registrations.cancel(seated[-1], seated[-1].user)  # someone cancels: the waiting list moves up
    if not checked_in:
        return
    _as_if_held(platform, req, programme)
    for session in TrainingSession.select().where(TrainingSession.programme == programme.id):
        for reg in TrainingRegistration.select().where((TrainingRegistration.session == session.id)
                                                       & (TrainingRegistration.status == "registered")):
            registrations.check_in(reg, staff, platform.calendar)
            registrations.evaluate(reg, reg.user, {"satisfaction": rng.randint(3, 5),
                                                   "usefulness": rng.randint(3, 5), "comment": "内容实用"})
