"""What each step of the training workflow writes into the plugin's records (DB1302 6.4.3 a–f).

Step handlers of the programme's :class:`StepRecord`, run as reactions inside the transition's
transaction: anything refused here (e.g. a session announced with less than the minimum notice)
raises ValidationFailed with field errors and the whole transition is rolled back — nothing
half-written. Every record is audited by the core, naming the transition's actor.
"""
from __future__ import annotations

import datetime

from rongtong.core.plugin import StepRecord, ValidationFailed, gettext as _, not_before_scheduled, surveys, utcnow

from . import registrations
from .models import TrainingCourse, TrainingProgramme, TrainingRegistration, TrainingSession
from .schemas import PublishSchema, to_utc
from .workflows import KEY


PROGRAMME = StepRecord(TrainingProgramme, workflow=KEY)


@PROGRAMME.on("survey")  # DB1302 6.4.3 a
def survey(programme: TrainingProgramme, data: dict, event) -> None:
    programme.survey = data["survey"]
    programme.conclusions = data["conclusions"]
    programme.needs_report = surveys.analyse(surveys.Survey.get_by_id(data["survey"]))


@PROGRAMME.on("course")  # DB1302 6.4.3 b: the courses designed replace any earlier ones
def course(programme: TrainingProgramme, data: dict, event) -> None:
    for old in TrainingCourse.select().where(TrainingCourse.programme == programme.id):
        old.delete_instance()
    for item in data["courses"]:
        TrainingCourse.create(programme=programme.id, **item)


@PROGRAMME.on("plan")  # DB1302 6.4.3 c
def plan(programme: TrainingProgramme, data: dict, event) -> None:
    programme.plan = data


@PROGRAMME.on("publish")  # DB1302 6.4.3 d
def publish_step(programme: TrainingProgramme, data: dict, event) -> None:
    platform = event.platform
    publish(programme, data, platform.options_of(KEY).get("minimum_notice_days", 5), platform.config.tz)


@PROGRAMME.on("deliver")  # DB1302 6.4.3 e: not recorded before the first session's date (5.4.1)
def deliver(programme: TrainingProgramme, data: dict, event) -> None:
    not_before_scheduled(event.request, event.workflow.step("deliver"), event.platform.calendar)
    programme.delivery = {**data, "attendance": registrations.results(programme)}
    registrations.ask_for_evaluation(programme)  # 6.4.3 f: only attendees who checked in


@PROGRAMME.on("evaluate")  # DB1302 6.4.3 f
def evaluate(programme: TrainingProgramme, data: dict, event) -> None:
    programme.evaluation = {**data, "results": registrations.results(programme)}


def publish(programme: TrainingProgramme, data: dict, notice_days: int, tz) -> list[TrainingSession]:
    """Announce the sessions; each must start at least ``notice_days`` after now (times without an
    offset are in the site's zone ``tz``). Sessions of an earlier publication that nobody
    registered for are replaced; the others stay."""
    typed = {k: v for k, v in data.items() if k != "first_session_at"}  # computed on load, never typed
    clean = PublishSchema().load(typed)  # stored step data holds ISO text; get datetimes back
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
            old.delete_instance()
    created = []
    for s in clean["sessions"]:
        created.append(TrainingSession.create(programme=programme.id, published_at=now, **s))
    programme.notice, programme.channels, programme.published_at = clean["notice"], clean["channels"], now
    return created
