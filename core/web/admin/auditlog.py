"""The audit log screen (DB1302 6.4.1.2 c; 5.3.2): read-only everywhere — no create, edit or
delete route works, whatever is posted — with filters by actor, object type and id, action and
date. The database refuses UPDATE and DELETE on the table as well (see core.audit)."""
from __future__ import annotations

from flask import abort
from flask_admin import expose
from markupsafe import Markup

from core.i18n import lazy_gettext as _l
from core.models import AuditEvent
from core.web.admin.base import SecureModelView


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
    column_formatters = {
        "data": lambda v, c, m, n: Markup("<code>{}</code>").format((m.data or "")[:300]),
    }
    column_formatters_export = {"data": lambda v, c, m, n: m.data}

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
    from core.plugins import CORE
    from core.web.admin.generated import make_view

    return make_view(AuditEvent, CORE, "core.audit.view", view_class=AuditLogView, name=_l("Audit log"),
                     category=_l("Platform"), slug="auditevent")
