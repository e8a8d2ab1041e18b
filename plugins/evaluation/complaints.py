"""Complaints (DB1302 5.4.2): a complaint is its own record, linked to the request or evaluation it
concerns, handled as a case of the ``complaint`` service.

The :class:`~plugins.evaluation.models.Complaint` row is written by the ``on_transition`` hook when
the case is opened — through the generic request API, the survey, or :func:`open_complaint` — so
every way in gives the same record. Each step's data is copied onto the record as the case moves,
inside the transition's transaction; a refusal here rolls the transition back. A new complaint
notifies the case's handlers (:func:`core.routing.handlers_of`) in the same transaction.
"""
from __future__ import annotations

import datetime

from rongtong.core import audit
from rongtong.core.errors import NotFound, ValidationFailed
from rongtong.core.i18n import gettext as _
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import ServiceRequest, User, utcnow
from rongtong.core.notify import notify_many
from rongtong.core.routing import handlers_of

from .models import Complaint, Evaluation, ImprovementAction
from .workflows import COMPLAINT


def open_complaint(engine, *, enterprise, description: str, channel: str, actor=None, concerns_request=None,
                   concerns_evaluation=None, complainant: str = "", contact: str = "", survey=None) -> Complaint:
    """File a complaint case (DB1302 5.4.2) and return its record."""
    title = _("Complaint: %(text)s", text=(description or "").strip()[:60] or "-")
    data = {"channel": channel, "description": description, "complainant": complainant, "contact": contact,
            "concerns_request": getattr(concerns_request, "id", concerns_request),
            "concerns_evaluation": getattr(concerns_evaluation, "id", concerns_evaluation)}
    case = engine.open_request(enterprise=enterprise, service_key=COMPLAINT, actor=actor, title=title, data=data)
    complaint = Complaint.get(Complaint.case == case.id)
    if survey is not None:
        before = complaint.snapshot()
        complaint.survey = survey
        complaint.save()
        audit.record_update(complaint, before, actor)
    return complaint


def on_transition(request: ServiceRequest, transition, registry=None) -> None:
    """Keep the complaint record in step with its case."""
    actor = transition.actor
    if transition.outcome == "open":
        _create(request, actor)
        return
    complaint = Complaint.get_or_none(Complaint.case == request.id)
    if complaint is None:  # pragma: no cover - every case is opened through _create
        raise NotFound(_("Complaint record missing for case %(id)s.", id=request.id))
    before = complaint.snapshot()
    data = transition.data or {}
    step = transition.from_step
    if transition.outcome not in ("advance", "complete"):
        return
    if step == "verify":
        complaint.substantiated = bool(data.get("substantiated"))
        complaint.findings = data.get("findings", "")
    elif step == "rectify":
        deadline = datetime.date.fromisoformat(data["deadline"]) if data.get("deadline") else None
        if deadline is None and complaint.substantiated:
            raise ValidationFailed(_("The step data is invalid."),
                                   {"deadline": [_("A substantiated complaint needs a rectification deadline.")]})
        if deadline is not None and deadline < _today(registry):
            raise ValidationFailed(_("The step data is invalid."),
                                   {"deadline": [_("The rectification deadline cannot be in the past.")]})
        complaint.rectification = data.get("measures", "")
        complaint.rectify_deadline = deadline
    elif step == "respond":
        complaint.response = data.get("response", "")
    elif step == "verdict":
        verdict = data.get("verdict")
        if verdict == "explained" and actor is not None and actor.is_enterprise_user:
            raise ValidationFailed(_("The step data is invalid."),
                                   {"verdict": [_("Give your verdict: accepted or not accepted.")]})
        if transition.to_step == "appeal" and verdict != "not_accepted":
            raise ValidationFailed(_("The step data is invalid."),
                                   {"target": [_("Only a complainant who does not accept the response may appeal.")]})
        complaint.verdict = verdict
        complaint.explanation = data.get("explanation", "")
        complaint.appealed = transition.to_step == "appeal"
    elif step == "appeal":
        complaint.appeal_decision = data.get("decision", "")
    complaint.save()
    audit.record_update(complaint, before, actor)


def _today(registry) -> datetime.date:
    """Today in the site's time zone."""
    if registry is None:
        return utcnow().date()
    moment = utcnow().replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(registry.config.tz).date()


def _create(request: ServiceRequest, actor) -> Complaint:
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
    audit.record_create(complaint, actor)
    _tell_handlers(request, complaint, actor)
    return complaint


def _tell_handlers(case: ServiceRequest, complaint: Complaint, actor) -> None:
    """A new complaint reaches whoever handles the case (DB1302 5.4.2), in the same transaction."""
    handlers = [u for u in handlers_of(case) if u.id != getattr(actor, "id", None)]
    enterprise = case.enterprise.name
    notify_many(handlers, _l("New complaint from %(enterprise)s", enterprise=enterprise),
                _l("%(enterprise)s filed a complaint: %(text)s", enterprise=enterprise, text=complaint.description[:500]),
                link=f"/admin/core/request/{case.id}/", kind="complaint", event="complaint.filed", request=case)


def on_closed(request: ServiceRequest, transition) -> None:
    """The case ended: stamp the record; a substantiated complaint becomes an improvement action
    (DB1302 7.2) in the plan stage."""
    complaint = Complaint.get_or_none(Complaint.case == request.id)
    if complaint is None:
        return
    before = complaint.snapshot()
    complaint.closed_at = request.closed_at or utcnow()
    complaint.save()
    audit.record_update(complaint, before, transition.actor)
    if request.status == "completed" and complaint.substantiated:
        action = ImprovementAction.create(
            source="complaint", complaint=complaint, finding=complaint.findings or complaint.description,
            measure=complaint.rectification, owner=_owner(request, complaint), deadline=complaint.rectify_deadline)
        audit.record_create(action, transition.actor)


def _owner(request: ServiceRequest, complaint: Complaint):
    """Who owns the improvement: the case's assignee, else the head of the department that served
    the request complained about."""
    if request.assignee_id:
        return request.assignee_id
    concerned = complaint.concerns_request
    if concerned is not None and concerned.department_id:
        head = (User.select().where((User.department == concerned.department_id) & (User.is_department_head == True)
                                    & (User.active == True)).order_by(User.id).first())  # noqa: E712
        if head is not None:
            return head.id
    return None


def closure_days(complaint: Complaint, calendar) -> int | None:
    """Working days from receipt to closure (the supervision report)."""
    if complaint.closed_at is None:
        return None
    return calendar.working_days_between(calendar.local_date(complaint.received_at),
                                         calendar.local_date(complaint.closed_at))
