"""Marshmallow schemas of the financing plugin: registers, intake, the evidence of each workflow
step, expert scores, funds (DB1302 6.4.4.2 a–f)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from core.i18n import gettext as _
from core.models import Attachment, ENTERPRISE_SCALES
from plugins.investment.models import STAGE_KEYS
from plugins.investment.schemas import MAX_MONEY, list_field_items, optional_survey

from .models import CLASSIFICATIONS, KINDS, SOURCE_KINDS

_TEXT = validate.Length(min=1)
_POSITIVE = validate.Range(min=0, min_inclusive=False)
_KINDS = validate.OneOf([k for k, _x in KINDS])


def _money(**kw):
    """An amount in 10k CNY that fits its column."""
    extra = kw.pop("validate", None)
    return fields.Decimal(as_string=True, places=2, validate=[validate.Range(min=-MAX_MONEY, max=MAX_MONEY)]
                          + ([extra] if extra else []), **kw)


class BankSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    branch = fields.String(load_default="", validate=validate.Length(max=200))
    region = fields.String(load_default="", validate=validate.Length(max=100))
    contact_name = fields.String(load_default="", validate=validate.Length(max=100))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=50))
    active = fields.Boolean(load_default=True)


class LoanProductSchema(Schema):
    id = fields.Integer(dump_only=True)
    bank = fields.Integer(required=True, attribute="bank_id", data_key="bank")
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    min_amount = _money(allow_none=True, load_default=None, validate=validate.Range(min=0))
    max_amount = _money(allow_none=True, load_default=None, validate=validate.Range(min=0))
    max_term_months = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=600))
    rate_note = fields.String(load_default="", validate=validate.Length(max=200))
    collateral = fields.String(load_default="", validate=validate.Length(max=200))
    industries = fields.List(fields.String(validate=validate.Length(min=1, max=50)), load_default=list,
                             validate=list_field_items(500))
    scales = fields.List(fields.String(validate=validate.OneOf([k for k, _x in ENTERPRISE_SCALES])), load_default=list)
    active = fields.Boolean(load_default=True)

    @validates("bank")
    def _bank(self, value, **kwargs):
        from .models import Bank

        if not Bank.select().where(Bank.id == value).exists():
            raise ValidationError(_("No bank with this id."))

    @validates_schema
    def _range(self, data, **kwargs):
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and low > high:
            raise ValidationError(_("Must not be below the lower bound."), "max_amount")


class IntakeSchema(Schema):
    """What an enterprise may file a financing request with (all confirmed at the survey step)."""

    kind = fields.String(load_default=None, allow_none=True, validate=_KINDS)
    amount = _money(load_default=None, allow_none=True, validate=_POSITIVE)
    purpose = fields.String(load_default="")


class SurveySchema(Schema):
    """DB1302 6.4.4.2 a: the needs survey — kind (equity or debt), amount and purpose."""

    kind = fields.String(required=True, validate=_KINDS)
    amount = _money(required=True, validate=_POSITIVE)
    purpose = fields.String(required=True, validate=_TEXT)
    stage = fields.String(required=True, validate=validate.OneOf(STAGE_KEYS))
    needs_summary = fields.String(required=True, validate=_TEXT)
    survey = optional_survey("financing")


class PlanSchema(Schema):
    """DB1302 6.4.4.2 b: the financing plan tailored to the enterprise."""

    plan = fields.String(required=True, validate=_TEXT)


class PreparationSchema(Schema):
    """DB1302 6.4.4.2 c: business plan (structured summary plus the file) and the roadshow plan
    (equity) or the loan preparation (debt)."""

    summary = fields.String(required=True, validate=_TEXT)
    market = fields.String(required=True, validate=_TEXT)
    product = fields.String(required=True, validate=_TEXT)
    team = fields.String(required=True, validate=_TEXT)
    financials = fields.String(required=True, validate=_TEXT)
    attachment = fields.Integer(load_default=None, allow_none=True)
    roadshow_plan = fields.String(load_default="")
    loan_preparation = fields.String(load_default="")

    @validates("attachment")
    def _attachment(self, value, **kwargs):
        if value is not None and not Attachment.select().where(Attachment.id == value).exists():
            raise ValidationError(_("No attachment with this id."))

    @validates_schema
    def _one_of(self, data, **kwargs):
        if not (data.get("roadshow_plan") or "").strip() and not (data.get("loan_preparation") or "").strip():
            raise ValidationError(_("Give the roadshow plan (equity) or the loan preparation (debt)."), "roadshow_plan")


class EvaluationSchema(Schema):
    """DB1302 6.4.4.2 d: classification and recommendation, after every panel expert has scored."""

    classification = fields.String(required=True, validate=validate.OneOf([k for k, _x in CLASSIFICATIONS]))
    conclusion = fields.String(required=True, validate=_TEXT)
    investors = fields.List(fields.Integer(), load_default=list)
    loan_products = fields.List(fields.Integer(), load_default=list)


class MeetingSchema(Schema):
    """DB1302 6.4.4.2 e: the roadshow or bank–enterprise meeting held."""

    held_on = fields.Date(required=True)
    venue = fields.String(load_default="", validate=validate.Length(max=200))
    participants = fields.List(fields.String(validate=_TEXT), required=True, validate=validate.Length(min=1))
    outcome = fields.String(required=True, validate=_TEXT)


class TrackingSchema(Schema):
    """DB1302 6.4.4.2 f: closing the fund tracking."""

    obtained = fields.Boolean(required=True)
    closing_summary = fields.String(required=True, validate=_TEXT)


class PanelSchema(Schema):
    experts = fields.List(fields.Integer(), required=True, validate=validate.Length(min=2))


class ScoreSchema(Schema):
    score = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    comment = fields.String(required=True, validate=_TEXT)


class FundUseSchema(Schema):
    id = fields.Integer(dump_only=True)
    used_on = fields.Date(required=True)
    amount = _money(required=True, validate=_POSITIVE)
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=300))


class FundSchema(Schema):
    id = fields.Integer(dump_only=True)
    amount = _money(required=True, validate=_POSITIVE)
    received_on = fields.Date(required=True)
    source_kind = fields.String(required=True, validate=validate.OneOf([k for k, _x in SOURCE_KINDS]))
    source_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    uses = fields.Method("_uses", dump_only=True)

    def _uses(self, obj):
        return FundUseSchema(many=True).dump(obj.uses.order_by(obj.uses.model.used_on))
