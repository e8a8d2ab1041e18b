"""Self-registration and the onboarding review through the API (DB1302 4.4.4, 6.3):
``POST /api/v1/enterprises/applications`` without a login, ``POST /api/v1/enterprises/<id>/review``
for staff holding ``core.enterprise.review``; both in the OpenAPI document."""
from __future__ import annotations

import io

import pytest

from rongtong.core.models import Attachment, Enterprise, Notification, OutboxMessage, User
from tests import factories

MAIL = {"host": "127.0.0.1", "port": 2525}
APPLY = "/api/v1/enterprises/applications"


@pytest.fixture
def platform(make_platform):
    return make_platform(mail=MAIL)


def multipart(**changes) -> dict:
    form = {"name": "保定智能装备有限公司", "credit_code": factories.credit_code(), "scale": "medium", "kind": "lead",
            "industry": "装备制造", "region": "保定", "contact_name": "李工", "contact_phone": "0312-7654321",
            "contact_email": "li@example.com", "username": "zhineng", "password": "a-long-password",
            "documents": [(io.BytesIO(b"%PDF licence"), "营业执照.pdf"), (io.BytesIO(b"%PDF cert"), "资质证书.pdf")]}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def counts():
    return Enterprise.select().count(), User.select().count(), Attachment.select().count()


def test_4_4_4_api_application_without_login(api, people):
    response = api.post(APPLY, data=multipart(), content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["enterprise"]["status"] == "applied" and body["user"]["username"] == "zhineng"
    assert "password" not in body["user"] and sorted(d["filename"] for d in body["documents"]) == ["营业执照.pdf", "资质证书.pdf"]
    assert response.headers["Location"].endswith(f"/api/v1/enterprises/{body['enterprise']['id']}")
    user = User.get(User.username == "zhineng")
    assert user.enterprise_id == body["enterprise"]["id"] and user.email == "li@example.com"
    # not admitted yet: its user cannot file a request
    filed = api.post("/api/v1/requests", json={"service_key": "sample", "title": "早了"}, as_=user)
    assert filed.status_code == 422 and "enterprise" in filed.get_json()["error"]["fields"]


def test_4_4_4_api_bad_applications_name_their_fields(api, people):
    before = counts()
    bad = api.post(APPLY, data=multipart(credit_code="123", contact_email="x", documents=None),
                   content_type="multipart/form-data", headers={"Accept-Language": "en"})
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert {"credit_code", "contact_email", "documents"} <= set(fields)
    # JSON has no files: the document is missing; unknown fields (status) are refused
    as_json = api.post(APPLY, json={**{k: v for k, v in multipart().items() if k != "documents"}, "status": "admitted"})
    assert as_json.status_code == 422 and "status" in as_json.get_json()["error"]["fields"]
    no_docs = api.post(APPLY, json={k: v for k, v in multipart().items() if k != "documents"})
    assert no_docs.status_code == 422 and list(no_docs.get_json()["error"]["fields"]) == ["documents"]
    taken = api.post(APPLY, data=multipart(credit_code=people.ent_a.credit_code), content_type="multipart/form-data")
    error = taken.get_json()["error"]
    assert taken.status_code == 422 and list(error["fields"]) == ["credit_code"]
    assert people.ent_a.name not in str(error)
    for raw in (b"", b"[]", b"not json"):
        assert api.post(APPLY, data=raw, content_type="application/json").status_code == 400
    assert counts() == before


def test_4_4_4_api_applications_are_limited_per_address(api, people):
    from rongtong.core import onboarding

    for i in range(onboarding.MAX_PER_ADDRESS):
        assert api.post(APPLY, data=multipart(username=f"api{i}"), content_type="multipart/form-data").status_code == 201
    refused = api.post(APPLY, data=multipart(username="api_more"), content_type="multipart/form-data")
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "too_many_requests"


def test_4_4_4_review_through_the_api(api, people):
    applied = api.post(APPLY, data=multipart(), content_type="multipart/form-data").get_json()
    ent_id = applied["enterprise"]["id"]
    review = f"/api/v1/enterprises/{ent_id}/review"
    assert api.post(review, json={"decision": "admitted"}).status_code == 401
    assert api.post(review, json={"decision": "admitted"}, as_=people.user_a).status_code == 403
    no_reason = api.post(review, json={"decision": "rejected"}, as_=people.staff)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    assert api.post(review, json={"decision": "maybe"}, as_=people.staff).status_code == 422
    assert api.post("/api/v1/enterprises/999999/review", json={"decision": "admitted"}, as_=people.staff).status_code == 404
    refused = api.post(review, json={"decision": "rejected", "reason": "营业执照已过期"}, as_=people.staff)
    assert refused.status_code == 200 and refused.get_json()["status"] == "rejected"
    assert refused.get_json()["status_reason"] == "营业执照已过期"
    again = api.post(review, json={"decision": "admitted"}, as_=people.staff)
    assert again.status_code == 422  # rejected -> admitted is not a move (it applies again first)
    user = User.get(User.username == "zhineng")
    [told] = Notification.select().where(Notification.user == user.id)
    assert told.event == "enterprise.rejected" and "营业执照已过期" in told.body
    assert OutboxMessage.select().where(OutboxMessage.recipient == "li@example.com").count() == 1
    # the documents of the application, for the reviewer
    docs = api.get(f"/api/v1/attachments?owner_type=core_enterprise&owner_id={ent_id}", as_=people.staff)
    assert docs.status_code == 200


def test_4_4_4_both_operations_are_documented(api):
    spec = api.get("/api/v1/openapi.json").get_json()
    apply = spec["paths"]["/api/v1/enterprises/applications"]["post"]
    assert apply["security"] == [] and {"201", "400", "422", "429"} <= set(apply["responses"])
    content = apply["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    schema = spec["components"]["schemas"]["ApplicationInput"]
    assert {"name", "credit_code", "username", "password", "documents"} <= set(schema["properties"])
    assert {"name", "credit_code", "scale", "kind", "username", "password"} <= set(schema["required"])
    review = spec["paths"]["/api/v1/enterprises/{enterprise_id}/review"]["post"]
    assert "core.enterprise.review" in review["description"] and {"200", "401", "403", "404", "422"} <= set(review["responses"])
