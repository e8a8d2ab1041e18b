"""The admin home: my task inbox (requests at a step I may act on, earliest step deadline first),
due soon, overdue, and counts by service and status (issue 3 §2; DB1302 5.4.1 services finished
within their promised time limit).

Queries are bounded: the inbox condition is built from the registered workflows (which steps my
roles and permissions let me act on) and evaluated by the database with a LIMIT, the enterprise
name comes in the same query, and the counts are one GROUP BY.
"""
from __future__ import annotations

import datetime

import peewee
from flask_admin import expose

from core.models import Enterprise, ServiceRequest, utcnow
from core.security import has_permission, is_staff, scope_query
from core.web.admin.base import (SecureBaseView, acting_user, current_platform, local_time, service_title,
                                 status_label, step_title)

INBOX_LIMIT = 50
DUE_SOON_WORKING_DAYS = 2
SR = ServiceRequest


def inbox_condition(user, registry):
    """SQL condition selecting the open requests whose current step ``user`` may act on — the same
    rule as :meth:`core.workflow.WorkflowEngine.may_act_on_step`, expressed as a WHERE clause."""
    if user.is_admin:
        return SR.status == "open"  # an administrator may act on every step
    conds = []
    for (key, version), wf in sorted(registry.workflow_versions.items()):
        if not user.is_admin and not has_permission(user, f"workflow.{key}.act", registry):
            continue
        groups: dict[str, list[str]] = {}
        for step in wf.steps:
            if user.is_admin:
                kind = "all"
            else:
                roles = set(user.roles) & set(step.roles)
                if not roles:
                    continue
                kind = "enterprise" if roles <= {"enterprise"} else "assigned" if roles <= {"expert", "evaluator"} else "all"
            groups.setdefault(kind, []).append(step.key)
        for kind, steps in groups.items():
            cond = (SR.workflow_key == key) & (SR.workflow_version == version) & SR.current_step.in_(steps)
            if kind == "enterprise":
                cond &= SR.enterprise == user.enterprise_id
            elif kind == "assigned":
                cond &= SR.assignee == user.id
            conds.append(cond)
    if not conds:
        return peewee.SQL("1 = 0")
    combined = conds[0]
    for cond in conds[1:]:
        combined |= cond
    return (SR.status == "open") & combined


def inbox_query(user, platform):
    query = SR.select(SR, Enterprise.name.alias("enterprise_name")).join(Enterprise)
    return scope_query(query, SR, user).where(inbox_condition(user, platform.registry))


def by_due(query, limit=INBOX_LIMIT) -> list:
    """Earliest step deadline first, requests without one last. Ordered by the indexed
    (status, step_due_at) columns alone so the database reads only ``limit`` rows."""
    rows = list(query.where(SR.step_due_at.is_null(False)).order_by(SR.step_due_at, SR.id).limit(limit).objects())
    if len(rows) < limit:
        rows += list(query.where(SR.step_due_at.is_null()).order_by(SR.id).limit(limit - len(rows)).objects())
    return rows


def dashboard_data(user, platform, now=None, counts_cache=None) -> dict:
    now = now or utcnow()
    soon = platform.calendar.due_at(now, DUE_SOON_WORKING_DAYS)
    base = inbox_query(user, platform)
    inbox = by_due(base)
    overdue = by_due(base.where(SR.step_due_at < now))
    due_soon = by_due(base.where((SR.step_due_at >= now) & (SR.step_due_at <= soon)))
    counts = [(service_title(k), k, status_label(s), s, n) for k, s, n in (counts_cache or count_requests)(user)]
    return {"inbox": inbox, "overdue": overdue, "due_soon": due_soon, "counts": counts, "now": now, "soon": soon,
            "limit": INBOX_LIMIT}


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
        import time

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
        from core.i18n import lazy_gettext as _l

        super().__init__(name=_l("My tasks"), endpoint="admin", url="/admin", static_folder="static")
        self.counts_cache = CountsCache()

    @expose("/")
    def index(self):
        user = acting_user()
        platform = current_platform()
        data = dashboard_data(user, platform, counts_cache=self.counts_cache)
        return self.render("admin/rt/dashboard.html", step_title=step_title, service_title=service_title,
                           status_label=status_label, local_time=local_time,
                           overdue_ids={r.id for r in data["overdue"]}, **data)


def working_days_left(platform, due: datetime.datetime | None, now=None):
    if due is None:
        return None
    now = now or utcnow()
    cal = platform.calendar
    return cal.working_days_between(cal.local_date(now), cal.local_date(due))
