"""Registration for training sessions, the waiting list and check-in (DB1302 6.4.3 d, e), and the
attendees' effect evaluation (DB1302 6.4.3 f).

Every function is one transaction with its audit events. The session row is locked first
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write transaction is ``BEGIN IMMEDIATE``, which
already serialises writers), so two people taking the last seat at once cannot both get it, and a
cancellation promotes exactly one person from the waiting list.
"""
from __future__ import annotations

import peewee

from rongtong.core.plugin import (Conflict, NotFound, PermissionDenied, ValidationFailed, WorkflowError, attributed_to,
                                  database, gettext as _, is_postgres, lazy_gettext as _l, notify, utcnow)

from .models import TrainingEvaluation, TrainingProgramme, TrainingRegistration, TrainingSession

CLOSED = ("rejected", "withdrawn")


def _lock_session(session_id: int) -> TrainingSession:
    query = TrainingSession.select().where(TrainingSession.id == session_id)
    if is_postgres():
        query = query.for_update()  # SQLite: BEGIN IMMEDIATE already holds the write lock
    session = query.first()
    if session is None or session.published_at is None:
        raise NotFound(_("Training session not found."))
    return session


def seat_counts(session_ids) -> dict[int, dict[str, int]]:
    """``{session id: {"registered": n, "waitlisted": m}}`` in one query."""
    out = {sid: {"registered": 0, "waitlisted": 0} for sid in session_ids}
    if not out:
        return out
    rows = (TrainingRegistration.select(TrainingRegistration.session, TrainingRegistration.status,
                                        peewee.fn.COUNT(TrainingRegistration.id))
            .where(TrainingRegistration.session.in_(list(out))
                   & TrainingRegistration.status.in_(["registered", "waitlisted"]))
            .group_by(TrainingRegistration.session, TrainingRegistration.status).tuples())
    for sid, status, n in rows:
        out[sid][status] = n
    return out


def waitlist_position(reg: TrainingRegistration) -> int | None:
    """1 for the next person to be promoted; None when not on the waiting list."""
    if reg.status != "waitlisted":
        return None
    ahead = (TrainingRegistration.select()
             .where((TrainingRegistration.session == reg.session_id) & (TrainingRegistration.status == "waitlisted")
                    & ((TrainingRegistration.queued_at < reg.queued_at)
                       | ((TrainingRegistration.queued_at == reg.queued_at) & (TrainingRegistration.id < reg.id))))
             .count())
    return ahead + 1


def register(session_id: int, user, note: str = "") -> TrainingRegistration:
    """Register enterprise user ``user``: a seat while there is one, else the waiting list."""
    if not getattr(user, "enterprise_id", None) or user.enterprise.status != "admitted":
        raise PermissionDenied(_("Only users of an admitted enterprise register for training."))
    with database.atomic(), attributed_to(user):
        session = _lock_session(session_id)
        if session.starts_at <= utcnow():
            raise WorkflowError(_("Registration has closed: the session has started."))
        programme = TrainingProgramme.get_by_id(session.programme_id)
        if programme.request.status in CLOSED:
            raise WorkflowError(_("This training programme was cancelled."))
        taken = seat_counts([session.id])[session.id]["registered"]
        status = "registered" if taken < session.capacity else "waitlisted"
        reg = TrainingRegistration.get_or_none((TrainingRegistration.session == session.id)
                                               & (TrainingRegistration.user == user.id))
        if reg is not None and reg.status != "cancelled":
            raise Conflict(_("You are already registered for this session."))
        if reg is None:
            reg = TrainingRegistration.create(session=session.id, enterprise=user.enterprise_id, user=user.id,
                                              status=status, note=note or "", queued_at=utcnow())
        else:  # registering again after cancelling: back of the queue
            reg.status, reg.note, reg.queued_at = status, note or "", utcnow()
            reg.cancelled_at = reg.promoted_at = None
            reg.save()
    return reg


def cancel(reg: TrainingRegistration, actor) -> tuple[TrainingRegistration, TrainingRegistration | None]:
    """Cancel a registration; if it held a seat, the first on the waiting list gets it.
    Returns ``(cancelled, promoted or None)``."""
    with database.atomic(), attributed_to(actor):
        session = _lock_session(reg.session_id)
        reg = TrainingRegistration.get_by_id(reg.id)
        if reg.status == "cancelled":
            raise Conflict(_("This registration is already cancelled."))
        if reg.checked_in_at is not None:
            raise WorkflowError(_("An attendee who has checked in cannot cancel."))
        held_seat = reg.status == "registered"
        reg.status, reg.cancelled_at = "cancelled", utcnow()
        reg.save()
        promoted = promote_waitlist(session, actor)[:1] if held_seat else []
    return reg, (promoted[0] if promoted else None)


def promote_waitlist(session: TrainingSession, actor=None) -> list[TrainingRegistration]:
    """Fill free seats from the waiting list, first come first served; each promoted attendee is
    notified. Call inside a transaction that has locked the session."""
    free = session.capacity - seat_counts([session.id])[session.id]["registered"]
    if free <= 0:
        return []
    waiting = list(TrainingRegistration.select()
                   .where((TrainingRegistration.session == session.id) & (TrainingRegistration.status == "waitlisted"))
                   .order_by(TrainingRegistration.queued_at, TrainingRegistration.id).limit(free))
    for reg in waiting:
        reg.status, reg.promoted_at = "registered", utcnow()
        with attributed_to(actor):
            reg.save()
        notify(reg.user_id, _l("You have a seat: %(title)s", title=session.title),
               _l("A seat became free and your registration moved from the waiting list to confirmed."),
               kind="info", dedupe_key=f"training.promoted:{reg.id}:{reg.promoted_at.isoformat()}")
    return waiting


def check_in(reg: TrainingRegistration, actor, calendar) -> TrainingRegistration:
    """Staff record that a registered attendee arrived (DB1302 6.4.3 e); not before the day of the
    session in the site's zone (``calendar``: the platform's; DB1302 5.4.1)."""
    with database.atomic(), attributed_to(actor):
        session = _lock_session(reg.session_id)
        day = calendar.local_date(session.starts_at)
        if calendar.local_date(utcnow()) < day:
            message = _("Check-in opens on the day of the session (%(d)s).", d=day.isoformat())
            raise ValidationFailed(message, {"session": [message]})
        reg = TrainingRegistration.get_by_id(reg.id)
        if reg.status != "registered":
            raise WorkflowError(_("Only registered attendees can check in (status: %(s)s).", s=reg.status))
        if reg.checked_in_at is not None:
            raise Conflict(_("This attendee has already checked in."))
        reg.checked_in_at, reg.checked_in_by = utcnow(), actor
        reg.save()
    return reg


def evaluate(reg: TrainingRegistration, user, data: dict) -> TrainingEvaluation:
    """The attendee's own evaluation; only someone who checked in is asked (DB1302 6.4.3 f)."""
    if reg.user_id != getattr(user, "id", None):
        raise NotFound(_("Registration not found."))
    with database.atomic(), attributed_to(user):
        reg = TrainingRegistration.get_by_id(reg.id)
        if reg.checked_in_at is None:
            raise PermissionDenied(_("Only attendees who checked in evaluate the training."))
        if TrainingEvaluation.select().where(TrainingEvaluation.registration == reg.id).exists():
            raise Conflict(_("You have already evaluated this training."))
        evaluation = TrainingEvaluation.create(registration=reg.id, **data)
    return evaluation


def results(programme: TrainingProgramme) -> dict:
    """Attendance and attendees' scores of a programme, for the delivery and evaluation records."""
    sessions = TrainingSession.select(TrainingSession.id).where(TrainingSession.programme == programme.id)
    regs = TrainingRegistration.select().where(TrainingRegistration.session.in_(sessions))
    attended = regs.where(TrainingRegistration.checked_in_at.is_null(False))
    evals = list(TrainingEvaluation.select().where(TrainingEvaluation.registration.in_(
        attended.select(TrainingRegistration.id))))
    n_att = attended.count()

    def avg(name):
        return round(sum(getattr(e, name) for e in evals) / len(evals), 2) if evals else None

    return {
        "registered": regs.where(TrainingRegistration.status == "registered").count(),
        "attended": n_att, "evaluations": len(evals),
        "response_rate": round(len(evals) / n_att, 4) if n_att else None,
        "average_satisfaction": avg("satisfaction"), "average_usefulness": avg("usefulness"),
    }


def ask_for_evaluation(programme: TrainingProgramme) -> int:
    """Ask every attendee who checked in, and has not evaluated yet, to evaluate the training
    (DB1302 6.4.3 f); nobody else is asked. Returns how many were asked (each once only)."""
    sessions = TrainingSession.select(TrainingSession.id).where(TrainingSession.programme == programme.id)
    evaluated = TrainingEvaluation.select(TrainingEvaluation.registration)
    attendees = (TrainingRegistration.select()
                 .where(TrainingRegistration.session.in_(sessions) & TrainingRegistration.checked_in_at.is_null(False)
                        & TrainingRegistration.id.not_in(evaluated)))
    asked = 0
    for reg in attendees:
        sent = notify(reg.user_id, _l("Please evaluate the training: %(title)s", title=reg.session.title),
                      _l("You attended this training. Tell us how useful it was for your work."),
                      link=f"/api/v1/training/registrations/{reg.id}/evaluation", kind="survey",
                      dedupe_key=f"training.evaluate:{reg.id}")
        asked += sent is not None
    return asked
