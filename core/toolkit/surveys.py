"""Needs surveys every service plugin can run: questions sent to enterprises, their answers, and an
analysis report built from the answers.

Serves DB1302 6.4.3 a (training needs), 6.4.4.1 a (investment needs), 6.4.4.2 a (financing needs),
6.4.5 a (promotion needs) and 6.4.6 a (management-improvement needs): "survey the needs, then
analyse them in a report".

The models are core models (tables ``core_survey``, ``core_surveyinvitation``,
``core_surveyanswer``; defined in :mod:`core.survey_models`, registered by :mod:`core.builtin`,
migration ``migrations/0002_surveys.py``), re-exported here.
A survey belongs to the plugin that runs it (``owner``) and, optionally, a ``topic`` within it.

Questions are data (validated by :class:`QuestionSchema`)::

    {"key": "topics", "kind": "multiple", "text": "您需要哪些培训主题？", "text_en": "Which topics?",
     "choices": ["管理", "技术"], "required": true}

kinds: ``text`` (free text), ``single`` (one of ``choices``), ``multiple`` (several of ``choices``),
``scale`` (an integer from ``min`` to ``max``, default 1..5).

The whole life of a survey, each step one transaction with its audit event::

    survey = create_survey("training", {"title": ..., "questions": [...]}, actor)
    sent = invite(survey, enterprises, actor)          # [(invitation, token), ...] tokens shown once
    submit_answer(survey, enterprise, {"topics": ["管理"]}, actor)
    submit_answer_by_token(token, {...})               # the e-mailed link, no login
    close_survey(survey, actor)
    report = analyse(survey)                           # counts, averages, text answers

A plugin that runs surveys grants them with :func:`permissions`, exposes them on its API with
:func:`api_resources`, and a workflow step that needs "a survey with answers" subclasses
:func:`survey_step_schema`. The web part -- the staff screens (``admin_views``) and the answer link
sent to invited enterprises (``blueprint``, no login) -- is :mod:`core.web.surveys`; plugins reach
both parts as one namespace, ``rongtong.core.plugin.surveys``.
"""
from __future__ import annotations

import hashlib
import secrets

import peewee
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from flask_login import current_user

from rongtong.core import audit
from rongtong.core.contract import ApiResource, Permission
from rongtong.core.db import database
from rongtong.core.errors import Conflict, NotFound, PermissionDenied, RongtongError, ValidationFailed, WorkflowError
from rongtong.core.i18n import gettext as _
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import Enterprise, ServiceRequest, User, utcnow
from rongtong.core.notify import notify
from rongtong.core.security import is_staff
from rongtong.core.survey_models import (KINDS, MAX_TEXT, MODELS, QUESTION_KINDS, STATUSES, Survey, SurveyAnswer,
                                         SurveyInvitation)
from rongtong.core.toolkit.vocab import internal, label, one_of

__all__ = [
    # the tables (core.survey_models) and their choices
    "Survey", "SurveyInvitation", "SurveyAnswer", "MODELS", "QUESTION_KINDS", "KINDS", "STATUSES", "MAX_TEXT",
    # schemas
    "QuestionSchema", "SurveySchema", "SurveyOutSchema", "InviteSchema", "AnswerInSchema", "AnswerOutSchema",
    "SurveyReportQuestionSchema", "SurveyReportSchema", "REPORT_COLUMN", "survey_step_schema",
    # a survey's life
    "validate_answers", "load_or_fail", "create_survey", "invite", "submit_answer", "submit_answer_by_token",
    "close_survey", "analyse",
    # what a plugin declares
    "permissions", "api_resources",
    # demo data
    "random_answers", "seed_demo_survey", "walk_demo_requests",
]

# The models and their choices are the core's tables (core.survey_models); re-exported here.


# --- Schemas ---------------------------------------------------------------------------------------

class QuestionSchema(Schema):
    """One question. ``choices`` for single/multiple (at least two, distinct); ``min``/``max`` for
    scale (default 1..5)."""

    key = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z][A-Za-z0-9_]{0,49}$",
                                                                  error="Use letters, digits and _ (max 50)."),
                        metadata=label("题目代码", "Key", _l("Letters, digits and _; names the answer.")))
    kind = fields.String(required=True, validate=one_of(QUESTION_KINDS), metadata=label("题型", "Kind"))
    text = fields.String(required=True, validate=validate.Length(min=1, max=500), metadata=label("题目", "Question"))
    text_en = fields.String(load_default="", validate=validate.Length(max=500), metadata=label("题目（英文）", "Question in English"))
    required = fields.Boolean(load_default=True, metadata=label("必答", "Required"))
    choices = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                          metadata=label("选项（每行一个）", "Choices (one per line)"))
    min = fields.Integer(load_default=1, strict=True, metadata=label("量表最小值", "Scale from"))
    max = fields.Integer(load_default=5, strict=True, metadata=label("量表最大值", "Scale to"))

    @validates_schema
    def _kind_rules(self, data, **kwargs):
        kind, choices = data.get("kind"), data.get("choices") or []
        if kind in ("single", "multiple"):
            if len(choices) < 2:
                raise ValidationError(_("Give at least two choices."), "choices")
            if len(set(choices)) != len(choices):
                raise ValidationError(_("Choices must be distinct."), "choices")
        elif choices:
            raise ValidationError(_("Only single and multiple choice questions have choices."), "choices")
        if kind == "scale" and not data.get("min", 1) < data.get("max", 5):
            raise ValidationError(_("The scale's max must be greater than its min."), "max")


Survey.vocabulary = {"questions": {"schema": QuestionSchema}}  # the field vocabulary: a table of questions


class SurveySchema(Schema):
    """What staff send to create a survey."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("标题", "Title"))
    topic = fields.String(load_default="", validate=validate.Length(max=100), metadata=label("主题", "Topic"))
    description = fields.String(load_default="", validate=validate.Length(max=MAX_TEXT), metadata=label("说明", "Description"))
    questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1, max=100),
                            metadata=label("题目", "Questions"))

    @validates("questions")
    def _unique_keys(self, value, **kwargs):
        keys = [q["key"] for q in value]
        if len(set(keys)) != len(keys):
            raise ValidationError(_("Question keys must be distinct."))


class SurveyOutSchema(Schema):
    id = fields.Integer(dump_only=True)
    owner = fields.String(dump_only=True)
    topic = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    questions = fields.List(fields.Dict(), dump_only=True)
    status = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    closed_at = fields.DateTime(dump_only=True)


class InviteSchema(Schema):
    enterprises = fields.List(fields.Integer(strict=True), required=True, validate=validate.Length(min=1, max=1000),
                              metadata=label("邀请的企业（编号）", "Enterprises invited (ids)"))


class AnswerInSchema(Schema):
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)


class AnswerOutSchema(Schema):
    id = fields.Integer(dump_only=True)
    survey = fields.Integer(attribute="survey_id", dump_only=True)
    enterprise = fields.Integer(attribute="enterprise_id", dump_only=True)
    answers = fields.Dict(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


# --- Answers: validation ---------------------------------------------------------------------------

def validate_answers(questions: list[dict], answers) -> tuple[dict, dict]:
    """Check ``answers`` against ``questions``. Returns ``(clean, errors)``; errors map question key
    to messages. Unknown keys are errors; unanswered optional questions are left out of ``clean``."""
    if not isinstance(answers, dict):
        return {}, {"answers": [_("Answers must be an object keyed by question.")]}
    errors, clean = {}, {}
    by_key = {q["key"]: q for q in questions}
    for key in answers:
        if key not in by_key:
            errors[str(key)] = [_("Unknown question.")]
    for key, q in by_key.items():
        value = answers.get(key)
        empty = value is None or value == "" or value == []
        if empty:
            if q.get("required", True):
                errors[key] = [_("An answer is required.")]
            continue
        problem, value = _check_answer(q, value)
        if problem:
            errors[key] = [problem]
        else:
            clean[key] = value
    return clean, errors


def _check_answer(q: dict, value):
    kind, choices = q["kind"], q.get("choices") or []
    if kind == "text":
        if not isinstance(value, str):
            return _("Not a valid string."), None
        value = value.strip()
        if not value:
            return _("An answer is required."), None
        if len(value) > MAX_TEXT:
            return _("Longer than maximum length %(n)s.", n=MAX_TEXT), None
        return None, value
    if kind == "single":
        if value not in choices:
            return _("Must be one of: %(c)s.", c=", ".join(choices)), None
        return None, value
    if kind == "multiple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _("Give a list of choices."), None
        bad = [v for v in value if v not in choices]
        if bad:
            return _("Must be among: %(c)s.", c=", ".join(choices)), None
        if len(set(value)) != len(value):
            return _("Choices must be distinct."), None
        return None, [c for c in choices if c in value]  # canonical order
    if kind == "scale":
        low, high = q.get("min", 1), q.get("max", 5)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return _("Give a whole number from %(lo)s to %(hi)s.", lo=low, hi=high), None
        return None, value
    return _("Unknown question kind."), None


# --- The survey's life -----------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load_or_fail(schema: Schema, data, message=None) -> dict:
    """``schema.load(data)`` turning marshmallow errors into ValidationFailed with field messages."""
    if not isinstance(data, dict):
        raise ValidationFailed(message or _("Invalid data."), {"_schema": [_("Send a JSON object.")]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(message or _("Invalid data."), exc.messages)


def create_survey(owner: str, data: dict, actor=None) -> Survey:
    """Validate ``data`` (:class:`SurveySchema`) and create an open survey owned by ``owner``."""
    clean = load_or_fail(SurveySchema(), data, _("The survey is invalid."))
    with database.atomic():
        survey = Survey.create(owner=owner, topic=clean["topic"], title=clean["title"].strip(),
                               description=clean["description"], questions=clean["questions"], created_by=actor)
        audit.record_create(survey, actor)
    return survey


def invite(survey: Survey, enterprises, actor=None) -> list[tuple[SurveyInvitation, str]]:
    """Send ``survey`` to admitted ``enterprises`` (objects or ids). Enterprises already invited are
    skipped. Returns ``[(invitation, token)]`` for the new ones; the token is shown only here."""
    ids = sorted({e if isinstance(e, int) else e.id for e in enterprises})
    if survey.status != "open":
        raise WorkflowError(_("This survey is closed."))
    found = {e.id: e for e in Enterprise.select().where(Enterprise.id.in_(ids))}
    missing = [i for i in ids if i not in found or found[i].status != "admitted"]
    if missing:
        raise ValidationFailed(_("Only admitted enterprises can be invited."),
                               {"enterprises": [_("Unknown or not admitted: %(ids)s", ids=", ".join(map(str, missing)))]})
    out = []
    with database.atomic():
        already = {r.enterprise_id for r in SurveyInvitation.select(SurveyInvitation.enterprise)
                   .where(SurveyInvitation.survey == survey.id)}
        for ent_id in ids:
            if ent_id in already:
                continue
            token = secrets.token_urlsafe(24)
            inv = SurveyInvitation.create(survey=survey.id, enterprise=ent_id, token_hash=_token_hash(token))
            audit.record_create(inv, actor)
            _tell_enterprise(survey, inv, token)
            out.append((inv, token))
    return out


def _tell_enterprise(survey: Survey, invitation: SurveyInvitation, token: str) -> None:
    """Put the survey's answer link (see :func:`blueprint`) in the inbox of the invited
    enterprise's active users (e-mailed too when mail is configured)."""
    for user in User.select().where((User.enterprise == invitation.enterprise_id) & (User.active == True)):  # noqa: E712
        notify(user, _l("Needs survey: %(title)s", title=survey.title),
               _l("The platform asks your enterprise to answer a needs survey."),
               link=f"/{survey.owner}/survey/{token}", kind="survey",
               dedupe_key=f"survey.invite:{invitation.id}:{user.id}")


def submit_answer(survey: Survey, enterprise, answers, actor=None) -> SurveyAnswer:
    """Record ``enterprise``'s answers. Refused when the survey is closed, when invitations were sent
    and this enterprise got none (NotFound), or when it has already answered (Conflict)."""
    ent_id = enterprise if isinstance(enterprise, int) else enterprise.id
    clean, errors = validate_answers(survey.questions or [], answers)
    if errors:
        raise ValidationFailed(_("The answers are invalid."), {"answers": errors})
    with database.atomic():
        survey = Survey.get_by_id(survey.id)
        if survey.status != "open":
            raise WorkflowError(_("This survey is closed."))
        invitation = SurveyInvitation.get_or_none((SurveyInvitation.survey == survey.id)
                                                  & (SurveyInvitation.enterprise == ent_id))
        if invitation is None and SurveyInvitation.select().where(SurveyInvitation.survey == survey.id).exists():
            raise NotFound(_("Survey not found."))
        if SurveyAnswer.select().where((SurveyAnswer.survey == survey.id) & (SurveyAnswer.enterprise == ent_id)).exists():
            raise Conflict(_("This enterprise has already answered the survey."))
        try:
            with database.atomic():
                answer = SurveyAnswer.create(survey=survey.id, enterprise=ent_id, answered_by=actor, answers=clean)
        except peewee.IntegrityError:
            raise Conflict(_("This enterprise has already answered the survey."))
        audit.record_create(answer, actor)
        if invitation is not None:
            before = invitation.snapshot()
            invitation.answered_at = utcnow()
            invitation.save()
            audit.record_update(invitation, before, actor)
    return answer


def submit_answer_by_token(token: str, answers) -> SurveyAnswer:
    """Answer through the link sent with the invitation (no login)."""
    inv = SurveyInvitation.get_or_none(SurveyInvitation.token_hash == _token_hash(str(token or "")))
    if inv is None:
        raise NotFound(_("Survey not found."))
    return submit_answer(inv.survey, inv.enterprise_id, answers)


def close_survey(survey: Survey, actor=None) -> Survey:
    with database.atomic():
        survey = Survey.get_by_id(survey.id)
        if survey.status == "closed":
            raise WorkflowError(_("This survey is closed."))
        before = survey.snapshot()
        survey.status, survey.closed_at = "closed", utcnow()
        survey.save()
        audit.record_update(survey, before, actor)
    return survey


# --- Analysis ----------------------------------------------------------------------------------------

def analyse(survey: Survey) -> dict:
    """The analysis report built from the answers (DB1302 6.4.3 a "needs analysis report").

    Per question: ``answered`` (how many respondents answered it); for single/multiple choice
    ``counts`` per choice (every choice listed, in the survey's order) and ``shares`` (count divided
    by respondents who answered); for scales ``average`` (2 decimals, None with no answers) and
    ``distribution`` per value; for text the ``answers`` themselves. Plain JSON-ready data.
    """
    rows = list(SurveyAnswer.select(SurveyAnswer.answers).where(SurveyAnswer.survey == survey.id)
                .order_by(SurveyAnswer.id))
    invited = SurveyInvitation.select().where(SurveyInvitation.survey == survey.id).count()
    respondents = len(rows)
    report = {
        "survey": survey.id, "owner": survey.owner, "topic": survey.topic, "title": survey.title,
        "status": survey.status, "invited": invited, "respondents": respondents,
        "response_rate": round(respondents / invited, 4) if invited else None,
        "questions": [],
    }
    for q in survey.questions or []:
        values = [r.answers[q["key"]] for r in rows if (r.answers or {}).get(q["key"]) not in (None, "", [])]
        item = {"key": q["key"], "kind": q["kind"], "text": q["text"], "text_en": q.get("text_en", ""),
                "answered": len(values)}
        if q["kind"] in ("single", "multiple"):
            counts = {c: 0 for c in q.get("choices", [])}
            for v in values:
                for choice in (v if isinstance(v, list) else [v]):
                    if choice in counts:
                        counts[choice] += 1
            item["counts"] = counts
            item["shares"] = {c: round(n / len(values), 4) if values else 0.0 for c, n in counts.items()}
        elif q["kind"] == "scale":
            low, high = q.get("min", 1), q.get("max", 5)
            nums = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
            item["min"], item["max"] = low, high
            item["average"] = round(sum(nums) / len(nums), 2) if nums else None
            item["distribution"] = {str(n): nums.count(n) for n in range(low, high + 1)}
        else:
            item["answers"] = [str(v) for v in values]
        report["questions"].append(item)
    return report


class SurveyReportQuestionSchema(Schema):
    """One question of an analysis report, as :func:`analyse` writes it (for the field vocabulary:
    what the report's table of questions is called, never loaded from input)."""

    key = fields.String(metadata=label("题目代码", "Key"))
    kind = fields.String(validate=one_of(QUESTION_KINDS), metadata=label("题型", "Kind"))
    text = fields.String(metadata=label("题目", "Question"))
    text_en = fields.String(metadata=label("题目（英文）", "Question in English"))
    answered = fields.Integer(metadata=label("作答企业数", "Answered by"))
    counts = fields.Dict(metadata=label("各选项人数", "Count per choice"))
    shares = fields.Dict(metadata=label("各选项占比", "Share per choice"))
    min = fields.Integer(metadata=label("量表最小值", "Scale from"))
    max = fields.Integer(metadata=label("量表最大值", "Scale to"))
    average = fields.Float(metadata=label("平均分", "Average"))
    distribution = fields.Dict(metadata=label("分值分布", "Distribution"))
    answers = fields.List(fields.String(), metadata=label("文字回答", "Text answers"))


class SurveyReportSchema(Schema):
    """The analysis report :func:`analyse` builds (DB1302 6.4.3 a "needs analysis report"), for the
    field vocabulary of a JSON column that keeps one::

        vocabulary = {"needs_report": REPORT_COLUMN}
    """

    survey = fields.Integer(metadata=label("需求调研编号", "Needs survey id"))
    owner = fields.String(metadata=label("所属插件", "Owner plugin", choices_from="plugins"))
    topic = fields.String(metadata=label("主题", "Topic"))
    title = fields.String(metadata=label("标题", "Title"))
    status = fields.String(validate=one_of(STATUSES), metadata=label("状态", "Status"))
    invited = fields.Integer(metadata=label("邀请企业数", "Enterprises invited"))
    respondents = fields.Integer(metadata=label("答卷企业数", "Respondents"))
    response_rate = fields.Float(metadata=label("回收率", "Response rate", format=".1%"))
    questions = fields.List(fields.Nested(SurveyReportQuestionSchema), metadata=label("各题统计", "Questions"))


#: The ``vocabulary`` entry of a model's JSON column holding an analysis report (staff only).
REPORT_COLUMN = {"schema": SurveyReportSchema, "visibility": "internal"}


# --- Helpers for plugins -------------------------------------------------------------------------------

def survey_step_schema(owner: str) -> type[Schema]:
    """A base for a workflow step "needs survey → analysis": ``survey`` (id of a survey owned by
    ``owner`` with at least one answer) and ``conclusions`` (the staff's analysis). Subclass it in
    the plugin (its name and module then name it in the OpenAPI document) to add fields::

        class SurveyStepSchema(survey_step_schema("management")):
            area = fields.String(required=True)
    """

    def _check(value):
        survey = Survey.get_or_none(Survey.id == value)
        if survey is None or survey.owner != owner:
            raise ValidationError(_("Unknown survey."))
        if not SurveyAnswer.select().where(SurveyAnswer.survey == survey.id).exists():
            raise ValidationError(_("The survey has no answers yet: analyse answers, not an empty survey."))

    attrs = {
        "survey": fields.Integer(required=True, strict=True, validate=_check,
                                 metadata=internal("需求调研编号", "Needs survey id", _l("A needs survey with answers."))),
        "conclusions": fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT),
                                     metadata=label("需求分析结论", "Analysis conclusions")),
    }
    return Schema.from_dict(attrs, name=f"{owner.title()}SurveyStepSchema")


def permissions(owner: str) -> list:
    """The permissions a plugin declares to run surveys: ``<owner>.survey.manage`` (staff) and
    ``<owner>.survey.answer`` (enterprise users)."""
    return [
        Permission(f"{owner}.survey.manage", "管理需求调研", "Manage needs surveys", ("staff",)),
        Permission(f"{owner}.survey.answer", "填写需求调研", "Answer needs surveys", ("enterprise",)),
    ]


def _user():
    return current_user._get_current_object() if getattr(current_user, "is_authenticated", False) else None


def _survey_for(owner: str, survey_id: int, user) -> Survey:
    """The survey if ``user`` may see it: staff always; an enterprise user only when its enterprise
    was invited (or the survey is open to all, i.e. has no invitations). Otherwise NotFound."""
    survey = Survey.get_or_none((Survey.id == survey_id) & (Survey.owner == owner))
    if survey is None:
        raise NotFound(_("Survey not found."))
    if is_staff(user):
        return survey
    ent_id = getattr(user, "enterprise_id", None)
    invitations = SurveyInvitation.select().where(SurveyInvitation.survey == survey.id)
    if ent_id and (not invitations.exists() or invitations.where(SurveyInvitation.enterprise == ent_id).exists()):
        return survey
    raise NotFound(_("Survey not found."))


def api_resources(owner: str) -> list:
    """REST resources for ``owner``'s surveys, under ``/api/v1/<owner>/surveys`` (the permissions
    are those of :func:`permissions`):

    * ``GET <owner>/surveys`` — staff: every survey; enterprise users: the open ones sent to them;
    * ``POST <owner>/surveys`` — staff create a survey;
    * ``GET <owner>/surveys/<id>`` — one survey (404 outside the caller's reach);
    * ``POST <owner>/surveys/<id>/invitations`` — staff send it to enterprises (tokens shown once);
    * ``POST <owner>/surveys/<id>/answers`` — an enterprise user answers for its enterprise;
    * ``POST <owner>/surveys/<id>/close``, ``GET <owner>/surveys/<id>/report`` — staff.
    """
    manage, answer_perm = f"{owner}.survey.manage", f"{owner}.survey.answer"

    def list_surveys():
        user = _user()
        query = Survey.select().where(Survey.owner == owner).order_by(Survey.id.desc())
        if not is_staff(user):  # the open surveys sent to the caller's enterprise, or sent to no one in particular
            ent_id = getattr(user, "enterprise_id", None) or 0
            invited = SurveyInvitation.select(SurveyInvitation.survey).where(SurveyInvitation.enterprise == ent_id)
            targeted = SurveyInvitation.select(SurveyInvitation.survey)
            query = query.where((Survey.status == "open") & (Survey.id.in_(invited) | Survey.id.not_in(targeted)))
            if not ent_id:
                query = query.where(peewee.SQL("1 = 0"))
        return list(query.limit(500))

    def create(data):
        return create_survey(owner, data, _user())

    def detail(survey_id):
        return _survey_for(owner, survey_id, _user())

    def send(survey_id, data):
        user = _user()
        sent = invite(_survey_for(owner, survey_id, user), data["enterprises"], user)
        return {"invited": [{"enterprise": inv.enterprise_id, "token": token} for inv, token in sent]}

    def answer(survey_id, data):
        user = _user()
        survey = _survey_for(owner, survey_id, user)
        if not getattr(user, "enterprise_id", None):
            raise PermissionDenied(_("Only enterprise users answer surveys."))
        return submit_answer(survey, user.enterprise_id, data["answers"], user)

    def close(survey_id):
        user = _user()
        return close_survey(_survey_for(owner, survey_id, user), user)

    def report(survey_id):
        return analyse(_survey_for(owner, survey_id, _user()))

    base, one = f"{owner}/surveys", f"{owner}/surveys/<int:survey_id>"
    return [
        ApiResource(base, list_surveys, ("GET",), endpoint=f"{owner}_surveys", summary="List needs surveys",
                    response_schema=SurveyOutSchema, many=True),
        ApiResource(base, create, ("POST",), endpoint=f"{owner}_survey_create", summary="Create a needs survey",
                    request_schema=SurveySchema, response_schema=SurveyOutSchema, permission=manage),
        ApiResource(one, detail, ("GET",), endpoint=f"{owner}_survey", summary="One needs survey",
                    response_schema=SurveyOutSchema),
        ApiResource(f"{one}/invitations", send, ("POST",), endpoint=f"{owner}_survey_invite",
                    summary="Send a survey to enterprises", request_schema=InviteSchema, permission=manage),
        ApiResource(f"{one}/answers", answer, ("POST",), endpoint=f"{owner}_survey_answer",
                    summary="Answer a survey for one's enterprise", request_schema=AnswerInSchema,
                    response_schema=AnswerOutSchema, permission=answer_perm),
        ApiResource(f"{one}/close", close, ("POST",), endpoint=f"{owner}_survey_close", summary="Close a survey",
                    response_schema=SurveyOutSchema, permission=manage),
        ApiResource(f"{one}/report", report, ("GET",), endpoint=f"{owner}_survey_report",
                    summary="The analysis report of a survey", permission=manage),
    ]


# --- Demo data -------------------------------------------------------------------------------------

DEMO_REMARKS = ("希望增加现场教学", "希望线上线下结合", "希望提供案例材料", "希望安排专家上门诊断")


def random_answers(questions: list[dict], rng) -> dict:
    """Plausible answers to ``questions`` (for demo data): every kind, optional text now and then."""
    out = {}
    for q in questions:
        if q["kind"] == "single":
            out[q["key"]] = rng.choice(q["choices"])
        elif q["kind"] == "multiple":
            out[q["key"]] = rng.sample(q["choices"], rng.randint(1, min(3, len(q["choices"]))))
        elif q["kind"] == "scale":
            out[q["key"]] = rng.randint(q.get("min", 1), q.get("max", 5))
        elif q.get("required", True) or rng.random() < 0.5:
            out[q["key"]] = rng.choice(DEMO_REMARKS)
    return out


def seed_demo_survey(owner: str, data: dict, context: dict, invited: int = 12, answered: int = 8) -> Survey:
    """A survey for the demo (``context`` as given to ``seed_demo``): sent to the first ``invited``
    admitted enterprises, answered by the first ``answered`` of them."""
    rng, staff = context["rng"], context["users"]["staff"][0]
    users = {u.enterprise_id: u for u in context["users"].get("enterprise", [])}
    survey = create_survey(owner, data, staff)
    enterprises = [e for e in context["enterprises"] if e.status == "admitted"][:invited]
    invite(survey, enterprises, staff)
    for ent in enterprises[:answered]:
        submit_answer(survey, ent, random_answers(survey.questions, rng), users.get(ent.id))
    return survey


def walk_demo_requests(platform, workflow_key: str, survey: Survey, actor, data_for=None, after=None) -> None:
    """Advance the demo's requests of ``workflow_key`` that wait at their first step (a survey step
    the demo builder cannot pass: it has no answered survey) to a spread of steps, using each
    step's ``example`` with ``survey`` filled in. ``data_for(step, data)`` may adjust the data;
    ``after(step, request, steps_left)`` runs after each step."""
    wf = platform.registry.workflow(workflow_key)
    first = wf.steps[0].key
    waiting = (ServiceRequest.select().where((ServiceRequest.workflow_key == workflow_key)
                                             & (ServiceRequest.current_step == first)
                                             & (ServiceRequest.status == "open")).order_by(ServiceRequest.id))
    for i, req in enumerate(list(waiting)):
        target = i % len(wf.steps)
        for n, step in enumerate(wf.steps[:target]):
            data = dict(step.example or {})
            if n == 0 and survey is not None:
                data["survey"] = survey.id
            data = data_for(step, data) if data_for else data
            outcome = "advance" if wf.next_of(step.key) else "complete"
            try:
                platform.engine.transition(req.id, outcome, actor, data=data)
            except RongtongError:
                break
            if after:
                after(step, req, target - n - 1)
