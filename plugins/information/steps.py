"""The consultation workflow keeps its consultation in step (DB1302 6.4.1.2 a-c): filing opens the
consultation (its reply due when the answer step is: accept + answer), accepting may correct its
category, the answer step posts the answer into the thread, and the request ending -- completed,
rejected or withdrawn -- closes it, with the transition's reason (required for a rejection or a
withdrawal, and for completing while a follow-up question waits: see
``consultations.close_consultation``). Closing asks the enterprise's satisfaction: an enterprise
user closing answers it; only staff may record "not asked".

Reactions to the ``information_consultation`` workflow, inside the transition's transaction; the
consultation and its messages are audited records (the core writes their events).
"""
from __future__ import annotations

from rongtong.core.plugin import ADVANCE, COMPLETE, OPEN, REJECT, WITHDRAW, Reaction, ValidationFailed, gettext as _

from . import consultations
from .models import Consultation
from .workflows import WORKFLOW_KEY

def opened(event) -> None:
    request, intake = event.request, event.request.data or {}
    consultations.open_consultation(
        None, enterprise=request.enterprise, actor=event.actor, channel=intake.get("channel", "online"),
        category=intake.get("category", "other"), subject=request.title,
        question=(intake.get("question") or request.description or request.title).strip(),
        request=request, now=event.transition.created_at,
        due_at=consultations.ReplyClock.of(event.platform).due(event.transition.created_at))


def _consultation(event) -> Consultation | None:
    return Consultation.get_or_none(Consultation.request == event.request.id)


def accepted(event) -> None:
    consultation = _consultation(event)
    if consultation is not None and event.data.get("category"):
        consultation.category = event.data["category"]
        consultation.save()


def answered(event) -> None:
    consultation = _consultation(event)
    if consultation is not None:
        consultations.add_message(None, consultation, event.actor, event.data["answer"], now=event.transition.created_at)


def ended(event) -> None:
    if event.outcome == COMPLETE and event.data.get("satisfaction") == "not_asked" and event.actor.is_enterprise_user:
        message = _("You are the one asked: say whether the answer satisfied you.")
        raise ValidationFailed(message, {"satisfaction": [message]})
    consultation = _consultation(event)
    if consultation is not None and consultation.status != "closed":
        consultations.close_consultation(consultation, event.actor, reason=event.transition.reason,
                                         now=event.transition.created_at)


REACTIONS = [
    Reaction(WORKFLOW_KEY, opened, outcome=OPEN),
    Reaction(WORKFLOW_KEY, accepted, step="accept", outcome=ADVANCE),
    Reaction(WORKFLOW_KEY, answered, step="answer", outcome=ADVANCE),
    Reaction(WORKFLOW_KEY, ended, outcome=(COMPLETE, REJECT, WITHDRAW)),
]
