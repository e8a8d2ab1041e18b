"""What each step of the complaint workflow writes into the complaint record (DB1302 5.4.2).

The handlers run as reactions inside the transition's transaction: a refusal rolls the transition
back with it. Opening a case files its record (whichever way it was opened: the request API, the
survey, :func:`.complaints.open_complaint`) and tells the case's handlers
(:func:`~rongtong.core.plugin.handlers_of`) in the same transaction; each later step copies its data
onto the record. The record is an audited model: the core audits each write as the actor's.
"""
from __future__ import annotations

import datetime

from rongtong.core.plugin import (OPEN, Reaction, ServiceRequest, StepRecord, ValidationFailed, gettext as _,
                                  handlers_of, lazy_gettext as _l, notify_many, utcnow)

from . import review
from .models import Complaint, Evaluation
from .workflows import COMPLAINT

# The case's complaint record (its request field is ``case``), filed by :func:`filed` at ``open``.
RECORD = StepRecord(Complaint, workflow=COMPLAINT, request_field="case")


def reactions() -> list[Reaction]:
    """What ``register_reactions`` returns: file the record first, then the steps."""
    return [Reaction(COMPLAINT, filed, outcome=OPEN), *RECORD.reactions()]


def filed(event) -> Complaint:
    """The case is opened: check what it was filed with, write the record, tell the handlers."""
    request, actor = event.request, event.actor
    data = request.data or {}
    errors = {}
    concerns = None
    if data.get("concerns_request"):
        concerns = ServiceRequest.get_or_none(ServiceRequest.id == data["concerns_request"])
        if concerns is None or concerns.enterprise_id != request.enterprise_id:
            errors["concerns_request"] = [_("No such request of this enterprise.")]
    evaluation = None
    if data.get("concerns_evaluation"):
        evaluation = Evaluation.get_or_none(Evaluation.id == data["concerns_evaluation"])
        if evaluation is None:
            errors["concerns_evaluation"] = [_("No such evaluation.")]
    description = (data.get("description") or request.description or "").strip()
    if not description:
        errors["description"] = [_("Describe your complaint.")]
    if data.get("channel") == "survey" and actor is not None:
        errors["channel"] = [_("Only a satisfaction survey opens complaints of this channel.")]
    if errors:
        raise ValidationFailed(_("Invalid request data."), {"data": errors})
    complaint = Complaint.create(
        case=request.id, enterprise=request.enterprise_id, concerns_request=concerns, concerns_evaluation=evaluation,
        channel=data.get("channel", "online"), description=description,
        complainant=data.get("complainant", "") or (str(actor) if actor is not None else ""),
        contact=data.get("contact", ""), received_at=request.opened_at,
    )
    _tell_handlers(request, complaint, actor)
    return complaint


def _tell_handlers(case: ServiceRequest, complaint: Complaint, actor) -> None:
    """A new complaint reaches whoever handles the case (DB1302 5.4.2), in the same transaction."""
    handlers = [u for u in handlers_of(case) if u.id != getattr(actor, "id", None)]
    enterprise = case.enterprise.name
    notify_many(handlers, _l("New complaint from %(enterprise)s", enterprise=enterprise),
                _l("%(enterprise)s filed a complaint: %(text)s", enterprise=enterprise, text=complaint.description[:500]),
                link=f"/admin/core/request/{case.id}/", kind="complaint", event="complaint.filed", request=case)


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(_("The step data is invalid."), {field: [message]})


@RECORD.on("verify")
def verify(complaint: Complaint, data: dict, event) -> None:
    complaint.substantiated = bool(data.get("substantiated"))
    complaint.findings = data.get("findings", "")


@RECORD.on("rectify")
def rectify(complaint: Complaint, data: dict, event) -> None:
    deadline = datetime.date.fromisoformat(data["deadline"]) if data.get("deadline") else None
    if deadline is None and complaint.substantiated:
        raise _invalid("deadline", _("A substantiated complaint needs a rectification deadline."))
    if deadline is not None and deadline < event.platform.calendar.local_date(utcnow()):
        raise _invalid("deadline", _("The rectification deadline cannot be in the past."))
    complaint.rectification = data.get("measures", "")
    complaint.rectify_deadline = deadline


@RECORD.on("respond")
def respond(complaint: Complaint, data: dict, event) -> None:
    complaint.response = data.get("response", "")


@RECORD.on("verdict")
def verdict(complaint: Complaint, data: dict, event) -> None:
    """The verdict decides the branch (DB1302 5.4.2): "not accepted" goes to the review and
    nowhere else; an accepted verdict or staff's recorded explanation goes to closing. Any other
    target is refused, whoever records the verdict; entering the review hands the case to its
    reviewer (:func:`.review.assign_reviewer`)."""
    given = data.get("verdict")
    actor, appealed = event.actor, event.transition.to_step == review.REVIEW_STEP
    if given == "explained" and actor is not None and actor.is_enterprise_user:
        raise _invalid("verdict", _("Give your verdict: accepted or not accepted."))
    if appealed and given != "not_accepted":
        raise _invalid("target", _("Only a complainant who does not accept the response may appeal."))
    if given == "not_accepted" and not appealed:
        raise _invalid("target", _("A complaint whose handling is not accepted goes to the review, not to closing."))
    complaint.verdict = given
    complaint.explanation = data.get("explanation", "")
    complaint.appealed = appealed
    if appealed:
        review.assign_reviewer(event)


@RECORD.on("appeal")
def appeal(complaint: Complaint, data: dict, event) -> None:
    """The review (DB1302 5.4.2, 7.1): never by one who handled the case."""
    review.refuse_handler(event)
    complaint.appeal_decision = data.get("decision", "")
