"""Financing board records (DB1302 4.4.3, 6.2.4, 6.4.4.2 a–f): the register of banks and their
loan products, and per financing case (a service request) its plan, business plan, expert panel
and scores, recommendations, meetings, and the funds obtained and how they were used. Every amount
is in 万元 (ten thousand yuan), declared in each model's ``vocabulary``."""
from __future__ import annotations

import peewee

from rongtong.core.plugin import (ENTERPRISE_SCALES, Attachment, AuditedModel, JSONField, ListField, ServiceRequest, User,
                                  lazy_gettext as _l, surveys, utcnow, vocab)
from rongtong.plugins.investment.models import STAGES

KINDS = (("equity", _l("Equity financing")), ("debt", _l("Debt financing")))
CLASSIFICATIONS = (
    ("priority", _l("Priority: recommend now")),
    ("ready", _l("Ready: recommend")),
    ("improve", _l("Needs improvement first")),
)
MEETING_KINDS = (("roadshow", _l("Roadshow")), ("bank_meeting", _l("Bank–enterprise meeting")))
SOURCE_KINDS = (("investor", _l("Investor")), ("bank", _l("Bank loan")), ("other", _l("Other")))
# The development stage, as found by the needs survey (blank until then).
CASE_STAGES = (("", _l("Not surveyed yet")),) + STAGES
RECOMMENDATION_TYPES = (("investor", _l("Investor")), ("loan_product", _l("Loan product")))



class Bank(AuditedModel):
    """A bank (or other lender) the platform recommends debt financing to (DB1302 6.4.4.2 d)."""

    verbose_name = _l("Bank")

    name = peewee.CharField(max_length=200, verbose_name=_l("Name"))
    branch = peewee.CharField(max_length=200, default="", verbose_name=_l("Branch"))
    region = peewee.CharField(max_length=100, default="", verbose_name=_l("Region"))
    contact_name = peewee.CharField(max_length=100, default="", verbose_name=_l("Contact person"))
    contact_phone = peewee.CharField(max_length=50, default="", verbose_name=_l("Contact phone"))
    active = peewee.BooleanField(default=True, verbose_name=_l("Active"))

    class Meta:
        table_name = "financing_bank"


class LoanProduct(AuditedModel):
    """A bank's loan product: amounts, term, the industries and enterprise scales it serves."""

    verbose_name = _l("Loan product")
    vocabulary = {"min_amount": vocab.WAN_YUAN_COLUMN, "max_amount": vocab.WAN_YUAN_COLUMN,
                  "max_term_months": {"unit": "月"},
                  "scales": {"choices": ENTERPRISE_SCALES}}

    bank = peewee.ForeignKeyField(Bank, backref="products", on_delete="RESTRICT", verbose_name=_l("Bank"))
    name = peewee.CharField(max_length=200, verbose_name=_l("Name"))
    min_amount = vocab.wan_yuan_column(_l("Amount from"), null=True)
    max_amount = vocab.wan_yuan_column(_l("Amount to"), null=True)
    max_term_months = peewee.IntegerField(null=True, verbose_name=_l("Longest term"),
                                         help_text=_l("In months."))
    rate_note = peewee.CharField(max_length=200, default="", verbose_name=_l("Interest rate"))
    collateral = peewee.CharField(max_length=200, default="", verbose_name=_l("Collateral or guarantee"))
    industries = ListField(max_length=500, default="", verbose_name=_l("Industries served"))
    scales = ListField(max_length=100, default="", verbose_name=_l("Enterprise scales served"))
    active = peewee.BooleanField(default=True, verbose_name=_l("Active"))

    class Meta:
        table_name = "financing_loanproduct"

    def __str__(self):
        return f"{self.bank.name} · {self.name}"


class Case(AuditedModel):
    """One financing request of an enterprise, run as a service request (DB1302 6.4.4.2)."""

    verbose_name = _l("Financing case")
    vocabulary = {"amount": vocab.WAN_YUAN_COLUMN,
                  "recommended": {"columns": vocab.columns(("type", _l("Kind"), {"choices": RECOMMENDATION_TYPES}),
                                                           ("id", _l("ID")), ("name", _l("Name")))}}

    request = peewee.ForeignKeyField(ServiceRequest, unique=True, backref="financing_case", on_delete="RESTRICT",
                                     verbose_name=_l("Request"))
    kind = peewee.CharField(max_length=8, choices=KINDS, null=True, verbose_name=_l("Kind"))
    amount = vocab.wan_yuan_column(_l("Amount sought"), null=True)
    purpose = peewee.TextField(default="", verbose_name=_l("Purpose"))
    stage = peewee.CharField(max_length=16, choices=CASE_STAGES, default="", verbose_name=_l("Stage"))
    needs_summary = peewee.TextField(default="", verbose_name=_l("Needs survey summary"))
    survey = peewee.ForeignKeyField(surveys.Survey, null=True, on_delete="SET NULL", verbose_name=_l("Needs survey"))
    plan = peewee.TextField(default="", verbose_name=_l("Financing plan"))
    bp_summary = peewee.TextField(default="", verbose_name=_l("Business plan summary"))
    bp_market = peewee.TextField(default="", verbose_name=_l("Market"))
    bp_product = peewee.TextField(default="", verbose_name=_l("Products and technology"))
    bp_team = peewee.TextField(default="", verbose_name=_l("Team"))
    bp_financials = peewee.TextField(default="", verbose_name=_l("Financials"))
    bp_attachment = peewee.ForeignKeyField(Attachment, null=True, on_delete="SET NULL",
                                           verbose_name=_l("Business plan file"))
    roadshow_plan = peewee.TextField(default="", verbose_name=_l("Roadshow plan"))
    loan_preparation = peewee.TextField(default="", verbose_name=_l("Loan preparation"))
    classification = peewee.CharField(max_length=16, choices=CLASSIFICATIONS, null=True,
                                      verbose_name=_l("Classification"))
    evaluation_comment = peewee.TextField(default="", verbose_name=_l("Evaluation conclusion"))
    recommended = JSONField(default=list, verbose_name=_l("Recommended to"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "financing_case"


class ExpertScore(AuditedModel):
    """One panel expert's independent score of a case (DB1302 6.4.4.2 d). Nobody sees another
    expert's score until every member of the panel has scored."""

    verbose_name = _l("Expert score")
    vocabulary = {"score": {"unit": "分", "visibility": "internal"}, "comment": {"visibility": "internal"}}
    scope_path = ("case", "request")

    case = peewee.ForeignKeyField(Case, backref="scores", on_delete="CASCADE", verbose_name=_l("Financing case"))
    expert = peewee.ForeignKeyField(User, on_delete="RESTRICT", verbose_name=_l("Expert"))
    score = peewee.SmallIntegerField(null=True, verbose_name=_l("Score (0–100)"))
    comment = peewee.TextField(default="", verbose_name=_l("Comment"))
    scored_at = peewee.DateTimeField(null=True, verbose_name=_l("Scored at"))

    class Meta:
        table_name = "financing_expertscore"
        indexes = ((("case", "expert"), True),)


class Meeting(AuditedModel):
    """A roadshow (equity) or bank–enterprise meeting (debt) held for a case (DB1302 6.4.4.2 e)."""

    verbose_name = _l("Roadshow or bank meeting")
    vocabulary = {"participants": vocab.LINES_COLUMN}
    scope_path = ("case", "request")

    case = peewee.ForeignKeyField(Case, backref="meetings", on_delete="CASCADE", verbose_name=_l("Financing case"))
    kind = peewee.CharField(max_length=16, choices=MEETING_KINDS, verbose_name=_l("Kind"))
    held_on = peewee.DateField(verbose_name=_l("Held on"))
    venue = peewee.CharField(max_length=200, default="", verbose_name=_l("Venue"))
    participants = JSONField(default=list, verbose_name=_l("Participants"))
    outcome = peewee.TextField(verbose_name=_l("Outcome"))

    class Meta:
        table_name = "financing_meeting"


class Fund(AuditedModel):
    """Funds obtained by a case: amount, date, source (DB1302 6.4.4.2 f)."""

    verbose_name = _l("Funds obtained")
    vocabulary = {"amount": vocab.WAN_YUAN_COLUMN}
    scope_path = ("case", "request")

    case = peewee.ForeignKeyField(Case, backref="funds", on_delete="CASCADE", verbose_name=_l("Financing case"))
    amount = vocab.wan_yuan_column(_l("Amount"))
    received_on = peewee.DateField(index=True, verbose_name=_l("Received on"))
    source_kind = peewee.CharField(max_length=16, choices=SOURCE_KINDS, verbose_name=_l("Source kind"))
    source_name = peewee.CharField(max_length=200, verbose_name=_l("Source"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Recorded at"))

    class Meta:
        table_name = "financing_fund"


class FundUse(AuditedModel):
    """How obtained funds were used, over time (DB1302 6.4.4.2 f)."""

    verbose_name = _l("Use of funds")
    vocabulary = {"amount": vocab.WAN_YUAN_COLUMN}
    scope_path = ("fund", "case", "request")

    fund = peewee.ForeignKeyField(Fund, backref="uses", on_delete="CASCADE", verbose_name=_l("Funds"))
    used_on = peewee.DateField(verbose_name=_l("Date"))
    amount = vocab.wan_yuan_column(_l("Amount"))
    purpose = peewee.CharField(max_length=300, verbose_name=_l("Used for"))

    class Meta:
        table_name = "financing_funduse"


MODELS = [Bank, LoanProduct, Case, ExpertScore, Meeting, Fund, FundUse]
