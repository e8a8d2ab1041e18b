"""Service requests and their transitions (DB1302 4.4.4 intake and review, 5.4.1 time limits,
6.3 the business process). Every object outside the caller's scope is a 404."""
from __future__ import annotations

import peewee
from flask import url_for
from marshmallow import ValidationError

from rongtong.core import casefile
from rongtong.core.attachments import sees_internal
from rongtong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, WorkflowError
from rongtong.core.i18n import gettext as _
from rongtong.core.models import Department, Enterprise, ServiceRequest, Transition, User, utcnow
from rongtong.core.routing import queue_condition, queues_for
from rongtong.core.security import is_staff, scope_query
from rongtong.core.web.api.auth import api_user
from rongtong.core.web.api.messages import translate_messages
from rongtong.core.web.api.resources.common import ID, keyset_page, platform, prepared, scope_key, scoped_or_404
from rongtong.core.web.api.routing import Operation, body, query
from rongtong.core.web.context import current_lang
from rongtong.core.web.api.schemas import (
    CaseResultSchema,
    Cursor,
    MessageInputSchema,
    ReplyInputSchema,
    RequestCaseSchema,
    RequestMessageSchema,
    ResubmitInputSchema,
    ServiceRequestDetailSchema,
    ServiceRequestPageSchema,
    ServiceRequestQuerySchema,
    ServiceRequestSchema,
    TransitionHistorySchema,
    TransitionInputSchema,
    TransitionResultSchema,
)
from rongtong.core.workflow import ADVANCE, COMPLETE


def _not_found():
    return _("Request not found.")


# --- List ------------------------------------------------------------------------------------------

def overdue_condition(now):
    """Open (not paused) and past the step's or the request's due date (DB1302 5.4.1)."""
    step_late = ServiceRequest.step_due_at.is_null(False) & (ServiceRequest.step_due_at < now)
    late = ServiceRequest.due_at.is_null(False) & (ServiceRequest.due_at < now)
    return (ServiceRequest.status == "open") & (step_late | late)


FILTERS = frozenset({"service", "status", "step", "enterprise_id", "overdue", "queue"})


def queue_filter(user, queue, status_given: bool):
    """The condition of ``?queue=`` (issue 9 §4): staff have mine / department / unassigned,
    experts and evaluators mine; anyone else is refused (403). Open requests unless ``status``
    is given."""
    queues = queues_for(user)
    if queue not in queues:
        if not queues:
            raise PermissionDenied(_("Only platform staff may filter by queue."))
        raise ValidationFailed(_("The data is invalid."), {"queue": [
            _("You have no %(queue)s queue (yours: %(queues)s).", queue=queue, queues=", ".join(queues))]})
    cond = queue_condition(queue, user)
    return cond if status_given else cond & (ServiceRequest.status == "open")


def _scoped_requests(user):
    """Requests the user may see, with their enterprise's id and name from a join."""
    q = (ServiceRequest.select(ServiceRequest, Enterprise.id, Enterprise.name)
         .join(Enterprise, on=(ServiceRequest.enterprise == Enterprise.id)))
    return scope_query(q, ServiceRequest, user)


def _unfiltered_page(user, limit, cursor):
    """The list without filters (the common case: newest first, page by page), SQL written once."""
    if cursor is None:
        rows = prepared(("requests", scope_key(user)),
                        lambda n: _scoped_requests(user).order_by(ServiceRequest.id.desc()).limit(n), limit + 1)
    else:
        rows = prepared(("requests-after", scope_key(user)),
                        lambda after, n: _scoped_requests(user).where(ServiceRequest.id < after)
                        .order_by(ServiceRequest.id.desc()).limit(n), cursor, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": Cursor.encode(rows[-1].id) if more and rows else None}


def list_requests():
    """One query for the page, whatever its size: the enterprise's name comes from a join and
    every other reference is dumped as an id."""
    user, args = api_user(), query()
    if not FILTERS.intersection(args):
        return _unfiltered_page(user, args["limit"], args.get("cursor"))
    q = _scoped_requests(user)
    if "service" in args:
        q = q.where(ServiceRequest.service_key == args["service"])
    if "status" in args:
        q = q.where(ServiceRequest.status == args["status"])
    if "step" in args:
        q = q.where(ServiceRequest.current_step == args["step"])
    if "enterprise_id" in args:
        q = q.where(ServiceRequest.enterprise == args["enterprise_id"])
    if "overdue" in args:
        cond = overdue_condition(utcnow())
        q = q.where(cond if args["overdue"] else ~cond)
    if "queue" in args:
        q = q.where(queue_filter(user, args["queue"], "status" in args))
    items, next_cursor = keyset_page(q, ServiceRequest.id, args["limit"], args.get("cursor"))
    return {"items": items, "next_cursor": next_cursor}


# --- One request -----------------------------------------------------------------------------------

def clock_of(req, now=None) -> dict:
    """Due dates, working days left (negative when late) and paused time, from the log."""
    p = platform()
    now = now or utcnow()
    clock = p.engine.clock(req, now)
    cal = p.calendar
    today = cal.local_date(now)

    def left(due):
        return cal.working_days_between(today, cal.local_date(due)) if due is not None else None

    overdue = bool(not req.is_closed and clock.paused_since is None and any(
        d is not None and d < now for d in (clock.due_at, clock.step_due_at)))
    return {
        "due_at": clock.due_at, "step_due_at": clock.step_due_at, "step_started_at": clock.step_started_at,
        "working_days_left": left(clock.due_at), "step_working_days_left": left(clock.step_due_at),
        "paused_since": clock.paused_since, "paused_working_days": clock.paused_working_days,
        "step_paused_working_days": clock.step_paused_working_days, "overdue": overdue,
    }


def detail(req, user):
    """The request with its clock and the caller's actions. A request whose workflow is no longer
    registered (its plugin was disabled) is still shown, without either."""
    try:
        req.clock = clock_of(req)
        req.actions = [a.as_dict() for a in platform().engine.actions(req, user)]
    except WorkflowError:
        req.clock, req.actions = None, []
    return req


def _one(user, request_id):
    """The request with its enterprise's id and name if the user may see it, else a 404."""
    rows = prepared(("request", scope_key(user)),
                    lambda pk: _scoped_requests(user).where(ServiceRequest.id == pk).limit(1), request_id)
    if not rows:
        raise NotFound(_not_found())
    return rows[0]


def get_request(request_id):
    user = api_user()
    return case_detail(_one(user, request_id), user)


# --- Filing -----------------------------------------------------------------------------------------

def _staff_reference(model, pk, field, user, message):
    if pk is None:
        return None
    if not is_staff(user):
        raise PermissionDenied(_("Only platform staff may set %(field)s.", field=field))
    row = model.get_or_none(model.id == pk)
    if row is None:
        raise ValidationFailed(_("The data is invalid."), {field: [message]})
    return row


def create_request():
    """File a request (DB1302 4.4.4). Enterprise users file only for their own enterprise: another
    enterprise's id is a 404, as if it did not exist."""
    user, data = api_user(), body()
    enterprise_id = data.pop("enterprise_id")
    if is_staff(user):
        if enterprise_id is None:
            raise ValidationFailed(_("The data is invalid."), {"enterprise_id": [_("Missing data for required field.")]})
        enterprise = Enterprise.get_or_none(Enterprise.id == enterprise_id)
        if enterprise is None:
            raise ValidationFailed(_("The data is invalid."), {"enterprise_id": [_("No such enterprise.")]})
    else:
        if user.enterprise_id is None:
            raise ValidationFailed(_("The data is invalid."), {"enterprise_id": [_("You are not linked to an enterprise.")]})
        if enterprise_id is not None and enterprise_id != user.enterprise_id:
            raise NotFound(_("Enterprise not found."))
        enterprise = Enterprise.get_by_id(user.enterprise_id)
    assignee = _staff_reference(User, data.pop("assignee_id"), "assignee_id", user, _("No such user."))
    department = _staff_reference(Department, data.pop("department_id"), "department_id", user, _("No such department."))
    if assignee is not None and not assignee.active:
        raise ValidationFailed(_("The data is invalid."), {"assignee_id": [_("This user is deactivated.")]})
    req = platform().engine.open_request(
        enterprise=enterprise, service_key=data["service_key"], actor=user, title=data["title"],
        description=data["description"], data=data["data"], assignee=assignee, department=department)
    req = ServiceRequest.get_by_id(req.id)
    return detail(req, user), 201, {"Location": url_for("api.request", request_id=req.id)}


# --- Transitions ------------------------------------------------------------------------------------

def _with_actor():
    actor = User.alias()
    return (Transition.select(Transition, actor.id, actor.username, actor.display_name)
            .join(actor, peewee.JOIN.LEFT_OUTER, on=(Transition.actor == actor.id)))


def _history(req, transition_id=None):
    """The request's transitions, oldest first (only ``transition_id`` when given)."""
    if transition_id is None:
        rows = _with_actor().where(Transition.request == req.id).order_by(Transition.created_at, Transition.id)
    else:
        rows = prepared(("transition",), lambda pk, tid: _with_actor().where(
            (Transition.request == pk) & (Transition.id == tid)), req.id, transition_id)
    out = []
    for t in rows:
        who = t.actor if t.actor_id is not None else None
        out.append({
            "id": t.id, "from_step": t.from_step, "to_step": t.to_step, "outcome": t.outcome,
            "actor": {"id": who.id, "name": who.display_name or who.username} if who else None,
            "reason": t.reason, "data": t.data or {}, "created_at": t.created_at,
        })
    return out


def get_transitions(request_id):
    user = api_user()
    req = scoped_or_404(ServiceRequest, request_id, user, _not_found())
    return {"request_id": req.id, "version": req.version, "status": req.status, "current_step": req.current_step,
            "transitions": _history(req),
            "actions": [a.as_dict() for a in platform().engine.actions(req, user)]}


def post_transition(request_id):
    """Take an outcome on the request's current step, with its step data. Invalid data is a 422
    naming the fields under ``data`` and writes nothing; a stale ``version`` is a 409."""
    user, data = api_user(), body()
    engine = platform().engine
    req = _one(user, request_id)
    if req.version != data["version"]:
        raise Conflict(_("This request was changed by someone else (version %(v)s is now %(n)s). Reload and try again.",
                         v=data["version"], n=req.version))
    assignee = _staff_reference(User, data["assignee_id"], "assignee_id", user, _("No such user."))
    if assignee is not None and not assignee.active:
        raise ValidationFailed(_("The data is invalid."), {"assignee_id": [_("This user is deactivated.")]})
    # Validate the step data first so that its errors are reported under "data"; the engine
    # validates again inside its transaction and stays the authority.
    action = {a.outcome: a for a in engine.actions(req, user)}.get(data["outcome"])
    if action is not None and action.outcome in (ADVANCE, COMPLETE) and action.schema is not None:
        try:
            action.schema().load(data["data"])
        except ValidationError as exc:
            raise ValidationFailed(_("The step data is invalid."), {"data": translate_messages(exc.messages)})
    transition = engine.transition(req.id, data["outcome"], user, reason=data["reason"], data=data["data"],
                                   target=data["target"], expected_version=data["version"], assignee=assignee)
    req = _one(user, req.id)
    return {"transition": _history(req, transition.id)[0], "request": detail(req, user)}, 201


def operations():
    rid = f"requests/<{ID}:request_id>"
    return [
        Operation("core", "requests", "GET", list_requests, "requests",
                  summary="Requests in the caller's scope (newest first, cursor pages; ?queue= for the staff inbox)",
                  tag="requests",
                  query_schema=ServiceRequestQuerySchema, response_schema=ServiceRequestPageSchema,
                  permission="core.request.view"),
        Operation("core", "requests", "POST", create_request, "requests",
                  summary="File a request for a service", tag="requests", request_schema=ServiceRequestSchema,
                  response_schema=ServiceRequestDetailSchema, permission="core.request.file", status=201),
        Operation("core", rid, "GET", get_request, "request",
                  summary="One request with its deadlines, the caller's actions and its case file (what was "
                          "filed, the timeline with each step's evidence, the thread)", tag="requests",
                  description="An enterprise's token reads the evidence its enterprise may see and no internal "
                              "note; staff read all step data (DB1302 6.4.1.2 c).",
                  response_schema=RequestCaseSchema, permission="core.request.view"),
        Operation("core", f"{rid}/transitions", "GET", get_transitions, "request_transitions",
                  summary="The request's history and the outcomes the caller may take now", tag="requests",
                  response_schema=TransitionHistorySchema, permission="core.request.view"),
        Operation("core", f"{rid}/transitions", "POST", post_transition, "request_transitions",
                  summary="Take an outcome (advance, return, reject, pause, resume, withdraw, complete)",
                  tag="requests", request_schema=TransitionInputSchema, response_schema=TransitionResultSchema,
                  permission="core.request.view", status=201),
        *case_operations(rid),
    ]


# --- The case file (issue 9 §2; DB1302 6.4.1.2 c) -----------------------------------------------------

_lang = current_lang


def case_detail(req, user):
    """:func:`detail` with the case file: the intake and the timeline (step evidence and the
    thread) as the caller may read them."""
    detail(req, user)
    try:
        wf = platform().engine.workflow_of(req)
    except WorkflowError:
        wf = None
    internal = sees_internal(user, req)
    lang, tz = _lang(), platform().calendar.tz
    req.intake = casefile.intake(req, wf, lang, tz, internal=internal)
    req.timeline = (casefile.case_timeline(req, wf, lang, tz, internal=internal, messages=casefile.thread(req, user))
                    if wf is not None else [])
    req.materials_required = bool(wf is not None and casefile.materials_required(req, wf))
    return req


def _message_out(req, user, message_id):
    return next(m for m in casefile.thread(req, user) if m["id"] == message_id)


def get_messages(request_id):
    user = api_user()
    return casefile.thread(_one(user, request_id), user)


def post_message(request_id, data):
    """Write to the thread; another enterprise's request is a 404, a refused file a 422 naming
    ``file`` (nothing is written)."""
    user = api_user()
    req = _one(user, request_id)
    msg = casefile.post_message(req, user, data["body"], internal=data["internal"], files=data["file"],
                                config=platform().config)
    return _message_out(req, user, msg.id), 201


def post_reply(request_id, data):
    """Answer a pause with a message and materials; the request resumes (one transaction)."""
    user = api_user()
    req = _one(user, request_id)
    msg = casefile.answer_pause(req, user, data["body"], data["file"], platform(), expected_version=data["version"])
    req = _one(user, req.id)
    return {"message": _message_out(req, user, msg.id), "request": case_detail(req, user)}, 201


def post_resubmit(request_id, data):
    """Correct the intake after a return to the first step (validated again, audited)."""
    user = api_user()
    req = _one(user, request_id)
    msg = casefile.resubmit(req, user, data["data"], data["body"], platform(), title=data.get("title"),
                            description=data.get("description"), expected_version=data["version"])
    req = _one(user, req.id)
    return {"message": _message_out(req, user, msg.id), "request": case_detail(req, user)}, 200


def case_operations(rid: str) -> list[Operation]:
    return [
        Operation("core", f"{rid}/messages", "GET", get_messages, "request_messages",
                  summary="The request's thread, oldest first (internal notes for staff only)", tag="requests",
                  response_schema=RequestMessageSchema, many=True, permission="core.request.view"),
        Operation("core", f"{rid}/messages", "POST", post_message, "request_messages",
                  summary="Write a message (JSON, or multipart with files); staff may write internal notes",
                  tag="requests", request_schema=MessageInputSchema, response_schema=RequestMessageSchema,
                  json_or_multipart=True, permission="core.request.view", status=201),
        Operation("core", f"{rid}/reply", "POST", post_reply, "request_reply",
                  summary="Answer a pause (补正) with a message and materials, and resume", tag="requests",
                  description="Multipart with one or more `file` parts (JSON when no file is needed). When the "
                              "paused step asks for materials, an answer without a file is a 422 naming `file`.",
                  request_schema=ReplyInputSchema, response_schema=CaseResultSchema, json_or_multipart=True,
                  permission="core.request.view", status=201),
        Operation("core", f"{rid}/resubmit", "POST", post_resubmit, "request_resubmit",
                  summary="Correct what was filed after a return to the first step", tag="requests",
                  request_schema=ResubmitInputSchema, response_schema=CaseResultSchema,
                  permission="core.request.view"),
    ]
