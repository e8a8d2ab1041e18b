"""The public portal: service catalog with fee and time limit, service guides, organisation,
complaint channels; enterprises file and follow their own requests
(DB1302 4.1.4, 5.1.3, 5.4.1, 5.4.2, 4.4.4)."""
import importlib.metadata
import re

from rongtong.core.models import AuditEvent, Department, ServiceRequest, Transition, User
from tests import factories


def text(response):
    return response.get_data(as_text=True)


def test_catalog_shows_fee_type_standard_and_time_limit(client):
    """DB1302 4.1.4 (fee type and standard) and 5.4.1 (published time limit, working days)."""
    html = text(client.get("/?lang=en"))
    assert "示例服务" not in html or "Sample service" in html
    assert "Sample service" in html
    assert "Paid: 每次 100 元" in html
    assert "10 working days" in html


def test_catalog_is_chinese_by_default(client):
    html = text(client.get("/"))
    assert "示例服务" in html and "用于测试" in html


def test_published_time_limit_is_the_one_the_clock_uses(client, platform, people):
    """DB1302 5.4.1: the number in the guide is the number behind the request's due date."""
    html = text(client.get("/services/sample?lang=en"))
    assert "10 working days" in html
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    cal = platform.calendar
    assert req.due_at == cal.due_at(req.opened_at, 10)


def test_service_guide_lists_steps_roles_and_limits(client):
    """DB1302 5.1.3: service guide and process published."""
    html = text(client.get("/services/sample?lang=en"))
    for step, days in (("Accept", 2), ("Deliver", 5), ("Evaluate", 3)):
        assert step in html
    assert html.index("Accept") < html.index("Deliver") < html.index("Evaluate")
    assert "2 working days" in html and "5 working days" in html and "3 working days" in html
    assert "Service staff" in html and "Enterprise user" in html


def test_unknown_service_is_404(client):
    assert client.get("/services/nope").status_code == 404


def test_organisation_page_lists_departments_duties_and_heads(client, people):
    """DB1302 5.1.3: organisation structure and duties published."""
    Department.update(duties="负责投融资对接").where(Department.id == people.department.id).execute()
    User.update(post="部长").where(User.id == people.head.id).execute()
    html = text(client.get("/organisation"))
    assert "投融资部" in html and "负责投融资对接" in html and "head" in html and "部长" in html
    assert "Financing" in text(client.get("/organisation?lang=en"))


def test_complaint_channels_default_text(client):
    """DB1302 5.4.2: complaint channels are published even before anyone configured them."""
    html = text(client.get("/complaints?lang=en"))
    assert "Complaint channels" in html and "management office" in html


def test_complaint_channels_from_plugin_config(make_config):
    from rongtong.core.platform import Platform
    from rongtong.core.web.app import create_app
    from tests.conftest import SAMPLE_ENTRY_POINTS

    ep = importlib.metadata.EntryPoint("channels", "tests.core.web.channelsplugin", "rongtong.plugins")
    config = make_config(plugins=("sample", "channels")).with_overrides(
        plugins={"channels": {"complaints": {"phone": "0311-12345678", "email": "ts@example.cn"}}})
    platform = Platform(config, entry_points={**SAMPLE_ENTRY_POINTS, "channels": ep})
    platform.upgrade()
    html = text(create_app(platform=platform).test_client().get("/complaints?lang=en"))
    assert "0311-12345678" in html and "mailto:ts@example.cn" in html and "Telephone" in html
    assert "management office" not in html


# --- Enterprise pages ----------------------------------------------------------------------------

def file(platform, people, enterprise, user, title):
    return platform.engine.open_request(enterprise=enterprise, service_key="sample", actor=user, title=title)


def test_my_requests_lists_only_my_enterprise(client, platform, people, login):
    file(platform, people, people.ent_a, people.user_a, "A的请求")
    file(platform, people, people.ent_b, people.user_b, "B的请求")
    assert client.get("/my/requests").status_code == 302  # anonymous: log in first
    login(client, people.user_a)
    html = text(client.get("/my/requests?lang=en"))
    assert "A的请求" in html and "B的请求" not in html
    assert "Accept" in html and "Open" in html  # current step and status


def test_my_requests_status_filter(client, platform, people, login):
    r1 = file(platform, people, people.ent_a, people.user_a, "still open")
    r2 = file(platform, people, people.ent_a, people.user_a, "withdrawn one")
    platform.engine.transition(r2.id, "withdraw", people.user_a, reason="no longer needed")
    login(client, people.user_a)
    html = text(client.get("/my/requests?status=withdrawn"))
    assert "withdrawn one" in html and "still open" not in html
    assert "still open" in text(client.get("/my/requests?status=bogus"))  # unknown filter: ignored, no error
    assert r1


def test_following_another_enterprises_request_is_404(client, platform, people, login):
    theirs = file(platform, people, people.ent_b, people.user_b, "B的机密")
    login(client, people.user_a)
    response = client.get(f"/my/requests/{theirs.id}")
    assert response.status_code == 404
    assert "B的机密" not in text(response)
    assert client.get("/my/requests/999999").status_code == 404


def test_follow_page_shows_timeline_and_due_date(client, platform, people, login):
    req = file(platform, people, people.ent_a, people.user_a, "跟踪我")
    platform.engine.transition(req.id, "advance", people.staff, data={"need": "设备诊断"})
    login(client, people.user_a)
    html = text(client.get(f"/my/requests/{req.id}?lang=en"))
    assert "跟踪我" in html
    assert "Opened" in html and "Advance" in html and "Deliver" in html
    assert 'class="current">Deliver' in html
    assert re.search(r"\d+ working days left", html)  # the time left, in words (never a negative count)


def test_apply_files_a_request_for_my_enterprise(client, people, login, csrf_token):
    login(client, people.user_a)
    token = csrf_token(client, "/services/sample/apply")
    response = client.post("/services/sample/apply", data={"csrf_token": token, "title": "我要服务", "description": "说明"})
    assert response.status_code == 302
    req = ServiceRequest.get(ServiceRequest.title == "我要服务")
    assert req.enterprise_id == people.ent_a.id and req.created_by_id == people.user_a.id
    assert response.headers["Location"] == f"/my/requests/{req.id}"
    assert AuditEvent.select().where((AuditEvent.action == "create") & (AuditEvent.object_type == "core_servicerequest")).count() == 1


def test_apply_without_csrf_writes_nothing(client, people, login):
    login(client, people.user_a)
    response = client.post("/services/sample/apply", data={"title": "forged"})
    assert response.status_code == 400
    assert ServiceRequest.select().count() == 0


def test_apply_with_missing_title_names_the_field(client, people, login, csrf_token):
    login(client, people.user_a)
    token = csrf_token(client, "/services/sample/apply")
    response = client.post("/services/sample/apply?lang=en", data={"csrf_token": token, "title": "  "})
    assert response.status_code == 422
    assert "A title is required." in text(response)
    assert ServiceRequest.select().count() == 0


def test_enterprise_not_admitted_cannot_file(client, people, login, csrf_token):
    """DB1302 4.4.4: only admitted enterprises receive services."""
    pending = factories.enterprise("待审企业", status="applied")
    factories.user("pending_user", ["enterprise"], enterprise=pending)
    login(client, "pending_user")
    token = csrf_token(client, "/services/sample/apply")
    response = client.post("/services/sample/apply?lang=en", data={"csrf_token": token, "title": "x"})
    assert response.status_code == 422
    assert "not been admitted" in text(response)
    assert ServiceRequest.select().count() == 0


def test_staff_without_enterprise_cannot_use_the_portal_form(client, people, login):
    login(client, people.staff)
    assert client.get("/services/sample/apply").status_code == 403


def test_enterprise_evaluates_through_the_portal(client, platform, people, login, csrf_token):
    req = file(platform, people, people.ent_a, people.user_a, "评价我")
    platform.engine.transition(req.id, "advance", people.staff, data={"need": "x"})
    platform.engine.transition(req.id, "advance", people.staff, data={"deliverable": "报告", "hours": 3})
    login(client, people.user_a)
    page = text(client.get(f"/my/requests/{req.id}?lang=en"))
    assert 'name="data.score"' in page
    token = csrf_token(client, f"/my/requests/{req.id}")
    # invalid score: field message, nothing written
    bad = client.post(f"/my/requests/{req.id}/act?lang=en", data={"csrf_token": token, "outcome": "complete",
                                                                  "data.score": "9"})
    assert bad.status_code == 422
    assert "score" in text(bad)
    assert ServiceRequest.get_by_id(req.id).status == "open"
    ok = client.post(f"/my/requests/{req.id}/act", data={"csrf_token": token, "outcome": "complete", "data.score": "5"})
    assert ok.status_code == 302
    assert ServiceRequest.get_by_id(req.id).status == "completed"
    last = Transition.select().where(Transition.request == req.id).order_by(Transition.id.desc()).first()
    assert last.outcome == "complete" and last.data == {"score": 5} and last.actor_id == people.user_a.id


def test_other_enterprise_cannot_act(client, platform, people, login, csrf_token):
    req = file(platform, people, people.ent_b, people.user_b, "B")
    login(client, people.user_a)
    token = csrf_token(client, "/my/requests")
    response = client.post(f"/my/requests/{req.id}/act", data={"csrf_token": token, "outcome": "withdraw", "reason": "x"})
    assert response.status_code == 404
    assert ServiceRequest.get_by_id(req.id).status == "open"


def test_withdraw_needs_a_reason(client, platform, people, login, csrf_token):
    req = file(platform, people, people.ent_a, people.user_a, "撤回")
    login(client, people.user_a)
    token = csrf_token(client, f"/my/requests/{req.id}")
    bad = client.post(f"/my/requests/{req.id}/act?lang=en", data={"csrf_token": token, "outcome": "withdraw"})
    assert bad.status_code == 422 and "reason" in text(bad).lower()
    assert ServiceRequest.get_by_id(req.id).status == "open"
    ok = client.post(f"/my/requests/{req.id}/act", data={"csrf_token": token, "outcome": "withdraw", "reason": "不需要了"})
    assert ok.status_code == 302 and ServiceRequest.get_by_id(req.id).status == "withdrawn"


def test_out_of_range_ids_are_404_not_500(client, people, login):
    login(client, people.user_a)
    assert client.get("/my/requests/99999999999999999999").status_code == 404
    assert client.get("/my/requests/2147483648").status_code == 404


def test_nul_characters_are_refused_before_anything_is_written(client, people, login, csrf_token):
    """PostgreSQL cannot store NUL: such input is a 400, never a 500 half-way through a write."""
    login(client, people.user_a)
    token = csrf_token(client, "/services/sample/apply")
    response = client.post("/services/sample/apply", data={"csrf_token": token, "title": "bad\x00title"})
    assert response.status_code == 400
    assert ServiceRequest.select().count() == 0
    assert client.get("/my/requests?status=op\x00en").status_code == 400


def test_my_requests_pages_and_marks_overdue(client, platform, people, login, monkeypatch):
    import datetime

    from rongtong.core.models import utcnow
    from rongtong.core.web import portal

    monkeypatch.setattr(portal, "PAGE_SIZE", 3)
    made = [file(platform, people, people.ent_a, people.user_a, f"请求{i}") for i in range(5)]
    ServiceRequest.update(due_at=utcnow() - datetime.timedelta(days=1)).where(ServiceRequest.id == made[4].id).execute()
    login(client, people.user_a)
    first = text(client.get("/my/requests?lang=en"))
    assert "请求4" in first and "请求2" in first and "请求1" not in first
    assert first.count("Overdue") == 1
    assert f"/my/requests?before={made[2].id}" in first
    second = text(client.get(f"/my/requests?before={made[2].id}"))
    assert "请求1" in second and "请求0" in second and "请求2" not in second
    assert "before=" not in second  # no further page


def test_chinese_is_the_default_language_and_english_the_second(client):
    zh = text(client.get("/"))
    assert "服务目录" in zh and "个工作日" in zh and "收费" in zh
    en = text(client.get("/?lang=en"))
    assert "Service catalog" in en and "10 working days" in en and "服务目录" not in en


def test_notifications_inbox_shows_only_mine_with_safe_links(client, people, login, csrf_token):
    """Issue 9 §3: each user reads their own notifications; opening one (a POST with CSRF) marks it
    read and follows its link, never off this site."""
    from rongtong.core.models import Notification
    from rongtong.core.notify import notify

    survey = notify(people.user_a, "满意度调查邀请", "请评价本次服务", link="http://127.0.0.1:5000/survey/abc")
    phish = notify(people.user_a, "外部链接", link="https://evil.example/phish")
    notify(people.user_a, "站内链接", link="/my/requests")
    theirs = notify(people.user_b, "乙的通知")
    assert client.get("/my/notifications").status_code == 302
    login(client, people.user_a)
    html = text(client.get("/my/notifications?lang=en"))
    assert "满意度调查邀请" in html and "乙的通知" not in html
    assert "evil.example" not in html  # a link off this site is not offered
    assert '<span class="badge" title="Unread">3</span>' in html
    # opening needs CSRF, marks only that one read and follows its on-site link
    assert client.post(f"/my/notifications/{survey.id}/open").status_code == 400
    token = csrf_token(client, "/my/notifications")
    opened = client.post(f"/my/notifications/{survey.id}/open", data={"csrf_token": token})
    assert opened.status_code == 303 and opened.headers["Location"] == "/survey/abc"
    assert Notification.get_by_id(survey.id).read_at is not None
    off_site = client.post(f"/my/notifications/{phish.id}/open", data={"csrf_token": token})
    assert off_site.headers["Location"].endswith("/my/notifications")
    assert client.post(f"/my/notifications/{theirs.id}/open", data={"csrf_token": token}).status_code == 404
    assert Notification.get_by_id(theirs.id).read_at is None
    assert "站内链接" in text(client.get("/my/notifications?unread=1")) and \
        "满意度调查邀请" not in text(client.get("/my/notifications?unread=1"))
    # marking all read needs CSRF, and touches only my notifications
    assert client.post("/my/notifications/read").status_code == 400
    assert client.post("/my/notifications/read", data={"csrf_token": token}).status_code == 302
    assert Notification.select().where(Notification.read_at.is_null()).count() == 1
    assert Notification.get_by_id(theirs.id).read_at is None
    assert 'class="badge"' not in text(client.get("/my/notifications"))


def test_experts_see_the_requests_assigned_to_them(client, platform, people, login):
    mine = file(platform, people, people.ent_a, people.user_a, "指派给专家")
    file(platform, people, people.ent_b, people.user_b, "未指派")
    ServiceRequest.update(assignee=people.expert.id).where(ServiceRequest.id == mine.id).execute()
    login(client, people.expert)
    html = text(client.get("/my/requests"))
    assert "指派给专家" in html and "未指派" not in html
