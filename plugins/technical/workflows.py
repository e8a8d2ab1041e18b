"""The technical service workflow (DB1302 6.4.2 a–d): accept the application (enterprise, need,
kind) → plan (institution chosen among ranked candidates, plan recorded) → deliver (records,
deliverables) → the enterprise evaluates the effect."""
from __future__ import annotations

from rongtong.core.calendar import WorkingCalendar
from rongtong.core.errors import ValidationFailed
from rongtong.core.i18n import gettext as _
from rongtong.core.models import utcnow
from rongtong.core.workflow import ADVANCE, COMPLETE, PAUSE, REJECT, RETURN, Step, Workflow

from . import candidates
from .models import Assignment, Institution
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


def today_of(registry):
    """Today's date in the site's time zone."""
    return WorkingCalendar.from_config(registry.config).local_date(utcnow())


def on_transition(request, transition, workflow, registry) -> None:
    """Record the plan, the delivery and the evaluation on the request's assignment. Choosing an
    institution that is not eligible refuses the step (the whole transition is rolled back)."""
    if workflow.key != WORKFLOW_KEY or transition.outcome not in (ADVANCE, COMPLETE):
        return
    data = transition.data or {}
    step = transition.from_step
    if step == "plan":
        kind = candidates.kind_of(request)
        today = today_of(registry)
        institution = Institution.get_or_none(Institution.id == data["institution"])
        problem = candidates.eligibility_problem(institution, kind, today)
        if problem:
            raise ValidationFailed(_("This institution cannot be chosen."), {"institution": [problem]})
        eligible, _excluded = candidates.rank_institutions(kind, today)
        snapshot = [m.as_dict(candidates.describe) for m in eligible]
        assignment = Assignment.get_or_none(Assignment.request == request.id)
        values = dict(institution=institution, kind=kind, plan=data["plan"], candidates=snapshot,
                      planned_by=transition.actor, planned_at=transition.created_at)
        if assignment is None:  # a plan made again after a return replaces the earlier one
            Assignment.create(request=request.id, **values)
        else:
            Assignment.update(**values).where(Assignment.id == assignment.id).execute()
    elif step == "deliver":
        Assignment.update(records=data["records"], deliverables=list(data["deliverables"]),
                          delivered_at=transition.created_at).where(Assignment.request == request.id).execute()
    elif step == "evaluate":
        Assignment.update(score=data["score"], comment=data.get("comment", ""),
                          evaluated_at=transition.created_at).where(Assignment.request == request.id).execute()
