"""Public pages of the evaluation plugin: the satisfaction survey reached by its token link,
without login (DB1302 7.1). The published complaint channels are on the portal's ``/complaints``
page, filled from ``[plugins.evaluation.complaints]`` (DB1302 5.4.2)."""
from __future__ import annotations

import flask
from flask_login import current_user

from rongtong.core.plugin import Conflict, PermissionDenied, ValidationFailed, current_platform, gettext as _

from . import surveys
from .models import GRADES, Complaint

FORM_FIELDS = ("staff_grade", "staff_reason", "institution_grade", "institution_reason", "comment")


def blueprint() -> flask.Blueprint:
    bp = flask.Blueprint("evaluation", __name__, template_folder="templates")
    bp.add_url_rule("/survey/<token>", "survey", survey_page, methods=["GET", "POST"])
    return bp


def _page(survey, status=200, errors=None, values=None, message=None):
    return flask.render_template("evaluation/survey.html", survey=survey, grades=GRADES, errors=errors or {},
                                 values=values or {}, message=message), status


def _form_values() -> dict:
    form = flask.request.form
    values = {key: form.get(key, "").strip() for key in FORM_FIELDS if key in form}
    if not values.get("institution_grade"):
        values.pop("institution_grade", None)
    return values


def survey_page(token):
    """GET: the form (no grade preselected). POST: record the answer (CSRF-protected)."""
    survey = surveys.by_token(token)
    if survey is None:
        flask.abort(404)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    try:
        if survey.answered:
            raise Conflict(_("This survey has already been answered. Thank you."))
        if survey.expires_at < surveys.utcnow():
            raise surveys.SurveyExpired(_("This survey link has expired."))
        surveys.check_rater(survey, user)
    except (Conflict, PermissionDenied) as exc:
        return _page(None, exc.http_status, message=exc.message)
    if flask.request.method == "GET":
        return _page(survey)
    values = _form_values()
    try:
        answered = surveys.answer(current_platform(), survey, values, user=user)
    except ValidationFailed as exc:
        errors = exc.fields if isinstance(exc.fields, dict) else {}
        if not errors:  # e.g. the complaint could not be opened: show the message itself
            errors = {"_": [exc.message]}
        return _page(survey, 422, errors=errors, values=values)
    except (Conflict, PermissionDenied) as exc:
        return _page(None, exc.http_status, message=exc.message)
    complaint = Complaint.get_or_none(Complaint.survey == answered.id)
    message = _("Thank you for your answer.")
    if complaint is not None:
        message += " " + _("We are sorry. A complaint case (no. %(id)s) has been opened and will be answered.",
                           id=complaint.case_id)
    return _page(None, 200, message=message)
