"""Declarative workflows and the engine that runs service requests through them.

DB1302 5.4.1 (promised time limits, finished within the limit), 6.3 (a complete business process
from onboarding through every need) and 6.4 (each service's steps).

A :class:`Workflow` is data: key, titles, version, ordered :class:`Step` s. A step names the roles
that may act on it, the evidence it requires (a marshmallow schema), its time limit in working days
and its allowed outcomes. Linear by default; ``returns_to`` and ``next_steps`` declare explicit
returns and branches.

Every transition is one write transaction (``BEGIN IMMEDIATE`` on SQLite): a guarded update of the
request on its ``version``, a :class:`~core.models.Transition` row, an audit event, the
reactions registered for the workflow (``register_reactions``) and the ``on_transition`` broadcast. If two people act at once, exactly one wins and the other gets
:class:`~core.errors.Conflict`; nothing is half-written.

Clocks are derived from the transition log (:func:`compute_clock`): the step clock restarts when a
step is entered, paused time (补正, awaiting the enterprise's materials) does not count, and the
due dates stored on the request are recomputed on every transition. A step that waits for a
scheduled date (``Step.schedule_from``: a promotion event, a training session, a meeting) is due
relative to that date instead (DB1302 5.4.1: the promise and the clock agree); see
:func:`scheduled_date` and :func:`not_before_scheduled`.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import json
from typing import Any

from marshmallow import Schema, ValidationError

from rongtong.core import audit, routing
from rongtong.core.config import StepOverrideSchema, first_error
from rongtong.core.db import database, is_postgres
from rongtong.core.errors import Conflict, ConfigError, NotFound, PermissionDenied, ValidationFailed, WorkflowError
from rongtong.core.fields import dumps
from rongtong.core.i18n import gettext as _
from rongtong.core.models import CLOSED_STATUSES, ROLE_KEYS, Attachment, ServiceRequest, Transition, utcnow
from rongtong.core.routing import announce_assigned
from rongtong.core.security import has_permission

ADVANCE, RETURN, REJECT, WITHDRAW, PAUSE, RESUME, COMPLETE, OPEN = (
    "advance", "return", "reject", "withdraw", "pause", "resume", "complete", "open")
STEP_OUTCOMES = (ADVANCE, RETURN, REJECT, PAUSE)
NEEDS_REASON = (RETURN, REJECT, PAUSE, WITHDRAW)


@dataclasses.dataclass(frozen=True)
class Step:
    key: str
    title: str
    title_en: str
    roles: tuple[str, ...] = ("staff",)
    schema: type[Schema] | None = None
    time_limit_days: int = 5
    outcomes: tuple[str, ...] = (ADVANCE, RETURN, REJECT, PAUSE)
    returns_to: tuple[str, ...] | None = None  # None: any earlier step
    next_steps: tuple[str, ...] | None = None  # None: the next step in order
    description: str = ""
    example: dict | None = None  # valid example step data: used by the demo, docs and OpenAPI
    branch_examples: dict | None = None  # {next step: example data} where a branch needs other data
    # A pause (补正) at this step asks for materials: the enterprise resumes only with a file
    # attached to its answer (core.casefile.answer_pause; DB1302 5.4.1, 6.3).
    pause_requires_files: bool = False
    # A step that waits for a scheduled date (DB1302 5.4.1): the name of a date field (ISO
    # YYYY-MM-DD or a datetime) in the step data of the advance that ENTERS this step. When that
    # advance carries the date, the step is due ``time_limit_days`` working days after it (see
    # compute_clock); the engine stores it on the entering Transition (``scheduled_for``).
    schedule_from: str | None = None

    def example_for(self, target: str | None = None) -> dict:
        """Example step data for advancing to ``target`` (the demo walks every branch with it)."""
        if target and self.branch_examples and target in self.branch_examples:
            return dict(self.branch_examples[target])
        return dict(self.example or {})

    def label(self, lang: str = "zh_Hans_CN") -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


@dataclasses.dataclass(frozen=True)
class Workflow:
    key: str
    title: str
    title_en: str
    steps: tuple[Step, ...]
    version: int = 1
    description: str = ""
    withdrawable: bool = True
    intake_schema: type[Schema] | None = None  # validates ServiceRequest.data when filed

    def __post_init__(self):
        keys = [s.key for s in self.steps]
        if not keys:
            raise ValueError(f"workflow {self.key}: no steps")
        if len(set(keys)) != len(keys):
            raise ValueError(f"workflow {self.key}: duplicate step keys")
        for step in self.steps:
            for ref in (step.returns_to or ()) + (step.next_steps or ()):
                if ref not in keys:
                    raise ValueError(f"workflow {self.key}: step {step.key} refers to unknown step {ref!r}")
            for outcome in step.outcomes:
                if outcome not in STEP_OUTCOMES:
                    raise ValueError(f"workflow {self.key}: step {step.key}: unknown outcome {outcome!r}")
        for step in self.steps:
            if step.schedule_from is not None:
                self._check_schedule_from(step)

    def _check_schedule_from(self, step: Step) -> None:
        """``schedule_from`` must name a field of the schema of some step whose advance may enter
        ``step`` (else the date could never be there)."""
        feeders = [s for s in self.steps if ADVANCE in s.outcomes and step.key in self.next_of(s.key)]
        if not any(s.schema is not None and step.schedule_from in field_names(s.schema) for s in feeders):
            entering = ", ".join(s.key for s in feeders) or "none"
            raise ValueError(f"workflow {self.key}: step {step.key}: schedule_from {step.schedule_from!r} is not a "
                             f"field of the schema of a step whose advance enters it (steps entering it: {entering})")

    def label(self, lang: str = "zh_Hans_CN") -> str:
        return self.title_en if lang == "en" and self.title_en else self.title

    @property
    def step_keys(self) -> list[str]:
        return [s.key for s in self.steps]

    def step(self, key: str) -> Step:
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)

    def index(self, key: str) -> int:
        return self.step_keys.index(key)

    def next_of(self, key: str) -> list[str]:
        """Steps an advance may go to; empty means the request completes."""
        step = self.step(key)
        if step.next_steps is not None:
            return list(step.next_steps)
        i = self.index(key)
        return [self.steps[i + 1].key] if i + 1 < len(self.steps) else []

    def returns_of(self, key: str) -> list[str]:
        step = self.step(key)
        if step.returns_to is not None:
            return list(step.returns_to)
        return self.step_keys[: self.index(key)]

    @property
    def total_days(self) -> int:
        return sum(s.time_limit_days for s in self.steps)

    def describe(self) -> dict:
        return {
            "key": self.key, "version": self.version, "title": self.title, "title_en": self.title_en,
            "description": self.description, "total_days": self.total_days,
            "steps": [
                {"key": s.key, "title": s.title, "title_en": s.title_en, "roles": list(s.roles),
                 "time_limit_days": s.time_limit_days, "schedule_from": s.schedule_from,
                 "outcomes": list(s.outcomes),
                 "next_steps": self.next_of(s.key), "returns_to": self.returns_of(s.key),
                 "fields": sorted(s.schema().fields) if s.schema else []}
                for s in self.steps
            ],
        }


def published_overrides(config) -> dict[str, int]:
    """``{workflow key: days}`` from ``[workflows.<key>] time_limit_days``: the published limit
    (DB1302 5.4.1) of the services that run the workflow, raised (or lowered) by the operator --
    so a step given more days in config can still be covered by the promise. Checked by
    :func:`apply_overrides`."""
    tables = config.data.get("workflows", {}) or {}
    return {key: table["time_limit_days"] for key, table in tables.items()
            if isinstance(table, dict) and "time_limit_days" in table}


def apply_overrides(versions: dict, config) -> dict:
    """Apply ``[workflows.<key>.steps.<step>]`` overrides (time_limit_days, roles) from config
    (``[workflows.<key>] time_limit_days``, the published limit, is applied to the services by the
    registry: :func:`published_overrides`).

    An override naming an unknown workflow, step or role stops start-up (ConfigError, one line).
    """
    source = config.source
    overrides = config.data.get("workflows", {}) or {}
    latest = {}
    for (key, version), wf in versions.items():
        if key not in latest or version > latest[key].version:
            latest[key] = wf
    result = dict(versions)
    for wf_key, table in overrides.items():
        if wf_key not in latest:
            raise ConfigError(f"{source}: workflows.{wf_key}: no such workflow (known: {', '.join(sorted(latest)) or 'none'})")
        if not isinstance(table, dict) or set(table) - {"steps", "time_limit_days"}:
            raise ConfigError(f"{source}: workflows.{wf_key}: only 'time_limit_days' and a 'steps' table are allowed")
        promise = table.get("time_limit_days")
        if "time_limit_days" in table and (isinstance(promise, bool) or not isinstance(promise, int)
                                           or not 1 <= promise <= 3650):
            raise ConfigError(f"{source}: workflows.{wf_key}.time_limit_days: must be a positive whole number "
                              "of working days")
        for step_key, values in (table.get("steps") or {}).items():
            if step_key not in latest[wf_key].step_keys:
                raise ConfigError(f"{source}: workflows.{wf_key}.steps.{step_key}: no such step in workflow {wf_key!r}")
            try:
                loaded = StepOverrideSchema().load(values if isinstance(values, dict) else {"": values})
            except ValidationError as exc:
                field, problem = first_error(exc.messages)
                raise ConfigError(f"{source}: workflows.{wf_key}.steps.{step_key}.{field}: {problem}")
            unknown = [r for r in loaded.get("roles", []) if r not in ROLE_KEYS]
            if unknown:
                raise ConfigError(f"{source}: workflows.{wf_key}.steps.{step_key}.roles: unknown role {unknown[0]!r}")
            changes = {}
            if "time_limit_days" in loaded:
                changes["time_limit_days"] = loaded["time_limit_days"]
            if "roles" in loaded:
                changes["roles"] = tuple(loaded["roles"])
            for (key, version), wf in list(result.items()):
                if key == wf_key and step_key in wf.step_keys:
                    steps = tuple(dataclasses.replace(s, **changes) if s.key == step_key else s for s in wf.steps)
                    result[(key, version)] = dataclasses.replace(wf, steps=steps)
    return result


# --- Clocks ---------------------------------------------------------------------------------------

@dataclasses.dataclass
class Clock:
    step_started_at: datetime.datetime | None
    step_due_at: datetime.datetime | None
    due_at: datetime.datetime | None
    paused_since: datetime.datetime | None
    paused_working_days: int  # over the whole request
    step_paused_working_days: int
    scheduled_for: datetime.date | None = None  # the date the current step's clock runs from


def compute_clock(opened_at, current_step, transitions, workflow: Workflow, service_limit_days: int,
                  calendar, closed: bool = False, now=None) -> Clock:
    """Derive the clocks from the transition log (oldest first).

    The step clock starts at the latest entry into the current step (open, advance or return);
    pauses add back the working days they covered (DB1302 5.4.1: paused time does not count).

    A scheduled step (``Step.schedule_from``) entered by an advance that carried the date
    (``Transition.scheduled_for``) is due ``time_limit_days`` working days after the start of that
    date in the calendar's zone, plus the working days paused since the step was entered; a return
    into it, or an advance without the date, falls back to the entry. ``step_started_at`` stays the
    entry. The request's due date never falls before such a step's: when the scheduled step is due
    later than the service's time limit, the request is due when the step is (the promise covers
    the scheduled date).
    """
    now = now or utcnow()
    step_started = opened_at
    scheduled = None
    pauses = []  # (start, end or None)
    for t in transitions:
        if t.outcome in (OPEN, ADVANCE, RETURN) and t.to_step == current_step:
            step_started = t.created_at
            scheduled = t.scheduled_for if t.outcome == ADVANCE else None
        if t.outcome == PAUSE:
            pauses.append([t.created_at, None])
        elif t.outcome == RESUME and pauses and pauses[-1][1] is None:
            pauses[-1][1] = t.created_at
    paused_since = pauses[-1][0] if pauses and pauses[-1][1] is None else None

    def paused_days(since):
        total = 0
        for start, end in pauses:
            end = end or now
            start = max(start, since)
            if end > start:
                total += calendar.working_days_between(calendar.local_date(start), calendar.local_date(end))
        return total

    total_paused = paused_days(opened_at)
    step_paused = paused_days(step_started)
    if closed:
        return Clock(step_started, None, None, None, total_paused, step_paused, scheduled)
    step_limit = workflow.step(current_step).time_limit_days if current_step in workflow.step_keys else 0
    if paused_since:
        return Clock(step_started, None, None, paused_since, total_paused, step_paused, scheduled)
    runs_from = start_of_local_day(calendar, scheduled) if scheduled else step_started
    step_due = calendar.due_at(runs_from, step_limit, step_paused)
    due = calendar.due_at(opened_at, service_limit_days, total_paused)
    if scheduled and step_due > due:
        due = step_due  # the promise covers the scheduled date
    return Clock(step_started, step_due, due, paused_since, total_paused, step_paused, scheduled)


def start_of_local_day(calendar, day: datetime.date) -> datetime.datetime:
    """00:00 of ``day`` in the calendar's zone, as naive UTC (how every moment is stored)."""
    local = datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=calendar.tz)
    return local.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def scheduled_date(value, calendar) -> datetime.date | None:
    """The date a ``schedule_from`` value names: a date, an ISO ``YYYY-MM-DD`` text, or a datetime
    (or its ISO text). A naive datetime is the wall-clock time a person entered, so its own date
    counts; an aware one is read in the calendar's zone. Anything else: None (no scheduled date)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.date.fromisoformat(text) if len(text) == 10 else datetime.datetime.fromisoformat(text)
        except ValueError:
            return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(calendar.tz).date() if value.tzinfo is not None else value.date()
    if isinstance(value, datetime.date):
        return value
    return None


def entry_scheduled_for(workflow: Workflow, outcome: str, to_step: str, data, calendar) -> datetime.date | None:
    """What the engine stores as ``Transition.scheduled_for``: the date of the entered step's
    ``schedule_from`` field, when an advance enters a scheduled step and its data holds the date."""
    if outcome != ADVANCE or to_step not in workflow.step_keys:
        return None
    field = workflow.step(to_step).schedule_from
    if not field or not isinstance(data, dict):
        return None
    return scheduled_date(data.get(field), calendar)


def not_before_scheduled(request, step, calendar, now=None) -> datetime.date | None:
    """Refuse to record ``step`` of ``request`` before its scheduled date (DB1302 5.4.1): an event
    held, a check-in or an evaluation cannot be recorded before the day it is scheduled for.

    ``step`` is a :class:`Step` or a step key; ``calendar`` the platform's (``event.platform.calendar``
    in a reaction), whose zone decides what "today" is. The date is the one stored on the latest
    advance into ``step`` (``Transition.scheduled_for``; a return into the step keeps the date of the
    advance before it). Raises :class:`~core.errors.ValidationFailed` naming the date before it,
    under the key of the step's ``schedule_from`` field (``scheduled_for`` when ``step`` is a key);
    returns the date (None when the step has none) on or after it.
    """
    key = step.key if isinstance(step, Step) else step
    field = (step.schedule_from if isinstance(step, Step) else None) or "scheduled_for"
    row = (Transition.select(Transition.scheduled_for)
           .where((Transition.request == request.id) & (Transition.to_step == key) & (Transition.outcome == ADVANCE))
           .order_by(Transition.created_at.desc(), Transition.id.desc()).first())
    scheduled = row.scheduled_for if row is not None else None
    if scheduled is None:
        return None
    today = calendar.local_date(now or utcnow())
    if today < scheduled:
        message = _("This cannot be recorded before the scheduled date %(date)s.", date=scheduled.isoformat())
        raise ValidationFailed(message, {field: [message]})
    return scheduled


# --- The engine -----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Action:
    """An outcome the user may take now. ``targets``: steps it may go to (choose one if several)."""

    outcome: str
    targets: tuple[str, ...] = ()
    needs_reason: bool = False
    schema: type[Schema] | None = None

    def as_dict(self) -> dict:
        return {"outcome": self.outcome, "targets": list(self.targets), "reason_required": self.needs_reason,
                "fields": list(field_names(self.schema)) if self.schema else []}


@functools.lru_cache(maxsize=None)
def field_names(schema: type[Schema]) -> tuple[str, ...]:
    """The step schema's field names, sorted (built once per schema class: the API lists them in
    every request's actions, and instantiating a marshmallow schema deep-copies its fields)."""
    return tuple(sorted(schema().fields))


class WorkflowEngine:
    def __init__(self, registry, calendar):
        self.registry = registry
        self.calendar = calendar

    # Lookups ------------------------------------------------------------------------------------
    def workflow_of(self, request: ServiceRequest) -> Workflow:
        try:
            return self.registry.workflow(request.workflow_key, request.workflow_version)
        except KeyError:
            raise WorkflowError(
                f"workflow {request.workflow_key} v{request.workflow_version} is not registered "
                f"(is its plugin enabled?)")

    def service_limit(self, request_or_key, workflow: Workflow) -> int:
        key = request_or_key if isinstance(request_or_key, str) else request_or_key.service_key
        service = self.registry.services.get(key)
        if service is not None and service.time_limit_days is not None:
            return service.time_limit_days
        return workflow.total_days

    def transitions_of(self, request) -> list[Transition]:
        return list(Transition.select().where(Transition.request == request.id).order_by(Transition.created_at, Transition.id))

    def clock(self, request: ServiceRequest, now=None) -> Clock:
        wf = self.workflow_of(request)
        return compute_clock(request.opened_at, request.current_step, _history(request.id), wf,
                             self.service_limit(request, wf), self.calendar, request.is_closed, now)

    # Permissions --------------------------------------------------------------------------------
    def may_act_on_step(self, user, request: ServiceRequest, step: Step) -> bool:
        """Acting on a step is its own right (``workflow.<key>.act`` + a role of the step), not
        'may edit the request'. Enterprise users act only on their own enterprise's requests;
        an expert only on requests assigned to it."""
        if user is None or not getattr(user, "active", False):
            return False
        if user.is_admin:
            return True
        if not has_permission(user, f"workflow.{request.workflow_key}.act", self.registry):
            return False
        roles = set(user.roles) & set(step.roles)
        if not roles:
            return False
        if roles <= {"enterprise"}:
            return user.enterprise_id == request.enterprise_id
        if roles <= {"expert", "evaluator"}:
            return request.assignee_id == user.id
        return True

    def actions(self, request: ServiceRequest, user) -> list[Action]:
        """The outcomes ``user`` may take on ``request`` now."""
        if request.is_closed:
            return []
        wf = self.workflow_of(request)
        step = wf.step(request.current_step)
        own = getattr(user, "enterprise_id", None) == request.enterprise_id and user.has_role("enterprise")
        out = []
        if request.status == "paused":
            if self.may_act_on_step(user, request, step) or own:
                out.append(Action(RESUME))
        elif self.may_act_on_step(user, request, step):
            if ADVANCE in step.outcomes:
                nxt = wf.next_of(step.key)
                out.append(Action(ADVANCE, tuple(nxt), False, step.schema) if nxt else Action(COMPLETE, (), False, step.schema))
            if RETURN in step.outcomes and wf.returns_of(step.key):
                out.append(Action(RETURN, tuple(wf.returns_of(step.key)), True))
            if REJECT in step.outcomes:
                out.append(Action(REJECT, (), True))
            if PAUSE in step.outcomes:
                out.append(Action(PAUSE, (), True))
        if wf.withdrawable and (own or getattr(user, "is_admin", False)):
            out.append(Action(WITHDRAW, (), True))
        return out

    # Filing -------------------------------------------------------------------------------------
    def open_request(self, *, enterprise, service_key: str, actor, title: str, description: str = "",
                     data: dict | None = None, assignee=None, department=None) -> ServiceRequest:
        """File a request for ``service_key`` (DB1302 4.4.4: only admitted enterprises).

        Routing (DB1302 5.1.2, :mod:`core.routing`): without ``department`` the request goes to the
        service's department (:func:`~core.routing.department_for`); without ``assignee``, to the
        next member of that department who may act on the first step (round-robin). The
        department's staff are told a new request is in their queue and the assignee that it is
        theirs, in the same transaction."""
        service = self.registry.services.get(service_key)
        if service is None:
            raise ValidationFailed(_("Unknown service."), {"service_key": [_("Unknown service %(key)s.", key=service_key)]})
        if enterprise.status != "admitted":
            raise ValidationFailed(_("This enterprise has not been admitted to the platform."),
                                   {"enterprise": [_("Enterprise is not admitted (status: %(s)s).", s=enterprise.status)]})
        if actor is not None and not actor.is_admin and not actor.has_role("staff"):
            if actor.enterprise_id != enterprise.id:
                raise NotFound(_("Enterprise not found."))
        if not (title or "").strip():
            raise ValidationFailed(_("A title is required."), {"title": [_("Missing data for required field.")]})
        wf = self.registry.workflow(service.workflow)
        clean = dict(data or {})
        if wf.intake_schema is not None:
            try:
                clean = wf.intake_schema().load(clean)
            except ValidationError as exc:
                raise ValidationFailed(_("Invalid request data."), {"data": exc.messages})
        first = wf.steps[0]
        now = utcnow()
        with database.atomic():
            if department is None:
                department = routing.department_for(service_key, self.registry)
            if assignee is None and department is not None:
                assignee = routing.pick_assignee(department, first, self.registry, wf.key)
            req = ServiceRequest.create(
                enterprise=enterprise, service_key=service_key, workflow_key=wf.key, workflow_version=wf.version,
                current_step=first.key, status="open", title=title.strip(), description=description or "",
                data=_jsonable(clean), created_by=actor, assignee=assignee, department=department,
                opened_at=now, step_started_at=now,
            )
            t = Transition.create(request=req, from_step=None, to_step=first.key, outcome=OPEN, actor=actor, created_at=now)
            clock = compute_clock(now, first.key, [t], wf, self.service_limit(service_key, wf), self.calendar, now=now)
            req.due_at, req.step_due_at = clock.due_at, clock.step_due_at
            ServiceRequest.update(due_at=clock.due_at, step_due_at=clock.step_due_at).where(ServiceRequest.id == req.id).execute()
            audit.record_create(req, actor)
            routing.announce_filed(req, actor, self.registry)
            with audit.attributed_to(actor):
                self.registry.react(req, t, wf)
        return req

    # Transitions --------------------------------------------------------------------------------
    def transition(self, request_id: int, outcome: str, actor, *, reason: str = "", data: dict | None = None,
                   target: str | None = None, expected_version: int | None = None, assignee=None) -> Transition:
        """Move a request. Raises NotFound, PermissionDenied, ValidationFailed (field errors),
        WorkflowError (not allowed now) or Conflict (someone else moved it first)."""
        reason = (reason or "").strip()
        with database.atomic():
            req = _fetch_request(request_id)
            if req is None:
                raise NotFound(_("Request not found."))
            if expected_version is not None and req.version != expected_version:
                raise Conflict(_("This request was changed by someone else (version %(v)s is now %(n)s). Reload and try again.",
                                 v=expected_version, n=req.version))
            wf = self.workflow_of(req)
            allowed = {a.outcome: a for a in self.actions(req, actor)}
            if outcome not in allowed:
                if req.is_closed:
                    raise WorkflowError(_("This request is closed (%(status)s).", status=req.status))
                if outcome not in (ADVANCE, COMPLETE, RETURN, REJECT, PAUSE, RESUME, WITHDRAW):
                    raise ValidationFailed(_("Unknown outcome."), {"outcome": [_("Unknown outcome %(o)s.", o=outcome)]})
                if outcome != WITHDRAW and self.may_act_on_step(actor, req, wf.step(req.current_step)):
                    # allowed to act on this step, but not like this (e.g. return from the first step)
                    raise WorkflowError(_("You cannot %(outcome)s this request now (step %(step)s, %(status)s).",
                                          outcome=outcome, step=req.current_step, status=req.status))
                raise PermissionDenied(_("You may not %(outcome)s this request at step %(step)s.",
                                         outcome=outcome, step=req.current_step))
            action = allowed[outcome]
            if outcome == RESUME:
                _check_materials(req, wf, actor, data)
            if action.needs_reason and not reason:
                raise ValidationFailed(_("A reason is required."), {"reason": [_("A reason is required to %(o)s.", o=outcome)]})
            clean = {}
            if outcome in (ADVANCE, COMPLETE) and action.schema is not None:
                try:
                    clean = action.schema().load(data or {})
                except ValidationError as exc:
                    raise ValidationFailed(_("The step data is invalid."), exc.messages)
            elif data:
                clean = dict(data) if isinstance(data, dict) else {}
            to_step, status, closed_at, paused_at = req.current_step, req.status, None, req.paused_at
            if outcome in (ADVANCE, RETURN):
                if target is None:
                    if len(action.targets) != 1 and outcome == ADVANCE:
                        raise ValidationFailed(_("Choose the next step."), {"target": [_("Choose one of: %(t)s", t=", ".join(action.targets))]})
                    target = action.targets[0] if outcome == ADVANCE else action.targets[-1]
                if target not in action.targets:
                    raise ValidationFailed(_("Invalid target step."), {"target": [_("Choose one of: %(t)s", t=", ".join(action.targets))]})
                to_step = target
            elif outcome == COMPLETE:
                status, closed_at = "completed", utcnow()
            elif outcome == REJECT:
                status, closed_at = "rejected", utcnow()
            elif outcome == WITHDRAW:
                status, closed_at = "withdrawn", utcnow()
            elif outcome == PAUSE:
                status, paused_at = "paused", utcnow()
            elif outcome == RESUME:
                status, paused_at = "open", None
            now = utcnow()
            t = Transition(request=req.id, from_step=req.current_step, to_step=to_step, outcome=outcome,
                           actor=actor, reason=reason, data=_jsonable(clean), created_at=now,
                           scheduled_for=entry_scheduled_for(wf, outcome, to_step, clean, self.calendar))
            history = _history(req.id) + [t]
            clock = compute_clock(req.opened_at, to_step, history, wf, self.service_limit(req, wf), self.calendar,
                                  closed=status in CLOSED_STATUSES, now=now)
            changes = dict(current_step=to_step, status=status, closed_at=closed_at, paused_at=paused_at,
                           step_started_at=clock.step_started_at, due_at=clock.due_at, step_due_at=clock.step_due_at)
            handed_to, handed_from = None, req.assignee_id
            if assignee is not None:
                changes["assignee"] = assignee
                if getattr(assignee, "id", assignee) != req.assignee_id:
                    handed_to = assignee
            if _guarded_update(req.id, req.version, changes) != 1:
                raise Conflict(_("This request was changed by someone else. Reload and try again."))
            t.id = _insert_transition(t)
            for name, value in changes.items():
                setattr(req, name, value)
            req.version += 1
            event = {"outcome": outcome, "from": t.from_step, "to": to_step, "reason": reason,
                     "status": status, "data": _jsonable(clean), "transition_id": t.id}
            if handed_to is not None:  # handed to someone else on the way (DB1302 5.1.2)
                event["assignee"] = [handed_from, getattr(handed_to, "id", handed_to)]
            audit.record("transition", "core_servicerequest", req.id, event, actor)
            if handed_to is not None:
                announce_assigned(req, handed_to, actor, self.registry)
            with audit.attributed_to(actor):  # audited plugin models name the actor
                self.registry.react(req, t, wf)  # reactions by workflow key, then on_transition
                if status in CLOSED_STATUSES:
                    self.registry.notify("on_request_closed", request=req, transition=t)
        return t


def _check_materials(req, wf: Workflow, actor, data) -> None:
    """DB1302 5.4.1 补正: when the paused step asks for materials (``Step.pause_requires_files``),
    the requesting enterprise resumes only with them — a resume carrying the ``message_id`` of its
    answer, whose files are attachments of the request (``core.casefile.answer_pause``). Staff may
    resume without (the materials came another way)."""
    try:
        step = wf.step(req.current_step)
    except KeyError:
        return
    if not step.pause_requires_files or getattr(actor, "is_admin", False) or actor.has_role("staff"):
        return
    message_id = (data or {}).get("message_id") if isinstance(data, dict) else None
    has_files = isinstance(message_id, int) and (Attachment.select().where(
        (Attachment.message_id == message_id) & (Attachment.owner_type == "core_servicerequest")
        & (Attachment.owner_id == str(req.id))).exists())
    if not has_files:
        raise ValidationFailed(_("Attach the materials asked for."),
                               {"file": [_("Attach the materials asked for.")]})


# --- Hot-path reads ---------------------------------------------------------------------------------
# Every transition reads its request and the request's log. The SQL is built once per database
# (peewee's query building costs more than running these statements; see bench/transitions.py).

class _LogEntry(tuple):
    """What the clocks need from a Transition row: outcome, to_step, created_at, scheduled_for."""

    __slots__ = ()
    outcome = property(lambda self: self[0])
    to_step = property(lambda self: self[1])
    created_at = property(lambda self: self[2])
    scheduled_for = property(lambda self: self[3])


_statements: dict = {}


def _sql() -> tuple[str, str]:
    param = database.obj.param
    if param not in _statements:
        _statements[param] = (
            f'SELECT * FROM "core_servicerequest" WHERE "id" = {param}',
            'SELECT "outcome", "to_step", "created_at", "scheduled_for" FROM "core_transition" '
            f'WHERE "request_id" = {param} ORDER BY "created_at", "id"',
        )
    return _statements[param]


def _fetch_request(request_id) -> ServiceRequest | None:
    try:
        request_id = int(request_id)
    except (TypeError, ValueError):
        return None
    return next(iter(ServiceRequest.raw(_sql()[0], request_id)), None)


def _history(request_id: int) -> list[_LogEntry]:
    """The request's transition log (oldest first), as light rows for :func:`compute_clock`."""
    to_datetime, to_date = Transition.created_at.python_value, Transition.scheduled_for.python_value
    rows = database.execute_sql(_sql()[1], (request_id,)).fetchall()
    return [_LogEntry((o, s, c if isinstance(c, datetime.datetime) else to_datetime(c),
                       d if d is None or isinstance(d, datetime.date) else to_date(d)))
            for o, s, c, d in rows]


def _guarded_update(request_id: int, version: int, changes: dict) -> int:
    """``UPDATE ... SET version = version + 1, <changes> WHERE id = ? AND version = ?``; returns the
    number of rows changed (0: someone else moved the request first)."""
    param = database.obj.param
    key = (param, *changes)
    sql = _statements.get(key)
    if sql is None:
        sets = ", ".join(f'"{ServiceRequest._meta.fields[name].column_name}" = {param}' for name in changes)
        sql = (f'UPDATE "core_servicerequest" SET "version" = "version" + 1, {sets} '
               f'WHERE "id" = {param} AND "version" = {param}')
        _statements[key] = sql
    values = [ServiceRequest._meta.fields[name].db_value(value) for name, value in changes.items()]
    return database.execute_sql(sql, (*values, request_id, version)).rowcount


def _insert_transition(t: Transition) -> int:
    """Insert the Transition row; returns its id."""
    fields = ("request", "from_step", "to_step", "outcome", "actor", "reason", "data", "created_at", "scheduled_for")
    param = database.obj.param
    key = (param, "insert_transition")
    sql = _statements.get(key)
    if sql is None:
        columns = ", ".join(f'"{Transition._meta.fields[f].column_name}"' for f in fields)
        sql = f'INSERT INTO "core_transition" ({columns}) VALUES ({", ".join([param] * len(fields))})'
        if is_postgres():
            sql += ' RETURNING "id"'
        _statements[key] = sql
    values = [Transition._meta.fields[f].db_value(t.__data__.get(f)) for f in fields]
    cursor = database.execute_sql(sql, values)
    return cursor.fetchone()[0] if is_postgres() else cursor.lastrowid


def _jsonable(data: Any):
    """Step data as stored: dates and decimals become text (see core.fields.dumps)."""
    return json.loads(dumps(data))
