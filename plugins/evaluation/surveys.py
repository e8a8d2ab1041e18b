"""Satisfaction surveys (DB1302 7.1).

One survey per completed request, created when the request closes, reached by a token link that
works without login and expires. Five grades, none preselected; a reason is required for the two
lowest. The platform staff and the service institution are graded separately. Staff cannot rate
their own work. A low grade opens a complaint case in the same transaction (DB1302 5.4.2).
"""
from __future__ import annotations

import datetime
import hashlib
import secrets

from marshmallow import ValidationError

from rongtong.core.plugin import (Conflict, PermissionDenied, Transition, User, ValidationFailed, database,
                                  format_datetime, gettext as _, lazy_gettext as _l, notify_many, utcnow)

from .models import LOW_GRADES, Survey
from .schemas import SurveyAnswerSchema
from .workflows import COMPLAINT

NOT_SURVEYED = (COMPLAINT,)  # complaint cases end with the complainant's own verdict


class SurveyExpired(PermissionDenied):
    """The survey link is past its expiry (HTTP 410)."""

    http_status = 410
    code = "expired"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def survey_link(token: str) -> str:
    return f"/survey/{token}"


def _as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def institution_of(request, platform=None) -> tuple[int | None, str]:
    """The service institution that delivered the request, without importing any plugin:
    ``institution_id`` / ``institution_name`` in the request's data, else the latest step data
    naming an ``institution`` (the technical plugin's plan step); its name is read from an
    enabled plugin's ``<plugin>_institution`` table through the platform's registry."""
    data = request.data or {}
    inst_id, name = _as_id(data.get("institution_id")), str(data.get("institution_name") or "")[:200]
    if inst_id is None and not name:
        rows = (Transition.select(Transition.data).where(Transition.request == request.id)
                .order_by(Transition.created_at.desc(), Transition.id.desc()))
        for t in rows:
            step = t.data or {}
            inst_id = _as_id(step.get("institution_id", step.get("institution")))
            if inst_id is not None:
                break
    if inst_id is not None and not name and platform is not None:
        name = _institution_name(platform.registry, inst_id)
    return inst_id, name


def _institution_name(registry, inst_id: int) -> str:
    for model in registry.models:
        if model._meta.table_name.endswith("_institution") and "name" in model._meta.fields:
            row = model.select(model.name).where(model._meta.primary_key == inst_id).first()
            if row is not None:
                return str(row.name)[:200]
    return ""


def create_for(request, options: dict, now=None, platform=None) -> tuple[Survey, str] | None:
    """Create the survey of a completed request and tell the enterprise's users; returns
    ``(survey, token)``, or None when the request is not surveyed or already has one. The survey
    is an audited model: its creation is audited as the acting user's (the one who completed the
    request)."""
    if request.status != "completed" or request.service_key in NOT_SURVEYED:
        return None
    if Survey.select().where(Survey.request == request.id).exists():
        return None
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    inst_id, inst_name = institution_of(request, platform)
    survey = Survey.create(request=request.id, token_hash=token_hash(token),
                           expires_at=now + datetime.timedelta(days=options.get("survey_valid_days", 30)),
                           institution_id=inst_id, institution_name=inst_name, created_at=now)
    recipients = list(User.select().where((User.enterprise == request.enterprise_id) & (User.active == True)))  # noqa: E712
    until = format_datetime(survey.expires_at, platform.config.tz if platform is not None else None, "%Y-%m-%d")
    notify_many(recipients, _l("Please rate our service: %(title)s", title=request.title),
                _l("Your request \"%(title)s\" is complete. Please tell us how satisfied you are; the link is valid "
                   "until %(until)s.", title=request.title, until=until),
                link=survey_link(token), kind="survey", dedupe_prefix=f"evaluation.survey:{survey.id}")
    return survey, token


def by_token(token: str) -> Survey | None:
    if not token or len(token) > 200:
        return None
    return Survey.get_or_none(Survey.token_hash == token_hash(token))


def acted_on(user, request) -> bool:
    """True if ``user`` worked on ``request`` (its assignee, or the actor of any step of it)."""
    if user is None or getattr(user, "id", None) is None:
        return False
    if request.assignee_id == user.id:
        return True
    return (Transition.select().where((Transition.request == request.id) & (Transition.actor == user.id)
                                      & (Transition.outcome != "open")).exists())


def check_rater(survey: Survey, user) -> None:
    """The rater is the enterprise: staff may not rate work they did themselves (DB1302 7.1)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return  # the token link itself identifies the enterprise
    request = survey.request
    if user.has_role("admin", "staff", "expert", "evaluator") and not user.has_role("enterprise"):
        if acted_on(user, request):
            raise PermissionDenied(_("You worked on this request; you cannot rate your own work."))
        raise PermissionDenied(_("Only the enterprise that was served can answer this survey."))
    if user.enterprise_id != request.enterprise_id:
        raise PermissionDenied(_("Only the enterprise that was served can answer this survey."))


def answer(platform_or_engine, survey: Survey, data: dict, user=None, now=None) -> Survey:
    """Record an answer. Raises SurveyExpired (410), Conflict (already answered), PermissionDenied
    (self-rating) or ValidationFailed (field errors); writes nothing then."""
    engine = getattr(platform_or_engine, "engine", platform_or_engine)
    now = now or utcnow()
    if survey.answered:
        raise Conflict(_("This survey has already been answered."))
    if survey.expires_at < now:
        raise SurveyExpired(_("This survey link has expired."))
    check_rater(survey, user)
    try:
        clean = SurveyAnswerSchema().load(data or {})
    except ValidationError as exc:
        raise ValidationFailed(_("Please check the survey."), exc.messages)
    if survey.has_institution and not clean.get("institution_grade"):
        raise ValidationFailed(_("Please check the survey."),
                               {"institution_grade": [_("Please grade the service institution.")]})
    if not survey.has_institution:
        clean["institution_grade"], clean["institution_reason"] = None, ""
    actor = user if getattr(user, "is_authenticated", False) else None
    with database.atomic():
        changes = {key: value.strip() if isinstance(value, str) else value for key, value in clean.items()}
        # a guarded update (audited by the core): of two answers at once, exactly one is recorded
        updated = Survey.update_where((Survey.id == survey.id) & Survey.answered_at.is_null(),
                                      {**changes, "answered_at": now, "answered_by": actor})
        if updated != 1:
            raise Conflict(_("This survey has already been answered."))
        fresh = Survey.get_by_id(survey.id)
        low = [(g, r) for g, r in ((fresh.staff_grade, fresh.staff_reason),
                                   (fresh.institution_grade, fresh.institution_reason)) if g in LOW_GRADES]
        if low:
            _open_complaint(engine, fresh, low)
    return fresh


def _open_complaint(engine, survey: Survey, low) -> None:
    """DB1302 5.4.2: a grade of 不满意 or 非常不满意 opens a complaint case."""
    from .complaints import open_complaint

    request = survey.request
    parts = []
    if survey.staff_grade in LOW_GRADES:
        parts.append(_("Platform staff: %(reason)s", reason=survey.staff_reason))
    if survey.institution_grade in LOW_GRADES:
        parts.append(_("Service institution %(name)s: %(reason)s", name=survey.institution_name or "-",
                       reason=survey.institution_reason))
    open_complaint(engine, enterprise=request.enterprise, description="\n".join(parts), channel="survey",
                   concerns_request=request, survey=survey, actor=None)


def is_low(survey: Survey) -> bool:
    return survey.staff_grade in LOW_GRADES or survey.institution_grade in LOW_GRADES
