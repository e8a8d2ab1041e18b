"""Server-side sessions: a copied cookie stops working after logout, password change or
deactivation; idle and absolute timeouts; cookie flags (issue 3 §1, §6; DB1302 5.3.2)."""
import datetime

from rongtong.core.models import User, UserSession, utcnow
from rongtong.core.web import sessions
from tests.factories import PASSWORD

COOKIE = "rongtong_session"


def shift_clock(monkeypatch, **delta):
    """Move the sessions/throttling clock to real now + delta (not cumulative)."""
    monkeypatch.setattr(sessions, "clock", lambda: utcnow() + datetime.timedelta(**delta))


def clone(app, client):
    """A second browser holding a copy of ``client``'s session cookie (a stolen or replayed cookie)."""
    other = app.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def test_replayed_cookie_after_logout_is_refused(app, client, people, login, csrf_token):
    login(client, people.user_a)
    thief = clone(app, client)
    assert thief.get("/my/requests").status_code == 200  # the copy works while the session lives
    client.post("/logout", data={"csrf_token": csrf_token(client, "/my/requests")})
    response = thief.get("/my/requests")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert UserSession.get().revoked_at is not None


def test_password_change_ends_other_sessions(app, client, people, login, csrf_token):
    login(client, people.staff)
    other_browser = app.test_client()
    login(other_browser, people.staff)
    copy = clone(app, client)
    token = csrf_token(client, "/password")
    client.post("/password", data={"csrf_token": token, "current_password": PASSWORD,
                                   "new_password": "another long secret", "confirm": "another long secret"})
    assert other_browser.get("/my/requests").status_code == 302
    assert copy.get("/my/requests").status_code == 302  # the pre-change cookie of this browser too
    assert client.get("/my/requests").status_code == 200
    assert sessions.live_count(people.staff) == 1


def test_deactivated_user_is_logged_out(client, people, login):
    login(client, people.user_a)
    assert client.get("/my/requests").status_code == 200
    User.update(active=False).where(User.id == people.user_a.id).execute()
    assert client.get("/my/requests").status_code == 302
    assert sessions.live_count(people.user_a) == 0
    # reactivating does not revive the old session
    User.update(active=True).where(User.id == people.user_a.id).execute()
    assert client.get("/my/requests").status_code == 302


def test_new_session_id_at_login(app, client, people, login):
    """Session fixation: whatever sid the browser had before login is replaced."""
    login(client, people.user_a)
    with client.session_transaction() as sess:
        first = sess["sid"]
    login(client, people.user_b)
    with client.session_transaction() as sess:
        second = sess["sid"]
    assert first != second
    assert sessions.live_count(people.user_a) == 0  # the old session was revoked, not left behind
    # a planted sid that the server never issued gives nobody access
    planted = app.test_client()
    with planted.session_transaction() as sess:
        sess["sid"] = "attacker-chosen"
    assert planted.get("/my/requests").status_code == 302


def test_only_a_hash_of_the_sid_is_stored(client, people, login):
    login(client, people.user_a)
    with client.session_transaction() as sess:
        sid = sess["sid"]
    row = UserSession.get()
    assert row.sid != sid and row.sid == sessions.hash_sid(sid)


def test_idle_timeout(client, people, login, monkeypatch):
    login(client, people.user_a)
    shift_clock(monkeypatch, minutes=59)
    assert client.get("/my/requests").status_code == 200  # activity resets the idle clock
    shift_clock(monkeypatch, minutes=59 + 59)
    assert client.get("/my/requests").status_code == 200
    shift_clock(monkeypatch, minutes=59 + 59 + 61)
    assert client.get("/my/requests").status_code == 302


def test_absolute_timeout(client, people, login, monkeypatch):
    login(client, people.user_a)
    for half_hours in range(1, 24):  # active every 30 minutes for 11.5 hours: still in
        shift_clock(monkeypatch, minutes=30 * half_hours)
        assert client.get("/my/requests").status_code == 200
    shift_clock(monkeypatch, hours=12, minutes=1)
    assert client.get("/my/requests").status_code == 302


def test_timeouts_come_from_config(make_platform, login):
    from rongtong.core.web.app import create_app
    from tests.factories import make_people

    platform = make_platform(security={"session_idle_minutes": 5, "session_absolute_hours": 1})
    app = create_app(platform=platform)
    people = make_people()
    client = app.test_client()
    login(client, people.user_a)
    assert client.get("/my/requests").status_code == 200
    real = sessions.clock
    try:
        sessions.clock = lambda: utcnow() + datetime.timedelta(minutes=6)
        assert client.get("/my/requests").status_code == 302
    finally:
        sessions.clock = real


def test_last_seen_is_written_at_most_once_a_minute(client, people, login, monkeypatch):
    login(client, people.user_a)
    start = UserSession.get().last_seen_at
    for _ in range(3):
        client.get("/my/requests")
    assert UserSession.get().last_seen_at == start
    shift_clock(monkeypatch, minutes=2)
    client.get("/my/requests")
    assert UserSession.get().last_seen_at > start


def test_cookie_flags(client, people, login):
    response = login(client, people.user_a)
    header = response.headers["Set-Cookie"]
    assert header.startswith(COOKIE + "=")
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header  # plain-HTTP site (site.https = false)


def test_secure_cookie_when_site_is_https(make_platform, login):
    from rongtong.core.web.app import create_app
    from tests.factories import make_people

    app = create_app(platform=make_platform(site={"https": True}))
    people = make_people()
    client = app.test_client()
    response = login(client, people.user_a)
    assert "Secure" in response.headers["Set-Cookie"]


def test_dead_sessions_are_cleaned_up_at_login(client, people, login, csrf_token):
    for _ in range(3):
        login(client, people.user_a)
        client.post("/logout", data={"csrf_token": csrf_token(client, "/my/requests")})
    rows = list(UserSession.select().where(UserSession.user == people.user_a.id))
    assert len(rows) == 1 and rows[0].revoked_at is not None  # only the last, already revoked


def test_a_bearer_header_never_falls_back_to_the_cookie(client, people, login):
    """A request that names a token (even a bad one) is not authenticated by the session cookie."""
    login(client, people.user_a)
    assert client.get("/my/requests").status_code == 200
    response = client.get("/my/requests", headers={"Authorization": "Bearer rt_not-a-token"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
