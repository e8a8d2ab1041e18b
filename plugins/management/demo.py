"""Demo data for the management-improvement plugin: a needs survey with answers, and the demo's
management requests walked to different steps with the demo expert assigned."""
from __future__ import annotations

from rongtong.core.plugin import PluginHost, surveys

from .models import AREA_KEYS
from .workflows import KEY, plan_example

QUESTIONS = [
    {"key": "areas", "kind": "multiple", "text": "贵企业最需要提升的管理领域", "text_en": "Areas to improve",
     "choices": ["战略", "财务", "人力资源", "市场营销", "品牌"]},
    {"key": "maturity", "kind": "scale", "text": "管理体系成熟度自评（1-5）", "text_en": "Management maturity (1-5)"},
    {"key": "consultant", "kind": "single", "text": "是否需要专家驻场", "text_en": "On-site experts?",
     "choices": ["需要", "不需要"]},
    {"key": "remarks", "kind": "text", "text": "具体需求", "text_en": "Details", "required": False},
]


def seed(platform: PluginHost, context) -> None:
    staff = context["users"]["staff"][0]
    experts = [u.id for u in context["users"].get("expert", [])]
    survey = surveys.seed_demo_survey(KEY, {"title": "企业管理提升需求调研", "topic": "annual", "questions": QUESTIONS},
                                      context)
    rng = context["rng"]

    def data_for(step, data):
        if step.key == "survey":
            return {**data, "area": rng.choice(AREA_KEYS)}
        if step.key == "plan":
            return plan_example(experts)
        return data

    surveys.walk_demo_requests(platform, KEY, survey, staff, data_for)
