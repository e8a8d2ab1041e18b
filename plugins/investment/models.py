"""Investment board records (DB1302 4.4.3, 6.4.4.1 a–e): the investor register and, per investment
project (a service request), the screening result, the verification checklist, the due-diligence
scores and report, the decision makers' votes, the agreement and the tracking follow-ups."""
from __future__ import annotations

import peewee

from rongtong.core.plugin import (AuditedModel, Enterprise, ListField, ServiceRequest, User, lazy_gettext as _l, surveys,
                                  utcnow, vocab)

INVESTOR_KINDS = (("institution", _l("Institution")), ("individual", _l("Individual")))
STAGES = (
    ("seed", _l("Seed")),
    ("early", _l("Early stage")),
    ("growth", _l("Growth stage")),
    ("mature", _l("Mature stage")),
)
STAGE_KEYS = tuple(k for k, _ in STAGES)
VOTES = (("for", _l("For")), ("against", _l("Against")), ("abstain", _l("Abstain")))

# An enterprise's development stage as the platform sees it (its kind and scale): used to match
# enterprises against the stages an investor invests in.
_STAGE_BY_SCALE = {"micro": "early", "small": "early", "medium": "growth", "large": "mature"}


def labels_of(pairs, keys) -> list:
    """The labels of choice ``keys`` (``(key, label)`` pairs), for match reasons people read
    ("阶段 匹配：成长期", never "growth"); an unknown key stays as it is."""
    names = dict(pairs)
    return [names.get(k, k) for k in (keys or [])]


def stage_of(enterprise) -> str:
    if getattr(enterprise, "kind", "") == "entrepreneur":
        return "seed"
    return _STAGE_BY_SCALE.get(getattr(enterprise, "scale", ""), "growth")


class Investor(AuditedModel):
    """A registered investor, institution or individual (DB1302 4.4.3: gather investment
    information): the industries, stages, ticket size and regions it invests in."""

    verbose_name = _l("Investor")
    vocabulary = {"ticket_min": vocab.WAN_YUAN_COLUMN, "ticket_max": vocab.WAN_YUAN_COLUMN, "stages": {"choices": STAGES}}

    name = peewee.CharField(max_length=200, verbose_name=_l("Name"))
    kind = peewee.CharField(max_length=16, choices=INVESTOR_KINDS, default="institution", verbose_name=_l("Kind"))
    industries = ListField(max_length=500, default="", verbose_name=_l("Focus industries"))
    stages = ListField(max_length=100, default="", verbose_name=_l("Stages"))
    ticket_min = vocab.wan_yuan_column(_l("Ticket size from"), null=True)
    ticket_max = vocab.wan_yuan_column(_l("Ticket size to"), null=True)
    regions = ListField(max_length=500, default="", verbose_name=_l("Regions"))
    contact_name = peewee.CharField(max_length=100, default="", verbose_name=_l("Contact person"))
    contact_phone = peewee.CharField(max_length=50, default="", verbose_name=_l("Contact phone"))
    contact_email = peewee.CharField(max_length=200, default="", verbose_name=_l("Contact e-mail"))
    description = peewee.TextField(default="", verbose_name=_l("Description"))
    active = peewee.BooleanField(default=True, index=True, verbose_name=_l("Active"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "investment_investor"


class Project(AuditedModel):
    """One investment project, run as a service request (DB1302 6.4.4.1)."""

    verbose_name = _l("Investment project")
    vocabulary = {"agreed_amount": vocab.WAN_YUAN_COLUMN, "expected_return_pct": {"unit": "%", "visibility": "internal"},
                  "needs_summary": {"visibility": "internal"}, "prospects_score": {"visibility": "internal"},
                  "risk_score": {"visibility": "internal"}, "return_score": {"visibility": "internal"},
                  "due_diligence_report": {"visibility": "internal"}}

    request = peewee.ForeignKeyField(ServiceRequest, unique=True, backref="investment_project", on_delete="RESTRICT",
                                     verbose_name=_l("Request"))
    investor = peewee.ForeignKeyField(Investor, null=True, backref="projects", on_delete="RESTRICT",
                                      verbose_name=_l("Investor"))
    target = peewee.ForeignKeyField(Enterprise, null=True, backref="investment_projects", on_delete="RESTRICT",
                                    verbose_name=_l("Target enterprise"))
    needs_summary = peewee.TextField(default="", verbose_name=_l("Needs survey summary"))
    survey = peewee.ForeignKeyField(surveys.Survey, null=True, on_delete="SET NULL", verbose_name=_l("Needs survey"))
    prospects_score = peewee.SmallIntegerField(null=True, verbose_name=_l("Prospects score"))
    risk_score = peewee.SmallIntegerField(null=True, verbose_name=_l("Risk score"))
    return_score = peewee.SmallIntegerField(null=True, verbose_name=_l("Return score"))
    expected_return_pct = peewee.DecimalField(max_digits=7, decimal_places=2, null=True, verbose_name=_l("Expected annual return"),
                                            help_text=_l("In percent."))
    due_diligence_report = peewee.TextField(default="", verbose_name=_l("Due diligence report"))
    agreed_amount = vocab.wan_yuan_column(_l("Agreed amount"), null=True)
    agreement_terms = peewee.TextField(default="", verbose_name=_l("Agreement terms"))
    signed_on = peewee.DateField(null=True, verbose_name=_l("Signed on"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "investment_project"


class CheckItem(AuditedModel):
    """One basic fact verified about the target, with its evidence (DB1302 6.4.4.1 b)."""

    verbose_name = _l("Verification item")
    scope_path = ("project", "request")

    project = peewee.ForeignKeyField(Project, backref="checks", on_delete="CASCADE", verbose_name=_l("Project"))
    item = peewee.CharField(max_length=200, verbose_name=_l("Item"))
    verified = peewee.BooleanField(default=False, verbose_name=_l("Verified"))
    evidence = peewee.TextField(default="", verbose_name=_l("Evidence"))

    class Meta:
        table_name = "investment_checkitem"


class Vote(AuditedModel):
    """A decision maker's vote on the investment (DB1302 6.4.4.1 d)."""

    verbose_name = _l("Decision vote")
    scope_path = ("project", "request")

    project = peewee.ForeignKeyField(Project, backref="votes", on_delete="CASCADE", verbose_name=_l("Project"))
    voter = peewee.CharField(max_length=100, verbose_name=_l("Decision maker"))
    vote = peewee.CharField(max_length=8, choices=VOTES, verbose_name=_l("Vote"))
    comment = peewee.TextField(default="", verbose_name=_l("Comment"))

    class Meta:
        table_name = "investment_vote"
        indexes = ((("project", "voter"), True),)


class FollowUp(AuditedModel):
    """A periodic follow-up of an invested enterprise, with figures (DB1302 6.4.4.1 e)."""

    verbose_name = _l("Follow-up")
    vocabulary = {"revenue": vocab.WAN_YUAN_COLUMN, "profit": vocab.WAN_YUAN_COLUMN, "employees": {"unit": "人"}}
    scope_path = ("project", "request")

    project = peewee.ForeignKeyField(Project, backref="followups", on_delete="CASCADE", verbose_name=_l("Project"))
    period = peewee.CharField(max_length=10, verbose_name=_l("Period"))
    revenue = vocab.wan_yuan_column(_l("Revenue"), null=True)
    profit = vocab.wan_yuan_column(_l("Profit"), null=True)
    employees = peewee.IntegerField(null=True, verbose_name=_l("Employees"))
    note = peewee.TextField(default="", verbose_name=_l("Note"))
    recorded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Recorded by"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Recorded at"))

    class Meta:
        table_name = "investment_followup"
        indexes = ((("project", "period"), True),)


MODELS = [Investor, Project, CheckItem, Vote, FollowUp]
