"""Promotion records (DB1302 6.2.5, 6.4.5 a–g): the quality-enterprise database and its products,
the annual activity plan, activities (exhibitions, trade talks, product promotion, cooperation)
with registrations, and the negotiations and projects that came out of them with their follow-up."""
from __future__ import annotations

import peewee

from rongtong.core.plugin import (AuditedModel, Enterprise, JSONField, ListField, ServiceRequest, User, lazy_gettext as _l,
                                  surveys, utcnow, vocab)

ACTIVITY_KINDS = (
    ("exhibition", _l("Exhibition")),
    ("trade_talk", _l("Trade talk")),
    ("product_promotion", _l("Product promotion")),
    ("cooperation", _l("Economic and technical cooperation")),
)
ACTIVITY_KIND_KEYS = tuple(k for k, _ in ACTIVITY_KINDS)
# Selection criteria of the quality-enterprise database (DB1302 6.4.5 a).
SELECTION_CRITERIA = (
    ("specialised", _l("Specialised, refined, distinctive and innovative (专精特新)")),
    ("high_tech", _l("High-tech enterprise")),
    ("quality_certified", _l("Quality management certified")),
    ("brand", _l("Well-known brand or trademark")),
    ("growth", _l("Sustained growth")),
    ("supply_chain", _l("Key supplier of a lead enterprise")),
)
SELECTION_KEYS = tuple(k for k, _ in SELECTION_CRITERIA)
REGISTRATION_STATUSES = (("pending", _l("Pending")), ("approved", _l("Approved")), ("rejected", _l("Rejected")))
NEGOTIATION_STATUSES = (
    ("negotiating", _l("Negotiating")),
    ("agreed", _l("Agreed")),
    ("signed", _l("Signed")),
    ("dropped", _l("Dropped")),
)


class QualityEnterprise(AuditedModel):
    """An enterprise admitted to the quality-enterprise database, with the criteria it meets and its
    profile (DB1302 6.4.5 a)."""

    verbose_name = _l("Quality enterprise")
    vocabulary = {"criteria": {"choices": SELECTION_CRITERIA}}

    enterprise = peewee.ForeignKeyField(Enterprise, unique=True, backref="promotion_profile", on_delete="RESTRICT",
                                        verbose_name=_l("Enterprise"))
    criteria = ListField(max_length=200, verbose_name=_l("Selection criteria met"))
    profile = peewee.TextField(verbose_name=_l("Profile"))
    selected_on = peewee.DateField(verbose_name=_l("Selected on"))
    active = peewee.BooleanField(default=True, index=True, verbose_name=_l("Active"))

    class Meta:
        table_name = "promotion_qualityenterprise"

    def __str__(self):
        return self.enterprise.name


class Product(AuditedModel):
    """A product of a quality enterprise, for promotion."""

    verbose_name = _l("Product")
    scope_path = ("owner", "enterprise")

    owner = peewee.ForeignKeyField(QualityEnterprise, backref="products", on_delete="CASCADE",
                                   verbose_name=_l("Quality enterprise"))
    name = peewee.CharField(max_length=200, verbose_name=_l("Name"))
    category = peewee.CharField(max_length=100, default="", verbose_name=_l("Category"))
    description = peewee.TextField(default="", verbose_name=_l("Description"))

    class Meta:
        table_name = "promotion_product"


class AnnualPlan(AuditedModel):
    """The annual activity plan: activities by month and the budget (DB1302 6.4.5 b)."""

    verbose_name = _l("Annual activity plan")
    vocabulary = {"budget": vocab.WAN_YUAN_COLUMN}

    year = peewee.IntegerField(unique=True, verbose_name=_l("Year"))
    title = peewee.CharField(max_length=200, verbose_name=_l("Title"))
    budget = vocab.wan_yuan_column(_l("Budget"))
    notes = peewee.TextField(default="", verbose_name=_l("Notes"))

    class Meta:
        table_name = "promotion_annualplan"


class PlannedActivity(AuditedModel):
    verbose_name = _l("Planned activity")
    vocabulary = {"budget": vocab.WAN_YUAN_COLUMN, "month": {"unit": "月"}}

    plan = peewee.ForeignKeyField(AnnualPlan, backref="activities", on_delete="CASCADE", verbose_name=_l("Plan"))
    month = peewee.SmallIntegerField(verbose_name=_l("Month"))
    kind = peewee.CharField(max_length=20, choices=ACTIVITY_KINDS, verbose_name=_l("Kind"))
    title = peewee.CharField(max_length=200, verbose_name=_l("Title"))
    budget = vocab.wan_yuan_column(_l("Budget"))

    class Meta:
        table_name = "promotion_plannedactivity"


class Activity(AuditedModel):
    """One promotion activity, run as a service request (DB1302 6.4.5 b–g)."""

    verbose_name = _l("Promotion activity")
    vocabulary = {
        "budget": {**vocab.WAN_YUAN_COLUMN, "visibility": "internal"}, "capacity": {"unit": "家"},
        "attendance": {"unit": "人"}, "invited": {**vocab.LINES_COLUMN, "visibility": "internal"},
        "channels": vocab.LINES_COLUMN, "equipment": vocab.LINES_COLUMN, "media": vocab.LINES_COLUMN,
        "experts": {"columns": vocab.columns(("name", _l("Name")), ("role", _l("Role")))},
        "analysis": {"visibility": "internal"}, "effect_score": {"visibility": "internal"},
        "effect_evaluation": {"visibility": "internal"}, "improvements": {"visibility": "internal"},
    }

    request = peewee.ForeignKeyField(ServiceRequest, unique=True, backref="promotion_activity", on_delete="RESTRICT",
                                     verbose_name=_l("Request"))
    kind = peewee.CharField(max_length=20, choices=ACTIVITY_KINDS, null=True, verbose_name=_l("Kind"))
    title = peewee.CharField(max_length=200, default="", verbose_name=_l("Title"))
    planned = peewee.ForeignKeyField(PlannedActivity, null=True, on_delete="SET NULL",
                                     verbose_name=_l("In the annual plan as"))
    needs_conclusions = peewee.TextField(default="", verbose_name=_l("Needs survey conclusions"))
    survey = peewee.ForeignKeyField(surveys.Survey, null=True, on_delete="SET NULL", verbose_name=_l("Needs survey"))
    invited = JSONField(default=list, verbose_name=_l("Quality enterprises invited"))
    starts_on = peewee.DateField(null=True, verbose_name=_l("Starts on"))
    capacity = peewee.IntegerField(null=True, verbose_name=_l("Capacity"))
    budget = vocab.wan_yuan_column(_l("Budget"), null=True)
    goals = peewee.TextField(default="", verbose_name=_l("Goals"))
    notice = peewee.TextField(default="", verbose_name=_l("Notice"))
    channels = JSONField(default=list, verbose_name=_l("Publicity channels"))
    registration_deadline = peewee.DateField(null=True, verbose_name=_l("Registration deadline"))
    experts = JSONField(default=list, verbose_name=_l("Experts"))
    venue = peewee.CharField(max_length=200, default="", verbose_name=_l("Venue"))
    equipment = JSONField(default=list, verbose_name=_l("Equipment"))
    media = JSONField(default=list, verbose_name=_l("Media"))
    held_on = peewee.DateField(null=True, verbose_name=_l("Held on"))
    attendance = peewee.IntegerField(null=True, verbose_name=_l("Attendance"))
    event_notes = peewee.TextField(default="", verbose_name=_l("Event record"))
    analysis = peewee.TextField(default="", verbose_name=_l("Analysis"))
    effect_score = peewee.SmallIntegerField(null=True, verbose_name=_l("Effect score (1–5)"))
    effect_evaluation = peewee.TextField(default="", verbose_name=_l("Effect evaluation"))
    improvements = peewee.TextField(default="", verbose_name=_l("Improvement measures"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "promotion_activity"


class Registration(AuditedModel):
    """An enterprise's registration for an activity, approved within its capacity (DB1302 6.4.5 c)."""

    verbose_name = _l("Registration")

    activity = peewee.ForeignKeyField(Activity, backref="registrations", on_delete="CASCADE",
                                      verbose_name=_l("Activity"))
    enterprise = peewee.ForeignKeyField(Enterprise, on_delete="RESTRICT", verbose_name=_l("Enterprise"))
    contact_name = peewee.CharField(max_length=100, verbose_name=_l("Contact person"))
    contact_phone = peewee.CharField(max_length=50, default="", verbose_name=_l("Contact phone"))
    note = peewee.TextField(default="", verbose_name=_l("Note"))
    status = peewee.CharField(max_length=10, choices=REGISTRATION_STATUSES, default="pending", index=True,
                              verbose_name=_l("Status"))
    decision_reason = peewee.TextField(default="", verbose_name=_l("Reason"))
    decided_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Decided by"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Registered at"))

    class Meta:
        table_name = "promotion_registration"
        indexes = ((("activity", "enterprise"), True),)


class Negotiation(AuditedModel):
    """A negotiation or project that came out of an activity (DB1302 6.4.5 f)."""

    verbose_name = _l("Negotiation or project")
    vocabulary = {"amount": vocab.WAN_YUAN_COLUMN}

    activity = peewee.ForeignKeyField(Activity, backref="negotiations", on_delete="CASCADE",
                                      verbose_name=_l("Activity"))
    enterprise = peewee.ForeignKeyField(Enterprise, on_delete="RESTRICT", verbose_name=_l("Enterprise"))
    counterpart = peewee.CharField(max_length=200, verbose_name=_l("Counterpart"))
    subject = peewee.CharField(max_length=300, verbose_name=_l("Subject"))
    amount = vocab.wan_yuan_column(_l("Amount"), null=True)
    status = peewee.CharField(max_length=12, choices=NEGOTIATION_STATUSES, default="negotiating", index=True,
                              verbose_name=_l("Status"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "promotion_negotiation"


class NegotiationFollowUp(AuditedModel):
    """One follow-up of a negotiation: progress, the problems met and how the platform coordinated."""

    verbose_name = _l("Negotiation follow-up")
    scope_path = ("negotiation", "enterprise")

    negotiation = peewee.ForeignKeyField(Negotiation, backref="followups", on_delete="CASCADE",
                                         verbose_name=_l("Negotiation"))
    followed_on = peewee.DateField(verbose_name=_l("Date"))
    progress = peewee.TextField(verbose_name=_l("Progress"))
    problems = peewee.TextField(default="", verbose_name=_l("Problems"))
    coordination = peewee.TextField(default="", verbose_name=_l("Coordination by the platform"))
    recorded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Recorded by"))

    class Meta:
        table_name = "promotion_negotiationfollowup"


MODELS = [QualityEnterprise, Product, AnnualPlan, PlannedActivity, Activity, Registration, Negotiation,
          NegotiationFollowUp]
