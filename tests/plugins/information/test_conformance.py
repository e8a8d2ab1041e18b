"""Issue 12 (conformance) in the information plugin: the consultation's promise covers its steps
(DB1302 5.4.1, 6.4.1.2 b), satisfaction is asked on closing, closing needs an answer or a reason
(6.4.1.2 b, c), and an article's author cannot approve it (6.4.1.1 a)."""
import datetime
import re

import pytest

from rongtong.core import audit
from rongtong.core.errors import PermissionDenied, ValidationFailed
from rongtong.core.models import ServiceRequest, Transition
from rongtong.plugins.information import articles
from rongtong.plugins.information import consultations as cs
from rongtong.plugins.information.models import Article, Consultation
from tests.support.apiflow import field_errors

UTC = datetime.datetime
MONDAY = UTC(2026, 9, 7, 2, 0)  # Monday 7 September 2026, 10:00 in Beijing


def _file(info, cast):
    return info.engine.open_request(enterprise=cast.ent_a, service_key="information.consultation", actor=cast.user_a,
                                    title="研发费用加计扣除", data={"category": "policy", "question": "比例是多少？"})


def _answered(info, cast):
    req = _file(info, cast)
    info.engine.transition(req.id, "advance", cast.staff, data={})
    info.engine.transition(req.id, "advance", cast.staff, data={"answer": "按 100% 加计扣除。"})
    return req


# --- DB1302 5.4.1, 6.4.1.2 b: the promise and the clock agree ---------------------------------------

def test_5_4_1_consultation_promise_covers_its_steps(info):
    # The catalog's published limit is at least what the steps add up to.
    service = info.registry.services["information.consultation"]
    workflow = info.registry.workflows[service.workflow]
    assert service.time_limit_days == workflow.total_days == 3
    assert [(s.key, s.time_limit_days) for s in workflow.steps] == [("accept", 1), ("answer", 1), ("close", 1)]


def test_5_4_1_the_guide_publishes_what_the_steps_add_up_to(info_app):
    # The citizen-facing guide: the promise, then the steps whose limits make it up.
    html = info_app.test_client().get("/services/information.consultation").get_data(as_text=True)
    promised = re.search(r'<dd class="time-limit">(\d+) 个工作日</dd>', html).group(1)
    steps = re.findall(r"<td>(\d+) 个工作日</td>", html)
    assert promised == "3" and steps == ["1", "1", "1"]


def test_5_4_1_the_last_step_is_never_due_after_the_request(info, cast):
    # Every step taking its full time: each step's due date stays within the request's.
    req = _file(info, cast)
    for data, actor in (({}, cast.staff), ({"answer": "按 100% 加计扣除。"}, cast.staff)):
        current = ServiceRequest.get_by_id(req.id)
        assert current.step_due_at <= current.due_at
        info.engine.transition(req.id, "advance", actor, data=data)
        # the step was done on its last moment: move the transition there, as if it had been
        last = Transition.select().where(Transition.request == req.id).order_by(Transition.id.desc()).first()
        Transition.update(created_at=current.step_due_at).where(Transition.id == last.id).execute()
    clock = info.engine.clock(ServiceRequest.get_by_id(req.id))
    assert clock.step_due_at <= clock.due_at  # the close step


def test_6_4_1_2_b_the_reply_is_due_when_the_answer_step_is(info, cast):
    # The thread's reply clock is the answer's due date: accept + answer (2 working days), both for
    # a consultation filed through the catalog and for one recorded at the desk.
    assert cs.reply_days(info.registry) == 2
    req = _file(info, cast)
    c = Consultation.get(Consultation.request == req.id)
    assert c.due_at == info.calendar.due_at(req.opened_at, 2) < req.due_at == info.calendar.due_at(req.opened_at, 3)
    desk = cs.open_consultation(cs.ReplyClock.of(info), enterprise=cast.ent_a, actor=cast.staff, channel="phone",
                                category="policy", subject="贴息", question="如何申请？", now=MONDAY)
    assert desk.due_at == UTC(2026, 9, 9, 15, 59, 59)  # Wednesday, end of the day in Beijing


# --- DB1302 6.4.1.2 b: satisfaction is asked, not assumed -----------------------------------------------

def test_6_4_1_2_b_closing_asks_satisfaction(info, cast):
    req = _answered(info, cast)
    with pytest.raises(ValidationFailed) as err:
        info.engine.transition(req.id, "complete", cast.user_a, data={"comment": "好"})
    assert "satisfaction" in err.value.fields  # no default: nothing recorded as satisfied
    assert ServiceRequest.get_by_id(req.id).status != "completed"
    with pytest.raises(ValidationFailed) as err:  # the enterprise is the one asked: it answers
        info.engine.transition(req.id, "complete", cast.user_a, data={"satisfaction": "not_asked"})
    assert "satisfaction" in err.value.fields
    t = info.engine.transition(req.id, "complete", cast.user_a, data={"satisfaction": "dissatisfied", "comment": "太简略"})
    assert t.data == {"satisfaction": "dissatisfied", "comment": "太简略"}
    assert Consultation.get(Consultation.request == req.id).status == "closed"


def test_6_4_1_2_b_staff_record_not_asked_explicitly(info, cast):
    req = _answered(info, cast)
    t = info.engine.transition(req.id, "complete", cast.staff, data={"satisfaction": "not_asked"})
    assert t.data["satisfaction"] == "not_asked" and ServiceRequest.get_by_id(req.id).status == "completed"


# --- DB1302 6.4.1.2 b, c: closing needs an answer, or a reason ------------------------------------------

def _ask(info, cast):
    return cs.open_consultation(cs.ReplyClock.of(info), enterprise=cast.ent_a, actor=cast.user_a, channel="online",
                                category="policy", subject="加计扣除", question="比例是多少？", now=MONDAY)


def test_6_4_1_2_b_closing_without_an_answer_needs_a_reason(info, cast):
    c = _ask(info, cast)
    with pytest.raises(ValidationFailed) as err:
        cs.close_consultation(c, cast.staff)
    assert "reason" in err.value.fields and Consultation.get_by_id(c.id).status == "open"
    closed = cs.close_consultation(c, cast.user_a, reason="已电话解决")
    assert closed.status == "closed" and closed.close_reason == "已电话解决"
    assert audit.event_data(list(audit.events_for(closed))[-1])["reason"] == "已电话解决"  # 6.4.1.2 c: recorded


def test_6_4_1_2_b_an_answered_consultation_closes_without_a_reason(info, cast):
    c = _ask(info, cast)
    cs.add_message(None, c, cast.staff, "按 100% 加计扣除。", now=MONDAY + datetime.timedelta(hours=2))
    assert cs.close_consultation(c, cast.staff).status == "closed"


def test_6_4_1_2_b_a_follow_up_waiting_needs_a_reason_too(info, cast):
    c = _ask(info, cast)
    cs.add_message(None, c, cast.staff, "按 100% 加计扣除。", now=MONDAY + datetime.timedelta(hours=2))
    cs.add_message(cs.ReplyClock.of(info), c, cast.user_a, "委托研发呢？", now=MONDAY + datetime.timedelta(hours=3))
    with pytest.raises(ValidationFailed) as err:
        cs.close_consultation(c, cast.staff)
    assert "reason" in err.value.fields


def test_6_4_1_2_b_the_close_api_names_the_reason(api, cast):
    r = api.post(cast.user_a, "information/consultations", {"subject": "加计扣除", "question": "比例是多少？"})
    cid = r.get_json()["id"]
    r = api.post(cast.user_a, f"information/consultations/{cid}/close", {})
    assert r.status_code == 422 and "reason" in field_errors(r)
    assert Consultation.get_by_id(cid).status == "open"
    r = api.post(cast.user_a, f"information/consultations/{cid}/close", {"reason": "问题已自行解决"})
    assert r.status_code == 200 and r.get_json()["close_reason"] == "问题已自行解决"


def test_6_4_1_2_b_the_desk_refuses_closing_unanswered_without_a_reason(info, info_app, cast, login):
    c = _ask(info, cast)
    client = info_app.test_client()
    login(client, cast.staff)
    page = f"/admin/information/desk/{c.id}/"
    html = client.get(page).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert 'id="rt-info-close"' in html and 'name="reason"' in html[html.index('id="rt-info-close"'):]
    r = client.post(page, data={"csrf_token": token, "what": "close"})
    assert r.status_code == 422 and "没有答复" in r.get_data(as_text=True)
    assert Consultation.get_by_id(c.id).status == "open"
    r = client.post(page, data={"csrf_token": token, "what": "close", "reason": "企业来电撤回咨询"})
    assert r.status_code == 303 and Consultation.get_by_id(c.id).close_reason == "企业来电撤回咨询"


# --- DB1302 6.4.1.1 a: reviewed before publication, by someone else -------------------------------------

def _in_review(author):
    article = articles.create_article({"title": "专精特新认定办法", "category": "policy", "body": "认定条件……"}, author)
    return articles.move_article(article, "review", author)


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_6_4_1_1_a_an_author_cannot_approve_its_own_article(info, cast, role):
    author = getattr(cast, role)  # an administrator's own article needs another approver too
    a = _in_review(author)
    with pytest.raises(PermissionDenied) as err:
        articles.move_article(a, "published", author, calendar=info.calendar)
    assert err.value.message.startswith("You wrote this article, so you cannot approve it")  # zh/en: below
    assert Article.get_by_id(a.id).status == "review" and Article.get_by_id(a.id).published_at is None
    published = articles.move_article(a, "published", cast.head, calendar=info.calendar)
    assert published.status == "published" and published.reviewed_by_id == cast.head.id


def test_6_4_1_1_a_the_refusal_says_why_in_chinese_and_english(api, cast):
    a = _in_review(cast.staff)
    zh = api.post(cast.staff, f"information/articles/{a.id}/status", {"status": "published"})
    en = api.post(cast.staff, f"information/articles/{a.id}/status?lang=en", {"status": "published"})
    assert zh.status_code == en.status_code == 403
    assert "您是这篇文章的作者" in zh.get_json()["error"]["message"]
    assert "You wrote this article" in en.get_json()["error"]["message"]
    assert Article.get_by_id(a.id).status == "review"


def test_6_4_1_1_a_the_admin_list_refuses_the_author_too(info_app, cast, login):
    a = _in_review(cast.staff)
    client = info_app.test_client()
    login(client, cast.staff)
    html = client.get("/admin/information/article/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    r = client.post("/admin/information/article/action/", data={"action": "publish", "rowid": [str(a.id)],
                                                               "csrf_token": token}, follow_redirects=True)
    assert "您是这篇文章的作者" in r.get_data(as_text=True) and Article.get_by_id(a.id).status == "review"
