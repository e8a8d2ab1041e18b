"""Demo data for the training plugin: a needs survey with answers, and the demo's training requests
walked to different steps, with sessions, registrations (some on the waiting list), check-ins and
attendees' evaluations."""
from __future__ import annotations

import copy

from rongtong.core.plugin import PluginHost, surveys

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
            _attendance(rng, req, context["users"].get("enterprise", []), staff, checked_in=steps_left > 0)

    surveys.walk_demo_requests(platform, KEY, survey, staff, small_sessions, attendance)


def _attendance(rng, req, ent_users, staff, checked_in: bool) -> None:
    programme = TrainingProgramme.get(TrainingProgramme.request == req.id)
    for session in TrainingSession.select().where(TrainingSession.programme == programme.id):
        for user in ent_users:
            registrations.register(session.id, user)
        seated = list(TrainingRegistration.select().where((TrainingRegistration.session == session.id)
                                                          & (TrainingRegistration.status == "registered")))
        if seated:
            registrations.cancel(seated[-1], seated[-1].user)  # someone cancels: the waiting list moves up
        if checked_in:
            for reg in TrainingRegistration.select().where((TrainingRegistration.session == session.id)
                                                           & (TrainingRegistration.status == "registered")):
                registrations.check_in(reg, staff)
                registrations.evaluate(reg, reg.user, {"satisfaction": rng.randint(3, 5),
                                                       "usefulness": rng.randint(3, 5), "comment": "内容实用"})
