"""Marshmallow schemas: the investor register, request intake and the evidence each step of the
investment workflow requires (DB1302 6.4.4.1 a–e)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from core.i18n import lazy_gettext as _l
from core.models import Enterprise
from core.toolkit.surveys import survey_step_schema

from .models import INVESTOR_KINDS, STAGE_KEYS, VOTES, Investor

_TEXT = validate.Length(min=1)
_SCORE = validate.Range(min=1, max=5)
MAX_MONEY = 10 ** 11  # 10k CNY; the columns hold 14 digits with 2 decimals
_MONEY = validate.Range(min=0, min_inclusive=False, max=MAX_MONEY)
_AMOUNT = validate.Range(min=0, max=MAX_MONEY)
_FIGURE = validate.Range(min=-MAX_MONEY, max=MAX_MONEY)


def list_field_items(max_total: int):
    """Validator for a list stored in a ``core.fields.ListField`` column: items without commas,
    joined within the column's ``max_total`` characters."""

    def check(values):
        if any("," in v or "，" in v for v in values):
            raise ValidationError(str(_l("Items may not contain commas.")))
        if len(",".join(sorted(set(values)))) > max_total:
            raise ValidationError(str(_l("Too many or too long items (at most %(n)s characters in all).",
                                            n=max_total)))

    return check


class InvestorSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(load_default="institution", validate=validate.OneOf([k for k, _ in INVESTOR_KINDS]))
    industries = fields.List(fields.String(validate=validate.Length(min=1, max=50)), load_default=list,
                             validate=list_field_items(500))
    stages = fields.List(fields.String(validate=validate.OneOf(STAGE_KEYS)), load_default=list)
    ticket_min = fields.Decimal(allow_none=True, load_default=None, as_string=True, validate=_AMOUNT)
    ticket_max = fields.Decimal(allow_none=True, load_default=None, as_string=True, validate=_AMOUNT)
    regions = fields.List(fields.String(validate=validate.Length(min=1, max=50)), load_default=list,
                          validate=list_field_items(500))
    contact_name = fields.String(load_default="", validate=validate.Length(max=100))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=50))
    contact_email = fields.Email(load_default="", validate=validate.Length(max=200))
    description = fields.String(load_default="")
    active = fields.Boolean(load_default=True)

    @validates_schema
    def _range(self, data, **kwargs):
        low, high = data.get("ticket_min"), data.get("ticket_max")
        if low is not None and high is not None and low > high:
            raise ValidationError(str(_l("Must not be below the lower bound.")), "ticket_max")


def optional_survey(owner: str):
    """An optional reference to one of ``owner``'s needs surveys (core.toolkit.surveys), which must
    have answers — the same check the toolkit's survey step makes."""
    validators = survey_step_schema(owner)._declared_fields["survey"].validators
    return fields.Integer(load_default=None, allow_none=True, strict=True, validate=validators)


def _existing_investor(value):
    if not Investor.select().where((Investor.id == value) & (Investor.active == True)).exists():  # noqa: E712
        raise ValidationError(str(_l("No active investor with this id.")))


class IntakeSchema(Schema):
    """What an investment project may be filed with: the investor, when already registered."""

    investor = fields.Integer(load_default=None, allow_none=True, validate=_existing_investor)


class ScreeningSchema(Schema):
    """DB1302 6.4.4.1 a: the needs survey and the target chosen from the screening list."""

    investor = fields.Integer(required=True, validate=_existing_investor)
    needs_summary = fields.String(required=True, validate=_TEXT)
    target = fields.Integer(required=True)
    survey = optional_survey("investment")

    @validates("target")
    def _target(self, value, **kwargs):
        if not Enterprise.select().where((Enterprise.id == value) & (Enterprise.status == "admitted")).exists():
            raise ValidationError(str(_l("No admitted enterprise with this id.")))


class CheckItemSchema(Schema):
    item = fields.String(required=True, validate=validate.Length(min=1, max=200))
    verified = fields.Boolean(required=True)
    evidence = fields.String(required=True, validate=_TEXT)


class VerificationSchema(Schema):
    """DB1302 6.4.4.1 b: every basic fact checked, each with its evidence."""

    checks = fields.List(fields.Nested(CheckItemSchema), required=True, validate=validate.Length(min=1))

    @validates("checks")
    def _all_verified(self, value, **kwargs):
        open_items = [c["item"] for c in value if not c["verified"]]
        if open_items:
            raise ValidationError(str(_l("Not verified yet: %(items)s. Pause or return instead of advancing.",
                                         items=", ".join(open_items))))


class DueDiligenceSchema(Schema):
    """DB1302 6.4.4.1 c: prospects, risks and expected return scored (1–5), plus the report."""

    prospects_score = fields.Integer(required=True, validate=_SCORE)
    risk_score = fields.Integer(required=True, validate=_SCORE)
    return_score = fields.Integer(required=True, validate=_SCORE)
    expected_return_pct = fields.Decimal(required=True, as_string=True, validate=validate.Range(min=-100, max=1000))
    report = fields.String(required=True, validate=_TEXT)
    attachment = fields.Integer(load_default=None, allow_none=True)


class VoteSchema(Schema):
    voter = fields.String(required=True, validate=validate.Length(min=1, max=100))
    vote = fields.String(required=True, validate=validate.OneOf([k for k, _ in VOTES]))
    comment = fields.String(load_default="")


class DecisionSchema(Schema):
    """DB1302 6.4.4.1 d: the decision makers' votes and the agreement (amount and terms)."""

    votes = fields.List(fields.Nested(VoteSchema), required=True, validate=validate.Length(min=1))
    amount = fields.Decimal(required=True, as_string=True, validate=_MONEY)
    terms = fields.String(required=True, validate=_TEXT)
    signed_on = fields.Date(required=True)

    @validates("votes")
    def _majority(self, value, **kwargs):
        voters = [v["voter"] for v in value]
        if len(set(voters)) != len(voters):
            raise ValidationError(str(_l("Each decision maker votes once.")))
        in_favour = sum(1 for v in value if v["vote"] == "for")
        if in_favour * 2 <= len(value):
            raise ValidationError(str(_l("The decision makers did not approve by majority; reject the project instead.")))


class TrackingSchema(Schema):
    """DB1302 6.4.4.1 e: closing the tracking (the follow-ups themselves are recorded over time)."""

    closing_summary = fields.String(required=True, validate=_TEXT)


class FollowUpSchema(Schema):
    id = fields.Integer(dump_only=True)
    period = fields.String(required=True)
    revenue = fields.Decimal(allow_none=True, load_default=None, as_string=True, validate=_FIGURE)
    profit = fields.Decimal(allow_none=True, load_default=None, as_string=True, validate=_FIGURE)
    employees = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=10 ** 7))
    note = fields.String(load_default="")

    @validates("period")
    def _period(self, value, **kwargs):
        from core.toolkit.periods import PeriodError, parse_period

        try:
            parse_period(value)
        except PeriodError as exc:
            raise ValidationError(exc.message)
