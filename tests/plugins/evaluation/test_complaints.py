"""Complaints (DB1302 5.4.2) walked end to end through the generic request API: receive → verify →
rectify → respond → the complainant's verdict → (appeal to the committee) → close."""
from __future__ import annotations

import pytest

from rongtong.core.models import AuditEvent, ServiceRequest, Transition
from rongtong.plugins.evaluation.models import Complaint, ImprovementAction
from tests.plugins.evaluation.conftest import complete_sample, open_sample
from tests.support.apiflow import Api, field_errors


@pytest.fixture
def api(client, api_token):
    return Api(client, api_token)


@pytest.fixture
def concerned(platform, people):
    return complete_sample(platform, people, open_sample(platform, people))


def file_complaint(api, people, concerned, **extra):
    data = {"channel": "online", "description": "检测报告延误两周", "concerns_request": concerned.id, **extra}
    return api.file(people.user_a, "complaint", title="投诉：报告延误", data=data)


def test_complaint_end_to_end_with_the_complainants_verdict(api, people, concerned):
    case = file_complaint(api, people, concerned)
    complaint = Complaint.get(Complaint.case == case["id"])
    assert complaint.concerns_request_id == concerned.id and complaint.channel == "online"
    assert complaint.enterprise_id == people.ent_a.id

    api.advance(people.staff, case["id"], {"note": "已登记"})
    api.advance(people.staff, case["id"], {"substantiated": True, "findings": "确有延误"})
    api.advance(people.staff, case["id"], {"measures": "增加检测人员", "deadline": "2030-01-31"})
    api.advance(people.staff, case["id"], {"response": "已整改并致歉"})
    # The complainant gives the verdict, and closes nothing themselves: staff close.
    r = api.post(people.user_a, f"requests/{case['id']}/transitions",
                 {"outcome": "advance", "target": "close", "version": ServiceRequest.get_by_id(case["id"]).version,
                  "data": {"verdict": "accepted"}})
    assert r.status_code == 201, r.get_json()
    assert api.act(people.user_a, case["id"], "complete", {"summary": "x"}).status_code == 403
    done = api.advance(people.staff, case["id"], {"summary": "投诉办结"}, outcome="complete")
    assert done["request"]["status"] == "completed"

    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.substantiated is True and complaint.findings == "确有延误"
    assert str(complaint.rectify_deadline) == "2030-01-31" and complaint.response == "已整改并致歉"
    assert complaint.verdict == "accepted" and complaint.closed_at is not None
    # A substantiated complaint becomes an improvement action (DB1302 7.2).
    action = ImprovementAction.get(ImprovementAction.complaint == complaint.id)
    assert action.source == "complaint" and action.stage == "plan"
    assert action.owner_id == people.head.id  # head of the department that served the request
    # The enterprise sees its complaint record; the other enterprise does not.
    assert api.get(people.user_a, f"evaluation/complaints/{complaint.id}").get_json()["verdict"] == "accepted"
    assert api.get(people.user_b, f"evaluation/complaints/{complaint.id}").status_code == 404
    assert AuditEvent.select().where((AuditEvent.object_type == "evaluation_complaint")
                                     & (AuditEvent.object_id == str(complaint.id))).count() >= 5


def test_unsubstantiated_then_explained_then_appeal_to_the_committee(api, people, concerned):
    case = file_complaint(api, people, concerned)
    cid = case["id"]
    api.advance(people.staff, cid, {"note": "已登记"})
    api.advance(people.staff, cid, {"substantiated": False, "findings": "按期办结，无延误"})
    # Not substantiated: nothing to rectify, so no deadline is needed.
    api.advance(people.staff, cid, {"measures": "无需整改，已向企业说明办理过程"})
    assert Complaint.get(Complaint.case == cid).rectify_deadline is None
    api.advance(people.staff, cid, {"response": "经核实按期办结"})
    # Appeal is only for a complainant who does not accept the response.
    version = ServiceRequest.get_by_id(cid).version
    r = api.post(people.user_a, f"requests/{cid}/transitions",
                 {"outcome": "advance", "target": "appeal", "version": version, "data": {"verdict": "accepted"}})
    assert r.status_code == 422 and "target" in field_errors(r)
    # The enterprise cannot pretend it gave no verdict.
    r = api.post(people.user_a, f"requests/{cid}/transitions",
                 {"outcome": "advance", "target": "close", "version": version,
                  "data": {"verdict": "explained", "explanation": "x"}})
    assert r.status_code == 422 and "verdict" in field_errors(r)
    r = api.post(people.user_a, f"requests/{cid}/transitions",
                 {"outcome": "advance", "target": "appeal", "version": version, "data": {"verdict": "not_accepted"}})
    assert r.status_code == 201, r.get_json()
    # The review is the evaluator's (DB1302 7.1; tests/plugins/evaluation/test_complaint_review.py).
    assert ServiceRequest.get_by_id(cid).assignee_id == people.evaluator.id
    api.advance(people.evaluator, cid, {"decision": "维持原处理意见", "upheld": False})
    api.advance(people.staff, cid, {"summary": "复核后办结"}, outcome="complete")
    complaint = Complaint.get(Complaint.case == cid)
    assert complaint.appealed and complaint.appeal_decision == "维持原处理意见" and complaint.verdict == "not_accepted"
    assert complaint.closed_at is not None
    assert ImprovementAction.select().count() == 0  # not substantiated


def test_staff_record_an_explanation_when_the_complainant_gives_no_verdict(api, people, concerned):
    cid = file_complaint(api, people, concerned)["id"]
    api.advance(people.staff, cid, {"note": "电话登记"})
    api.advance(people.staff, cid, {"substantiated": False, "findings": "无"})
    api.advance(people.staff, cid, {"measures": "无需整改"})
    api.advance(people.staff, cid, {"response": "已答复"})
    version = ServiceRequest.get_by_id(cid).version
    r = api.post(people.staff, f"requests/{cid}/transitions",
                 {"outcome": "advance", "target": "close", "version": version, "data": {"verdict": "explained"}})
    assert r.status_code == 422 and "explanation" in field_errors(r)
    r = api.post(people.staff, f"requests/{cid}/transitions",
                 {"outcome": "advance", "target": "close", "version": version,
                  "data": {"verdict": "explained", "explanation": "三次电话未接通，已短信告知"}})
    assert r.status_code == 201
    assert Complaint.get(Complaint.case == cid).explanation == "三次电话未接通，已短信告知"


def test_wrong_roles_are_refused(api, people, concerned):
    cid = file_complaint(api, people, concerned)["id"]
    assert api.act(people.user_a, cid, "advance", {"note": "自己受理"}).status_code == 403  # enterprise cannot receive
    assert api.act(people.user_b, cid, "advance", {"note": "x"}).status_code == 404  # not even visible
    assert api.act(people.expert, cid, "advance", {"note": "x"}).status_code in (403, 404)
    assert ServiceRequest.get_by_id(cid).current_step == "receive"


def test_invalid_step_data_is_refused_with_field_errors_and_nothing_written(api, people, concerned):
    cid = file_complaint(api, people, concerned)["id"]
    api.advance(people.staff, cid, {"note": "已登记"})
    api.advance(people.staff, cid, {"substantiated": True, "findings": "属实"})
    before = Transition.select().count()
    r = api.act(people.staff, cid, "advance", {"measures": ""})
    assert r.status_code == 422 and "measures" in field_errors(r)
    r = api.act(people.staff, cid, "advance", {"measures": "整改"})  # substantiated: a deadline is required
    assert r.status_code == 422 and "deadline" in field_errors(r)
    r = api.act(people.staff, cid, "advance", {"measures": "整改", "deadline": "2020-01-01"})
    assert r.status_code == 422 and "deadline" in field_errors(r)
    assert Transition.select().count() == before
    assert ServiceRequest.get_by_id(cid).current_step == "rectify"
    assert Complaint.get(Complaint.case == cid).rectify_deadline is None


def test_a_complaint_about_another_enterprises_request_is_refused(api, people, platform):
    other = open_sample(platform, people, enterprise=people.ent_b, actor=people.user_b)
    r = api.post(people.user_a, "requests", {"service_key": "complaint", "title": "投诉",
                                             "data": {"channel": "online", "description": "x",
                                                      "concerns_request": other.id}})
    assert r.status_code == 422 and "concerns_request" in str(r.get_json()["error"]["fields"])
    assert Complaint.select().count() == 0
    assert not ServiceRequest.select().where(ServiceRequest.service_key == "complaint").exists()


def test_missing_description_is_refused(api, people):
    r = api.post(people.user_a, "requests", {"service_key": "complaint", "title": "投诉", "data": {"channel": "phone"}})
    assert r.status_code == 422 and "description" in str(r.get_json()["error"]["fields"])
    assert Complaint.select().count() == 0


def test_the_requests_own_description_is_the_complaint(api, people):
    r = api.post(people.user_a, "requests", {"service_key": "complaint", "title": "投诉", "description": "专员态度差"})
    assert r.status_code == 201, r.get_json()
    assert Complaint.get().description == "专员态度差" and Complaint.get().channel == "online"
