"""What each step of the promotion workflow writes into the activity record (DB1302 6.4.5 a–g).
The handlers run as reactions inside the transition's transaction (a refusal rolls the transition
back: nothing half-written); the core audits every write of the audited records."""
from __future__ import annotations

import datetime

from rongtong.core.plugin import StepRecord, ValidationFailed, gettext as _, not_before_scheduled

from .models import Activity, NegotiationFollowUp, Registration
from .workflows import KEY

PLAN_FIELDS = ("title", "kind", "starts_on", "capacity", "budget", "goals", "notice", "channels",
               "registration_deadline")

# The request's activity record, created when the request is opened, titled like the request.
ACTIVITY = StepRecord(Activity, workflow=KEY, create=lambda request: {"title": request.title[:200]})


def _date(value) -> datetime.date | None:
    """A date from the step data (stored as ISO text) or a record (a date)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _refuse(field, message):
    raise ValidationFailed(message, {field: [message]})


@ACTIVITY.on("survey")  # DB1302 6.4.5 a
def survey(activity: Activity, data: dict, event) -> None:
    activity.needs_conclusions, activity.invited = data["conclusions"], data["quality_enterprises"]
    activity.survey = data["survey"]


@ACTIVITY.on("plan")  # b (the notice of c goes out with the plan)
def plan(activity: Activity, data: dict, event) -> None:
    for name in PLAN_FIELDS:
        setattr(activity, name, data[name])
    activity.planned = data.get("planned_activity")


@ACTIVITY.on("notice")  # c: registration closes
def notice(activity: Activity, data: dict, event) -> None:
    if not activity.registrations.where(Registration.status == "approved").exists():
        _refuse("registrations", _("No registration has been approved yet."))


@ACTIVITY.on("preparation")  # d, and the event's date confirmed (the event step is due from it)
def preparation(activity: Activity, data: dict, event) -> None:
    deadline = _date(activity.registration_deadline)
    if deadline is not None and _date(data["starts_on"]) < deadline:
        _refuse("starts_on", _("The event cannot take place before registration closes (%(d)s).", d=deadline.isoformat()))
    activity.starts_on = data["starts_on"]
    activity.experts, activity.venue = data["experts"], data["venue"]
    activity.equipment, activity.media = data["equipment"], data.get("media", [])


@ACTIVITY.on("event")  # e: not recorded before the event's date (DB1302 5.4.1)
def held(activity: Activity, data: dict, event) -> None:
    scheduled = not_before_scheduled(event.request, event.workflow.step("event"), event.platform.calendar)
    if scheduled is not None and _date(data["held_on"]) < scheduled:
        _refuse("held_on", _("The event was scheduled for %(d)s: it cannot have been held before.", d=scheduled.isoformat()))
    activity.held_on, activity.attendance, activity.event_notes = data["held_on"], data["attendance"], data["record"]
    activity.media = sorted(set(activity.media or []) | set(data.get("media", [])))


@ACTIVITY.on("follow_up")  # f: every negotiation followed up
def follow_up(activity: Activity, data: dict, event) -> None:
    unfollowed = [n.subject for n in activity.negotiations
                  if not NegotiationFollowUp.select().where(NegotiationFollowUp.negotiation == n).exists()]
    if unfollowed:
        _refuse("negotiations", _("Not followed up yet: %(items)s.", items="、".join(unfollowed)))


@ACTIVITY.on("summary")  # g
def summary(activity: Activity, data: dict, event) -> None:
    activity.analysis, activity.effect_score = data["analysis"], data["effect_score"]
    activity.effect_evaluation, activity.improvements = data["effect_evaluation"], data["improvements"]
