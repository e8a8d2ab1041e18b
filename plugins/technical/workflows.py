"""The technical service workflow (DB1302 6.4.2 a–d): accept the application (enterprise, need,
kind) → plan (institution chosen among ranked candidates, plan recorded) → deliver (records,
deliverables) → the enterprise evaluates the effect."""
from __future__ import annotations

from rongtong.core.plugin import ADVANCE, PAUSE, REJECT, RETURN, Step, Workflow

from .schemas import AcceptStepSchema, ApplicationSchema, DeliverStepSchema, EvaluateStepSchema, PlanStepSchema

WORKFLOW_KEY = "technical"
SERVICE_KEY = "technical.service"

TECHNICAL_WORKFLOW = Workflow(
    WORKFLOW_KEY, "技术服务", "Technical service", version=1,
    description="DB1302 6.4.2: accept → plan (match contracted institutions) → deliver → evaluate effect.",
    intake_schema=ApplicationSchema,
    steps=(
        Step("accept", "受理申请", "Accept the application", roles=("staff",), schema=AcceptStepSchema,
             time_limit_days=2, outcomes=(ADVANCE, REJECT, PAUSE), pause_requires_files=True,  # 补正: materials
             example={"kind": "inspection_testing", "remarks": "需求明确，材料齐全"}),
        Step("plan", "制定方案", "Plan", roles=("staff",), schema=PlanStepSchema, time_limit_days=5,
             outcomes=(ADVANCE, RETURN, REJECT, PAUSE),
             example={"institution": 1, "plan": "由签约检测机构在10个工作日内完成样品检测并出具报告。",
                      "platform_resources": "平台共享实验室"}),
        Step("deliver", "组织实施", "Deliver", roles=("staff", "expert"), schema=DeliverStepSchema,
             time_limit_days=20, outcomes=(ADVANCE, RETURN, PAUSE),
             example={"records": "完成样品检测3批次。", "deliverables": ["检测报告"]}),
        Step("evaluate", "效果评价", "Evaluate the effect", roles=("enterprise",), schema=EvaluateStepSchema,
             time_limit_days=5, outcomes=(ADVANCE,), example={"score": 5, "comment": "报告及时、专业"}),
    ),
)
