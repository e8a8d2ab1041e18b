"""Enterprises (DB1302 6.1): enterprise users see their own, staff see all; anyone entitled may
apply for onboarding (DB1302 4.4.4: the application is reviewed, so it starts as ``applied``)."""
from __future__ import annotations

import peewee
from flask import url_for

from rongtong.core import audit
from rongtong.core.db import database
from rongtong.core.errors import Conflict, PermissionDenied, ValidationFailed
from rongtong.core.i18n import gettext as _
from rongtong.core.models import Enterprise, User
from rongtong.core.security import has_permission, is_staff, scope_query
from rongtong.core.web.api.auth import api_user
from rongtong.core.web.api.resources.common import ID, keyset_page, platform, scoped_or_404
from rongtong.core.web.api.routing import Operation, body, query
from rongtong.core.web.api.schemas import EnterprisePageSchema, EnterpriseQuerySchema, EnterpriseSchema

FILTERS = ("status", "scale", "kind", "region", "industry")


def list_enterprises():
    user, args = api_user(), query()
    q = scope_query(Enterprise.select(), Enterprise, user)
    for name in FILTERS:
        if name in args:
            q = q.where(getattr(Enterprise, name) == args[name])
    if "q" in args:
        q = q.where(Enterprise.name.contains(args["q"]))
    items, next_cursor = keyset_page(q, Enterprise.id, args["limit"], args.get("cursor"))
    return {"items": items, "next_cursor": next_cursor}


def get_enterprise(enterprise_id):
    return scoped_or_404(Enterprise, enterprise_id, api_user(), _("Enterprise not found."))


def apply_enterprise():
    """Register an enterprise for onboarding review (status ``applied``). Staff register any
    applicant; an enterprise user not yet linked to an enterprise applies for its own, and is
    linked to it."""
    user, data = api_user(), body()
    staff = is_staff(user) and has_permission(user, "core.enterprise.edit", platform().registry)
    if not staff:
        if not user.has_role("enterprise"):
            raise PermissionDenied(_("You may not register enterprises."))
        if user.enterprise_id is not None:
            raise PermissionDenied(_("You already belong to an enterprise; ask the platform staff to register another."))
    data["credit_code"] = data["credit_code"].strip().upper()
    if Enterprise.select().where(Enterprise.credit_code == data["credit_code"]).exists():
        raise ValidationFailed(_("The data is invalid."), {
            "credit_code": [_("An enterprise with this credit code is already registered.")]})
    try:
        with database.atomic():
            enterprise = Enterprise.create(status="applied", **data)
            audit.record_create(enterprise, user)
            if not staff:
                before = user.snapshot()
                User.update(enterprise=enterprise).where(User.id == user.id).execute()
                user.enterprise = enterprise
                audit.record_update(user, before, user)
    except peewee.IntegrityError:
        raise Conflict(_("An enterprise with this credit code is already registered."))
    location = url_for("api.enterprise", enterprise_id=enterprise.id)
    return enterprise, 201, {"Location": location}


def operations():
    return [
        Operation("core", "enterprises", "GET", list_enterprises, "enterprises",
                  summary="Enterprises in the caller's scope (newest first, cursor pages)", tag="enterprises",
                  query_schema=EnterpriseQuerySchema, response_schema=EnterprisePageSchema,
                  permission="core.enterprise.view"),
        Operation("core", "enterprises", "POST", apply_enterprise, "enterprises",
                  summary="Apply for onboarding (status: applied, reviewed by staff)", tag="enterprises",
                  request_schema=EnterpriseSchema, response_schema=EnterpriseSchema, status=201),
        Operation("core", f"enterprises/<{ID}:enterprise_id>", "GET", get_enterprise, "enterprise",
                  summary="One enterprise (404 outside the caller's scope)", tag="enterprises",
                  response_schema=EnterpriseSchema, permission="core.enterprise.view"),
    ]
