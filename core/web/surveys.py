"""The web part of the needs surveys (:mod:`core.toolkit.surveys`): read-only staff screens of a
plugin's surveys and the public answer page an invited enterprise reaches through its link.

Plugins see one ``surveys`` namespace (``rongtong.core.plugin.surveys``): this module re-exports
everything of :mod:`core.toolkit.surveys` next to :func:`admin_views` and :func:`blueprint`.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template_string, request
from werkzeug.datastructures import MultiDict

from rongtong.core.contract import AdminViewSpec
from rongtong.core.errors import Conflict, ValidationFailed, WorkflowError
from rongtong.core.i18n import gettext as _
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.toolkit import surveys as _toolkit
from rongtong.core.toolkit.surveys import *  # noqa: F401,F403  (one namespace for plugins, see above)
from rongtong.core.toolkit.surveys import Survey, SurveyAnswer, SurveyInvitation, _token_hash, submit_answer_by_token
from rongtong.core.web.admin.base import SecureModelView
from rongtong.core.web.context import current_lang

__all__ = [*_toolkit.__all__, "admin_views", "blueprint"]


def admin_views(owner: str, category=None) -> list:
    """Read-only staff screens of ``owner``'s surveys, invitations and answers, at
    ``/admin/<owner>/survey/`` etc. (surveys are created and answered through the API, which
    validates the questions and answers). Each screen shows only the surveys of ``owner``."""
    read_only = {"can_create": False, "can_edit": False, "can_delete": False}

    class OwnSurveys(SecureModelView):
        def restrict(self, query):
            if self.model is Survey:
                return query.where(Survey.owner == owner)
            return query.where(self.model.survey.in_(Survey.select(Survey.id).where(Survey.owner == owner)))

    manage = f"{owner}.survey.manage"
    return [
        AdminViewSpec(model=Survey, view_class=OwnSurveys, permission=manage, category=category, slug="survey",
                      name=_l("Needs surveys"), options=read_only),
        AdminViewSpec(model=SurveyInvitation, view_class=OwnSurveys, permission=manage, category=category,
                      slug="surveyinvitation", name=_l("Survey invitations"),
                      options={**read_only, "column_exclude_list": ["token_hash"],
                               "column_details_exclude_list": ["token_hash"], "column_export_exclude_list": ["token_hash"]}),
        AdminViewSpec(model=SurveyAnswer, view_class=OwnSurveys, permission=manage, category=category,
                      slug="surveyanswer", name=_l("Survey answers"), options=read_only),
    ]


# --- The answer link (no login) --------------------------------------------------------------------

ANSWER_PAGE = """{% extends "base.html" %}
{% block title %}{{ survey.title }}{% endblock %}
{% block content %}
<h1>{{ survey.title }}</h1>
{% if survey.description %}<p>{{ survey.description }}</p>{% endif %}
{% if message %}<p class="flash flash-{{ 'error' if status >= 400 else 'success' }}" role="status">{{ message }}</p>{% endif %}
{% if show_form %}
<form method="post" class="survey">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  {% for q in survey.questions %}
  <fieldset>
    <legend>{{ (q.text_en if lang == 'en' and q.text_en else q.text) }}{% if q.get('required', True) %} *{% endif %}</legend>
    {% set name = 'q.' ~ q.key %}
    {% if q.kind == 'text' %}
      <textarea name="{{ name }}" rows="3">{{ form.get(name, '') }}</textarea>
    {% elif q.kind == 'scale' %}
      {% for v in range(q.get('min', 1), q.get('max', 5) + 1) %}
        <label><input type="radio" name="{{ name }}" value="{{ v }}" {% if form.get(name) == v|string %}checked{% endif %}> {{ v }}</label>
      {% endfor %}
    {% else %}
      {% for c in q.choices %}
        <label><input type="{{ 'checkbox' if q.kind == 'multiple' else 'radio' }}" name="{{ name }}" value="{{ c }}"
               {% if c in form.getlist(name) %}checked{% endif %}> {{ c }}</label>
      {% endfor %}
    {% endif %}
    {% for e in errors.get(q.key, []) %}<p class="error" role="alert">{{ e }}</p>{% endfor %}
  </fieldset>
  {% endfor %}
  <button type="submit">{{ _('Submit') }}</button>
</form>
{% endif %}
{% endblock %}
"""


def _form_answers(questions: list[dict], form) -> dict:
    """The posted form (``q.<key>`` inputs) as answers; the answers' validation reports problems."""
    out = {}
    for q in questions:
        name = f"q.{q['key']}"
        if q["kind"] == "multiple":
            values = form.getlist(name)
            if values:
                out[q["key"]] = values
            continue
        raw = (form.get(name) or "").strip()
        if not raw:
            continue
        if q["kind"] == "scale":
            try:
                out[q["key"]] = int(raw)
            except ValueError:
                out[q["key"]] = raw
        else:
            out[q["key"]] = raw
    return out


def blueprint(owner: str):
    """Public pages at ``/<owner>/survey/<token>``: the invited enterprise answers through the
    link it was sent, without logging in. A plugin returns this from ``register_blueprints``."""
    bp = Blueprint(f"{owner}_survey_link", __name__, url_prefix=f"/{owner}/survey")

    @bp.route("/<token>", methods=["GET", "POST"])
    def answer_page(token):
        inv = SurveyInvitation.get_or_none(SurveyInvitation.token_hash == _token_hash(token))
        if inv is None or inv.survey.owner != owner:
            abort(404)
        survey, status, message, errors = inv.survey, 200, "", {}
        form = request.form if request.method == "POST" else MultiDict()
        if request.method == "POST" and (inv.answered_at is not None or survey.status != "open"):
            status = 409
            message = _("This survey is closed.") if survey.status != "open" else \
                _("Your enterprise has already answered this survey.")
        elif request.method == "POST":
            try:
                submit_answer_by_token(token, _form_answers(survey.questions, request.form))
                inv = SurveyInvitation.get_by_id(inv.id)
                message = _("Thank you: your answers were recorded.")
            except ValidationFailed as exc:
                status, message, errors = 422, _("Please correct the answers marked below."), exc.fields.get("answers", {})
            except (Conflict, WorkflowError) as exc:
                status, message = 409, exc.message
        if request.method == "GET" and inv.answered_at is not None:
            message = _("Your enterprise has already answered this survey.")
        elif request.method == "GET" and survey.status != "open":
            message = _("This survey is closed.")
        show_form = survey.status == "open" and inv.answered_at is None
        html = render_template_string(ANSWER_PAGE, survey=survey, form=form, errors=errors, message=message,
                                      status=status, show_form=show_form, lang=current_lang())
        return html, status

    return bp
