"""The case file through the REST API (issue 9 §2, §5 "the same walk through the API"; DB1302
6.4.1.2 c records of every service, 5.4.1 paused time): the enterprise's token reads each step's
evidence and the thread, never an internal note; it answers a pause with a file and resumes, and
corrects what it filed after a return. Errors are the standard ``{"error": ...}`` with a 4xx."""
from __future__ import annotations

import io

import pytest

from rongtong.core.models import Attachment, RequestMessage, ServiceRequest
from tests.core.test_casefile import require_materials

BASE = "/api/v1/requests"


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=("information",), attachments={"max_bytes": 1000, "allowed_extensions": ["pdf", "txt"]})


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def error(response, status):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["message"]
    return body["error"]


def step(api, user, rid, outcome, **kw):
    version = ok(api.get(f"{BASE}/{rid}", as_=user))["version"]
    return api.post(f"{BASE}/{rid}/transitions", {"outcome": outcome, "version": version, **kw}, as_=user)


def multipart(api, path, user, fields, files):
    data = dict(fields)
    data["file"] = [(io.BytesIO(content), name) for name, content in files]
    return api.post(path, as_=user, data=data, content_type="multipart/form-data")


def test_consultation_walk_through_the_api(api, people, platform):
    require_materials(platform)
    filed = ok(api.post(BASE, {"service_key": "information.consultation", "title": "专精特新认定",
                               "data": {"channel": "online", "category": "policy", "question": "我公司能否申请专精特新？"}},
                        as_=people.user_a), 201)
    rid = filed["id"]
    ServiceRequest.update(assignee=people.staff.id).where(ServiceRequest.id == rid).execute()
    staff_view = ok(api.get(f"{BASE}/{rid}", as_=people.staff))
    assert {e["name"]: e["text"] for e in staff_view["intake"]}["question"] == "我公司能否申请专精特新？"
    assert [e["label"] for e in staff_view["intake"]][-1] == "咨询问题"

    ok(step(api, people.staff, rid, "pause", reason="请补充营业执照"), 201)
    ok(multipart(api, f"{BASE}/{rid}/messages", people.staff, {"body": "需核实去年的省级认定", "internal": "true"},
                 [("核查.txt", b"internal")]), 201)
    mine = ok(api.get(f"{BASE}/{rid}", as_=people.user_a))
    assert mine["status"] == "paused" and mine["materials_required"]
    paused = [e for e in mine["timeline"] if e["kind"] == "transition"][-1]
    assert paused["outcome"] == "pause" and paused["reason"] == "请补充营业执照" and paused["materials_required"]
    assert all(e["kind"] != "message" for e in mine["timeline"])  # the internal note is not there
    assert ok(api.get(f"{BASE}/{rid}/messages", as_=people.user_a)) == []
    secret = Attachment.get(Attachment.filename == "核查.txt")
    error(api.get(f"/api/v1/attachments/{secret.id}/download", as_=people.user_a), 404)
    listed = ok(api.get(f"/api/v1/attachments?owner_type=core_servicerequest&owner_id={rid}", as_=people.user_a))
    assert listed == []

    # without the asked-for material: 422 naming the file, nothing written, still paused
    assert "file" in error(api.post(f"{BASE}/{rid}/reply", {"body": "稍后提供"}, as_=people.user_a), 422)["fields"]
    assert ServiceRequest.get_by_id(rid).status == "paused" and RequestMessage.select().count() == 1  # the note
    result = ok(multipart(api, f"{BASE}/{rid}/reply", people.user_a, {"body": "营业执照见附件", "version": str(mine["version"])},
                          [("营业执照.pdf", b"%PDF licence")]), 201)
    assert result["message"]["kind"] == "materials" and result["message"]["side"] == "enterprise"
    assert [a["filename"] for a in result["message"]["attachments"]] == ["营业执照.pdf"]
    assert result["request"]["status"] == "open"

    seen_by_staff = ok(api.get(f"{BASE}/{rid}/messages", as_=people.staff))
    assert [(m["kind"], m["internal"]) for m in seen_by_staff] == [("note", True), ("materials", False)]
    ok(step(api, people.staff, rid, "advance", data={"category": "policy"}), 201)
    answer = "贵公司可申请专精特新企业认定，材料清单见附件。"
    ok(step(api, people.staff, rid, "advance", data={"answer": answer}), 201)

    mine = ok(api.get(f"{BASE}/{rid}", as_=people.user_a))
    answered = [e for e in mine["timeline"] if e["kind"] == "transition" and e["from_step"] == "answer"][-1]
    assert answered["evidence"] == [{"name": "answer", "label": "答复内容", "value": answer, "text": answer}]
    assert [e["kind"] for e in mine["timeline"]].count("message") == 1  # the materials, not the note
    ok(step(api, people.user_a, rid, "complete", data={"satisfaction": "satisfied", "comment": "解答清楚"}), 201)
    closed = ok(api.get(f"{BASE}/{rid}", as_=people.user_a))
    assert closed["status"] == "completed"
    rating = [e for e in closed["timeline"] if e["kind"] == "transition"][-1]
    assert {e["name"]: e["value"] for e in rating["evidence"]} == {"satisfaction": "satisfied", "comment": "解答清楚"}
    assert [e["label"] for e in rating["evidence"]] == ["满意度", "意见"]


def file_consultation(platform, people, enterprise=None, user=None):
    return platform.engine.open_request(enterprise=enterprise or people.ent_a, service_key="information.consultation",
                                        actor=user or people.user_a, title="咨询",
                                        data={"question": "能否申请？"}, assignee=people.staff)


def test_message_errors_are_4xx_naming_the_field_and_write_nothing(api, people, platform):
    req = file_consultation(platform, people)
    path = f"{BASE}/{req.id}/messages"
    error(api.post(path, {"body": "你好"}, as_=people.user_b), 404)  # someone else's request
    assert "internal" in error(api.post(path, {"body": "x", "internal": True}, as_=people.user_a), 403)["fields"]
    assert "body" in error(api.post(path, {"body": ""}, as_=people.user_a), 422)["fields"]
    refused = error(multipart(api, path, people.user_a, {"body": "见附件"}, [("a.pdf", b"ok"), ("tool.exe", b"MZ")]), 422)
    assert "tool.exe" in refused["fields"]["file"][0]
    too_big = error(multipart(api, path, people.user_a, {"body": "见附件"}, [("big.pdf", b"x" * 1001)]), 422)
    assert "big.pdf" in too_big["fields"]["file"][0]
    assert RequestMessage.select().count() == 0 and Attachment.select().count() == 0
    sent = ok(api.post(path, {"body": "请问进度？"}, as_=people.user_a), 201)
    assert sent["side"] == "enterprise" and sent["attachments"] == []


def test_resubmit_through_the_api(api, people, platform):
    req = file_consultation(platform, people)
    path = f"{BASE}/{req.id}/resubmit"
    assert error(api.post(path, {"data": {"question": "x"}, "body": "改"}, as_=people.user_a), 409)
    platform.engine.transition(req.id, "advance", people.staff, data={"category": "policy"})
    platform.engine.transition(req.id, "return", people.staff, reason="请说明企业规模", target="accept")
    bad = error(api.post(path, {"data": {"category": "bogus"}, "body": "改"}, as_=people.user_a), 422)
    assert "category" in bad["fields"]["data"]
    error(api.post(path, {"data": {"question": "x"}, "body": "改"}, as_=people.staff), 403)
    done = ok(api.post(path, {"data": {"question": "我公司50人，能否申请？"}, "body": "已补充规模"}, as_=people.user_a))
    assert {e["name"]: e["value"] for e in done["request"]["intake"]}["question"] == "我公司50人，能否申请？"
    assert done["message"]["body"] == "已补充规模"


def test_openapi_documents_the_case_file(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/requests/{request_id}/messages"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert "/api/v1/requests/{request_id}/reply" in spec["paths"]
    assert "/api/v1/requests/{request_id}/resubmit" in spec["paths"]
    detail = spec["components"]["schemas"]["RequestCase"]["properties"]
    assert {"timeline", "intake", "materials_required"} <= set(detail)
