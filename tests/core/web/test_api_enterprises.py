"""Enterprises through the API: row scope (DB1302 6.1), onboarding applications (DB1302 4.4.4)."""
from __future__ import annotations

from rongtong.core.models import AuditEvent, Enterprise, User
from tests import factories

VALID = {"name": "丙公司", "scale": "small", "kind": "sme", "region": "保定"}


def test_enterprise_user_sees_only_its_own(api, people):
    body = api.get("/api/v1/enterprises", as_=people.user_a).get_json()
    assert [e["id"] for e in body["items"]] == [people.ent_a.id]
    assert api.get(f"/api/v1/enterprises/{people.ent_a.id}", as_=people.user_a).status_code == 200
    other = api.get(f"/api/v1/enterprises/{people.ent_b.id}", as_=people.user_a)
    assert other.status_code == 404  # never 403: that would reveal that it exists
    assert other.get_json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/enterprises/999999", as_=people.user_a).status_code == 404


def test_staff_see_all_with_filters(api, people):
    factories.enterprise("申请中公司", status="applied", scale="micro")
    ids = {e["name"] for e in api.get("/api/v1/enterprises", as_=people.staff).get_json()["items"]}
    assert ids == {"甲公司", "乙公司", "申请中公司"}
    applied = api.get("/api/v1/enterprises?status=applied", as_=people.staff).get_json()["items"]
    assert [e["name"] for e in applied] == ["申请中公司"]
    by_name = api.get("/api/v1/enterprises?q=乙", as_=people.staff).get_json()["items"]
    assert [e["name"] for e in by_name] == ["乙公司"]
    bad = api.get("/api/v1/enterprises?status=bogus", as_=people.staff)
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]


def test_expert_sees_only_enterprises_of_assigned_requests(api, platform, people):
    platform.engine.open_request(enterprise=people.ent_b, service_key="sample", actor=people.staff,
                                 title="assigned", assignee=people.expert)
    body = api.get("/api/v1/enterprises", as_=people.expert).get_json()
    assert [e["id"] for e in body["items"]] == [people.ent_b.id]
    assert api.get(f"/api/v1/enterprises/{people.ent_a.id}", as_=people.expert).status_code == 404


def test_staff_register_an_application(api, people):
    """DB1302 4.4.4: an application starts as 'applied', awaiting review; audited."""
    code = factories.credit_code()
    response = api.post("/api/v1/enterprises", {**VALID, "credit_code": code.lower()}, as_=people.staff)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "applied" and body["credit_code"] == code
    assert response.headers["Location"].endswith(f"/api/v1/enterprises/{body['id']}")
    assert AuditEvent.select().where((AuditEvent.object_type == "core_enterprise")
                                     & (AuditEvent.object_id == str(body["id"]))
                                     & (AuditEvent.action == "create")).count() == 1


def test_unlinked_enterprise_user_applies_for_its_own(api, people):
    newcomer = factories.user("newcomer", ["enterprise"])
    response = api.post("/api/v1/enterprises", {**VALID, "credit_code": factories.credit_code()}, as_=newcomer)
    assert response.status_code == 201
    assert User.get_by_id(newcomer.id).enterprise_id == response.get_json()["id"]
    # Linked now: a second application is refused and writes nothing.
    count = Enterprise.select().count()
    again = api.post("/api/v1/enterprises", {**VALID, "credit_code": factories.credit_code()}, as_=newcomer)
    assert again.status_code == 403 and Enterprise.select().count() == count


def test_linked_users_and_experts_cannot_register(api, people):
    count = Enterprise.select().count()
    for user in (people.user_a, people.expert, people.evaluator):
        response = api.post("/api/v1/enterprises", {**VALID, "credit_code": factories.credit_code()}, as_=user)
        assert response.status_code == 403, user.username
    assert Enterprise.select().count() == count


def test_application_mass_assignment_refused(api, people):
    """status, id, reviewed_at are the server's: sending them is refused, nothing is written."""
    count = Enterprise.select().count()
    for extra in ({"status": "admitted"}, {"id": 77}, {"reviewed_at": "2026-01-01T00:00:00"},
                  {"status_reason": "ok"}, {"is_admin": True}):
        response = api.post("/api/v1/enterprises", {**VALID, "credit_code": factories.credit_code(), **extra},
                            as_=people.staff)
        assert response.status_code == 422, extra
        field = next(iter(extra))
        assert response.get_json()["error"]["fields"] == {field: ["Unknown field."]} or \
            response.get_json()["error"]["fields"][field]
    assert Enterprise.select().count() == count


def test_application_validation(api, people):
    count = Enterprise.select().count()
    cases = [
        ({**VALID, "credit_code": "91110000000000000X"}, "credit_code"),  # wrong check character
        ({**VALID, "credit_code": "short"}, "credit_code"),
        ({**VALID, "credit_code": people.ent_a.credit_code}, "credit_code"),  # already registered
        ({**VALID, "credit_code": factories.credit_code(), "scale": "giant"}, "scale"),
        ({**VALID, "credit_code": factories.credit_code(), "name": ""}, "name"),
        ({**VALID, "credit_code": factories.credit_code(), "name": "x" * 201}, "name"),
        ({**VALID, "credit_code": factories.credit_code(), "contact_email": "not-an-email"}, "contact_email"),
        ({"credit_code": factories.credit_code()}, "name"),
        ({**VALID, "credit_code": 12345}, "credit_code"),
    ]
    for payload, field in cases:
        response = api.post("/api/v1/enterprises", payload, as_=people.staff)
        assert response.status_code == 422, (payload, response.get_json())
        assert field in response.get_json()["error"]["fields"], (payload, response.get_json())
    assert Enterprise.select().count() == count


def test_enterprise_pages(api, people):
    for i in range(5):
        factories.enterprise(f"企业{i}")
    seen, cursor = [], None
    while True:
        url = "/api/v1/enterprises?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(url, as_=people.staff).get_json()
        seen += [e["id"] for e in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == 7
