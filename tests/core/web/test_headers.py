"""Security headers on every response and generic error pages without tracebacks
(issue 3 §1; DB1302 5.3.2 secure operation)."""
import pytest

from rongtong.core.errors import ValidationFailed

PAGES = ["/", "/services/sample", "/login", "/organisation", "/complaints", "/static/css/site.css",
         "/no-such-page", "/my/requests"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert "http" not in csp and "*" not in csp  # nothing from elsewhere
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_script_nonce_changes_with_every_response(client):
    a = client.get("/").headers["Content-Security-Policy"]
    b = client.get("/").headers["Content-Security-Policy"]
    assert "'nonce-" in a and a != b


def test_pages_are_not_cached_for_logged_in_users(client, people, login):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, people.user_a)
    assert "no-store" in client.get("/my/requests").headers["Cache-Control"]


def test_portal_pages_have_no_inline_script_or_style(client, people, login):
    """The CSP forbids inline code, so the pages must not rely on it."""
    login(client, people.user_a)
    for path in ("/", "/services/sample", "/my/requests", "/password", "/organisation", "/complaints"):
        html = client.get(path).get_data(as_text=True)
        assert "<script" not in html and "<style" not in html and " style=" not in html, path
        assert "http://" not in html and "https://" not in html, path  # no CDN, no outside resource


# --- Error pages ---------------------------------------------------------------------------------

def _no_traceback(text):
    assert "Traceback" not in text and 'File "' not in text and "werkzeug" not in text.lower()


def test_404_page_is_generic_and_translated(client):
    response = client.get("/definitely/not/here")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<html" in html and "404" in html
    _no_traceback(html)
    english = client.get("/definitely/not/here?lang=en").get_data(as_text=True)
    assert "Page not found" in english


def test_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    _no_traceback(response.get_data(as_text=True))


def test_413_when_the_body_is_too_large(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/login", data={"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    _no_traceback(response.get_data(as_text=True))


def test_500_page_has_no_traceback_and_logs_the_error(make_platform, caplog):
    from rongtong.core.web.app import create_app

    app = create_app(platform=make_platform())

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    _no_traceback(html)
    assert "secret internal detail" not in html
    assert response.headers["X-Frame-Options"] == "DENY"
    assert any("secret internal detail" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_api_paths_get_json_errors(make_platform):
    from rongtong.core.web.app import create_app

    app = create_app(platform=make_platform())

    @app.route("/api/v1/_test_invalid")
    def invalid():
        raise ValidationFailed("Invalid data.", {"name": ["Missing data for required field."]})

    @app.route("/api/v1/_test_crash")
    def crash():
        raise RuntimeError("secret")

    client = app.test_client()
    response = client.get("/api/v1/_test_invalid")
    assert response.status_code == 422
    assert response.get_json() == {"error": {"code": "invalid", "message": "Invalid data.",
                                             "fields": {"name": ["Missing data for required field."]}}}
    response = client.get("/api/v1/_test_crash")
    assert response.status_code == 500
    body = response.get_json()
    assert set(body["error"]) == {"code", "message", "fields"} and "secret" not in response.get_data(as_text=True)
    response = client.get("/api/v1/no-such-resource")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_user_errors_from_views_become_pages_not_500(make_platform):
    from rongtong.core.web.app import create_app

    app = create_app(platform=make_platform())

    @app.route("/_test_invalid")
    def invalid():
        raise ValidationFailed("The title is missing.", {"title": ["Missing data for required field."]})

    response = app.test_client().get("/_test_invalid")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The title is missing." in html and "title" in html


def test_debug_is_off_unless_configured(make_platform):
    from rongtong.core.web.app import create_app

    assert create_app(platform=make_platform()).debug is False
    assert create_app(platform=make_platform(site={"debug": True, "secret_key": "k"})).debug is True
