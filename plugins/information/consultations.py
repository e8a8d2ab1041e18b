"""Consultations (DB1302 6.4.1.2): accepted online or offline (a), answered within the published
time limit or an agreed later deadline (b), the whole exchange kept (c).

The reply clock: the enterprise's latest message starts it; it runs for the answer's part of the
published time limit of the ``information.consultation`` service (its steps up to the answer,
accept + answer), in working days of the platform calendar. A platform
reply to a waiting question stops it and records whether it came in time. A new message from the
enterprise restarts it. Staff may agree a later deadline with the enterprise, recorded with its
reason; the clock then runs to the end of that day.

Closing (6.4.1.2 b, c): a consultation whose questions are all answered closes as it is; one with a
question still waiting closes only with a reason, kept on the consultation and in its audit event.
"""
from __future__ import annotations

import datetime

from rongtong.core.plugin import (NotFound, ValidationFailed, WorkflowError, attributed_to, gettext as _, is_postgres, utcnow,
                                  write_transaction)

from .models import Consultation, ConsultationMessage
from .workflows import WORKFLOW_KEY

ANSWER_STEP = "answer"


def reply_days(registry) -> int:
    """Working days within which a question is answered (DB1302 5.4.1, 6.4.1.2 b): the limits of the
    consultation workflow's steps up to and including the answer (accept + answer), after config
    overrides -- the answer's share of the service's published limit, which adds the closing."""
    workflow = registry.workflows[WORKFLOW_KEY]
    return sum(s.time_limit_days for s in workflow.steps[: workflow.index(ANSWER_STEP) + 1])


class ReplyClock:
    """When a reply is due: ``days`` working days of ``calendar`` after the enterprise's message,
    or the end of an agreed later day."""

    def __init__(self, calendar, days: int):
        self.calendar, self.days = calendar, days

    @classmethod
    def of(cls, platform) -> "ReplyClock":
        return cls(platform.calendar, reply_days(platform.registry))

    def due(self, started: datetime.datetime, agreed: datetime.date | None = None) -> datetime.datetime:
        due = self.calendar.due_at(started, self.days)
        if agreed is not None:
            due = max(due, self.calendar.end_of_day_utc(agreed))
        return due


def side_of(user) -> str:
    """Which side of the thread a user writes on: enterprise users ask, staff answer."""
    return "enterprise" if user is not None and user.is_enterprise_user else "platform"


def open_consultation(clock: ReplyClock | None, *, enterprise, actor, channel: str, category: str, subject: str,
                      question: str, request=None, now: datetime.datetime | None = None,
                      due_at: datetime.datetime | None = None) -> Consultation:
    """Record a consultation (validated data; see schemas.ConsultationSchema). The question is the
    first message of the thread and starts the reply clock (``due_at`` given, or from ``clock``)."""
    now = now or utcnow()
    due_at = due_at or clock.due(now)
    if enterprise.status != "admitted":
        raise ValidationFailed(_("This enterprise has not been admitted to the platform."),
                               {"enterprise": [_("Enterprise is not admitted (status: %(s)s).", s=enterprise.status)]})
    with write_transaction(), attributed_to(actor):
        consultation = Consultation.create(
            enterprise=enterprise, request=request, channel=channel, category=category, subject=subject,
            question=question, asked_by=actor, opened_at=now, clock_started_at=now, due_at=due_at)
        ConsultationMessage.create(consultation=consultation, side="enterprise", author=actor, body=question, created_at=now)
    return consultation


def add_message(clock: ReplyClock | None, consultation: Consultation, author, body: str, *,
                now: datetime.datetime | None = None) -> ConsultationMessage:
    """Append a message. From the enterprise: (re)starts the reply clock (``clock`` required).
    From the platform while a question waits: answers it, recording the clock it answered and
    whether it was in time."""
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("A message is required."), {"body": [_("Missing data for required field.")]})
    now = now or utcnow()
    side = side_of(author)
    with write_transaction(), attributed_to(author):
        c = _locked(consultation.id)
        if c.status == "closed":
            raise WorkflowError(_("This consultation is closed; please open a new one."))
        msg = ConsultationMessage(consultation=c, side=side, author=author, body=body, created_at=now)
        if side == "enterprise":
            c.clock_started_at = now
            c.agreed_deadline, c.agreed_reason = None, ""
            c.due_at = clock.due(now)
            c.status = "open"
        elif c.status == "open":
            msg.clock_started_at, msg.due_at = c.clock_started_at, c.due_at
            msg.on_time = now <= c.due_at
            msg.reply_seconds = int((now - c.clock_started_at).total_seconds())
            c.status = "answered"
            c.last_reply_at = now
            c.due_at = None
        msg.save()
        c.save(audit_action="message", audit_note={"message_id": msg.id, "side": side, "on_time": msg.on_time})
    return msg


def agree_deadline(clock: ReplyClock, consultation: Consultation, deadline: datetime.date, reason: str, actor) -> Consultation:
    """Record a later reply deadline agreed with the enterprise, with its reason (DB1302 6.4.1.2 b:
    "if not at once, within an agreed deadline")."""
    reason = (reason or "").strip()
    problems = {}
    if not reason:
        problems["reason"] = [_("Say why the reply needs more time.")]
    with write_transaction(), attributed_to(actor):
        c = _locked(consultation.id)
        if c.status != "open":
            raise WorkflowError(_("Only a consultation awaiting a reply can get a later deadline."))
        if c.due_at and clock.calendar.end_of_day_utc(deadline) <= c.due_at:
            problems["deadline"] = [_("The agreed deadline must be later than the current one (%(due)s).",
                                      due=clock.calendar.local_date(c.due_at).isoformat())]
        if problems:
            raise ValidationFailed(_("The deadline cannot be agreed."), problems)
        c.agreed_deadline, c.agreed_reason = deadline, reason
        c.due_at = clock.due(c.clock_started_at, deadline)
        c.save(audit_action="agree_deadline", audit_note={"deadline": deadline.isoformat(), "reason": reason})
    return c


def close_consultation(consultation: Consultation, actor, *, reason: str = "", now=None) -> Consultation:
    """Close a consultation (DB1302 6.4.1.2 b, c). Every question answered: it closes as it is. A
    question still waiting (never answered, or a follow-up): only with ``reason``, kept on the
    consultation (``close_reason``) and in the audit event."""
    reason = (reason or "").strip()
    with write_transaction(), attributed_to(actor):
        c = _locked(consultation.id)
        if c.status == "closed":
            raise WorkflowError(_("This consultation is already closed."))
        answered = c.status == "answered"
        if not answered and not reason:
            raise ValidationFailed(
                _("This consultation has a question with no answer yet: answer it first, or say why it is "
                  "closed without one."),
                {"reason": [_("Say why the consultation is closed without an answer.")]})
        c.status, c.closed_at, c.close_reason = "closed", now or utcnow(), reason
        c.save(audit_action="close", audit_note={"answered": answered, "reason": reason})
    return c


def thread(consultation: Consultation) -> list[ConsultationMessage]:
    return consultation.thread


def _locked(consultation_id: int) -> Consultation:
    query = Consultation.select().where(Consultation.id == consultation_id)
    if is_postgres():
        query = query.for_update()
    c = query.first()
    if c is None:
        raise NotFound(_("Consultation not found."))
    return c
