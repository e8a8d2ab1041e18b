"""Validation of what users send (API and workflow steps) for technical services."""
from __future__ import annotations

import datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from rongtong.core.plugin import UtcDateTime, gettext as _, label, lazy_gettext as _l, one_of

from .models import KINDS

_kind = lambda **kw: fields.String(validate=one_of(KINDS), **kw)  # noqa: E731


class ApplicationSchema(Schema):
    """What an enterprise applies for (DB1302 6.4.2 a): the need (else the request's description)
    and the kind of service, if it knows it — staff confirm the kind when accepting."""

    need = fields.String(load_default="", validate=validate.Length(max=5000), metadata=label(
        "需求描述", "Need", _l("Empty: the request's description is the need.")))
    kind = _kind(load_default=None, allow_none=True, metadata=label(
        "服务类型", "Kind of service", _l("If you know it; staff confirm it when accepting.")))


class AcceptStepSchema(Schema):
    """Accepting the application: staff confirm (or correct) the kind of service."""

    kind = _kind(required=True, metadata=label("服务类型", "Kind of service"))
    remarks = fields.String(load_default="", validate=validate.Length(max=2000), metadata=label("受理意见", "Remarks"))


class PlanStepSchema(Schema):
    """The plan (DB1302 6.4.2 b): the institution chosen among the ranked candidates, and the plan.
    The institution must be eligible (capability, contract) — checked when the step is taken."""

    institution = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata=label(
        "服务机构（编号）", "Institution (id)", _l("The matching page lists the ranked candidates with their reasons.")))
    plan = fields.String(required=True, validate=validate.Length(min=1, max=20_000), metadata=label("服务方案", "Service plan"))
    platform_resources = fields.String(load_default="", validate=validate.Length(max=5000),
                                       metadata=label("平台自有资源", "Platform resources used"))


class DeliverStepSchema(Schema):
    """Delivery (DB1302 6.4.2 c): what was done and what was handed over."""

    records = fields.String(required=True, validate=validate.Length(min=1, max=20_000), metadata=label("实施记录", "Delivery records"))
    deliverables = fields.List(fields.String(validate=validate.Length(min=1, max=300)), required=True,
                               validate=validate.Length(min=1, max=50),
                               metadata=label("交付成果（每行一项）", "Deliverables (one per line)"))


class EvaluateStepSchema(Schema):
    """The enterprise's evaluation of the effect (DB1302 6.4.2 d)."""

    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5), metadata=label(
        "效果评分", "Effect score", _l("1 (poor) to 5 (excellent)."), widget="scale"))
    comment = fields.String(load_default="", validate=validate.Length(max=5000), metadata=label("评价意见", "Comment"))


class InstitutionSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("名称", "Name"))
    qualifications = fields.String(validate=validate.Length(max=5000), metadata=label("资质", "Qualifications"))
    capabilities = fields.List(_kind(), required=True, validate=validate.Length(min=1),
                               metadata=label("服务能力", "Capabilities"))
    contract_start = fields.Date(required=True, metadata=label("合同开始日期", "Contract start"))
    contract_end = fields.Date(required=True, metadata=label("合同结束日期", "Contract end"))
    contact_name = fields.String(validate=validate.Length(max=100), metadata=label("联系人", "Contact person"))
    contact_phone = fields.String(validate=validate.Length(max=50), metadata=label("联系电话", "Contact phone"))
    contact_email = fields.Email(validate=validate.Length(max=200), metadata=label("电子邮箱", "Contact e-mail"))
    description = fields.String(validate=validate.Length(max=5000), metadata=label("简介", "Description"))
    active = fields.Boolean(metadata=label("启用", "Active"))

    @validates_schema(skip_on_field_errors=False)
    def _contract_period(self, data, **kwargs):
        if data.get("contract_start") and data.get("contract_end") and data["contract_end"] < data["contract_start"]:
            raise ValidationError(_("Must not be before the contract start."), "contract_end")


class InstitutionOutSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    qualifications = fields.String()
    capabilities = fields.List(fields.String())
    contract_start = fields.Date()
    contract_end = fields.Date()
    contact_name = fields.String()
    contact_phone = fields.String()
    contact_email = fields.String()
    active = fields.Boolean()


class EquipmentOutSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    model = fields.String()
    location = fields.String()
    institution = fields.Integer(attribute="institution_id", allow_none=True)
    description = fields.String()
    # the booking limits (issue 12), so a caller knows what will be refused
    opens_at = fields.Time(metadata=label("开放时间", "Opens at", _l("In the site's time zone.")))
    closes_at = fields.Time(metadata=label("关闭时间", "Closes at"))
    working_days_only = fields.Boolean(metadata=label("仅工作日", "Working days only"))
    max_hours = fields.Integer(metadata=label("单次最长", "Longest booking", unit="小时"))
    horizon_days = fields.Integer(metadata=label("最多提前预约", "Booking horizon", unit="天"))
    max_open_bookings = fields.Integer(metadata=label("每家企业同时有效预约", "Open bookings per enterprise", unit="次"))


class BookingSchema(Schema):
    """Book a device. ``enterprise`` is needed from staff; an enterprise user books for its own."""

    equipment = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata=label("设备（编号）", "Equipment (id)"))
    enterprise = fields.Integer(strict=True, validate=validate.Range(min=1), metadata=label(
        "企业（编号）", "Enterprise (id)", _l("Staff only: the enterprise the booking is for.")))
    # Times with an offset are converted to UTC; times without one are taken as UTC.
    starts_at = fields.NaiveDateTime(required=True, timezone=datetime.timezone.utc, metadata=label("开始时间", "Starts at"))
    ends_at = fields.NaiveDateTime(required=True, timezone=datetime.timezone.utc, metadata=label("结束时间", "Ends at"))
    purpose = fields.String(load_default="", validate=validate.Length(max=300), metadata=label("用途", "Purpose"))


class BookingOutSchema(Schema):
    id = fields.Integer()
    equipment = fields.Integer(attribute="equipment_id")
    enterprise = fields.Integer(attribute="enterprise_id")
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    purpose = fields.String()
    status = fields.String()


class BookedSlotSchema(Schema):
    """When a device is taken (whose booking it is stays private)."""

    starts_at = fields.DateTime()
    ends_at = fields.DateTime()


class InstitutionBriefSchema(Schema):
    """An institution as a match or an assignment names it: who, for what, until when, whom to call."""

    id = fields.Integer()
    name = fields.String()
    capabilities = fields.List(fields.String())
    contract_start = fields.Date()
    contract_end = fields.Date()
    contact_name = fields.String()
    contact_phone = fields.String()


class AssignmentOutSchema(Schema):
    """The institution chosen, the plan, the delivery and the evaluation of a technical request."""

    request = fields.Integer(attribute="request_id")
    institution = fields.Nested(InstitutionBriefSchema)
    kind = fields.String()
    plan = fields.String()
    candidates = fields.List(fields.Dict(), metadata={"description": "The ranked candidates considered, with reasons"})
    planned_at = fields.DateTime()
    records = fields.String()
    deliverables = fields.List(fields.String())
    delivered_at = fields.DateTime(allow_none=True)
    score = fields.Integer(allow_none=True)
    comment = fields.String()
    evaluated_at = fields.DateTime(allow_none=True)
