"""``/api/v1/notifications`` (issue 9 §3): each user reads their own, newest first, page by page,
and marks them read; another user's notification is a 404. Plus the administrators' outbox
screen with its "retry now"."""
from __future__ import annotations

import datetime

from rongtong.core.models import AuditEvent, Notification, OutboxMessage
from rongtong.core.notify import notify


def test_my_notifications_newest_first_in_cursor_pages(api, people):
    first = notify(people.user_a, "第一条", "正文一", link="/my/requests/1", event="request.paused", request=1)
    for i in range(4):
        notify(people.user_a, f"第 {i + 2} 条")
    notify(people.user_b, "乙的通知")
    page = api.get("/api/v1/notifications?limit=3", as_=people.user_a)
    assert page.status_code == 200
    body = page.get_json()
    assert [n["subject"] for n in body["items"]] == ["第 5 条", "第 4 条", "第 3 条"]
    assert body["unread"] == 5 and body["next_cursor"]
    rest = api.get(f"/api/v1/notifications?limit=3&cursor={body['next_cursor']}", as_=people.user_a).get_json()
    assert [n["subject"] for n in rest["items"]] == ["第 2 条", "第一条"] and rest["next_cursor"] is None
    oldest = rest["items"][-1]
    assert oldest == {"id": first.id, "kind": "info", "event": "request.paused", "subject": "第一条", "body": "正文一",
                      "link": "/my/requests/1", "request_id": 1, "read_at": None,
                      "created_at": oldest["created_at"]}
    assert datetime.datetime.fromisoformat(oldest["created_at"]).utcoffset() is not None  # ISO 8601 with offset
    assert api.get("/api/v1/notifications?unread=maybe", as_=people.user_a).status_code == 422
    assert api.get("/api/v1/notifications", as_=None).status_code == 401


def test_mark_one_and_all_read_only_my_own(api, people):
    mine = notify(people.user_a, "我的")
    notify(people.user_a, "我的第二条")
    theirs = notify(people.user_b, "乙的")
    assert api.post(f"/api/v1/notifications/{theirs.id}/read", json={}, as_=people.user_a).status_code == 404
    assert Notification.get_by_id(theirs.id).read_at is None
    one = api.post(f"/api/v1/notifications/{mine.id}/read", json={}, as_=people.user_a)
    assert one.status_code == 200 and one.get_json()["read_at"].endswith("+00:00")
    unread = api.get("/api/v1/notifications?unread=true", as_=people.user_a).get_json()
    assert [n["subject"] for n in unread["items"]] == ["我的第二条"] and unread["unread"] == 1
    assert api.post("/api/v1/notifications/read", json={}, as_=people.user_a).get_json() == {"marked": 1, "unread": 0}
    assert Notification.get_by_id(theirs.id).read_at is None
    assert AuditEvent.select().where(AuditEvent.action == "mark_read").count() == 2


def test_the_outbox_screen_is_for_administrators_and_retries_failed_mail(client, people, login, csrf_token):
    from rongtong.core.models import utcnow
    from rongtong.core.notify import outbox

    outbox.enqueue(notify(people.user_a, "发送失败的邮件").id, "a@example.com", utcnow())
    OutboxMessage.update(status="failed", attempts=8, last_error="451 4.3.0 Try again later").execute()
    row = OutboxMessage.get()
    login(client, people.staff)
    assert client.get("/admin/core/outbox/").status_code == 403
    login(client, people.admin)
    html = client.get("/admin/core/outbox/").get_data(as_text=True)
    assert "a@example.com" in html and "451 4.3.0 Try again later" in html and "发送失败的邮件" in html
    assert "发送失败" in html.replace("发送失败的邮件", "") and '["failed", "发送失败"]' in html  # labels, not keys
    assert "a@example.com" not in client.get("/admin/core/outbox/?flt0_0=sent").get_data(as_text=True)
    token = csrf_token(client, "/admin/core/outbox/")
    response = client.post("/admin/core/outbox/action/", data={"csrf_token": token, "action": "retry_now",
                                                               "rowid": [str(row.id)]})
    assert response.status_code == 302
    row = OutboxMessage.get_by_id(row.id)
    assert (row.status, row.attempts) == ("pending", 0)
    assert AuditEvent.select().where(AuditEvent.action == "retry").count() == 1
