"""Marshmallow schemas: the investor register, request intake, the evidence each step of the
investment workflow requires (DB1302 6.4.4.1 a–e), and what the API returns."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from rongtong.core.plugin import Enterprise, label, lazy_gettext as _l, one_of, periods, surveys, vocab

from .models import INVESTOR_KINDS, STAGES, VOTES, Investor

_TEXT = validate.Length(min=1)
_SCORE = validate.Range(min=1, max=5)
_SCORE_HELP = _l("1 (poor) to 5 (excellent).")


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
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("名称", "Name"))
    kind = fields.String(load_default="institution", validate=one_of(INVESTOR_KINDS), metadata=label("类型", "Kind"))
    industries = fields.List(fields.String(validate=validate.Length(min=1, max=50)), load_default=list,
                             validate=list_field_items(500), metadata=label("关注行业", "Focus industries"))
    stages = fields.List(fields.String(validate=one_of(STAGES)), load_default=list,
                         metadata=label("投资阶段", "Stages"))
    ticket_min = vocab.wan_yuan("单笔投资下限", "Ticket size from", allow_none=True, load_default=None)
    ticket_max = vocab.wan_yuan("单笔投资上限", "Ticket size to", allow_none=True, load_default=None)
    regions = fields.List(fields.String(validate=validate.Length(min=1, max=50)), load_default=list,
                          validate=list_field_items(500), metadata=label("关注地区", "Regions"))
    contact_name = fields.String(load_default="", validate=validate.Length(max=100), metadata=label("联系人", "Contact person"))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=50), metadata=label("联系电话", "Contact phone"))
    contact_email = fields.Email(load_default="", validate=validate.Length(max=200), metadata=label("电子邮箱", "Contact e-mail"))
    description = fields.String(load_default="", metadata=label("简介", "Description"))
    active = fields.Boolean(load_default=True, metadata=label("启用", "Active"))

    @validates_schema
    def _range(self, data, **kwargs):
        low, high = data.get("ticket_min"), data.get("ticket_max")
        if low is not None and high is not None and low > high:
            raise ValidationError(str(_l("Must not be below the lower bound.")), "ticket_max")


def optional_survey(owner: str):
    """An optional reference to one of ``owner``'s needs surveys (core.toolkit.surveys), which must
    have answers — the same check the toolkit's survey step makes."""
    declared = surveys.survey_step_schema(owner)._declared_fields["survey"]
    return fields.Integer(load_default=None, allow_none=True, strict=True, validate=declared.validators,
                          metadata=dict(declared.metadata))


def _existing_investor(value):
    if not Investor.select().where((Investor.id == value) & (Investor.active == True)).exists():  # noqa: E712
        raise ValidationError(str(_l("No active investor with this id.")))


class IntakeSchema(Schema):
    """What an investment project may be filed with: the investor, when already registered."""

    investor = fields.Integer(load_default=None, allow_none=True, validate=_existing_investor,
                              metadata=label("投资方（编号）", "Investor (id)", _l("When the investor is registered already.")))


class ScreeningSchema(Schema):
    """DB1302 6.4.4.1 a: the needs survey and the target chosen from the screening list."""

    investor = fields.Integer(required=True, validate=_existing_investor, metadata=label("投资方（编号）", "Investor (id)"))
    needs_summary = fields.String(required=True, validate=_TEXT, metadata=vocab.internal(
        "投资需求调研摘要", "Investment needs summary", _l("The investor's focus and ticket size: for staff only.")))
    target = fields.Integer(required=True, metadata=label(
        "投资标的企业（编号）", "Target enterprise (id)", _l("An admitted enterprise from the screening list.")))
    survey = optional_survey("investment")

    @validates("target")
    def _target(self, value, **kwargs):
        if not Enterprise.select().where((Enterprise.id == value) & (Enterprise.status == "admitted")).exists():
            raise ValidationError(str(_l("No admitted enterprise with this id.")))


class CheckItemSchema(Schema):
    item = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("核实事项", "Item"))
    verified = fields.Boolean(required=True, metadata=label("已核实", "Verified"))
    evidence = fields.String(required=True, validate=_TEXT, metadata=label("核实依据", "Evidence"))


class VerificationSchema(Schema):
    """DB1302 6.4.4.1 b: every basic fact checked, each with its evidence."""

    checks = fields.List(fields.Nested(CheckItemSchema), required=True, validate=validate.Length(min=1),
                         metadata=vocab.internal("基本情况核实清单", "Verification checklist",
                                           _l("Every item verified, each with its evidence.")))

    @validates("checks")
    def _all_verified(self, value, **kwargs):
        open_items = [c["item"] for c in value if not c["verified"]]
        if open_items:
            raise ValidationError(str(_l("Not verified yet: %(items)s. Pause or return instead of advancing.",
                                         items=", ".join(open_items))))


class DueDiligenceSchema(Schema):
    """DB1302 6.4.4.1 c: prospects, risks and expected return scored (1–5), plus the report."""

    prospects_score = fields.Integer(required=True, validate=_SCORE,
                                     metadata=vocab.internal("发展前景评分", "Prospects score", _SCORE_HELP, widget="scale"))
    risk_score = fields.Integer(required=True, validate=_SCORE, metadata=vocab.internal(
        "风险评分", "Risk score", _l("1 (low risk) to 5 (high risk)."), widget="scale"))
    return_score = fields.Integer(required=True, validate=_SCORE,
                                  metadata=vocab.internal("预期收益评分", "Return score", _SCORE_HELP, widget="scale"))
    expected_return_pct = fields.Decimal(required=True, as_string=True, validate=validate.Range(min=-100, max=1000),
                                         metadata=vocab.internal("预期年化收益率", "Expected annual return", unit="%"))
    report = fields.String(required=True, validate=_TEXT, metadata=vocab.internal("尽职调查报告", "Due diligence report"))
    attachment = fields.Integer(load_default=None, allow_none=True,
                                metadata=vocab.internal("尽职调查报告文件", "Report file", widget="file"))


class VoteSchema(Schema):
    voter = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata=label("决策人", "Decision maker"))
    vote = fields.String(required=True, validate=one_of(VOTES), metadata=label("表决", "Vote"))
    comment = fields.String(load_default="", metadata=label("意见", "Comment"))


class DecisionSchema(Schema):
    """DB1302 6.4.4.1 d: the decision makers' votes and the agreement (amount and terms)."""

    votes = fields.List(fields.Nested(VoteSchema), required=True, validate=validate.Length(min=1),
                        metadata=vocab.internal("决策表决", "Votes", _l("Each decision maker once; approved by majority.")))
    amount = vocab.wan_yuan("投资金额", "Amount invested", positive=True, required=True)
    terms = fields.String(required=True, validate=_TEXT, metadata=label("协议条款", "Agreement terms"))
    signed_on = fields.Date(required=True, metadata=label("签约日期", "Signed on"))

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

    closing_summary = fields.String(required=True, validate=_TEXT, metadata=label("跟踪总结", "Closing summary"))


class FollowUpSchema(Schema):
    id = fields.Integer(dump_only=True)
    period = fields.String(required=True, metadata=label("期间", "Period", _l("A year, quarter or month: 2026, 2026-Q3, 2026-07.")))
    revenue = vocab.wan_yuan("营业收入", "Revenue", negative=True, allow_none=True, load_default=None)
    profit = vocab.wan_yuan("利润", "Profit", negative=True, allow_none=True, load_default=None)
    employees = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=10 ** 7),
                               metadata=label("员工人数", "Employees", unit="人"))
    note = fields.String(load_default="", metadata=label("备注", "Note"))

    @validates("period")
    def _period(self, value, **kwargs):
        try:
            periods.parse_period(value)
        except periods.PeriodError as exc:
            raise ValidationError(exc.message)


# --- What the API returns ---------------------------------------------------------------------------

class ProjectSummarySchema(Schema):
    """One line of the project list: the investor's and the target's names."""

    id = fields.Integer(metadata=label("编号", "Id"))
    request = fields.Integer(metadata=label("服务申请", "Request"))
    investor = fields.String(allow_none=True, metadata=label("投资方", "Investor"))
    target = fields.String(allow_none=True, metadata=label("投资标的企业", "Target enterprise"))


class TargetSchema(Schema):
    """The target enterprise as the screening describes it (DB1302 6.4.4.1 a)."""

    id = fields.Integer(metadata=label("编号", "Id"))
    name = fields.String(metadata=label("企业名称", "Name"))
    industry = fields.String(metadata=label("行业", "Industry"))
    region = fields.String(metadata=label("地区", "Region"))
    scale = fields.String(metadata=label("规模", "Scale"))
    stage = fields.String(validate=one_of(STAGES), metadata=label("发展阶段", "Stage"))


class DueDiligenceOutSchema(Schema):
    prospects_score = fields.Integer(allow_none=True, metadata=vocab.internal("发展前景评分", "Prospects score"))
    risk_score = fields.Integer(allow_none=True, metadata=vocab.internal("风险评分", "Risk score"))
    return_score = fields.Integer(allow_none=True, metadata=vocab.internal("预期收益评分", "Return score"))
    expected_return_pct = fields.String(allow_none=True, metadata=vocab.internal(
        "预期年化收益率", "Expected annual return", unit="%"))
    report = fields.String(metadata=vocab.internal("尽职调查报告", "Due diligence report"))


class AgreementSchema(Schema):
    amount = fields.String(allow_none=True, metadata=label("投资金额", "Amount invested", unit=vocab.WAN_YUAN))
    terms = fields.String(metadata=label("协议条款", "Agreement terms"))
    signed_on = fields.String(allow_none=True, metadata=label("签约日期", "Signed on"))


class ProjectSchema(Schema):
    """One investment project with its checks, votes, agreement and follow-ups (DB1302 6.4.4.1)."""

    id = fields.Integer(metadata=label("编号", "Id"))
    request = fields.Integer(metadata=label("服务申请", "Request"))
    investor = fields.Nested(InvestorSchema, allow_none=True, metadata=label("投资方", "Investor"))
    target = fields.Nested(TargetSchema, allow_none=True, metadata=label("投资标的企业", "Target enterprise"))
    needs_summary = fields.String(metadata=vocab.internal("投资需求调研摘要", "Investment needs summary"))
    due_diligence = fields.Nested(DueDiligenceOutSchema, metadata=vocab.internal("尽职调查", "Due diligence"))
    checks = fields.List(fields.Nested(CheckItemSchema), metadata=vocab.internal("基本情况核实清单", "Verification checklist"))
    votes = fields.List(fields.Nested(VoteSchema), metadata=vocab.internal("决策表决", "Votes"))
    agreement = fields.Nested(AgreementSchema, metadata=label("投资协议", "Agreement"))
    followups = fields.List(fields.Nested(FollowUpSchema), metadata=label("投后跟踪", "Follow-ups"))


class ScreeningOutSchema(Schema):
    """DB1302 6.4.4.1 a: the investor and the admitted enterprises ranked against its focus."""

    investor = fields.Nested(InvestorSchema, metadata=label("投资方", "Investor"))
    candidates = fields.List(fields.Dict(), metadata=label(
        "候选企业", "Candidates", _l("Ranked best first, each with its score and the reasons for its place.")))
