"""What each step of the promotion workflow writes, called from ``on_transition`` inside the
transition's transaction (a refusal here rolls the transition back: nothing half-written)."""
from __future__ import annotations

from rongtong.core import audit
from rongtong.core.errors import ValidationFailed
from rongtong.core.i18n import gettext as _

from .models import Activity, NegotiationFollowUp, Registration
from .workflows import KEY

PLAN_FIELDS = ("title", "kind", "starts_on", "capacity", "budget", "goals", "notice", "channels",
               "registration_deadline")


def activity_of(request, actor=None) -> Activity:
    """The request's activity record, created on first need (also for bulk-loaded requests)."""
    activity = Activity.get_or_none(Activity.request == request.id)
    if activity is None:
        activity = Activity.create(request=request.id, title=request.title[:200])
        audit.record_create(activity, actor)
    return activity


def _refuse(field, message):
    raise ValidationFailed(message, {field: [message]})


def on_transition(request, transition, workflow) -> None:
    if workflow.key != KEY or transition.outcome not in ("open", "advance", "complete"):
        return
    activity = activity_of(request, transition.actor)
    if transition.outcome == "open":
        return
    before = activity.snapshot()
    data = transition.data or {}
    step = transition.from_step
    if step == "survey":  # DB1302 6.4.5 a
        activity.needs_conclusions, activity.invited = data["conclusions"], data["quality_enterprises"]
        activity.survey = data["survey"]
    elif step == "plan":  # b (the notice of c goes out with the plan)
        for name in PLAN_FIELDS:
            setattr(activity, name, data[name])
        activity.planned = data.get("planned_activity")
    elif step == "notice":  # c: registration closes
        if not activity.registrations.where(Registration.status == "approved").exists():
            _refuse("registrations", _("No registration has been approved yet."))
    elif step == "preparation":  # d
        activity.experts, activity.venue = data["experts"], data["venue"]
        activity.equipment, activity.media = data["equipment"], data.get("media", [])
    elif step == "event":  # e
        activity.held_on, activity.attendance, activity.event_notes = data["held_on"], data["attendance"], data["record"]
        activity.media = sorted(set(activity.media or []) | set(data.get("media", [])))
    elif step == "follow_up":  # f: every negotiation followed up
        unfollowed = [n.subject for n in activity.negotiations
                      if not NegotiationFollowUp.select().where(NegotiationFollowUp.negotiation == n).exists()]
        if unfollowed:
            _refuse("negotiations", _("Not followed up yet: %(items)s.", items="、".join(unfollowed)))
    elif step == "summary":  # g
        activity.analysis, activity.effect_score = data["analysis"], data["effect_score"]
        activity.effect_evaluation, activity.improvements = data["effect_evaluation"], data["improvements"]
    activity.save()
    audit.record_update(activity, before, transition.actor)


