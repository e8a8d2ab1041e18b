"""API authentication: tokens (shown once, stored hashed), Bearer or session, CSRF on session
writes, 401 in the one error shape (issue 3 §3; DB1302 5.3.2)."""
from __future__ import annotations

import hashlib

from rongtong.core.models import ApiToken, AuditEvent, ServiceRequest, User
from rongtong.core.web import tokens


def test_token_is_shown_once_and_stored_hashed(people):
    """DB1302 5.3.2: a leaked database does not hand out working tokens."""
    raw = tokens.issue_token(people.user_a, "laptop")
    assert raw.startswith("rt_") and len(raw) > 40
    row = ApiToken.get(ApiToken.user == people.user_a.id)
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert row.prefix == raw[:8] and row.name == "laptop"
    assert raw not in str(row.snapshot()) and row.token_hash not in AuditEvent.select().where(
        AuditEvent.object_type == "core_apitoken").get().data
    assert tokens.user_for_token(raw).id == people.user_a.id
    assert tokens.issue_token(people.user_a) != raw


def test_revoked_or_deactivated_tokens_stop_working(api, people):
    raw = api.token(people.user_a)
    assert api.get("/api/v1/me", as_=people.user_a).status_code == 200
    row = ApiToken.get(ApiToken.prefix == raw[:8])
    assert tokens.revoke(row, actor=people.admin) is True
    assert tokens.revoke(row) is False
    assert tokens.user_for_token(raw) is None
    response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"

    raw_b = api.token(people.user_b)
    User.update(active=False).where(User.id == people.user_b.id).execute()
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw_b}"}).status_code == 401


def test_unauthenticated_requests_get_json_401(api, people):
    for path in ("/api/v1/me", "/api/v1/services", "/api/v1/requests", "/api/v1/enterprises",
                 "/api/v1/workflows", "/api/v1/requests/1", "/api/v1/sample/ping"):
        response = api.get(path)
        assert response.status_code == 401, path
        body = response.get_json()
        assert body["error"]["code"] == "unauthenticated" and body["error"]["message"]
        assert "Bearer" in response.headers["WWW-Authenticate"]
    for header in ("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer rt_not-a-token", "Bearer " + "x" * 5000,
                   "Token abc"):
        response = api.client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.is_json


def test_bad_token_never_falls_back_to_the_session(api, client, login, people):
    login(client, people.staff)
    assert client.get("/api/v1/me").get_json()["username"] == "staff"
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer rt_wrong"})
    assert response.status_code == 401


def test_me_lists_roles_and_permissions(api, people):
    body = api.get("/api/v1/me", as_=people.user_a).get_json()
    assert body["username"] == "user_a" and body["roles"] == ["enterprise"]
    assert body["enterprise_id"] == people.ent_a.id
    assert "core.request.file" in body["permissions"] and "core.enterprise.edit" not in body["permissions"]
    assert "password_hash" not in body


def _csrf(client):
    response = client.get("/login")
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_session_writes_need_the_csrf_header(client, login, people):
    """A cookie-authenticated write without X-CSRFToken is refused and writes nothing; Bearer
    requests need no CSRF token (no ambient credential)."""
    login(client, people.user_a)
    payload = {"service_key": "sample", "title": "via session"}
    before = ServiceRequest.select().count()
    refused = client.post("/api/v1/requests", json=payload)
    assert refused.status_code in (400, 403)
    assert refused.get_json()["error"]["code"] in ("forbidden", "csrf_failed")
    forged = client.post("/api/v1/requests", json=payload, headers={"X-CSRFToken": "forged"})
    assert forged.status_code in (400, 403)
    assert ServiceRequest.select().count() == before
    ok = client.post("/api/v1/requests", json=payload, headers={"X-CSRFToken": _csrf(client)})
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["created_by_id"] == people.user_a.id


def test_bearer_writes_need_no_csrf(api, people):
    response = api.post("/api/v1/requests", {"service_key": "sample", "title": "via token"}, as_=people.user_a)
    assert response.status_code == 201


def test_token_user_language_is_used_for_messages(api, people):
    User.update(language="en").where(User.id == people.user_a.id).execute()
    body = api.post("/api/v1/requests", {"title": "x"}, as_=people.user_a).get_json()
    assert body["error"]["fields"]["service_key"] == ["Missing data for required field."]
