"""Demo data of the evaluation plugin: answered surveys (one low grade opening a complaint), a
complaint walked to closure, a mixed evaluation committee with a finished evaluation, improvement
actions at every PDCA stage, and a supervision run over the demo's overdue requests."""
from __future__ import annotations

import datetime

from rongtong.core.plugin import PluginHost, RongtongError, ServiceRequest, acting_as, utcnow

from . import committees, improvements, sla, surveys
from .models import Survey
from .workflows import COMPLAINT_WORKFLOW

GOOD = ("very_satisfied", "satisfied", "satisfied", "basically_satisfied")


def seed(platform: PluginHost, context) -> None:
    rng = context["rng"]
    users = context.get("users", {})
    staff = (users.get("staff") or [None])[0]
    evaluator = (users.get("evaluator") or [None])[0]
    if staff is None:
        return
    options = platform.options_of("evaluation")
    _complete_some(platform, (users.get("admin") or [staff])[0])
    # Every completed request has its survey (created on completion); answer most of them.
    for req in ServiceRequest.select().where(ServiceRequest.status == "completed"):
        surveys.create_for(req, options, platform=platform)
    pending = list(Survey.select().where(Survey.answered_at.is_null()).order_by(Survey.id))
    for i, survey in enumerate(pending[: max(1, len(pending) * 3 // 4)]):
        answer = {"staff_grade": rng.choice(GOOD), "comment": "服务规范"}
        if survey.has_institution:
            answer["institution_grade"] = rng.choice(GOOD)
        if i == 0:
            answer.update(staff_grade="dissatisfied", staff_reason="材料清单说明不清，来回补正两次")
        try:
            surveys.answer(platform, survey, answer)
        except RongtongError:  # e.g. an enterprise no longer admitted cannot have a complaint opened
            continue
    _complaint(platform, context, staff)
    with acting_as(staff):  # the committee's and the register's records are staff's work
        committee = _committee(evaluator)
        _improvements(staff, committee)
    sla.check(platform)


def _complete_some(platform, actor, limit: int = 8) -> None:
    """Complete requests waiting at their last step (with that step's example data), so the demo
    has surveys to answer; each completion creates its survey through ``on_request_closed``."""
    done = 0
    for req in ServiceRequest.select().where((ServiceRequest.status == "open")
                                             & (ServiceRequest.service_key != COMPLAINT_WORKFLOW.key)).order_by(ServiceRequest.id):
        if done >= limit:
            break
        try:
            wf = platform.engine.workflow_of(req)
            last = wf.steps[-1]
            if req.current_step != last.key or wf.next_of(last.key):
                continue
            platform.engine.transition(req.id, "complete", actor, data=dict(last.example or {}))
            done += 1
        except RongtongError:
            continue


def _complaint(platform, context, staff) -> None:
    enterprises = [e for e in context.get("enterprises", []) if e.status == "admitted"]
    if not enterprises:
        return
    from .complaints import open_complaint

    complaint = open_complaint(platform.engine, enterprise=enterprises[0], channel="phone", actor=staff,
                               description="服务专员未按承诺时间回电", complainant="李经理", contact="0311-88886666")
    examples = {s.key: dict(s.example or {}) for s in COMPLAINT_WORKFLOW.steps}
    engine = platform.engine
    engine.transition(complaint.case_id, "advance", staff, data=examples["receive"])
    engine.transition(complaint.case_id, "advance", staff, data=examples["verify"])
    engine.transition(complaint.case_id, "advance", staff, data=examples["rectify"])
    engine.transition(complaint.case_id, "advance", staff, data=examples["respond"])
    engine.transition(complaint.case_id, "advance", staff, target="close",
                      data={"verdict": "explained", "explanation": "投诉人电话确认已知悉，未作评价"})
    engine.transition(complaint.case_id, "complete", staff, data=examples["close"])


def _committee(evaluator):
    committee = committees.create_committee({"name": "服务质量评价委员会", "kind": "mixed",
                                             "description": "平台内部人员与第三方专家共同组成（DB1302 7.1）"})
    members = []
    if evaluator is not None:
        members.append(committees.add_member(committee, {"name": str(evaluator), "user": evaluator.id,
                                                         "external": False, "role": "chair"}))
    members.append(committees.add_member(committee, {"name": "赵教授", "organisation": "河北经贸大学",
                                                     "external": True}))
    conflicted = committees.add_member(committee, {"name": "钱总工", "organisation": "某检测机构", "external": True})
    for m in members:
        committees.declare(m, False, "与被评价对象无利益关系")
    committees.declare(conflicted, True, "任职于被评价的服务机构，回避打分")
    period = f"{utcnow().year}-Q{(utcnow().month - 1) // 3 + 1}"
    evaluation = committees.create_evaluation({"committee": committee.id, "title": "季度服务质量评价",
                                               "methods": ["questionnaire", "symposium", "document_review"],
                                               "scope_kind": "period", "scope_period": period})
    for m, score in zip(members, (88, 82)):
        committees.add_score(evaluation, {"member": m.id, "criterion": "服务及时性与满意度", "score": score})
    committees.finish(evaluation, "办结及时率较上季度提升；材料清单说明需进一步细化")
    return evaluation


def _improvements(staff, evaluation) -> None:
    deadline = utcnow().date() + datetime.timedelta(days=30)
    planned = improvements.register({"source": "evaluation", "evaluation": evaluation.id,
                                     "finding": "材料清单说明不清，企业多次补正"})
    improvements.update(planned, {"cause_analysis": "服务指南未按服务类别细化", "measure": "修订服务指南的材料清单",
                                  "method": "按服务逐项梳理并征求企业意见", "owner": staff.id,
                                  "deadline": deadline})
    done = improvements.register({"source": "statistics", "source_note": "监督报告：办结及时率",
                                  "finding": "部分请求受理环节超时"})
    improvements.update(done, {"cause_analysis": "受理岗人手不足", "measure": "增设受理岗并启用时限提醒",
                               "method": "排班调整", "owner": staff.id, "deadline": deadline})
    improvements.update(done, {"done_note": "已增设受理岗，启用每日时限检查"})
    improvements.verify(done, "次月受理环节及时率 97%", True, staff)
    improvements.close(done)
