"""Time-limit supervision (DB1302 5.4.1: promised time limits, finished within the limit).

:func:`check` is what ``rongtong sla check`` runs from cron or a systemd timer. For every open
request it looks at the current step's clock (``step_started_at`` / ``step_due_at``, kept by the
workflow engine on the working-day calendar, paused time excluded) and, per the service's policy:

* **warning** — ``warn_at_percent`` of the step's working days are used: the handler (the
  assignee) is told;
* **breach** — the step is past due: the handler and the department head(s) are told, and the
  comprehensive management board too when the request itself is past its time limit;
* **board** — still open ``board_after_days`` working days after the breach: the handler and the
  comprehensive management board (``[routing] board_department``, DB1302 4.4.4) are told.

Recipients follow :func:`core.routing.escalation_chain`: a tier with nobody in it passes the notice
up (no assignee: the head; no head: the board), and the administrators are told only when nobody
else is there (no assignee, no head, no board).

Each event is a :class:`SlaEvent` row, unique per request, step entry and level, written with its
notifications in one transaction: a second run records and sends nothing new. ``now`` is injectable
so tests run on a frozen clock; ``check(..., record=False)`` is a preview that writes nothing
(``rongtong sla check --now`` and ``--dry-run``: a simulated moment never records).
"""
from __future__ import annotations

import dataclasses
import datetime
import math

import peewee

from rongtong.core.plugin import (Department, ServiceRequest, User, audit, database, escalation_chain, lazy_gettext as _l,
                                  notify_many, utcnow, vocab)

from .models import SlaEvent

OPTIONS_KEY = "evaluation"


@dataclasses.dataclass(frozen=True)
class Policy:
    warn_at_percent: int
    board_after_days: int


def policy_for(options: dict, service_key: str) -> Policy:
    """The service's escalation policy: the plugin defaults with that service's overrides."""
    override = (options.get("services") or {}).get(service_key) or {}
    return Policy(override.get("warn_at_percent", options.get("warn_at_percent", 80)),
                  override.get("board_after_days", options.get("board_after_days", 3)))


@dataclasses.dataclass(frozen=True)
class StepClock:
    """Where one request's current step stands at ``now`` (working days)."""

    limit: int
    used: int
    remaining: int
    due_at: datetime.datetime
    board_at: datetime.datetime
    warn_used: int

    def level(self, now: datetime.datetime) -> str | None:
        if now > self.board_at:
            return "board"
        if now > self.due_at:
            return "breach"
        if self.limit > 0 and self.used >= self.warn_used:
            return "warning"
        return None


def step_clock(request: ServiceRequest, limit: int, policy: Policy, calendar, now) -> StepClock:
    """The step's use of its working days. ``used`` is the limit minus the working days left
    until the due day (so days spent paused, already added to the due date, do not count)."""
    due = request.step_due_at
    today = calendar.local_date(now)
    remaining = max(0, calendar.working_days_between(today, calendar.local_date(due)))
    used = max(0, limit - remaining)
    return StepClock(limit=limit, used=used, remaining=remaining, due_at=due,
                     board_at=calendar.due_at(due, policy.board_after_days),
                     warn_used=max(1, math.ceil(limit * policy.warn_at_percent / 100)))


LEVELS = ("warning", "breach", "board")


def step_limit(registry, request: ServiceRequest) -> int | None:
    try:
        wf = registry.workflow(request.workflow_key, request.workflow_version)
        return wf.step(request.current_step).time_limit_days
    except KeyError:
        return None  # its plugin is disabled: nothing to supervise


def recipients(level: str, request: ServiceRequest, registry, now: datetime.datetime) -> list[User]:
    """Who is told, along :func:`core.routing.escalation_chain` (handler → department head(s) →
    the comprehensive management board, DB1302 4.4.4; the administrators only when nobody else is
    there): the handler at every level (a tier with nobody climbs to the next); on a step breach
    also the head(s), and the board when the request itself is overdue; at the board level the board."""
    chain = escalation_chain(request, registry)
    if level == "warning":
        return chain.reach("handler")
    told = list(chain.handler)
    if level == "breach":
        told += chain.reach("head")
        if request.due_at is not None and request.due_at < now:
            told += chain.reach("board")
    else:
        told += chain.reach("board")
    return told or chain.reach("handler")


def titles(registry, request: ServiceRequest) -> tuple:
    """The request's service and current step by their titles (in the language each notification is
    rendered in), not their keys; the keys when the registry no longer knows them."""
    service, step = request.service_key, request.current_step
    entry = registry.services.get(service) if registry is not None else None
    if entry is not None:
        service = vocab.Bilingual(entry.title, entry.title_en)
    try:
        found = registry.workflow(request.workflow_key, request.workflow_version).step(step)
        step = vocab.Bilingual(found.title, found.title_en)
    except (AttributeError, KeyError):
        pass
    return service, step


def message(level: str, request: ServiceRequest, clock: StepClock, calendar, registry=None) -> tuple:
    """Subject and body (lazy: rendered in each recipient's language); the due date is a date of
    the site's time zone."""
    due = calendar.local_date(clock.due_at).isoformat()
    service, step = titles(registry, request)
    if level == "warning":
        return (_l("Time limit nearly used: %(title)s", title=request.title),
                _l("Request #%(id)s (%(service)s), step %(step)s: %(used)s of %(limit)s working days used; due %(due)s.",
                   id=request.id, service=service, step=step, used=clock.used, limit=clock.limit, due=due))
    if level == "breach":
        return (_l("Time limit exceeded: %(title)s", title=request.title),
                _l("Request #%(id)s (%(service)s), step %(step)s was due %(due)s and is not done.",
                   id=request.id, service=service, step=step, due=due))
    return (_l("Escalated to the management board: %(title)s", title=request.title),
            _l("Request #%(id)s (%(service)s), step %(step)s was due %(due)s and is still not done.",
               id=request.id, service=service, step=step, due=due))


def request_link(request_id: int) -> str:
    return f"/admin/core/request/{request_id}/"


@dataclasses.dataclass
class CheckResult:
    """What a run recorded -- or, for a preview (``recorded`` False), what it would record:
    ``planned`` lists each event (request, step, level, the ids of the people it would tell)."""

    checked: int = 0
    events: dict = dataclasses.field(default_factory=lambda: {lvl: 0 for lvl in LEVELS})
    notifications: int = 0
    recorded: bool = True
    planned: list = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict:
        out = {"checked": self.checked, "events": dict(self.events), "notifications": self.notifications}
        if not self.recorded:
            out.update(preview=True, would_record=list(self.planned))
        return out


def open_requests():
    return (ServiceRequest.select()
            .where((ServiceRequest.status == "open") & ServiceRequest.step_due_at.is_null(False)
                   & ServiceRequest.step_started_at.is_null(False))
            .order_by(ServiceRequest.step_due_at, ServiceRequest.id))


def check(platform, now: datetime.datetime | None = None, record: bool = True) -> CheckResult:
    """Record warnings, breaches and escalations due at ``now`` (naive UTC) and notify. With
    ``record=False`` nothing is written or sent: the result says what would be (a preview, the only
    thing a simulated ``now`` may do from the command line -- an event recorded for a moment that
    has not come would be a permanent false breach)."""
    now = now or utcnow()
    registry, calendar = platform.registry, platform.calendar
    options = registry.options.get(OPTIONS_KEY, {})
    result = CheckResult(recorded=record)
    for request in open_requests().iterator():
        limit = step_limit(registry, request)
        if limit is None:
            continue
        result.checked += 1
        clock = step_clock(request, limit, policy_for(options, request.service_key), calendar, now)
        reached = clock.level(now)
        if reached is None:
            continue
        # A request found late for the first time gets every level up to the one reached, in order.
        for level in LEVELS[: LEVELS.index(reached) + 1]:
            if level == "warning" and limit == 0:
                continue
            who = (lambda level=level: recipients(level, request, registry, now))
            if record:
                sent = _record(request, level, clock, calendar, registry, who)
            else:
                sent = _plan(request, level, who, result.planned)
            if sent is not None:
                result.events[level] += 1
                result.notifications += sent
    return result


def _recorded(request, level) -> bool:
    return (SlaEvent.select().where((SlaEvent.request == request.id) & (SlaEvent.step == request.current_step)
                                    & (SlaEvent.step_started_at == request.step_started_at)
                                    & (SlaEvent.level == level)).exists())


def _plan(request, level, who, planned: list) -> int | None:
    """The preview of :func:`_record`: what it would write, written nowhere."""
    if _recorded(request, level):
        return None
    people = sorted({u.id for u in who()})
    planned.append({"request": request.id, "title": request.title, "service": request.service_key,
                    "step": request.current_step, "level": level, "notify": people})
    return len(people)


def _record(request, level, clock, calendar, registry, who) -> int | None:
    """Write one event and its notifications (to ``who()``); None when it was recorded before."""
    if _recorded(request, level):
        return None
    try:
        with database.atomic():
            event = SlaEvent.create(request=request.id, step=request.current_step,
                                    step_started_at=request.step_started_at, level=level,
                                    step_due_at=request.step_due_at, service_key=request.service_key,
                                    department=request.department_id)
            subject, body = message(level, request, clock, calendar, registry)
            stamp = request.step_started_at.isoformat(timespec="seconds")
            sent = notify_many(who(), subject, body, link=request_link(request.id),
                               kind="escalation" if level == "board" else level,
                               dedupe_prefix=f"evaluation.sla:{request.id}:{request.current_step}:{stamp}:{level}")
            event.notified = len(sent)
            event.save()
            audit.record("sla_" + level, "core_servicerequest", request.id,
                         {"step": request.current_step, "due": request.step_due_at, "notified": [n.user_id for n in sent]})
    except peewee.IntegrityError:
        return None  # a concurrent run recorded it first
    return len(sent)


# --- The board (dashboard) ----------------------------------------------------------------------

BOARD_ROWS = 200  # requests listed per bucket (most urgent first); the counts cover every request


def board(platform, now: datetime.datetime | None = None, soon_days: int = 2) -> dict:
    """Open requests due soon (within ``soon_days`` working days) and overdue, by department and
    by service (DB1302 5.4.1). Lists the ``BOARD_ROWS`` most urgent of each and counts them all in
    SQL, so the board stays quick and small with a million open requests (issue 3 "5. Speed")."""
    now = now or utcnow()
    calendar = platform.calendar
    today = calendar.local_date(now)
    names = {d.id: d.name for d in Department.select()}
    rows = {"due_soon": [], "overdue": []}
    by_dept: dict = {}
    by_service: dict = {}

    def add(bucket, department_id, service, count):
        by_dept.setdefault(names.get(department_id, ""), {"due_soon": 0, "overdue": 0})[bucket] += count
        by_service.setdefault(service, {"due_soon": 0, "overdue": 0})[bucket] += count

    def row(r):
        service, step = titles(platform.registry, r)
        return {"id": r.id, "title": r.title, "service": r.service_key, "step": r.current_step,
                "service_title": str(service), "step_title": str(step),
                "department": names.get(r.department_id, ""), "step_due_at": r.step_due_at}

    # Due soon: due before the (soon_days + 1)-th working day after today begins (local time).
    next_day = calendar.add_working_days(today, soon_days + 1) - datetime.timedelta(days=1)
    horizon = calendar.end_of_day_utc(next_day) + datetime.timedelta(seconds=1)
    buckets = (("overdue", ServiceRequest.step_due_at < now),
               ("due_soon", (ServiceRequest.step_due_at >= now) & (ServiceRequest.step_due_at < horizon)))
    for bucket, condition in buckets:
        selected = open_requests().where(condition)
        counts = (selected.select(ServiceRequest.department, ServiceRequest.service_key,
                                  peewee.fn.COUNT(ServiceRequest.id))
                  .order_by().group_by(ServiceRequest.department, ServiceRequest.service_key))
        for department_id, service, count in counts.tuples():
            add(bucket, department_id, service, count)
        rows[bucket] = [row(r) for r in selected.limit(BOARD_ROWS)]
    return {"rows": rows, "by_department": by_dept, "by_service": by_service}
