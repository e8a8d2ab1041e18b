"""Enterprise self-registration (入驻申请) and the onboarding review (DB1302 4.4.4, 6.3).

One implementation for every surface (the portal page, the API, the admin screen):

    submit_application(form, documents, config, ip)  -> Application (the enterprise and its user)
    apply_again(enterprise, user, form, documents, config, ip) -> Enterprise (after a refusal)
    review(enterprise_id, decision, reason, actor)    -> Enterprise

**Applying.** Anyone may apply: the enterprise (name, unified social credit code checked in full by
:mod:`core.creditcode`, scale, kind, industry, region, contact person, phone and e-mail), the
username and password of its first user, and at least one document (the business licence...),
each checked against the ``[attachments]`` limits before anything is written. Every field that is
wrong is named at once, in the caller's language (:class:`ValidationFailed`, HTTP 422). A credit
code already registered is refused without saying by whom or in which status. The enterprise is
created ``applied``; its user is active with the enterprise role and the contact e-mail, so it can
log in, follow the application and receive the decision (in-app and, with mail on, by e-mail to
the contact address), but it cannot file a request until the enterprise is admitted
(:meth:`core.workflow.WorkflowEngine.open_request` refuses every enterprise that is not).
The enterprise, the user, the files and the audit event ``apply`` (with the caller's address) are
one transaction; a file stored for a transaction that rolled back is removed.

**Throttling.** At most :data:`MAX_PER_ADDRESS` applications from one address within
:data:`WINDOW`, counted from the audit trail's ``apply`` events as the login throttle counts
``login_failed`` (:mod:`core.web.auth`): shared by every worker, surviving restarts. Beyond that
:class:`TooManyApplications` (HTTP 429).

**Review.** Staff holding ``core.enterprise.review`` move an application to under review, admit or
reject it (a reason is required to reject), following :data:`core.models.ENTERPRISE_STATUS_MOVES`;
the change, its audit event ``review`` and the notices to the enterprise's users
(:func:`core.notices.enterprise_decided`) are one transaction.
"""
from __future__ import annotations

import dataclasses
import datetime
import re

import peewee
from marshmallow import validate

from rongtong.core import audit, notices
from rongtong.core.attachments import AttachmentRefused, save_upload
from rongtong.core.casefile import _StoredFiles as StoredFiles, check_files
from rongtong.core.creditcode import credit_code_problem
from rongtong.core.db import database
from rongtong.core.errors import Conflict, NotFound, RongtongError, ValidationFailed
from rongtong.core.i18n import gettext as _
from rongtong.core.models import (ENTERPRISE_KINDS, ENTERPRISE_SCALES, ENTERPRISE_STATUS_MOVES, ENTERPRISE_STATUSES,
                                  AuditEvent, Enterprise, User, utcnow)
from rongtong.core.vocabulary import describe_model

MAX_PER_ADDRESS = 5
WINDOW = datetime.timedelta(hours=1)
MIN_PASSWORD_LENGTH = 8  # the same rule as a password change (core.web.auth)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,80}$")
DECISIONS = ("under_review", "admitted", "rejected")
PENDING = ("applied", "under_review")


class TooManyApplications(RongtongError):
    """Too many applications from one address within the window (HTTP 429)."""

    http_status = 429
    code = "too_many_requests"


@dataclasses.dataclass(frozen=True)
class Field:
    """One input of the application: ``kind`` is text, email, choice, credit_code, username or
    password; ``choices`` the (key, label) pairs of a choice."""

    name: str
    max_length: int
    required: bool = True
    kind: str = "text"
    choices: tuple = ()

    def label(self, lang: str) -> str:
        """The field's label: the Enterprise column's from the field vocabulary, else the user's."""
        spec = describe_model(Enterprise).get(self.name)
        if spec is not None:
            return spec.title(lang)
        return _("Username") if self.name == "username" else _("Password")


ENTERPRISE_FIELDS = (
    Field("name", 200),
    Field("credit_code", 18, kind="credit_code"),
    Field("scale", 16, kind="choice", choices=ENTERPRISE_SCALES),
    Field("kind", 16, kind="choice", choices=ENTERPRISE_KINDS),
    Field("industry", 100),
    Field("region", 100),
    Field("contact_name", 100),
    Field("contact_phone", 50),
    Field("contact_email", 200, kind="email"),
    Field("address", 300, required=False),
    Field("description", 2000, required=False),
)
USER_FIELDS = (Field("username", 80, kind="username"), Field("password", 200, kind="password"))
FIELDS = ENTERPRISE_FIELDS + USER_FIELDS
DOCUMENTS = "documents"  # the form / multipart field of the files


@dataclasses.dataclass
class Application:
    enterprise: Enterprise
    user: User
    documents: list


def _field_problem(field: Field, value: str) -> str | None:
    if not value:
        return _("This field is required.") if field.required else None
    if len(value) > field.max_length:
        return _("At most %(n)s characters.", n=field.max_length)
    if field.kind == "choice" and value not in {key for key, _label in field.choices}:
        return _("Choose one of: %(t)s", t=", ".join(str(label) for _key, label in field.choices))
    if field.kind == "credit_code":
        problem = credit_code_problem(value)
        return _("Not a valid unified social credit code: %(problem)s.", problem=problem) if problem else None
    if field.kind == "email":
        try:
            validate.Email()(value)
        except Exception:  # marshmallow's ValidationError: the message is ours
            return _("Not a valid email address.")
    if field.kind == "username" and not USERNAME_RE.match(value):
        return _("3 to 80 letters, digits or . _ @ -")
    if field.kind == "password" and len(value) < MIN_PASSWORD_LENGTH:
        return _("At least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    return None


def clean_application(form, fields=FIELDS) -> tuple[dict, dict]:
    """(clean values, field errors) of an application (``form``: a mapping of strings; ``fields``:
    which of :data:`FIELDS` it holds). Text is stripped (never the password); the credit code is
    upper-cased."""
    clean, errors = {}, {}
    for field in fields:
        raw = form.get(field.name, "")
        if not isinstance(raw, str):
            errors[field.name] = [_("Not a valid string.")]
            continue
        value = raw if field.kind == "password" else raw.strip()
        if field.kind == "credit_code":
            value = value.upper()
        problem = _field_problem(field, value)
        if problem:
            errors[field.name] = [problem]
        clean[field.name] = value
    if "password" in clean and not errors.get("password") and clean["password"].strip().lower() == clean["username"].lower():
        errors["password"] = [_("Choose a password that differs from your username.")]
    return clean, errors


def _duplicates(clean: dict) -> dict:
    """Field errors for a credit code or username already taken (nothing more is revealed)."""
    errors = {}
    if clean.get("credit_code") and Enterprise.select().where(Enterprise.credit_code == clean["credit_code"]).exists():
        errors["credit_code"] = [_("An enterprise with this credit code is already registered. If it is yours, "
                                   "ask the platform's staff.")]
    if clean.get("username") and User.select().where(User.username == clean["username"]).exists():
        errors["username"] = [_("This username is taken; choose another.")]
    return errors


def application_wait(ip: str, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """None if ``ip`` may apply now, else how long until the window frees up (DB1302 5.3.2)."""
    if not ip:
        return None
    now = now or utcnow()
    stamps = [row.created_at for row in
              AuditEvent.select(AuditEvent.created_at)
              .where((AuditEvent.action == "apply") & (AuditEvent.object_type == "core_enterprise")
                     & (AuditEvent.ip == ip) & (AuditEvent.created_at >= now - WINDOW))
              .order_by(AuditEvent.created_at.desc()).limit(MAX_PER_ADDRESS)]
    if len(stamps) < MAX_PER_ADDRESS:
        return None
    return max(stamps[-1] + WINDOW - now, datetime.timedelta(minutes=1))


def _refuse_if_throttled(ip: str) -> None:
    wait = application_wait(ip)
    if wait is not None:
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        raise TooManyApplications(_("Too many applications from your address. Please wait %(minutes)s minutes and "
                                    "try again.", minutes=minutes))


def submit_application(form, documents, config, ip: str = "", language: str = "zh_Hans_CN",
                       extra_errors: dict | None = None) -> Application:
    """Register an enterprise for onboarding review (see the module docstring). ``form``: the
    fields of :data:`FIELDS` as strings; ``documents``: uploads (werkzeug ``FileStorage`` or
    anything with ``filename`` and ``stream``). Raises ValidationFailed / AttachmentRefused (422,
    every wrong field named, with ``extra_errors`` a surface found, e.g. a password typed twice
    differently) or TooManyApplications (429)."""
    _refuse_if_throttled(ip)
    clean, errors = clean_application(form)
    errors.update(extra_errors or {})
    checked = []
    try:
        checked = check_files(documents, config)
    except AttachmentRefused as exc:
        errors[DOCUMENTS] = list(exc.fields.get("file", [exc.message]))
    if not checked and DOCUMENTS not in errors:
        errors[DOCUMENTS] = [_("Attach at least one document, e.g. the business licence.")]
    if not errors:
        errors = _duplicates(clean)
    if errors:
        raise ValidationFailed(_("The application could not be sent: see the marked fields."), errors)
    try:
        with StoredFiles(checked, config), database.atomic():
            return _create(clean, checked, config, ip, language)
    except peewee.IntegrityError:  # someone registered the same code or username meanwhile
        raise ValidationFailed(_("The application could not be sent: see the marked fields."),
                               _duplicates(clean) or {"_": [_("Please try again.")]})


def _create(clean: dict, checked, config, ip: str, language: str) -> Application:
    enterprise = Enterprise.create(status="applied", **{f.name: clean[f.name] for f in ENTERPRISE_FIELDS})
    user = User(username=clean["username"], display_name=clean["contact_name"], email=clean["contact_email"],
                phone=clean["contact_phone"], roles=["enterprise"], enterprise=enterprise, active=True,
                language=language if language in ("zh_Hans_CN", "en") else "zh_Hans_CN")
    user.set_password(clean["password"])
    user.save()
    with audit.acting_as(user, ip):
        files = [save_upload(c, enterprise, user, config) for c in checked]
        audit.record("apply", "core_enterprise", enterprise.id,
                     {"snapshot": enterprise.snapshot(), "user": {"id": user.id, "username": user.username},
                      "documents": [{"id": a.id, "filename": a.filename} for a in files]}, user, ip=ip)
        audit.record_create(user, user)
    return Application(enterprise, user, files)


# --- Applying again after a refusal -------------------------------------------------------------------

AGAIN_FIELDS = tuple(f for f in ENTERPRISE_FIELDS if f.name != "credit_code")  # the code is who it is


def may_apply_again(enterprise) -> bool:
    return "applied" in ENTERPRISE_STATUS_MOVES.get(enterprise.status, set())


def apply_again(enterprise, user, form, documents, config, ip: str = "") -> Enterprise:
    """A refused (or exited) enterprise corrects its application and sends it again: its fields
    but the credit code, more documents if it likes; back to ``applied`` for the review (the
    rejection notice invites this). Only the enterprise's own users; counts against the
    per-address limit like a first application."""
    if user is None or user.enterprise_id != enterprise.id:
        raise NotFound(_("Enterprise not found."))
    if not may_apply_again(enterprise):
        raise Conflict(_("The application is not waiting for corrections."))
    _refuse_if_throttled(ip)
    clean, errors = clean_application(form, AGAIN_FIELDS)
    checked = []
    try:
        checked = check_files(documents, config)
    except AttachmentRefused as exc:
        errors[DOCUMENTS] = list(exc.fields.get("file", [exc.message]))
    if errors:
        raise ValidationFailed(_("The application could not be sent: see the marked fields."), errors)
    with StoredFiles(checked, config), database.atomic():
        before = enterprise.snapshot()
        for name, value in clean.items():
            setattr(enterprise, name, value)
        enterprise.status, enterprise.status_reason, enterprise.reviewed_at = "applied", "", None
        enterprise.save()
        with audit.acting_as(user, ip):
            files = [save_upload(c, enterprise, user, config) for c in checked]
            audit.record("apply", "core_enterprise", enterprise.id,
                         {"again": True, "changes": audit.diff(before, enterprise.snapshot()),
                          "documents": [{"id": a.id, "filename": a.filename} for a in files]}, user, ip=ip)
    return enterprise


# --- Review ------------------------------------------------------------------------------------------

def review(enterprise_id: int, decision: str, reason: str, actor) -> Enterprise:
    """Apply one onboarding decision (DB1302 4.4.4). Raises ValidationFailed with field messages,
    NotFound for an unknown enterprise."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if decision not in DECISIONS:
        raise ValidationFailed(_("Unknown decision."), {"decision": [_("Choose admit, reject or under review.")]})
    if decision == "rejected" and not reason:
        raise ValidationFailed(_("A reason is required to reject an application."),
                               {"reason": [_("A reason is required to reject an application.")]})
    with database.atomic():
        ent = Enterprise.get_or_none(Enterprise.id == enterprise_id)
        if ent is None:
            raise NotFound(_("Enterprise not found."))
        if decision not in ENTERPRISE_STATUS_MOVES.get(ent.status, set()):
            names = dict(ENTERPRISE_STATUSES)
            raise ValidationFailed(_("An enterprise in status %(status)s cannot become %(decision)s.",
                                     status=str(names.get(ent.status, ent.status)),
                                     decision=str(names.get(decision, decision))), {"decision": [_("Not allowed now.")]})
        before = ent.snapshot()
        ent.status = decision
        ent.status_reason = reason
        ent.reviewed_at = utcnow()
        ent.save()
        audit.record("review", "core_enterprise", ent.id,
                     {"from": before["status"], "to": decision, "reason": reason,
                      "changes": audit.diff(before, ent.snapshot())}, actor)
        notices.enterprise_decided(ent, decision, reason, actor)
    return ent
