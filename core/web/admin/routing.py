"""The admin screen "服务与部门" (DB1302 5.1.2: each service is served by a department).

Lists every registered service with the department its new requests go to and where that comes
from — this screen (a :class:`~core.models.ServiceRoute` row), ``[routing] services`` in config or
the service's default — and lets an administrator or a user holding ``core.department.manage``
change it (or go back to config / the default). Each change is one transaction with its audit
event (:func:`core.routing.set_route`).
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose

from rongtong.core.errors import ValidationFailed
from rongtong.core.i18n import _, lazy_gettext as _l
from rongtong.core.models import Department
from rongtong.core.routing import route_of, set_route
from rongtong.core.web.admin.base import SecureBaseView, acting_user, current_platform, ui_lang

SOURCE_LABELS = {
    "admin": _l("set on this screen"),
    "config": _l("configuration ([routing] services)"),
    "default": _l("the service's default"),
    "none": _l("not routed"),
}


def department_label(department, lang) -> str:
    if department is None:
        return ""
    return department.name_en if lang == "en" and department.name_en else department.name


class RoutingView(SecureBaseView):
    """``/admin/core/routing/``: services and the departments that serve them."""

    permission = "core.department.manage"

    def __init__(self):
        super().__init__(name=_l("Services and departments"), endpoint="core_routing", url="core/routing",
                         category=_l("Platform"))

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "GET":
            return self._render()
        service_key = (request.form.get("service") or "").strip()
        raw = (request.form.get("department") or "").strip()
        try:
            route = set_route(service_key, raw or None, acting_user(), current_platform().registry)
        except ValidationFailed as exc:
            flash(exc.message, "error")
            return self._render(status=422, errors=exc.fields, failed=service_key)
        lang = ui_lang()
        flash(_("%(service)s: %(department)s (%(source)s).", service=self._title(service_key, lang),
                department=department_label(route.department, lang) or route.key or _("not routed"),
                source=str(SOURCE_LABELS[route.source])), "success")
        return redirect(url_for(".index"), code=303)

    def _title(self, key, lang) -> str:
        service = current_platform().registry.services.get(key)
        if service is None:
            return key
        return service.title_en if lang == "en" and service.title_en else service.title

    def _render(self, status=200, errors=None, failed=None):
        registry = current_platform().registry
        lang = ui_lang()
        departments = list(Department.select().order_by(Department.key))
        rows = []
        for key in sorted(registry.services):
            route = route_of(key, registry)
            rows.append({"key": key, "title": self._title(key, lang), "owner": _plugin_title(registry, registry.service_owner.get(key, "")),
                         "route": route, "department": department_label(route.department, lang),
                         "source": str(SOURCE_LABELS[route.source])})
        return self.render("admin/rt/routing.html", rows=rows, departments=departments, lang=lang,
                           department_label=department_label, errors=errors or {}, failed=failed), status


def _plugin_title(registry, name: str) -> str:
    """The plugin that declares a service, by its title (its name only when it has none)."""
    plugin = registry.plugins.get(name)
    return str(getattr(plugin, "title", "") or name) if plugin is not None else name
