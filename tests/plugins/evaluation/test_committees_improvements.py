"""Evaluation committees and evaluations (DB1302 7.1) and the improvement register (7.2), through
the API."""
from __future__ import annotations

import pytest

from rongtong.plugins.evaluation.models import CommitteeMember, Evaluation, EvaluationScore, ImprovementAction
from tests.support.apiflow import Api, field_errors


@pytest.fixture
def api(client, api_token):
    return Api(client, api_token)


def patch(api, user, path, json):
    return api.client.patch(f"/api/v1/{path}", headers=api.headers(user), json=json)


@pytest.fixture
def committee(api, people):
    r = api.post(people.staff, "evaluation/committees", {"name": "服务质量评价委员会", "kind": "mixed"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_committee_members_declare_conflicts_before_scoring(api, people, committee):
    cid = committee["id"]
    internal = api.post(people.staff, f"evaluation/committees/{cid}/members",
                        {"name": "评价员", "user": people.evaluator.id, "external": False}).get_json()
    expert = api.post(people.staff, f"evaluation/committees/{cid}/members",
                      {"name": "王教授", "organisation": "河北工业大学", "external": True}).get_json()
    r = api.post(people.staff, "evaluation/evaluations", {
        "committee": cid, "title": "2026年第三季度服务评价", "methods": ["questionnaire", "symposium"],
        "scope_kind": "period", "scope_period": "2026-q3"})
    assert r.status_code == 201, r.get_json()
    ev = r.get_json()
    assert ev["scope_period"] == "2026-Q3" and ev["methods"] == ["questionnaire", "symposium"]

    score = {"member": internal["id"], "criterion": "响应及时性", "score": "86"}
    r = api.post(people.evaluator, f"evaluation/evaluations/{ev['id']}/scores", score)
    assert r.status_code == 422 and "member" in field_errors(r)  # no declaration yet
    r = api.post(people.evaluator, f"evaluation/members/{internal['id']}/declaration",
                 {"has_conflict": False, "statement": "本人与被评价对象无利益关系"})
    assert r.status_code == 200 and r.get_json()["declared_at"]
    assert api.post(people.evaluator, f"evaluation/evaluations/{ev['id']}/scores", score).status_code == 201
    # Someone else's declaration or score is not theirs to give.
    assert api.post(people.evaluator, f"evaluation/members/{expert['id']}/declaration",
                    {"has_conflict": True, "statement": "x"}).status_code == 403
    # The outside expert declares a conflict (recorded by staff): the expert may not score.
    api.post(people.staff, f"evaluation/members/{expert['id']}/declaration",
             {"has_conflict": True, "statement": "曾为被评价机构提供咨询"})
    r = api.post(people.staff, f"evaluation/evaluations/{ev['id']}/scores",
                 {"member": expert["id"], "criterion": "响应及时性", "score": "40"})
    assert r.status_code == 422 and "利益冲突" in str(r.get_json())
    assert EvaluationScore.select().count() == 1

    r = api.post(people.staff, f"evaluation/evaluations/{ev['id']}/finish", {"findings": "响应及时，材料清单不够清楚"})
    assert r.status_code == 200 and r.get_json()["status"] == "finished" and r.get_json()["score"] == "86.00"
    assert api.post(people.evaluator, f"evaluation/evaluations/{ev['id']}/finish", {"findings": "x"}).status_code == 403


def test_committee_kind_rules_and_evaluation_scope(api, people):
    internal = api.post(people.staff, "evaluation/committees", {"name": "内部委员会", "kind": "internal"}).get_json()
    r = api.post(people.staff, f"evaluation/committees/{internal['id']}/members", {"name": "外部专家", "external": True})
    assert r.status_code == 422 and "external" in field_errors(r)
    panel = api.post(people.staff, "evaluation/committees", {"name": "第三方", "kind": "third_party"}).get_json()
    r = api.post(people.staff, f"evaluation/committees/{panel['id']}/members",
                 {"name": "员工", "user": people.staff.id, "external": False})
    assert r.status_code == 422 and "external" in field_errors(r)
    assert CommitteeMember.select().count() == 0
    for body, field in (({"methods": []}, "methods"), ({"methods": ["telepathy"]}, "methods"),
                        ({"scope_kind": "service"}, "scope_service"),
                        ({"scope_kind": "period", "scope_period": "2026-Q9"}, "scope_period"),
                        ({"scope_kind": "institution"}, "scope_institution_name")):
        data = {"committee": panel["id"], "title": "评价", "methods": ["interview"], "scope_kind": "service",
                "scope_service": "sample", **body}
        if body.get("scope_kind") == "service":
            data.pop("scope_service")
        r = api.post(people.staff, "evaluation/evaluations", data)
        assert r.status_code == 422 and field in field_errors(r), (body, r.get_json())
    r = api.post(people.staff, "evaluation/evaluations", {"committee": 999, "title": "评价", "methods": ["interview"],
                                                          "scope_kind": "service", "scope_service": "sample"})
    assert r.status_code == 422 and "committee" in field_errors(r)
    assert Evaluation.select().count() == 0
    assert api.post(people.user_a, "evaluation/committees", {"name": "x", "kind": "internal"}).status_code == 403


def test_improvement_action_cannot_close_until_its_effect_is_verified(api, people):
    r = api.post(people.staff, "evaluation/improvements", {"source": "statistics", "finding": "第三季度办结及时率 82%"})
    assert r.status_code == 422 and "source_note" in field_errors(r)
    r = api.post(people.staff, "evaluation/improvements",
                 {"source": "statistics", "source_note": "监督报告 2026-Q3", "finding": "第三季度办结及时率 82%"})
    assert r.status_code == 201
    aid = r.get_json()["id"]
    assert api.post(people.staff, f"evaluation/improvements/{aid}/close").status_code == 409
    # "Do" needs a complete plan.
    r = patch(api, people.staff, f"evaluation/improvements/{aid}", {"done_note": "已调整排班"})
    assert r.status_code == 422 and {"cause_analysis", "measure", "owner", "deadline"} <= set(field_errors(r))
    r = patch(api, people.staff, f"evaluation/improvements/{aid}", {
        "cause_analysis": "受理岗人员不足", "measure": "增设受理岗", "method": "排班调整", "owner": people.head.id,
        "deadline": "2026-12-31"})
    assert r.status_code == 200 and r.get_json()["stage"] == "plan"
    r = patch(api, people.staff, f"evaluation/improvements/{aid}", {"done_note": "已增设一名受理人员"})
    assert r.get_json()["stage"] == "do"
    assert api.post(people.staff, f"evaluation/improvements/{aid}/close").status_code == 409
    # An ineffective check sends it back to planning; still cannot close.
    r = api.post(people.staff, f"evaluation/improvements/{aid}/verify", {"verification": "及时率 83%", "effective": False})
    assert r.status_code == 200 and r.get_json()["stage"] == "plan"
    assert api.post(people.staff, f"evaluation/improvements/{aid}/close").status_code == 409
    patch(api, people.staff, f"evaluation/improvements/{aid}", {"done_note": "增加时限提醒"})
    api.post(people.staff, f"evaluation/improvements/{aid}/verify", {"verification": "及时率 96%", "effective": True})
    r = api.post(people.staff, f"evaluation/improvements/{aid}/close")
    assert r.status_code == 200 and r.get_json()["stage"] == "closed" and r.get_json()["closed_at"]
    assert api.get(people.user_a, "evaluation/improvements").status_code == 403


def test_closing_unverified_is_refused_on_any_screen(platform, people):
    from rongtong.core.errors import ValidationFailed

    action = ImprovementAction.create(source="other", finding="x")
    action.stage = "closed"
    with pytest.raises(ValidationFailed):
        action.save()
    assert ImprovementAction.get_by_id(action.id).stage == "plan"


def test_the_registers_list_what_was_recorded(api, people, committee):
    """GET on the committee, member, evaluation and improvement registers lists the records (DB1302
    7.1, 7.2), each as the single-record resource shows it."""
    cid = committee["id"]
    member = api.post(people.staff, f"evaluation/committees/{cid}/members",
                      {"name": "王教授", "organisation": "河北工业大学", "external": True}).get_json()
    evaluation = api.post(people.staff, "evaluation/evaluations", {
        "committee": cid, "title": "季度服务评价", "methods": ["questionnaire"], "scope_kind": "period",
        "scope_period": "2026-Q3"}).get_json()
    action = api.post(people.staff, "evaluation/improvements", {"source": "statistics", "source_note": "监督报告",
                                                                 "finding": "受理超时"}).get_json()
    assert api.get(people.staff, "evaluation/committees").get_json() == [committee]
    assert api.get(people.staff, f"evaluation/committees/{cid}/members").get_json() == [member]
    assert api.get(people.staff, "evaluation/evaluations").get_json() == [evaluation]
    assert api.get(people.staff, "evaluation/improvements").get_json() == [action]
