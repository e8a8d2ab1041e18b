"""The request page (issue 3 §2, issue 9 §2): one service request with what the enterprise filed
(the intake, labelled) at the top, its enterprise and service, the workflow with the current step
highlighted, the current step's form generated from its marshmallow schema and started from what is
already known, one button per outcome the user may take, the deadlines, the timeline of
transitions (their step data labelled) and audit events (old and new values), the message thread
with internal notes marked and a form to write to the enterprise or a note, and the attachments.

DB1302 5.4.1 (time limits in working days, paused time not counted), 6.3 (the business process),
6.4.1.2 c (records of every service).

Form conventions (stable for browser tests): step fields are named ``data.<field>``; each outcome
is a ``<button name="outcome" value="<outcome>">``; ``reason``, ``target`` and ``version`` are plain
fields. A POST goes to :meth:`core.workflow.WorkflowEngine.transition` with ``expected_version``.
The message form posts ``body``, ``internal`` (a checkbox) and ``files`` to ``.../messages/``
(:func:`core.casefile.post_message`).
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from peewee import JOIN, Case

from rongtong.core import casefile, routing
from rongtong.core.attachments import AttachmentRefused, save_upload, sees_internal
from rongtong.core.audit import event_data
from rongtong.core.errors import Conflict, NotFound, PermissionDenied, RongtongError, ValidationFailed, WorkflowError
from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import MESSAGE_KINDS, OUTCOMES, AuditEvent, Enterprise, ServiceRequest, Transition, User
from rongtong.core.security import get_scoped
from rongtong.core.vocabulary import labelled
from rongtong.core.web.admin.base import (SecureBaseView, acting_user, current_platform, local_time, service_title,
                                 status_label, ui_lang)
from rongtong.core.web.admin.auditlog import ACTION_LABELS
from rongtong.core.web.admin.dashboard import working_days_left
from rongtong.core.web.fieldforms import flatten_errors, html_fields, parse_step_data

TIMELINE_LIMIT = 300


# --- Timeline -------------------------------------------------------------------------------------------

def timeline(req, attachment_ids, workflow, internal: bool = True) -> list[dict]:
    """Transitions and audit events of the request (and of the attachments in ``attachment_ids``,
    the ones the viewer may see), oldest first. Each transition's step data is labelled by the
    field vocabulary (``internal=False``: only what the enterprise may read). Messages are the
    thread's (shown beside it), so their audit events are left out here. Two queries, whatever
    the length."""
    lang = ui_lang()
    tz = current_platform().calendar.tz
    outcome_labels = {k: str(v) for k, v in OUTCOMES}

    def step_of(key):
        try:
            return workflow.step(key) if key else None
        except KeyError:
            return None

    def step_label(key):
        step = step_of(key)
        return step.label(lang) if step is not None else (key or "")

    def evidence(t):
        step = step_of(t.from_step)
        if step is None or step.schema is None or not t.data:
            return []
        return labelled(step.schema, t.data, lang, tz, internal=internal)

    entries = []
    actions = {key: str(label) for key, label in ACTION_LABELS}
    rows = (Transition.select(Transition, User.username, User.display_name)
            .join(User, on=(Transition.actor == User.id), join_type=JOIN.LEFT_OUTER)
            .where(Transition.request == req.id).order_by(Transition.created_at, Transition.id)
            .limit(TIMELINE_LIMIT).objects())
    for t in rows:
        entries.append({"kind": "transition", "at": t.created_at, "outcome": t.outcome,
                        "title": outcome_labels.get(t.outcome, t.outcome),
                        "from": step_label(t.from_step), "to": step_label(t.to_step),
                        "actor": getattr(t, "display_name", None) or getattr(t, "username", None) or "system",
                        "reason": t.reason, "evidence": evidence(t), "changes": {}, "id": f"t{t.id}"})
    cond = (AuditEvent.object_type == "core_servicerequest") & (AuditEvent.object_id == str(req.id))
    if attachment_ids:
        cond |= (AuditEvent.object_type == "core_attachment") & AuditEvent.object_id.in_([str(i) for i in attachment_ids])
    events = (AuditEvent.select().where(cond & AuditEvent.action.not_in(["transition", "message"]))
              .order_by(AuditEvent.id).limit(TIMELINE_LIMIT))
    events = list(events)
    names = {u.id: str(u) for u in User.select(User.id, User.username, User.display_name)
             .where(User.id.in_({ev.actor_id for ev in events} - {None}))}  # people by their names
    for ev in events:
        data = event_data(ev)
        changes = data.get("changes") or {}
        snapshot = data.get("snapshot") or {}
        action = actions.get(ev.action, ev.action)
        if ev.object_type == "core_attachment":
            title = _("Attachment %(name)s", name=snapshot.get("filename", ev.object_id)) + f" ({action})"
        else:
            title = action
        entries.append({"kind": "audit", "at": ev.created_at, "outcome": ev.action, "title": title,
                        "from": "", "to": "", "actor": names.get(ev.actor_id, ev.actor_name), "reason": data.get("reason", ""),
                        "evidence": [], "changes": changes, "id": f"a{ev.id}"})
    entries.sort(key=lambda e: (e["at"], 0 if e["kind"] == "audit" else 1))
    return entries


# --- The case file: what is known, the thread ----------------------------------------------------------

def thread_rows(req, user) -> list[dict]:
    """The thread as the viewer may read it, with the kind's label."""
    kinds = {k: str(v) for k, v in MESSAGE_KINDS}
    rows = casefile.thread(req, user)
    for row in rows:
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
    return rows


# --- Assignment (issue 9 §4, DB1302 5.1.2) -----------------------------------------------------------

ASSIGNING_OUTCOMES = ("advance", "return")
ASSIGNEE_CHOICES_MAX = 300


def may_assign(user, req=None) -> bool:
    """May ``user`` hand ``req`` to someone (:func:`core.routing.may_assign`: an admin, the head
    of its department, staff with ``core.request.edit`` for their department)? Without ``req``:
    could they assign at all (staff and admins)."""
    if req is None:
        return user is not None and user.has_role("admin", "staff")
    return routing.may_assign(user, req, current_platform().registry)


def assignee_choices(req=None, user=None):
    """Active staff, experts and evaluators; the members of the request's department (else of the
    user's) first, so a department head finds their people at the top."""
    cond = None
    for role in routing.ASSIGNABLE_ROLES:
        expr = User.roles.contains(role)
        cond = expr if cond is None else (cond | expr)
    department_id = getattr(req, "department_id", None) or getattr(user, "department_id", None)
    order = [User.username]
    if department_id:
        order.insert(0, Case(None, [(User.department == department_id, 0)], 1))
    return list(User.select(User.id, User.username, User.display_name, User.roles, User.department)
                .where((User.active == True) & cond)  # noqa: E712
                .order_by(*order).limit(ASSIGNEE_CHOICES_MAX))


def chosen_assignee(raw, req):
    """``(user or None, problem or None)``: None when the assignee is left unchanged."""
    if not raw or raw == str(req.assignee_id or ""):
        return None, None
    try:
        user = User.get_or_none((User.id == int(raw)) & (User.active == True))  # noqa: E712
    except ValueError:
        user = None
    if not routing.assignable(user):
        return None, _("Choose an active staff member, expert or evaluator.")
    return user, None


# --- The page -------------------------------------------------------------------------------------------

class RequestPageView(SecureBaseView):
    """``/admin/core/request/<id>/``: the staff's page for one request (scoped: another
    enterprise's request is 404)."""

    permission = "core.request.view"

    def __init__(self):
        super().__init__(name=_l("Request"), endpoint="core_request", url="core/request")

    def is_visible(self):
        return False

    def _load(self, request_id):
        user = acting_user()
        req = get_scoped(ServiceRequest, request_id, user)
        if req is None:
            abort(404)
        return req

    @expose("/")
    def index(self):
        return redirect(url_for("core_servicerequest.index_view"))

    @expose("/<int:request_id>/", methods=("GET", "POST"))
    def page(self, request_id):
        req = self._load(request_id)
        if request.method == "GET":
            return self._render(req)
        return self._post_transition(req)

    def _post_transition(self, req):
        platform = current_platform()
        user = acting_user()
        outcome = (request.form.get("outcome") or "").strip()
        try:
            version = int(request.form.get("version", ""))
        except ValueError:
            flash(_("The form is missing the request's version; reload the page and try again."), "error")
            return self._render(req, status=400)
        try:
            actions = {a.outcome: a for a in platform.engine.actions(req, user)}
        except RongtongError as exc:  # e.g. the request's workflow is no longer registered
            flash(exc.message, "error")
            return self._render(req, status=exc.http_status)
        action = actions.get(outcome)
        data, errors = {}, {}
        if action is not None and action.schema is not None:
            data, errors = parse_step_data(request.form, html_fields(action.schema))
        if errors:
            flash(_("The step data is invalid."), "error")
            return self._render(req, status=422, errors=errors, values=request.form)
        assignee = None
        if outcome in ASSIGNING_OUTCOMES and may_assign(user, req):
            assignee, problem = chosen_assignee(request.form.get("assignee"), req)
            if problem:
                flash(problem, "error")
                return self._render(req, status=422, errors={"assignee": [problem]}, values=request.form)
        try:
            platform.engine.transition(req.id, outcome, user, reason=request.form.get("reason", ""),
                                       data=data, target=request.form.get("target") or None,
                                       expected_version=version, assignee=assignee)
        except ValidationFailed as exc:
            flash(exc.message, "error")
            return self._render(req, status=422, errors=flatten_errors(exc.fields), values=request.form)
        except (Conflict, WorkflowError) as exc:
            flash(exc.message, "error")
            return self._render(ServiceRequest.get_by_id(req.id), status=409)
        except PermissionDenied as exc:
            flash(exc.message, "error")
            return self._render(req, status=403)
        except NotFound:
            abort(404)
        flash(_("Done: %(outcome)s.", outcome=str(dict(OUTCOMES).get(outcome, outcome))), "success")
        return redirect(url_for(".page", request_id=req.id), code=303)

    @expose("/<int:request_id>/assign", methods=("POST",))
    def assign(self, request_id):
        """Hand the request to someone without moving its workflow (:func:`core.routing.assign`)."""
        req = self._load(request_id)
        if not may_assign(acting_user(), req) and not req.is_closed:
            abort(403)
        raw = (request.form.get("assignee") or "").strip()
        try:
            version = int(request.form.get("version", ""))
        except ValueError:
            version = None
        try:
            if not raw:
                raise ValidationFailed(_("Choose an active staff member, expert or evaluator."),
                                       {"assignee": [_("Choose an active staff member, expert or evaluator.")]})
            routing.assign(req, raw, acting_user(), current_platform().registry, expected_version=version)
        except ValidationFailed as exc:
            flash(exc.message, "error")
            return self._render(req, status=422, errors={"assign": exc.fields.get("assignee", [exc.message])})
        except RongtongError as exc:  # PermissionDenied 403, Conflict / WorkflowError 409, NotFound 404
            flash(exc.message, "error")
            return self._render(ServiceRequest.get_by_id(req.id), status=exc.http_status)
        flash(_("Assigned to %(name)s.", name=str(ServiceRequest.get_by_id(req.id).assignee)), "success")
        return redirect(url_for(".page", request_id=req.id), code=303)

    @expose("/<int:request_id>/attachments/", methods=("POST",))
    def upload(self, request_id):
        req = self._load(request_id)
        if not self.user_may("core.attachment.upload"):
            abort(403)
        try:
            save_upload(request.files.get("file"), req, acting_user(), current_platform().config,
                        description=request.form.get("description", ""))
        except AttachmentRefused as exc:
            flash(f"{exc.message} {' '.join(exc.fields.get('file', []))}", "error")
            return self._render(req, status=422, upload_errors=exc.fields.get("file", []))
        except RongtongError as exc:
            flash(exc.message, "error")
            return self._render(req, status=exc.http_status)
        flash(_("The file was uploaded."), "success")
        return redirect(url_for(".page", request_id=req.id), code=303)

    @expose("/<int:request_id>/messages/", methods=("POST",))
    def message(self, request_id):
        """Write to the enterprise, or an internal note (``internal``), with files (DB1302 6.4.1.2 c)."""
        req = self._load(request_id)
        typed = {"body": request.form.get("body", ""), "internal": bool(request.form.get("internal"))}
        try:
            casefile.post_message(req, acting_user(), typed["body"], internal=typed["internal"],
                                  files=request.files.getlist("files"), config=current_platform().config)
        except NotFound:
            abort(404)
        except RongtongError as exc:
            flash(exc.message, "error")
            return self._render(req, status=exc.http_status, message_errors=exc.fields, message_values=typed)
        flash(_("The note was saved.") if typed["internal"] else _("The message was sent."), "success")
        return redirect(url_for(".page", request_id=req.id, _anchor="rt-thread"), code=303)

    def _render(self, req, status=200, errors=None, values=None, upload_errors=None, message_errors=None,
                message_values=None):
        platform = current_platform()
        user = acting_user()
        lang = ui_lang()
        try:
            workflow = platform.engine.workflow_of(req)
        except WorkflowError as exc:
            flash(exc.message, "error")
            workflow = None
        enterprise = Enterprise.get_by_id(req.enterprise_id)
        actions = platform.engine.actions(req, user) if workflow is not None else []
        form_schema = next((a.schema for a in actions if a.schema is not None), None)
        # The step form starts from what is already known (its earlier data, else the intake).
        known = casefile.known_step_data(req, workflow, req.current_step) if values is None and form_schema else None
        form_fields = html_fields(form_schema, values=known)
        clock = platform.engine.clock(req) if workflow is not None else None
        internal = sees_internal(user, req)
        attachments = casefile.visible_attachments(req, user)[::-1][:200]
        uploaders = {u.id: str(u) for u in User.select().where(User.id.in_({a.uploaded_by_id for a in attachments} - {None}))}
        outcome_labels = {k: str(v) for k, v in OUTCOMES}
        action_rows = [{"outcome": a.outcome, "label": outcome_labels.get(a.outcome, a.outcome),
                        "needs_reason": a.needs_reason,
                        "targets": [(t, workflow.step(t).label(lang)) for t in a.targets]} for a in actions]
        return_targets = next((r["targets"] for r in action_rows if r["outcome"] == "return"), [])
        advance_targets = next((r["targets"] for r in action_rows if r["outcome"] == "advance"), [])
        deadlines = {
            "opened_at": local_time(req.opened_at),
            "due_at": local_time(req.due_at),
            "step_due_at": local_time(req.step_due_at),
            "step_started_at": local_time(req.step_started_at),
            "step_days_left": working_days_left(platform, req.step_due_at),
            "days_left": working_days_left(platform, req.due_at),
            "paused_days": clock.paused_working_days if clock else 0,
            "paused_since": local_time(clock.paused_since) if clock and clock.paused_since else "",
            "closed_at": local_time(req.closed_at),
        }
        body = self.render(
            "admin/rt/request.html", req=req, enterprise=enterprise, workflow=workflow, lang=lang,
            service=service_title(req.service_key), status_text=status_label(req.status),
            assignee=User.get_or_none(User.id == req.assignee_id) if req.assignee_id else None,
            fields=form_fields, actions=action_rows, return_targets=return_targets,
            advance_targets=advance_targets, errors=errors or {}, values=values or {},
            timeline=timeline(req, [a.id for a in attachments], workflow, internal) if workflow else [],
            intake=casefile.intake(req, workflow, lang, platform.calendar.tz, internal=internal),
            thread=thread_rows(req, user), may_write=casefile.may_write(user, req), may_note=internal,
            message_errors=message_errors or {}, message_values=message_values or {},
            deadlines=deadlines, attachments=attachments, uploaders=uploaders, local_time=local_time,
            may_upload=self.user_may("core.attachment.upload"), upload_errors=upload_errors or [],
            assignees=assignee_choices(req, user) if may_assign(user, req) else [],
        )
        return body, status
