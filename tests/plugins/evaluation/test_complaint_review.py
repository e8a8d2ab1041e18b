"""The review (复核) of a complaint the complainant did not accept (DB1302 5.4.2, 7.1).

A "not accepted" verdict cannot go to closing: the engine refuses the branch, whoever records the
verdict. The review is assigned, on entry, to an evaluator of the evaluation committee who did not
handle the case; that reviewer is told, can open the case and record the review, and the handlers
cannot. An accepted verdict closes."""
from __future__ import annotations

import pytest

from rongtong.core.models import Notification, ServiceRequest, Transition
from rongtong.plugins.evaluation import committees
from rongtong.plugins.evaluation.models import Complaint
from tests.factories import user
from tests.plugins.evaluation.conftest import complete_sample, open_sample
from tests.support.apiflow import Api, field_errors


@pytest.fixture
def api(client, api_token):
    return Api(client, api_token)


@pytest.fixture
def concerned(platform, people):
    return complete_sample(platform, people, open_sample(platform, people))


def seat(*users, name="服务质量评价委员会", conflicted=()):
    """An active evaluation committee with ``users`` as members (DB1302 7.1)."""
    committee = committees.create_committee({"name": name, "kind": "internal"})
    for member in users:
        row = committees.add_member(committee, {"name": str(member), "user": member.id})
        committees.declare(row, member in conflicted, "声明")
    return committee


def at_verdict(api, people, concerned, handler=None) -> int:
    """A complaint walked to the complainant's verdict, every step by ``handler`` (staff)."""
    handler = handler or people.staff
    case = api.file(people.user_a, "complaint", title="投诉：报告延误",
                    data={"channel": "online", "description": "检测报告延误两周", "concerns_request": concerned.id})
    for data in ({"note": "已登记"}, {"substantiated": False, "findings": "按期办结"},
                 {"measures": "无需整改"}, {"response": "经核实按期办结"}):
        api.advance(handler, case["id"], data)
    assert ServiceRequest.get_by_id(case["id"]).current_step == "verdict"
    return case["id"]


def verdict(api, actor, cid, given, target, **extra):
    return api.post(actor, f"requests/{cid}/transitions",
                    {"outcome": "advance", "target": target, "version": ServiceRequest.get_by_id(cid).version,
                     "data": {"verdict": given, **extra}})


def test_5_4_2_not_accepted_goes_to_review(api, people, concerned):
    # DB1302 5.4.2: a complaint the complainant does not accept is reviewed, never closed directly,
    # whether the enterprise or staff records the verdict.
    seat(people.evaluator)
    cid = at_verdict(api, people, concerned)
    before = Transition.select().where(Transition.request == cid).count()
    for actor in (people.user_a, people.staff):
        r = verdict(api, actor, cid, "not_accepted", "close")
        assert r.status_code == 422 and "target" in field_errors(r), r.get_json()
    case = ServiceRequest.get_by_id(cid)
    assert case.current_step == "verdict" and Transition.select().where(Transition.request == cid).count() == before
    assert Complaint.get(Complaint.case == cid).verdict is None

    r = verdict(api, people.user_a, cid, "not_accepted", "appeal")
    assert r.status_code == 201, r.get_json()
    assert ServiceRequest.get_by_id(cid).current_step == "appeal"
    assert Complaint.get(Complaint.case == cid).appealed is True


def test_5_4_2_accepted_verdict_closes(api, people, concerned):
    # DB1302 5.4.2: an accepted verdict goes to closing, not to the review.
    cid = at_verdict(api, people, concerned)
    r = verdict(api, people.user_a, cid, "accepted", "appeal")
    assert r.status_code == 422 and "target" in field_errors(r)
    assert verdict(api, people.user_a, cid, "accepted", "close").status_code == 201
    assert ServiceRequest.get_by_id(cid).current_step == "close"


def test_7_1_review_is_assigned_to_a_committee_evaluator_who_is_told(api, client, login, people, concerned):
    # DB1302 7.1, 5.4.2: the evaluation committee reviews: one of its evaluators, not the handler,
    # gets the case, is told, opens it and records the review; the handler cannot.
    seat(people.evaluator)
    cid = at_verdict(api, people, concerned)
    assert verdict(api, people.user_a, cid, "not_accepted", "appeal").status_code == 201
    case = ServiceRequest.get_by_id(cid)
    assert case.assignee_id == people.evaluator.id
    told = Notification.select().where((Notification.user == people.evaluator.id) & (Notification.request_id == cid))
    assert [n.event for n in told] == ["complaint.review"]
    assert f"/admin/core/request/{cid}/" == told.get().link and "复核" in told.get().subject

    assert api.get(people.evaluator, f"requests/{cid}").status_code == 200
    login(client, people.evaluator)  # the notice's link opens the case for the reviewer
    page = client.get(told.get().link)
    assert page.status_code == 200 and "评价委员会复核" in page.get_data(as_text=True)
    assert api.act(people.staff, cid, "advance", {"decision": "自己复核", "upheld": False}).status_code == 403
    api.advance(people.evaluator, cid, {"decision": "维持原处理意见", "upheld": False})
    assert Complaint.get(Complaint.case == cid).appeal_decision == "维持原处理意见"
    done = api.advance(people.staff, cid, {"summary": "复核后办结"}, outcome="complete")
    assert done["request"]["status"] == "completed"


def test_7_1_the_handler_never_reviews(api, platform, people, concerned):
    # DB1302 7.1: a committee member who handled the case is passed over for another one, and a
    # handler who holds the review's role (here: an administrator) is refused the review.
    both = user("both", ["staff", "evaluator"])
    other = user("evaluator2", ["evaluator"])
    seat(both, other)
    cid = at_verdict(api, people, concerned, handler=both)
    assert verdict(api, people.user_a, cid, "not_accepted", "appeal").status_code == 201
    assert ServiceRequest.get_by_id(cid).assignee_id == other.id

    cid = at_verdict(api, people, concerned, handler=people.admin)
    assert verdict(api, people.user_a, cid, "not_accepted", "appeal").status_code == 201
    r = api.act(people.admin, cid, "advance", {"decision": "维持", "upheld": False})
    assert r.status_code == 403, r.get_json()
    assert ServiceRequest.get_by_id(cid).current_step == "appeal"


def test_7_1_a_conflicted_or_busy_member_is_passed_over_and_staff_may_choose(api, platform, people, concerned):
    # DB1302 7.1: a member who declared a conflict of interest does not review; the member with
    # fewer reviews open gets the next one; staff recording the verdict may name the reviewer.
    second = user("evaluator2", ["evaluator"])
    third = user("evaluator3", ["evaluator"])
    seat(people.evaluator, second, third, conflicted=(third,))
    first_case = at_verdict(api, people, concerned)
    assert verdict(api, people.user_a, first_case, "not_accepted", "appeal").status_code == 201
    assert ServiceRequest.get_by_id(first_case).assignee_id == people.evaluator.id
    next_case = at_verdict(api, people, concerned)
    assert verdict(api, people.user_a, next_case, "not_accepted", "appeal").status_code == 201
    assert ServiceRequest.get_by_id(next_case).assignee_id == second.id

    chosen = at_verdict(api, people, concerned)
    r = api.post(people.staff, f"requests/{chosen}/transitions",
                 {"outcome": "advance", "target": "appeal", "version": ServiceRequest.get_by_id(chosen).version,
                  "assignee_id": people.evaluator.id, "data": {"verdict": "not_accepted"}})
    assert r.status_code == 201, r.get_json()
    assert ServiceRequest.get_by_id(chosen).assignee_id == people.evaluator.id


def test_7_1_without_a_committee_an_evaluator_reviews_else_the_managers_are_told(api, platform, people, concerned):
    # DB1302 7.1: no committee seated yet: any evaluator who did not handle the case reviews; with
    # no evaluator at all the verdict is still recorded and whoever manages the committees is told.
    cid = at_verdict(api, people, concerned)
    assert verdict(api, people.user_a, cid, "not_accepted", "appeal").status_code == 201
    assert ServiceRequest.get_by_id(cid).assignee_id == people.evaluator.id

    people.evaluator.active = False
    people.evaluator.save()
    cid = at_verdict(api, people, concerned)
    assert verdict(api, people.user_a, cid, "not_accepted", "appeal").status_code == 201
    case = ServiceRequest.get_by_id(cid)
    assert case.current_step == "appeal" and case.assignee_id != people.evaluator.id
    told = {n.user_id for n in Notification.select().where((Notification.event == "complaint.review_unassigned")
                                                            & (Notification.request_id == cid))}
    assert {people.staff.id, people.head.id} <= told and people.user_a.id not in told


def test_5_4_2_published_limit_covers_the_review(api, platform, people, concerned):
    # DB1302 5.4.2, 5.4.1: the promise and the clock agree -- the published limit covers the
    # longest path (through the review), and a case in review is not due before its review step.
    wf = platform.registry.workflow("complaint")
    through_review = ("receive", "verify", "rectify", "respond", "verdict", "appeal", "close")
    assert platform.engine.service_limit("complaint", wf) >= sum(wf.step(k).time_limit_days for k in through_review)
    seat(people.evaluator)
    cid = at_verdict(api, people, concerned)
    assert verdict(api, people.user_a, cid, "not_accepted", "appeal").status_code == 201
    case = ServiceRequest.get_by_id(cid)
    assert case.due_at >= case.step_due_at
