"""Role × route matrix (issue 3 §6; DB1302 5.3.2 secure operation).

The test walks ``app.url_map`` and sends every (role, route, method) — with a valid CSRF token, so
what is measured is access control, not CSRF — and compares the answer with the declared table
below. A route that no table entry covers fails the test: a new screen or endpoint cannot ship
without someone deciding who may use it.

Roles: anonymous, a user of enterprise A, a user of enterprise B, staff, expert (assigned to A's
request), evaluator, admin. Object routes get enterprise A's objects, so B must see 404.

Outcomes:
  ok      — served: not 401/403, not a login redirect, not 404, no 5xx (a 400/422 for an empty
            form counts as served: the user got past access control)
  login   — anonymous user sent to log in (302 to /login?next=...) or 401 for the API
  denied  — 403 or 404
  hidden  — 404 (an object outside the caller's scope: never 403, which would leak that it exists)

Plugin routes are declared by the plugin itself: an admin screen or API resource registered with a
permission is expected to be open exactly to the roles that permission is granted to (plus admin).
"""
from __future__ import annotations

import fnmatch
import os

import pytest

from rongtong.core.models import Attachment, ServiceRequest
from tests import factories

ROLES = ("anonymous", "ent_a", "ent_b", "expert", "evaluator", "staff", "admin")  # the walk's order
USERS = ROLES[1:]
ROLE_OF_PERSON = {"ent_a": "enterprise", "ent_b": "enterprise", "staff": "staff", "expert": "expert",
                  "evaluator": "evaluator", "admin": "admin"}


def public():
    return {role: "ok" for role in ROLES}


def logged_in():
    return {"anonymous": "login", **{role: "ok" for role in USERS}}


def roles(*allowed):
    """Open to users holding one of ``allowed`` core roles (admin always); others 403 (or 404)."""
    out = {"anonymous": "login"}
    for role in USERS:
        out[role] = "ok" if role == "admin" or ROLE_OF_PERSON[role] in allowed else "forbidden"
    return out


def reach(base):
    """Like ``base`` but the allowed roles may get 404: the bare URL names nothing (Flask-Admin's
    ajax lookup and details without an id) — access control was passed, which is what counts."""
    return {role: ("reach" if outcome == "ok" else outcome) for role, outcome in base.items()}


def a_object(*allowed):
    """An object of enterprise A (assigned to the expert): B and the evaluator must not see it."""
    out = roles(*allowed)
    for role in ("ent_b", "evaluator"):
        out[role] = "hidden" if out[role] == "ok" else out[role]
    return out


def own_of_a():
    """A's own record that only A may touch (a notification): everybody else gets 404."""
    return {"anonymous": "login", **{role: "ok" if role == "ent_a" else "hidden" for role in USERS}}


def with_(base, **changes):
    return {**base, **changes}


STAFF_SIDE = ("staff", "expert", "evaluator")
SEEING = ("staff", "expert", "evaluator", "enterprise")  # core.request.view / core.enterprise.view

# Answering a pause and resubmitting are the requesting enterprise's: the platform side is refused.
CASE_REQUESTER_ONLY = with_(a_object(*SEEING), expert="forbidden", staff="forbidden", admin="forbidden")

# (rule pattern, methods, expectation). First match wins. Patterns are fnmatch patterns over the
# rule string ("*" also crosses "/"); "<...>" converters appear as written in the rule.
TABLE = [
    # --- portal and auth (core/web/portal.py, core/web/auth.py)
    ("/", "GET", public()),
    ("/static/<path:filename>", "GET", public()),
    ("/services/<key>", "GET", public()),
    ("/organisation", "GET", public()),
    ("/complaints", "GET", public()),
    ("/login", "GET POST", public()),
    ("/logout", "POST", public()),
    ("/password", "GET POST", logged_in()),
    ("/my/requests", "GET", logged_in()),
    ("/my/notifications", "GET", logged_in()),
    ("/my/notifications/read", "POST", logged_in()),  # marks only the caller's own
    ("/my/notifications/<int(max=2147483647):notification_id>/open", "POST", own_of_a()),
    ("/my/requests/<int(max=2147483647):request_id>", "GET", a_object(*SEEING)),
    ("/my/requests/<int(max=2147483647):request_id>/act", "POST", a_object(*SEEING)),
    # the case file (issue 9 §2): the thread is written by both sides (an empty form: 422, served);
    # only the requesting enterprise answers a pause or resubmits (A's request is neither: 409)
    ("/my/requests/<int(max=2147483647):request_id>/messages", "POST", a_object(*SEEING)),
    ("/my/requests/<int(max=2147483647):request_id>/reply", "POST", CASE_REQUESTER_ONLY),
    ("/my/requests/<int(max=2147483647):request_id>/resubmit", "POST", CASE_REQUESTER_ONLY),
    ("/my/requests/<int(max=2147483647):request_id>/files/<int(max=2147483647):attachment_id>", "GET",
     a_object(*SEEING)),
    ("/services/<key>/apply", "GET POST", with_(roles("enterprise"), admin="denied")),  # own enterprise only
    # self-registration (DB1302 4.4.4): anyone applies (an empty form: 422, served); the applicant
    # follows its own enterprise's application (users of no enterprise: 404)
    ("/enterprises/apply", "GET POST", public()),
    ("/my/enterprise", "GET", with_(logged_in(), expert="hidden", evaluator="hidden", staff="hidden", admin="hidden")),
    # correcting a refused application: the enterprise's own users (A and B are admitted: 409)
    ("/my/enterprise/apply-again", "POST", with_(logged_in(), expert="hidden", evaluator="hidden", staff="hidden",
                                                 admin="hidden")),
    # --- staff admin (core/web/admin/)
    ("/admin/static/<path:filename>", "GET", public()),
    ("/admin/", "GET", roles(*STAFF_SIDE)),
    ("/admin/core/request/", "GET", roles(*SEEING)),
    ("/admin/core/request/<int:request_id>/", "GET POST", a_object(*SEEING)),
    ("/admin/core/request/<int:request_id>/attachments/", "POST", a_object(*SEEING)),
    ("/admin/core/request/<int:request_id>/messages/", "POST", a_object(*SEEING)),
    # handing a request on (issue 9 §4): its department's head or staff, or an admin
    ("/admin/core/request/<int:request_id>/assign", "POST", with_(a_object(*SEEING), ent_a="forbidden", expert="forbidden")),
    ("/admin/core/routing/", "GET POST", roles()),  # 服务与部门: core.department.manage
    ("/admin/core/onboarding/", "GET", roles("staff")),
    ("/admin/core/compliance/", "GET", roles("staff")),  # 合规证据: core.compliance.view
    ("/admin/core/onboarding/<int:enterprise_id>/", "POST", roles("staff")),
    ("/admin/core/auditevent/*", "GET POST", reach(roles())),
    ("/admin/core/user/*", "GET POST", reach(roles())),
    ("/admin/core/department/*", "GET POST", reach(roles())),
    ("/admin/core/apitoken/*", "GET POST", reach(roles(*STAFF_SIDE))),
    ("/admin/core/enterprise/*", "GET POST", reach(roles(*SEEING))),
    ("/admin/core/servicerequest/*", "GET POST", reach(roles(*SEEING))),
    ("/admin/core/transition/*", "GET POST", reach(roles(*SEEING))),
    ("/admin/core/notification/*", "GET POST", reach(roles(*SEEING))),
    ("/admin/core/outbox/*", "GET POST", reach(roles())),  # core.outbox.manage: administrators only
    # declared services and their previews (issue 11 §5): core.service.view; the bare <key> names no service
    ("/admin/core/declared/", "GET", roles("staff")),
    ("/admin/core/declared/<key>/", "GET", reach(roles("staff"))),
    ("/admin/core/attachment/<int:attachment_id>/download/", "GET", a_object(*SEEING)),
    ("/admin/core/attachment/*", "GET POST", reach(roles(*SEEING))),
    # --- REST API (core/web/api/)
    ("/api/v1/openapi.json", "GET", public()),
    ("/api/v1/docs", "GET", public()),
    ("/api/v1/me", "GET", logged_in()),
    ("/api/v1/services", "GET", logged_in()),
    ("/api/v1/workflows", "GET", logged_in()),
    ("/api/v1/workflows/<string(maxlength=64):key>", "GET", logged_in()),
    ("/api/v1/vocabulary/<string(maxlength=64):key>", "GET", logged_in()),
    ("/api/v1/enterprises", "GET", logged_in()),
    # applying for onboarding: the body is validated first (422 for everyone with an empty body);
    # who may register what is decided after that and covered by the API's own tests
    ("/api/v1/enterprises", "POST", logged_in()),
    ("/api/v1/enterprises/<int(min=1, max=2147483647):enterprise_id>", "GET", a_object(*SEEING)),
    # applying to join needs no login (an empty body: 422, served); the review is staff work
    # (core.enterprise.review; an empty body: 422 after access control)
    ("/api/v1/enterprises/applications", "POST", public()),
    ("/api/v1/enterprises/<int(min=1, max=2147483647):enterprise_id>/review", "POST", roles("staff")),
    ("/api/v1/requests", "GET", logged_in()),
    ("/api/v1/requests", "POST", roles("staff", "enterprise")),  # core.request.file
    ("/api/v1/requests/<int(min=1, max=2147483647):request_id>", "GET", a_object(*SEEING)),
    ("/api/v1/requests/<int(min=1, max=2147483647):request_id>/transitions", "GET", a_object(*SEEING)),
    ("/api/v1/requests/<int(min=1, max=2147483647):request_id>/messages", "GET POST", a_object(*SEEING)),
    ("/api/v1/requests/<int(min=1, max=2147483647):request_id>/reply", "POST", CASE_REQUESTER_ONLY),
    ("/api/v1/requests/<int(min=1, max=2147483647):request_id>/resubmit", "POST", CASE_REQUESTER_ONLY),
    # POST {"outcome": "reject"} on A's request at its first (staff) step; staff rejects it, so the
    # admin, who comes after staff in the walk, finds it closed (409, still "served")
    ("/api/v1/requests/<int(min=1, max=2147483647):request_id>/transitions", "POST",
     with_(a_object(*SEEING), ent_a="forbidden", expert="forbidden")),
    # attachments (core/web/api/resources/attachments.py): without owner_type/owner_id the list is a
    # 422 and the upload (not multipart) a 400, both after access control; A's file is A's object
    ("/api/v1/attachments", "GET POST", logged_in()),
    ("/api/v1/attachments/<int(min=1, max=2147483647):attachment_id>", "GET", a_object(*SEEING)),
    ("/api/v1/attachments/<int(min=1, max=2147483647):attachment_id>/download", "GET", a_object(*SEEING)),
    # notifications (core/web/api/resources/notifications.py): the caller's own only
    ("/api/v1/notifications", "GET", logged_in()),
    ("/api/v1/notifications/read", "POST", logged_in()),
    ("/api/v1/notifications/<int(min=1, max=2147483647):notification_id>/read", "POST", own_of_a()),
    # --- plugins' own blueprints
    ("/sample/hello", "GET", public()),  # tests/fixtures/sampleplugin
    # survey links (evaluation, management, training): the link's token is the credential
    ("*/survey/<token>", "GET POST", reach(public())),
    ("/information/", "GET", public()),  # information: published articles are public (DB1302 6.4.1.1 b)
    ("/information/<int:article_id>", "GET", reach(public())),
    # promotion: published activity notices are public; only enterprise users register (DB1302 6.4.5 c)
    ("/promotion/activities", "GET", public()),
    ("/promotion/activities/<int(max=2147483647):activity_id>", "GET", reach(public())),
    ("/promotion/activities/<int(max=2147483647):activity_id>/register", "POST",
     {"anonymous": "login", "ent_a": "reach", "ent_b": "reach", "expert": "forbidden", "evaluator": "forbidden",
      "staff": "forbidden", "admin": "forbidden"}),
    # training: published sessions are public; enterprise users register and cancel their own
    # (DB1302 6.4.3 d; plugins/training/portal.py)
    ("/training/sessions", "GET", public()),
    ("/training/my", "GET", logged_in()),
    ("/training/sessions/<int(max=2147483647):session_id>/register", "POST",
     {"anonymous": "login", "ent_a": "reach", "ent_b": "reach", "expert": "forbidden", "evaluator": "forbidden",
      "staff": "forbidden", "admin": "forbidden"}),
    ("/training/registrations/<int(max=2147483647):registration_id>/cancel", "POST",
     reach(roles("staff", "enterprise"))),  # training.registration.cancel; only one's own (else 404)
]


# Business rules on top of a plugin's declared permission (admin holds every permission, but some
# actions need an enterprise of one's own).
PLUGIN_OVERRIDES = {
    ("/api/v1/training/sessions/<int:session_id>/registrations", "POST"): {"admin": "forbidden"},  # seats are booked by enterprises
}


def expectation_for(rule, method, plugin_rules):
    for pattern, methods, expected in TABLE:
        if method in methods.split() and fnmatch.fnmatchcase(rule, pattern):
            return expected
    expected = plugin_rules.get((rule, method))
    if expected is not None and (rule, method) in PLUGIN_OVERRIDES:
        expected = {**expected, **PLUGIN_OVERRIDES[(rule, method)]}
    return expected


# --- Plugin-declared expectations --------------------------------------------------------------------

def plugin_expectations(app, platform):
    """Admin screens and API resources of plugins: open to their declared permission's roles."""
    registry = platform.registry
    out = {}
    admin = app.extensions.get("rongtong_admin")
    if admin is not None:
        for view in admin._views:
            url = getattr(view, "url", "") or ""
            permission = getattr(view, "permission", None)
            owner = url.strip("/").split("/")[1] if url.count("/") >= 2 else ""
            if owner in ("", "core") or permission is None:
                continue
            perm = registry.permissions.get(permission)
            allowed = tuple(perm.roles) if perm else ()
            for rule in app.url_map.iter_rules():
                if rule.rule.startswith(url.rstrip("/") + "/"):
                    for method in rule.methods - {"HEAD", "OPTIONS"}:
                        out[(rule.rule, method)] = reach(roles(*allowed))
    for owner, resource in registry.call("register_api_resources", registry=registry):
        endpoint = "api." + (resource.endpoint or "")
        for rule in app.url_map.iter_rules():
            if rule.endpoint == endpoint or rule.rule.rstrip("/") == "/api/v1/" + resource.path.strip("/"):
                perm = registry.permissions.get(resource.permission) if resource.permission else None
                expected = reach(roles(*perm.roles) if perm else logged_in())
                for method in set(resource.methods) & rule.methods:
                    out[(rule.rule, method)] = expected
    return out


# --- The cast and the walk ---------------------------------------------------------------------------

@pytest.fixture
def cast(platform, people):
    return make_cast(platform, people)


def make_cast(platform, people):
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                                       title="A's request")
    ServiceRequest.update(assignee=people.expert.id).where(ServiceRequest.id == req.id).execute()
    from rongtong.core.attachments import save_upload

    class Upload:
        filename = "plan.txt"

        def __init__(self):
            import io

            self.stream = io.BytesIO(b"business plan")

    att = save_upload(Upload(), ServiceRequest.get_by_id(req.id), people.user_a, platform.config)
    from rongtong.core.notify import notify

    note = notify(people.user_a, "A's notification", link="/my/requests")
    users = {"ent_a": people.user_a, "ent_b": people.user_b, "staff": people.staff, "expert": people.expert,
             "evaluator": people.evaluator, "admin": people.admin}
    values = {"request_id": req.id, "enterprise_id": people.ent_a.id, "attachment_id": att.id, "key": "sample",
              "export_type": "csv", "id": req.id, "token": "no-such-survey-token", "article_id": 1,
              "notification_id": note.id}
    return users, values


# API writes get a body that passes validation where that matters, so the answer is about access.
API_BODIES = {"api.request_transitions": lambda v: {"outcome": "reject", "reason": "matrix walk", "version": 1},
              "api.request_messages": lambda v: {"body": "matrix walk"},
              "api.request_reply": lambda v: {"body": "matrix walk"},
              "api.request_resubmit": lambda v: {"data": {}, "body": "matrix walk"}}
STATIC_FILES = {"static": "css/site.css", "admin.static": "admin/css/bootstrap4/admin.css"}


def build_url(rule, values, lenient=False):
    """The rule's URL with sample values. Core routes must have a named sample value; plugin routes
    (``lenient``) get 1 for ids and "x" for other names — their expectation is then ``reach``."""
    from werkzeug.routing import BuildError

    args = {}
    for name in rule.arguments:
        if name == "filename":
            args[name] = STATIC_FILES.get(rule.endpoint, "x.css")
        elif name in values:
            args[name] = values[name]
        elif lenient:
            converter = rule._converters.get(name)
            args[name] = 1 if type(converter).__name__ in ("IntegerConverter", "NumberConverter") else "x"
        else:
            raise AssertionError(f"route {rule.rule}: no sample value for <{name}> — add one to the matrix fixture")
    try:
        return rule.build(args, append_unknown=False)[1]
    except (BuildError, TypeError) as exc:
        raise AssertionError(f"route {rule.rule}: cannot build with {args}: {exc}")


def classify(response, path):
    status = response.status_code
    location = response.headers.get("Location", "")
    if status >= 500:
        return f"error {status}"
    if status in (301, 302, 303, 307, 308) and location.startswith("/login?next="):
        return "login"
    if status == 401:
        return "login"
    if status == 404:
        return "hidden"
    if status == 403:
        return "forbidden"
    return "ok"


def matches(expected, observed):
    if expected == "denied":
        return observed in ("forbidden", "hidden")
    if expected == "reach":
        return observed in ("ok", "hidden")
    return expected == observed


def walk(app, users, values, login, csrf_token, plugin_rules=(), plugin_blueprints=frozenset()):
    clients = {"anonymous": app.test_client()}
    tokens = {"anonymous": csrf_token(clients["anonymous"], "/login")}

    def fresh(role):
        client = app.test_client()
        if role != "anonymous":
            assert login(client, users[role]).status_code == 302, role
        clients[role] = client
        tokens[role] = csrf_token(client, "/login")

    for role in USERS:
        fresh(role)
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    observed = {}
    for rule in rules:
        lenient = (any(key[0] == rule.rule for key in plugin_rules) or rule.endpoint.split(".")[0] in plugin_blueprints
                   or not any(fnmatch.fnmatchcase(rule.rule, pattern) for pattern, _m, _e in TABLE))
        url = build_url(rule, values, lenient)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role in ROLES:
                client = clients[role]
                headers = {"X-CSRFToken": tokens[role]}
                kwargs = {}
                if method != "GET" and url.startswith("/api/"):
                    kwargs["json"] = API_BODIES[rule.endpoint](values) if rule.endpoint in API_BODIES else {}
                elif method != "GET":
                    kwargs["data"] = {}
                response = client.open(url, method=method, headers=headers, **kwargs)
                observed[(rule.rule, method, role)] = classify(response, url)
                if rule.endpoint == "auth.logout" or (rule.endpoint == "auth.password" and method == "POST") \
                        or (rule.endpoint == "auth.login" and method == "POST"):
                    fresh(role)
    return rules, observed


BUILTIN = ("information", "technical", "training", "management", "investment", "financing", "promotion", "evaluation")


def test_every_route_matches_the_declared_matrix(app, platform, cast, login, csrf_token):
    check_matrix(app, platform, cast, login, csrf_token)


def test_matrix_with_every_builtin_plugin(make_platform, login, csrf_token):
    """The same walk with all built-in plugins enabled: their screens, resources and pages too."""
    from rongtong.core.web.app import create_app
    from tests.factories import make_people

    platform = make_platform(plugins=("sample",) + BUILTIN)
    app = create_app(platform=platform)
    app.config["TESTING"] = True
    check_matrix(app, platform, make_cast(platform, make_people()), login, csrf_token)


def check_matrix(app, platform, cast, login, csrf_token):
    users, values = cast
    plugin_rules = plugin_expectations(app, platform)
    blueprints = {bp.name for _owner, bp in platform.registry.call("register_blueprints")}
    rules, observed = walk(app, users, values, login, csrf_token, plugin_rules, blueprints)
    missing, wrong = [], []
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            expected = expectation_for(rule.rule, method, plugin_rules)
            if expected is None:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
                continue
            for role in ROLES:
                got = observed[(rule.rule, method, role)]
                if not matches(expected[role], got):
                    wrong.append(f"{method} {rule.rule} as {role}: expected {expected[role]}, got {got}")
    if os.environ.get("RT_MATRIX_PRINT"):
        for (rule, method, role), got in sorted(observed.items()):
            print(f"{method:6} {rule:70} {role:10} {got}")
    assert not missing, "routes missing from the matrix table:\n" + "\n".join(missing)
    assert not wrong, f"{len(wrong)} access mismatches:\n" + "\n".join(wrong)


def test_a_route_missing_from_the_table_fails(app, platform):
    """The table is exhaustive by construction: an undeclared route has no expectation."""
    assert expectation_for("/brand-new/route", "GET", plugin_expectations(app, platform)) is None
    assert expectation_for("/admin/core/user/new/", "POST", {}) is not None
    assert Attachment  # the cast uploads a real attachment for the download route
    assert factories
