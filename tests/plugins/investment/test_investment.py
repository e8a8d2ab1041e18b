"""Investment plugin: DB1302 4.4.3, 6.4.4.1 a–e."""
import pytest

from rongtong.core.models import AuditEvent, ServiceRequest, Transition
from rongtong.plugins.investment.models import MODELS, CheckItem, FollowUp, Investor, Project, Vote
from rongtong.plugins.investment.screening import screen_targets
from rongtong.plugins.investment.workflows import WORKFLOW
from tests import factories
from tests.support.apiflow import Api, field_errors, visit_admin


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=["investment"])


@pytest.fixture
def plat(platform):
    return platform


@pytest.fixture
def cast(people):
    return people


@pytest.fixture
def api(client, api_token):
    return Api(client, api_token)


@pytest.fixture
def investor(plat):
    return Investor.create(name="冀北基金", industries=["manufacturing", "新材料"], stages=["early", "growth"],
                           ticket_min=100, ticket_max=2000, regions=["石家庄"])


def test_migrations_equal_models(plat):
    from playhouse.schema_diff import diff_models

    assert not diff_models(plat.db, MODELS)


def test_screening_filters_and_ranks_with_reasons(plat, investor):
    """DB1302 6.4.4.1 a: enterprises filtered and ranked against the investor's focus."""
    best = factories.enterprise("同城制造", industry="manufacturing", region="石家庄", scale="medium")
    other_region = factories.enterprise("外地制造", industry="manufacturing", region="保定", scale="large")
    factories.enterprise("软件公司", industry="software", region="石家庄")
    factories.enterprise("未入驻制造", industry="manufacturing", status="applied")
    ranked = screen_targets(investor)
    assert [m.candidate.name for m in ranked] == ["同城制造", "外地制造"]
    top = ranked[0]
    assert top.score == 90 and {r.criterion for r in top.reasons} == {"industry", "stage", "region"}
    second = {r.criterion: r for r in ranked[1].reasons}
    assert second["region"].points == 0 and "保定" in second["region"].text
    assert second["stage"].points == 0  # a large enterprise is mature, the investor wants early/growth


def step_data(investor, target):
    data = {s.key: dict(s.example) for s in WORKFLOW.steps}
    data["screening"].update(investor=investor.id, target=target.id)
    return data


def test_investor_register_through_the_api(api, people):
    """DB1302 4.4.3: investors register with focus industries, stages, ticket size and regions."""
    body = {"name": "燕赵创投", "kind": "institution", "industries": ["manufacturing"], "stages": ["early"],
            "ticket_min": "100", "ticket_max": "800", "regions": ["保定"]}
    assert api.post(people.user_a, "investment/investors", body).status_code == 403
    bad = api.post(people.staff, "investment/investors", {**body, "kind": "bank", "stages": ["late"]})
    assert bad.status_code == 422 and {"stages", "kind"} <= set(field_errors(bad))
    bad = api.post(people.staff, "investment/investors", {**body, "ticket_min": "900"})
    assert bad.status_code == 422 and "ticket_max" in field_errors(bad)
    assert Investor.select().count() == 0
    r = api.post(people.staff, "investment/investors", body)
    assert r.status_code == 201 and r.get_json()["industries"] == ["manufacturing"]
    factories.enterprise("目标企业", industry="manufacturing", scale="small", region="保定")
    ranked = api.get(people.staff, "investment/screening", investor=r.get_json()["id"]).get_json()["candidates"]
    assert ranked[0]["candidate"]["name"] == "目标企业" and ranked[0]["reasons"]
    assert all(c["score"] == sum(x["points"] for x in c["reasons"]) for c in ranked)
    assert api.get(people.staff, "investment/screening", investor="x").status_code == 422


def test_workflow_end_to_end_through_the_api(api, people, investor):
    """DB1302 6.4.4.1 a–e walked through /api/v1/requests with the right roles, refused with the
    wrong ones; invalid step data is a 422 naming the fields and writes nothing."""
    target = factories.enterprise("标的企业", industry="manufacturing")
    data = step_data(investor, target)
    staff, owner = people.staff, people.user_a
    req = api.file(owner, "investment", "投资项目", data={"investor": investor.id})
    rid = req["id"]
    project = Project.get(Project.request == rid)
    transitions = Transition.select().count()

    r = api.act(staff, rid, data={"investor": investor.id, "needs_summary": ""})
    assert r.status_code == 422 and {"target", "needs_summary"} <= set(field_errors(r))
    assert Transition.select().count() == transitions and Project.get_by_id(project.id).target_id is None
    assert api.act(owner, rid, data=data["screening"]).status_code == 403  # the enterprise may not screen
    assert api.act(people.expert, rid, data=data["screening"]).status_code in (403, 404)
    # the needs survey (core.toolkit.surveys, run under investment/surveys) must be the plugin's own, answered
    survey = api.post(staff, "investment/surveys", {"title": "投资需求", "questions": [
        {"key": "focus", "kind": "text", "text": "关注领域"}]}).get_json()["id"]
    r = api.act(staff, rid, data={**data["screening"], "survey": survey})
    assert r.status_code == 422 and "survey" in field_errors(r)  # no answers yet
    assert api.post(owner, f"investment/surveys/{survey}/answers", {"answers": {"focus": "智能制造"}}).status_code == 201
    api.advance(staff, rid, {**data["screening"], "survey": survey})
    assert Project.get_by_id(project.id).target_id == target.id
    assert Project.get_by_id(project.id).survey_id == survey

    r = api.act(staff, rid, data={"checks": [{"item": "财务报表", "verified": False, "evidence": "缺审计报告"}]})
    assert r.status_code == 422 and "checks" in field_errors(r) and CheckItem.select().count() == 0
    api.advance(staff, rid, data["verification"])
    assert CheckItem.select().where(CheckItem.project == project.id).count() == 2

    r = api.act(staff, rid, data={**data["due_diligence"], "risk_score": 9})
    assert r.status_code == 422 and "risk_score" in field_errors(r)
    api.advance(staff, rid, data["due_diligence"])

    against = {**data["decision"], "votes": [{"voter": "甲", "vote": "for"}, {"voter": "乙", "vote": "against"}]}
    r = api.act(staff, rid, data=against)
    assert r.status_code == 422 and "votes" in field_errors(r) and Vote.select().count() == 0
    api.advance(staff, rid, data["decision"])
    p = Project.get_by_id(project.id)
    assert float(p.agreed_amount) == 800 and p.votes.count() == 3 and p.prospects_score == 4

    # DB1302 6.4.4.1 e: follow-ups with figures while tracking; the project closes only after one
    r = api.act(staff, rid, "complete", data["tracking"])
    assert r.status_code == 422 and "followups" in field_errors(r)
    assert ServiceRequest.get_by_id(rid).status == "open"
    path = f"investment/projects/{project.id}/followups"
    assert api.post(owner, path, {"period": "2026-Q3", "revenue": "100"}).status_code == 403
    bad = api.post(staff, path, {"period": "2026-Q5", "revenue": "abc"})
    assert bad.status_code == 422 and {"period", "revenue"} <= set(field_errors(bad))
    assert api.post(staff, path, {"period": "2026-q3", "revenue": "1200", "employees": 80}).status_code == 201
    assert api.post(staff, path, {"period": "2026-Q3"}).status_code == 422  # one per period
    api.advance(staff, rid, data["tracking"], outcome="complete")
    assert ServiceRequest.get_by_id(rid).status == "completed"
    assert AuditEvent.select().where(AuditEvent.object_type == "investment_vote").count() == 3

    mine = api.get(owner, f"investment/projects/{project.id}")
    assert mine.status_code == 200 and mine.get_json()["agreement"]["amount"] == "800.00"
    assert mine.get_json()["followups"][0]["period"] == "2026-Q3"
    assert api.get(people.user_b, f"investment/projects/{project.id}").status_code == 404


def test_seed_demo(plat, cast, client, login):
    ctx = {"platform": plat, "enterprises": [cast.ent_a, cast.ent_b], "users": {"staff": [cast.staff]}}
    plat.registry.notify("seed_demo", context=ctx)
    assert Investor.select().count() >= 4
    steps = [r.current_step for r in ServiceRequest.select().where(ServiceRequest.service_key == "investment")]
    assert sorted(steps) == sorted(s.key for s in WORKFLOW.steps)  # one project waiting at each step
    assert FollowUp.select().count() == 2
    login(client, cast.staff)  # every admin screen renders the demo records
    assert visit_admin(client, "investment", MODELS) == {}


def test_disabled_leaves_nothing(make_platform):
    """Removed from plugins.enabled: no routes, admin views, API resources, catalog entries, commands."""
    from rongtong.core.web.app import create_app

    plat = make_platform(plugins=["sample"])
    reg = plat.registry
    assert "investment" not in reg.services and "investment" not in reg.workflows
    assert not [p for p in reg.permissions if p.startswith(("investment.", "workflow.investment."))]
    assert not reg.models_of("investment") and "investment" not in {c.name for _o, c in reg.commands}
    app = create_app(platform=plat)
    assert not [r.rule for r in app.url_map.iter_rules() if "investment" in r.rule]
    assert not [e for e in app.view_functions if e.startswith("investment")]


@pytest.mark.parametrize("slug", ["investor", "project", "checkitem", "vote", "followup"])
def test_admin_screens_for_staff_only(app, client, login, people, slug):
    login(client, people.staff)
    assert client.get(f"/admin/investment/{slug}/").status_code == 200
    other = app.test_client()
    login(other, people.user_a)
    assert other.get(f"/admin/investment/{slug}/").status_code in (302, 403)


def test_out_of_range_input_is_a_field_error_not_a_500(api, people):
    """Bad input never gives a 500: values that would not fit a column are refused by field."""
    body = {"name": "x", "industries": ["a,b"], "regions": [f"{i:02d}" + "区" * 40 for i in range(20)], "ticket_max": "1e30",
            "contact_email": "a" * 250 + "@example.com"}
    r = api.post(people.staff, "investment/investors", body)
    assert r.status_code == 422
    assert {"industries", "regions", "ticket_max", "contact_email"} <= set(field_errors(r))
    assert Investor.select().count() == 0


def test_admin_edit_keeps_the_focus_lists(client, login, csrf_token, people, investor):
    """Editing an investor in the admin changes what was edited and leaves the focus lists intact."""
    login(client, people.staff)
    url = f"/admin/investment/investor/edit/?id={investor.id}"
    form = {"csrf_token": csrf_token(client, url), "name": "冀北基金二期", "kind": "institution", "ticket_min": "100",
            "ticket_max": "2000", "contact_name": "", "contact_phone": "", "contact_email": "", "description": "",
            "active": "y"}
    assert client.post(url, data=form).status_code == 302
    inv = Investor.get_by_id(investor.id)
    assert inv.name == "冀北基金二期" and inv.industries == ["manufacturing", "新材料"] and inv.stages == ["early", "growth"]
