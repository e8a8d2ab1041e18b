"""Helpers for the admin tests (imported by tests/core/web/test_admin_*.py)."""
from __future__ import annotations

import dataclasses
import re

ADMIN_HOME = "/admin/"


def page_csrf(client, path=ADMIN_HOME) -> str:
    """The CSRF token of the client's session, read from an admin page's form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def grant(platform, permission: str, *roles: str) -> None:
    """Grant ``roles`` a permission, as an operator would (the registry is per app)."""
    perm = platform.registry.permissions[permission]
    platform.registry.permissions[permission] = dataclasses.replace(perm, roles=tuple(perm.roles) + roles)


def let_enterprises_edit(app, endpoint: str) -> None:
    """What ``AdminViewSpec(enterprise_may_edit=True)`` says: enterprise users granted the
    screen's permission may create, edit and delete (their own rows) -- off by default."""
    admin_view(app, endpoint).enterprise_may_edit = True


def admin_view(app, endpoint: str):
    admin = app.extensions["rongtong_admin"]
    for view in admin._views:
        if view.endpoint == endpoint:
            return view
    raise KeyError(endpoint)


def filter_arg(view, column, operation_startswith="equals") -> str:
    """The URL argument (``flt0_<idx>``) of ``view``'s filter on ``column`` with that operation."""
    for idx, flt in enumerate(view._filters):
        if getattr(flt, "column", None) is column and str(flt.operation()).lower().startswith(operation_startswith):
            return f"flt0_{view.get_filter_arg(idx, flt)}"
    raise KeyError(column)


def open_request(platform, people, enterprise=None, title="需要融资辅导", assignee=None):
    return platform.engine.open_request(enterprise=enterprise or people.ent_a, service_key="sample",
                                        actor=people.staff, title=title, assignee=assignee)
