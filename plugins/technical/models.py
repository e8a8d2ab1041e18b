"""Technical services (DB1302 6.2.2, 6.4.2, 5.3.7): contracted service institutions and what they
can do, shared equipment with bookings, and the assignment of a request to an institution with the
plan, the delivery and the enterprise's evaluation."""
from __future__ import annotations

import datetime

import peewee

from rongtong.core.plugin import (AuditedModel, Enterprise, JSONField, ListField, ServiceRequest, User, lazy_gettext as _l,
                                  utcnow, vocab)

# DB1302 6.2.2: the eight kinds of technical service.
KINDS = (
    ("design", _l("Design")),
    ("solutions", _l("Solutions")),
    ("inspection_testing", _l("Inspection and testing")),
    ("technical_evaluation", _l("Technical evaluation")),
    ("development", _l("Development")),
    ("technology_transfer", _l("Technology transfer")),
    ("it_adoption", _l("IT adoption")),
    ("equipment_sharing", _l("Equipment sharing")),
)
KIND_KEYS = tuple(k for k, _ in KINDS)
BOOKING_STATUSES = (("booked", _l("Booked")), ("cancelled", _l("Cancelled")))


class Institution(AuditedModel):
    """A contracted service institution (DB1302 5.3.7: gathered service institutions take part in
    the platform's services; 6.4.2 b: matched to technical needs)."""

    verbose_name = _l("Service institution")
    vocabulary = {"capabilities": {"choices": KINDS}}

    name = peewee.CharField(max_length=200, unique=True, verbose_name=_l("Name"))
    qualifications = peewee.TextField(default="", verbose_name=_l("Qualifications"))
    capabilities = ListField(max_length=300, default="", verbose_name=_l("Capabilities"))
    contract_start = peewee.DateField(verbose_name=_l("Contract start"))
    contract_end = peewee.DateField(index=True, verbose_name=_l("Contract end"))
    contact_name = peewee.CharField(max_length=100, default="", verbose_name=_l("Contact person"))
    contact_phone = peewee.CharField(max_length=50, default="", verbose_name=_l("Contact phone"))
    contact_email = peewee.CharField(max_length=200, default="", verbose_name=_l("Contact e-mail"))
    description = peewee.TextField(default="", verbose_name=_l("Description"))
    active = peewee.BooleanField(default=True, index=True, verbose_name=_l("Active"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "technical_institution"

    def contract_valid_on(self, day) -> bool:
        return self.contract_start <= day <= self.contract_end


class Equipment(AuditedModel):
    """A shared instrument or machine enterprises can book (DB1302 6.2.2 equipment sharing)."""

    verbose_name = _l("Shared equipment")
    vocabulary = {"max_hours": {"unit": "小时"}, "horizon_days": {"unit": "天"},
                  "max_open_bookings": {"unit": "次"}}

    name = peewee.CharField(max_length=200, verbose_name=_l("Name"))
    model = peewee.CharField(max_length=200, default="", verbose_name=_l("Model / specification"))
    location = peewee.CharField(max_length=200, default="", verbose_name=_l("Location"))
    institution = peewee.ForeignKeyField(Institution, null=True, backref="equipment", on_delete="SET NULL",
                                         verbose_name=_l("Provided by"))
    description = peewee.TextField(default="", verbose_name=_l("Description"))
    active = peewee.BooleanField(default=True, index=True, verbose_name=_l("Active"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    # Booking limits (issue 12: one enterprise booked a device for a century and locked everyone
    # else out): opening hours in the site's zone, working days of the platform calendar, the
    # longest booking, how far ahead one may book, and how many open bookings an enterprise holds.
    opens_at = peewee.TimeField(default=datetime.time(8, 30), verbose_name=_l("Opens at"),
                                help_text=_l("Opening hours in the site's time zone."))
    closes_at = peewee.TimeField(default=datetime.time(17, 30), verbose_name=_l("Closes at"))
    working_days_only = peewee.BooleanField(default=True, verbose_name=_l("Working days only"),
                                            help_text=_l("Bookable on the working days of the platform calendar."))
    max_hours = peewee.IntegerField(default=8, verbose_name=_l("Longest booking"), help_text=_l("In hours."))
    horizon_days = peewee.IntegerField(default=60, verbose_name=_l("Booking horizon"),
                                       help_text=_l("How many days ahead a booking may start."))
    max_open_bookings = peewee.IntegerField(default=2, verbose_name=_l("Open bookings per enterprise"),
                                            help_text=_l("Bookings not yet ended that one enterprise may hold at once."))

    class Meta:
        table_name = "technical_equipment"


class Booking(AuditedModel):
    """A booking of one device for a time range; overlapping bookings of a device are refused."""

    verbose_name = _l("Equipment booking")

    equipment = peewee.ForeignKeyField(Equipment, backref="bookings", on_delete="RESTRICT", verbose_name=_l("Equipment"))
    enterprise = peewee.ForeignKeyField(Enterprise, backref="+", on_delete="RESTRICT", verbose_name=_l("Enterprise"))
    starts_at = peewee.DateTimeField(verbose_name=_l("Starts at"))
    ends_at = peewee.DateTimeField(verbose_name=_l("Ends at"))
    purpose = peewee.CharField(max_length=300, default="", verbose_name=_l("Purpose"))
    status = peewee.CharField(max_length=16, choices=BOOKING_STATUSES, default="booked", index=True,
                              verbose_name=_l("Status"))
    booked_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Booked by"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "technical_booking"
        indexes = ((("equipment", "starts_at"), False),)


class Assignment(AuditedModel):
    """The institution chosen for a technical request, with the ranked candidates it was chosen
    from (DB1302 6.4.2 b), the delivery records and deliverables (c) and the enterprise's
    evaluation of the effect (d)."""

    verbose_name = _l("Technical service assignment")
    vocabulary = {
        "deliverables": vocab.LINES_COLUMN,
        "candidates": {"visibility": "internal", "columns": vocab.columns(
            ("candidate", _l("Institution"), {"widget": "table", "columns": vocab.columns(
                ("id", _l("ID")), ("name", _l("Name")),
                ("capabilities", _l("Capabilities"), {"widget": "multichoice", "choices": KINDS}),
                ("contract_start", _l("Contract start"), {"widget": "date"}),
                ("contract_end", _l("Contract end"), {"widget": "date"}),
                ("contact_name", _l("Contact person")), ("contact_phone", _l("Contact phone")))}),
            ("score", _l("Score"), {"widget": "number", "unit": "分"}),
            ("reasons", _l("Reasons"), {"widget": "table", "columns": vocab.columns(
                ("criterion", _l("Criterion")), ("title", _l("Criterion")), ("points", _l("Points"), {"widget": "number"}),
                ("max_points", _l("Of"), {"widget": "number"}), ("text", _l("Reason")))}))},
    }

    request = peewee.ForeignKeyField(ServiceRequest, unique=True, backref="+", on_delete="RESTRICT",
                                     verbose_name=_l("Request"))
    institution = peewee.ForeignKeyField(Institution, backref="assignments", on_delete="RESTRICT",
                                         verbose_name=_l("Institution"))
    kind = peewee.CharField(max_length=32, choices=KINDS, verbose_name=_l("Kind of service"))
    plan = peewee.TextField(default="", verbose_name=_l("Service plan"))
    candidates = JSONField(default=list, verbose_name=_l("Candidates considered"))
    planned_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Planned by"))
    planned_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Planned at"))
    records = peewee.TextField(default="", verbose_name=_l("Delivery records"))
    deliverables = JSONField(default=list, verbose_name=_l("Deliverables"))
    delivered_at = peewee.DateTimeField(null=True, verbose_name=_l("Delivered at"))
    score = peewee.IntegerField(null=True, verbose_name=_l("Effect score"))
    comment = peewee.TextField(default="", verbose_name=_l("Evaluation comment"))
    evaluated_at = peewee.DateTimeField(null=True, verbose_name=_l("Evaluated at"))

    class Meta:
        table_name = "technical_assignment"


MODELS = [Institution, Equipment, Booking, Assignment]
