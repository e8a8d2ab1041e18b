"""The core's own evidence (DB1302 4.4.4, 5.1.2, 5.2, 5.3.2, 5.4.1, 6.1, 6.3), read from the core's
tables: requests, enterprises, departments, users, notifications, the e-mail outbox and the audit
trail. See docs/compliance.md for what each figure counts."""
from __future__ import annotations

from peewee import JOIN, fn

from rongtong.core import audit
from rongtong.core.contract import Evidence
from rongtong.core.errors import WorkflowError
from rongtong.core.models import (ENTERPRISE_KINDS, ENTERPRISE_SCALES, AuditEvent, Department, Enterprise,
                                  Notification, OutboxMessage, ServiceRequest, User)
from rongtong.core.vocabulary import in_chinese, msgid_of

from .figures import bounds, both, rate, service_titles

REQUESTS = "core_servicerequest · /admin/core/servicerequest/ · GET /api/v1/requests"


def on_time(platform, period):
    """DB1302 5.4.1: the requests completed in the period, and how many by their due date: the
    published time limit in working days from filing, the working days paused added back (the
    engine clears ``due_at`` when a request closes, so it is computed again from the log)."""
    start, stop = bounds(platform, period)
    R = ServiceRequest
    counts: dict[str, list[int]] = {}
    for request in R.select().where((R.status == "completed") & (R.closed_at >= start) & (R.closed_at < stop)).iterator():
        ok = finished_on_time(platform.engine, request)
        if ok is not None:
            tally = counts.setdefault(request.service_key, [0, 0])
            tally[0] += 1
            tally[1] += int(ok)
    if not counts:
        return [], REQUESTS
    figures = [("按时办结率（全部服务）", "On-time rate (all services)",
                rate(sum(t[1] for t in counts.values()), sum(t[0] for t in counts.values())))]
    for key, (total, ok) in sorted(counts.items()):
        zh, en = service_titles(platform.registry, key)
        figures.append((f"按时办结率：{zh}", f"On-time rate: {en}", rate(ok, total)))
    return figures, REQUESTS + " (opened_at, closed_at; core_transition: pauses)"


def finished_on_time(engine, request) -> bool | None:
    """Whether a completed request closed within its service's published time limit (working
    days, paused ones added back); None when its workflow is no longer registered."""
    try:
        workflow = engine.workflow_of(request)
    except WorkflowError:
        return None
    paused = engine.clock(request).paused_working_days
    return request.closed_at <= engine.calendar.due_at(request.opened_at, engine.service_limit(request, workflow), paused)


def notifications(platform, period):
    """DB1302 5.4.1: the notices sent in the period (in-app, and e-mails delivered)."""
    start, stop = bounds(platform, period)
    sent = Notification.select().where((Notification.created_at >= start) & (Notification.created_at < stop)).count()
    mailed = OutboxMessage.select().where((OutboxMessage.sent_at >= start) & (OutboxMessage.sent_at < stop)).count()
    if not sent and not mailed:
        return [], "core_notification · core_outbox"
    return ([("站内通知", "In-app notifications", sent), ("已发送邮件", "E-mails delivered", mailed)],
            "core_notification · core_outbox · /admin/core/notification/ · /admin/core/outbox/ · GET /api/v1/notifications")


def requests_per_service(platform, period):
    """DB1302 6.3: the requests filed in the period, per service, and those closed in it."""
    start, stop = bounds(platform, period)
    R = ServiceRequest
    filed = list(R.select(R.service_key, fn.COUNT(R.id)).where((R.opened_at >= start) & (R.opened_at < stop))
                 .group_by(R.service_key).order_by(R.service_key).tuples())
    closed = R.select().where((R.closed_at >= start) & (R.closed_at < stop)).count()
    if not filed and not closed:
        return [], REQUESTS
    figures = [("本期受理请求", "Requests filed", sum(n for _k, n in filed)), ("本期办结请求", "Requests closed", closed)]
    for key, n in filed:
        zh, en = service_titles(platform.registry, key)
        figures.append((f"受理：{zh}", f"Filed: {en}", n))
    return figures, REQUESTS


def onboarding(platform, period):
    """DB1302 4.4.4: enterprises that applied in the period, and the reviews decided in it."""
    start, stop = bounds(platform, period)
    E = Enterprise
    applied = E.select().where((E.created_at >= start) & (E.created_at < stop)).count()
    decided = E.select().where((E.reviewed_at >= start) & (E.reviewed_at < stop))
    admitted = decided.where(E.status == "admitted").count()
    rejected = decided.where(E.status == "rejected").count()
    waiting = E.select().where(E.status.in_(("applied", "under_review"))).count()
    if not (applied or admitted or rejected):
        return [], "core_enterprise"
    return ([("入驻申请", "Applications", applied), ("审核通过", "Admitted", admitted), ("审核未通过", "Rejected", rejected),
             ("待审核（当前）", "Awaiting review (now)", waiting)],
            "core_enterprise (created_at, reviewed_at, status) · /admin/core/onboarding/ · GET /api/v1/enterprises")


def routing(platform, period):
    """DB1302 5.1.2: the requests filed in the period by the department they were routed to."""
    start, stop = bounds(platform, period)
    R = ServiceRequest
    rows = list(R.select(Department.name, Department.name_en, fn.COUNT(R.id))
                .join(Department, JOIN.LEFT_OUTER, on=(R.department == Department.id))
                .where((R.opened_at >= start) & (R.opened_at < stop))
                .group_by(Department.id, Department.name, Department.name_en).order_by(Department.name).tuples())
    if not rows:
        return [], REQUESTS
    figures = []
    for name, name_en, n in rows:
        if name is None:
            figures.append(("未分派部门", "Not routed to a department", n))
        else:
            figures.append((f"部门：{name}", f"Department: {name_en or name}", n))
    return figures, REQUESTS + " (department) · core_department · /admin/core/routing/"


def audit_chain(platform, period):
    """DB1302 5.3.2: the audit events of the period, and the whole hash chain verified now."""
    start, stop = bounds(platform, period)
    events = AuditEvent.select().where((AuditEvent.created_at >= start) & (AuditEvent.created_at < stop)).count()
    count, broken = audit.verify()
    check = both(f"完整（共 {count} 条）", f"intact ({count} events)") if broken is None else \
        both(f"在第 {broken} 条处断开", f"broken at event {broken}")
    return ([("本期审计事件", "Audit events in the period", events), ("审计链校验", "Audit chain check", check)],
            "core_auditevent (hash chain) · /admin/core/auditevent/ · rongtong audit verify")


def served(platform, period):
    """DB1302 6.1: the admitted enterprises at the end of the period, by scale and kind."""
    _start, stop = bounds(platform, period)
    E = Enterprise
    admitted = E.select().where((E.status == "admitted") & (E.created_at < stop))
    total = admitted.count()
    if not total:
        return [], "core_enterprise"
    scales = dict(admitted.select(E.scale, fn.COUNT(E.id)).group_by(E.scale).tuples())
    kinds = dict(admitted.select(E.kind, fn.COUNT(E.id)).group_by(E.kind).tuples())
    figures = [("已入驻企业", "Admitted enterprises", total)]
    figures += [(f"规模：{_zh(label)}", f"Scale: {msgid_of(label)}", scales.get(key, 0)) for key, label in ENTERPRISE_SCALES]
    figures += [(f"类型：{_zh(label)}", f"Kind: {msgid_of(label)}", kinds.get(key, 0)) for key, label in ENTERPRISE_KINDS]
    return figures, "core_enterprise (scale, kind) · /admin/core/enterprise/ · GET /api/v1/enterprises"


def staff(platform, period):
    """DB1302 5.1.1, 5.2: the active platform staff, and how many have a post and their
    qualifications and training recorded."""
    people = [u for u in User.select(User.roles, User.post, User.qualifications, User.department)
              .where(User.active == True) if "staff" in (u.roles or [])]  # noqa: E712
    if not people:
        return [], "core_user"
    start, stop = bounds(platform, period)
    filed = ServiceRequest.select().where((ServiceRequest.opened_at >= start) & (ServiceRequest.opened_at < stop)).count()
    open_now = ServiceRequest.select().where(ServiceRequest.closed_at.is_null()).count()
    # the team against the demand it serves (DB1302 5.2)
    return ([("在岗服务人员", "Active staff", len(people)),
             ("本期人均受理请求", "Requests filed in the period per staff member", round(filed / len(people), 1)),
             ("人均在办请求", "Open requests per staff member", round(open_now / len(people), 1)),
             ("已登记岗位", "With a post recorded", sum(1 for u in people if u.post)),
             ("已登记资质与培训", "With qualifications and training recorded", sum(1 for u in people if u.qualifications)),
             ("已归属部门", "In a department", sum(1 for u in people if u.department_id))],
            "core_user (post, qualifications, department), core_servicerequest · /admin/core/user/")


def requests_of(key: str):
    """A collector: the requests of service ``key`` filed and closed in the period."""
    def collect(platform, period):
        start, stop = bounds(platform, period)
        R = ServiceRequest
        source = f"core_servicerequest (service_key = {key}) · /admin/core/servicerequest/ · GET /api/v1/requests"
        filed = R.select().where((R.service_key == key) & (R.opened_at >= start) & (R.opened_at < stop)).count()
        closed = R.select().where((R.service_key == key) & (R.closed_at >= start) & (R.closed_at < stop)).count()
        if not filed and not closed:
            return [], source
        return [("本期受理", "Filed in the period", filed), ("本期办结", "Closed in the period", closed)], source
    return collect


def requests_evidence(clause: str, service: str, title: str, title_en: str) -> Evidence:
    """Evidence of ``clause``: the requests of ``service`` filed and closed in the period (for a
    plugin whose service is the evidence of a clause, e.g. technical services for 6.4.2)."""
    return Evidence(clause, title, title_en, requests_of(service))


def _zh(label) -> str:
    """A lazy label's Chinese text (its English msgid when no translation is active)."""
    return in_chinese(label) or msgid_of(label)


def evidence() -> list[Evidence]:
    return [
        Evidence("4.4.4", "入驻申请与审核", "Onboarding applications and reviews", onboarding),
        Evidence("5.1.1", "服务人员配置", "The service team", staff),
        Evidence("5.2", "服务人员档案", "Staff profiles", staff),
        Evidence("5.1.2", "请求分派到部门", "Requests routed to departments", routing),
        Evidence("5.3.2", "审计链完整性", "Integrity of the audit trail", audit_chain),
        Evidence("5.4.1", "按时办结率（按服务）", "On-time rate per service", on_time),
        Evidence("5.4.1", "办理通知", "Notices sent", notifications),
        Evidence("6.1", "服务对象", "Enterprises served", served),
        Evidence("6.3", "各服务受理与办结", "Requests per service", requests_per_service),
    ]
