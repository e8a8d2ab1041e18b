"""marshmallow schemas for every API input and output (issue 3 §3). The OpenAPI document is
generated from these same classes (:mod:`core.web.api.openapi`).

Inputs refuse unknown fields (``RAISE``); fields the server owns — ids, status, enterprise,
workflow, created_by, version, timestamps — are ``dump_only``, so sending them is refused as an
unknown field (mass assignment is impossible).
"""
from __future__ import annotations

import base64
import binascii

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from rongtong.core.creditcode import credit_code_problem
from rongtong.core.fields import UtcDateTime  # noqa: F401  (the API's date-time field; plugins use it too)
from rongtong.core.i18n import gettext as _
from rongtong.core.models import ENTERPRISE_KINDS, ENTERPRISE_SCALES, ENTERPRISE_STATUSES, REQUEST_STATUSES, utcnow

MAX_ID = 2**31 - 1  # PostgreSQL integer columns; also keeps SQLite from overflowing
MAX_PAGE = 100


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class Id(fields.Integer):
    """A row id: a JSON integer (not a string, not a boolean) between 1 and 2^31-1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class QueryId(fields.Integer):
    """A row id in a query string (text that must be a number in range)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
        super().__init__(**kwargs)


class Cursor(fields.String):
    """An opaque pagination cursor (the last id seen, keyset pagination on id)."""

    @staticmethod
    def encode(last_id: int) -> str:
        return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            if len(text) > 40:
                raise ValueError
            decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
            kind, _sep, number = decoded.partition(":")
            last_id = int(number)
            if kind != "id" or not 0 < last_id <= MAX_ID:
                raise ValueError
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise ValidationError(_("Invalid cursor: pass back the next_cursor of the previous page."))
        return last_id


def _choices(pairs):
    """One of the keys of ``(key, label)`` pairs; the labels go to the field vocabulary (OpenAPI
    ``x-enum-labels``)."""
    return validate.OneOf([key for key, _label in pairs], labels=[label for _key, label in pairs])


def _text(max_length, required=False, **kwargs):
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=max_length), **kwargs)
    return fields.String(load_default="", validate=validate.Length(max=max_length), **kwargs)


def _email_or_empty(value):
    if value:
        validate.Email()(value)


# --- Errors ---------------------------------------------------------------------------------------

class ErrorBodySchema(Schema):
    code = fields.String(metadata={"description": "machine-readable code, e.g. invalid, not_found"})
    message = fields.String(metadata={"description": "a message for people, in the caller's language"})
    fields_ = fields.Dict(data_key="fields", attribute="fields",
                          metadata={"description": "field name -> list of messages (nested for nested data)"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema)


# --- Me ---------------------------------------------------------------------------------------------

class EnterpriseBriefSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class MeSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    email = fields.String(dump_only=True)
    roles = fields.List(fields.String(), dump_only=True)
    enterprise_id = fields.Integer(dump_only=True, allow_none=True)
    department_id = fields.Integer(dump_only=True, allow_none=True)
    language = fields.String(dump_only=True)
    permissions = fields.List(fields.String(), dump_only=True)


# --- Catalog ----------------------------------------------------------------------------------------

class ServiceSchema(Schema):
    """A service catalog entry (DB1302 4.1.4 fee type and standard; 5.4.1 published time limit)."""

    key = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    title_en = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    description_en = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    fee_type = fields.String(dump_only=True, metadata={"enum": ["free", "paid"]})
    fee_standard = fields.String(dump_only=True)
    time_limit_days = fields.Integer(dump_only=True, metadata={"description": "published time limit in working days"})
    workflow = fields.String(dump_only=True)


class StepSchema(Schema):
    key = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    title_en = fields.String(dump_only=True)
    roles = fields.List(fields.String(), dump_only=True)
    time_limit_days = fields.Integer(dump_only=True)
    outcomes = fields.List(fields.String(), dump_only=True)
    next_steps = fields.List(fields.String(), dump_only=True)
    returns_to = fields.List(fields.String(), dump_only=True)
    fields_ = fields.List(fields.String(), dump_only=True, data_key="fields", attribute="fields",
                          metadata={"description": "the step data fields required to advance"})


class WorkflowSchema(Schema):
    key = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    title_en = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    total_days = fields.Integer(dump_only=True)
    steps = fields.List(fields.Nested(StepSchema), dump_only=True)


class WorkflowQuerySchema(StrictSchema):
    version = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))


# --- Enterprises ------------------------------------------------------------------------------------

class EnterpriseSchema(StrictSchema):
    """An enterprise (DB1302 6.1); POST applies for onboarding (DB1302 4.4.4)."""

    id = fields.Integer(dump_only=True)
    name = _text(200, required=True)
    credit_code = fields.String(required=True, validate=validate.Length(min=1, max=18),
                                metadata={"description": "unified social credit code (GB 32100-2015)"})
    scale = fields.String(required=True, validate=_choices(ENTERPRISE_SCALES))
    kind = fields.String(required=True, validate=_choices(ENTERPRISE_KINDS))
    industry = _text(100)
    region = _text(100)
    contact_name = _text(100)
    contact_phone = _text(50)
    contact_email = fields.String(load_default="", validate=[validate.Length(max=200), _email_or_empty],
                                  metadata={"description": "an e-mail address, or empty"})
    address = _text(300)
    description = _text(20000)
    status = fields.String(dump_only=True, metadata={"enum": [k for k, _label in ENTERPRISE_STATUSES],
                                                     "choices": ENTERPRISE_STATUSES})
    status_reason = fields.String(dump_only=True)
    reviewed_at = UtcDateTime(dump_only=True, allow_none=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)

    @validates("credit_code")
    def _credit_code(self, value, **kwargs):
        problem = credit_code_problem(value.strip().upper())
        if problem:
            raise ValidationError(_("Not a valid unified social credit code: %(problem)s.", problem=problem))


class EnterpriseQuerySchema(StrictSchema):
    status = fields.String(validate=_choices(ENTERPRISE_STATUSES))
    scale = fields.String(validate=_choices(ENTERPRISE_SCALES))
    kind = fields.String(validate=_choices(ENTERPRISE_KINDS))
    region = fields.String(validate=validate.Length(max=100))
    industry = fields.String(validate=validate.Length(max=100))
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "part of the name"})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE))
    cursor = Cursor()


class EnterprisePageSchema(Schema):
    items = fields.List(fields.Nested(EnterpriseSchema), dump_only=True)
    next_cursor = fields.String(dump_only=True, allow_none=True)


# --- Requests ---------------------------------------------------------------------------------------

def _is_overdue(req) -> bool:
    """Open (not paused) and past its step or request due date (DB1302 5.4.1)."""
    if req.status != "open":
        return False
    now = utcnow()
    return bool((req.step_due_at and req.step_due_at < now) or (req.due_at and req.due_at < now))


class ServiceRequestSchema(StrictSchema):
    """A service request. POST files one (DB1302 4.4.4, 6.3): an enterprise user files for its
    own enterprise; staff give ``enterprise_id``."""

    id = fields.Integer(dump_only=True)
    enterprise = fields.Nested(EnterpriseBriefSchema, dump_only=True)
    enterprise_id = Id(load_default=None, allow_none=True,
                       metadata={"description": "staff only; enterprise users file for their own enterprise"})
    service_key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    workflow_key = fields.String(dump_only=True)
    workflow_version = fields.Integer(dump_only=True)
    current_step = fields.String(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={"enum": [k for k, _label in REQUEST_STATUSES],
                                                     "choices": REQUEST_STATUSES})
    assignee_id = Id(load_default=None, allow_none=True, metadata={"description": "staff only"})
    department_id = Id(load_default=None, allow_none=True, metadata={"description": "staff only"})
    created_by_id = fields.Integer(dump_only=True, allow_none=True)
    title = _text(200, required=True)
    description = _text(20000)
    data = fields.Dict(keys=fields.String(), load_default=dict)
    opened_at = UtcDateTime(dump_only=True)
    closed_at = UtcDateTime(dump_only=True, allow_none=True)
    step_started_at = UtcDateTime(dump_only=True, allow_none=True)
    due_at = UtcDateTime(dump_only=True, allow_none=True)
    step_due_at = UtcDateTime(dump_only=True, allow_none=True)
    paused_at = UtcDateTime(dump_only=True, allow_none=True)
    version = fields.Integer(dump_only=True, metadata={"description": "send it back with a transition"})
    overdue = fields.Function(_is_overdue, dump_only=True)


class ClockSchema(Schema):
    """Deadlines derived from the transition log (DB1302 5.4.1: paused time does not count)."""

    due_at = UtcDateTime(dump_only=True, allow_none=True)
    step_due_at = UtcDateTime(dump_only=True, allow_none=True)
    step_started_at = UtcDateTime(dump_only=True, allow_none=True)
    working_days_left = fields.Integer(dump_only=True, allow_none=True)
    step_working_days_left = fields.Integer(dump_only=True, allow_none=True)
    paused_since = UtcDateTime(dump_only=True, allow_none=True)
    paused_working_days = fields.Integer(dump_only=True)
    step_paused_working_days = fields.Integer(dump_only=True)
    overdue = fields.Boolean(dump_only=True)


class ActionSchema(Schema):
    outcome = fields.String(dump_only=True)
    targets = fields.List(fields.String(), dump_only=True)
    reason_required = fields.Boolean(dump_only=True)
    fields_ = fields.List(fields.String(), dump_only=True, data_key="fields", attribute="fields")


class ServiceRequestDetailSchema(ServiceRequestSchema):
    clock = fields.Nested(ClockSchema, dump_only=True, allow_none=True)
    actions = fields.List(fields.Nested(ActionSchema), dump_only=True)


class ServiceRequestQuerySchema(StrictSchema):
    service = fields.String(validate=validate.Length(min=1, max=64))
    status = fields.String(validate=_choices(REQUEST_STATUSES))
    step = fields.String(validate=validate.Length(min=1, max=64))
    overdue = fields.Boolean()
    enterprise_id = QueryId()
    queue = fields.String(validate=validate.OneOf(("mine", "department", "unassigned")), metadata={
        "description": "the staff inbox's queues (DB1302 5.1.2): mine = assigned to me; department = my "
                       "department's; unassigned = nobody assigned, in my department or unrouted (an "
                       "administrator's or staff's in no department: everywhere). Open requests only unless "
                       "status is given. Staff only; experts and evaluators may ask for mine."})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE))
    cursor = Cursor()


class ServiceRequestPageSchema(Schema):
    items = fields.List(fields.Nested(ServiceRequestSchema), dump_only=True)
    next_cursor = fields.String(dump_only=True, allow_none=True)


class ActorSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class TransitionSchema(Schema):
    id = fields.Integer(dump_only=True)
    from_step = fields.String(dump_only=True, allow_none=True)
    to_step = fields.String(dump_only=True, allow_none=True)
    outcome = fields.String(dump_only=True)
    actor = fields.Nested(ActorSchema, dump_only=True, allow_none=True)
    reason = fields.String(dump_only=True)
    data = fields.Dict(dump_only=True)
    created_at = UtcDateTime(dump_only=True)


class TransitionHistorySchema(Schema):
    request_id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True)
    current_step = fields.String(dump_only=True, allow_none=True)
    transitions = fields.List(fields.Nested(TransitionSchema), dump_only=True)
    actions = fields.List(fields.Nested(ActionSchema), dump_only=True,
                          metadata={"description": "the outcomes the caller may take now"})


class TransitionInputSchema(StrictSchema):
    """One move of a request: an outcome, its step data, a reason (required to return, reject,
    pause or withdraw), the target step when there is a choice, and the request version the caller
    saw (a stale version is a 409)."""

    outcome = fields.String(required=True, validate=validate.Length(min=1, max=16))
    data = fields.Dict(keys=fields.String(), load_default=dict)
    reason = fields.String(load_default="", validate=validate.Length(max=5000))
    target = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    version = Id(required=True)
    assignee_id = Id(load_default=None, allow_none=True, metadata={"description": "staff only: assign the request"})


class TransitionResultSchema(Schema):
    transition = fields.Nested(TransitionSchema, dump_only=True)
    request = fields.Nested(ServiceRequestDetailSchema, dump_only=True)



# --- Attachments ------------------------------------------------------------------------------------

class FileField(fields.Field):
    """An uploaded file (werkzeug ``FileStorage``) in a multipart body."""

    default_error_messages = {"invalid": "Not a valid file."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not hasattr(value, "stream") or not getattr(value, "filename", None):
            raise self.make_error("invalid")
        return value


class AttachmentSchema(StrictSchema):
    """A file attached to a record (business plan, report, deliverable, evidence of a step;
    DB1302 6.4.1.2 c). POST it as multipart/form-data; it is scoped like its record."""

    id = fields.Integer(dump_only=True)
    owner_type = fields.String(required=True, validate=validate.Length(min=1, max=64),
                               metadata={"description": "the record's table, e.g. core_servicerequest"})
    owner_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    file = FileField(required=True, load_only=True, metadata={"type": "string", "format": "binary"})
    description = _text(300)
    filename = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    mime_type = fields.String(dump_only=True)
    content_hash = fields.String(dump_only=True, metadata={"description": "SHA-256 of the content"})
    uploaded_by_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = UtcDateTime(dump_only=True)


class AttachmentQuerySchema(StrictSchema):
    owner_type = fields.String(required=True, validate=validate.Length(min=1, max=64))
    owner_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


# --- The case file (issue 9 §2; DB1302 6.4.1.2 c records of every service) -------------------------

class EvidenceSchema(Schema):
    """One field of step data or of the intake, as a person reads it (the field vocabulary)."""

    name = fields.String(dump_only=True)
    label = fields.String(dump_only=True, metadata={"description": "the field's label in the caller's language"})
    value = fields.Raw(dump_only=True, metadata={"description": "the stored value (choice key, number, text ...)"})
    text = fields.String(dump_only=True, metadata={"description": "the value as displayed: choice labels, units"})


class CaseAttachmentSchema(Schema):
    """A file sent with a message (download: /api/v1/attachments/{id}/download)."""

    id = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    mime_type = fields.String(dump_only=True)
    internal = fields.Boolean(dump_only=True, metadata={"description": "staff only"})
    created_at = UtcDateTime(dump_only=True)


class RequestMessageSchema(Schema):
    """One entry of a request's thread: a message between the enterprise and the platform, an
    internal note (staff only) or the materials answering a pause."""

    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"enum": ["message", "note", "materials"]})
    body = fields.String(dump_only=True)
    internal = fields.Boolean(dump_only=True)
    side = fields.String(dump_only=True, metadata={"enum": ["enterprise", "platform"]})
    author = fields.Nested(ActorSchema, dump_only=True, allow_none=True)
    created_at = UtcDateTime(dump_only=True)
    attachments = fields.List(fields.Nested(CaseAttachmentSchema), dump_only=True)


class TimelineEntrySchema(Schema):
    """A transition with its evidence (step data labelled; for an enterprise only what it may
    read) and reason, or a message of the thread (``kind``)."""

    kind = fields.String(dump_only=True, metadata={"enum": ["transition", "message"]})
    id = fields.Integer(dump_only=True)
    at = UtcDateTime(dump_only=True)
    outcome = fields.String(dump_only=True)
    outcome_label = fields.String(dump_only=True)
    from_step = fields.String(dump_only=True, allow_none=True)
    to_step = fields.String(dump_only=True, allow_none=True)
    from_label = fields.String(dump_only=True)
    to_label = fields.String(dump_only=True)
    actor = fields.Nested(ActorSchema, dump_only=True, allow_none=True)
    reason = fields.String(dump_only=True, metadata={"description": "why it was returned, paused, rejected or withdrawn"})
    materials_required = fields.Boolean(dump_only=True, metadata={"description": "a pause that asks for files"})
    evidence = fields.List(fields.Nested(EvidenceSchema), dump_only=True)
    message = fields.Nested(RequestMessageSchema, dump_only=True, allow_none=True)


class RequestCaseSchema(ServiceRequestDetailSchema):
    """One request as its case file: the detail, what was filed (labelled), the timeline with the
    evidence of every step interleaved with the thread, and whether resuming needs materials."""

    intake = fields.List(fields.Nested(EvidenceSchema), dump_only=True)
    timeline = fields.List(fields.Nested(TimelineEntrySchema), dump_only=True)
    materials_required = fields.Boolean(dump_only=True, metadata={
        "description": "paused, and the pause asks for files: POST .../reply with at least one file"})


class MessageInputSchema(StrictSchema):
    """A message (JSON, or multipart/form-data with one or more ``file`` parts). ``internal``: an
    internal note only staff read (staff only)."""

    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    internal = fields.Boolean(load_default=False)
    file = fields.List(FileField(), load_default=list, load_only=True,
                       metadata={"description": "multipart only: the files (repeat the part for several)"})


class ReplyInputSchema(StrictSchema):
    """The answer to a pause (补正): a message and materials; the request resumes."""

    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    file = fields.List(FileField(), load_default=list, load_only=True,
                       metadata={"description": "multipart only: the materials (required when the pause asks for them)"})
    version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID),
                             metadata={"description": "the request version the caller saw (409 when stale)"})


class ResubmitInputSchema(StrictSchema):
    """What the enterprise filed, corrected after the request was returned to its first step."""

    data = fields.Dict(keys=fields.String(), required=True, metadata={"description": "the intake, validated again"})
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000),
                         metadata={"description": "what was corrected (a message in the thread)"})
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=20_000))
    version = Id(load_default=None, allow_none=True)


class CaseResultSchema(Schema):
    message = fields.Nested(RequestMessageSchema, dump_only=True)
    request = fields.Nested(RequestCaseSchema, dump_only=True)
# --- Notifications (issue 9 §3) -----------------------------------------------------------------------

class NotificationSchema(Schema):
    """One of the caller's notifications (in-app; the same text went out by e-mail when SMTP is
    configured). ``event`` names what happened (``request.paused``, ``enterprise.admitted`` ...)."""

    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"description": "info, warning, task, survey, complaint, ..."})
    event = fields.String(dump_only=True, metadata={"description": "what happened, e.g. request.paused"})
    subject = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    link = fields.String(dump_only=True, metadata={"description": "where to read more: a path on this site or a URL"})
    request_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = UtcDateTime(dump_only=True)
    read_at = UtcDateTime(dump_only=True, allow_none=True)


class NotificationQuerySchema(StrictSchema):
    unread = fields.Boolean(metadata={"description": "true: only the unread ones"})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE))
    cursor = Cursor()


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema), dump_only=True)
    next_cursor = fields.String(dump_only=True, allow_none=True)
    unread = fields.Integer(dump_only=True, metadata={"description": "how many of the caller's are unread"})


class MarkedReadSchema(Schema):
    marked = fields.Integer(dump_only=True, metadata={"description": "how many became read"})
    unread = fields.Integer(dump_only=True, metadata={"description": "how many are still unread"})
