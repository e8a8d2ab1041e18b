"""The training programme workflow and its catalog entry (DB1302 6.2.3, 6.4.3 a–f):
needs survey → course → plan → publish → deliver → evaluate."""
from __future__ import annotations

import datetime

from rongtong.core.plugin import ADVANCE, PAUSE, RETURN, ServiceEntry, Step, Workflow, plans

from .schemas import CourseStepSchema, DeliverSchema, EvaluateStepSchema, IntakeSchema, PublishSchema, SurveyStepSchema

KEY = "training"


def _example_sessions() -> list[dict]:
    """Sessions far enough ahead to satisfy any sensible notice period (examples only)."""
    start = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=60)).replace(
        hour=1, minute=0, second=0, microsecond=0, tzinfo=None)
    return [{"title": "精益生产专题培训（第一期）", "starts_at": start.isoformat(),
             "ends_at": (start + datetime.timedelta(hours=7)).isoformat(), "venue": "平台培训中心 301 室",
             "meeting_url": "https://meeting.example.com/lean-1", "capacity": 30}]


STEPS = (
    Step("survey", "需求调研与分析", "Needs survey and analysis", roles=("staff",), schema=SurveyStepSchema,
         time_limit_days=15, description="DB1302 6.4.3 a",
         example={"survey": 1, "conclusions": "多数企业需要精益生产与数字化转型方面的培训"}),
    Step("course", "课程开发", "Course development", roles=("staff",), schema=CourseStepSchema, time_limit_days=10,
         description="DB1302 6.4.3 b",
         example={"courses": [{"topic": "精益生产", "content": "价值流分析、5S、持续改善",
                               "teachers": [{"name": "王老师", "title": "高级工程师", "introduction": "二十年精益管理经验"}],
                               "materials": [{"title": "讲义", "url": "https://example.com/lean.pdf"}]}]}),
    Step("plan", "培训方案", "Training plan", roles=("staff",), schema=plans.PlanSchema, time_limit_days=5,
         description="DB1302 6.4.3 c", example=plans.PLAN_EXAMPLE),
    Step("publish", "提前发布", "Publication", roles=("staff",), schema=PublishSchema, time_limit_days=5,
         description="DB1302 6.4.3 d",
         example={"notice": "平台将举办精益生产专题培训，欢迎报名。", "channels": ["portal", "email"],
                  "sessions": _example_sessions()}),
    # DB1302 5.4.1: delivery waits for the first session; due 20 working days after its date, and
    # not recorded before it (steps.deliver)
    Step("deliver", "组织实施", "Delivery", roles=("staff",), schema=DeliverSchema, time_limit_days=20,
         schedule_from="first_session_at", description="DB1302 6.4.3 e",
         example={"materials": "讲义 30 份已印制", "equipment": "投影仪、麦克风、在线会议系统",
                  "venue": "平台培训中心 301 室已预订", "notes": ""}),
    Step("evaluate", "效果评估", "Effect evaluation", roles=("staff",), schema=EvaluateStepSchema, time_limit_days=10,
         outcomes=(ADVANCE, RETURN, PAUSE), description="DB1302 6.4.3 f",
         example={"summary": "学员满意度高，多数企业已开展改善活动", "improvements": "增加现场实操环节"}),
)

WORKFLOW = Workflow(KEY, "人才培训", "Training programme", steps=STEPS, version=1,
                    description="DB1302 6.2.3, 6.4.3", intake_schema=IntakeSchema)

SERVICE = ServiceEntry(
    key=KEY, title="人才培训", title_en="Training", workflow=KEY, fee_type="free",
    description="面向企业管理人员、技术人员和员工的培训：需求调研、课程开发、培训方案、提前发布、组织实施、效果评估。",
    description_en="Training for managers, technicians and employees: needs survey, courses, plan, publication, "
                   "delivery and effect evaluation (DB1302 6.2.3, 6.4.3).",
    time_limit_days=sum(s.time_limit_days for s in STEPS), category="training",
)
