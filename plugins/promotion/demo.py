"""Demo data for the promotion plugin: a quality-enterprise database with products, the year's
activity plan, and a trade talk walked to the follow-up of its negotiations (DB1302 6.4.5)."""
from __future__ import annotations

import datetime
import random

from rongtong.core.plugin import PluginHost, surveys, utcnow

from .models import AnnualPlan, Negotiation, NegotiationFollowUp, PlannedActivity, Product, QualityEnterprise, Registration
from .steps import ACTIVITY
from .workflows import KEY, WORKFLOW

PLAN = [(3, "exhibition", "春季装备制造展", 30), (5, "trade_talk", "京津冀供需对接会", 12),
        (6, "product_promotion", "新产品推介会", 8), (9, "cooperation", "产学研合作洽谈会", 10),
        (10, "trade_talk", "智能制造产品对接会", 12), (11, "exhibition", "冬季消费品展", 20)]
QUESTIONS = [{"key": "kind", "kind": "single", "text": "您最希望参加哪类活动？",
              "choices": ["展览展示", "贸易洽谈", "产品推介", "经济技术合作"]},
             {"key": "need", "kind": "text", "text": "希望对接的客户或合作方", "required": False}]


def seed(platform: PluginHost, context) -> None:
    rng = context.get("rng") or random.Random(0)
    enterprises = [e for e in context.get("enterprises", []) if e.status == "admitted"]
    database = []
    for i, ent in enumerate(enterprises[:6]):
        qe = QualityEnterprise.create(enterprise=ent, criteria=["specialised", "quality_certified"][: 1 + i % 2],
                                      profile=f"{ent.name}：{ent.industry}领域骨干企业。",
                                      selected_on=datetime.date(2026, 3, 1))
        Product.create(owner=qe, name=f"{ent.industry}主打产品", category=ent.industry)
        database.append(qe)
    if not AnnualPlan.select().where(AnnualPlan.year == 2026).exists():
        plan = AnnualPlan.create(year=2026, title="2026 年度市场推广活动计划", budget=100)
        for month, kind, title, budget in PLAN:
            PlannedActivity.create(plan=plan, month=month, kind=kind, title=title, budget=budget)
    staff = (context.get("users", {}).get("staff") or [None])[0]
    if KEY not in platform.registry.services or len(database) < 2 or staff is None:
        return
    survey = surveys.create_survey("promotion", {"title": "2026 年市场推广需求调研", "questions": QUESTIONS}, staff)
    for ent in enterprises[:4]:
        surveys.submit_answer(survey, ent, {"kind": rng.choice(["贸易洽谈", "展览展示"])}, staff)
    engine = platform.engine
    steps = {s.key: dict(s.example) for s in WORKFLOW.steps}
    steps["survey"].update(survey=survey.id, quality_enterprises=[qe.id for qe in database[:3]])
    planned = PlannedActivity.get_or_none(PlannedActivity.title == "智能制造产品对接会")
    steps["plan"].update(planned_activity=planned.id if planned else None)
    keys = [s.key for s in WORKFLOW.steps]

    def dated(index):
        """The steps' data with the activity's dates: ahead of today while the activity has not
        been held (so the open notice takes registrations and the event waits for its date),
        behind today for those walked past the event (which cannot be recorded before its date)."""
        days = -40 if index > keys.index("event") else 30
        starts_on = platform.calendar.local_date(utcnow()) + datetime.timedelta(days=days)
        out = {key: dict(data) for key, data in steps.items()}
        out["plan"].update(starts_on=starts_on.isoformat(),
                           registration_deadline=(starts_on - datetime.timedelta(days=16)).isoformat())
        out["preparation"]["starts_on"] = starts_on.isoformat()
        out["event"]["held_on"] = starts_on.isoformat()
        return out

    # an activity waiting at each step, so every screen of the workflow has something to show (three at
    # the summary: other demos complete some requests waiting at their last step)
    last = len(WORKFLOW.steps) - 1
    for index, at in list(enumerate(WORKFLOW.steps)) + [(last, WORKFLOW.steps[last])] * 2:
        req = engine.open_request(enterprise=enterprises[index % len(enterprises)], service_key=KEY, actor=staff,
                                  title=f"智能制造产品对接会（{at.title}）")
        activity = ACTIVITY.get_or_create(req)
        data = dated(index)
        for key in keys[:index]:
            if key == "notice":
                for qe in database[:3]:
                    Registration.create(activity=activity, enterprise=qe.enterprise, contact_name="联系人",
                                        status="approved", decided_by=staff)
            engine.transition(req.id, "advance", staff, data=data[key])
        if index >= keys.index("follow_up"):
            n = Negotiation.create(activity=activity, enterprise=database[1].enterprise, counterpart="某整车厂",
                                   subject="零部件年度供货", amount=600, status="agreed")
            NegotiationFollowUp.create(negotiation=n, followed_on=datetime.date(2026, 11, 2), progress="完成样品测试",
                                       problems="付款周期过长", coordination="平台协调约定 60 天账期", recorded_by=staff)
