"""What each step of the promotion workflow writes into the activity record (DB1302 6.4.5 a–g).
The handlers run as reactions inside the transition's transaction (a refusal rolls the transition
back: nothing half-written); the core audits every write of the audited records."""
from __future__ import annotations

from rongtong.core.plugin import StepRecord, ValidationFailed, gettext as _

from .models import Activity, NegotiationFollowUp, Registration
from .workflows import KEY

PLAN_FIELDS = ("title", "kind", "starts_on", "capacity", "budget", "goals", "notice", "channels",
               "registration_deadline")

# The request's activity record, created when the request is opened, titled like the request.
ACTIVITY = StepRecord(Activity, workflow=KEY, create=lambda request: {"title": request.title[:200]})


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


@ACTIVITY.on("preparation")  # d
def preparation(activity: Activity, data: dict, event) -> None:
    activity.experts, activity.venue = data["experts"], data["venue"]
    activity.equipment, activity.media = data["equipment"], data.get("media", [])


@ACTIVITY.on("event")  # e
def held(activity: Activity, data: dict, event) -> None:
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
