"""Consultations: channels, the reply clock, agreed deadlines, the whole exchange kept, statistics
(DB1302 6.4.1.2 a, b, c, d)."""
import datetime

import pytest

from rongtong.core import audit
from rongtong.core.errors import ValidationFailed, WorkflowError
from rongtong.core.models import AuditEvent
from rongtong.core.toolkit.periods import parse_period
from rongtong.plugins.information import consultations as cs
from rongtong.plugins.information.models import Consultation, ConsultationMessage
from rongtong.plugins.information.stats import consultation_stats, normalise_question, stats_rows
from tests import factories

UTC = datetime.datetime
# Monday 7 September 2026, 10:00 in Beijing (02:00 UTC). Two working days: due Wed 9 Sep 23:59:59 Beijing.
MONDAY = UTC(2026, 9, 7, 2, 0)
DUE = UTC(2026, 9, 9, 15, 59, 59)


def _ask(info, cast, now=MONDAY, **kw):
    data = {"channel": "online", "category": "policy", "subject": "研发费用加计扣除",
            "question": "研发费用加计扣除比例是多少？", **kw}
    return cs.open_consultation(cs.ReplyClock.of(info), enterprise=cast.ent_a, actor=cast.user_a, now=now, **data)


def test_reply_clock_uses_the_answers_share_of_the_published_limit_in_working_days(info, cast):
    # DB1302 6.4.1.2 b, 5.4.1: the reply is due when the catalog's answer step is (accept 1 + answer 1
    # of the published 3, which adds the closing).
    workflow = info.registry.workflows["information_consultation"]
    assert cs.reply_days(info.registry) == workflow.step("accept").time_limit_days + workflow.step("answer").time_limit_days == 2
    c = _ask(info, cast)
    assert c.due_at == DUE and c.status == "open"
    # Friday question: the weekend does not count -> due Tuesday.
    friday = _ask(info, cast, now=UTC(2026, 9, 11, 2, 0))
    assert friday.due_at == UTC(2026, 9, 15, 15, 59, 59)


def test_reply_on_time_and_late(info, cast):
    c = _ask(info, cast)
    reply = cs.add_message(None, c, cast.staff, "按 100% 加计扣除。", now=UTC(2026, 9, 8, 3, 0))
    assert reply.side == "platform" and reply.on_time is True and reply.reply_seconds == 25 * 3600
    c = Consultation.get_by_id(c.id)
    assert c.status == "answered" and c.due_at is None
    late = _ask(info, cast, question="高企认定需要哪些材料")
    msg = cs.add_message(None, late, cast.staff, "材料清单如下……", now=DUE + datetime.timedelta(seconds=1))
    assert msg.on_time is False


def test_enterprise_message_restarts_the_clock_and_thread_is_kept(info, cast):
    # DB1302 6.4.1.2 b (restart), c (the whole exchange recorded).
    c = _ask(info, cast)
    cs.add_message(None, c, cast.staff, "按 100% 加计扣除。", now=UTC(2026, 9, 8, 3, 0))
    follow = cs.add_message(cs.ReplyClock.of(info), c, cast.user_a, "委托研发也适用吗？", now=UTC(2026, 9, 10, 2, 0))
    assert follow.side == "enterprise" and follow.on_time is None
    c = Consultation.get_by_id(c.id)
    assert c.status == "open" and c.clock_started_at == UTC(2026, 9, 10, 2, 0)
    assert c.due_at == UTC(2026, 9, 14, 15, 59, 59)  # Thu + 2 working days = Mon
    cs.add_message(None, c, cast.staff, "委托研发按 80% 计入。", now=UTC(2026, 9, 11, 2, 0))
    assert [(m.side, m.body) for m in cs.thread(c)] == [
        ("enterprise", "研发费用加计扣除比例是多少？"), ("platform", "按 100% 加计扣除。"),
        ("enterprise", "委托研发也适用吗？"), ("platform", "委托研发按 80% 计入。")]
    assert [e.action for e in audit.events_for(c)] == ["create", "message", "message", "message"]
    cs.close_consultation(c, cast.staff)
    with pytest.raises(WorkflowError):
        cs.add_message(cs.ReplyClock.of(info), c, cast.user_a, "还有一个问题")
    assert len(cs.thread(c)) == 4


def test_agreed_later_deadline_with_reason(info, cast):
    # DB1302 6.4.1.2 b: "if not at once, within an agreed deadline" — recorded with its reason.
    clock = cs.ReplyClock.of(info)
    c = _ask(info, cast)
    events = AuditEvent.select().count()
    with pytest.raises(ValidationFailed) as err:
        cs.agree_deadline(clock, c, datetime.date(2026, 9, 8), "", cast.staff)
    assert set(err.value.fields) == {"reason", "deadline"}
    assert AuditEvent.select().count() == events and Consultation.get_by_id(c.id).agreed_deadline is None
    c = cs.agree_deadline(clock, c, datetime.date(2026, 9, 18), "需征询税务部门意见", cast.staff)
    assert c.due_at == UTC(2026, 9, 18, 15, 59, 59) and c.agreed_reason == "需征询税务部门意见"
    assert audit.event_data(list(audit.events_for(c))[-1])["reason"] == "需征询税务部门意见"
    reply = cs.add_message(None, c, cast.staff, "税务部门答复……", now=UTC(2026, 9, 17, 2, 0))
    assert reply.on_time is True  # late by the standard limit, on time by the agreed deadline
    with pytest.raises(WorkflowError):  # nothing waits for a reply now
        cs.agree_deadline(clock, c, datetime.date(2026, 9, 30), "再延期", cast.staff)


def test_empty_message_refused(info, cast):
    c = _ask(info, cast)
    with pytest.raises(ValidationFailed) as err:
        cs.add_message(None, c, cast.staff, "   ")
    assert "body" in err.value.fields and ConsultationMessage.select().count() == 1


def test_not_admitted_enterprise_refused(info, cast):
    pending = factories.enterprise("待审企业", status="applied")
    with pytest.raises(ValidationFailed) as err:
        cs.open_consultation(cs.ReplyClock.of(info), enterprise=pending, actor=cast.staff, channel="phone",
                             category="other", subject="x", question="y")
    assert "enterprise" in err.value.fields and Consultation.select().count() == 0


def test_statistics_for_a_period(info, cast):
    # DB1302 6.4.1.2 d: periodic statistics and analysis of the questions.
    medium = factories.enterprise("中型企业", scale="medium")
    clock = cs.ReplyClock.of(info)

    def ask(ent, q, channel="online", category="policy", now=MONDAY):
        return cs.open_consultation(clock, enterprise=ent, actor=cast.staff, channel=channel, category=category,
                                    subject=q[:20], question=q, now=now)

    a = ask(cast.ent_a, "研发费用加计扣除比例是多少？")
    ask(medium, "研发费用加计扣除比例是多少", channel="phone")
    c = ask(cast.ent_b, "如何申请贷款贴息？", category="market", channel="visit", now=UTC(2026, 8, 3, 2, 0))
    ask(cast.ent_a, "下季度的问题", now=UTC(2026, 10, 8, 2, 0))  # outside the period
    cs.add_message(None, a, cast.staff, "100%", now=MONDAY + datetime.timedelta(hours=4))
    cs.add_message(None, c, cast.staff, "见贴息办法", now=UTC(2026, 8, 10, 2, 0))  # late
    # the medium enterprise's question stays unanswered past its due time
    stats = consultation_stats(parse_period("2026-Q3"), info.calendar.tz, now=UTC(2026, 10, 20))
    assert stats["consultations"] == 3
    assert stats["by_category"]["policy"] == 2 and stats["by_category"]["market"] == 1
    assert stats["by_channel"] == {"online": 1, "phone": 1, "visit": 1, "other": 0}
    assert stats["by_scale"] == {"large": 0, "medium": 1, "small": 2, "micro": 0}
    assert stats["by_month"] == {"2026-07": 0, "2026-08": 1, "2026-09": 2}
    assert (stats["replies"], stats["replies_on_time"], stats["overdue_unanswered"]) == (2, 1, 1)
    assert stats["on_time_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert stats["median_reply_hours"] == pytest.approx((4 + 7 * 24) / 2)
    assert stats["top_questions"][0] == {"question": "研发费用加计扣除比例是多少？", "count": 2}
    headers, rows = stats_rows(stats)
    assert headers == ["section", "item", "value"]
    assert ["replies", "on_time_rate", "33.3%"] in rows
    empty = consultation_stats(parse_period("2025"), info.calendar.tz)
    assert empty["consultations"] == 0 and empty["on_time_rate"] is None and empty["median_reply_hours"] is None


def test_question_normalisation():
    assert normalise_question("  How  to APPLY? ") == normalise_question("how to apply")
    assert normalise_question("如何申请？") == "如何申请"
