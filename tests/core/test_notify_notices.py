"""What the core tells the enterprise (issue 9 §3): a pause with what to supply, a return, each
answer it may read, completion, rejection, the onboarding decision — and, from the evaluation
plugin, a new complaint to its handlers and the satisfaction survey. Each one in the recipient's
language, in-app and in the e-mail outbox, in the event's own transaction, never to the actor
(DB1302 4.4.4, 5.4.1, 5.4.2, 7.1)."""
from __future__ import annotations

import importlib.metadata

import pytest

from rongtong.core.errors import ValidationFailed
from rongtong.core.i18n import site_language
from rongtong.core.models import Enterprise, Notification, OutboxMessage
from tests import factories

CONSULT = {"consult": importlib.metadata.EntryPoint("consult", "tests.core.consultplugin", "rongtong.plugins")}
MAIL = {"host": "127.0.0.1", "port": 2525}  # e-mail on; nothing is delivered in these tests


@pytest.fixture
def consult(make_platform):
    platform = make_platform(plugins=("consult",), entry_points=CONSULT, mail=MAIL)
    people = factories.make_people()
    people.user_a.email = "a@example.com"
    people.user_a.save()
    # a colleague reading English, and a deactivated one
    people.a_en = factories.user("a_en", ["enterprise"], enterprise=people.ent_a, language="en", email="en@example.com")
    factories.user("a_gone", ["enterprise"], enterprise=people.ent_a, active=False, email="gone@example.com")
    with site_language(platform):
        yield platform, people


def inbox(user):
    return list(Notification.select().where(Notification.user == user.id).order_by(Notification.id))


def open_consult(platform, people, title="设备更新补贴咨询"):
    return platform.engine.open_request(enterprise=people.ent_a, service_key="consult", actor=people.user_a,
                                        title=title)


def test_a_pause_tells_every_enterprise_user_what_to_supply(consult):
    """DB1302 5.4.1: the enterprise learns at once that the clock stopped and what it must supply."""
    platform, people = consult
    req = open_consult(platform, people)
    platform.engine.transition(req.id, "pause", people.staff, reason="请补充近三年财务报表")
    [zh], [en] = inbox(people.user_a), inbox(people.a_en)
    assert (zh.event, zh.kind, zh.link, zh.request_id) == ("request.paused", "task", f"/my/requests/{req.id}", req.id)
    assert zh.subject == "您的申请需要补充材料：设备更新补贴咨询"
    assert "“审查”环节暂停" in zh.body and "需补充：请补充近三年财务报表" in zh.body
    assert en.subject == "Your request needs more from you: 设备更新补贴咨询"
    assert 'at the step "Review"' in en.body and "What to supply: 请补充近三年财务报表" in en.body
    # the actor, other enterprises and the deactivated colleague hear nothing
    assert Notification.select().count() == 2
    assert sorted(o.recipient for o in OutboxMessage.select()) == ["a@example.com", "en@example.com"]
    # resuming is the enterprise's own act: no news for anyone
    platform.engine.transition(req.id, "resume", people.user_a)
    assert Notification.select().count() == 2


def test_the_answer_lists_only_what_the_enterprise_may_read(consult):
    platform, people = consult
    req = open_consult(platform, people)
    engine = platform.engine
    engine.transition(req.id, "advance", people.staff)  # review: no evidence, nothing to tell
    assert not Notification.select().exists()
    engine.transition(req.id, "advance", people.staff,
                      data={"answer": "符合条件，可申请补贴", "fee": 5000000, "note": "材料齐全，建议优先"})
    [zh], [en] = inbox(people.user_a), inbox(people.a_en)
    assert zh.event == "request.answered" and zh.subject == "您的申请有新的办理结果：设备更新补贴咨询"
    assert "答复: 符合条件，可申请补贴" in zh.body and "预计费用: 5,000,000 万元" in zh.body
    assert "下一步：办结确认" in zh.body
    assert "Answer: 符合条件，可申请补贴" in en.body and "Next step: Confirm" in en.body
    for n in (zh, en):
        assert "材料齐全" not in n.body and "note" not in n.body  # internal: never shown to the enterprise
    # the enterprise confirms: its colleague learns the request is complete, the actor does not
    engine.transition(req.id, "complete", people.user_a, data={"satisfied": "yes"})
    assert [n.event for n in inbox(people.user_a)] == ["request.answered"]
    done = inbox(people.a_en)[-1]
    assert done.event == "request.completed" and "Satisfied: 满意" in done.body
    assert done.subject == "Your request is complete: 设备更新补贴咨询"


def test_a_return_and_a_rejection_carry_the_reason(consult):
    platform, people = consult
    engine = platform.engine
    req = open_consult(platform, people)
    engine.transition(req.id, "advance", people.staff)
    engine.transition(req.id, "return", people.staff, reason="问题描述不清", target="review")
    returned = inbox(people.user_a)[-1]
    assert returned.event == "request.returned" and returned.subject == "您的申请已被退回：设备更新补贴咨询"
    assert "退回至“审查”环节" in returned.body and "原因：问题描述不清" in returned.body
    engine.transition(req.id, "reject", people.staff, reason="不属于平台服务范围")
    rejected = inbox(people.a_en)[-1]
    assert rejected.event == "request.rejected" and rejected.kind == "warning"
    assert "Reason: 不属于平台服务范围" in rejected.body
    assert not inbox(people.staff) and not inbox(people.user_b)


def test_notices_are_rolled_back_with_a_refused_transition(consult):
    platform, people = consult
    req = open_consult(platform, people)
    with pytest.raises(ValidationFailed):
        platform.engine.transition(req.id, "pause", people.staff, reason="refuse")
    assert not Notification.select().exists() and not OutboxMessage.select().exists()


def test_the_onboarding_decision_reaches_the_applicants_users(consult):
    """DB1302 4.4.4: the enterprise learns the review's outcome, with the reason of a refusal."""
    from rongtong.core.web.admin.onboarding import review

    platform, people = consult
    applicant = factories.enterprise("丙公司", status="applied")
    applicant_user = factories.user("user_c", ["enterprise"], enterprise=applicant, email="c@example.com")
    review(applicant.id, "rejected", "营业执照已过期", people.staff)
    [refused] = inbox(applicant_user)
    assert refused.event == "enterprise.rejected" and refused.subject == "丙公司 的入驻申请未通过"
    assert "原因：营业执照已过期" in refused.body
    Enterprise.update(status="applied").where(Enterprise.id == applicant.id).execute()  # it applies again
    review(applicant.id, "admitted", "", people.staff)
    admitted = inbox(applicant_user)[-1]
    assert admitted.event == "enterprise.admitted" and admitted.subject == "丙公司 已通过入驻审核"
    assert OutboxMessage.select().where(OutboxMessage.recipient == "c@example.com").count() == 2
    assert not inbox(people.user_a) and not inbox(people.staff)


def test_a_complaint_reaches_its_handlers_and_a_completed_request_its_survey(make_platform):
    """DB1302 5.4.2 (a new complaint to whoever handles it) and 7.1 (the satisfaction survey):
    both through the core's notifications, both with their e-mail in the outbox."""
    from rongtong.plugins.evaluation.complaints import open_complaint
    from tests.conftest import SAMPLE_ENTRY_POINTS

    platform = make_platform(plugins=("sample", "evaluation"), entry_points=SAMPLE_ENTRY_POINTS, mail=MAIL)
    people = factories.make_people()
    for user in (people.admin, people.user_a):
        user.email = f"{user.username}@example.com"
        user.save()
    with site_language(platform):
        complaint = open_complaint(platform.engine, enterprise=people.ent_a, description="答复超期且无人联系",
                                   channel="online", actor=people.user_a)
        [told] = inbox(people.admin)  # nobody is assigned and no department serves it: the admins
        assert (told.event, told.kind, told.request_id) == ("complaint.filed", "complaint", complaint.case_id)
        assert told.subject == "甲公司 提出了新的投诉" and "答复超期且无人联系" in told.body
        assert not inbox(people.user_a)
        req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                                           title="检测服务申请")
        for outcome, actor, data in (("advance", people.staff, {"need": "n"}),
                                     ("advance", people.staff, {"deliverable": "报告", "hours": 3}),
                                     ("complete", people.user_a, {"score": 5})):
            platform.engine.transition(req.id, outcome, actor, data=data)
    survey = [n for n in inbox(people.user_a) if n.kind == "survey"]
    assert len(survey) == 1 and "/survey/" in survey[0].link
    assert OutboxMessage.select().where(OutboxMessage.notification == survey[0].id).count() == 1
