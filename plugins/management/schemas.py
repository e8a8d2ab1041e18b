"""Schemas of the management-improvement plugin: the evidence of each workflow step
(DB1302 6.4.6 a–d) and the API's outputs."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from rongtong.core.plugin import User, gettext as _, label, lazy_gettext as _l, one_of, plans, surveys

from .models import AREAS

TEXT = validate.Length(min=1, max=5000)
GOALS_MET = (("met", _l("Met")), ("partly", _l("Partly met")), ("not_met", _l("Not met")))


class IntakeSchema(Schema):
    """What an enterprise may say when it asks for management improvement (all optional)."""

    area = fields.String(load_default="", validate=one_of((("", _l("Not sure yet")),) + AREAS), metadata=label(
        "提升领域", "Area", _l("If you know it; staff confirm it after the needs survey.")))
    need = fields.String(load_default="", validate=validate.Length(max=5000), metadata=label("需求描述", "Need"))


class SurveyStepSchema(surveys.survey_step_schema("management")):
    """DB1302 6.4.6 a: needs survey -> analysis report, and the area the improvement is about."""

    area = fields.String(required=True, validate=one_of(AREAS), metadata=label("提升领域", "Area"))


class ManagementPlanSchema(plans.PlanSchema):
    """DB1302 6.4.6 b: the plan has every field of 6.4.3 c plus the experts assigned (users with the
    role ``expert``; the first is the lead expert)."""

    experts = fields.List(fields.Integer(strict=True), required=True, validate=validate.Length(min=1, max=20),
                          metadata=label("指派专家（用户编号，首位为牵头专家）", "Experts (user ids, the first leads)",
                                         _l("Users with the expert role; the first one leads and acts on the implementation.")))

    @validates("experts")
    def _experts(self, value, **kwargs):
        if len(set(value)) != len(value):
            raise ValidationError(_("An expert is listed twice."))
        found = {u.id: u for u in User.select().where(User.id.in_(value))}
        bad = [str(i) for i in value if i not in found or not found[i].active or not found[i].has_role("expert")]
        if bad:
            raise ValidationError(_("Not an active user with the expert role: %(ids)s", ids=", ".join(bad)))


class ActivitySchema(Schema):
    date = fields.Date(required=True, metadata={"label": "日期", "label_en": "Date"})
    description = fields.String(required=True, validate=TEXT, metadata={"label": "工作内容", "label_en": "What was done"})


class ImplementSchema(Schema):
    """DB1302 6.4.6 c: what was done, and what came of it."""

    activities = fields.List(fields.Nested(ActivitySchema), required=True, validate=validate.Length(min=1, max=200),
                             metadata={"label": "实施活动", "label_en": "Activities"})
    outcome = fields.String(required=True, validate=TEXT, metadata={"label": "实施成果", "label_en": "Outcome"})
    deliverables = fields.List(fields.String(validate=validate.Length(min=1, max=300)), load_default=list,
                               metadata={"label": "交付成果（每行一项）", "label_en": "Deliverables (one per line)"})


class IndicatorSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"label": "指标", "label_en": "Indicator"})
    before = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"label": "改进前", "label_en": "Before"})
    after = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"label": "改进后", "label_en": "After"})


class EvaluateSchema(Schema):
    """DB1302 6.4.6 d: the effect of the improvement, judged by the enterprise (or recorded by staff)."""

    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5),
                           metadata=label("效果评分", "Effect score", _l("1 (poor) to 5 (excellent)."), widget="scale"))
    goals_met = fields.String(required=True, validate=one_of(GOALS_MET), metadata=label("目标达成情况", "Goals met"))
    indicators = fields.List(fields.Nested(IndicatorSchema), load_default=list, metadata=label(
        "指标变化", "Indicators", _l("Each indicator with its value before and after the improvement.")))
    comment = fields.String(load_default="", validate=validate.Length(max=5000), metadata={"label": "评价意见", "label_en": "Comment"})


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
