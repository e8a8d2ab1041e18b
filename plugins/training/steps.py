"""What each step of the training workflow writes into the plugin's records (DB1302 6.4.3 a–f).

Called from ``on_transition`` inside the transition's transaction: anything refused here (e.g. a
session announced with less than the minimum notice) raises ValidationFailed with field errors and
the whole transition is rolled back — nothing half-written.
"""
from __future__ import annotations

import datetime

from rongtong.core import audit
from rongtong.core.errors import ValidationFailed
from rongtong.core.i18n import gettext as _
from rongtong.core.models import utcnow
from rongtong.core.toolkit.surveys import Survey, analyse

from . import registrations
from .models import TrainingCourse, TrainingProgramme, TrainingRegistration, TrainingSession
from .schemas import PublishSchema, to_utc
from .workflows import KEY


def programme_of(request, actor=None) -> TrainingProgramme:
    programme = TrainingProgramme.get_or_none(TrainingProgramme.request == request.id)
    if programme is None:
        programme = TrainingProgramme.create(request=request.id)
        audit.record_create(programme, actor)
    return programme


def on_transition(request, transition, workflow, registry) -> None:
    if workflow.key != KEY or transition.outcome not in ("open", "advance", "complete"):
        return
    actor = transition.actor
    programme = programme_of(request, actor)
    if transition.outcome == "open":
        return
    data = transition.data or {}
    step = transition.from_step
    before = programme.snapshot()
    if step == "survey":  # DB1302 6.4.3 a
        programme.survey = data["survey"]
        programme.conclusions = data["conclusions"]
        programme.needs_report = analyse(Survey.get_by_id(data["survey"]))
    elif step == "course":  # DB1302 6.4.3 b
        for old in TrainingCourse.select().where(TrainingCourse.programme == programme.id):
            audit.record_delete(old, actor)
            old.delete_instance()
        for course in data["courses"]:
            audit.record_create(TrainingCourse.create(programme=programme.id, **course), actor)
    elif step == "plan":  # DB1302 6.4.3 c
        programme.plan = data
    elif step == "publish":  # DB1302 6.4.3 d
        publish(programme, data, registry.options.get(KEY, {}).get("minimum_notice_days", 5), registry.config.tz, actor)
    elif step == "deliver":  # DB1302 6.4.3 e
        programme.delivery = {**data, "attendance": registrations.results(programme)}
        registrations.ask_for_evaluation(programme)  # 6.4.3 f: only attendees who checked in
    elif step == "evaluate":  # DB1302 6.4.3 f
        programme.evaluation = {**data, "results": registrations.results(programme)}
    programme.updated_at = utcnow()
    programme.save()
    audit.record_update(programme, before, actor)


def publish(programme: TrainingProgramme, data: dict, notice_days: int, tz, actor) -> list[TrainingSession]:
    """Announce the sessions; each must start at least ``notice_days`` after now (times without an
    offset are in the site's zone ``tz``). Sessions of an earlier publication that nobody
    registered for are replaced; the others stay."""
    clean = PublishSchema().load(data)  # stored step data holds ISO text; get datetimes back
    for s in clean["sessions"]:
        s["starts_at"], s["ends_at"] = to_utc(s["starts_at"], tz), to_utc(s["ends_at"], tz)
    now = utcnow()
    earliest = now + datetime.timedelta(days=notice_days)
    local = earliest.replace(tzinfo=datetime.timezone.utc).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    late = {i: {"starts_at": [_("Publish at least %(n)s days before the session (starting on or after %(d)s).",
                                n=notice_days, d=local)]}
            for i, s in enumerate(clean["sessions"]) if s["starts_at"] < earliest}
    if late:
        raise ValidationFailed(_("A session starts too soon after publication."), {"sessions": late})
    for old in TrainingSession.select().where(TrainingSession.programme == programme.id):
        if not TrainingRegistration.select().where(TrainingRegistration.session == old.id).exists():
            audit.record_delete(old, actor)
            old.delete_instance()
    created = []
    for s in clean["sessions"]:
        session = TrainingSession.create(programme=programme.id, published_at=now, **s)
        audit.record_create(session, actor)
        created.append(session)
    programme.notice, programme.channels, programme.published_at = clean["notice"], clean["channels"], now
    return created
