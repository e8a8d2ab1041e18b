"""Schemas of the management-improvement plugin: the evidence of each workflow step
(DB1302 6.4.6 a–d) and the API's outputs."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from core.i18n import gettext as _
from core.models import User
from core.toolkit.plans import PlanSchema
from core.toolkit.surveys import survey_step_schema

from .models import AREA_KEYS

TEXT = validate.Length(min=1, max=5000)


class IntakeSchema(Schema):
    """What an enterprise may say when it asks for management improvement (all optional)."""

    area = fields.String(load_default="", validate=validate.OneOf(("",) + AREA_KEYS))
    need = fields.String(load_default="", validate=validate.Length(max=5000))


class SurveyStepSchema(survey_step_schema("management")):
    """DB1302 6.4.6 a: needs survey -> analysis report, and the area the improvement is about."""

    area = fields.String(required=True, validate=validate.OneOf(AREA_KEYS))


class ManagementPlanSchema(PlanSchema):
    """DB1302 6.4.6 b: the plan has every field of 6.4.3 c plus the experts assigned (users with the
    role ``expert``; the first is the lead expert)."""

    experts = fields.List(fields.Integer(strict=True), required=True, validate=validate.Length(min=1, max=20))

    @validates("experts")
    def _experts(self, value, **kwargs):
        if len(set(value)) != len(value):
            raise ValidationError(_("An expert is listed twice."))
        found = {u.id: u for u in User.select().where(User.id.in_(value))}
        bad = [str(i) for i in value if i not in found or not found[i].active or not found[i].has_role("expert")]
        if bad:
            raise ValidationError(_("Not an active user with the expert role: %(ids)s", ids=", ".join(bad)))


class ActivitySchema(Schema):
    date = fields.Date(required=True)
    description = fields.String(required=True, validate=TEXT)


class ImplementSchema(Schema):
    """DB1302 6.4.6 c: what was done, and what came of it."""

    activities = fields.List(fields.Nested(ActivitySchema), required=True, validate=validate.Length(min=1, max=200))
    outcome = fields.String(required=True, validate=TEXT)
    deliverables = fields.List(fields.String(validate=validate.Length(min=1, max=300)), load_default=list)


class IndicatorSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    before = fields.String(required=True, validate=validate.Length(min=1, max=200))
    after = fields.String(required=True, validate=validate.Length(min=1, max=200))


class EvaluateSchema(Schema):
    """DB1302 6.4.6 d: the effect of the improvement, judged by the enterprise (or recorded by staff)."""

    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    goals_met = fields.String(required=True, validate=validate.OneOf(("met", "partly", "not_met")))
    indicators = fields.List(fields.Nested(IndicatorSchema), load_default=list)
    comment = fields.String(load_default="", validate=validate.Length(max=5000))


class ExpertOutSchema(Schema):
    expert = fields.Integer(attribute="expert_id")
    name = fields.Function(lambda e: e.expert.display_name or e.expert.username)
    lead = fields.Boolean()


class ProjectOutSchema(Schema):
    id = fields.Integer()
    request = fields.Integer(attribute="request_id")
    area = fields.String()
    survey = fields.Integer(attribute="survey_id", allow_none=True)
    needs_report = fields.Dict(allow_none=True)
    conclusions = fields.String()
    plan = fields.Dict(allow_none=True)
    implementation = fields.Dict(allow_none=True)
    evaluation = fields.Dict(allow_none=True)
    experts = fields.List(fields.Nested(ExpertOutSchema), attribute="expert_list")
    updated_at = fields.DateTime()
