"""The public portal (blueprint ``portal``): what the platform publishes and where enterprises file
and follow their requests — one place for every service ("one-stop", DB1302 5.4.1).

* ``/`` — the service catalog: title, description, fee type and fee standard (DB1302 4.1.4) and
  the published time limit in working days (DB1302 5.4.1; the same number the request clock uses).
* ``/services/<key>`` — a service guide: the workflow's steps, who acts on each, each step's
  limit (DB1302 5.1.3 service guides and processes).
* ``/organisation`` — departments and their duties (DB1302 5.1.3).
* ``/complaints`` — published complaint channels (DB1302 5.1.3, 5.4.2; from an enabled plugin's
  ``complaints`` option table, e.g. ``[plugins.evaluation.complaints]``, else a default text).
* ``/my/requests`` and ``/my/requests/<id>`` — an enterprise user's requests (only its own
  enterprise's: row scope from :mod:`core.security`), status, current step, due date and the case
  file (issue 9 §2, :mod:`core.casefile`): what it filed, the timeline with every step's
  enterprise-visible evidence (the answer, the plan, the decision, the reason of a return or a
  pause) interleaved with the message thread, the files shared with it, a message form with files;
  in a pause one "answer and resume" form, after a return to the first step a "correct and
  resubmit" form; the outcomes the user may take (e.g. evaluate, withdraw) are offered as forms,
  below the latest result they are about.
* ``/services/<key>/apply`` — file a request through :meth:`WorkflowEngine.open_request`.
* ``/enterprises/apply`` — self-registration (入驻申请, DB1302 4.4.4, 6.3): an enterprise applies
  to join with its credit code, contact, first user and documents (:mod:`core.onboarding`); field
  errors in the user's language, at most a few applications per address and hour; then it logs in
  to ``/my/enterprise``, its application's status, the decision and the reason of a refusal.
* ``/my/notifications`` — the user's in-app messages (:mod:`core.notify`: a pause, an answer, the
  onboarding decision, survey invitations, registrations, deadlines), newest first; opening one
  marks it read and follows its link; "mark all as read".
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from rongtong.core import casefile, onboarding
from rongtong.core.attachments import allowed_extensions, attachments_of, max_bytes, open_attachment
from rongtong.core.errors import NotFound, RongtongError, ValidationFailed
from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import (ENTERPRISE_STATUSES, MESSAGE_KINDS, OUTCOMES, REQUEST_STATUSES, ROLES, Attachment,
                                  Department, Enterprise, Notification, ServiceRequest, User, utcnow)
from rongtong.core.security import get_scoped, has_permission, is_staff, scope_query
from rongtong.core.web.auth import client_ip, safe_next
from rongtong.core.web.context import current_lang, current_platform
from rongtong.core.web.fieldforms import flatten_errors, html_fields, parse_step_data
from rongtong.core.workflow import NEEDS_REASON, RESUME
from rongtong.core.notify import mark_read

bp = Blueprint("portal", __name__)

PAGE_SIZE = 50
DEFAULT_COMPLAINT_CHANNELS = (
    _l("Service desk: ask at the platform's reception during working hours."),
    _l("In writing: send a letter or e-mail to the platform's management office, stating your enterprise, the service concerned and what happened."),
    _l("After each service: rate it and leave comments in the service evaluation."),
)


platform = current_platform


def _service_or_404(key):
    service = platform().registry.services.get(key)
    if service is None:
        abort(404)
    return service


def _workflow_of_service(service):
    return platform().registry.workflow(service.workflow)


def catalog():
    """The catalog entries with their workflow and published time limit (working days)."""
    reg, engine = platform().registry, platform().engine
    out = []
    for key in sorted(reg.services):
        service = reg.services[key]
        wf = reg.workflow(service.workflow)
        out.append({"service": service, "workflow": wf, "time_limit_days": engine.service_limit(key, wf)})
    return out


# --- Public pages ----------------------------------------------------------------------------------

@bp.route("/")
def home():
    return render_template("portal/home.html", entries=catalog())


@bp.route("/services/<key>")
def service_guide(key):
    service = _service_or_404(key)
    wf = _workflow_of_service(service)
    limit = platform().engine.service_limit(key, wf)
    role_names = dict(ROLES)
    return render_template("portal/service.html", service=service, workflow=wf, time_limit_days=limit,
                           role_names=role_names, can_apply=_may_file())


@bp.route("/organisation")
def organisation():
    departments = list(Department.select().order_by(Department.key))
    heads = {}
    for user in (User.select().where(User.is_department_head & User.active & User.department.is_null(False))):
        heads.setdefault(user.department_id, []).append(user)
    return render_template("portal/organisation.html", departments=departments, heads=heads)


CHANNEL_LABELS = (  # the keys of a plugin's ``complaints`` option table, in display order
    ("phone", _l("Telephone")),
    ("email", _l("E-mail")),
    ("mailbox", _l("Mailbox / postal address")),
    ("form_url", _l("Online form")),
    ("hours", _l("Office hours")),
    ("rules", _l("How complaints are handled")),
)


def complaint_channels() -> list[dict]:
    """The published channels (DB1302 5.4.2): from an enabled plugin's ``complaints`` option table
    (``[plugins.evaluation.complaints]``: phone, email, mailbox, form_url, hours, rules), else a
    default text. Each item: ``{"key", "label", "value"}``."""
    options = platform().registry.options
    for name in sorted(options):
        table = options[name].get("complaints") if isinstance(options[name], dict) else None
        if not isinstance(table, dict):
            continue
        items = [{"key": key, "label": label, "value": str(table[key]).strip()}
                 for key, label in CHANNEL_LABELS if str(table.get(key) or "").strip()]
        if items:
            return items
    return [{"key": "default", "label": "", "value": str(text)} for text in DEFAULT_COMPLAINT_CHANNELS]


@bp.route("/complaints")
def complaints():
    return render_template("portal/complaints.html", channels=complaint_channels())


# --- Enterprise pages ------------------------------------------------------------------------------

def _may_file() -> bool:
    """An enterprise user with ``core.request.file`` (an enterprise not yet admitted is told so by
    the engine when it files: DB1302 4.4.4)."""
    user = current_user
    return bool(user.is_authenticated and user.enterprise_id
                and has_permission(user, "core.request.file", platform().registry))


def _my_requests_query(user):
    """Enterprise users: their enterprise's requests; experts and evaluators: those assigned to
    them; staff: those they filed (their work queue is the admin inbox)."""
    query = scope_query(ServiceRequest.select(), ServiceRequest, user)
    if user.enterprise_id:
        return query.where(ServiceRequest.enterprise == user.enterprise_id)
    if user.has_role("expert", "evaluator") and not is_staff(user):
        return query.where(ServiceRequest.assignee == user.id)
    return query.where(ServiceRequest.created_by == user.id)


@bp.route("/my/requests")
@login_required
def my_requests():
    """The user's enterprise's requests, newest first, with status, current step and due date;
    pages of PAGE_SIZE, ``?before=<id>`` for older ones (keyset, no COUNT)."""
    status = request.args.get("status") or None
    if status is not None and status not in dict(REQUEST_STATUSES):
        status = None
    before = request.args.get("before", "")
    query = _my_requests_query(current_user)
    if status:
        query = query.where(ServiceRequest.status == status)
    if before.isdigit() and len(before) < 11:
        query = query.where(ServiceRequest.id < int(before))
    rows = list(query.order_by(ServiceRequest.id.desc()).limit(PAGE_SIZE + 1))
    older = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    reg, now = platform().registry, utcnow()
    items = []
    for req in rows[:PAGE_SIZE]:
        step = _step_of(req)
        items.append({"request": req, "service": reg.services.get(req.service_key), "step": step,
                      "overdue": bool(req.due_at and req.due_at < now and not req.is_closed),
                      "waiting": bool(current_user.enterprise_id) and _waiting_on_enterprise(req, step)})
    return render_template("portal/my_requests.html", items=items, statuses=REQUEST_STATUSES, status=status,
                           older=older)


def _waiting_on_enterprise(req, step) -> bool:
    """The request waits for the enterprise: paused for its answer, or at a step it acts on (e.g.
    closing with its satisfaction)."""
    if req.is_closed:
        return False
    return req.status == "paused" or bool(step is not None and "enterprise" in step.roles)


def _step_of(req):
    try:
        return platform().registry.workflow(req.workflow_key, req.workflow_version).step(req.current_step)
    except KeyError:
        return None


def _visible_request(request_id):
    req = get_scoped(ServiceRequest, request_id, current_user)
    if req is None:
        abort(404)
    return req


@bp.route("/my/requests/<int(max=2147483647):request_id>")
@login_required
def follow_request(request_id):
    """One request's case file: where it is, when it is due, the timeline and the thread."""
    return _render_request(_visible_request(request_id))


_current_lang = current_lang


def _latest_result(timeline) -> dict | None:
    """The newest transition with enterprise-visible evidence (e.g. the answer): shown right above
    the forms that ask the enterprise about it (closing with its satisfaction)."""
    return next((e for e in reversed(timeline) if e["kind"] == "transition" and e["evidence"]), None)


def _render_request(req, failed_outcome=None, errors=None, status=200, form=None, failed_form=None):
    """The enterprise's view of the case file. ``failed_form`` (``message``, ``reply``,
    ``resubmit`` or an outcome) names the form whose ``errors`` and typed values are shown again."""
    reg, engine = platform().registry, platform().engine
    try:
        wf = reg.workflow(req.workflow_key, req.workflow_version)
    except KeyError:
        wf = None
    lang, tz = _current_lang(), platform().calendar.tz
    user = current_user._get_current_object()
    timeline = casefile.enterprise_timeline(req, wf, lang, tz) if wf is not None else []
    clock = engine.clock(req) if wf is not None else None
    actions = engine.actions(req, user) if wf is not None else []
    requester = casefile.is_requester(user, req)
    answering = requester and req.status == "paused"
    if answering:  # the pause is answered with a message and materials, in one action
        actions = [a for a in actions if a.outcome != RESUME]
    resubmitting = requester and wf is not None and casefile.returned_to_intake(req, wf)
    days_left = None
    if req.due_at is not None and not req.is_closed:
        cal = platform().calendar
        days_left = cal.working_days_between(cal.local_date(utcnow()), cal.local_date(req.due_at))
    intake_fields = html_fields(wf.intake_schema, values=req.data or {}) if resubmitting else []
    resubmit_values = {"title": req.title, "description": req.description} if resubmitting else {}
    failed_form = failed_form or failed_outcome
    typed = form if form is not None else request.form
    if failed_form == "resubmit":
        resubmit_values = typed
    pause = next((e for e in reversed(timeline) if e["kind"] == "transition" and e["outcome"] == "pause"), None)
    returned = next((e for e in reversed(timeline) if e["kind"] == "transition" and e["outcome"] == "return"), None)
    return render_template(
        "portal/request.html", req=req, workflow=wf, service=reg.services.get(req.service_key),
        timeline=timeline, clock=clock, days_left=days_left, actions=[_action_form(a) for a in actions],
        outcome_names=dict(OUTCOMES), status_names=dict(REQUEST_STATUSES), kind_names=dict(MESSAGE_KINDS),
        failed_outcome=failed_outcome, failed_form=failed_form, errors=errors or {}, values=typed,
        intake=casefile.intake(req, wf, lang, tz, internal=False), files=casefile.visible_attachments(req, None),
        latest=_latest_result(timeline), answering=answering, pause=pause if answering else None,
        materials_required=bool(wf is not None and casefile.materials_required(req, wf)),
        resubmitting=resubmitting, returned=returned if resubmitting else None, intake_fields=intake_fields,
        resubmit_values=resubmit_values, may_write=casefile.may_write(user, req) and not req.is_closed,
    ), status


def _typed(*names) -> dict:
    return {name: request.form.get(name, "") for name in names}


def _case_error(req, exc, form_name, typed):
    """A refused message, reply or resubmission: the page again with the message naming the
    field, what the user typed kept, and the error's 4xx status (another enterprise's request: 404)."""
    if isinstance(exc, NotFound):
        abort(404)
    flash(exc.message, "error")
    fields = dict(exc.fields or {})
    nested = fields.pop("data", None)
    errors = flatten_errors(fields)
    if isinstance(nested, dict):
        errors.update(flatten_errors(nested))
    return _render_request(ServiceRequest.get_by_id(req.id), errors=errors, status=exc.http_status, form=typed,
                           failed_form=form_name)


def _expected_version():
    version = request.form.get("version", "")
    return int(version) if version.isdigit() and len(version) < 11 else None


@bp.route("/my/requests/<int(max=2147483647):request_id>/messages", methods=["POST"])
@login_required
def post_message(request_id):
    """Write to the platform about the request, with files (DB1302 6.4.1.2 c)."""
    req = _visible_request(request_id)
    typed = _typed("body")
    try:
        casefile.post_message(req, current_user._get_current_object(), typed["body"],
                              files=request.files.getlist("files"), config=platform().config)
    except RongtongError as exc:
        return _case_error(req, exc, "message", typed)
    flash(_("Your message was sent."), "success")
    return redirect(url_for("portal.follow_request", request_id=req.id, _anchor="thread"))


@bp.route("/my/requests/<int(max=2147483647):request_id>/reply", methods=["POST"])
@login_required
def reply(request_id):
    """Answer a pause (补正) with a message and materials; the request resumes (DB1302 5.4.1)."""
    req = _visible_request(request_id)
    typed = _typed("body")
    try:
        casefile.answer_pause(req, current_user._get_current_object(), typed["body"], request.files.getlist("files"),
                              platform(), expected_version=_expected_version())
    except RongtongError as exc:
        return _case_error(req, exc, "reply", typed)
    flash(_("Your answer was sent and the request resumed."), "success")
    return redirect(url_for("portal.follow_request", request_id=req.id))


@bp.route("/my/requests/<int(max=2147483647):request_id>/resubmit", methods=["POST"])
@login_required
def resubmit(request_id):
    """Correct what was filed after the request was returned to its first step, and resubmit."""
    req = _visible_request(request_id)
    typed = dict(request.form.items())
    try:
        wf = platform().engine.workflow_of(req)
        data, errors = parse_step_data(request.form, html_fields(wf.intake_schema))
        if errors:
            raise ValidationFailed(_("Invalid request data."), errors)
        casefile.resubmit(req, current_user._get_current_object(), data, typed.get("body", ""), platform(),
                          title=typed.get("title", ""), description=typed.get("description", ""),
                          expected_version=_expected_version())
    except RongtongError as exc:
        return _case_error(req, exc, "resubmit", typed)
    flash(_("Your corrections were sent."), "success")
    return redirect(url_for("portal.follow_request", request_id=req.id))


@bp.route("/my/requests/<int(max=2147483647):request_id>/files/<int(max=2147483647):attachment_id>")
@login_required
def download(request_id, attachment_id):
    """A file of the request shared with the enterprise (never an internal one)."""
    req = _visible_request(request_id)
    att = Attachment.get_or_none((Attachment.id == attachment_id) & (Attachment.owner_type == "core_servicerequest")
                                 & (Attachment.owner_id == str(req.id)) & (Attachment.internal == False))  # noqa: E712
    if att is None:
        abort(404)
    try:
        handle = open_attachment(att, platform().config)
    except NotFound:
        abort(404)
    # Always a download, never rendered inline: an uploaded HTML file cannot run on this site.
    return send_file(handle, mimetype="application/octet-stream", as_attachment=True, download_name=att.filename,
                     max_age=0)


@bp.route("/my/requests/<int(max=2147483647):request_id>/act", methods=["POST"])
@login_required
def act(request_id):
    """Take one outcome on the request (e.g. the enterprise's evaluation, a withdrawal)."""
    req = _visible_request(request_id)
    outcome = request.form.get("outcome", "")
    actions = {a.outcome: a for a in platform().engine.actions(req, current_user)}
    action = actions.get(outcome)
    if action is None:
        abort(400 if outcome not in dict(OUTCOMES) else 403)
    data, errors = parse_step_data(request.form, html_fields(action.schema))
    if errors:
        flash(_("The step data is invalid."), "error")
        return _render_request(req, outcome, errors, 422)
    version = request.form.get("version", "")
    try:
        platform().engine.transition(req.id, outcome, current_user._get_current_object(),
                                     reason=request.form.get("reason", ""), data=data,
                                     target=request.form.get("target") or None,
                                     expected_version=int(version) if version.isdigit() else None)
    except RongtongError as exc:
        flash(exc.message, "error")
        req = ServiceRequest.get_by_id(req.id)
        return _render_request(req, outcome, flatten_errors(exc.fields or {}), exc.http_status)
    flash(_("Done."), "success")
    return redirect(url_for("portal.follow_request", request_id=req.id))


@bp.route("/services/<key>/apply", methods=["GET", "POST"])
@login_required
def apply(key):
    """File a request for this service for the user's own enterprise (DB1302 4.4.4, 5.4.1)."""
    service = _service_or_404(key)
    if not _may_file():
        abort(403)
    wf = _workflow_of_service(service)
    schema_fields = html_fields(wf.intake_schema)
    values = {"title": "", "description": ""}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        values = {"title": request.form.get("title", "").strip(), "description": request.form.get("description", "")}
        data, errors = parse_step_data(request.form, schema_fields)
        if not values["title"]:
            errors["title"] = [_("A title is required.")]
        elif len(values["title"]) > 200:
            errors["title"] = [_("At most %(n)s characters.", n=200)]
        if not errors:
            try:
                req = platform().engine.open_request(
                    enterprise=current_user.enterprise, service_key=key, actor=current_user._get_current_object(),
                    title=values["title"], description=values["description"], data=data)
            except RongtongError as exc:
                fields = dict(exc.fields or {})
                nested = fields.pop("data", None)
                errors = flatten_errors(fields)
                if isinstance(nested, dict):
                    errors.update(flatten_errors(nested))
                errors.setdefault("_", [exc.message])
            else:
                flash(_("Your request has been filed."), "success")
                return redirect(url_for("portal.follow_request", request_id=req.id))
        status = 422 if errors else 200
        values.update({k: v for k, v in request.form.items() if k.startswith("data.")})
    return render_template("portal/apply.html", service=service, workflow=wf, fields=schema_fields,
                           values=values, errors=errors), status


# --- Self-registration (入驻申请, DB1302 4.4.4, 6.3) ---------------------------------------------------

def _inputs(fields) -> list[dict]:
    """The application's inputs for portal/_application_fields.html, labelled in the user's language."""
    lang = current_lang()
    return [{"name": f.name, "label": f.label(lang), "required": f.required, "kind": f.kind, "max_length": f.max_length,
             "choices": [(key, str(label)) for key, label in f.choices]} for f in fields]


def _application_form(values=None, errors=None, status=200):
    config = platform().config
    fields = _inputs(onboarding.FIELDS)
    return render_template("portal/enterprise_apply.html", fields=fields, values=values or {}, errors=errors or {},
                           extensions=sorted(allowed_extensions(config)), max_mb=max_bytes(config) / (1024 * 1024),
                           documents=onboarding.DOCUMENTS), status


@bp.route("/enterprises/apply", methods=["GET", "POST"])
def enterprise_apply():
    """The public application form (CSRF-protected like every form). A good application creates
    the enterprise (``applied``) and its user; the applicant is sent to log in and follow it."""
    if request.method == "GET":
        return _application_form()
    values = {name: request.form.get(name, "") for name in (f.name for f in onboarding.FIELDS)}
    confirm_errors = {}
    if values["password"] and request.form.get("confirm", "") != values["password"]:
        confirm_errors["confirm"] = [_("The two passwords differ.")]
    shown = {k: v for k, v in values.items() if k != "password"}
    try:
        app_ = onboarding.submit_application(values, request.files.getlist(onboarding.DOCUMENTS), platform().config,
                                             ip=client_ip(), language=current_lang(), extra_errors=confirm_errors)
    except onboarding.TooManyApplications as exc:
        return _application_form(shown, {"_": [exc.message]}, 429)
    except ValidationFailed as exc:
        errors = {**flatten_errors(exc.fields or {}), **({} if exc.fields else {"_": [exc.message]})}
        return _application_form(shown, errors, exc.http_status)
    flash(_("The application of %(name)s was sent. The platform reviews it and tells you its decision; log in as "
            "%(username)s to follow it.", name=app_.enterprise.name, username=app_.user.username), "success")
    return redirect(url_for("auth.login", next=url_for("portal.my_enterprise")), code=303)


def _own_enterprise():
    if not current_user.enterprise_id:
        abort(404)
    return Enterprise.get_by_id(current_user.enterprise_id)


def _render_enterprise(enterprise, values=None, errors=None, status=200):
    fields = _inputs(onboarding.AGAIN_FIELDS)
    again = onboarding.may_apply_again(enterprise)
    return render_template("portal/my_enterprise.html", enterprise=enterprise, statuses=dict(ENTERPRISE_STATUSES),
                           documents=list(attachments_of(enterprise)), may_file=_may_file(), again=again,
                           fields=fields, values=values if values is not None else enterprise.snapshot(),
                           errors=errors or {}, document_field=onboarding.DOCUMENTS), status


@bp.route("/my/enterprise")
@login_required
def my_enterprise():
    """The user's enterprise and its onboarding: status, the decision and its reason, documents;
    after a refusal, the form to correct the application and send it again."""
    return _render_enterprise(_own_enterprise())


@bp.route("/my/enterprise/apply-again", methods=["POST"])
@login_required
def enterprise_apply_again():
    """Correct a refused application and send it again (DB1302 4.4.4)."""
    enterprise = _own_enterprise()
    values = {f.name: request.form.get(f.name, "") for f in onboarding.AGAIN_FIELDS}
    try:
        onboarding.apply_again(enterprise, current_user._get_current_object(), values,
                               request.files.getlist(onboarding.DOCUMENTS), platform().config, ip=client_ip())
    except RongtongError as exc:
        errors = {**flatten_errors(exc.fields or {}), **({} if exc.fields else {"_": [exc.message]})}
        return _render_enterprise(Enterprise.get_by_id(enterprise.id), values, errors, exc.http_status)
    flash(_("Your application was sent again. The platform reviews it and tells you its decision."), "success")
    return redirect(url_for("portal.my_enterprise"), code=303)


# --- Notifications -------------------------------------------------------------------------------
# The user's inbox (core.notify; what the platform told them: paused, answered, admitted, surveys...).
# Opening one marks it read and follows its link (a POST with CSRF: reading changes state).

def notification_link(link: str) -> str | None:
    """A notification's link if it points into this site (a path, or the configured site URL)."""
    link = (link or "").strip()
    site = (platform().config.get("site.url") or "").rstrip("/")
    if site and link.startswith(site + "/"):
        link = link[len(site):]
    return safe_next(link)


def unread_count(user, cap: int = 99) -> int:
    """Unread notifications of ``user`` (counted up to ``cap``; the badge shows "99+")."""
    return (Notification.select(Notification.id)
            .where((Notification.user == user.id) & Notification.read_at.is_null()).limit(cap + 1).count())


@bp.route("/my/notifications")
@login_required
def notifications():
    """Newest first, ``PAGE_SIZE`` a page (``?before=<id>`` for the next), ``?unread=1`` for the
    unread ones only."""
    query = Notification.select().where(Notification.user == current_user.id)
    unread_only = request.args.get("unread") == "1"
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    before = request.args.get("before", type=int)
    if before:
        query = query.where(Notification.id < before)
    rows = list(query.order_by(Notification.id.desc()).limit(PAGE_SIZE + 1))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    items = [{"n": n, "link": notification_link(n.link)} for n in rows]
    return render_template("portal/notifications.html", items=items, unread_only=unread_only,
                           next_before=rows[-1].id if more else None)


@bp.route("/my/notifications/<int(max=2147483647):notification_id>/open", methods=["POST"])
@login_required
def notification_open(notification_id):
    """Mark one of the user's notifications read and go where it points (another user's: 404)."""
    n = Notification.get_or_none((Notification.id == notification_id) & (Notification.user == current_user.id))
    if n is None:
        abort(404)
    mark_read(current_user._get_current_object(), n.id)
    return redirect(notification_link(n.link) or url_for("portal.notifications"), code=303)


@bp.route("/my/notifications/read", methods=["POST"])
@login_required
def notifications_read():
    """Mark all of the user's notifications as read (only the user's own)."""
    mark_read(current_user._get_current_object())
    return redirect(url_for("portal.notifications"))


# --- Forms generated from marshmallow schemas (the same inputs as the staff request page) ---------------

def _action_form(action) -> dict:
    return {"outcome": action.outcome, "targets": list(action.targets), "needs_reason": action.outcome in NEEDS_REASON or action.needs_reason,
            "fields": html_fields(action.schema)}


def init_portal(app, platform_) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _portal_context():
        def badge():
            return unread_count(current_user) if current_user.is_authenticated else 0

        return {"unread_notifications": badge}
