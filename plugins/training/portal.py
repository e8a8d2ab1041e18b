"""Portal pages of the training plugin (DB1302 6.4.3 d: sessions published ahead of time,
registration and a waiting list): the published sessions still to come with the seats left, where
an enterprise user registers (a seat while there is one, else the waiting list); "my
registrations" with their status and waiting-list position, where one is cancelled. Every change
goes through :mod:`.registrations` — the same functions as the API, which lock the session's
seats — so the portal can neither overbook nor promote anyone twice."""
from __future__ import annotations

import flask
from flask_login import current_user, login_required
from marshmallow import ValidationError

from rongtong.core.plugin import RongtongError, current_platform, gettext as _, has_permission, utcnow

from . import registrations
from .api import _visible_sessions, _with_counts
from .models import REGISTRATION_STATUSES, TrainingRegistration, TrainingSession
from .schemas import RegistrationInSchema

bp = flask.Blueprint("training_portal", __name__, url_prefix="/training", template_folder="templates")
SESSIONS_SHOWN = 200


def _registry():
    return current_platform().registry


def _user():
    return current_user._get_current_object() if getattr(current_user, "is_authenticated", False) else None


def _may_register(user) -> bool:
    return bool(user is not None and user.enterprise_id
                and has_permission(user, "training.session.register", _registry()))


def _mine(user) -> dict[int, TrainingRegistration]:
    """The user's registrations by session id."""
    if user is None:
        return {}
    return {r.session_id: r for r in TrainingRegistration.select().where(TrainingRegistration.user == user.id)}


@bp.route("/sessions")
def sessions():
    """Published sessions still to come, soonest first, with seats left (public, like the notice)."""
    return _render_sessions()


def _render_sessions(errors=None, failed_session=None, note="", status=200):
    user = _user()
    rows = _with_counts(list(_visible_sessions(None).where(TrainingSession.starts_at > utcnow()).limit(SESSIONS_SHOWN)))
    return flask.render_template(
        "training/portal_sessions.html", sessions=rows, mine=_mine(user), may_register=_may_register(user),
        statuses=dict(REGISTRATION_STATUSES), errors=errors or {}, failed_session=failed_session, note=note), status


@bp.route("/sessions/<int(max=2147483647):session_id>/register", methods=["POST"])
@login_required
def register(session_id):
    """Register the logged-in enterprise user: a seat, else the waiting list (DB1302 6.4.3 d)."""
    user = _user()
    if not has_permission(user, "training.session.register", _registry()):
        flask.abort(403)
    note = flask.request.form.get("note", "")
    try:
        data = RegistrationInSchema().load({"note": note})
    except ValidationError as exc:
        return _render_sessions(exc.messages, session_id, note, 422)
    try:
        reg = registrations.register(session_id, user, data["note"])
    except RongtongError as exc:
        return _render_sessions({"_schema": [exc.message]}, session_id, note, exc.http_status)
    if reg.status == "waitlisted":
        flask.flash(_("The session is full: you are on the waiting list (position %(n)s).",
                      n=registrations.waitlist_position(reg)), "success")
    else:
        flask.flash(_("You are registered."), "success")
    return flask.redirect(flask.url_for("training_portal.my_registrations"))


@bp.route("/my")
@login_required
def my_registrations():
    """The user's own registrations, newest first, with status and waiting-list position."""
    return _render_my()


def _render_my(status=200):
    user = _user()
    regs = list(TrainingRegistration.select(TrainingRegistration, TrainingSession).join(TrainingSession)
                .where(TrainingRegistration.user == user.id).order_by(TrainingRegistration.id.desc()).limit(500))
    now = utcnow()
    items = [{"reg": r, "session": r.session, "position": registrations.waitlist_position(r),
              "may_cancel": r.status != "cancelled" and r.checked_in_at is None and r.session.starts_at > now}
             for r in regs]
    return flask.render_template("training/portal_my.html", items=items, statuses=dict(REGISTRATION_STATUSES)), status


@bp.route("/registrations/<int(max=2147483647):registration_id>/cancel", methods=["POST"])
@login_required
def cancel(registration_id):
    """Cancel one of the user's own registrations; a freed seat goes to the first on the waiting list."""
    user = _user()
    if not has_permission(user, "training.registration.cancel", _registry()):
        flask.abort(403)
    reg = TrainingRegistration.get_or_none((TrainingRegistration.id == registration_id)
                                           & (TrainingRegistration.user == user.id))
    if reg is None:
        flask.abort(404)
    try:
        registrations.cancel(reg, user)
    except RongtongError as exc:
        flask.flash(exc.message, "error")
        return _render_my(exc.http_status)
    flask.flash(_("Your registration was cancelled."), "success")
    return flask.redirect(flask.url_for("training_portal.my_registrations"), code=303)
