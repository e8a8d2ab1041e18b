"""Registration for an activity (DB1302 6.4.5 c): open while the activity is at its notice and
registration step and before the deadline; one per enterprise; approval within the capacity.
Used by the API and the portal alike."""
from __future__ import annotations

import datetime

from rongtong.core.plugin import (Conflict, User, WorkflowError, database, gettext as _, is_postgres, lazy_gettext as _l,
                                  notify_many)

from .models import Activity, Registration


def registration_problem(activity: Activity, today: datetime.date) -> str | None:
    """Why ``activity`` takes no registration now, or None when it does."""
    req = activity.request
    if req.is_closed or req.current_step != "notice":
        return _("Registration is open only while the activity is at the notice and registration step.")
    if activity.registration_deadline and today > activity.registration_deadline:
        return _("The registration deadline has passed.")
    return None


def seats_left(activity: Activity) -> int | None:
    if activity.capacity is None:
        return None
    taken = activity.registrations.where(Registration.status == "approved").count()
    return max(activity.capacity - taken, 0)


def register(activity: Activity, enterprise, data: dict, today: datetime.date) -> Registration:
    """Register ``enterprise`` (pending approval; the core audits the registration as the acting
    user's). Raises WorkflowError when registration is closed and Conflict when the enterprise has
    registered already."""
    problem = registration_problem(activity, today)
    if problem:
        raise WorkflowError(problem)
    with database.atomic():
        if Registration.select().where((Registration.activity == activity)
                                       & (Registration.enterprise == enterprise.id)).exists():
            raise Conflict(_("This enterprise has already registered."))
        row = Registration.create(activity=activity, enterprise=enterprise, contact_name=data["contact_name"],
                                  contact_phone=data.get("contact_phone", ""), note=data.get("note", ""))
    return row


def decide(row: Registration, decision: str, reason: str, actor) -> Registration:
    """Approve (within the capacity) or reject a registration; the enterprise's users are told."""
    with database.atomic():
        activity = row.activity
        if is_postgres():  # serialise approvals of one activity, so its capacity holds
            Activity.select().where(Activity.id == activity.id).for_update().execute()
        if activity.request.is_closed or activity.request.current_step not in ("notice", "preparation"):
            raise WorkflowError(_("Registrations are decided before the event."))
        if decision == "approve" and row.status != "approved" and seats_left(activity) == 0:
            raise Conflict(_("The activity is full (%(n)s places).", n=activity.capacity))
        row.status = "approved" if decision == "approve" else "rejected"
        row.decision_reason, row.decided_by = reason, actor
        row.save()
        subject = (_l("Your registration for %(title)s is approved", title=activity.title) if row.status == "approved"
                   else _l("Your registration for %(title)s was not approved", title=activity.title))
        notify_many(User.select().where((User.enterprise == row.enterprise_id) & (User.active == True)),  # noqa: E712
                    subject, reason, kind="promotion_registration",
                    dedupe_prefix=f"promotion:registration:{row.id}:{row.status}")
    return row
