"""Role x route matrix for the REST API (issue 3 §6): every /api/v1 route in ``app.url_map`` is
called by every role with the ids of enterprise A's objects, and the status must match the table
below. A route missing from the table fails the test, so a new route cannot ship unreviewed.

Objects of another enterprise are 404, never 403 (DB1302 5.3.2: nothing leaks)."""
from __future__ import annotations

from tests import factories

ROLES = ("anonymous", "user_a", "user_b", "staff", "expert", "evaluator", "admin")


def row(anonymous, user_a, user_b, staff, expert, evaluator, admin):
    return dict(zip(ROLES, (anonymous, user_a, user_b, staff, expert, evaluator, admin)))


EVERYONE = row(401, 200, 200, 200, 200, 200, 200)
PUBLIC = row(200, 200, 200, 200, 200, 200, 200)
A_ONLY = row(401, 200, 404, 200, 404, 404, 200)  # A's own object: A and staff see it, nobody else learns it exists

EXPECTED = {
    ("api.openapi", "GET"): PUBLIC,
    ("api.docs", "GET"): PUBLIC,
    ("api.me", "GET"): EVERYONE,
    ("api.services", "GET"): EVERYONE,
    ("api.workflows", "GET"): EVERYONE,
    ("api.workflow", "GET"): EVERYONE,
    ("api.vocabulary", "GET"): EVERYONE,
    ("api.enterprises", "GET"): EVERYONE,
    ("api.enterprises", "POST"): row(401, 403, 403, 201, 403, 403, 201),
    ("api.enterprise", "GET"): A_ONLY,
    # DB1302 4.4.4: applying needs no login (an empty body is refused the same for everyone);
    # the review is staff work (core.enterprise.review; the empty body then fails validation)
    ("api.enterprise_applications", "POST"): row(422, 422, 422, 422, 422, 422, 422),
    ("api.enterprise_review", "POST"): row(401, 403, 403, 422, 403, 403, 422),
    ("api.requests", "GET"): EVERYONE,
    ("api.requests", "POST"): row(401, 201, 404, 201, 403, 403, 201),
    ("api.request", "GET"): A_ONLY,
    ("api.request_transitions", "GET"): A_ONLY,
    # Rejecting at the accept step is staff work: A may see the request but not do this (403).
    ("api.request_transitions", "POST"): row(401, 403, 404, 201, 404, 404, 201),
    # The case file (issue 9 §2): both sides write the thread; only the requesting enterprise
    # answers a pause or resubmits (a fresh request is neither paused nor returned: 409).
    ("api.request_messages", "GET"): A_ONLY,
    ("api.request_messages", "POST"): row(401, 201, 404, 201, 404, 404, 201),
    ("api.request_reply", "POST"): row(401, 409, 404, 403, 404, 404, 403),
    ("api.request_resubmit", "POST"): row(401, 409, 404, 403, 404, 404, 403),
    ("api.sample_ping", "GET"): EVERYONE,
    ("api.attachments", "GET"): A_ONLY,  # the files of A's request
    ("api.attachments", "POST"): row(401, 201, 404, 201, 404, 404, 201),
    ("api.attachment", "GET"): A_ONLY,
    ("api.attachment_download", "GET"): A_ONLY,
    # notifications: the caller's own; A's notification is nobody else's business (404), not even staff's
    ("api.notifications", "GET"): EVERYONE,
    ("api.notifications_read", "POST"): EVERYONE,
    ("api.notification_read", "POST"): row(401, 200, 404, 404, 404, 404, 404),
}


def _a_attachment(people, platform):
    import io

    from werkzeug.datastructures import FileStorage

    from rongtong.core.attachments import save_upload

    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="f")
    return save_upload(FileStorage(io.BytesIO(b"evidence"), "evidence.txt"), req, people.user_a, platform.config)


def _call(api, user, endpoint, method, rule, people, platform):
    values = {}
    body = None
    if endpoint.startswith("api.attachment"):
        att = _a_attachment(people, platform)
        if "attachment_id" in rule.arguments:
            values["attachment_id"] = att.id
        elif method == "GET":
            return api.get(f"{rule.rule}?owner_type={att.owner_type}&owner_id={att.owner_id}", as_=user)
        else:
            import io

            form = {"owner_type": att.owner_type, "owner_id": att.owner_id, "file": (io.BytesIO(b"x"), "x.txt")}
            return api.post(rule.rule, as_=user, data=form, content_type="multipart/form-data")
    if "request_id" in rule.arguments:
        # A fresh request of enterprise A for every call, so one role's move does not change the next.
        req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="m")
        values["request_id"] = req.id
        body = {"outcome": "reject", "reason": "matrix", "version": 1}
    if endpoint in ("api.request_messages", "api.request_reply"):
        body = {"body": "matrix"}
    if endpoint == "api.request_resubmit":
        body = {"data": {}, "body": "matrix"}
    if "enterprise_id" in rule.arguments:
        values["enterprise_id"] = people.ent_a.id
    if "notification_id" in rule.arguments:
        from rongtong.core.notify import notify

        values["notification_id"] = notify(people.user_a, "A's notification").id
    if "key" in rule.arguments:
        values["key"] = "sample"
    if (endpoint, method) == ("api.requests", "POST"):
        body = {"service_key": "sample", "title": "matrix", "enterprise_id": people.ent_a.id}
    if (endpoint, method) == ("api.enterprises", "POST"):
        body = {"name": "矩阵公司", "credit_code": factories.credit_code(), "scale": "small", "kind": "sme"}
    path = rule.rule
    for name, value in values.items():
        path = path.replace(next(part for part in path.split("/") if part.endswith(f":{name}>")), str(value))
    if method == "GET":
        return api.get(path, as_=user)
    return api.request(method, path, as_=user, json=body if body is not None else {})


def test_every_api_route_for_every_role(app, api, people, platform):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/")]
    users = {"anonymous": None, **{name: getattr(people, name) for name in ROLES if name != "anonymous"}}
    problems = []
    covered = set()
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = (rule.endpoint, method)
            if key not in EXPECTED:
                problems.append(f"{method} {rule.rule} ({rule.endpoint}) is missing from the matrix")
                continue
            covered.add(key)
            for role, user in users.items():
                response = _call(api, user, rule.endpoint, method, rule, people, platform)
                if response.status_code != EXPECTED[key][role]:
                    problems.append(f"{role} {method} {rule.rule}: {response.status_code}, expected {EXPECTED[key][role]}")
                if response.status_code >= 400:
                    assert set(response.get_json()["error"]) == {"code", "message", "fields"}
    assert not problems, "\n".join(problems)
    assert covered == set(EXPECTED), set(EXPECTED) - covered
