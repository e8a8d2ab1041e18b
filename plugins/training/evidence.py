"""What this plugin shows the compliance report (``rongtong report compliance``; hook
``register_evidence``): the training programmes active in the period with their needs survey and
report, plan, notice, delivery and effect evaluation (DB1302 6.4.3 a-f), and the sessions held and
attended (6.2.3)."""
from __future__ import annotations

from rongtong.core.plugin import Evidence

from .models import TrainingEvaluation, TrainingProgramme, TrainingRegistration, TrainingSession

PROGRAMMES = "training_programme · training_session · /admin/training/trainingprogramme/"
SESSIONS = "training_session · training_registration · training_evaluation · /admin/training/trainingsession/"


def _sessions(platform, period):
    start, stop = period.bounds_utc(platform.calendar.tz)
    return TrainingSession.select().where((TrainingSession.starts_at >= start) & (TrainingSession.starts_at < stop))


def programmes(platform, period):
    """DB1302 6.4.3 a-f: the programmes updated in the period or with a session in it, and how
    many of them have each part of the standard's steps on record."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    P = TrainingProgramme
    with_sessions = {s.programme_id for s in _sessions(platform, period)}
    active = [p for p in P.select().where(((P.updated_at >= start) & (P.updated_at < stop)) | P.id.in_(with_sessions or [0]))]
    if not active:
        return [], PROGRAMMES
    evaluated = {r.registration.session.programme_id for r in TrainingEvaluation.select()
                 .join(TrainingRegistration).join(TrainingSession).where(TrainingSession.programme.in_([p.id for p in active]))}
    count = lambda test: sum(1 for p in active if test(p))  # noqa: E731
    return ([("培训项目", "Programmes", len(active)),
             ("有需求调研", "With a needs survey", count(lambda p: p.survey_id or p.needs_report)),
             ("有需求分析报告", "With a needs analysis report", count(lambda p: p.needs_report)),
             ("有培训计划", "With a plan", count(lambda p: p.plan)),
             ("已提前发布", "Published in advance", count(lambda p: p.published_at)),
             ("有实施记录", "With a delivery record", count(lambda p: p.delivery)),
             ("有效果评估", "With an effect evaluation", count(lambda p: p.evaluation or p.id in evaluated))],
            PROGRAMMES)


def sessions(platform, period):
    """DB1302 6.2.3: sessions held in the period, attendees checked in and their evaluations."""
    held = list(_sessions(platform, period))
    if not held:
        return [], SESSIONS
    ids = [s.id for s in held]
    R = TrainingRegistration
    checked_in = R.select().where(R.session.in_(ids) & R.checked_in_at.is_null(False)).count()
    evaluations = TrainingEvaluation.select().join(R).where(R.session.in_(ids)).count()
    return ([("举办场次", "Sessions held", len(held)), ("签到参训", "Attendees checked in", checked_in),
             ("参训评价", "Attendee evaluations", evaluations)], SESSIONS)


def evidence() -> list[Evidence]:
    return [
        Evidence("6.2.3", "培训场次与参训", "Sessions and attendance", sessions),
        Evidence("6.4.3", "培训项目各环节记录", "Programmes and their records", programmes),
    ]
