"""Service requests through the API: filing (DB1302 4.4.4), row scope, filters, cursor pages,
deadlines (DB1302 5.4.1) and a list whose query count does not grow with its rows (issue 3 §6)."""
from __future__ import annotations

import datetime

from rongtong.core.models import AuditEvent, ServiceRequest, Transition, utcnow
from tests import factories


def file(api, user, **extra):
    response = api.post("/api/v1/requests", {"service_key": "sample", "title": "需要帮助", **extra}, as_=user)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_enterprise_user_files_for_its_own_enterprise(api, people):
    body = file(api, people.user_a, description="详情")
    assert body["enterprise"] == {"id": people.ent_a.id, "name": "甲公司"}
    assert body["status"] == "open" and body["current_step"] == "accept" and body["workflow_version"] == 2
    assert body["created_by_id"] == people.user_a.id and body["version"] == 1
    assert [a["outcome"] for a in body["actions"]] == ["withdraw"]
    # DB1302 5.4.1: the published limit (10 working days) drives the request clock.
    assert body["clock"]["working_days_left"] == 10 and body["clock"]["overdue"] is False
    assert body["clock"]["step_working_days_left"] == 2
    assert AuditEvent.select().where((AuditEvent.object_type == "core_servicerequest")
                                     & (AuditEvent.object_id == str(body["id"]))).count() == 1
    # Naming its own enterprise explicitly is fine.
    assert file(api, people.user_a, enterprise_id=people.ent_a.id)["enterprise"]["id"] == people.ent_a.id


def test_enterprise_user_cannot_file_for_another(api, people):
    count = ServiceRequest.select().count()
    response = api.post("/api/v1/requests", {"service_key": "sample", "title": "x", "enterprise_id": people.ent_b.id},
                        as_=people.user_a)
    assert response.status_code == 404
    for field, value in (("assignee_id", people.expert.id), ("department_id", people.department.id)):
        response = api.post("/api/v1/requests", {"service_key": "sample", "title": "x", field: value}, as_=people.user_a)
        assert response.status_code == 403, field
    assert ServiceRequest.select().count() == count


def test_staff_file_for_an_enterprise_and_assign(api, people):
    body = file(api, people.staff, enterprise_id=people.ent_b.id, assignee_id=people.expert.id,
                department_id=people.department.id)
    assert body["enterprise"]["id"] == people.ent_b.id
    assert body["assignee_id"] == people.expert.id and body["department_id"] == people.department.id
    missing = api.post("/api/v1/requests", {"service_key": "sample", "title": "x"}, as_=people.staff)
    assert missing.status_code == 422 and "enterprise_id" in missing.get_json()["error"]["fields"]
    unknown = api.post("/api/v1/requests", {"service_key": "sample", "title": "x", "enterprise_id": 999999},
                       as_=people.staff)
    assert unknown.status_code == 422 and "enterprise_id" in unknown.get_json()["error"]["fields"]


def test_experts_cannot_file(api, people):
    response = api.post("/api/v1/requests", {"service_key": "sample", "title": "x", "enterprise_id": people.ent_a.id},
                        as_=people.expert)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_filing_validation(api, people):
    applied = factories.enterprise("待审公司", status="applied")
    pending_user = factories.user("pending", ["enterprise"], enterprise=applied)
    count = ServiceRequest.select().count()
    cases = [
        (people.user_a, {"service_key": "nope", "title": "x"}, "service_key"),
        (people.user_a, {"service_key": "sample"}, "title"),
        (people.user_a, {"service_key": "sample", "title": ""}, "title"),
        (people.user_a, {"service_key": "sample", "title": "x" * 201}, "title"),
        (people.user_a, {"service_key": "sample", "title": "x", "data": "not a dict"}, "data"),
        (people.user_a, {"service_key": 5, "title": "x"}, "service_key"),
        (pending_user, {"service_key": "sample", "title": "x"}, "enterprise"),  # DB1302 4.4.4: not admitted
    ]
    for user, payload, field in cases:
        response = api.post("/api/v1/requests", payload, as_=user)
        assert response.status_code == 422, (payload, response.get_json())
        assert field in response.get_json()["error"]["fields"], (payload, response.get_json())
    assert ServiceRequest.select().count() == count


def test_mass_assignment_refused(api, people):
    """Server-owned fields cannot be set by a client, and nothing is written when one is sent."""
    count = ServiceRequest.select().count()
    for extra in ({"status": "completed"}, {"current_step": "evaluate"}, {"version": 9}, {"id": 5},
                  {"workflow_key": "other"}, {"workflow_version": 1}, {"created_by_id": people.admin.id},
                  {"enterprise": people.ent_b.id}, {"due_at": "2030-01-01T00:00:00"}, {"closed_at": None}):
        response = api.post("/api/v1/requests", {"service_key": "sample", "title": "x", **extra}, as_=people.user_a)
        assert response.status_code == 422, extra
        assert next(iter(extra)) in response.get_json()["error"]["fields"]
    assert ServiceRequest.select().count() == count


def test_scope_user_of_a_never_sees_b(api, people):
    mine = file(api, people.user_a)
    theirs = file(api, people.user_b)
    listed = [r["id"] for r in api.get("/api/v1/requests", as_=people.user_a).get_json()["items"]]
    assert listed == [mine["id"]]
    for path in (f"/api/v1/requests/{theirs['id']}", f"/api/v1/requests/{theirs['id']}/transitions"):
        response = api.get(path, as_=people.user_a)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    before = Transition.select().count()
    response = api.post(f"/api/v1/requests/{theirs['id']}/transitions",
                        {"outcome": "withdraw", "reason": "mine now", "version": 1}, as_=people.user_a)
    assert response.status_code == 404
    assert Transition.select().count() == before
    # Filtering by another enterprise's id finds nothing rather than leaking.
    other = api.get(f"/api/v1/requests?enterprise_id={people.ent_b.id}", as_=people.user_a).get_json()
    assert other["items"] == []
    # Staff see both; the expert sees only what is assigned to it.
    assert len(api.get("/api/v1/requests", as_=people.staff).get_json()["items"]) == 2
    assert api.get("/api/v1/requests", as_=people.expert).get_json()["items"] == []


def test_filters(api, platform, people):
    a = file(api, people.user_a)
    b = file(api, people.user_a)
    platform.engine.transition(b["id"], "advance", people.staff, data={"need": "x"})
    c = file(api, people.user_a)
    platform.engine.transition(c["id"], "reject", people.staff, reason="不符合条件")

    def ids(query):
        response = api.get("/api/v1/requests" + query, as_=people.staff)
        assert response.status_code == 200, response.get_json()
        return [r["id"] for r in response.get_json()["items"]]

    assert ids("?step=deliver") == [b["id"]]
    assert ids("?status=rejected") == [c["id"]]
    assert ids("?status=open&step=accept") == [a["id"]]
    assert ids("?service=sample") == [c["id"], b["id"], a["id"]]
    assert ids("?service=other") == []
    assert ids(f"?enterprise_id={people.ent_a.id}") == [c["id"], b["id"], a["id"]]
    # Overdue (DB1302 5.4.1): open and past the step or request due date.
    past = utcnow() - datetime.timedelta(days=1)
    ServiceRequest.update(step_due_at=past).where(ServiceRequest.id == a["id"]).execute()
    assert ids("?overdue=true") == [a["id"]]
    assert ids("?overdue=false") == [c["id"], b["id"]]
    listed = {r["id"]: r["overdue"] for r in api.get("/api/v1/requests", as_=people.staff).get_json()["items"]}
    assert listed == {a["id"]: True, b["id"]: False, c["id"]: False}


def test_cursor_pagination(api, platform, people):
    made = [platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                                         title=f"r{i}").id for i in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/requests?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(url, as_=people.user_a).get_json()
        pages += 1
        seen += [r["id"] for r in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == sorted(made, reverse=True)
    # A new request filed while paging does not shift the pages already handed out.
    first = api.get("/api/v1/requests?limit=3", as_=people.user_a).get_json()
    platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="new")
    second = api.get(f"/api/v1/requests?limit=3&cursor={first['next_cursor']}", as_=people.user_a).get_json()
    assert [r["id"] for r in second["items"]] == seen[3:6]


def test_list_query_count_does_not_grow_with_rows(api, platform, people, count_queries):
    """issue 3 §6: the request list costs the same number of queries for 1 row or 30."""
    def make(n):
        for i in range(n):
            platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                                         title=f"q{i}", assignee=people.expert)

    def measure(user):
        api.get("/api/v1/requests?limit=100", as_=user)  # warm up: token issued, caches filled
        with count_queries() as counter:
            response = api.get("/api/v1/requests?limit=100", as_=user)
        assert response.status_code == 200
        return counter.count, len(response.get_json()["items"])

    make(1)
    small = {u.username: measure(u) for u in (people.staff, people.user_a, people.expert)}
    make(29)
    large = {u.username: measure(u) for u in (people.staff, people.user_a, people.expert)}
    for name in small:
        assert small[name][1] == 1 and large[name][1] == 30
        assert large[name][0] == small[name][0], (name, small[name], large[name])
        print(name, small[name])
        assert small[name][0] <= 3  # token lookup + the page (+ at most one bookkeeping write)


def test_detail_shows_paused_time(api, platform, people):
    """DB1302 5.4.1: time paused awaiting the enterprise's materials does not count."""
    body = file(api, people.user_a)
    platform.engine.transition(body["id"], "pause", people.staff, reason="请补充材料")
    paused = api.get(f"/api/v1/requests/{body['id']}", as_=people.user_a).get_json()
    assert paused["status"] == "paused" and paused["clock"]["paused_since"] is not None
    assert paused["clock"]["due_at"] is None and paused["clock"]["working_days_left"] is None
    assert [a["outcome"] for a in paused["actions"]] == ["resume", "withdraw"]
