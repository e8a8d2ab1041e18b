"""Schemas of the promotion plugin: the database, the annual plan, registrations, negotiations,
and the evidence of each activity step (DB1302 6.4.5 a–g). Budgets and amounts are in 万元."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from rongtong.core.plugin import Enterprise, gettext as _, label, lazy_gettext as _l, one_of, surveys, vocab

from .models import ACTIVITY_KINDS, NEGOTIATION_STATUSES, SELECTION_CRITERIA, PlannedActivity, QualityEnterprise

_TEXT = validate.Length(min=1)
_KIND = one_of(ACTIVITY_KINDS)
DECISIONS = (("approve", _l("Approve")), ("reject", _l("Do not approve")))


def _admitted(value):
    if not Enterprise.select().where((Enterprise.id == value) & (Enterprise.status == "admitted")).exists():
        raise ValidationError(_("No admitted enterprise with this id."))


# --- Database and annual plan ------------------------------------------------------------------------

class ProductSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("产品名称", "Product"))
    category = fields.String(load_default="", validate=validate.Length(max=100), metadata=label("产品类别", "Category"))
    description = fields.String(load_default="", metadata=label("产品介绍", "Description"))


class QualityEnterpriseSchema(Schema):
    """DB1302 6.4.5 a: an enterprise enters the database by meeting at least one criterion."""

    id = fields.Integer(dump_only=True)
    enterprise = fields.Integer(required=True, attribute="enterprise_id", data_key="enterprise", validate=_admitted,
                                metadata=label("企业（编号）", "Enterprise (id)"))
    criteria = fields.List(fields.String(validate=one_of(SELECTION_CRITERIA)), required=True,
                           validate=validate.Length(min=1), metadata=label(
                               "入库条件", "Selection criteria met", _l("At least one criterion.")))
    profile = fields.String(required=True, validate=_TEXT, metadata=label("企业简介", "Profile"))
    selected_on = fields.Date(required=True, metadata=label("入库日期", "Selected on"))
    active = fields.Boolean(load_default=True, metadata=label("在库", "Active"))
    products = fields.List(fields.Nested(ProductSchema), load_default=list, metadata=label("产品", "Products"))


class PlannedActivitySchema(Schema):
    id = fields.Integer(dump_only=True)
    month = fields.Integer(required=True, validate=validate.Range(min=1, max=12), metadata=label("月份", "Month", unit="月"))
    kind = fields.String(required=True, validate=_KIND, metadata=label("活动类型", "Kind"))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("活动名称", "Title"))
    budget = vocab.wan_yuan("活动预算", "Budget", required=True)


class AnnualPlanSchema(Schema):
    """DB1302 6.4.5 b: activities by month within the year's budget."""

    id = fields.Integer(dump_only=True)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100), metadata=label("年度", "Year"))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("计划名称", "Title"))
    budget = vocab.wan_yuan("年度预算", "Budget of the year", required=True)
    notes = fields.String(load_default="", metadata=label("备注", "Notes"))
    activities = fields.List(fields.Nested(PlannedActivitySchema), required=True, validate=validate.Length(min=1),
                             metadata=label("计划活动", "Activities", _l("Their budgets stay within the year's budget.")))

    @validates_schema
    def _within_budget(self, data, **kwargs):
        total = sum(a["budget"] for a in data.get("activities", []))
        if "budget" in data and total > data["budget"]:
            raise ValidationError(_("The activities' budgets (%(total)s) exceed the plan's budget.",
                                    total=vocab.amount_text(total)), "activities")


# --- Workflow steps ------------------------------------------------------------------------------------

def _quality_enterprises(value):
    found = QualityEnterprise.select().where(QualityEnterprise.id.in_(value) & (QualityEnterprise.active == True))  # noqa: E712
    if found.count() != len(set(value)):
        raise ValidationError(_("Give ids of active quality enterprises."))


class SurveyStepSchema(surveys.survey_step_schema("promotion")):
    """DB1302 6.4.5 a: the needs survey (a core survey with answers, and the conclusions drawn) and
    the enterprises chosen from the quality-enterprise database."""

    quality_enterprises = fields.List(fields.Integer(), required=True,
                                      validate=[validate.Length(min=1), _quality_enterprises],
                                      metadata=vocab.internal("邀请的优质企业（编号）", "Quality enterprises invited (ids)",
                                                        _l("Active entries of the quality-enterprise database.")))


class PlanStepSchema(Schema):
    """DB1302 6.4.5 b–c: the activity plan and the notice published with it."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("活动名称", "Title"))
    kind = fields.String(required=True, validate=_KIND, metadata=label("活动类型", "Kind"))
    planned_activity = fields.Integer(load_default=None, allow_none=True, metadata=vocab.internal(
        "年度计划中的活动（编号）", "Planned activity (id)", _l("The activity of the annual plan this one carries out.")))
    starts_on = fields.Date(required=True, metadata=label("活动日期", "Starts on"))
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=100000),
                              metadata=label("名额", "Capacity", _l("Enterprises that can take part."), unit="家"))
    budget = vocab.wan_yuan("活动预算", "Budget", required=True, visibility="internal")
    goals = fields.String(required=True, validate=_TEXT, metadata=label("活动目标", "Goals"))
    notice = fields.String(required=True, validate=_TEXT, metadata=label("活动通知", "Notice"))
    channels = fields.List(fields.String(validate=validate.Length(min=1, max=30)), required=True,
                           validate=validate.Length(min=1), metadata=label("宣传渠道（每行一个）", "Publicity channels (one per line)"))
    registration_deadline = fields.Date(required=True, metadata=label(
        "报名截止日期", "Registration deadline", _l("On or before the day the activity starts.")))

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

    registration_summary = fields.String(required=True, validate=_TEXT, metadata=label("报名情况", "Registration summary"))


class ExpertSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata=label("姓名", "Name"))
    role = fields.String(load_default="", validate=validate.Length(max=100), metadata=label("角色", "Role"))


class PreparationStepSchema(Schema):
    """DB1302 6.4.5 d: experts, venue, equipment (and the media invited), and the event's date as
    confirmed: the event step is due from it (DB1302 5.4.1) and cannot be recorded before it."""

    starts_on = fields.Date(required=True, metadata=label("活动日期", "Event date", _l(
        "As confirmed at preparation (the plan's date unless it moved); the event step is due from it.")))
    experts = fields.List(fields.Nested(ExpertSchema), required=True, validate=validate.Length(min=1),
                          metadata=label("邀请专家", "Experts"))
    venue = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("场地", "Venue"))
    equipment = fields.List(fields.String(validate=_TEXT), required=True, validate=validate.Length(min=1),
                            metadata=label("设备（每行一项）", "Equipment (one per line)"))
    media = fields.List(fields.String(validate=_TEXT), load_default=list, metadata=label("邀请媒体（每行一个）", "Media invited (one per line)"))


class EventStepSchema(Schema):
    """DB1302 6.4.5 e: the event held, with media and publicity."""

    held_on = fields.Date(required=True, metadata=label("举办日期", "Held on", _l("Not before the event date.")))
    attendance = fields.Integer(required=True, validate=validate.Range(min=0, max=10 ** 7),
                                metadata=label("参会人数", "Attendance", unit="人"))
    record = fields.String(required=True, validate=_TEXT, metadata=label("活动记录", "Event record"))
    media = fields.List(fields.String(validate=_TEXT), load_default=list, metadata=label("媒体报道（每行一项）", "Media coverage (one per line)"))


class FollowUpStepSchema(Schema):
    """DB1302 6.4.5 f: negotiations followed (each has at least one follow-up)."""

    summary = fields.String(required=True, validate=_TEXT, metadata=label("洽谈跟踪情况", "Follow-up summary"))


class SummaryStepSchema(Schema):
    """DB1302 6.4.5 g: analysis, effect evaluation, improvement measures."""

    analysis = fields.String(required=True, validate=_TEXT, metadata=vocab.internal("活动分析", "Analysis"))
    effect_score = fields.Integer(required=True, validate=validate.Range(min=1, max=5), metadata=vocab.internal(
        "效果评分", "Effect score", _l("1 (poor) to 5 (excellent)."), widget="scale"))
    effect_evaluation = fields.String(required=True, validate=_TEXT, metadata=vocab.internal("效果评价", "Effect evaluation"))
    improvements = fields.String(required=True, validate=_TEXT, metadata=vocab.internal("改进措施", "Improvement measures"))


# --- Registrations and negotiations --------------------------------------------------------------------

class RegistrationSchema(Schema):
    enterprise = fields.Integer(load_default=None, allow_none=True, metadata=label(
        "企业（编号）", "Enterprise (id)", _l("Staff only: the enterprise registering.")))
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata=label("联系人", "Contact person"))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=50), metadata=label("联系电话", "Contact phone"))
    note = fields.String(load_default="", metadata=label("备注", "Note"))


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=one_of(DECISIONS), metadata=label("审核结果", "Decision"))
    reason = fields.String(load_default="", metadata=label("理由", "Reason", _l("Required to reject.")))

    @validates_schema
    def _reason(self, data, **kwargs):
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            raise ValidationError(_("A reason is required to reject."), "reason")


class NegotiationSchema(Schema):
    enterprise = fields.Integer(required=True, validate=_admitted, metadata=label("企业（编号）", "Enterprise (id)"))
    counterpart = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("洽谈对方", "Counterpart"))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300), metadata=label("洽谈事项", "Subject"))
    amount = vocab.wan_yuan("涉及金额", "Amount", load_default=None, allow_none=True)
    status = fields.String(load_default="negotiating", validate=one_of(NEGOTIATION_STATUSES), metadata=label("状态", "Status"))


class NegotiationFollowUpSchema(Schema):
    followed_on = fields.Date(required=True, metadata=label("跟踪日期", "Date"))
    progress = fields.String(required=True, validate=_TEXT, metadata=label("进展", "Progress"))
    problems = fields.String(load_default="", metadata=label("存在问题", "Problems"))
    coordination = fields.String(load_default="", metadata=label(
        "平台协调情况", "Coordination by the platform", _l("Required when problems are given.")))
    status = fields.String(load_default=None, allow_none=True, validate=one_of(NEGOTIATION_STATUSES),
                           metadata=label("新状态", "New status"))

    @validates_schema
    def _coordinated(self, data, **kwargs):
        if data.get("problems", "").strip() and not data.get("coordination", "").strip():
            raise ValidationError(_("Say how the platform coordinated the problems."), "coordination")


# --- What the API returns ---------------------------------------------------------------------------

class EnterpriseRefSchema(Schema):
    id = fields.Integer(metadata=label("企业编号", "Enterprise id"))
    name = fields.String(metadata=label("企业名称", "Enterprise"))


class EnterpriseBriefSchema(EnterpriseRefSchema):
    industry = fields.String(metadata=label("行业", "Industry"))
    scale = fields.String(metadata=label("规模", "Scale"))


class QualityEnterpriseOutSchema(Schema):
    """An entry of the quality-enterprise database with its products (DB1302 6.4.5 a)."""

    id = fields.Integer(metadata=label("编号", "Id"))
    enterprise = fields.Nested(EnterpriseBriefSchema, metadata=label("企业", "Enterprise"))
    criteria = fields.List(fields.String(validate=one_of(SELECTION_CRITERIA)),
                           metadata=label("入库条件", "Selection criteria met"))
    profile = fields.String(metadata=label("企业简介", "Profile"))
    selected_on = fields.String(metadata=label("入库日期", "Selected on"))
    active = fields.Boolean(metadata=label("在库", "Active"))
    products = fields.List(fields.Nested(ProductSchema), metadata=label("产品", "Products"))


class PlanMonthSchema(Schema):
    month = fields.Integer(metadata=label("月份", "Month", unit="月"))
    activities = fields.List(fields.Nested(PlannedActivitySchema), metadata=label("计划活动", "Activities"))


class AnnualPlanOutSchema(Schema):
    """The annual activity plan month by month, with its budget and what the activities plan to
    spend (DB1302 6.4.5 b)."""

    id = fields.Integer(metadata=label("编号", "Id"))
    year = fields.Integer(metadata=label("年度", "Year"))
    title = fields.String(metadata=label("计划名称", "Title"))
    budget = fields.String(metadata=label("年度预算", "Budget of the year", unit=vocab.WAN_YUAN))
    planned_total = fields.String(metadata=label("计划活动预算合计", "Planned activities in all", unit=vocab.WAN_YUAN))
    notes = fields.String(metadata=label("备注", "Notes"))
    months = fields.List(fields.Nested(PlanMonthSchema), metadata=label("各月活动", "Months"))


class ActivitySummaryOutSchema(Schema):
    analysis = fields.String(metadata=vocab.internal("分析总结", "Analysis"))
    effect_score = fields.Integer(allow_none=True, metadata=vocab.internal("效果评分", "Effect score"))
    effect_evaluation = fields.String(metadata=vocab.internal("效果评价", "Effect evaluation"))
    improvements = fields.String(metadata=vocab.internal("改进措施", "Improvement measures"))


class ActivityOutSchema(Schema):
    """One promotion activity with its notice, preparation, event and summary (DB1302 6.4.5 b–g),
    and whether it takes registrations now."""

    id = fields.Integer(metadata=label("编号", "Id"))
    request = fields.Integer(metadata=label("服务申请", "Request"))
    title = fields.String(metadata=label("活动名称", "Title"))
    kind = fields.String(allow_none=True, validate=_KIND, metadata=label("活动类型", "Kind"))
    starts_on = fields.String(allow_none=True, metadata=label("开始日期", "Starts on"))
    capacity = fields.Integer(allow_none=True, metadata=label("名额", "Capacity", unit="家"))
    approved = fields.Integer(metadata=label("已通过报名", "Registrations approved", unit="家"))
    notice = fields.String(metadata=label("活动通知", "Notice"))
    channels = fields.List(fields.String(), metadata=label("宣传渠道", "Publicity channels"))
    registration_deadline = fields.String(allow_none=True, metadata=label("报名截止日期", "Registration deadline"))
    venue = fields.String(metadata=label("场地", "Venue"))
    experts = fields.List(fields.Nested(ExpertSchema), metadata=label("专家", "Experts"))
    equipment = fields.List(fields.String(), metadata=label("设备", "Equipment"))
    media = fields.List(fields.String(), metadata=label("媒体", "Media"))
    held_on = fields.String(allow_none=True, metadata=label("举办日期", "Held on"))
    attendance = fields.Integer(allow_none=True, metadata=label("参加人数", "Attendance", unit="人"))
    summary = fields.Nested(ActivitySummaryOutSchema, metadata=vocab.internal("活动总结", "Summary"))
    seats_left = fields.Integer(allow_none=True, metadata=label("剩余名额", "Seats left", unit="家"))
    registration_open = fields.Boolean(metadata=label("可以报名", "Registration open"))


class RegistrationOutSchema(Schema):
    id = fields.Integer(metadata=label("编号", "Id"))
    activity = fields.Integer(metadata=label("活动（编号）", "Activity (id)"))
    enterprise = fields.Nested(EnterpriseRefSchema, metadata=label("企业", "Enterprise"))
    contact_name = fields.String(metadata=label("联系人", "Contact person"))
    status = fields.String(metadata=label("状态", "Status"))
    reason = fields.String(metadata=label("理由", "Reason"))


class NegotiationFollowUpOutSchema(Schema):
    followed_on = fields.String(metadata=label("跟踪日期", "Date"))
    progress = fields.String(metadata=label("进展", "Progress"))
    problems = fields.String(metadata=label("存在问题", "Problems"))
    coordination = fields.String(metadata=label("平台协调情况", "Coordination by the platform"))


class NegotiationOutSchema(Schema):
    """A negotiation or project from an activity, with its follow-ups (DB1302 6.4.5 f)."""

    id = fields.Integer(metadata=label("编号", "Id"))
    activity = fields.Integer(metadata=label("活动（编号）", "Activity (id)"))
    enterprise = fields.Nested(EnterpriseRefSchema, metadata=label("企业", "Enterprise"))
    counterpart = fields.String(metadata=label("洽谈对方", "Counterpart"))
    subject = fields.String(metadata=label("洽谈事项", "Subject"))
    amount = fields.String(allow_none=True, metadata=label("涉及金额", "Amount", unit=vocab.WAN_YUAN))
    status = fields.String(validate=one_of(NEGOTIATION_STATUSES), metadata=label("状态", "Status"))
    followups = fields.List(fields.Nested(NegotiationFollowUpOutSchema), metadata=label("跟踪记录", "Follow-ups"))
