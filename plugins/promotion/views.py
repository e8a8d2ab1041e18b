"""Portal pages of the promotion plugin (DB1302 6.4.5 c: notice and publicity, registration):
published activity notices for everyone, and a registration form for enterprise users."""
from __future__ import annotations

import flask
from flask_login import current_user, login_required
from marshmallow import ValidationError

from rongtong.core.plugin import RongtongError, ServiceRequest, current_platform, gettext as _, has_permission, utcnow

from .models import ACTIVITY_KINDS, Activity, Registration
from .registrations import register, registration_problem, seats_left
from .schemas import RegistrationSchema

bp = flask.Blueprint("promotion", __name__, url_prefix="/promotion", template_folder="templates")


def _today():
    return current_platform().calendar.local_date(utcnow())


def _published():
    """Activities whose notice is out, excluding abandoned ones (rejected or withdrawn requests)."""
    return (Activity.select(Activity, ServiceRequest).join(ServiceRequest)
            .where((Activity.notice != "") & ServiceRequest.status.not_in(["rejected", "withdrawn"])))


def _may_register(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.enterprise_id
                and has_permission(user, "promotion.register", current_platform().registry))


@bp.route("/activities")
def activity_list():
    """Every published notice, soonest first."""
    rows = list(_published().order_by(Activity.starts_on.desc(), Activity.id.desc()).limit(200))
    return flask.render_template("promotion/activities.html", activities=rows, kinds=dict(ACTIVITY_KINDS),
                                 today=_today(), problem=registration_problem, seats_left=seats_left)


@bp.route("/activities/<int(max=2147483647):activity_id>", methods=["GET"])
def activity_notice(activity_id):
    return _render(activity_id)


def _render(activity_id, errors=None, form=None, status=200):
    activity = _published().where(Activity.id == activity_id).first()
    if activity is None:
        flask.abort(404)
    mine = None
    if getattr(current_user, "is_authenticated", False) and current_user.enterprise_id:
        mine = Registration.get_or_none((Registration.activity == activity)
                                        & (Registration.enterprise == current_user.enterprise_id))
    return flask.render_template(
        "promotion/activity.html", activity=activity, kinds=dict(ACTIVITY_KINDS), mine=mine,
        problem=registration_problem(activity, _today()), seats=seats_left(activity),
        may_register=_may_register(current_user), errors=errors or {}, form=form or {}), status


@bp.route("/activities/<int(max=2147483647):activity_id>/register", methods=["POST"])
@login_required
def activity_register(activity_id):
    """An enterprise user registers its own enterprise (pending approval by staff)."""
    if not _may_register(current_user):
        flask.abort(403)
    activity = _published().where(Activity.id == activity_id).first()
    if activity is None:
        flask.abort(404)
    form = {k: flask.request.form.get(k, "") for k in ("contact_name", "contact_phone", "note")}
    try:
        data = RegistrationSchema().load(form)
    except ValidationError as exc:
        return _render(activity_id, errors=exc.messages, form=form, status=422)
    try:
        register(activity, current_user.enterprise, data, _today())
    except RongtongError as exc:
        return _render(activity_id, errors={"_schema": [exc.message]}, form=form, status=exc.http_status)
    flask.flash(_("Registered. The platform will review your registration."))
    return flask.redirect(flask.url_for("promotion.activity_notice", activity_id=activity_id))
