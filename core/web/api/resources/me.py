"""``GET /api/v1/me``: who am I, with which roles and permissions."""
from __future__ import annotations

from rongtong.core.security import has_permission
from rongtong.core.web.api.auth import api_user
from rongtong.core.web.api.resources.common import platform
from rongtong.core.web.api.routing import Operation
from rongtong.core.web.api.schemas import MeSchema


def get_me():
    user = api_user()
    registry = platform().registry
    return {
        "id": user.id, "username": user.username, "display_name": user.display_name, "email": user.email,
        "roles": list(user.roles), "enterprise_id": user.enterprise_id, "department_id": user.department_id,
        "language": user.language,
        "permissions": sorted(key for key in registry.permissions if has_permission(user, key, registry)),
    }


def operations():
    return [Operation("core", "me", "GET", get_me, "me", summary="The caller: roles and permissions",
                      tag="me", response_schema=MeSchema)]
