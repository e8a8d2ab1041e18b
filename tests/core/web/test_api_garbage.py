"""Bad input never gives a 500 (issue 3 §3, §6): wrong types, huge numbers, unknown fields,
non-JSON bodies, bad cursors, odd characters — each is a 400/404/422 in the one error shape, and
nothing is written."""
from __future__ import annotations

import pytest

from rongtong.core.models import Enterprise, ServiceRequest, Transition

HUGE = 10**30


def _assert_error(response, statuses):
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body["error"]


@pytest.fixture
def counts():
    def snapshot():
        return (ServiceRequest.select().count(), Transition.select().count(), Enterprise.select().count())

    return snapshot


RAW_BODIES = [
    b"",
    b"not json",
    b"{",
    b"[]",
    b"[1, 2]",
    b"null",
    b"42",
    b'"text"',
    b"\xff\xfe\x00garbage",
    b'{"service_key": NaN}',
    b'{"title": Infinity}',
    b"[" * 50000 + b"]" * 50000,
    b'{"a":' * 40 + b"1" + b"}" * 40,
    b'{"title": "' + b"9" * 5000 + b'"}',
]


def test_malformed_bodies_are_400(api, platform, people, counts):
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    before = counts()
    for raw in RAW_BODIES:
        for path in ("/api/v1/requests", "/api/v1/enterprises", f"/api/v1/requests/{req.id}/transitions"):
            response = api.post(path, as_=people.staff, data=raw, content_type="application/json")
            error = _assert_error(response, (400, 422))
            assert error["code"] in ("malformed", "invalid"), (raw[:40], error)
    assert counts() == before


def test_lone_surrogates_and_nul_are_refused(api, people, counts):
    """Text neither SQLite nor PostgreSQL can store is refused up front, naming the field."""
    before = counts()
    for raw in (b'{"service_key": "sample", "title": "bad \\ud800 text"}',
                b'{"service_key": "sample", "title": "nul \\u0000 text"}'):
        error = _assert_error(api.post("/api/v1/requests", as_=people.user_a, data=raw,
                                       content_type="application/json"), (422,))
        assert list(error["fields"]) == ["title"]
    assert counts() == before


def test_wrong_content_type_is_400(api, people, counts):
    before = counts()
    response = api.post("/api/v1/requests", as_=people.user_a, data={"service_key": "sample", "title": "x"})
    assert _assert_error(response, (400,))["code"] == "malformed"
    response = api.post("/api/v1/requests", as_=people.user_a, data='{"service_key": "sample", "title": "x"}',
                        content_type="text/plain")
    _assert_error(response, (400,))
    assert counts() == before


WRONG_REQUESTS = [
    {"service_key": ["sample"], "title": "x"},
    {"service_key": {"k": 1}, "title": "x"},
    {"service_key": "sample", "title": 7},
    {"service_key": "sample", "title": None},
    {"service_key": "sample", "title": True},
    {"service_key": "sample", "title": "x", "enterprise_id": HUGE},
    {"service_key": "sample", "title": "x", "enterprise_id": -1},
    {"service_key": "sample", "title": "x", "enterprise_id": "1"},
    {"service_key": "sample", "title": "x", "enterprise_id": True},
    {"service_key": "sample", "title": "x", "enterprise_id": 1.5},
    {"service_key": "sample", "title": "x", "data": [1, 2]},
    {"service_key": "sample", "title": "x", "data": {"k": "nul\u0000byte"}},
    {"service_key": "sample\u0000", "title": "x"},
    {"service_key": "x" * 100000, "title": "x"},
    {"service_key": "sample", "title": "x", "description": 5},
    {"service_key": "sample", "title": "x", "nonsense": 1},
    {"": 1},
]


def test_wrong_types_when_filing(api, people, counts):
    before = counts()
    for original in WRONG_REQUESTS:
        for user in (people.user_a, people.staff):
            payload = dict(original)
            if user is people.staff and "enterprise_id" not in payload:
                payload["enterprise_id"] = people.ent_a.id
            response = api.post("/api/v1/requests", payload, as_=user)
            error = _assert_error(response, (400, 422))
            assert error["fields"], (payload, error)
    assert counts() == before


WRONG_TRANSITIONS = [
    {"outcome": "advance", "version": "1", "data": {"need": "x"}},
    {"outcome": "advance", "version": HUGE, "data": {"need": "x"}},
    {"outcome": "advance", "version": 0, "data": {"need": "x"}},
    {"outcome": "advance", "version": 1.0, "data": {"need": "x"}},
    {"outcome": "advance", "version": True, "data": {"need": "x"}},
    {"outcome": 5, "version": 1},
    {"outcome": ["advance"], "version": 1},
    {"outcome": "advance", "version": 1, "data": "need"},
    {"outcome": "advance", "version": 1, "data": {"need": 5}},
    {"outcome": "advance", "version": 1, "data": {"need": "x" * 10, "extra": {"deep": [1, 2, 3]}}},
    {"outcome": "advance", "version": 1, "data": {"need": "x"}, "target": 5},
    {"outcome": "reject", "version": 1, "reason": ["why"]},
    {"outcome": "reject", "version": 1, "reason": "x" * 6000},
    {"outcome": "advance", "version": 1, "data": {"need": "x"}, "status": "completed"},
    {"outcome": "advance", "version": 1, "data": {"need": "x"}, "assignee_id": HUGE},
    {"outcome": "advance", "version": 1, "data": {"need": "x"}, "assignee_id": "me"},
]


def test_wrong_types_in_transitions(api, platform, people, counts):
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    before = counts()
    for payload in WRONG_TRANSITIONS:
        response = api.post(f"/api/v1/requests/{req.id}/transitions", payload, as_=people.staff)
        error = _assert_error(response, (422,))
        assert error["fields"], (payload, error)
    assert counts() == before
    assert ServiceRequest.get_by_id(req.id).version == 1


BAD_QUERIES = [
    "limit=0", "limit=101", "limit=abc", f"limit={HUGE}", "limit=1&limit=2", "cursor=", "cursor=!!!",
    "cursor=aWQ6LTE", "cursor=eHg6MQ", f"cursor={'A' * 5000}", "cursor=%00", "status=nope", "overdue=maybe",
    f"enterprise_id={HUGE}", "enterprise_id=-4", "enterprise_id=x", "step=%00", "service=" + "s" * 65,
    "unknown=1",
]


def test_bad_list_queries_are_422(api, people):
    for query in BAD_QUERIES:
        for path in ("/api/v1/requests", "/api/v1/enterprises"):
            if path.endswith("enterprises") and query.startswith(("step", "service", "overdue", "enterprise_id")):
                continue
            response = api.get(f"{path}?{query}", as_=people.staff)
            if "%00" in query:  # a NUL byte: refused up front by the app (400) or by the API (422)
                _assert_error(response, (400, 422))
                continue
            assert response.status_code == 422, (path, query, response.get_json())
            assert _assert_error(response, (422,))["fields"], (path, query)
    # Invalid UTF-8 in the query string is decoded with replacement characters: no match, no error.
    assert api.get("/api/v1/requests?service=%ED%A0%80", as_=people.staff).get_json()["items"] == []


def test_bad_cursor_names_the_field(api, people):
    error = _assert_error(api.get("/api/v1/requests?cursor=garbage", as_=people.user_a), (422,))
    assert list(error["fields"]) == ["cursor"]


UNKNOWN_PATHS = [
    f"/api/v1/requests/{HUGE}", "/api/v1/requests/-1", "/api/v1/requests/0", "/api/v1/requests/abc",
    f"/api/v1/requests/{HUGE}/transitions", f"/api/v1/enterprises/{HUGE}", "/api/v1/enterprises/1.5",
    "/api/v1/workflows/" + "w" * 100, "/api/v1/workflows/nope", "/api/v1/workflows/sample?version=99",
    "/api/v1/nothing-here", "/api/v1/", "/api/v1/requests/1/transitions/2", "/api/v1/requests/%00",
]


def test_unknown_objects_are_json_404(api, people):
    for path in UNKNOWN_PATHS:
        error = _assert_error(api.get(path, as_=people.staff), (404,))
        assert error["code"] == "not_found", path


def test_wrong_method_is_json_405(api, people):
    response = api.request("DELETE", "/api/v1/requests", as_=people.staff)
    assert _assert_error(response, (405,))["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_huge_transition_request_id(api, people, counts):
    before = counts()
    response = api.post(f"/api/v1/requests/{HUGE}/transitions", {"outcome": "advance", "version": 1}, as_=people.staff)
    _assert_error(response, (404,))
    assert counts() == before


def test_oversized_body_is_json_413(app, api, people, counts):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    before = counts()
    response = api.post("/api/v1/requests", {"service_key": "sample", "title": "x", "description": "长" * 3000},
                        as_=people.user_a)
    assert _assert_error(response, (413,))["code"] == "too_large"
    assert counts() == before
