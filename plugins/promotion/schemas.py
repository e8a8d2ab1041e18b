"""Schemas of the promotion plugin: the database, the annual plan, registrations, negotiations,
and the evidence of each activity step (DB1302 6.4.5 a–g)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from core.i18n import gettext as _
from core.models import Enterprise
from core.toolkit.surveys import survey_step_schema

from .models import ACTIVITY_KIND_KEYS, NEGOTIATION_STATUSES, SELECTION_KEYS, PlannedActivity, QualityEnterprise

_TEXT = validate.Length(min=1)
_KIND = validate.OneOf(ACTIVITY_KIND_KEYS)


def _money(**kw):
    """An amount in 10k CNY that fits its column (14 digits, 2 decimals)."""
    return fields.Decimal(as_string=True, places=2, validate=validate.Range(min=0, max=10 ** 11), **kw)


def _admitted(value):
    if not Enterprise.select().where((Enterprise.id == value) & (Enterprise.status == "admitted")).exists():
        raise ValidationError(_("No admitted enterprise with this id."))


# --- Database and annual plan ------------------------------------------------------------------------

class ProductSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(load_default="", validate=validate.Length(max=100))
    description = fields.String(load_default="")


class QualityEnterpriseSchema(Schema):
    """DB1302 6.4.5 a: an enterprise enters the database by meeting at least one criterion."""

    id = fields.Integer(dump_only=True)
    enterprise = fields.Integer(required=True, attribute="enterprise_id", data_key="enterprise", validate=_admitted)
    criteria = fields.List(fields.String(validate=validate.OneOf(SELECTION_KEYS)), required=True,
                           validate=validate.Length(min=1))
    profile = fields.String(required=True, validate=_TEXT)
    selected_on = fields.Date(required=True)
    active = fields.Boolean(load_default=True)
    products = fields.List(fields.Nested(ProductSchema), load_default=list)


class PlannedActivitySchema(Schema):
    id = fields.Integer(dump_only=True)
    month = fields.Integer(required=True, validate=validate.Range(min=1, max=12))
    kind = fields.String(required=True, validate=_KIND)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    budget = _money(required=True)


class AnnualPlanSchema(Schema):
    """DB1302 6.4.5 b: activities by month within the year's budget."""

    id = fields.Integer(dump_only=True)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    budget = _money(required=True)
    notes = fields.String(load_default="")
    activities = fields.List(fields.Nested(PlannedActivitySchema), required=True, validate=validate.Length(min=1))

    @validates_schema
    def _within_budget(self, data, **kwargs):
        total = sum(a["budget"] for a in data.get("activities", []))
        if "budget" in data and total > data["budget"]:
            shown = "%.2f" % total
            raise ValidationError(_("The activities' budgets (%(total)s) exceed the plan's budget.", total=shown),
                                  "activities")


# --- Workflow steps ------------------------------------------------------------------------------------

def _quality_enterprises(value):
    found = QualityEnterprise.select().where(QualityEnterprise.id.in_(value) & (QualityEnterprise.active == True))  # noqa: E712
    if found.count() != len(set(value)):
        raise ValidationError(_("Give ids of active quality enterprises."))


class SurveyStepSchema(survey_step_schema("promotion")):
    """DB1302 6.4.5 a: the needs survey (a core survey with answers, and the conclusions drawn) and
    the enterprises chosen from the quality-enterprise database."""

    quality_enterprises = fields.List(fields.Integer(), required=True,
                                      validate=[validate.Length(min=1), _quality_enterprises])


class PlanStepSchema(Schema):
    """DB1302 6.4.5 b–c: the activity plan and the notice published with it."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=_KIND)
    planned_activity = fields.Integer(load_default=None, allow_none=True)
    starts_on = fields.Date(required=True)
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=100000))
    budget = _money(required=True)
    goals = fields.String(required=True, validate=_TEXT)
    notice = fields.String(required=True, validate=_TEXT)
    channels = fields.List(fields.String(validate=validate.Length(min=1, max=30)), required=True,
                           validate=validate.Length(min=1))
    registration_deadline = fields.Date(required=True)

    @validates("planned_activity")
    def _planned(self, value, **kwargs):
        if value is not None and not PlannedActivity.select().where(PlannedActivity.id == value).exists():
            raise ValidationError(_("No planned activity with this id."))

    @validates_schema
    def _deadline(self, data, **kwargs):
        if data.get("registration_deadline") and data.get("starts_on") and data["registration_deadline"] > data["starts_on"]:
            raise ValidationError(_("Registration must close before the activity starts."), "registration_deadline")


class NoticeStepSchema(Schema):
    """DB1302 6.4.5 c: registration closed (at least one enterprise approved)."""

    registration_summary = fields.String(required=True, validate=_TEXT)


class ExpertSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(load_default="", validate=validate.Length(max=100))


class PreparationStepSchema(Schema):
    """DB1302 6.4.5 d: experts, venue, equipment (and the media invited)."""

    experts = fields.List(fields.Nested(ExpertSchema), required=True, validate=validate.Length(min=1))
    venue = fields.String(required=True, validate=validate.Length(min=1, max=200))
    equipment = fields.List(fields.String(validate=_TEXT), required=True, validate=validate.Length(min=1))
    media = fields.List(fields.String(validate=_TEXT), load_default=list)


class EventStepSchema(Schema):
    """DB1302 6.4.5 e: the event held, with media and publicity."""

    held_on = fields.Date(required=True)
    attendance = fields.Integer(required=True, validate=validate.Range(min=0, max=10 ** 7))
    record = fields.String(required=True, validate=_TEXT)
    media = fields.List(fields.String(validate=_TEXT), load_default=list)


class FollowUpStepSchema(Schema):
    """DB1302 6.4.5 f: negotiations followed (each has at least one follow-up)."""

    summary = fields.String(required=True, validate=_TEXT)


class SummaryStepSchema(Schema):
    """DB1302 6.4.5 g: analysis, effect evaluation, improvement measures."""

    analysis = fields.String(required=True, validate=_TEXT)
    effect_score = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    effect_evaluation = fields.String(required=True, validate=_TEXT)
    improvements = fields.String(required=True, validate=_TEXT)


# --- Registrations and negotiations --------------------------------------------------------------------

class RegistrationSchema(Schema):
    enterprise = fields.Integer(load_default=None, allow_none=True, metadata={"description": "staff only"})
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=50))
    note = fields.String(load_default="")


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = fields.String(load_default="")

    @validates_schema
    def _reason(self, data, **kwargs):
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            raise ValidationError(_("A reason is required to reject."), "reason")


class NegotiationSchema(Schema):
    enterprise = fields.Integer(required=True, validate=_admitted)
    counterpart = fields.String(required=True, validate=validate.Length(min=1, max=200))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300))
    amount = _money(load_default=None, allow_none=True)
    status = fields.String(load_default="negotiating", validate=validate.OneOf([k for k, _x in NEGOTIATION_STATUSES]))


class NegotiationFollowUpSchema(Schema):
    followed_on = fields.Date(required=True)
    progress = fields.String(required=True, validate=_TEXT)
    problems = fields.String(load_default="")
    coordination = fields.String(load_default="")
    status = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf([k for k, _x in NEGOTIATION_STATUSES]))

    @validates_schema
    def _coordinated(self, data, **kwargs):
        if data.get("problems", "").strip() and not data.get("coordination", "").strip():
            raise ValidationError(_("Say how the platform coordinated the problems."), "coordination")
