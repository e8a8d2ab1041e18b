"""Validation of what users send (API and workflow steps) for technical services."""
from __future__ import annotations

import datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .models import KIND_KEYS

_kind = lambda **kw: fields.String(validate=validate.OneOf(KIND_KEYS), **kw)  # noqa: E731


class ApplicationSchema(Schema):
    """What an enterprise applies for (DB1302 6.4.2 a): the need (else the request's description)
    and the kind of service, if it knows it — staff confirm the kind when accepting."""

    need = fields.String(load_default="", validate=validate.Length(max=5000), metadata={"label": "需求描述", "label_en": "Need"})
    kind = _kind(load_default=None, allow_none=True, metadata={"label": "服务类型", "label_en": "Kind of service"})


class AcceptStepSchema(Schema):
    """Accepting the application: staff confirm (or correct) the kind of service."""

    kind = _kind(required=True, metadata={"label": "服务类型", "label_en": "Kind of service"})
    remarks = fields.String(load_default="", validate=validate.Length(max=2000), metadata={"label": "受理意见", "label_en": "Remarks"})


class PlanStepSchema(Schema):
    """The plan (DB1302 6.4.2 b): the institution chosen among the ranked candidates, and the plan.
    The institution must be eligible (capability, contract) — checked when the step is taken."""

    institution = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata={"label": "服务机构ID", "label_en": "Institution ID", "description": "机构匹配页列出候选机构及理由 / the matching page lists the ranked candidates"})
    plan = fields.String(required=True, validate=validate.Length(min=1, max=20_000), metadata={"label": "服务方案", "label_en": "Service plan"})
    platform_resources = fields.String(load_default="", validate=validate.Length(max=5000),
                                       metadata={"label": "平台自有资源", "label_en": "Platform resources used"})


class DeliverStepSchema(Schema):
    """Delivery (DB1302 6.4.2 c): what was done and what was handed over."""

    records = fields.String(required=True, validate=validate.Length(min=1, max=20_000), metadata={"label": "实施记录", "label_en": "Delivery records"})
    deliverables = fields.List(fields.String(validate=validate.Length(min=1, max=300)), required=True,
                               validate=validate.Length(min=1, max=50), metadata={"label": "交付成果（每行一项）", "label_en": "Deliverables (one per line)"})


class EvaluateStepSchema(Schema):
    """The enterprise's evaluation of the effect (DB1302 6.4.2 d)."""

    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5), metadata={"label": "效果评分（1-5）", "label_en": "Effect score (1-5)"})
    comment = fields.String(load_default="", validate=validate.Length(max=5000), metadata={"label": "评价意见", "label_en": "Comment"})


class InstitutionSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    qualifications = fields.String(validate=validate.Length(max=5000))
    capabilities = fields.List(_kind(), required=True, validate=validate.Length(min=1))
    contract_start = fields.Date(required=True)
    contract_end = fields.Date(required=True)
    contact_name = fields.String(validate=validate.Length(max=100))
    contact_phone = fields.String(validate=validate.Length(max=50))
    contact_email = fields.Email(validate=validate.Length(max=200))
    description = fields.String(validate=validate.Length(max=5000))
    active = fields.Boolean()

    @validates_schema(skip_on_field_errors=False)
    def _contract_period(self, data, **kwargs):
        if data.get("contract_start") and data.get("contract_end") and data["contract_end"] < data["contract_start"]:
            raise ValidationError("Must not be before the contract start.", "contract_end")


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


class BookingSchema(Schema):
    """Book a device. ``enterprise`` is needed from staff; an enterprise user books for its own."""

    equipment = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    enterprise = fields.Integer(strict=True, validate=validate.Range(min=1))
    # Times with an offset are converted to UTC; times without one are taken as UTC.
    starts_at = fields.NaiveDateTime(required=True, timezone=datetime.timezone.utc)
    ends_at = fields.NaiveDateTime(required=True, timezone=datetime.timezone.utc)
    purpose = fields.String(load_default="", validate=validate.Length(max=300))


class BookingOutSchema(Schema):
    id = fields.Integer()
    equipment = fields.Integer(attribute="equipment_id")
    enterprise = fields.Integer(attribute="enterprise_id")
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    purpose = fields.String()
    status = fields.String()
