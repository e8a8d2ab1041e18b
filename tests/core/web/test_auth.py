"""Login, logout, password change, login throttling, safe redirects, CSRF on auth forms
(issue 3 §1, §6; DB1302 5.3.2 secure operation, 6.4.1.2 c audit of logins)."""
import datetime

import pytest

from rongtong.core.models import AuditEvent, User, UserSession, utcnow
from rongtong.core.web import sessions
from tests.factories import PASSWORD


def events(action):
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


def shift_clock(monkeypatch, **delta):
    """Move the sessions/throttling clock to real now + delta (not cumulative)."""
    monkeypatch.setattr(sessions, "clock", lambda: utcnow() + datetime.timedelta(**delta))


def test_login_creates_server_session_and_audit_event(client, people, login):
    response = login(client, people.user_a)
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/requests"
    assert client.get("/my/requests").status_code == 200
    [event] = events("login")
    assert event.actor_id == people.user_a.id and event.ip == "127.0.0.1"
    assert UserSession.select().where(UserSession.user == people.user_a.id).count() == 1
    # the cookie names a session, not a user: no user id in it
    with client.session_transaction() as sess:
        assert set(sess) <= {"sid", "csrf_token", "lang", "_flashes"}
        assert "_user_id" not in sess and sess["sid"]
    assert User.get_by_id(people.user_a.id).last_login_at is not None


def test_wrong_password_is_refused_and_audited(client, people, login):
    client.get("/?lang=en")
    response = login(client, people.user_a, password="wrong password")
    assert response.status_code == 401
    assert "Invalid username or password" in response.get_data(as_text=True)
    [event] = events("login_failed")
    assert event.object_type == "login" and event.object_id == "user_a" and event.ip == "127.0.0.1"
    assert UserSession.select().count() == 0
    assert client.get("/my/requests").status_code == 302  # still anonymous


def test_unknown_user_and_inactive_user_get_the_same_answer(client, people, login):
    User.update(active=False).where(User.id == people.user_b.id).execute()
    a = login(client, "nobody-here")
    b = login(client, people.user_b)
    assert a.status_code == b.status_code == 401
    assert [e.object_id for e in events("login_failed")] == ["nobody-here", "user_b"]
    assert UserSession.select().count() == 0


def test_login_post_without_csrf_token_is_rejected_and_nothing_written(client, people):
    client.get("/login?lang=en")
    response = client.post("/login", data={"username": "user_a", "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert UserSession.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action.in_(["login", "login_failed"])).count() == 0


def test_throttling_per_account_then_success_after_the_window(client, people, login, monkeypatch):
    """Five failures for one account within 15 minutes: the sixth attempt — even with the right
    password — gets 429 and an audit event; after the window the real user gets in."""
    client.get("/?lang=en")
    for _ in range(5):
        assert login(client, people.user_a, password="guess").status_code == 401
    blocked = login(client, people.user_a)
    assert blocked.status_code == 429
    assert "Too many failed login attempts" in blocked.get_data(as_text=True)
    assert len(events("login_throttled")) == 1
    # a flood of blocked attempts is audited once a minute, not once per attempt
    for _ in range(3):
        assert login(client, people.user_a).status_code == 429
    assert len(events("login_throttled")) == 1
    assert UserSession.select().count() == 0
    # another account from another address is not affected
    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert login(other, people.user_b).status_code == 302
    # 14 minutes later: still blocked; 16 minutes later: the window has passed
    shift_clock(monkeypatch, minutes=14)
    assert login(client, people.user_a).status_code == 429
    shift_clock(monkeypatch, minutes=16)
    response = login(client, people.user_a)
    assert response.status_code == 302
    assert client.get("/my/requests").status_code == 200


def test_throttling_per_ip_address(client, people, login):
    client.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    for name in ("u1", "u2", "u3", "u4", "u5"):
        assert login(client, name, password="x").status_code == 401
    assert login(client, people.staff).status_code == 429
    # the same account from a different address is fine: only the address is throttled
    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.10"
    assert login(other, people.staff).status_code == 302


def test_throttling_follows_config(make_platform, login):
    from rongtong.core.web.app import create_app
    from tests.factories import make_people

    platform = make_platform(security={"login_max_failures": 2, "login_window_minutes": 1})
    app = create_app(platform=platform)
    people = make_people()
    client = app.test_client()
    assert login(client, people.staff, password="x").status_code == 401
    assert login(client, people.staff, password="y").status_code == 401
    assert login(client, people.staff).status_code == 429


def test_login_in_english_and_chinese_default(client, people, login):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    # the choice is remembered for the session
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_user_language_preference_applies_after_login(client, people, login):
    User.update(language="en").where(User.id == people.user_b.id).execute()
    login(client, people.user_b)
    assert '<html lang="en">' in client.get("/my/requests").get_data(as_text=True)


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
    "http:/evil.example", "/\r\nLocation: http://evil.example", " //evil.example", "/\t/evil.example",
])
def test_next_never_redirects_off_site(client, people, login, target):
    response = login(client, people.user_a, next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/my/requests", location


def test_next_to_a_page_of_this_site_is_followed(client, people, login):
    response = login(client, people.user_a, next="/services/sample?lang=en")
    assert response.headers["Location"] == "/services/sample?lang=en"


def test_login_page_carries_next_from_the_redirect(client, people):
    response = client.get("/my/requests?status=open")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/my/requests?status=open"' in html


def test_logout_requires_post_with_csrf(client, people, login, csrf_token):
    login(client, people.user_a)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no token: refused, still logged in
    assert client.get("/my/requests").status_code == 200
    token = csrf_token(client, "/my/requests")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/my/requests").status_code == 302
    assert len(events("logout")) == 1
    assert UserSession.select().where(UserSession.revoked_at.is_null()).count() == 0


def test_password_change(client, app, people, login, csrf_token):
    client.get("/?lang=en")
    login(client, people.user_a)
    token = csrf_token(client, "/password")
    # wrong current password: refused, nothing changed
    bad = client.post("/password", data={"csrf_token": token, "current_password": "nope",
                                         "new_password": "a brand new secret", "confirm": "a brand new secret"})
    assert bad.status_code == 400 and "current password is wrong" in bad.get_data(as_text=True)
    # mismatched confirmation, too short
    bad = client.post("/password", data={"csrf_token": token, "current_password": PASSWORD,
                                         "new_password": "short", "confirm": "other"})
    assert bad.status_code == 400
    assert User.get_by_id(people.user_a.id).check_password(PASSWORD)
    assert not events("password_change")

    ok = client.post("/password", data={"csrf_token": token, "current_password": PASSWORD,
                                        "new_password": "a brand new secret", "confirm": "a brand new secret"})
    assert ok.status_code == 302
    assert len(events("password_change")) == 1
    assert client.get("/my/requests").status_code == 200  # this browser stays logged in (new sid)
    fresh = app.test_client()
    assert login(fresh, people.user_a).status_code == 401
    assert login(fresh, people.user_a, password="a brand new secret").status_code == 302


def test_password_change_without_csrf_changes_nothing(client, people, login):
    login(client, people.user_a)
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": "a brand new secret",
                                              "confirm": "a brand new secret"})
    assert response.status_code == 400
    assert User.get_by_id(people.user_a.id).check_password(PASSWORD)


def test_password_page_needs_login(client, people):
    response = client.get("/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(make_config, login):
    """A client cannot dodge per-IP throttling by sending X-Forwarded-For; behind a configured
    reverse proxy (``server.trusted_proxies``) the proxy's header gives the client address."""
    from rongtong.core.platform import Platform
    from rongtong.core.web.app import create_app
    from tests.conftest import SAMPLE_ENTRY_POINTS
    from tests.factories import make_people

    platform = Platform(make_config(), entry_points=SAMPLE_ENTRY_POINTS)
    platform.upgrade()
    make_people()
    direct = create_app(platform=platform).test_client()
    direct.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.5"
    login(direct, "staff", password="wrong")
    behind_proxy = create_app(platform=Platform(platform.config.with_overrides(server={"trusted_proxies": 1}),
                                                entry_points=SAMPLE_ENTRY_POINTS)).test_client()
    behind_proxy.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.5"
    login(behind_proxy, "staff", password="wrong")
    assert [e.ip for e in events("login_failed")] == ["127.0.0.1", "203.0.113.5"]


def test_nul_in_username_is_a_400_and_not_audited(client, people, csrf_token):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "user_a\x00", "password": "x", "csrf_token": token})
    assert response.status_code == 400
    assert AuditEvent.select().where(AuditEvent.action.in_(["login", "login_failed"])).count() == 0


def test_throttling_message_is_translated(client, people, login):
    for _ in range(5):
        login(client, people.user_a, password="guess")
    zh = login(client, people.user_a)
    assert zh.status_code == 429 and "登录失败次数过多" in zh.get_data(as_text=True)
