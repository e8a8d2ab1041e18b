"""Walking a workflow through the API (issue 3 §3): the sample plugin's v2 workflow
accept (staff, need) -> deliver (staff/expert, deliverable + hours) -> evaluate (enterprise,
score 1-5) -> completed. Right roles move it; wrong roles are refused and write nothing
(DB1302 6.3 the business process; 5.4.1 clocks)."""
from __future__ import annotations

from rongtong.core.models import AuditEvent, ServiceRequest, Transition


def _file(api, user):
    response = api.post("/api/v1/requests", {"service_key": "sample", "title": "技术咨询"}, as_=user)
    assert response.status_code == 201
    return response.get_json()["id"]


def _move(api, request_id, user, outcome, version, **body):
    return api.post(f"/api/v1/requests/{request_id}/transitions", {"outcome": outcome, "version": version, **body},
                    as_=user)


def _state(request_id):
    req = ServiceRequest.get_by_id(request_id)
    return req.current_step, req.status, req.version, Transition.select().where(Transition.request == request_id).count()


def test_walk_the_sample_workflow_end_to_end(api, people):
    rid = _file(api, people.user_a)

    # accept: staff only. The enterprise may see the request but not act on this step.
    history = api.get(f"/api/v1/requests/{rid}/transitions", as_=people.user_a).get_json()
    assert [a["outcome"] for a in history["actions"]] == ["withdraw"]
    refused = _move(api, rid, people.user_a, "advance", 1, data={"need": "x"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert _move(api, rid, people.expert, "advance", 1, data={"need": "x"}).status_code == 404  # not assigned
    assert _state(rid) == ("accept", "open", 1, 1)

    staff_view = api.get(f"/api/v1/requests/{rid}/transitions", as_=people.staff).get_json()
    advance = next(a for a in staff_view["actions"] if a["outcome"] == "advance")
    assert advance["targets"] == ["deliver"] and advance["fields"] == ["need"]
    moved = _move(api, rid, people.staff, "advance", 1, data={"need": "工艺改进"}, assignee_id=people.expert.id)
    assert moved.status_code == 201, moved.get_json()
    body = moved.get_json()
    assert body["transition"]["outcome"] == "advance" and body["transition"]["to_step"] == "deliver"
    assert body["transition"]["data"] == {"need": "工艺改进"} and body["transition"]["actor"]["id"] == people.staff.id
    assert body["request"]["version"] == 2 and body["request"]["assignee_id"] == people.expert.id

    # deliver: the assigned expert acts; the enterprise cannot.
    assert _move(api, rid, people.user_a, "advance", 2, data={"deliverable": "报告", "hours": 3}).status_code == 403
    moved = _move(api, rid, people.expert, "advance", 2, data={"deliverable": "改进报告", "hours": 12})
    assert moved.status_code == 201, moved.get_json()

    # evaluate: only the enterprise that filed it; staff are refused, B's user does not see it.
    assert _move(api, rid, people.staff, "complete", 3, data={"score": 5}).status_code == 403
    assert _move(api, rid, people.user_b, "complete", 3, data={"score": 5}).status_code == 404
    view = api.get(f"/api/v1/requests/{rid}/transitions", as_=people.user_a).get_json()
    assert [a["outcome"] for a in view["actions"]] == ["complete", "withdraw"]
    done = _move(api, rid, people.user_a, "complete", 3, data={"score": 5})
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["request"]["status"] == "completed" and done.get_json()["request"]["actions"] == []

    history = api.get(f"/api/v1/requests/{rid}/transitions", as_=people.staff).get_json()
    assert [(t["outcome"], t["to_step"]) for t in history["transitions"]] == [
        ("open", "accept"), ("advance", "deliver"), ("advance", "evaluate"), ("complete", "evaluate")]
    assert history["actions"] == [] and history["status"] == "completed"
    assert AuditEvent.select().where((AuditEvent.action == "transition")
                                     & (AuditEvent.object_id == str(rid))).count() == 3
    # A closed request moves no more: 409, nothing written.
    again = _move(api, rid, people.admin, "reject", 4, reason="late")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"
    assert _state(rid) == ("evaluate", "completed", 4, 4)


def test_invalid_step_data_is_422_and_writes_nothing(api, people):
    rid = _file(api, people.user_a)
    assert _move(api, rid, people.staff, "advance", 1, data={"need": "x"}).status_code == 201
    before = _state(rid)
    audit_before = AuditEvent.select().count()
    cases = [
        ({}, {"deliverable", "hours"}),
        ({"deliverable": "", "hours": 1}, {"deliverable"}),
        ({"deliverable": "r", "hours": -1}, {"hours"}),
        ({"deliverable": "r", "hours": "many"}, {"hours"}),
        ({"deliverable": "r", "hours": 1, "cost": 5}, {"cost"}),
        ({"deliverable": ["r"], "hours": 1}, {"deliverable"}),
    ]
    for data, fields in cases:
        response = _move(api, rid, people.staff, "advance", 2, data=data)
        assert response.status_code == 422, (data, response.get_json())
        error = response.get_json()["error"]
        assert set(error["fields"]["data"]) == fields, (data, error)
        assert all(isinstance(m, str) and m for ms in error["fields"]["data"].values() for m in ms)
    assert _state(rid) == before
    assert AuditEvent.select().count() == audit_before


def test_reason_target_and_outcome_errors(api, people):
    rid = _file(api, people.user_a)
    before = _state(rid)
    reject = _move(api, rid, people.staff, "reject", 1)
    assert reject.status_code == 422 and "reason" in reject.get_json()["error"]["fields"]
    unknown = _move(api, rid, people.staff, "teleport", 1)
    assert unknown.status_code == 422 and "outcome" in unknown.get_json()["error"]["fields"]
    target = _move(api, rid, people.staff, "advance", 1, data={"need": "x"}, target="evaluate")
    assert target.status_code == 422 and "target" in target.get_json()["error"]["fields"]
    no_version = api.post(f"/api/v1/requests/{rid}/transitions", {"outcome": "reject", "reason": "r"}, as_=people.staff)
    assert no_version.status_code == 422 and "version" in no_version.get_json()["error"]["fields"]
    assignee = _move(api, rid, people.staff, "advance", 1, data={"need": "x"}, assignee_id=999999)
    assert assignee.status_code == 422 and "assignee_id" in assignee.get_json()["error"]["fields"]
    by_enterprise = _move(api, rid, people.user_a, "withdraw", 1, reason="r", assignee_id=people.staff.id)
    assert by_enterprise.status_code == 403
    assert _state(rid) == before


def test_return_pause_resume_withdraw(api, people):
    rid = _file(api, people.user_a)
    assert _move(api, rid, people.staff, "advance", 1, data={"need": "x"}).status_code == 201
    back = _move(api, rid, people.staff, "return", 2, reason="需求不清")
    assert back.status_code == 201 and back.get_json()["request"]["current_step"] == "accept"
    assert _move(api, rid, people.staff, "pause", 3, reason="等待材料").get_json()["request"]["status"] == "paused"
    # The enterprise supplies its materials and resumes (DB1302 5.4.1: paused time is not counted).
    resumed = _move(api, rid, people.user_a, "resume", 4)
    assert resumed.status_code == 201 and resumed.get_json()["request"]["status"] == "open"
    withdrawn = _move(api, rid, people.user_a, "withdraw", 5, reason="不再需要")
    assert withdrawn.get_json()["request"]["status"] == "withdrawn"


def test_stale_version_is_409_and_writes_nothing(api, people):
    rid = _file(api, people.user_a)
    first = _move(api, rid, people.staff, "advance", 1, data={"need": "x"})
    assert first.status_code == 201
    before = _state(rid)
    second = _move(api, rid, people.head, "advance", 1, data={"need": "y"})  # saw version 1, it is 2 now
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "conflict"
    assert _state(rid) == before
    ahead = _move(api, rid, people.staff, "reject", 99, reason="r")
    assert ahead.status_code == 409
    assert _state(rid) == before
