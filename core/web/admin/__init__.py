"""The staff admin (issue 3 §2): Flask-Admin 2.2 on the core's one secure base view.

``init_admin(app, platform)`` builds the admin for one app: the dashboard as the (protected)
index, the request page, onboarding review, the audit log, attachments, services and departments
(routing), the e-mail outbox, the declared services (their state and a preview of each), the compliance
evidence, the core models' screens and one generated screen for every
``AdminViewSpec`` a plugin registers. Every view is a
:class:`SecureModelView` or :class:`SecureBaseView` (a test walks them all).
"""
from __future__ import annotations

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.contract import CORE
from rongtong.core.web.admin.base import AdminSecureForm, SecureBaseView, SecureModelView
from rongtong.core.web.admin.attachments import attachment_view
from rongtong.core.web.admin.auditlog import audit_view
from rongtong.core.web.admin.compliance import ComplianceView
from rongtong.core.web.admin.dashboard import DashboardView
from rongtong.core.web.admin.declared import declared_view
from rongtong.core.web.admin.generated import check_unique, core_views, plugin_views
from rongtong.core.web.admin.onboarding import OnboardingView
from rongtong.core.web.admin.outbox import outbox_view
from rongtong.core.web.admin.requests import RequestPageView
from rongtong.core.web.admin.routing import RoutingView
from rongtong.core.web.headers import csp_nonce

__all__ = ["init_admin", "SecureModelView", "SecureBaseView", "AdminSecureForm"]


def init_admin(app, platform) -> Admin:
    admin = Admin(name=_l("Rongtong"), index_view=DashboardView(), url="/admin",
                  theme=Bootstrap4Theme(base_template="admin/rt/base.html", fluid=True),
                  csp_nonce_generator=csp_nonce)
    owned = [(CORE, v) for v in core_views()]
    owned += [(CORE, RequestPageView()), (CORE, OnboardingView()), (CORE, audit_view()), (CORE, attachment_view()),
              (CORE, RoutingView()), (CORE, outbox_view()), (CORE, declared_view()), (CORE, ComplianceView())]
    owned += plugin_views(platform.registry)
    check_unique(owned)
    for _owner, view in owned:
        admin.add_view(view)
    admin.init_app(app)
    app.extensions["rongtong_admin"] = admin
    return admin
