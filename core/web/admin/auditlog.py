"""The audit log screen (DB1302 6.4.1.2 c; 5.3.2): read-only everywhere — no create, edit or
delete route works, whatever is posted — with filters by actor, object type and id, action and
date. The database refuses UPDATE and DELETE on the table as well (see core.audit).

What an event says is shown through the field vocabulary (issue 9 §1): the action and the object
type by their names, times in the site's zone, and the event's data as "label: value" lines —
changed fields by their labels with old → new values, choice keys by their labels — never JSON.
"""
from __future__ import annotations

import dataclasses

from flask import abort, g
from flask_admin import expose
from markupsafe import Markup

from rongtong.core.audit import event_data
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import OUTCOMES, AuditEvent, ServiceRequest
from rongtong.core.vocabulary import Choice, FieldSpec, describe_schema
from rongtong.core.web.admin.base import SecureModelView, current_platform, model_vocabulary, registry_choices, ui_lang
from rongtong.core.contract import CORE
from rongtong.core.web.admin.generated import make_view

LIST_TEXT_MAX = 300

#: What each recorded action is called (the core's and the built-in plugins' actions).
ACTION_LABELS = (
    ("create", _l("Created")), ("update", _l("Changed")), ("delete", _l("Deleted")),
    ("transition", _l("Workflow step")), ("review", _l("Onboarding review")), ("export", _l("Export")),
    ("login", _l("Logged in")), ("login_failed", _l("Login failed")), ("login_throttled", _l("Login throttled")),
    ("logout", _l("Logged out")), ("password_change", _l("Password changed")),
    ("permission_denied", _l("Access denied")), ("mark_read", _l("Marked as read")),
    ("bulk_load", _l("Bulk load")), ("status", _l("Status changed")), ("message", _l("Message")),
    ("agree_deadline", _l("Deadline agreed")), ("sla_warning", _l("Deadline warning")),
    ("sla_breach", _l("Deadline missed")), ("sla_board", _l("Escalated to the board")),
    ("assign", _l("Assigned")), ("route", _l("Routing changed")),
)

#: Labels of the keys events write besides a model's own fields.
DATA_LABELS = {
    "changes": _l("Changes"), "snapshot": _l("Record"), "outcome": _l("Outcome"), "from": _l("Changed from"),
    "to": _l("Changed to"), "reason": _l("Reason"), "status": _l("Status"), "data": _l("Step data"),
    "transition_id": _l("Transition"), "username": _l("User name"), "format": _l("Format"), "rows": _l("Rows"),
    "query": _l("Query"), "ids": _l("Records"), "permission": _l("Permission"), "method": _l("HTTP method"),
    "path": _l("Path"), "step": _l("Step"), "due": _l("Due"), "notified": _l("Notified"),
    "enterprises": _l("Enterprises"), "requests": _l("Requests"), "first_enterprise": _l("First enterprise"),
}


STEP_LABELS = {"from": _l("From step"), "to": _l("To step")}


def _models_by_table() -> dict:
    cache = g.get("_rt_audit_models")
    if cache is None:
        cache = g._rt_audit_models = {m._meta.table_name: m for m in current_platform().registry.model_owner}
    return cache


def _steps_spec() -> FieldSpec:
    spec = g.get("_rt_audit_steps_spec")
    if spec is None:
        spec = g._rt_audit_steps_spec = FieldSpec("step", choices=registry_choices("steps"), widget="choice")
    return spec


def _choice_fields() -> dict[str, list[FieldSpec]]:
    """Every registered model's choice columns by name: labels for the keys an event writes about
    a related record (a message's ``side``, a registration's ``status``)."""
    cache = g.get("_rt_audit_choices")
    if cache is None:
        cache = g._rt_audit_choices = {}
        for model in _models_by_table().values():
            for name, spec in model_vocabulary(model).items():
                if spec.choices:
                    cache.setdefault(name, []).append(spec)
    return cache


def _step_schema(request_id, step_key):
    """The schema of a request's step (to label its step data), memoised per page."""
    memo = g.setdefault("_rt_audit_steps", {})
    key = (request_id, step_key)
    if key not in memo:
        memo[key] = None
        req = ServiceRequest.get_or_none(ServiceRequest.id == request_id) if str(request_id).isdigit() else None
        if req is not None and step_key:
            try:
                memo[key] = current_platform().registry.workflow(req.workflow_key, req.workflow_version).step(step_key).schema
            except KeyError:
                pass
    return memo[key]


def _workflow_of(request_id, data: dict):
    """The workflow (at its version) of the request an event is about: from the event's own
    snapshot when it has one, else from the request (memoised per page); None when unknown."""
    key, version = data.get("workflow_key"), data.get("workflow_version")
    if not key:
        memo = g.setdefault("_rt_audit_request_workflows", {})
        if request_id not in memo:
            req = ServiceRequest.select(ServiceRequest.workflow_key, ServiceRequest.workflow_version).where(
                ServiceRequest.id == int(request_id)).first() if str(request_id).isdigit() else None
            memo[request_id] = (req.workflow_key, req.workflow_version) if req is not None else (None, None)
        key, version = memo[request_id]
    if not key:
        return None
    try:
        return current_platform().registry.workflow(key, version or 1)
    except KeyError:
        return None


def _intake_spec(spec: FieldSpec, workflow) -> FieldSpec:
    """A request's ``data`` column described by its workflow's ``intake_schema`` (what the
    enterprise filed, by the labels of the portal's form)."""
    if workflow is None or workflow.intake_schema is None:
        return spec
    return dataclasses.replace(spec, widget="table", columns=tuple(describe_schema(workflow.intake_schema)))


def _known_choices(spec: FieldSpec, value) -> FieldSpec:
    """For a nested value with no vocabulary of its own (a JSON column the model does not
    describe): its keys that name a choice column of a registered model get that column's labels
    for their values, so nothing nested shows a raw choice key either."""
    rows = value if isinstance(value, list) else [value]
    if spec.columns or not rows or not all(isinstance(r, dict) for r in rows):
        return spec
    columns = []
    for row in rows:
        for key, v in row.items():
            if any(c.name == key for c in columns):
                continue
            found = next((c for c in _choice_fields().get(key, ())
                          if any(str(choice.key) == str(v) for choice in c.choices)), None)
            columns.append(dataclasses.replace(found, name=key) if found is not None else FieldSpec(str(key)))
    return dataclasses.replace(spec, widget="table", columns=tuple(columns))


def event_lines(event) -> list[tuple[str, str]]:
    """``[(label, text)]`` for what one audit event records."""
    lang, tz = ui_lang(), current_platform().calendar.tz
    data = event_data(event)
    model = _models_by_table().get(event.object_type)
    fields = model_vocabulary(model) if model is not None else {}
    if model is ServiceRequest:
        snapshot = data.get("snapshot") if isinstance(data.get("snapshot"), dict) else data
        fields["data"] = _intake_spec(fields["data"], _workflow_of(event.object_id, snapshot))
    hidden = set(getattr(model, "audit_exclude", ())) if model is not None else set()
    steps = _steps_spec()
    status = fields.get("status")

    def spec_for(key) -> FieldSpec:
        if key in fields:
            return fields[key]
        if key == "outcome":
            return FieldSpec(key, choices=tuple(Choice(k, v) for k, v in OUTCOMES), widget="choice")
        if key in ("from", "to"):
            if status is not None and any(str(c.key) == str(data.get(key)) for c in status.choices):
                return status
            return steps
        if key == "step":
            return steps
        value = data.get(key)
        for spec in _choice_fields().get(key, ()):
            if any(str(c.key) == str(value) for c in spec.choices):
                return spec
        return FieldSpec(key, label=DATA_LABELS.get(key, ""))

    memo = g.setdefault("_rt_audit_memo", {})  # labels are lazy strings: translate each once per page

    def label(key) -> str:
        found = memo.get(("label", event.object_type, key, data.get(key) if key in ("from", "to") else None))
        if found is None:
            if key in fields:
                found = fields[key].title(lang)
            elif key in ("from", "to") and spec_for(key) is steps:
                found = str(STEP_LABELS[key])
            else:
                found = str(DATA_LABELS.get(key) or key)
            memo[("label", event.object_type, key, data.get(key) if key in ("from", "to") else None)] = found
        return found

    def show(key, value) -> str:
        if not isinstance(value, (str, int, float, bool, type(None))):
            return _known_choices(spec_for(key), value).display(value, lang, tz)
        cache_key = ("value", event.object_type, key, type(value).__name__, value)
        if cache_key not in memo:
            memo[cache_key] = spec_for(key).display(value, lang, tz)
        return memo[cache_key]

    lines = []
    for key, value in data.items():
        if key == "changes" and isinstance(value, dict):
            for name, pair in value.items():
                if name in hidden or name.endswith("_hash"):
                    continue
                old, new = (list(pair) + [None, None])[:2] if isinstance(pair, (list, tuple)) else (None, pair)
                lines.append((label(name), f"{show(name, old)} → {show(name, new)}"))
        elif key == "snapshot" and isinstance(value, dict):
            for name, v in value.items():
                if name in hidden or name.endswith("_hash") or v in (None, "", [], {}):
                    continue
                lines.append((label(name), show(name, v)))
        elif key == "data" and event.action == "transition" and isinstance(value, dict):
            schema = _step_schema(event.object_id, data.get("from"))
            spec = FieldSpec("data", widget="table", columns=tuple(describe_schema(schema)))
            if value:
                lines.append((label(key), spec.display(value, lang, tz)))
        elif value not in (None, "", [], {}):
            lines.append((label(key), show(key, value)))
    return lines


def event_text(event, limit=None) -> str:
    text = "; ".join(f"{label}: {value}" for label, value in event_lines(event))
    return text[: limit - 1] + "…" if limit and len(text) > limit else text


def event_html(event) -> Markup:
    items = Markup("").join(Markup("<dt>{}</dt><dd>{}</dd>").format(label, value) for label, value in event_lines(event))
    return Markup('<dl class="rt-value-pairs">{}</dl>').format(items)


class AuditLogView(SecureModelView):
    permission = "core.audit.view"
    attachments_enabled = False
    allow_create = False
    allow_edit = False
    allow_delete = False
    column_list = ["id", "created_at", "actor_name", "action", "object_type", "object_id", "ip", "data"]
    column_filters = ["actor_name", "actor_id", "object_type", "object_id", "action", "created_at", "ip"]
    column_searchable_list = []
    column_default_sort = ("id", True)
    column_sortable_list = ["id", "created_at"]
    column_details_exclude_list = []
    extra_choice_columns = ("action",)
    column_formatters = {"data": lambda v, c, m, n: event_text(m, LIST_TEXT_MAX)}
    column_formatters_detail = {"data": lambda v, c, m, n: event_html(m)}
    column_formatters_export = {"data": lambda v, c, m, n: event_text(m)}

    def extra_vocabulary(self):
        return {"action": FieldSpec("action", label=AuditEvent._meta.fields["action"].verbose_name, widget="choice",
                                    choices=tuple(Choice(k, v) for k, v in ACTION_LABELS)),
                "created_at": FieldSpec("created_at", label=AuditEvent._meta.fields["created_at"].verbose_name,
                                        widget="datetime", format="%Y-%m-%d %H:%M:%S")}

    def _read_only(self, *args, **kwargs):
        abort(404)

    # Nothing here writes, even if someone posts to these routes directly.
    create_model = update_model = delete_model = _read_only

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        abort(404)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        abort(404)

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        abort(404)

    @expose("/action/", methods=("POST",))
    def action_view(self):
        abort(404)

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self):
        abort(404)


def audit_view():
    return make_view(AuditEvent, CORE, "core.audit.view", view_class=AuditLogView, name=_l("Audit log"),
                     category=_l("Platform"), slug="auditevent")
