"""Demo data for the training plugin: a needs survey with answers, and the demo's training requests
walked to different steps, with sessions, registrations (some on the waiting list), check-ins and
attendees' evaluations."""
from __future__ import annotations

import copy

from core.errors import RongtongError
from core.models import ServiceRequest
from core.toolkit import surveys

from . import registrations
from .models import TrainingProgramme, TrainingRegistration, TrainingSession
from .workflows import KEY, STEPS

QUESTIONS = [
    {"key": "topics", "kind": "multiple", "text": "贵企业需要哪些培训主题？", "text_en": "Which topics do you need?",
     "choices": ["战略管理", "精益生产", "数字化转型", "市场营销", "财务管理"]},
    {"key": "audience", "kind": "single", "text": "主要参训人员", "text_en": "Who would attend?",
     "choices": ["管理人员", "技术人员", "一线员工"]},
    {"key": "urgency", "kind": "scale", "text": "需求紧迫程度（1-5）", "text_en": "How urgent (1-5)?"},
    {"key": "remarks", "kind": "text", "text": "其他建议", "text_en": "Other remarks", "required": False},
]


def make_survey(rng, enterprises, staff, enterprise_users):
    survey = surveys.create_survey(KEY, {"title": "年度企业培训需求调研", "topic": "annual",
                                         "description": "了解企业管理人员、技术人员和员工的培训需求",
                                         "questions": QUESTIONS}, staff)
    invited = enterprises[:12]
    surveys.invite(survey, invited, staff)
    users = {u.enterprise_id: u for u in enterprise_users}
    for ent in invited[:8]:
        answers = {"topics": rng.sample(QUESTIONS[0]["choices"], rng.randint(1, 3)),
                   "audience": rng.choice(QUESTIONS[1]["choices"]), "urgency": rng.randint(2, 5)}
        if rng.random() < 0.5:
            answers["remarks"] = rng.choice(["希望增加现场教学", "希望线上线下结合", "希望提供案例材料"])
        surveys.submit_answer(survey, ent, answers, users.get(ent.id))
    return survey


def seed(registry, context) -> None:
    rng = context["rng"]
    platform = context["platform"]
    staff = context["users"]["staff"][0]
    ent_users = context["users"]["enterprise"]
    admitted = [e for e in context["enterprises"] if e.status == "admitted"]
    survey = make_survey(rng, admitted, staff, ent_users)
    stuck = list(ServiceRequest.select().where((ServiceRequest.workflow_key == KEY)
                                               & (ServiceRequest.current_step == "survey")
                                               & (ServiceRequest.status == "open")).order_by(ServiceRequest.id))
    for i, req in enumerate(stuck):
        target = i % len(STEPS)
        for step in STEPS[:target]:
            data = copy.deepcopy(step.example or {})
            if step.key == "survey":
                data["survey"] = survey.id
            if step.key == "publish":
                for s in data["sessions"]:
                    s["capacity"] = 2  # small, so the demo shows a waiting list
            try:
                platform.engine.transition(req.id, "advance", staff, data=data)
            except RongtongError:
                break
            if step.key == "publish":
                _attendance(rng, req, ent_users, staff, checked_in=target > 4)


def _attendance(rng, req, ent_users, staff, checked_in: bool) -> None:
    programme = TrainingProgramme.get(TrainingProgramme.request == req.id)
    for session in TrainingSession.select().where(TrainingSession.programme == programme.id):
        for user in ent_users:
            registrations.register(session.id, user)
        seated = list(TrainingRegistration.select().where((TrainingRegistration.session == session.id)
                                                          & (TrainingRegistration.status == "registered")))
        registrations.cancel(seated[-1], seated[-1].user)  # someone cancels: the waiting list moves up
        if checked_in:
            for reg in TrainingRegistration.select().where((TrainingRegistration.session == session.id)
                                                           & (TrainingRegistration.status == "registered")):
                registrations.check_in(reg, staff)
                registrations.evaluate(reg, reg.user, {"satisfaction": rng.randint(3, 5),
                                                       "usefulness": rng.randint(3, 5), "comment": "内容实用"})
