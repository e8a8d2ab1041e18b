"""The consultation service as a catalog workflow (DB1302 6.4.1.2): accept → answer → close, so
consultations filed through the catalog appear in the staff's request inbox. The workflow keeps the
consultation thread in step: filing opens it, the answer step posts the answer, closing closes it.
"""
from __future__ import annotations

from rongtong.core.workflow import ADVANCE, COMPLETE, OPEN, PAUSE, REJECT, RETURN, Step, Workflow

from . import consultations
from .models import Consultation
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


def on_transition(request, transition, workflow) -> None:
    """Keep the consultation of a catalog request in step with its workflow."""
    if workflow.key != WORKFLOW_KEY:
        return
    data = transition.data or {}
    if transition.outcome == OPEN:
        intake = request.data or {}
        consultations.open_consultation(
            None, enterprise=request.enterprise, actor=transition.actor, channel=intake.get("channel", "online"),
            category=intake.get("category", "other"), subject=request.title,
            question=(intake.get("question") or request.description or request.title).strip(),
            request=request, now=transition.created_at, due_at=request.due_at)
        return
    consultation = Consultation.get_or_none(Consultation.request == request.id)
    if consultation is None:
        return
    if transition.outcome == ADVANCE and transition.from_step == "accept" and data.get("category"):
        Consultation.update(category=data["category"]).where(Consultation.id == consultation.id).execute()
    elif transition.outcome == ADVANCE and transition.from_step == "answer":
        consultations.add_message(None, consultation, transition.actor, data["answer"], now=transition.created_at)
    elif transition.outcome == COMPLETE and consultation.status != "closed":
        consultations.close_consultation(consultation, transition.actor, now=transition.created_at)


def on_request_closed(request, transition) -> None:
    """A rejected or withdrawn consultation request closes its consultation too."""
    if request.workflow_key != WORKFLOW_KEY or transition.outcome == COMPLETE:
        return
    consultation = Consultation.get_or_none(Consultation.request == request.id)
    if consultation is not None and consultation.status != "closed":
        consultations.close_consultation(consultation, transition.actor, now=transition.created_at)
