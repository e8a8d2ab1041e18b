"""The consultation service as a catalog workflow (DB1302 6.4.1.2): accept → answer → close, so
consultations filed through the catalog appear in the staff's request inbox. The workflow keeps the
consultation thread in step: filing opens it, the answer step posts the answer, closing closes it.
"""
from __future__ import annotations

from rongtong.core.plugin import ADVANCE, PAUSE, REJECT, RETURN, Step, Workflow

from .schemas import AcceptStepSchema, AnswerStepSchema, CloseStepSchema, ConsultationIntakeSchema

WORKFLOW_KEY = "information_consultation"
REPLY_DAYS = 2  # the published reply time limit, working days (DB1302 5.4.1, 6.4.1.2 b)

CONSULTATION_WORKFLOW = Workflow(
    WORKFLOW_KEY, "政策咨询服务", "Consultation service", version=1,
    description="DB1302 6.4.1.2: accept, answer within the published time limit, record, close.",
    intake_schema=ConsultationIntakeSchema,
    steps=(
        Step("accept", "受理咨询", "Accept the consultation", roles=("staff",), schema=AcceptStepSchema,
             time_limit_days=1, outcomes=(ADVANCE, REJECT, PAUSE), example={"category": "policy"}),
        Step("answer", "答复咨询", "Answer", roles=("staff",), schema=AnswerStepSchema, time_limit_days=REPLY_DAYS,
             outcomes=(ADVANCE, RETURN, PAUSE),
             example={"answer": "根据《河北省促进中小企业发展条例》，贵公司可申请专精特新企业认定，材料清单见附件。"}),
        Step("close", "办结确认", "Close", roles=("staff", "enterprise"), schema=CloseStepSchema, time_limit_days=3,
             outcomes=(ADVANCE, RETURN), example={"satisfied": True, "comment": "解答清楚"}),
    ),
)
