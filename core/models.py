"""The core's models: enterprises, departments, users, service requests, transitions, audit events,
and the small records every surface needs (sessions, API tokens, attachments, notifications).

Every model binds to :data:`core.db.database`. Core tables are prefixed ``core_``; a plugin's tables
are prefixed with the plugin's name (checked at start-up).
"""
from __future__ import annotations

import datetime

import peewee
from playhouse.shortcuts import model_to_dict
from werkzeug.security import check_password_hash, generate_password_hash

from rongtong.core.creditcode import credit_code_problem
from rongtong.core.db import database
from rongtong.core.errors import ValidationFailed
from rongtong.core.fields import JSONField, ListField
from rongtong.core.i18n import lazy_gettext as _l


def utcnow() -> datetime.datetime:
    """Naive UTC 'now'. Every stored timestamp is naive UTC; display converts to the site's zone."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BaseModel(peewee.Model):
    """Base of every Rongtong model (core and plugins).

    Class attributes a model may set:
      ``audit_exclude`` — field names never written to the audit trail (secrets).
      ``verbose_name`` / ``verbose_name_plural`` — translated labels for generated screens.
    """

    audit_exclude: frozenset[str] = frozenset()
    verbose_name = None

    class Meta:
        database = database
        legacy_table_names = False

    def snapshot(self) -> dict:
        """The record as plain data for the audit trail (foreign keys as ids, secrets left out)."""
        data = model_to_dict(self, recurse=False)
        for name in self.audit_exclude:
            data.pop(name, None)
        return data

    def __str__(self):
        for attr in ("name", "title", "username", "key"):
            if attr in self._meta.fields and getattr(self, attr, None):
                return str(getattr(self, attr))
        return f"{type(self).__name__} #{self.get_id()}"


# --- Enterprises (DB1302 6.1, 4.4.4) --------------------------------------------------------------

ENTERPRISE_SCALES = (
    ("large", _l("Large")),
    ("medium", _l("Medium")),
    ("small", _l("Small")),
    ("micro", _l("Micro")),
)
ENTERPRISE_KINDS = (  # DB1302 6.1: who the platform serves
    ("entrepreneur", _l("Entrepreneur")),
    ("sme", _l("Small or medium enterprise")),
    ("lead", _l("Lead enterprise")),
    ("supply_chain", _l("Other supply-chain party")),
)
ENTERPRISE_STATUSES = (  # DB1302 4.4.4: onboarding reviewed by the management board
    ("applied", _l("Applied")),
    ("under_review", _l("Under review")),
    ("admitted", _l("Admitted")),
    ("rejected", _l("Rejected")),
    ("exited", _l("Exited")),
)
# Allowed onboarding moves: from status -> statuses it may go to.
ENTERPRISE_STATUS_MOVES = {
    "applied": {"under_review", "admitted", "rejected"},
    "under_review": {"admitted", "rejected"},
    "admitted": {"exited"},
    "rejected": {"applied"},
    "exited": {"applied"},
}


class Enterprise(BaseModel):
    """An enterprise served by the platform (DB1302 6.1), admitted after review (DB1302 4.4.4)."""

    verbose_name = _l("Enterprise")

    name = peewee.CharField(max_length=200, verbose_name=_l("Name"))
    credit_code = peewee.CharField(max_length=18, unique=True, verbose_name=_l("Unified social credit code"))
    scale = peewee.CharField(max_length=16, choices=ENTERPRISE_SCALES, index=True, verbose_name=_l("Scale"))
    kind = peewee.CharField(max_length=16, choices=ENTERPRISE_KINDS, index=True, verbose_name=_l("Kind"))
    industry = peewee.CharField(max_length=100, default="", index=True, verbose_name=_l("Industry"))
    region = peewee.CharField(max_length=100, default="", index=True, verbose_name=_l("Region"))
    contact_name = peewee.CharField(max_length=100, default="", verbose_name=_l("Contact person"))
    contact_phone = peewee.CharField(max_length=50, default="", verbose_name=_l("Contact phone"))
    contact_email = peewee.CharField(max_length=200, default="", verbose_name=_l("Contact e-mail"))
    address = peewee.CharField(max_length=300, default="", verbose_name=_l("Address"))
    description = peewee.TextField(default="", verbose_name=_l("Description"))
    status = peewee.CharField(
        max_length=16, choices=ENTERPRISE_STATUSES, default="applied", index=True, verbose_name=_l("Status")
    )
    status_reason = peewee.TextField(default="", verbose_name=_l("Reason"))
    reviewed_at = peewee.DateTimeField(null=True, verbose_name=_l("Reviewed at"))
    created_at = peewee.DateTimeField(default=utcnow, index=True, verbose_name=_l("Created at"))
    updated_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Updated at"))

    class Meta:
        table_name = "core_enterprise"

    def validate(self):
        problem = credit_code_problem(self.credit_code or "")
        if problem:
            raise ValidationFailed("invalid credit code", {"credit_code": [problem]})
        for name, choices in (("scale", ENTERPRISE_SCALES), ("kind", ENTERPRISE_KINDS), ("status", ENTERPRISE_STATUSES)):
            value = getattr(self, name)
            if value not in {key for key, _label in choices}:  # DB1302 6.1: who the platform serves
                allowed = ", ".join(key for key, _label in choices)
                raise ValidationFailed(f"invalid {name}", {name: [f"must be one of: {allowed}"]})

    def save(self, *args, **kwargs):
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        self.validate()
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)


class Department(BaseModel):
    """A department of the platform's service team (DB1302 5.1.2)."""

    verbose_name = _l("Department")

    key = peewee.CharField(max_length=50, unique=True, verbose_name=_l("Key"))
    name = peewee.CharField(max_length=100, verbose_name=_l("Name"))
    name_en = peewee.CharField(max_length=100, default="", verbose_name=_l("English name"))
    duties = peewee.TextField(default="", verbose_name=_l("Duties"))
    # Round-robin pointer (DB1302 5.1.2 routing): the member who was handed the last request.
    last_assignee_id = peewee.IntegerField(null=True, verbose_name=_l("Last assigned to"))

    class Meta:
        table_name = "core_department"


# --- Users and roles -------------------------------------------------------------------------------

ROLES = (
    ("admin", _l("Administrator")),
    ("staff", _l("Service staff")),
    ("expert", _l("Expert")),
    ("evaluator", _l("Evaluator")),
    ("enterprise", _l("Enterprise user")),
)
ROLE_KEYS = tuple(key for key, _ in ROLES)
LANGUAGES = (("zh_Hans_CN", "中文"), ("en", "English"))


class User(BaseModel):
    """A person who logs in: platform staff (DB1302 5.1.1, 5.2) or a user of one enterprise."""

    verbose_name = _l("User")
    audit_exclude = frozenset({"password_hash"})
    vocabulary = {"roles": {"choices": ROLES}}  # the field vocabulary (core.vocabulary): role labels

    username = peewee.CharField(max_length=80, unique=True, verbose_name=_l("Username"))
    display_name = peewee.CharField(max_length=100, default="", verbose_name=_l("Display name"))
    email = peewee.CharField(max_length=200, default="", verbose_name=_l("E-mail"))
    phone = peewee.CharField(max_length=50, default="", verbose_name=_l("Phone"))
    password_hash = peewee.CharField(max_length=255, default="", verbose_name=_l("Password hash"))
    roles = ListField(max_length=200, default="", verbose_name=_l("Roles"))
    department = peewee.ForeignKeyField(
        Department, null=True, backref="members", on_delete="SET NULL", verbose_name=_l("Department")
    )
    is_department_head = peewee.BooleanField(default=False, verbose_name=_l("Department head"))
    enterprise = peewee.ForeignKeyField(
        Enterprise, null=True, backref="users", on_delete="RESTRICT", verbose_name=_l("Enterprise")
    )
    post = peewee.CharField(max_length=100, default="", verbose_name=_l("Post"))
    qualifications = peewee.TextField(default="", verbose_name=_l("Qualifications and training"))
    active = peewee.BooleanField(default=True, index=True, verbose_name=_l("Active"))
    language = peewee.CharField(max_length=16, choices=LANGUAGES, default="zh_Hans_CN", verbose_name=_l("Language"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    last_login_at = peewee.DateTimeField(null=True, verbose_name=_l("Last login"))

    class Meta:
        table_name = "core_user"

    # Flask-Login protocol -------------------------------------------------------------------------
    @property
    def is_authenticated(self):
        return True

    @property
    def is_anonymous(self):
        return False

    @property
    def is_active(self):
        return bool(self.active)

    def get_id(self):
        return str(self.id) if self.id is not None else None

    # Roles and passwords --------------------------------------------------------------------------
    def has_role(self, *roles: str) -> bool:
        return bool(set(self.roles or []) & set(roles))

    @property
    def is_admin(self) -> bool:
        return self.has_role("admin")

    @property
    def is_enterprise_user(self) -> bool:
        return self.has_role("enterprise") and not self.has_role("admin", "staff")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __str__(self):
        return self.display_name or self.username


class UserSession(BaseModel):
    """A server-side login session. The cookie carries only ``sid``; deleting or revoking the row
    ends the session, so a copied cookie stops working after logout."""

    sid = peewee.CharField(max_length=64, unique=True)
    user = peewee.ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = peewee.DateTimeField(default=utcnow)
    last_seen_at = peewee.DateTimeField(default=utcnow)
    revoked_at = peewee.DateTimeField(null=True)
    ip = peewee.CharField(max_length=64, default="")
    user_agent = peewee.CharField(max_length=300, default="")

    class Meta:
        table_name = "core_usersession"


class ApiToken(BaseModel):
    """A personal API token; only its SHA-256 is stored, the token is shown once."""

    verbose_name = _l("API token")
    audit_exclude = frozenset({"token_hash"})

    user = peewee.ForeignKeyField(User, backref="tokens", on_delete="CASCADE", verbose_name=_l("User"))
    name = peewee.CharField(max_length=100, default="", verbose_name=_l("Name"))
    prefix = peewee.CharField(max_length=12, verbose_name=_l("Prefix"))
    token_hash = peewee.CharField(max_length=64, unique=True)
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    last_used_at = peewee.DateTimeField(null=True, verbose_name=_l("Last used"))
    revoked = peewee.BooleanField(default=False, verbose_name=_l("Revoked"))

    class Meta:
        table_name = "core_apitoken"


# --- Service requests and their workflow ---------------------------------------------------------

REQUEST_STATUSES = (
    ("open", _l("Open")),
    ("paused", _l("Paused (awaiting materials)")),
    ("completed", _l("Completed")),
    ("rejected", _l("Rejected")),
    ("withdrawn", _l("Withdrawn")),
)
CLOSED_STATUSES = ("completed", "rejected", "withdrawn")
OUTCOMES = (
    ("open", _l("Opened")),
    ("advance", _l("Advance")),
    ("return", _l("Return")),
    ("reject", _l("Reject")),
    ("withdraw", _l("Withdraw")),
    ("pause", _l("Pause")),
    ("resume", _l("Resume")),
    ("complete", _l("Complete")),
)


class ServiceRequest(BaseModel):
    """An enterprise's request for a service, run through the service's workflow (DB1302 4.4.4,
    5.4.1, 6.3). ``version`` guards concurrent transitions (optimistic locking)."""

    verbose_name = _l("Service request")

    enterprise = peewee.ForeignKeyField(
        Enterprise, backref="requests", on_delete="RESTRICT", verbose_name=_l("Enterprise")
    )
    service_key = peewee.CharField(max_length=64, index=True, verbose_name=_l("Service"))
    workflow_key = peewee.CharField(max_length=64, verbose_name=_l("Workflow"))
    workflow_version = peewee.IntegerField(default=1, verbose_name=_l("Workflow version"))
    current_step = peewee.CharField(max_length=64, null=True, index=True, verbose_name=_l("Current step"))
    status = peewee.CharField(
        max_length=16, choices=REQUEST_STATUSES, default="open", index=True, verbose_name=_l("Status")
    )
    assignee = peewee.ForeignKeyField(
        User, null=True, backref="assigned_requests", on_delete="SET NULL", verbose_name=_l("Assignee")
    )
    department = peewee.ForeignKeyField(
        Department, null=True, backref="requests", on_delete="SET NULL", verbose_name=_l("Department")
    )
    created_by = peewee.ForeignKeyField(
        User, null=True, backref="filed_requests", on_delete="SET NULL", verbose_name=_l("Filed by")
    )
    title = peewee.CharField(max_length=200, verbose_name=_l("Title"))
    description = peewee.TextField(default="", verbose_name=_l("Description"))
    data = JSONField(default=dict, verbose_name=_l("Data"))
    opened_at = peewee.DateTimeField(default=utcnow, index=True, verbose_name=_l("Opened at"))
    closed_at = peewee.DateTimeField(null=True, verbose_name=_l("Closed at"))
    step_started_at = peewee.DateTimeField(null=True, verbose_name=_l("Step started at"))
    due_at = peewee.DateTimeField(null=True, index=True, verbose_name=_l("Due"))
    step_due_at = peewee.DateTimeField(null=True, index=True, verbose_name=_l("Step due"))
    paused_at = peewee.DateTimeField(null=True, verbose_name=_l("Paused at"))
    version = peewee.IntegerField(default=1, verbose_name=_l("Version"))

    class Meta:
        table_name = "core_servicerequest"
        indexes = (
            (("status", "step_due_at"), False),
            (("enterprise", "status"), False),
        )

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


# The staff inbox's queues (DB1302 5.1.2, core.routing.queue_terms), each read in step-deadline
# order with a LIMIT: mine, my department's, my department's unassigned (migrations/0004_routing.py;
# named, as the generated name of the last one is longer than PostgreSQL's 63 characters).
QUEUE_INDEXES = {
    "core_servicerequest_queue_mine": ("assignee", "status", "step_due_at"),
    "core_servicerequest_queue_department": ("department", "status", "step_due_at"),
    "core_servicerequest_queue_unassigned": ("department", "assignee", "status", "step_due_at"),
}
for _name, _columns in QUEUE_INDEXES.items():
    ServiceRequest.add_index(*(getattr(ServiceRequest, c) for c in _columns), name=_name)


class Transition(BaseModel):
    """One move of a request through its workflow: who, when, from, to, outcome, reason, step data."""

    verbose_name = _l("Transition")

    request = peewee.ForeignKeyField(
        ServiceRequest, backref="transitions", on_delete="RESTRICT", verbose_name=_l("Request")
    )
    from_step = peewee.CharField(max_length=64, null=True, verbose_name=_l("From step"))
    to_step = peewee.CharField(max_length=64, null=True, verbose_name=_l("To step"))
    outcome = peewee.CharField(max_length=16, choices=OUTCOMES, verbose_name=_l("Outcome"))
    actor = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Actor"))
    reason = peewee.TextField(default="", verbose_name=_l("Reason"))
    data = JSONField(default=dict, verbose_name=_l("Step data"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Time"))
    # The date the entered step's clock runs from (DB1302 5.4.1): set by the engine on an advance
    # into a step with ``schedule_from`` whose data holds that date (core.workflow.compute_clock).
    scheduled_for = peewee.DateField(null=True, verbose_name=_l("Scheduled for"))

    class Meta:
        table_name = "core_transition"
        indexes = ((("request", "created_at"), False),)


class AuditEvent(BaseModel):
    """Append-only, hash-chained audit trail (see core.audit). No foreign keys: no cascade can ever
    delete an audit row, and a database trigger refuses UPDATE and DELETE."""

    verbose_name = _l("Audit event")

    id = peewee.BigIntegerField(primary_key=True)
    created_at = peewee.DateTimeField(verbose_name=_l("Time"))
    actor_id = peewee.IntegerField(null=True, index=True, verbose_name=_l("Actor id"))
    actor_name = peewee.CharField(max_length=100, default="", verbose_name=_l("Actor"))
    action = peewee.CharField(max_length=32, verbose_name=_l("Action"))
    object_type = peewee.CharField(max_length=64, default="", verbose_name=_l("Object type"))
    object_id = peewee.CharField(max_length=64, default="", verbose_name=_l("Object id"))
    data = peewee.TextField(default="{}", verbose_name=_l("Data"))
    ip = peewee.CharField(max_length=64, default="", verbose_name=_l("IP address"))
    prev_hash = peewee.CharField(max_length=64, verbose_name=_l("Previous hash"))
    hash = peewee.CharField(max_length=64, verbose_name=_l("Hash"))

    class Meta:
        table_name = "core_auditevent"
        indexes = (
            (("object_type", "object_id"), False),
            (("action", "created_at"), False),
        )


class Attachment(BaseModel):
    """A file linked to any record (business plan, report, deliverable, evidence of a step).
    Stored under the configured directory by SHA-256; scoped like the record it belongs to."""

    verbose_name = _l("Attachment")

    owner_type = peewee.CharField(max_length=64, verbose_name=_l("Record type"))
    owner_id = peewee.CharField(max_length=64, verbose_name=_l("Record id"))
    filename = peewee.CharField(max_length=255, verbose_name=_l("File name"))
    content_hash = peewee.CharField(max_length=64, verbose_name=_l("SHA-256"))
    size = peewee.IntegerField(verbose_name=_l("Size (bytes)"))
    mime_type = peewee.CharField(max_length=100, default="application/octet-stream", verbose_name=_l("Type"))
    description = peewee.CharField(max_length=300, default="", verbose_name=_l("Description"))
    uploaded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Uploaded by"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Uploaded at"))
    # The case file (DB1302 6.4.1.2 c): a file sent with a message, and whether only staff see it.
    message_id = peewee.IntegerField(null=True, index=True, verbose_name=_l("Message"))
    internal = peewee.BooleanField(default=False, verbose_name=_l("Internal (staff only)"))

    class Meta:
        table_name = "core_attachment"
        indexes = ((("owner_type", "owner_id"), False),)


#: What a notification is about (``kind``; the keys :func:`core.notify.notify` takes): the inbox
#: and the notifications screen show the labels.
NOTIFICATION_KINDS = (
    ("info", _l("Information")),
    ("warning", _l("Deadline warning")),
    ("breach", _l("Deadline missed")),
    ("escalation", _l("Escalated to the board")),
    ("survey", _l("Needs survey")),
    ("complaint", _l("Complaint")),
    ("task", _l("Task")),
)


class Notification(BaseModel):
    """An in-app message to one user (always), optionally also e-mailed. ``dedupe_key`` makes
    senders idempotent: the same key is never delivered twice."""

    verbose_name = _l("Notification")

    user = peewee.ForeignKeyField(User, backref="notifications", on_delete="CASCADE", verbose_name=_l("User"))
    kind = peewee.CharField(max_length=32, choices=NOTIFICATION_KINDS, default="info", verbose_name=_l("Kind"))
    subject = peewee.CharField(max_length=200, verbose_name=_l("Subject"))
    body = peewee.TextField(default="", verbose_name=_l("Message"))
    link = peewee.CharField(max_length=300, default="", verbose_name=_l("Link"))
    dedupe_key = peewee.CharField(max_length=200, null=True, unique=True)
    created_at = peewee.DateTimeField(default=utcnow, index=True, verbose_name=_l("Created at"))
    read_at = peewee.DateTimeField(null=True, verbose_name=_l("Read at"))
    emailed_at = peewee.DateTimeField(null=True, verbose_name=_l("E-mailed at"))
    event = peewee.CharField(max_length=64, default="", verbose_name=_l("Event"))
    request_id = peewee.IntegerField(null=True, verbose_name=_l("Request"))

    class Meta:
        table_name = "core_notification"
        indexes = ((("user", "read_at"), False),)


MESSAGE_KINDS = (
    ("message", _l("Message")),        # enterprise <-> staff, both sides read it
    ("note", _l("Internal note")),     # staff only
    ("materials", _l("Materials supplied")),  # the enterprise's answer to a pause (补正)
)


class RequestMessage(BaseModel):
    """One entry of a request's thread (the case file): a message between the enterprise and the
    platform, or an internal note only staff read. Files sent with it are attachments of the
    request carrying ``message_id`` (DB1302 6.4.1.2 c records of every service)."""

    verbose_name = _l("Message")

    request = peewee.ForeignKeyField(ServiceRequest, backref="messages", on_delete="RESTRICT",
                                     verbose_name=_l("Request"))
    author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", verbose_name=_l("Author"))
    kind = peewee.CharField(max_length=16, choices=MESSAGE_KINDS, default="message", verbose_name=_l("Kind"))
    body = peewee.TextField(default="", verbose_name=_l("Message"))
    internal = peewee.BooleanField(default=False, verbose_name=_l("Internal (staff only)"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Time"))

    class Meta:
        table_name = "core_message"
        indexes = ((("request", "created_at"), False),)


OUTBOX_STATUSES = (
    ("pending", _l("Waiting to be sent")),  # not "Pending": plugins translate that word otherwise
    ("sending", _l("Sending")),
    ("sent", _l("Sent")),
    ("failed", _l("Failed")),
)


class OutboxMessage(BaseModel):
    """An e-mail to deliver, written in the same transaction as the event that caused it (the
    transactional outbox). A worker claims a row with a lease, sends it, and marks it sent; a
    killed worker's lease runs out and the row is tried again, with the same Message-ID."""

    verbose_name = _l("Outgoing e-mail")

    notification = peewee.ForeignKeyField(Notification, backref="outbox", on_delete="CASCADE",
                                          verbose_name=_l("Notification"))
    recipient = peewee.CharField(max_length=200, verbose_name=_l("Recipient"))
    status = peewee.CharField(max_length=16, choices=OUTBOX_STATUSES, default="pending", verbose_name=_l("Status"))
    attempts = peewee.IntegerField(default=0, verbose_name=_l("Attempts"))
    next_attempt_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Next attempt"))
    lease_until = peewee.DateTimeField(null=True, verbose_name=_l("Claimed until"))
    last_error = peewee.CharField(max_length=300, default="", verbose_name=_l("Last error"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    sent_at = peewee.DateTimeField(null=True, verbose_name=_l("Sent at"))

    class Meta:
        table_name = "core_outbox"
        indexes = ((("status", "next_attempt_at"), False),)


class ServiceRoute(BaseModel):
    """Which department serves a service (DB1302 5.1.2): a filed request lands in its queue. Set
    in the admin; ``[routing.services]`` in config gives the defaults."""

    verbose_name = _l("Service routing")

    service_key = peewee.CharField(max_length=64, unique=True, verbose_name=_l("Service"))
    department = peewee.ForeignKeyField(Department, backref="routes", on_delete="CASCADE",
                                        verbose_name=_l("Department"))

    class Meta:
        table_name = "core_serviceroute"


class WorkflowVersion(BaseModel):
    """A declared service's workflow as it was when a version was made (issue 11 §4): a changed
    file makes a new version, and requests keep running on the version they started under, read
    back from here after the file changed (``definition`` is the checked declaration)."""

    verbose_name = _l("Workflow version")

    workflow_key = peewee.CharField(max_length=64, verbose_name=_l("Workflow"))
    version = peewee.IntegerField(verbose_name=_l("Version"))
    checksum = peewee.CharField(max_length=64, verbose_name=_l("Checksum"))
    definition = JSONField(verbose_name=_l("Definition"))
    source = peewee.CharField(max_length=500, default="", verbose_name=_l("Source file"))
    created_at = peewee.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "core_workflowversion"
        indexes = ((("workflow_key", "version"), True),)


CORE_MODELS = [
    Enterprise,
    Department,
    User,
    UserSession,
    ApiToken,
    ServiceRequest,
    Transition,
    AuditEvent,
    Attachment,
    Notification,
    RequestMessage,
    OutboxMessage,
    ServiceRoute,
    WorkflowVersion,
]
