"""REST resources of the training plugin, under ``/api/v1/training/`` (DB1302 6.4.3 d–f):
published sessions, registration with a waiting list, cancellation, staff check-in, attendees'
evaluations, a programme's records, and the needs surveys (core.toolkit.surveys)."""
from __future__ import annotations

from rongtong.core.plugin import (ApiResource, NotFound, PluginHost, ServiceRequest, api_user, current_platform,
                                  gettext as _, get_scoped, is_staff, scope_query, surveys, utcnow)

from . import registrations
from .models import TrainingProgramme, TrainingRegistration, TrainingSession
from .schemas import (EvaluationInSchema, EvaluationOutSchema, ProgrammeOutSchema, RegistrationInSchema,
                      RegistrationOutSchema, SessionOutSchema)

OWNER = "training"


def _user():
    return api_user()


def _with_counts(sessions: list[TrainingSession]) -> list[TrainingSession]:
    counts = registrations.seat_counts([s.id for s in sessions])
    for s in sessions:
        s.registered, s.waitlisted = counts[s.id]["registered"], counts[s.id]["waitlisted"]
        s.seats_left = max(s.capacity - s.registered, 0)
    return sessions


def _visible_sessions(user):
    query = TrainingSession.select().order_by(TrainingSession.starts_at, TrainingSession.id)
    if is_staff(user):
        return query
    live = (TrainingProgramme.select(TrainingProgramme.id).join(ServiceRequest)
            .where(ServiceRequest.status.not_in(registrations.CLOSED)))
    return query.where(TrainingSession.published_at.is_null(False) & TrainingSession.programme.in_(live))


def list_sessions():
    """Published sessions still to come (staff: every session)."""
    user = _user()
    query = _visible_sessions(user)
    if not is_staff(user):
        query = query.where(TrainingSession.starts_at > utcnow())
    return _with_counts(list(query.limit(500)))


def get_session(session_id):
    session = _visible_sessions(_user()).where(TrainingSession.id == session_id).first()
    if session is None:
        raise NotFound(_("Training session not found."))
    return _with_counts([session])[0]


def register(session_id, data):
    return _reg_out(registrations.register(session_id, _user(), data.get("note", "")))


def session_registrations(session_id):
    session = TrainingSession.get_or_none(TrainingSession.id == session_id)
    if session is None:
        raise NotFound(_("Training session not found."))
    regs = list(TrainingRegistration.select().where(TrainingRegistration.session == session.id)
                .order_by(TrainingRegistration.queued_at, TrainingRegistration.id))
    position = 0
    for reg in regs:
        if reg.status == "waitlisted":
            position += 1
            reg.waitlist_position = position
        else:
            reg.waitlist_position = None
    return regs


def _reg_out(reg: TrainingRegistration) -> TrainingRegistration:
    reg.waitlist_position = registrations.waitlist_position(reg)
    return reg


def _scoped_registration(registration_id) -> TrainingRegistration:
    reg = get_scoped(TrainingRegistration, registration_id, _user())
    if reg is None:
        raise NotFound(_("Registration not found."))
    return reg


def my_registrations():
    user = _user()
    query = TrainingRegistration.select().order_by(TrainingRegistration.id.desc())
    query = query.where(TrainingRegistration.user == user.id) if not is_staff(user) else query
    return [_reg_out(r) for r in scope_query(query, TrainingRegistration, user).limit(500)]


def cancel(registration_id):
    reg, promoted = registrations.cancel(_scoped_registration(registration_id), _user())
    out = RegistrationOutSchema()
    return {"cancelled": out.dump(_reg_out(reg)), "promoted": out.dump(_reg_out(promoted)) if promoted else None}


def check_in(registration_id):
    return _reg_out(registrations.check_in(_scoped_registration(registration_id), _user(), current_platform().calendar))


def evaluate(registration_id, data):
    return registrations.evaluate(_scoped_registration(registration_id), _user(), data)


def programme(request_id):
    req = get_scoped(ServiceRequest, request_id, _user())
    prog = TrainingProgramme.get_or_none(TrainingProgramme.request == req.id) if req is not None else None
    if prog is None:
        raise NotFound(_("Training programme not found."))
    prog.course_list = list(prog.courses)
    prog.session_list = _with_counts(list(prog.sessions.order_by(TrainingSession.starts_at)))
    return prog


def api_resources(platform: PluginHost) -> list[ApiResource]:
    one_session = "training/sessions/<int:session_id>"
    one_reg = "training/registrations/<int:registration_id>"
    return [
        ApiResource("training/sessions", list_sessions, ("GET",), endpoint="training_sessions",
                    summary="Published training sessions with seats left (DB1302 6.4.3 d)",
                    response_schema=SessionOutSchema, many=True, permission="training.session.view"),
        ApiResource(one_session, get_session, ("GET",), endpoint="training_session", summary="One training session",
                    response_schema=SessionOutSchema, permission="training.session.view"),
        ApiResource(f"{one_session}/registrations", register, ("POST",), endpoint="training_register",
                    summary="Register for a session; the waiting list when it is full",
                    request_schema=RegistrationInSchema, response_schema=RegistrationOutSchema,
                    permission="training.session.register"),
        ApiResource(f"{one_session}/registrations", session_registrations, ("GET",),
                    endpoint="training_session_registrations", summary="A session's registrations and waiting list",
                    response_schema=RegistrationOutSchema, many=True, permission="training.registration.manage"),
        ApiResource("training/registrations", my_registrations, ("GET",), endpoint="training_registrations",
                    summary="My registrations (staff: all)", response_schema=RegistrationOutSchema, many=True,
                    permission="training.session.view"),
        ApiResource(f"{one_reg}/cancel", cancel, ("POST",), endpoint="training_cancel",
                    summary="Cancel a registration; the first on the waiting list gets the seat",
                    permission="training.registration.cancel"),
        ApiResource(f"{one_reg}/check-in", check_in, ("POST",), endpoint="training_check_in",
                    summary="Check an attendee in (staff, DB1302 6.4.3 e)", response_schema=RegistrationOutSchema,
                    permission="training.registration.manage"),
        ApiResource(f"{one_reg}/evaluation", evaluate, ("POST",), endpoint="training_evaluate",
                    summary="An attendee who checked in evaluates the training (DB1302 6.4.3 f)",
                    request_schema=EvaluationInSchema, response_schema=EvaluationOutSchema,
                    permission="training.evaluation.submit"),
        ApiResource("training/programmes/<int:request_id>", programme, ("GET",), endpoint="training_programme",
                    summary="A training programme's records", response_schema=ProgrammeOutSchema,
                    permission="training.programme.view"),
        *surveys.api_resources(OWNER),
    ]
