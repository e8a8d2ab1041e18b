"""Promotion plugin: DB1302 6.2.5, 6.4.5 a–g."""
import datetime

import pytest

from rongtong.core.models import Notification, ServiceRequest, Transition
from rongtong.plugins.promotion.models import (MODELS, Activity, AnnualPlan, NegotiationFollowUp, PlannedActivity,
                                      QualityEnterprise, Registration)
from rongtong.plugins.promotion.workflows import WORKFLOW
from tests.support.apiflow import Api, field_errors, visit_admin


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=["promotion"])


@pytest.fixture
def api(client, api_token):
    return Api(client, api_token)


def test_migrations_equal_models(platform):
    from playhouse.schema_diff import diff_models

    assert not diff_models(platform.db, MODELS)


def test_database_and_annual_plan(api, people):
    """DB1302 6.4.5 a (quality-enterprise database) and b (annual plan by month within the budget)."""
    qe = {"enterprise": people.ent_a.id, "criteria": ["specialised"], "profile": "骨干企业",
          "selected_on": "2026-03-01", "products": [{"name": "数控机床", "category": "装备"}]}
    assert api.post(people.user_a, "promotion/quality-enterprises", qe).status_code == 403
    r = api.post(people.staff, "promotion/quality-enterprises", {**qe, "criteria": ["cheap"], "enterprise": 999})
    assert r.status_code == 422 and {"criteria", "enterprise"} <= set(field_errors(r))
    r = api.post(people.staff, "promotion/quality-enterprises", qe)
    assert r.status_code == 201 and r.get_json()["products"][0]["name"] == "数控机床"
    assert api.post(people.staff, "promotion/quality-enterprises", qe).status_code == 422  # once per enterprise

    plan = {"year": 2026, "title": "年度计划", "budget": "30",
            "activities": [{"month": 5, "kind": "trade_talk", "title": "对接会", "budget": "12"},
                           {"month": 10, "kind": "exhibition", "title": "展会", "budget": "20"}]}
    r = api.post(people.staff, "promotion/plans", plan)
    assert r.status_code == 422 and "activities" in field_errors(r)
    assert AnnualPlan.select().count() == 0 and PlannedActivity.select().count() == 0
    r = api.post(people.staff, "promotion/plans", {**plan, "budget": "40"})
    assert r.status_code == 201
    months = {m["month"]: m["activities"] for m in api.get(people.staff, "promotion/plans/2026").get_json()["months"]}
    assert [a["title"] for a in months[5]] == ["对接会"] and months[1] == []
    assert api.get(people.user_a, "promotion/plans/2026").status_code == 403


def time_passes(monkeypatch, days):
    """The engine's "now" (which the scheduled-date guard reads) moves ``days`` ahead."""
    import rongtong.core.workflow as engine_module

    real = engine_module.utcnow
    monkeypatch.setattr(engine_module, "utcnow", lambda: real() + datetime.timedelta(days=days))


def _survey_with_answer(api, people):
    survey = api.post(people.staff, "promotion/surveys", {"title": "推广需求调研", "questions": [
        {"key": "kind", "kind": "single", "text": "活动类型", "choices": ["展览", "洽谈"]}]}).get_json()
    assert api.post(people.user_a, f"promotion/surveys/{survey['id']}/answers",
                    {"answers": {"kind": "洽谈"}}).status_code == 201
    return survey["id"]


def test_activity_end_to_end(api, people, monkeypatch):
    """DB1302 6.4.5 a–g through /api/v1/requests with the right roles; wrong roles and invalid step
    data are refused and write nothing."""
    staff = people.staff
    qe = QualityEnterprise.create(enterprise=people.ent_b, criteria=["brand"], profile="p",
                                  selected_on=datetime.date(2026, 1, 1))
    rid = api.file(people.user_a, "promotion", "请求组织产品对接会")["id"]
    steps = {s.key: dict(s.example) for s in WORKFLOW.steps}

    # a. needs survey (a core survey with answers) and enterprises from the database
    before = Transition.select().count()
    r = api.act(staff, rid, data={"survey": 999, "conclusions": "", "quality_enterprises": []})
    assert r.status_code == 422 and {"survey", "conclusions", "quality_enterprises"} <= set(field_errors(r))
    assert Transition.select().count() == before
    survey_id = _survey_with_answer(api, people)
    assert api.act(people.user_a, rid, data={**steps["survey"], "survey": survey_id}).status_code == 403
    api.advance(staff, rid, {**steps["survey"], "survey": survey_id, "quality_enterprises": [qe.id]})
    activity = Activity.get(Activity.request == rid)
    assert activity.invited == [qe.id]

    # b. plan, with the notice
    today = datetime.date.today()
    plan = {**steps["plan"], "capacity": 1, "starts_on": (today + datetime.timedelta(days=30)).isoformat(),
            "registration_deadline": (today + datetime.timedelta(days=10)).isoformat()}
    reg_path = f"promotion/activities/{activity.id}/registrations"
    assert api.post(people.user_b, reg_path, {"contact_name": "乙"}).status_code == 404  # not published yet
    r = api.act(staff, rid, data={**plan, "registration_deadline": (today + datetime.timedelta(days=40)).isoformat()})
    assert r.status_code == 422 and "registration_deadline" in field_errors(r)
    api.advance(staff, rid, plan)

    # c. notice and registration: approval within capacity
    seen = api.get(people.user_b, f"promotion/activities/{activity.id}").get_json()
    assert seen["registration_open"] and seen["notice"]
    r_b = api.post(people.user_b, reg_path, {"contact_name": "乙联系人"})
    assert r_b.status_code == 201 and r_b.get_json()["status"] == "pending"
    assert api.post(people.user_b, reg_path, {"contact_name": "乙联系人"}).status_code == 409
    assert api.post(people.user_b, reg_path, {"contact_name": "冒名", "enterprise": people.ent_a.id}).status_code == 403
    r_a = api.post(people.user_a, reg_path, {"contact_name": "甲联系人"})
    assert [x["enterprise"]["id"] for x in api.get(people.user_a, reg_path).get_json()] == [people.ent_a.id]
    r = api.act(staff, rid, data=steps["notice"])
    assert r.status_code == 422 and "registrations" in field_errors(r)
    decide = "promotion/registrations/{}/decision"
    assert api.post(people.user_b, decide.format(r_b.get_json()["id"]), {"decision": "approve"}).status_code == 403
    assert api.post(staff, decide.format(r_b.get_json()["id"]), {"decision": "approve"}).status_code == 201
    assert api.post(staff, decide.format(r_a.get_json()["id"]), {"decision": "approve"}).status_code == 409  # full
    r = api.post(staff, decide.format(r_a.get_json()["id"]), {"decision": "reject"})
    assert r.status_code == 422 and "reason" in field_errors(r)
    assert api.post(staff, decide.format(r_a.get_json()["id"]), {"decision": "reject", "reason": "名额已满"}).status_code == 201
    assert Registration.select().where(Registration.status == "approved").count() == 1
    inbox = {u: [n.subject for n in Notification.select().where(  # the core's notices about the request aside
        (Notification.user == u.id) & ~Notification.event.startswith("request."))] for u in (people.user_a, people.user_b)}
    assert len(inbox[people.user_b]) == 1 and len(inbox[people.user_a]) == 1  # each told of the decision
    api.advance(staff, rid, steps["notice"])
    assert api.post(people.user_a, reg_path, {"contact_name": "迟到"}).status_code == 409  # registration closed

    # d. preparation; e. event
    r = api.act(staff, rid, data={**steps["preparation"], "experts": [], "venue": ""})
    assert r.status_code == 422 and {"experts", "venue"} <= set(field_errors(r))
    prepared = {**steps["preparation"], "starts_on": plan["starts_on"]}
    api.advance(staff, rid, prepared)
    # DB1302 5.4.1: the event step waits for the event's date, and "held" cannot be recorded before it
    r = api.act(staff, rid, data={**steps["event"], "held_on": plan["starts_on"]})
    assert r.status_code == 422 and plan["starts_on"] in field_errors(r)["starts_on"][0]
    time_passes(monkeypatch, days=31)
    r = api.act(staff, rid, data={**steps["event"], "held_on": plan["registration_deadline"]})
    assert r.status_code == 422 and "held_on" in field_errors(r)
    api.advance(staff, rid, {**steps["event"], "held_on": plan["starts_on"]})
    assert Activity.get_by_id(activity.id).attendance == 52

    # f. negotiations followed up, problems coordinated
    neg_path = f"promotion/activities/{activity.id}/negotiations"
    neg = {"enterprise": people.ent_b.id, "counterpart": "某整车厂", "subject": "零部件供货", "amount": "600"}
    assert api.post(people.user_b, neg_path, neg).status_code == 403
    neg_id = api.post(staff, neg_path, neg).get_json()["id"]
    r = api.act(staff, rid, data=steps["follow_up"])
    assert r.status_code == 422 and "negotiations" in field_errors(r)
    fu_path = f"promotion/negotiations/{neg_id}/followups"
    r = api.post(staff, fu_path, {"followed_on": "2026-11-02", "progress": "样品测试", "problems": "账期长"})
    assert r.status_code == 422 and "coordination" in field_errors(r) and NegotiationFollowUp.select().count() == 0
    r = api.post(staff, fu_path, {"followed_on": "2026-11-02", "progress": "样品测试", "problems": "账期长",
                                  "coordination": "协调约定 60 天账期", "status": "signed"})
    assert r.status_code == 201 and r.get_json()["status"] == "signed"
    assert [n["subject"] for n in api.get(people.user_b, neg_path).get_json()] == ["零部件供货"]
    assert api.get(people.user_a, neg_path).get_json() == []
    api.advance(staff, rid, steps["follow_up"])

    # g. summary
    r = api.act(staff, rid, "complete", {**steps["summary"], "effect_score": 6})
    assert r.status_code == 422 and "effect_score" in field_errors(r)
    api.advance(staff, rid, steps["summary"], outcome="complete")
    assert ServiceRequest.get_by_id(rid).status == "completed"
    assert api.get(people.user_a, f"promotion/activities/{activity.id}").get_json()["summary"]["effect_score"] == 4


def test_seed_demo(platform, people, client, login):
    import random

    ctx = {"platform": platform, "rng": random.Random(1), "enterprises": [people.ent_a, people.ent_b],
           "users": {"staff": [people.staff]}}
    platform.registry.notify("seed_demo", context=ctx)
    steps = [a.request.current_step for a in Activity.select()]
    assert set(steps) == {s.key for s in WORKFLOW.steps}  # activities waiting at each step
    at_notice = Activity.get(Activity.request.in_(ServiceRequest.select(ServiceRequest.id)
                                                  .where(ServiceRequest.current_step == "notice")))
    assert at_notice.registration_deadline >= datetime.date.today()  # the demo notice takes registrations
    assert PlannedActivity.select().count() == 6
    login(client, people.staff)  # every admin screen renders the demo records
    assert visit_admin(client, "promotion", MODELS) == {}


def test_disabled_leaves_nothing(make_platform):
    """Removed from plugins.enabled: no routes, admin views, API resources, catalog entries, commands."""
    from rongtong.core.web.app import create_app

    plat = make_platform(plugins=["sample"])
    reg = plat.registry
    assert "promotion" not in reg.services and not reg.models_of("promotion")
    assert not [p for p in reg.permissions if p.startswith(("promotion.", "workflow.promotion."))]
    app = create_app(platform=plat)
    assert not [r.rule for r in app.url_map.iter_rules() if "promotion" in r.rule]


@pytest.mark.parametrize("slug", ["qualityenterprise", "product", "annualplan", "plannedactivity", "activity",
                                  "registration", "negotiation", "negotiationfollowup"])
def test_admin_screens_for_staff_only(app, client, login, people, slug):
    login(client, people.staff)
    assert client.get(f"/admin/promotion/{slug}/").status_code == 200
    other = app.test_client()
    login(other, people.user_a)
    assert other.get(f"/admin/promotion/{slug}/").status_code in (302, 403)


def _activity_at_notice(api, people, capacity=5):
    qe = QualityEnterprise.create(enterprise=people.ent_b, criteria=["brand"], profile="p",
                                  selected_on=datetime.date(2026, 1, 1))
    rid = api.file(people.staff, "promotion", "产品推介会", enterprise=people.ent_b)["id"]
    steps = {s.key: dict(s.example) for s in WORKFLOW.steps}
    api.advance(people.staff, rid, {**steps["survey"], "survey": _survey_with_answer(api, people),
                                    "quality_enterprises": [qe.id]})
    today = datetime.date.today()
    api.advance(people.staff, rid, {**steps["plan"], "capacity": capacity, "title": "新产品推介会",
                                    "starts_on": (today + datetime.timedelta(days=30)).isoformat(),
                                    "registration_deadline": (today + datetime.timedelta(days=10)).isoformat()})
    return Activity.get(Activity.request == rid)


def test_portal_notice_and_registration(api, app, client, login, csrf_token, people):
    """DB1302 6.4.5 c: the notice is public; an enterprise user registers through the portal."""
    activity = _activity_at_notice(api, people)
    hidden = Activity.get(Activity.request == api.file(people.staff, "promotion", "未发布活动",
                                                       enterprise=people.ent_a)["id"])  # no notice yet: not public
    page = client.get("/promotion/activities").get_data(as_text=True)
    assert "新产品推介会" in page and "未发布活动" not in page
    assert client.get(f"/promotion/activities/{hidden.id}").status_code == 404
    notice = client.get(f"/promotion/activities/{activity.id}").get_data(as_text=True)
    assert "欢迎报名" in notice and 'name="contact_name"' not in notice  # anonymous: log in first

    login(client, people.user_a)
    path = f"/promotion/activities/{activity.id}"
    token = csrf_token(client, path)
    r = client.post(f"{path}/register", data={"csrf_token": token, "contact_name": "", "contact_phone": "1" * 60})
    assert r.status_code == 422 and Registration.select().count() == 0
    r = client.post(f"{path}/register", data={"csrf_token": token, "contact_name": "甲联系人"})
    assert r.status_code == 302
    row = Registration.get(Registration.activity == activity.id)
    assert row.enterprise_id == people.ent_a.id and row.status == "pending"
    assert client.post(f"{path}/register", data={"csrf_token": token, "contact_name": "again"}).status_code == 409
    assert client.post(f"{path}/register", data={"contact_name": "no csrf"}).status_code == 400
    assert "甲联系人" not in client.get(path).get_data(as_text=True)  # the page shows the status only
    staff = app.test_client()
    login(staff, people.staff)
    assert staff.post(f"{path}/register", data={"csrf_token": csrf_token(staff, path),
                                                "contact_name": "x"}).status_code == 403


def _walk_to_event(api, people, starts_on: datetime.date) -> int:
    """A promotion request advanced to its event step, the event dated ``starts_on``."""
    staff = people.staff
    qe = QualityEnterprise.create(enterprise=people.ent_b, criteria=["brand"], profile="p",
                                  selected_on=datetime.date(2026, 1, 1))
    rid = api.file(people.user_a, "promotion", "请求组织产品对接会")["id"]
    steps = {s.key: dict(s.example) for s in WORKFLOW.steps}
    api.advance(staff, rid, {**steps["survey"], "survey": _survey_with_answer(api, people), "quality_enterprises": [qe.id]})
    api.advance(staff, rid, {**steps["plan"], "starts_on": starts_on.isoformat(),
                             "registration_deadline": (starts_on - datetime.timedelta(days=20)).isoformat()})
    activity = Activity.get(Activity.request == rid)
    Registration.create(activity=activity, enterprise=people.ent_b, contact_name="乙", status="approved")
    api.advance(staff, rid, steps["notice"])
    api.advance(staff, rid, {**steps["preparation"], "starts_on": starts_on.isoformat()})
    return rid


def test_5_4_1_the_event_step_is_due_relative_to_the_event_date(api, people, platform):
    """DB1302 5.4.1 / 6.4.5 e: an event months ahead: the event step is due 3 working days after its
    date (not 3 after preparation), and the request's due date covers it."""
    starts_on = platform.calendar.local_date(datetime.datetime.utcnow()) + datetime.timedelta(days=150)
    rid = _walk_to_event(api, people, starts_on)
    req = ServiceRequest.get_by_id(rid)
    cal = platform.calendar
    assert req.current_step == "event"
    assert cal.local_date(req.step_due_at) == cal.add_working_days(starts_on, 3)
    assert req.due_at >= req.step_due_at
    entered = Transition.select().where((Transition.request == rid) & (Transition.to_step == "event")).get()
    assert entered.scheduled_for == starts_on


def test_5_4_1_held_cannot_be_recorded_before_the_event_date(api, people, platform, monkeypatch):
    """DB1302 5.4.1 / 6.4.5 e: "held" is refused before the event's date, naming the date."""
    starts_on = platform.calendar.local_date(datetime.datetime.utcnow()) + datetime.timedelta(days=30)
    rid = _walk_to_event(api, people, starts_on)
    held = {**dict(WORKFLOW.step("event").example), "held_on": starts_on.isoformat()}
    r = api.act(people.staff, rid, data=held)
    assert r.status_code == 422 and starts_on.isoformat() in field_errors(r)["starts_on"][0]
    assert ServiceRequest.get_by_id(rid).current_step == "event"
    time_passes(monkeypatch, days=30)
    api.advance(people.staff, rid, held)
    assert ServiceRequest.get_by_id(rid).current_step == "follow_up"


def test_5_4_1_the_published_limit_covers_the_steps(platform):
    """DB1302 5.4.1: the promise and the clock agree (the scheduled step moves the due date out)."""
    service = platform.registry.services["promotion"]
    assert service.time_limit_days >= sum(s.time_limit_days for s in WORKFLOW.steps)
    assert WORKFLOW.step("event").schedule_from == "starts_on"


def test_6_4_5_b_budgets_state_their_unit_once(app, client, login, people):
    """DB1302 6.4.5 b: the annual plan's budget reads "100 万元" in the list and its export header
    says 万元 once."""
    AnnualPlan.create(year=2026, title="年度计划", budget=100)
    login(client, people.staff)
    assert "100 万元" in client.get("/admin/promotion/annualplan/").get_data(as_text=True)
    header = client.get("/admin/promotion/annualplan/export/csv/").get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert "预算（万元）" in header and "（万元）（万元）" not in header, header
