"""The consultation service as a catalog workflow (DB1302 6.4.1.2): accept → answer → close, so
consultations filed through the catalog appear in the staff's request inbox. The workflow keeps the
consultation thread in step: filing opens it, the answer step posts the answer, closing closes it.

The promise (DB1302 5.4.1, 6.4.1.2 b; issue 12): what an enterprise is told is what the clock runs.
It is told two things: the answer comes within 2 working days of filing (accepted within one, answered
within the next), and the consultation is closed -- its satisfaction asked -- one working day after
that. The catalog publishes the whole, 3 working days, which is exactly what the steps add up to, so
no step falls due after the request; the thread's reply clock is the answer's part of it
(``consultations.reply_days``: the steps up to the answer). The former figures promised 2 days while
the steps took 6 (1 + 2 + 3), the closing step alone outlasting the request by 4.
"""
from __future__ import annotations

from rongtong.core.plugin import ADVANCE, PAUSE, REJECT, RETURN, Step, Workflow

from .schemas import AcceptStepSchema, AnswerStepSchema, CloseStepSchema, ConsultationIntakeSchema

WORKFLOW_KEY = "information_consultation"
ACCEPT_DAYS, ANSWER_DAYS, CLOSE_DAYS = 1, 1, 1  # working days per step (DB1302 5.4.1)

CONSULTATION_WORKFLOW = Workflow(
    WORKFLOW_KEY, "政策咨询服务", "Consultation service", version=1,
    description="DB1302 6.4.1.2: accept, answer within the published time limit, record, close.",
    intake_schema=ConsultationIntakeSchema,
    steps=(
        Step("accept", "受理咨询", "Accept the consultation", roles=("staff",), schema=AcceptStepSchema,
             time_limit_days=ACCEPT_DAYS, outcomes=(ADVANCE, REJECT, PAUSE), example={"category": "policy"}),
        Step("answer", "答复咨询", "Answer", roles=("staff",), schema=AnswerStepSchema, time_limit_days=ANSWER_DAYS,
             outcomes=(ADVANCE, RETURN, PAUSE),
             example={"answer": "根据《河北省促进中小企业发展条例》，贵公司可申请专精特新企业认定，材料清单见附件。"}),
        Step("close", "办结确认", "Close", roles=("staff", "enterprise"), schema=CloseStepSchema,
             time_limit_days=CLOSE_DAYS, outcomes=(ADVANCE, RETURN),
             example={"satisfaction": "satisfied", "comment": "解答清楚"}),
    ),
)

# The published limit: the steps' sum, so the promise and the clock agree (core.checks.check_promises).
PROMISED_DAYS = CONSULTATION_WORKFLOW.total_days
