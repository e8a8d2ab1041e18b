"""The admin screen "声明式服务" (issue 11 §5): every declared service with its state, and a
preview of each one.

``/admin/core/declared/`` lists the declared services — every plugin whose object has a
``declaration`` (duck-typed: this surface never imports :mod:`core.declared`, the layer above it)
— with its file, its current workflow version, the versions stored with the requests still open on
each (DB1302 5.4.1: a running request keeps the version it was filed under), its registers with
their tables and whether ``rongtong db upgrade`` still has to create something, and whether it is
enabled. ``/admin/core/declared/<key>/`` previews one service: the catalog entry as the portal shows
it (DB1302 4.1.4 fee type and standard, 5.4.1 published limit, 5.1.2 department), the intake form and
each step's form drawn by the same field macros as the portal and the request page — once as the
enterprise sees them, once as the staff do — each step's roles, time limit, outcomes, effects,
guards and who is notified, and the workflow as a diagram (:mod:`.diagram`). ``?version=N``
previews a stored older version.

Permission ``core.service.view``, granted to staff: the people who answer enterprises about a
service see how it is set up; nothing here changes anything.
"""
from __future__ import annotations

from flask import abort, current_app, request
from flask_admin import expose

from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import OUTCOMES, ROLES
from rongtong.core.routing import route_of
from rongtong.core.web.admin.base import SecureBaseView, current_platform, local_time, ui_lang
from rongtong.core.web.admin.diagram import workflow_svg
from rongtong.core.web.admin.routing import department_label
from rongtong.core.web.fieldforms import html_fields

PERMISSION = "core.service.view"

NOTIFY_LABELS = {"enterprise": _l("The enterprise"), "assignee": _l("The assignee"),
                 "department": _l("The department's staff")}
#: The core's effects and guards (core/declared/effects.py), by what they do.
EFFECT_LABELS = {
    "record": _l("Copy step fields into the request's record"),
    "add_row": _l("Create a register row from step data"),
    "assign_lead": _l("Assign the lead expert from a step field"),
    "schedule": _l("Run a step's clock from a date field"),
    "survey_report": _l("Analyse a needs survey into a register"),
    "row_exists": _l("Refuse to advance until a register row exists"),
}


def list_separator(lang: str) -> str:
    """What separates the items of a short list: 、 in Chinese, a comma in English."""
    return ", " if lang == "en" else "、"


def _pick(zh: str, en: str, lang: str) -> str:
    return en if lang == "en" and en else zh


# --- Which plugins are declared services --------------------------------------------------------------

def declared_plugins(registry) -> list[tuple[str, object]]:
    """``[(name, module)]`` of the enabled plugins that are declared services, by name."""
    return sorted((name, p.module) for name, p in registry.plugins.items() if hasattr(p.module, "declaration"))


def disabled_declared(registry) -> list[tuple[str, object]]:
    """Declared services a plugin package ships that ``[plugins] enabled`` does not list (loaded
    once per app; a package that fails to import is the plugin listing's business, not this page's)."""
    cache = current_app.extensions.setdefault("rongtong_disabled_declared", {})
    if "found" not in cache:
        found = []
        for name, ep in sorted(registry.available.items()):
            if name in registry.plugins:
                continue
            try:
                module = ep.load()
            except Exception:  # noqa: BLE001 -- any import failure: not shown here
                continue
            if hasattr(module, "declaration"):
                found.append((name, module))
        cache["found"] = found
    return cache["found"]


# --- The list -------------------------------------------------------------------------------------------

def missing_text(item: str) -> str:
    """One thing ``describe()`` says ``db upgrade`` must create (``table t`` / ``column t.c``), in words."""
    kind, _sep, name = item.partition(" ")
    if kind == "table":
        return _("table %(name)s does not exist yet", name=name)
    return _("column %(name)s does not exist yet", name=name)


def register_rows(info: dict, data: dict, lang: str) -> list[dict]:
    titles = {r["key"]: _pick(r["title"], r["title_en"], lang) for r in data["registers"]}
    return [{"title": titles.get(r["key"], r["table"]), "table": r["table"],
             "missing": [missing_text(m) for m in r["missing"]]} for r in info["registers"]]


def service_row(name: str, module, lang: str) -> dict:
    """What the list shows of one enabled declared service (from ``module.describe()``)."""
    info = module.describe()
    data = module.declaration.data
    service = _head(data)
    registers = register_rows(info, data, lang)
    return {"key": name, "title": service["title"], "title_en": service["title_en"], "source": info["source"],
            "version": info["version"] if data.get("service") else None, "enabled": True,
            "is_service": bool(data.get("service")),
            "versions": [{"version": v["version"], "created_at": local_time(v["created_at"]),
                          "open_requests": v["open_requests"], "current": v["version"] == info["version"]}
                         for v in info["versions"]],
            "registers": registers, "needs_upgrade": any(r["missing"] for r in registers)}


def disabled_row(name: str, module) -> dict:
    service = _head(module.declaration.data)
    return {"key": name, "title": service["title"], "title_en": service["title_en"],
            "source": module.declaration.path, "version": None, "enabled": False, "versions": [], "registers": [],
            "needs_upgrade": False, "is_service": False}


def _head(data: dict) -> dict:
    """The file's ``[service]`` table, or its ``[plugin]`` table (a declaration of registers only)."""
    return data.get("service") or data["plugin"]


# --- One service ---------------------------------------------------------------------------------------

def _field_labels(decls: list, lang: str) -> dict:
    return {f["key"]: _pick(f["label"], f["label_en"], lang) for f in decls or ()}


def effect_text(ref: dict, data: dict, step: dict | None, lang: str, registry) -> dict:
    """A named effect or guard of the file in words: what it does, and its parameters by their labels."""
    use = ref["use"]
    plugin_effect = registry.effects.get(use)
    what = EFFECT_LABELS.get(use) or (_(plugin_effect.description) if plugin_effect and plugin_effect.description
                                      else use)
    registers = {r["key"]: r for r in data["registers"]}
    reg = registers.get(ref.get("register"))
    own = _field_labels(step["fields"] if step else data["intake"], lang)
    columns = _field_labels(reg["fields"], lang) if reg else {}
    details = []
    if reg is not None:
        details.append(_("Register: %(title)s", title=_pick(reg["title"], reg["title_en"], lang)))
    if ref.get("field"):
        details.append(_("Field: %(label)s", label=own.get(ref["field"], ref["field"])))
    for column, source in (ref.get("set") or {}).items():
        details.append(_("%(column)s ← %(source)s", column=columns.get(column, column),
                         source=_("all the step's data") if source == "*" else own.get(source, source)))
    if ref.get("step"):
        titles = {s["key"]: _pick(s["title"], s["title_en"], lang) for s in data["steps"]}
        details.append(_("Step: %(title)s", title=titles.get(ref["step"], ref["step"])))
    if ref.get("message"):
        details.append(_("Message: %(text)s", text=_pick(ref["message"], ref.get("message_en", ""), lang)))
    return {"what": str(what), "details": details}


def notify_text(target: str) -> str:
    if target.startswith("role:"):
        return _("Users with the role %(role)s", role=dict(ROLES).get(target[5:], target[5:]))
    return str(NOTIFY_LABELS.get(target, target))


def step_rows(workflow, data: dict, lang: str, registry) -> list[dict]:
    """Each step with what the preview shows of it: the staff's form, the enterprise's view of it,
    roles, time limit, outcomes, effects, guards and recipients."""
    roles, outcomes = dict(ROLES), dict(OUTCOMES)
    declared = {s["key"]: s for s in data["steps"]}
    rows = []
    for i, step in enumerate(workflow.steps):
        decl = declared.get(step.key, {})
        fields = html_fields(step.schema)
        rows.append({
            "index": i + 1, "key": step.key, "title": step.label(lang), "description": step.description,
            "roles": [str(roles.get(r, r)) for r in step.roles], "days": step.time_limit_days,
            "outcomes": [str(outcomes.get(o, o)) for o in step.outcomes],
            "next": [workflow.step(k).label(lang) for k in workflow.next_of(step.key)] if "advance" in step.outcomes else [],
            "returns": [workflow.step(k).label(lang) for k in workflow.returns_of(step.key)]
            if "return" in step.outcomes else [],
            "effects": [effect_text(r, data, decl, lang, registry) for r in decl.get("effects", ())],
            "guards": [effect_text(r, data, decl, lang, registry) for r in decl.get("guards", ())],
            "notify": [notify_text(t) for t in decl.get("notify", ())],
            "fields": fields, "enterprise_acts": "enterprise" in step.roles,
            "visible_fields": [f for f in fields if f["spec"].enterprise_visible],
            "internal": [f["label"] for f in fields if not f["spec"].enterprise_visible],
        })
    return rows


def catalog_entry(key: str, workflow, platform, lang: str) -> dict:
    """The catalog entry as the portal's service guide shows it."""
    service = platform.registry.services[key]
    route = route_of(key, platform.registry)
    return {"title": _pick(service.title, service.title_en, lang),
            "description": _pick(service.description, service.description_en, lang),
            "free": service.fee_type == "free", "fee_standard": service.fee_standard,
            "time_limit_days": platform.engine.service_limit(key, workflow),
            "department": department_label(route.department, lang) or (
                _("%(key)s: no such department (requests wait unrouted)", key=route.key) if route.broken else "")}


class DeclaredServicesView(SecureBaseView):
    """``/admin/core/declared/``: the declared services, and a preview of each."""

    permission = PERMISSION

    def __init__(self):
        super().__init__(name=_l("Declared services"), endpoint="core_declared", url="core/declared",
                         category=_l("Platform"))

    @expose("/")
    def index(self):
        registry = current_platform().registry
        lang = ui_lang()
        rows = [service_row(name, module, lang) for name, module in declared_plugins(registry)]
        rows += [disabled_row(name, module) for name, module in disabled_declared(registry)]
        return self.render("admin/rt/declared_list.html", rows=rows, lang=lang, sep=list_separator(lang))

    @expose("/<key>/")
    def preview(self, key):
        platform = current_platform()
        registry = platform.registry
        module = dict(declared_plugins(registry)).get(key)
        if module is None or key not in registry.services:
            abort(404)
        lang = ui_lang()
        info = module.describe()
        versions = sorted(v for (k, v) in registry.workflow_versions if k == key)
        raw = request.args.get("version", "")
        if raw and (not raw.isdigit() or int(raw) not in versions):
            return self.render("admin/rt/message.html", title=_(
                "Version %(version)s of this service is not stored (versions: %(known)s).",
                version=raw[:20], known=", ".join(map(str, versions))), messages=[],
                back=self.get_url(".preview", key=key)), 400
        version = int(raw) if raw else info["version"]
        workflow = registry.workflow(key, version)
        data = getattr(workflow, "declaration", None) or module.declaration.data
        return self.render(
            "admin/rt/declared_preview.html", key=key, lang=lang, version=version, versions=versions,
            current=info["version"], source=info["source"], entry=catalog_entry(key, workflow, platform, lang),
            intake=html_fields(workflow.intake_schema), steps=step_rows(workflow, data, lang, registry),
            diagram=workflow_svg(workflow, lang), workflow_title=workflow.label(lang),
            registers=register_rows(info, module.declaration.data, lang), sep=list_separator(lang))


def declared_view() -> DeclaredServicesView:
    return DeclaredServicesView()
