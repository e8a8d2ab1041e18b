"""Marshmallow schemas of the financing plugin: registers, intake, the evidence of each workflow
step, expert scores, funds (DB1302 6.4.4.2 a–f), and what the API returns."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from rongtong.core.plugin import (ENTERPRISE_SCALES, Attachment, gettext as _, label, lazy_gettext as _l, one_of,
                                  vocab)
from rongtong.plugins.investment.models import STAGES
from rongtong.plugins.investment.schemas import list_field_items, optional_survey

from .models import CLASSIFICATIONS, KINDS, SOURCE_KINDS

_TEXT = validate.Length(min=1)
_KINDS = one_of(KINDS)
_KIND_HELP = _l("Equity: the enterprise sells shares to investors. Debt: it borrows from a bank.")
_AMOUNT_HELP = _l("In 万元 (ten thousand yuan): 500 means 5,000,000 yuan. Staff confirm it at the needs survey.")


class BankSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("银行名称", "Bank"))
    branch = fields.String(load_default="", validate=validate.Length(max=200), metadata=label("支行", "Branch"))
    region = fields.String(load_default="", validate=validate.Length(max=100), metadata=label("所在地区", "Region"))
    contact_name = fields.String(load_default="", validate=validate.Length(max=100), metadata=label("联系人", "Contact person"))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=50), metadata=label("联系电话", "Contact phone"))
    active = fields.Boolean(load_default=True, metadata=label("启用", "Active"))


class LoanProductSchema(Schema):
    id = fields.Integer(dump_only=True)
    bank = fields.Integer(required=True, attribute="bank_id", data_key="bank", metadata=label("银行（编号）", "Bank (id)"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=label("产品名称", "Product"))
    min_amount = vocab.wan_yuan("最低贷款额", "Amount from", allow_none=True, load_default=None)
    max_amount = vocab.wan_yuan("最高贷款额", "Amount to", allow_none=True, load_default=None)
    max_term_months = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=600),
                                     metadata=label("最长期限", "Longest term", unit="月"))
    rate_note = fields.String(load_default="", validate=validate.Length(max=200), metadata=label("利率说明", "Interest rate"))
    collateral = fields.String(load_default="", validate=validate.Length(max=200),
                               metadata=label("抵押或担保要求", "Collateral or guarantee"))
    industries = fields.List(fields.String(validate=validate.Length(min=1, max=50)), load_default=list,
                             validate=list_field_items(500), metadata=label("服务行业", "Industries served"))
    scales = fields.List(fields.String(validate=one_of(ENTERPRISE_SCALES)), load_default=list,
                         metadata=label("服务企业规模", "Enterprise scales served"))
    active = fields.Boolean(load_default=True, metadata=label("启用", "Active"))

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

    kind = fields.String(load_default=None, allow_none=True, validate=_KINDS,
                         metadata=label("融资类型", "Kind of financing", _KIND_HELP))
    amount = vocab.wan_yuan("融资金额", "Amount sought", _AMOUNT_HELP, positive=True, load_default=None, allow_none=True)
    purpose = fields.String(load_default="", metadata=label("资金用途", "Use of the funds"))


class SurveySchema(Schema):
    """DB1302 6.4.4.2 a: the needs survey — kind (equity or debt), amount and purpose."""

    kind = fields.String(required=True, validate=_KINDS, metadata=label("融资类型", "Kind of financing", _KIND_HELP))
    amount = vocab.wan_yuan("融资金额", "Amount sought", positive=True, required=True)
    purpose = fields.String(required=True, validate=_TEXT, metadata=label("资金用途", "Use of the funds"))
    stage = fields.String(required=True, validate=one_of(STAGES), metadata=label("企业发展阶段", "Development stage"))
    needs_summary = fields.String(required=True, validate=_TEXT, metadata=label("需求调研摘要", "Needs survey summary"))
    survey = optional_survey("financing")


class PlanSchema(Schema):
    """DB1302 6.4.4.2 b: the financing plan tailored to the enterprise."""

    plan = fields.String(required=True, validate=_TEXT, metadata=label("融资方案", "Financing plan"))


class PreparationSchema(Schema):
    """DB1302 6.4.4.2 c: business plan (structured summary plus the file) and the roadshow plan
    (equity) or the loan preparation (debt)."""

    summary = fields.String(required=True, validate=_TEXT, metadata=label("商业计划书摘要", "Business plan summary"))
    market = fields.String(required=True, validate=_TEXT, metadata=label("市场分析", "Market"))
    product = fields.String(required=True, validate=_TEXT, metadata=label("产品与技术", "Products and technology"))
    team = fields.String(required=True, validate=_TEXT, metadata=label("团队", "Team"))
    financials = fields.String(required=True, validate=_TEXT, metadata=label("财务状况", "Financials"))
    attachment = fields.Integer(load_default=None, allow_none=True,
                                metadata=label("商业计划书文件", "Business plan file", widget="file"))
    roadshow_plan = fields.String(load_default="", metadata=label(
        "路演计划", "Roadshow plan", _l("Required for equity financing.")))
    loan_preparation = fields.String(load_default="", metadata=label(
        "贷款准备", "Loan preparation", _l("Required for debt financing.")))

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

    classification = fields.String(required=True, validate=one_of(CLASSIFICATIONS),
                                   metadata=label("评审分类", "Classification"))
    conclusion = fields.String(required=True, validate=_TEXT, metadata=label("评审结论", "Conclusion"))
    investors = fields.List(fields.Integer(), load_default=list, metadata=label(
        "推荐的投资机构", "Investors recommended", _l("Equity financing: the ids of registered investors.")))
    loan_products = fields.List(fields.Integer(), load_default=list, metadata=label(
        "推荐的贷款产品", "Loan products recommended", _l("Debt financing: the ids of registered loan products.")))


class MeetingSchema(Schema):
    """DB1302 6.4.4.2 e: the roadshow or bank–enterprise meeting held."""

    held_on = fields.Date(required=True, metadata=label("举办日期", "Held on"))
    venue = fields.String(load_default="", validate=validate.Length(max=200), metadata=label("地点", "Venue"))
    participants = fields.List(fields.String(validate=_TEXT), required=True, validate=validate.Length(min=1),
                               metadata=label("参会机构（每行一个）", "Participants (one per line)"))
    outcome = fields.String(required=True, validate=_TEXT, metadata=label("对接结果", "Outcome"))


class TrackingSchema(Schema):
    """DB1302 6.4.4.2 f: closing the fund tracking."""

    obtained = fields.Boolean(required=True, metadata=label(
        "是否获得资金", "Funds obtained", _l("Record the funds obtained before closing with yes.")))
    closing_summary = fields.String(required=True, validate=_TEXT, metadata=label("跟踪总结", "Closing summary"))


class PanelSchema(Schema):
    experts = fields.List(fields.Integer(), required=True, validate=validate.Length(min=2),
                          metadata=label("评审专家（用户编号）", "Panel experts (user ids)", _l("At least two experts.")))


class ScoreSchema(Schema):
    score = fields.Integer(required=True, validate=validate.Range(min=0, max=100),
                           metadata=vocab.internal("评分", "Score", unit="分", widget="scale"))
    comment = fields.String(required=True, validate=_TEXT, metadata=vocab.internal("评审意见", "Comment"))


class FundUseSchema(Schema):
    id = fields.Integer(dump_only=True)
    used_on = fields.Date(required=True, metadata=label("使用日期", "Used on"))
    amount = vocab.wan_yuan("使用金额", "Amount used", positive=True, required=True)
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=300), metadata=label("用途", "Used for"))


class FundSchema(Schema):
    id = fields.Integer(dump_only=True)
    amount = vocab.wan_yuan("到位金额", "Amount obtained", positive=True, required=True)
    received_on = fields.Date(required=True, metadata=label("到位日期", "Received on"))
    source_kind = fields.String(required=True, validate=one_of(SOURCE_KINDS), metadata=label("资金来源类型", "Source kind"))
    source_name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                                metadata=label("资金来源", "Source"))
    uses = fields.Method("_uses", dump_only=True)

    def _uses(self, obj):
        return FundUseSchema(many=True).dump(obj.uses.order_by(obj.uses.model.used_on))


# --- What the API returns ---------------------------------------------------------------------------

_AMOUNT_TEXT = {"unit": vocab.WAN_YUAN}


class CaseSummarySchema(Schema):
    """One line of the case list."""

    id = fields.Integer(metadata=label("编号", "Id"))
    request = fields.Integer(metadata=label("服务申请", "Request"))
    kind = fields.String(allow_none=True, metadata=label("融资类型", "Kind"))
    amount = fields.String(allow_none=True, metadata=label("融资金额", "Amount sought", **_AMOUNT_TEXT))


class BusinessPlanSchema(Schema):
    summary = fields.String(metadata=label("项目概述", "Summary"))
    market = fields.String(metadata=label("市场分析", "Market"))
    product = fields.String(metadata=label("产品与技术", "Products and technology"))
    team = fields.String(metadata=label("团队", "Team"))
    financials = fields.String(metadata=label("财务状况", "Financials"))
    attachment = fields.Integer(allow_none=True, metadata=label("商业计划书文件（编号）", "Business plan file (id)"))


class PanelStateSchema(Schema):
    size = fields.Integer(metadata=label("评审组人数", "Panel size"))
    scored = fields.Integer(metadata=label("已评分人数", "Experts who have scored"))


class MeetingOutSchema(Schema):
    kind = fields.String(metadata=label("类型", "Kind"))
    held_on = fields.String(metadata=label("举办日期", "Held on"))
    venue = fields.String(metadata=label("地点", "Venue"))
    participants = fields.List(fields.String(), metadata=label("参加方", "Participants"))
    outcome = fields.String(metadata=label("对接结果", "Outcome"))


class RecommendationSchema(Schema):
    type = fields.String(metadata=label("类型", "Kind"))
    id = fields.Integer(metadata=label("编号", "Id"))
    name = fields.String(metadata=label("名称", "Name"))


class CaseSchema(Schema):
    """One financing case with its plan, business plan, panel state, recommendations, meetings
    and funds (DB1302 6.4.4.2). The panel's scores are not here (see the scores resource)."""

    id = fields.Integer(metadata=label("编号", "Id"))
    request = fields.Integer(metadata=label("服务申请", "Request"))
    enterprise = fields.String(metadata=label("企业", "Enterprise"))
    kind = fields.String(allow_none=True, metadata=label("融资类型", "Kind"))
    amount = fields.String(allow_none=True, metadata=label("融资金额", "Amount sought", **_AMOUNT_TEXT))
    purpose = fields.String(metadata=label("资金用途", "Purpose"))
    stage = fields.String(metadata=label("发展阶段", "Stage"))
    needs_summary = fields.String(metadata=label("融资需求调研摘要", "Needs survey summary"))
    plan = fields.String(metadata=label("融资方案", "Financing plan"))
    business_plan = fields.Nested(BusinessPlanSchema, metadata=label("商业计划书", "Business plan"))
    roadshow_plan = fields.String(metadata=label("路演方案", "Roadshow plan"))
    loan_preparation = fields.String(metadata=label("贷款准备", "Loan preparation"))
    panel = fields.Nested(PanelStateSchema, metadata=label("专家评审组", "Expert panel"))
    classification = fields.String(allow_none=True, metadata=label("评审分类", "Classification"))
    conclusion = fields.String(metadata=label("评审结论", "Evaluation conclusion"))
    recommended = fields.List(fields.Nested(RecommendationSchema), metadata=label("推荐对象", "Recommended to"))
    meetings = fields.List(fields.Nested(MeetingOutSchema), metadata=label("路演与银企对接", "Roadshows and bank meetings"))
    funds = fields.List(fields.Nested(FundSchema), metadata=label("到位资金", "Funds obtained"))


class MatchesSchema(Schema):
    """Investors (equity) or loan products (debt) ranked for a case, each with its reasons."""

    kind = fields.String(metadata=label("融资类型", "Kind"))
    candidates = fields.List(fields.Dict(), metadata=label(
        "候选对象", "Candidates", _l("Ranked best first, each with its score and the reasons for its place.")))


class PanelMemberSchema(Schema):
    id = fields.Integer(metadata=label("用户编号", "User id"))
    name = fields.String(metadata=label("专家", "Expert"))


class PanelOutSchema(Schema):
    panel = fields.List(fields.Nested(PanelMemberSchema), metadata=label("评审专家", "Panel experts"))


class PanelScoreSchema(Schema):
    expert = fields.String(metadata=label("专家", "Expert"))
    scored = fields.Boolean(metadata=label("已评分", "Scored"))
    score = fields.Integer(allow_none=True, metadata=vocab.internal(
        "评分", "Score", _l("Hidden until the whole panel has scored (except the caller's own)."), unit="分"))
    comment = fields.String(allow_none=True, metadata=vocab.internal("评审意见", "Comment"))


class ScoresSchema(Schema):
    """The panel's scores as the caller may see them (DB1302 6.4.4.2 d: independent scoring)."""

    complete = fields.Boolean(metadata=label("全部评分完毕", "Whole panel has scored"))
    panel = fields.List(fields.Nested(PanelScoreSchema), metadata=label("评审专家", "Panel experts"))
    average = fields.Float(allow_none=True, metadata=vocab.internal("平均分", "Average score", unit="分"))


class ReportRowSchema(Schema):
    key = fields.String(metadata=label("分组键", "Key"))
    group = fields.String(attribute="label", data_key="label", metadata=label("分组", "Group"))
    count = fields.Integer(metadata=label("笔数", "Fundings"))
    amount = fields.String(metadata=label("金额", "Amount", **_AMOUNT_TEXT))


class ReportTotalSchema(Schema):
    count = fields.Integer(metadata=label("笔数", "Fundings"))
    amount = fields.String(metadata=label("金额", "Amount", **_AMOUNT_TEXT))


class FundsReportSchema(Schema):
    """Funds obtained in a period by enterprise scale, industry and source (DB1302 6.4.4.2 f)."""

    period = fields.String(metadata=label("期间", "Period"))
    total = fields.Nested(ReportTotalSchema, metadata=label("合计", "Total"))
    by_scale = fields.List(fields.Nested(ReportRowSchema), metadata=label("按企业规模", "By enterprise scale"))
    by_industry = fields.List(fields.Nested(ReportRowSchema), metadata=label("按行业", "By industry"))
    by_source = fields.List(fields.Nested(ReportRowSchema), metadata=label("按资金来源", "By source"))
