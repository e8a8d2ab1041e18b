"""What this plugin shows the compliance report (``rongtong report compliance``; hook
``register_evidence``): complaints received, reviewed and closed within the limit (DB1302 5.4.2),
evaluations held with their body and methods and the satisfaction surveys answered (7.1), and the
improvement actions opened, verified and closed (7.2, 5.1.4), all in the period. The figures are
those of the supervision report (:mod:`.reports`)."""
from __future__ import annotations

from rongtong.core.plugin import Evidence

from .models import COMMITTEE_KINDS, METHODS, Committee, Complaint, Evaluation, ImprovementAction
from .reports import finished_on_time, improvements, satisfaction

COMPLAINTS = "evaluation_complaint · /admin/evaluation/complaint/ · GET /api/v1/evaluation/complaints"
EVALUATIONS = "evaluation_evaluation · evaluation_committee · /admin/evaluation/evaluation/"
IMPROVEMENTS = "evaluation_improvementaction · /admin/evaluation/improvementaction/"


def _percent(rate) -> str:
    return "—" if rate is None else f"{round(rate * 100)} %"


def complaints(platform, period):
    """DB1302 5.4.2: complaints received in the period, reviewed (复核, appealed to the committee),
    and closed, and how many of those closed within the complaint service's time limit."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    received = list(Complaint.select().where((Complaint.received_at >= start) & (Complaint.received_at < stop)))
    closed = list(Complaint.select().where((Complaint.closed_at >= start) & (Complaint.closed_at < stop)))
    if not received and not closed:
        return [], COMPLAINTS
    in_time = sum(1 for c in closed if c.case.status == "completed" and finished_on_time(platform.engine, c.case))
    return ([("收到投诉", "Complaints received", len(received)),
             ("复核（提交评价委员会）", "Reviewed (appealed to the committee)", sum(1 for c in received if c.appealed)),
             ("本期办结", "Closed", len(closed)), ("在时限内办结", "Closed within the time limit", in_time)],
            COMPLAINTS)


def evaluations(platform, period):
    """DB1302 7.1: evaluations finished in the period, by the kind of body and by method."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    held = list(Evaluation.select(Evaluation, Committee).join(Committee)
                .where((Evaluation.finished_at >= start) & (Evaluation.finished_at < stop)))
    if not held:
        return [], EVALUATIONS
    figures = [("完成评价", "Evaluations finished", len(held))]
    for key, label in COMMITTEE_KINDS:
        n = sum(1 for e in held if e.committee.kind == key)
        if n:
            figures.append((f"评价主体：{label}", f"Body: {label}", n))
    for key, label in METHODS:
        n = sum(1 for e in held if key in (e.methods or []))
        if n:
            figures.append((f"评价方式：{label}", f"Method: {label}", n))
    return figures, EVALUATIONS


def surveys(platform, period):
    """DB1302 7.1 (questionnaire): satisfaction surveys answered in the period."""
    staff = satisfaction(platform, period)["staff"]
    if not staff["answered"]:
        return [], "evaluation_survey · /admin/evaluation/survey/"
    return ([("满意度调查答复", "Surveys answered", staff["answered"]),
             ("满意率（平台人员）", "Satisfied (platform staff)", _percent(staff["satisfaction_rate"]))],
            "evaluation_survey · /admin/evaluation/survey/ · /admin/evaluation/report/")


def improvement_actions(platform, period):
    """DB1302 7.2, 5.1.4: improvement actions opened, verified and closed in the period."""
    start, stop = period.bounds_utc(platform.calendar.tz)
    figures = improvements(platform, period)
    A = ImprovementAction
    closed = A.select().where((A.closed_at >= start) & (A.closed_at < stop)).count()
    if not (figures["registered"] or figures["verified"] or closed or figures["open_at_end"]):
        return [], IMPROVEMENTS
    return ([("新开改进措施", "Opened", figures["registered"]), ("已验证", "Verified", figures["verified"]),
             ("验证有效", "Verified effective", figures["effective"]), ("已关闭", "Closed", closed),
             ("期末未关闭", "Open at the end", figures["open_at_end"])], IMPROVEMENTS)


def evidence() -> list[Evidence]:
    return [
        Evidence("5.4.2", "投诉受理、复核与办结", "Complaints received, reviewed and closed", complaints),
        Evidence("7.1", "服务评价（主体与方式）", "Evaluations held (body and methods)", evaluations),
        Evidence("7.1", "满意度调查", "Satisfaction surveys", surveys),
        Evidence("7.2", "改进措施", "Improvement actions", improvement_actions),
        Evidence("5.1.4", "改进措施（持续改进）", "Improvement actions (continual improvement)", improvement_actions),
    ]
