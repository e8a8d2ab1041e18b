"""Routing (DB1302 5.1.2 departments; 4.4.4 the comprehensive management board): which department
serves a request and who is to act on it.

:func:`handlers_of` is the one answer to "whom do we tell about this request?" used by every sender
(the enterprise's reply, materials supplied, escalations): the assignee, else the members of the
request's department, else the administrators.
"""
from __future__ import annotations

from core.models import ServiceRequest, User


def _active_staff():
    return User.select().where((User.active == True) & User.roles.contains("staff"))  # noqa: E712


def department_members(department_id) -> list[User]:
    if not department_id:
        return []
    return list(_active_staff().where(User.department == department_id).order_by(User.id))


def admins() -> list[User]:
    return list(User.select().where((User.active == True) & User.roles.contains("admin")).order_by(User.id))  # noqa: E712


def handlers_of(request: ServiceRequest) -> list[User]:
    """Who acts on ``request`` now: its assignee when active, else its department's staff, else
    the administrators (nobody else is there)."""
    if request.assignee_id:
        user = User.get_or_none((User.id == request.assignee_id) & (User.active == True))  # noqa: E712
        if user is not None:
            return [user]
    members = department_members(request.department_id)
    return members or admins()
