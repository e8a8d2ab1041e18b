"""Routing (DB1302 5.1.2 departments; 4.4.4 the comprehensive management board): which department
serves a request, who is to act on it, and whom an escalation reaches.

* :func:`department_for` — the department of a service: the admin screen "服务与部门"
  (a :class:`~core.models.ServiceRoute` row), else ``[routing] services`` in config, else the
  ``department`` default of the :class:`~core.contract.ServiceEntry`. A key naming no department
  leaves the request unrouted (with a warning in the log), never an error.
* :func:`pick_assignee` — round-robin over the department's active members who may act on a step,
  with ``Department.last_assignee_id`` as the pointer (``[routing] assign = "none"``: nobody).
* :func:`assign` — a department head, staff with ``core.request.edit`` or an admin hands a request
  to someone: one transaction with its audit event and the new assignee's notification.
* :func:`announce_filed` / :func:`announce_assigned` — who is told when a request is filed or
  handed to someone (called by :class:`core.workflow.WorkflowEngine`, inside its transaction).
* :func:`escalation_chain` — handler → department head(s) → the board's members
  (``[routing] board_department``); the administrators only when nobody else is there.
* :data:`QUEUES` / :func:`queue_terms` — the staff inbox's "mine / my department / unassigned",
  as index-friendly SQL terms shared by the admin dashboard and the API.
* :func:`handlers_of` — the one answer to "whom do we tell about this request?" for every
  sender (the enterprise's reply, materials supplied).
"""
from __future__ import annotations

import dataclasses
import logging

import peewee

from rongtong.core import audit
from rongtong.core.db import database, is_postgres
from rongtong.core.errors import ConfigError, Conflict, NotFound, PermissionDenied, ValidationFailed, WorkflowError
from rongtong.core.i18n import gettext as _, lazy_gettext as _l
from rongtong.core.models import Department, ServiceRequest, ServiceRoute, User
from rongtong.core.vocabulary import Bilingual
from rongtong.core.notify import notify_many
from rongtong.core.notify import notify
from rongtong.core.security import has_permission

log = logging.getLogger(__name__)

ASSIGNABLE_ROLES = ("staff", "expert", "evaluator")  # who may be handed a request
QUEUES = ("mine", "department", "unassigned")
SR = ServiceRequest


def staff_link(request_id: int) -> str:
    """The staff's page of a request (the link of every notification sent to staff)."""
    return f"/admin/core/request/{request_id}/"


def _active():
    return User.active == True  # noqa: E712


def _active_staff():
    return User.select().where(_active() & User.roles.contains("staff"))


def _has_role(roles_column, *roles):
    cond = None
    for role in roles:
        expr = roles_column.contains(role)
        cond = expr if cond is None else (cond | expr)
    return cond


def department_members(department_id) -> list[User]:
    """The active staff of a department, oldest account first."""
    if not department_id:
        return []
    return [u for u in _active_staff().where(User.department == department_id).order_by(User.id)
            if u.has_role("staff")]


def admins() -> list[User]:
    return [u for u in User.select().where(_active() & User.roles.contains("admin")).order_by(User.id)
            if u.has_role("admin")]


def handlers_of(request: ServiceRequest) -> list[User]:
    """Who acts on ``request`` now: its assignee when active, else its department's staff, else
    the administrators (nobody else is there)."""
    if request.assignee_id:
        user = User.get_or_none((User.id == request.assignee_id) & _active())
        if user is not None:
            return [user]
    members = department_members(request.department_id)
    return members or admins()


# --- Which department serves a service -------------------------------------------------------------

SOURCES = ("admin", "config", "default", "none")


@dataclasses.dataclass(frozen=True)
class Route:
    """Where a service's requests go and who decided it: ``source`` is ``admin`` (the screen
    "服务与部门"), ``config`` (``[routing] services``), ``default`` (the plugin's ServiceEntry) or
    ``none``. ``key`` is the department key that source names (it may name no department: then
    ``department`` is None and the request waits unrouted)."""

    service_key: str
    source: str
    key: str = ""
    department: Department | None = None

    @property
    def broken(self) -> bool:
        return bool(self.key) and self.department is None


def route_of(service_key: str, registry) -> Route:
    """The route of ``service_key``: the admin's choice, else config, else the service's default."""
    row = (ServiceRoute.select(ServiceRoute, Department).join(Department)
           .where(ServiceRoute.service_key == service_key).first())
    if row is not None:
        return Route(service_key, "admin", row.department.key, row.department)
    configured = (registry.config.get("routing.services") or {}).get(service_key)
    if configured:
        return Route(service_key, "config", configured, Department.get_or_none(Department.key == configured))
    service = registry.services.get(service_key)
    default = getattr(service, "department", "") if service is not None else ""
    if default:
        return Route(service_key, "default", default, Department.get_or_none(Department.key == default))
    return Route(service_key, "none")


def department_for(service_key: str, registry) -> Department | None:
    """The department whose queue a new request for ``service_key`` lands in (DB1302 5.1.2), or
    None (unrouted). A route naming no department is logged and leaves the request unrouted."""
    route = route_of(service_key, registry)
    if route.broken:
        log.warning("routing: service %r is routed (by %s) to department %r, which does not exist; "
                    "the request waits unrouted", service_key, route.source, route.key)
    return route.department


def set_route(service_key: str, department, actor, registry) -> Route:
    """The admin's choice of department for a service (None: back to config / the default), one
    transaction with its audit event. Raises ValidationFailed naming ``service`` or ``department``."""
    if service_key not in registry.services:
        raise ValidationFailed(_("Unknown service."), {"service": [_("Unknown service %(key)s.", key=service_key)]})
    if department is not None and not isinstance(department, Department):
        try:
            department = Department.get_or_none(Department.id == int(department))
        except (TypeError, ValueError):
            department = None
        if department is None:
            raise ValidationFailed(_("No such department."), {"department": [_("No such department.")]})
    with database.atomic():
        before = route_of(service_key, registry)
        row = ServiceRoute.get_or_none(ServiceRoute.service_key == service_key)
        if department is None:
            if row is not None:
                row.delete_instance()
        elif row is None:
            ServiceRoute.create(service_key=service_key, department=department)
        elif row.department_id != department.id:
            row.department = department
            row.save()
        after = route_of(service_key, registry)
        if (before.source, before.key) != (after.source, after.key):
            audit.record("route", "core_serviceroute", service_key, {
                "service": service_key, "from": before.key, "from_source": before.source,
                "to": after.key, "to_source": after.source,
                "changes": {"department": [before.key or None, after.key or None]}}, actor)
    return after


def check_config(config, services: dict) -> None:
    """Start-up check of ``[routing]`` against the registered services: a ``services`` entry
    naming an unknown service stops start-up with one line (exit 2)."""
    for key in sorted(config.get("routing.services") or {}):
        if key not in services:
            raise ConfigError(f"{config.source}: routing.services.{key}: no such service")


def config_warnings(config) -> list[str]:
    """Department keys in ``[routing]`` that name no department (departments are rows, so this is a
    warning, not an error). Empty when the database cannot be read (not migrated yet)."""
    named = {f"routing.services.{service}": key for service, key in (config.get("routing.services") or {}).items()}
    if config.get("routing.board_department"):
        named["routing.board_department"] = config.get("routing.board_department")
    if not named:
        return []
    try:
        known = {key for (key,) in Department.select(Department.key).where(Department.key.in_(sorted(set(named.values())))).tuples()}
    except (peewee.PeeweeException, OSError):  # no database yet: nothing to compare with
        return []
    return [f"{config.source}: {where}: no such department {key!r} (requests wait unrouted)"
            for where, key in sorted(named.items()) if key not in known]


def warn_about_config(config) -> None:
    for line in config_warnings(config):
        log.warning("%s", line)


# --- Round-robin ------------------------------------------------------------------------------------

def eligible(user: User, step, workflow_key: str, registry) -> bool:
    """May ``user`` act on ``step`` by role (and hold ``workflow.<key>.act``)? Enterprise users
    never take a request's work."""
    roles = (set(user.roles or []) & set(step.roles)) - {"enterprise"}
    return bool(roles or user.is_admin) and has_permission(user, f"workflow.{workflow_key}.act", registry)


def pick_assignee(department, step, registry, workflow_key: str | None = None) -> User | None:
    """The next member of ``department`` (round-robin by user id, after
    ``Department.last_assignee_id``) who is active and may act on ``step``; the pointer moves in the
    caller's transaction. None when ``[routing] assign = "none"`` or nobody qualifies: the request
    waits unassigned in the department's queue (DB1302 5.1.2)."""
    if department is None or (registry.config.get("routing.assign") or "round_robin") == "none":
        return None
    department_id = getattr(department, "id", department)
    with database.atomic():
        query = Department.select(Department.id, Department.last_assignee_id).where(Department.id == department_id)
        if is_postgres():
            query = query.for_update()  # two filings at once never take the same turn
        row = query.first()
        if row is None:
            return None
        key = workflow_key or _workflow_key_of(step, registry)
        members = [u for u in User.select().where(_active() & (User.department == department_id)
                                                  & _has_role(User.roles, *ASSIGNABLE_ROLES, "admin")).order_by(User.id)
                   if eligible(u, step, key, registry)]
        if not members:
            return None
        pointer = row.last_assignee_id or 0
        chosen = next((u for u in members if u.id > pointer), members[0])
        Department.update(last_assignee_id=chosen.id).where(Department.id == department_id).execute()
    return chosen


def _workflow_key_of(step, registry) -> str:
    for key, wf in registry.workflows.items():
        if step in wf.steps:
            return key
    return ""


# --- Handing a request to someone -------------------------------------------------------------------

def may_assign(user, request: ServiceRequest, registry) -> bool:
    """May ``user`` hand ``request`` to someone? An admin always; the head of the request's
    department; staff holding ``core.request.edit`` for their own department's requests, unrouted
    ones and the ones handed to them (staff in no department work platform-wide). A closed
    request is handed to nobody."""
    if user is None or not getattr(user, "active", False) or request is None or request.is_closed:
        return False
    if user.is_admin:
        return True
    if not user.has_role("staff"):
        return False
    if user.is_department_head and request.department_id and user.department_id == request.department_id:
        return True
    if not has_permission(user, "core.request.edit", registry):
        return False
    return (user.department_id is None or request.department_id in (None, user.department_id)
            or request.assignee_id == user.id)


def assignable(user) -> bool:
    return user is not None and bool(getattr(user, "active", False)) and user.has_role(*ASSIGNABLE_ROLES)


def assign(request, user, actor, registry, *, expected_version: int | None = None) -> ServiceRequest:
    """Hand ``request`` to ``user`` (a staff member, an expert or an evaluator) without moving its
    workflow: one transaction with the ``assign`` audit event (old and new assignee) and the new
    assignee's notification. Raises NotFound, PermissionDenied, WorkflowError (closed),
    Conflict (``expected_version`` is stale) or ValidationFailed naming ``assignee``."""
    request_id = getattr(request, "id", request)
    with database.atomic():
        req = ServiceRequest.get_or_none(ServiceRequest.id == request_id)
        if req is None:
            raise NotFound(_("Request not found."))
        if req.is_closed:
            raise WorkflowError(_("This request is closed (%(status)s).", status=req.status))
        if not may_assign(actor, req, registry):
            raise PermissionDenied(_("Only the head of the request's department, its staff or an administrator may assign it."))
        if expected_version is not None and req.version != expected_version:
            raise Conflict(_("This request was changed by someone else (version %(v)s is now %(n)s). Reload and try again.",
                             v=expected_version, n=req.version))
        if isinstance(user, (int, str)) and not isinstance(user, bool):
            try:
                user = User.get_or_none(User.id == int(user))
            except ValueError:
                user = None
        if not assignable(user):
            raise ValidationFailed(_("Choose an active staff member, expert or evaluator."),
                                   {"assignee": [_("Choose an active staff member, expert or evaluator.")]})
        if user.id == req.assignee_id:
            return req
        old = User.get_or_none(User.id == req.assignee_id) if req.assignee_id else None
        changed = (ServiceRequest.update(assignee=user.id, version=ServiceRequest.version + 1)
                   .where((ServiceRequest.id == req.id) & (ServiceRequest.version == req.version)).execute())
        if changed != 1:
            raise Conflict(_("This request was changed by someone else. Reload and try again."))
        audit.record("assign", "core_servicerequest", req.id, {
            "from": old.id if old else None, "to": user.id,
            "changes": {"assignee": [str(old) if old else None, str(user)]}}, actor)
        req.assignee, req.version = user, req.version + 1
        announce_assigned(req, user, actor, registry)
    return req


# --- Who is told -----------------------------------------------------------------------------------

def _service_title(registry, key: str) -> Bilingual:
    service = registry.services.get(key)
    return Bilingual(service.title, service.title_en) if service is not None else Bilingual(key, key)


def announce_filed(request: ServiceRequest, actor, registry) -> None:
    """A new request: its department's staff are told it is in their queue, the assignee that it
    is theirs (inside the filing transaction; the actor is not told about their own act)."""
    service = _service_title(registry, request.service_key)
    actor_id = getattr(actor, "id", None)
    if request.department_id:
        staff = [u for u in department_members(request.department_id) if u.id not in (actor_id, request.assignee_id)]
        notify_many(staff, _l("New request in your department's queue: #%(id)s %(title)s", id=request.id, title=request.title),
                    _l("A request for %(service)s is waiting in your department's queue.", service=service),
                    link=staff_link(request.id), kind="task", event="request.filed", request=request)
    if request.assignee_id:
        announce_assigned(request, request.assignee, actor, registry)


def announce_assigned(request: ServiceRequest, user, actor, registry) -> None:
    """Tell ``user`` that ``request`` is now theirs (not when they handed it to themselves)."""
    user_id = getattr(user, "id", user)
    if user_id is None or user_id == getattr(actor, "id", None):
        return
    service = _service_title(registry, request.service_key)
    notify(user if isinstance(user, User) else user_id,
           _l("Assigned to you: #%(id)s %(title)s", id=request.id, title=request.title),
           _l("A request for %(service)s was assigned to you.", service=service),
           link=staff_link(request.id), kind="task", event="request.assigned", request=request)


# --- Escalation (DB1302 4.4.4) ----------------------------------------------------------------------

TIERS = ("handler", "head", "board")


@dataclasses.dataclass(frozen=True)
class EscalationChain:
    """Whom a late request's notices reach, in order: its handler (the active assignee), the
    head(s) of its department, the members of the comprehensive management board
    (``[routing] board_department``); ``admins`` is filled only when all three are empty."""

    handler: tuple[User, ...] = ()
    heads: tuple[User, ...] = ()
    board: tuple[User, ...] = ()
    admins: tuple[User, ...] = ()

    def tier(self, name: str) -> tuple[User, ...]:
        return {"handler": self.handler, "head": self.heads, "board": self.board, "admin": self.admins}[name]

    @property
    def people(self) -> list[User]:
        """Everyone on the chain, in order, each once."""
        return _distinct(self.handler + self.heads + self.board + self.admins)

    def reach(self, tier: str) -> list[User]:
        """Who is told at ``tier``: the people of that tier, else of the next tier up that has
        anyone, else the top of the chain; the administrators only when the chain is empty."""
        start = TIERS.index(tier)
        for name in TIERS[start:]:
            if self.tier(name):
                return list(self.tier(name))
        for name in reversed(TIERS[:start]):
            if self.tier(name):
                return list(self.tier(name))
        return list(self.admins)


def _distinct(users) -> list[User]:
    seen, out = set(), []
    for u in users:
        if u.id not in seen:
            seen.add(u.id)
            out.append(u)
    return out


def board_members(config) -> list[User]:
    """The active staff (and admins) of the ``[routing] board_department`` department."""
    key = config.get("routing.board_department") or ""
    if not key:
        return []
    return [u for u in (User.select().join(Department, on=(User.department == Department.id))
                        .where(_active() & (Department.key == key) & _has_role(User.roles, "staff", "admin"))
                        .order_by(User.id)) if u.has_role("staff", "admin")]


def escalation_chain(request: ServiceRequest, registry) -> EscalationChain:
    """handler → department head(s) → the board's members; the administrators only when nobody
    else is there (DB1302 4.4.4: the comprehensive management board supervises the services)."""
    handler = ()
    if request.assignee_id:
        user = User.get_or_none((User.id == request.assignee_id) & _active())
        handler = (user,) if user is not None else ()
    heads = ()
    if request.department_id:
        heads = tuple(User.select().where(_active() & (User.department == request.department_id)
                                          & (User.is_department_head == True)).order_by(User.id))  # noqa: E712
    board = tuple(board_members(registry.config))
    chain = EscalationChain(handler, heads, board)
    if not chain.people:
        chain = dataclasses.replace(chain, admins=tuple(admins()))
    return chain


# --- The staff inbox's queues ------------------------------------------------------------------------

def queues_for(user) -> tuple[str, ...]:
    """The queues ``user`` has: staff "mine / my department / unassigned" (no department tab for
    someone in no department); experts and evaluators "mine"; enterprise users none."""
    if user is None:
        return ()
    if user.has_role("admin", "staff"):
        return QUEUES if user.department_id else ("mine", "unassigned")
    if user.has_role("expert", "evaluator"):
        return ("mine",)
    return ()


def queue_terms(queue: str, user) -> list:
    """The queue as SQL terms whose OR is the queue (status aside), each one served by an index
    (``mine``: assignee, status, step_due_at; ``department``: department, status, step_due_at;
    ``unassigned``: department, assignee, status, step_due_at):

    * ``mine`` — assigned to ``user``;
    * ``department`` — in ``user``'s department;
    * ``unassigned`` — nobody assigned, in ``user``'s department or unrouted; everywhere for an
      administrator or staff in no department.
    """
    if queue == "mine":
        return [SR.assignee == user.id]
    if queue == "department":
        return [SR.department == user.department_id] if user.department_id else [peewee.SQL("1 = 0")]
    if queue == "unassigned":
        if user.is_admin or not user.department_id:
            return [SR.assignee.is_null()]
        return [(SR.department == user.department_id) & SR.assignee.is_null(),
                SR.department.is_null() & SR.assignee.is_null()]
    raise ValueError(f"unknown queue {queue!r}")


def queue_condition(queue: str, user):
    """The queue as one SQL condition (status aside)."""
    terms = queue_terms(queue, user)
    cond = terms[0]
    for term in terms[1:]:
        cond |= term
    return cond
