"""The supervision report of a period (DB1302 5.4.1, 5.4.2, 7.1, 7.2).

For a month, quarter, half year or year (:mod:`core.toolkit.periods`):

* consultations answered on time — only when the ``information`` plugin is enabled; its tables are
  found through the registry, the plugin is never imported;
* requests finished within their time limit, by service, department and service institution;
* satisfaction (platform staff and service institution graded separately) by service, institution
  and department;
* complaints received and closed, and their closure time in working days;
* improvement actions registered, open at the period's end, and verified.

:func:`supervision` returns the figures as a dict (admin page, API); :func:`flat_rows` the same as
``(section, dimension, name, metric, value)`` rows for table, CSV and XLSX export. The figures are
keyed by service key, grade, channel and source; :func:`display_names` says how each key reads on
a page (service titles, grade labels...).
"""
from __future__ import annotations

import collections

from rongtong.core.plugin import Department, ServiceRequest, WorkflowError, periods, tabular, vocab

from .complaints import closure_days
from .models import (CHANNELS, GRADE_KEYS, GRADE_SCORES, GRADES, IMPROVEMENT_SOURCES, SATISFIED_GRADES, Complaint,
                     ImprovementAction, Survey)
from .surveys import institution_of

HEADERS = ("section", "dimension", "name", "metric", "value")
NO_DEPARTMENT = "-"
NO_INSTITUTION = "-"


def display_names(registry) -> dict[str, dict]:
    """``{"service": {key: title}, "grade": {...}, "channel": {...}, "source": {...}}``: how the
    report's keys read on a page, in the language being rendered (a key not listed reads as itself)."""
    return {"service": {key: vocab.Bilingual(s.title, s.title_en) for key, s in registry.services.items()},
            "grade": dict(GRADES), "channel": dict(CHANNELS), "source": dict(IMPROVEMENT_SOURCES)}


def finished_on_time(engine, request: ServiceRequest) -> bool | None:
    """Whether a completed request finished within its service's published time limit (working
    days, paused time excluded). None when its workflow is no longer registered."""
    try:
        wf = engine.workflow_of(request)
    except WorkflowError:
        return None
    clock = engine.clock(request)
    due = engine.calendar.due_at(request.opened_at, engine.service_limit(request, wf), clock.paused_working_days)
    return request.closed_at <= due


def _rate(part: int, whole: int):
    return round(part / whole, 4) if whole else None


def _department_names() -> dict:
    return {d.id: d.name for d in Department.select()}


def _institution_label(inst_id, inst_name) -> str:
    if inst_name:
        return inst_name
    return f"#{inst_id}" if inst_id else NO_INSTITUTION


def requests_on_time(platform, period: periods.Period) -> dict:
    """Requests completed in the period and how many within their time limit (DB1302 5.4.1)."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    depts = _department_names()
    groups = {"service": collections.defaultdict(lambda: [0, 0]), "department": collections.defaultdict(lambda: [0, 0]),
              "institution": collections.defaultdict(lambda: [0, 0])}
    total = [0, 0]
    query = ServiceRequest.select().where((ServiceRequest.status == "completed") & (ServiceRequest.closed_at >= start)
                                          & (ServiceRequest.closed_at < stop))
    for req in query.iterator():
        ok = finished_on_time(platform.engine, req)
        if ok is None:
            continue
        inst_id, inst_name = institution_of(req, platform)
        keys = {"service": req.service_key, "department": depts.get(req.department_id, NO_DEPARTMENT),
                "institution": _institution_label(inst_id, inst_name)}
        for dim, key in keys.items():
            if dim == "institution" and key == NO_INSTITUTION:
                continue
            groups[dim][key][0] += 1
            groups[dim][key][1] += int(ok)
        total[0] += 1
        total[1] += int(ok)
    out = {"finished": total[0], "on_time": total[1], "on_time_rate": _rate(total[1], total[0])}
    for dim, rows in groups.items():
        out["by_" + dim] = {k: {"finished": v[0], "on_time": v[1], "on_time_rate": _rate(v[1], v[0])}
                            for k, v in sorted(rows.items())}
    return out


def _grade_stats(grades: list[str]) -> dict:
    counts = collections.Counter(grades)
    n = len(grades)
    satisfied = sum(counts[g] for g in SATISFIED_GRADES)
    return {"answered": n, "satisfied": satisfied, "satisfaction_rate": _rate(satisfied, n),
            "average_score": round(sum(GRADE_SCORES[g] for g in grades) / n, 2) if n else None,
            "grades": {g: counts[g] for g in GRADE_KEYS}}


def satisfaction(platform, period: periods.Period) -> dict:
    """Survey answers given in the period (DB1302 7.1): the platform staff by service and
    department, the service institutions by institution and service."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    depts = _department_names()
    staff = collections.defaultdict(list)
    inst = collections.defaultdict(list)
    all_staff, all_inst = [], []
    query = (Survey.select(Survey, ServiceRequest).join(ServiceRequest)
             .where((Survey.answered_at >= start) & (Survey.answered_at < stop)))
    for s in query.iterator():
        req = s.request
        dept = depts.get(req.department_id, NO_DEPARTMENT)
        if s.staff_grade:
            all_staff.append(s.staff_grade)
            staff[("service", req.service_key)].append(s.staff_grade)
            staff[("department", dept)].append(s.staff_grade)
        if s.institution_grade:
            all_inst.append(s.institution_grade)
            inst[("institution", _institution_label(s.institution_id, s.institution_name))].append(s.institution_grade)
            inst[("service", req.service_key)].append(s.institution_grade)

    def grouped(source):
        out = {}
        for (dim, key), grades in sorted(source.items()):
            out.setdefault("by_" + dim, {})[key] = _grade_stats(grades)
        return out

    return {"staff": {**_grade_stats(all_staff), **grouped(staff)},
            "institution": {**_grade_stats(all_inst), **grouped(inst)}}


def complaints(platform, period: periods.Period) -> dict:
    """Complaints received in the period, how many are closed, and the closure time (5.4.2)."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    received = list(Complaint.select().where((Complaint.received_at >= start) & (Complaint.received_at < stop)))
    closed = [c for c in received if c.closed_at is not None]
    days = [closure_days(c, platform.calendar) for c in closed]
    by_channel = collections.Counter(c.channel for c in received)
    return {"received": len(received), "closed": len(closed), "open": len(received) - len(closed),
            "closure_rate": _rate(len(closed), len(received)),
            "average_closure_working_days": round(sum(days) / len(days), 2) if days else None,
            "max_closure_working_days": max(days) if days else None,
            "substantiated": sum(1 for c in received if c.substantiated),
            "appealed": sum(1 for c in received if c.appealed),
            "by_channel": dict(sorted(by_channel.items()))}


def improvements(platform, period: periods.Period) -> dict:
    """Improvement actions (7.2): registered in the period, still open at its end, verified in it."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    A = ImprovementAction
    registered = A.select().where((A.created_at >= start) & (A.created_at < stop)).count()
    open_at_end = A.select().where((A.created_at < stop) & (A.closed_at.is_null() | (A.closed_at >= stop))).count()
    verified = A.select().where((A.verified_at >= start) & (A.verified_at < stop)).count()
    effective = A.select().where((A.verified_at >= start) & (A.verified_at < stop) & (A.effective == True)).count()  # noqa: E712
    overdue = A.select().where((A.created_at < stop) & (A.closed_at.is_null() | (A.closed_at >= stop))
                               & (A.deadline < period.end)).count()
    by_source = collections.Counter(a.source for a in A.select(A.source).where((A.created_at >= start) & (A.created_at < stop)))
    return {"registered": registered, "open_at_end": open_at_end, "verified": verified, "effective": effective,
            "overdue_at_end": overdue, "by_source": dict(sorted(by_source.items()))}


def consultations(platform, period: periods.Period) -> dict | None:
    """Consultations answered on time (DB1302 6.4.1.2 b), read from the ``information`` plugin's
    reply records when that plugin is enabled; None otherwise."""
    registry = platform.registry
    if "information" not in registry.plugins:
        return None
    models = {m._meta.table_name: m for m in registry.models_of("information")}
    Message = models.get("information_consultationmessage")
    if Message is None or not {"on_time", "created_at"} <= set(Message._meta.fields):
        return None
    start, stop = period.bounds_utc(platform.calendar.tz)
    replies = Message.select().where(Message.on_time.is_null(False) & (Message.created_at >= start)
                                     & (Message.created_at < stop))
    total = replies.count()
    on_time = replies.where(Message.on_time == True).count()  # noqa: E712
    return {"replies": total, "on_time": on_time, "on_time_rate": _rate(on_time, total)}


def supervision(platform, period: periods.Period) -> dict:
    return {
        "period": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(),
        "consultations": consultations(platform, period),
        "requests": requests_on_time(platform, period),
        "satisfaction": satisfaction(platform, period),
        "complaints": complaints(platform, period),
        "improvements": improvements(platform, period),
    }


def flat_rows(report: dict) -> list[tuple]:
    """The report as ``(section, dimension, name, metric, value)`` rows."""
    rows = []

    def scalars(section, dimension, name, data):
        for metric, value in data.items():
            if isinstance(value, dict):
                continue
            rows.append((section, dimension, name, metric, value))

    if report["consultations"] is not None:
        scalars("consultations", "all", "", report["consultations"])
    req = report["requests"]
    scalars("requests", "all", "", req)
    for dim in ("service", "department", "institution"):
        for name, data in req.get("by_" + dim, {}).items():
            scalars("requests", dim, name, data)
    for who in ("staff", "institution"):
        sat = report["satisfaction"][who]
        section = f"satisfaction_{who}"
        scalars(section, "all", "", sat)
        for grade, n in sat["grades"].items():
            rows.append((section, "all", "", grade, n))
        for dim in ("service", "department", "institution"):
            for name, data in sat.get("by_" + dim, {}).items():
                scalars(section, dim, name, data)
    comp = report["complaints"]
    scalars("complaints", "all", "", comp)
    for channel, n in comp["by_channel"].items():
        rows.append(("complaints", "channel", channel, "received", n))
    imp = report["improvements"]
    scalars("improvements", "all", "", imp)
    for source, n in imp["by_source"].items():
        rows.append(("improvements", "source", source, "registered", n))
    return rows


def write(report: dict, fmt: str, stream, bom: bool = False) -> None:
    """Write the report as ``table``, ``csv`` or ``xlsx`` (formula-neutralised, see tabular)."""
    tabular.write_rows(HEADERS, flat_rows(report), fmt, stream, bom=bom, sheet_title=f"supervision {report['period']}")
