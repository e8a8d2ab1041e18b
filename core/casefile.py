"""The case file of a service request (issue 9 §2; DB1302 6.4.1.2 c records of every service, 5.4.1
time limits, 6.3 the business process): one record both sides read and answer.

* :func:`post_message` — a message between the enterprise and the platform, or an internal note
  only staff read, with files; the other side is told.
* :func:`answer_pause` — the enterprise answers a pause (补正) with a message and materials and the
  request resumes, in one transaction.
* :func:`resubmit` — after a return to the first step, the enterprise corrects what it filed.
* :func:`thread`, :func:`visible_attachments` — what a viewer may read (internal notes and internal
  files only for staff and the assigned expert or evaluator).
* :func:`case_timeline` / :func:`enterprise_timeline` — every transition with its evidence (the
  step data, labelled by :mod:`core.vocabulary`), the reason of a return, pause or rejection,
  interleaved with the thread.

Every change is one transaction: the message, its attachments, the audit event ``message`` (or the
update of the request) and the notifications are written together, or nothing is — a refused file
or an empty body writes nothing, and a file stored on disk for a transaction that rolled back is
removed again. This module imports no web code; links are paths of the staff page and the portal.
"""
from __future__ import annotations

import hashlib
import json
import tempfile

from marshmallow import ValidationError

from rongtong.core import audit
from rongtong.core.attachments import (CHUNK, AttachmentRefused, check_filename, clean_filename, max_bytes, path_of,
                              save_upload, sees_internal)
from rongtong.core.db import database
from rongtong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, WorkflowError
from rongtong.core.fields import dumps
from rongtong.core.i18n import gettext as _
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import OUTCOMES, Attachment, RequestMessage, ServiceRequest, Transition, User, Enterprise
from rongtong.core.notify import notify_many
from rongtong.core.routing import handlers_of
from rongtong.core.vocabulary import labelled
from rongtong.core.workflow import ADVANCE, COMPLETE, NEEDS_REASON, OPEN, PAUSE, RESUME, RETURN

BODY_MAX = 20_000
FILES_MAX = 10
TITLE_MAX = 200
STAFF_LINK = "/admin/core/request/{id}/"
PORTAL_LINK = "/my/requests/{id}"
NOTIFY_BODY_MAX = 500
REQUEST_TABLE = ServiceRequest._meta.table_name


# --- Who is who ------------------------------------------------------------------------------------

def is_requester(user, request) -> bool:
    """A user of the requesting enterprise (not platform staff)."""
    return bool(user is not None and getattr(user, "active", False) and user.has_role("enterprise")
                and not user.has_role("admin", "staff") and user.enterprise_id == request.enterprise_id)


def may_write(user, request) -> bool:
    """The requesting enterprise's users, staff and admins, and the assigned expert or evaluator."""
    return is_requester(user, request) or sees_internal(user, request)


def _writer_or_404(user, request):
    if not may_write(user, request):
        raise NotFound(_("Request not found."))


def _requester_only(user, request, what):
    _writer_or_404(user, request)
    if not is_requester(user, request):
        raise PermissionDenied(what)


# --- Files -----------------------------------------------------------------------------------------

class _Checked:
    """An upload that passed the limits, rewound for :func:`core.attachments.save_upload`."""

    def __init__(self, filename, stream, mimetype, content_hash):
        self.filename, self.stream, self.mimetype, self.content_hash = filename, stream, mimetype, content_hash


def _named(name: str, exc: AttachmentRefused) -> AttachmentRefused:
    return AttachmentRefused(exc.message, {"file": [f"{name}: {m}" for m in exc.fields.get("file", [])]})


def check_files(files, config) -> list[_Checked]:
    """Every upload checked against the size and type limits before anything is written; empty
    file inputs of a form are skipped. Raises :class:`AttachmentRefused` naming ``file`` and the
    file's name."""
    checked = []
    for upload in files or ():
        if upload is None or not (getattr(upload, "filename", "") or "").strip():
            continue
        name = clean_filename(upload.filename)
        try:
            check_filename(name, config)
        except AttachmentRefused as exc:
            raise _named(name, exc)
        source = getattr(upload, "stream", upload)
        spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
        digest, size, limit = hashlib.sha256(), 0, max_bytes(config)
        while True:
            chunk = source.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                spool.close()
                raise AttachmentRefused(_("The file is too large."), {"file": [
                    _("%(name)s is larger than %(limit)s bytes.", name=name, limit=limit)]})
            digest.update(chunk)
            spool.write(chunk)
        if size == 0:
            spool.close()
            raise AttachmentRefused(_("The file is empty."), {"file": [_("%(name)s is empty.", name=name)]})
        spool.seek(0)
        checked.append(_Checked(name, spool, getattr(upload, "mimetype", None), digest.hexdigest()))
    if len(checked) > FILES_MAX:
        raise AttachmentRefused(_("Too many files."), {"file": [_("Send at most %(n)s files at once.", n=FILES_MAX)]})
    return checked


class _StoredFiles:
    """``with _StoredFiles(checked, config):`` around a transaction that stores ``checked``: if the
    transaction fails, the blobs it put on disk (and no committed row refers to) are removed."""

    def __init__(self, checked, config):
        self.new = {c.content_hash: path_of(c.content_hash, config) for c in checked
                    if not path_of(c.content_hash, config).exists()}

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for content_hash, path in self.new.items():
                if path.exists() and not Attachment.select().where(Attachment.content_hash == content_hash).exists():
                    path.unlink()
        return False


def _close(checked):
    for c in checked:
        c.stream.close()


# --- Writing ----------------------------------------------------------------------------------------

def _clean_body(body) -> str:
    return body.strip() if isinstance(body, str) else ""


def _body_errors(text: str) -> dict:
    if not text:
        return {"body": [_("Write a message.")]}
    if len(text) > BODY_MAX:
        return {"body": [_("At most %(n)s characters.", n=BODY_MAX)]}
    return {}


def _checked_input(body, files, config, extra_errors=None):
    """(text, checked files) or one ValidationFailed naming every field that is wrong."""
    text = _clean_body(body)
    errors = dict(_body_errors(text))
    errors.update(extra_errors or {})
    checked = []
    try:
        checked = check_files(files, config)
    except AttachmentRefused as exc:
        if not errors:
            raise
        errors.update(exc.fields)
    if errors:
        _close(checked)
        cls = AttachmentRefused if set(errors) == {"file"} else ValidationFailed
        raise cls(_("The message could not be sent."), errors)
    return text, checked


def _write(request, author, text, checked, config, *, kind, internal) -> RequestMessage:
    """The message, its attachments and the audit event ``message`` (inside the caller's transaction)."""
    msg = RequestMessage.create(request=request.id, author=author.id, kind=kind, body=text, internal=internal)
    msg.attachments = [save_upload(c, request, author, config, message=msg, internal=internal) for c in checked]
    audit.record("message", REQUEST_TABLE, request.id, {
        "message_id": msg.id, "kind": kind, "internal": internal, "body": text,
        "attachments": [{"id": a.id, "filename": a.filename} for a in msg.attachments]}, author)
    return msg


def _excerpt(text: str) -> str:
    return text if len(text) <= NOTIFY_BODY_MAX else text[:NOTIFY_BODY_MAX] + "…"


def _enterprise_users(request) -> list[User]:
    return list(User.select().where((User.enterprise == request.enterprise_id) & (User.active == True)  # noqa: E712
                                    & User.roles.contains("enterprise")).order_by(User.id))


def _enterprise_name(request) -> str:
    enterprise = Enterprise.get_or_none(Enterprise.id == request.enterprise_id)
    return enterprise.name if enterprise is not None else ""


def _tell_handlers(request, author, subject, body, event, key):
    users = [u for u in handlers_of(request) if u.id != author.id]
    return notify_many(users, subject, _excerpt(body), link=STAFF_LINK.format(id=request.id), kind="task",
                       dedupe_prefix=key, event=event, request=request)


def _tell_enterprise(request, author, subject, body, event, key):
    users = [u for u in _enterprise_users(request) if u.id != author.id]
    return notify_many(users, subject, _excerpt(body), link=PORTAL_LINK.format(id=request.id), kind="info",
                       dedupe_prefix=key, event=event, request=request)


def post_message(request, author, body, *, internal: bool = False, files=(), config) -> RequestMessage:
    """Write to the request's thread (DB1302 6.4.1.2 c). The requesting enterprise's users, staff
    and admins, and the assigned expert or evaluator may write; only the platform side writes an
    ``internal`` note. A message from the enterprise is sent to the request's handlers
    (:func:`core.routing.handlers_of`), one from the platform to the enterprise's users; an
    internal note tells nobody. Returns the message with its ``attachments``."""
    _writer_or_404(author, request)
    internal = bool(internal)
    if internal and not sees_internal(author, request):
        raise PermissionDenied(_("Only platform staff write internal notes."),
                               {"internal": [_("Only platform staff write internal notes.")]})
    if request.is_closed and not internal:
        raise WorkflowError(_("This request is closed (%(status)s).", status=request.status))
    text, checked = _checked_input(body, files, config)
    try:
        with _StoredFiles(checked, config), database.atomic():
            kind = "note" if internal else "message"
            msg = _write(request, author, text, checked, config, kind=kind, internal=internal)
            key = f"request.message:{msg.id}"
            if internal:  # a working note: nobody is told
                pass
            elif is_requester(author, request):
                _tell_handlers(request, author, _l("New message from %(enterprise)s on request #%(id)s: %(title)s",
                                                   enterprise=_enterprise_name(request), id=request.id,
                                                   title=request.title), text, "request.message", key)
            else:
                _tell_enterprise(request, author, _l("New message from the platform on your request #%(id)s: %(title)s",
                                                     id=request.id, title=request.title), text, "request.message", key)
    finally:
        _close(checked)
    return msg


def paused_step(request, workflow):
    """The step the request is paused at (None when it is not paused or the step is unknown)."""
    if request.status != "paused":
        return None
    try:
        return workflow.step(request.current_step)
    except KeyError:
        return None


def materials_required(request, workflow) -> bool:
    """True while the request is paused at a step whose pause asks for materials
    (``Step.pause_requires_files``): resuming needs a file."""
    step = paused_step(request, workflow)
    return bool(step is not None and step.pause_requires_files)


def answer_pause(request, user, body, files, platform, *, expected_version: int | None = None) -> RequestMessage:
    """The enterprise answers a pause (补正) with a message and materials, and the request resumes
    (DB1302 5.4.1: the paused time ends; 6.3). One transaction: the message (kind ``materials``),
    its attachments, the engine's ``resume`` transition and the notification to the handlers.
    When the paused step asks for materials, an answer without a file is refused naming ``file``."""
    _requester_only(user, request, _("Only the requesting enterprise answers a pause."))
    if request.status != "paused":
        raise WorkflowError(_("This request is not paused: there is nothing to answer."))
    workflow = platform.engine.workflow_of(request)
    required = materials_required(request, workflow)
    need_file = {"file": [_("Attach the materials asked for.")]} if required and not any(
        (getattr(f, "filename", "") or "").strip() for f in (files or ()) if f is not None) else None
    text, checked = _checked_input(body, files, platform.config, need_file)
    try:
        with _StoredFiles(checked, platform.config), database.atomic():
            msg = _write(request, user, text, checked, platform.config, kind="materials", internal=False)
            platform.engine.transition(request.id, RESUME, user, data={"message_id": msg.id},
                                       expected_version=expected_version)
            _tell_handlers(request, user, _l("%(enterprise)s answered the pause of request #%(id)s and it resumed: %(title)s",
                                             enterprise=_enterprise_name(request), id=request.id, title=request.title),
                           text, "request.materials", f"request.materials:{msg.id}")
    finally:
        _close(checked)
    return msg


def returned_to_intake(request, workflow) -> bool:
    """True when the request is open at its first step because it was returned there (the
    enterprise may then correct what it filed)."""
    if request.status != "open" or request.current_step != workflow.steps[0].key:
        return False
    last_entry = (Transition.select(Transition.outcome)
                  .where((Transition.request == request.id) & (Transition.to_step == request.current_step)
                         & Transition.outcome.in_([OPEN, ADVANCE, RETURN]))
                  .order_by(Transition.created_at.desc(), Transition.id.desc()).first())
    return last_entry is not None and last_entry.outcome == RETURN


def _intake_errors(workflow, data) -> tuple[dict, dict]:
    """(clean data, errors under ``data``) of the intake validated by the workflow's ``intake_schema``."""
    if not isinstance(data, dict):
        return {}, {"data": {"_schema": [_("Invalid input type.")]}}
    if workflow.intake_schema is None:
        return dict(data), {}
    try:
        return workflow.intake_schema().load(data), {}
    except ValidationError as exc:
        return {}, {"data": exc.messages}


def resubmit(request, user, data, body, platform, *, title: str | None = None, description: str | None = None,
             expected_version: int | None = None) -> RequestMessage:
    """After a return to the first step, the enterprise corrects what it filed (DB1302 6.3): the
    intake ``data`` is validated again with the workflow's ``intake_schema`` and saved (the audit
    event ``update`` keeps the old and new values), a message records it and the handlers are told.
    ``title`` / ``description``: corrected too when given. One transaction."""
    _requester_only(user, request, _("Only the requesting enterprise corrects what it filed."))
    workflow = platform.engine.workflow_of(request)
    if not returned_to_intake(request, workflow):
        raise WorkflowError(_("You can correct what you filed only after the request was returned to you."))
    clean, errors = _intake_errors(workflow, data)
    changes = {"data": json.loads(dumps(clean))}
    if title is not None:
        title = title.strip() if isinstance(title, str) else ""
        if not title:
            errors["title"] = [_("A title is required.")]
        elif len(title) > TITLE_MAX:
            errors["title"] = [_("At most %(n)s characters.", n=TITLE_MAX)]
        changes["title"] = title
    if description is not None:
        changes["description"] = description if isinstance(description, str) else ""
    text, checked = _checked_input(body, (), platform.config, errors)
    with database.atomic():
        current = ServiceRequest.get_or_none(ServiceRequest.id == request.id)
        version = request.version if expected_version is None else expected_version
        if current is None or current.version != version:
            raise Conflict(_("This request was changed by someone else. Reload and try again."))
        before = current.snapshot()
        updated = (ServiceRequest.update(version=ServiceRequest.version + 1, **changes)
                   .where((ServiceRequest.id == current.id) & (ServiceRequest.version == version)).execute())
        if updated != 1:
            raise Conflict(_("This request was changed by someone else. Reload and try again."))
        current = ServiceRequest.get_by_id(current.id)
        audit.record_update(current, before, user)
        msg = _write(current, user, text, checked, platform.config, kind="message", internal=False)
        _tell_handlers(current, user, _l("%(enterprise)s corrected and resubmitted request #%(id)s: %(title)s",
                                         enterprise=_enterprise_name(current), id=current.id, title=current.title),
                       text, "request.resubmitted", f"request.resubmitted:{msg.id}")
    for name, value in changes.items():
        setattr(request, name, value)
    request.version = current.version
    return msg


# --- Reading ----------------------------------------------------------------------------------------

def visible_attachments(request, viewer) -> list[Attachment]:
    """The request's files the viewer may read, oldest first (internal ones only for staff and the
    assigned expert or evaluator)."""
    query = (Attachment.select().where((Attachment.owner_type == REQUEST_TABLE)
                                       & (Attachment.owner_id == str(request.id)))
             .order_by(Attachment.id))
    if not sees_internal(viewer, request):
        query = query.where(Attachment.internal == False)  # noqa: E712
    return list(query)


# The thread and the log are read on every request page and API detail: their SQL is written once
# per database (peewee's query building costs more than running them; see core/workflow.py).
_statements: dict = {}


def _sql(name: str) -> str:
    param = database.obj.param
    key = (param, name)
    if key not in _statements:
        _statements[key] = {
            "messages": 'SELECT m.*, u.username AS author_username, u.display_name AS author_display_name, '
                        'u.roles AS author_roles, u.enterprise_id AS author_enterprise_id, u.active AS author_active '
                        'FROM "core_message" AS m LEFT OUTER JOIN "core_user" AS u ON u.id = m.author_id '
                        f'WHERE m.request_id = {param} ORDER BY m.created_at, m.id',
            "files": f'SELECT * FROM "core_attachment" WHERE owner_type = {param} AND owner_id = {param} '
                     'AND message_id IS NOT NULL ORDER BY id',
            "log": 'SELECT t.*, u.username AS actor_username, u.display_name AS actor_display_name '
                   'FROM "core_transition" AS t LEFT OUTER JOIN "core_user" AS u ON u.id = t.actor_id '
                   f'WHERE t.request_id = {param} ORDER BY t.created_at, t.id',
        }[name]
    return _statements[key]


def _author_side(msg, request) -> str:
    roles = set(User.roles.python_value(msg.author_roles) or ())
    requester = (bool(msg.author_active) and "enterprise" in roles and not roles & {"admin", "staff"}
                 and msg.author_enterprise_id == request.enterprise_id)
    return "enterprise" if requester else "platform"


def thread(request, viewer, *, internal: bool | None = None) -> list[dict]:
    """The request's messages, oldest first, each with its attachments: ``{"id", "kind", "body",
    "internal", "side", "author" ({"id", "name"} or None), "created_at", "attachments"}``.
    Internal notes and internal files only when the viewer :func:`sees_internal`
    (``internal=False`` forces the enterprise's view)."""
    show_internal = sees_internal(viewer, request) if internal is None else bool(internal)
    by_message: dict[int, list] = {}
    for att in Attachment.raw(_sql("files"), REQUEST_TABLE, str(request.id)):
        if show_internal or not att.internal:
            by_message.setdefault(att.message_id, []).append(att)
    out = []
    for msg in RequestMessage.raw(_sql("messages"), request.id):
        if msg.internal and not show_internal:
            continue
        known = msg.author_id is not None and msg.author_username is not None
        out.append({"id": msg.id, "kind": msg.kind, "body": msg.body, "internal": bool(msg.internal),
                    "side": _author_side(msg, request) if known else "platform",
                    "author": {"id": msg.author_id, "name": msg.author_display_name or msg.author_username}
                    if known else None,
                    "created_at": msg.created_at, "attachments": by_message.get(msg.id, [])})
    return out


def _step(workflow, key):
    try:
        return workflow.step(key) if key else None
    except KeyError:
        return None


def _evidence(rows) -> list[dict]:
    return [{"name": r["name"], "label": r["label"], "value": r["value"], "text": r["text"]} for r in rows]


def case_timeline(request, workflow, lang: str = "zh_Hans_CN", tz=None, *, internal: bool = False,
                  messages: list[dict] | None = None) -> list[dict]:
    """Every transition, oldest first, with its evidence (the step data of the step it left,
    labelled; ``internal=False``: only what the requesting enterprise may read), the reason of a
    return, pause, rejection or withdrawal and whether a pause asks for materials, interleaved
    with the thread (``messages``: a :func:`thread` already read; else read here for the same
    visibility). Entries: ``{"kind": "transition" | "message", "at", ...}``."""
    outcomes = {k: v for k, v in OUTCOMES}
    entries = []
    for t in Transition.raw(_sql("log"), request.id):
        left, entered = _step(workflow, t.from_step), _step(workflow, t.to_step)
        evidence = []
        if t.outcome in (ADVANCE, COMPLETE) and left is not None and left.schema is not None:
            evidence = _evidence(labelled(left.schema, t.data or {}, lang, tz, internal=internal))
        entries.append({
            "kind": "transition", "id": t.id, "at": t.created_at, "outcome": t.outcome,
            "outcome_label": str(outcomes.get(t.outcome, t.outcome)),
            "from_step": t.from_step, "to_step": t.to_step,
            "from_label": left.label(lang) if left else (t.from_step or ""),
            "to_label": entered.label(lang) if entered else (t.to_step or ""),
            "actor": ({"id": t.actor_id, "name": t.actor_display_name or t.actor_username}
                      if t.actor_id is not None and t.actor_username is not None else None),
            "reason": t.reason if t.outcome in NEEDS_REASON else "",
            "materials_required": bool(t.outcome == PAUSE and left is not None and left.pause_requires_files),
            "evidence": evidence, "message": None,
        })
    if messages is None:
        messages = thread(request, None, internal=internal)
    entries += [{"kind": "message", "id": m["id"], "at": m["created_at"], "message": m} for m in messages]
    entries.sort(key=lambda e: (e["at"], 0 if e["kind"] == "transition" else 1))
    return entries


def enterprise_timeline(request, workflow, lang: str = "zh_Hans_CN", tz=None) -> list[dict]:
    """The requesting enterprise's view of :func:`case_timeline`: enterprise-visible evidence
    only, no internal note, no internal file."""
    return case_timeline(request, workflow, lang, tz, internal=False)


def intake(request, workflow, lang: str = "zh_Hans_CN", tz=None, *, internal: bool = True) -> list[dict]:
    """What the enterprise filed, labelled by the workflow's ``intake_schema``."""
    if workflow is None or workflow.intake_schema is None:
        return []
    return _evidence(labelled(workflow.intake_schema, request.data or {}, lang, tz, internal=internal))


def known_step_data(request, workflow, step_key: str) -> dict:
    """What is already known for a step's form: the latest data recorded for this step when it was
    done before (the request came back to it), else the intake values whose names match the
    step's fields."""
    step = _step(workflow, step_key)
    if step is None or step.schema is None:
        return {}
    latest = (Transition.select(Transition.data)
              .where((Transition.request == request.id) & (Transition.from_step == step_key)
                     & Transition.outcome.in_([ADVANCE, COMPLETE]))
              .order_by(Transition.created_at.desc(), Transition.id.desc()).first())
    if latest is not None and latest.data:
        return dict(latest.data)
    names = set(step.schema().fields)
    return {k: v for k, v in (request.data or {}).items() if k in names and v not in (None, "", [], {})}
