"""The admin home: the staff inbox (issue 9 §4, DB1302 5.1.2) with its three queues — mine
(assigned to me), my department's (its open requests) and unassigned (my department's or unrouted
ones nobody holds; an administrator's and staff's outside any department: all of them) — each
earliest step deadline first, with what in it is overdue and due soon, and counts by service and
status (issue 3 §2; DB1302 5.4.1 services finished within their promised time limit).

Queries are bounded: each queue is a few index-served terms (:func:`core.routing.queue_terms`,
indexes of migrations/0004_routing.py) read in step-deadline order with a LIMIT, the enterprise and
assignee names come in the same query, the tab counts stop at :data:`COUNT_MAX`, and the counts by
service are one GROUP BY (bench/inbox_department.py: 100,000 open requests in one department).
"""
from __future__ import annotations

import datetime
import time

import peewee
from flask import request
from flask_admin import expose

from rongtong.core.calendar import next_year_unarranged
from rongtong.core.i18n import gettext
from rongtong.core.i18n import lazy_gettext as _l
from rongtong.core.models import Enterprise, ServiceRequest, User, utcnow
from rongtong.core.routing import queue_condition, queue_terms, queues_for
from rongtong.core.security import is_staff, scope_query
from rongtong.core.web.admin.base import (SecureBaseView, acting_user, current_platform, local_time, service_title,
                                 status_label, step_title)

INBOX_LIMIT = 50
COUNT_MAX = 1000  # a tab shows "1000+" beyond this (counting further would read the whole queue)
DUE_SOON_WORKING_DAYS = 2
SR = ServiceRequest
QUEUE_LABELS = {"mine": _l("Mine"), "department": _l("My department"), "unassigned": _l("Unassigned")}


def queue_base(user):
    """Open requests the user may see, with the enterprise's and the assignee's names."""
    assignee = User.alias("assignee_user")
    query = (SR.select(SR, Enterprise.name.alias("enterprise_name"), assignee.display_name.alias("assignee_name"),
                       assignee.username.alias("assignee_username"))
             .join(Enterprise, on=(SR.enterprise == Enterprise.id))
             .join(assignee, peewee.JOIN.LEFT_OUTER, on=(SR.assignee == assignee.id)))
    return scope_query(query, SR, user).where(SR.status == "open")


def by_due(query, limit=INBOX_LIMIT) -> list:
    """Earliest step deadline first, requests without one last. Ordered by an index's
    (status, step_due_at) columns alone so the database reads only ``limit`` rows."""
    rows = list(query.where(SR.step_due_at.is_null(False)).order_by(SR.step_due_at, SR.id).limit(limit).objects())
    if len(rows) < limit:
        rows += list(query.where(SR.step_due_at.is_null()).order_by(SR.id).limit(limit - len(rows)).objects())
    return rows


def due_order(row):
    return (row.step_due_at is None, row.step_due_at or datetime.datetime.min, row.id)


def queue_rows(base, terms, limit=INBOX_LIMIT) -> list:
    """The first ``limit`` requests of the OR of ``terms`` in step-deadline order: each term is
    read on its own (so each uses its index in order) and the runs are merged."""
    if len(terms) == 1:
        return by_due(base.where(terms[0]), limit)
    rows = {}
    for term in terms:
        for row in by_due(base.where(term), limit):
            rows[row.id] = row
    return sorted(rows.values(), key=due_order)[:limit]


def bounded_count(query, cap=COUNT_MAX) -> int:
    """``COUNT(*)`` of at most ``cap + 1`` rows (the tab says "cap+" beyond)."""
    return query.select(SR.id).order_by().limit(cap + 1).count()


def queue_counts(user, queues) -> dict[str, int]:
    base = scope_query(SR.select(SR.id), SR, user).where(SR.status == "open")
    return {q: bounded_count(base.where(queue_condition(q, user))) for q in queues}


def default_queue(queues, counts) -> str | None:
    """Mine when I hold any, else my department's; when that is empty too, where the work is
    (the unassigned requests)."""
    for q in queues:
        if counts.get(q):
            return q
    return queues[0] if queues else None


def dashboard_data(user, platform, now=None, counts_cache=None, queue=None) -> dict:
    now = now or utcnow()
    soon = platform.calendar.due_at(now, DUE_SOON_WORKING_DAYS)
    queues = queues_for(user)
    tab_counts = queue_counts(user, queues)
    if queue not in queues:
        queue = default_queue(queues, tab_counts)
    base = queue_base(user)
    terms = queue_terms(queue, user) if queue else [peewee.SQL("1 = 0")]
    inbox = queue_rows(base, terms)
    overdue = queue_rows(base.where(SR.step_due_at < now), terms)
    due_soon = queue_rows(base.where((SR.step_due_at >= now) & (SR.step_due_at <= soon)), terms)
    counts = [(service_title(k), k, status_label(s), s, n) for k, s, n in (counts_cache or count_requests)(user)]
    return {"inbox": inbox, "overdue": overdue, "due_soon": due_soon, "counts": counts, "now": now, "soon": soon,
            "limit": INBOX_LIMIT, "queue": queue, "queues": [(q, QUEUE_LABELS[q], tab_counts[q]) for q in queues],
            "count_max": COUNT_MAX, "calendar_warning": calendar_warning(user, platform, now)}


def calendar_warning(user, platform, now) -> str | None:
    """From 1 November, staff are told when next year has no State Council holiday arrangement
    (neither official package data nor a config notice): its time limits count computed days only."""
    year = next_year_unarranged(platform.calendar, platform.calendar.local_date(now)) if is_staff(user) else None
    if year is None:
        return None
    return gettext("%(year)s has no State Council holiday arrangement yet: time limits in %(year)s count only "
                   "the statutory holidays computed from the national regulation, without make-up workdays. "
                   "Enter the notice in [calendar.years.%(year)s] of the configuration when it is published, "
                   "or upgrade chinesecalendar.", year=str(year))


def count_requests(user) -> list[tuple[str, str, int]]:
    """``(service_key, status, count)`` over the requests ``user`` may see: one GROUP BY."""
    counted = scope_query(SR.select(SR.service_key, SR.status, peewee.fn.COUNT(SR.id).alias("n")), SR, user)
    return list(counted.group_by(SR.service_key, SR.status).order_by(SR.service_key, SR.status).tuples())


class CountsCache:
    """Staff see platform-wide counts, which cost a scan of every request: computed at most once
    per ``ttl`` seconds per app (scoped users' counts are small and always live)."""

    def __init__(self, ttl: float = 60.0):
        self.ttl = ttl
        self._value = None
        self._expires = 0.0

    def __call__(self, user):
        if not is_staff(user):
            return count_requests(user)
        now = time.monotonic()
        if self._value is None or now >= self._expires:
            self._value, self._expires = count_requests(user), now + self.ttl
        return self._value


class DashboardView(SecureBaseView):
    """The admin index (endpoint ``admin.index``): protected like every other screen."""

    permission = "core.dashboard.view"

    def __init__(self):
        super().__init__(name=_l("My tasks"), endpoint="admin", url="/admin", static_folder="static")
        self.counts_cache = CountsCache()

    @expose("/")
    def index(self):
        user = acting_user()
        platform = current_platform()
        data = dashboard_data(user, platform, counts_cache=self.counts_cache, queue=request.args.get("queue"))
        return self.render("admin/rt/dashboard.html", step_title=step_title, service_title=service_title,
                           status_label=status_label, local_time=local_time,
                           overdue_ids={r.id for r in data["overdue"]}, **data)


def working_days_left(platform, due: datetime.datetime | None, now=None):
    if due is None:
        return None
    now = now or utcnow()
    cal = platform.calendar
    return cal.working_days_between(cal.local_date(now), cal.local_date(due))
