"""Complaints (DB1302 5.4.2): a complaint is its own record, linked to the request or evaluation it
concerns, handled as a case of the ``complaint`` service.

The :class:`~plugins.evaluation.models.Complaint` row is written by the complaint workflow's
reactions (:mod:`.steps`) when the case is opened — through the generic request API, the survey, or
:func:`open_complaint` — so every way in gives the same record; each step's data is copied onto it
as the case moves. :func:`on_closed` stamps it when the case ends. The record is an audited model:
the core audits each write as the acting user's.
"""
from __future__ import annotations

from rongtong.core.plugin import ServiceRequest, User, gettext as _, utcnow

from .models import Complaint, ImprovementAction
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
        complaint.survey = survey
        complaint.save()
    return complaint


def on_closed(request: ServiceRequest) -> None:
    """The case ended: stamp the record; a substantiated complaint becomes an improvement action
    (DB1302 7.2) in the plan stage."""
    complaint = Complaint.get_or_none(Complaint.case == request.id)
    if complaint is None:
        return
    complaint.closed_at = request.closed_at or utcnow()
    complaint.save()
    if request.status == "completed" and complaint.substantiated:
        ImprovementAction.create(
            source="complaint", complaint=complaint, finding=complaint.findings or complaint.description,
            measure=complaint.rectification, owner=_owner(request, complaint), deadline=complaint.rectify_deadline)


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
