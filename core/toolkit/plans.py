"""The service plan every plugin that organises a programme records (DB1302 6.4.3 c).

6.4.3 c asks that a training plan state: the audience, the goals, the content, the form and methods,
the tools, the aids, the assessment, the budget, the milestones, the schedule, who does what
(roles), and introductions of the trainers. :class:`PlanSchema` holds exactly those fields; a
plugin whose plan needs more extends it (management improvement adds the experts assigned,
DB1302 6.4.6 b)::

    class ManagementPlanSchema(PlanSchema):
        experts = fields.List(fields.Integer(), required=True)

The data loaded is plain JSON-ready values (dates as ``date`` objects become ISO text once stored by
the workflow engine; amounts are ``Decimal``, in 元 of the budget's currency). Every field and every
column of its tables of rows is labelled for the field vocabulary (:mod:`core.vocabulary`).
:data:`PLAN_EXAMPLE` is a valid plan, used by step examples, docs and the demo.
"""
from __future__ import annotations

import decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from rongtong.core.i18n import gettext as _
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.toolkit.vocab import YUAN, label, one_of

TEXT = validate.Length(min=1, max=5000)
SHORT = validate.Length(min=1, max=200)
CURRENCIES = (
    ("CNY", _l("Chinese yuan (CNY)")),
    ("USD", _l("US dollar (USD)")),
    ("EUR", _l("Euro (EUR)")),
    ("HKD", _l("Hong Kong dollar (HKD)")),
)
PLAN_FIELDS = ("audience", "goals", "content", "form_and_methods", "tools", "aids", "assessment", "budget",
               "milestones", "schedule", "roles", "trainer_introductions")


def _amount(value) -> None:
    """Not negative. (A plain function, not ``validate.Range``: on a Decimal field that would put a
    string bound into the OpenAPI document.)"""
    if value < 0:
        raise ValidationError(_("Must be greater than or equal to 0."))


def _hours(value) -> None:
    if value is not None and not 0 <= value <= 24:
        raise ValidationError(_("Must be from 0 to 24."))


class BudgetItemSchema(Schema):
    item = fields.String(required=True, validate=SHORT, metadata=label("费用项目", "Item"))
    amount = fields.Decimal(required=True, places=2, validate=_amount,
                            metadata=label("金额", "Amount", unit=YUAN, widget="money"))


class BudgetSchema(Schema):
    """Total and, optionally, its breakdown; when items are given they add up to the total."""

    total = fields.Decimal(required=True, places=2, validate=_amount, metadata=label(
        "预算总额", "Total", _l("In yuan (元) of the currency chosen, not in 万元."), unit=YUAN, widget="money"))
    currency = fields.String(load_default="CNY", validate=one_of(CURRENCIES), metadata=label("币种", "Currency"))
    items = fields.List(fields.Nested(BudgetItemSchema), load_default=list, metadata=label(
        "预算明细", "Breakdown", _l("When given, the items add up to the total.")))

    @validates_schema
    def _adds_up(self, data, **kwargs):
        items = data.get("items") or []
        if items and sum((decimal.Decimal(i["amount"]) for i in items), decimal.Decimal(0)) != decimal.Decimal(data["total"]):
            raise ValidationError(_("The items do not add up to the total."), "items")


class MilestoneSchema(Schema):
    title = fields.String(required=True, validate=SHORT, metadata=label("里程碑", "Milestone"))
    date = fields.Date(required=True, metadata=label("日期", "Date"))


class ScheduleEntrySchema(Schema):
    date = fields.Date(required=True, metadata=label("日期", "Date"))
    activity = fields.String(required=True, validate=SHORT, metadata=label("活动内容", "Activity"))
    hours = fields.Decimal(load_default=None, allow_none=True, places=1, validate=_hours,
                           metadata=label("时长", "Hours", unit="小时"))


class RoleSchema(Schema):
    role = fields.String(required=True, validate=SHORT, metadata=label("角色", "Role"))
    person = fields.String(required=True, validate=SHORT, metadata=label("人员", "Person"))
    duties = fields.String(load_default="", validate=validate.Length(max=1000), metadata=label("职责", "Duties"))


class TrainerSchema(Schema):
    name = fields.String(required=True, validate=SHORT, metadata=label("姓名", "Name"))
    title = fields.String(load_default="", validate=validate.Length(max=200), metadata=label("职称", "Title"))
    introduction = fields.String(required=True, validate=TEXT, metadata=label("简介", "Introduction"))


def _at_least_one():
    return validate.Length(min=1, error=_l("Give at least one."))


class PlanSchema(Schema):
    """Every field of DB1302 6.4.3 c; all required."""

    audience = fields.String(required=True, validate=TEXT, metadata={"label": "培训对象", "label_en": "Audience"})
    goals = fields.String(required=True, validate=TEXT, metadata={"label": "目标", "label_en": "Goals"})
    content = fields.String(required=True, validate=TEXT, metadata={"label": "内容", "label_en": "Content"})
    form_and_methods = fields.String(required=True, validate=TEXT, metadata={"label": "形式与方法", "label_en": "Form and methods"})
    tools = fields.String(required=True, validate=TEXT, metadata={"label": "工具", "label_en": "Tools"})
    aids = fields.String(required=True, validate=TEXT, metadata={"label": "辅助用品", "label_en": "Aids"})
    assessment = fields.String(required=True, validate=TEXT, metadata={"label": "考核方式", "label_en": "Assessment"})
    budget = fields.Nested(BudgetSchema, required=True, metadata={"label": "预算", "label_en": "Budget"})
    milestones = fields.List(fields.Nested(MilestoneSchema), required=True, validate=_at_least_one(), metadata={"label": "里程碑", "label_en": "Milestones"})
    schedule = fields.List(fields.Nested(ScheduleEntrySchema), required=True, validate=_at_least_one(), metadata={"label": "日程安排", "label_en": "Schedule"})
    roles = fields.List(fields.Nested(RoleSchema), required=True, validate=_at_least_one(), metadata={"label": "角色分工", "label_en": "Roles"})
    trainer_introductions = fields.List(fields.Nested(TrainerSchema), required=True, validate=_at_least_one(), metadata={"label": "讲师介绍", "label_en": "Trainer introductions"})

    @validates_schema
    def _dates_in_order(self, data, **kwargs):
        dates = [m["date"] for m in data.get("milestones") or []]
        if dates != sorted(dates):
            raise ValidationError(_("List the milestones in date order."), "milestones")


PLAN_EXAMPLE = {
    "audience": "中小企业中层管理人员",
    "goals": "掌握精益生产的基本方法，能在本企业组织一次改善活动",
    "content": "精益生产概论、价值流分析、现场5S、改善案例",
    "form_and_methods": "集中授课 + 案例研讨 + 现场参观",
    "tools": "投影、在线会议系统",
    "aids": "讲义、案例手册",
    "assessment": "结业测试与改善方案评审",
    "budget": {"total": "12000.00", "currency": "CNY",
               "items": [{"item": "讲师费", "amount": "8000.00"}, {"item": "资料费", "amount": "4000.00"}]},
    "milestones": [{"title": "方案确认", "date": "2030-01-10"}, {"title": "培训结束", "date": "2030-02-28"}],
    "schedule": [{"date": "2030-02-20", "activity": "集中授课", "hours": "6.0"}],
    "roles": [{"role": "项目负责人", "person": "培训部专员", "duties": "组织协调"}],
    "trainer_introductions": [{"name": "王老师", "title": "高级工程师", "introduction": "二十年制造业精益管理经验"}],
}
