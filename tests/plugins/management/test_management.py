"""Management improvement, walked through the generic request API: DB1302 6.2.6, 6.4.6 a–d.

Management is a declared service (plugins/management/service.toml, issue 11 §6): these tests
assert what they asserted when it was a coded plugin -- the project record, the experts, the lead
expert as assignee, the API, the admin screens, the refusals."""
import random

import pytest
from playhouse.schema_diff import diff_models

from rongtong.core.models import AuditEvent, ServiceRequest, Transition
from rongtong.plugins.management import PLUGIN
from tests import factories
from tests.support.apiflow import Api, field_errors

ManagementProject, ManagementExpert = PLUGIN.models["project"], PLUGIN.models["expert"]
MODELS = list(PLUGIN.models.values())
STEPS = {s["key"]: s for s in PLUGIN.declaration.data["steps"]}
EXAMPLES = {key: s["example"] for key, s in STEPS.items()}


def plan_example(expert_ids):
    return {**EXAMPLES["plan"], "experts": list(expert_ids)}
QUESTIONS = [{"key": "areas", "kind": "multiple", "text": "领域", "choices": ["战略", "财务", "品牌"]},
             {"key": "detail", "kind": "text", "text": "具体需求"}]


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=["management"])


@pytest.fixture
def api(client, api_token):
    return Api(client, api_token)


@pytest.fixture
def survey_id(api, people):
    r = api.post(people.staff, "management/surveys", {"title": "管理提升需求调研", "questions": QUESTIONS})
    assert r.status_code == 201, r.get_json()
    sid = r.get_json()["id"]
    assert api.post(people.staff, f"management/surveys/{sid}/invitations", {"enterprises": [people.ent_a.id]}).status_code == 201
    r = api.post(people.user_a, f"management/surveys/{sid}/answers", {"answers": {"areas": ["战略"], "detail": "缺少战略规划"}})
    assert r.status_code == 201, r.get_json()
    return sid


def file_and_walk(api, people, survey_id, stop_before):
    req = api.file(people.user_a, "management", "战略管理提升", data={"area": "strategy", "need": "制定三年战略"})
    data = {"survey": {**EXAMPLES["survey"], "survey": survey_id}, "plan": plan_example([people.expert.id])}
    for step in ("survey", "plan"):
        if step == stop_before:
            break
        api.advance(people.staff, req["id"], data[step])
    return req["id"]


def test_migrations_equal_models(platform):
    assert not diff_models(platform.db, MODELS)


def test_catalog_entry(platform):
    service = platform.registry.services["management"]
    assert service.fee_type == "paid" and service.fee_standard and service.time_limit_days == 65
    assert platform.registry.workflows["management"].step_keys == ["survey", "plan", "implement", "evaluate"]


def test_management_improvement_end_to_end(api, people, survey_id):
    # DB1302 6.4.6 a: needs survey -> report
    report = api.get(people.staff, f"management/surveys/{survey_id}/report").get_json()
    assert report["questions"][0]["counts"]["战略"] == 1 and report["questions"][1]["answers"] == ["缺少战略规划"]
    rid = file_and_walk(api, people, survey_id, stop_before="implement")
    project = ManagementProject.get(ManagementProject.request == rid)
    assert project.area == "strategy" and project.needs_report["respondents"] == 1
    # DB1302 6.4.6 b: the plan has the 6.4.3 c fields plus experts; the lead expert is assigned
    assert set(project.plan) >= {"audience", "budget", "schedule", "trainer_introductions", "experts"}
    assert [(e.expert_id, e.lead) for e in ManagementExpert.select()] == [(people.expert.id, True)]
    assert [e.project_id for e in ManagementExpert.select()] == [project.id]
    assert ServiceRequest.get_by_id(rid).assignee_id == people.expert.id
    # the assigned expert sees the project and carries out the implementation (6.4.6 c)
    assert [p["request"] for p in api.get(people.expert, "management/projects").get_json()] == [rid]
    api.advance(people.expert, rid, EXAMPLES["implement"])
    # the enterprise evaluates the effect (6.4.6 d)
    done = api.advance(people.user_a, rid, EXAMPLES["evaluate"], "complete")
    assert done["request"]["status"] == "completed"
    detail = api.get(people.user_a, f"management/projects/{rid}").get_json()
    assert detail["evaluation"]["score"] == 4 and detail["implementation"]["outcome"]
    assert [{k: e[k] for k in ("expert", "expert_name", "lead")} for e in detail["experts"]] == [
        {"expert": people.expert.id, "expert_name": "expert", "lead": True}]
    assert api.get(people.staff, "management/projects", area="strategy").get_json()[0]["request"] == rid
    assert api.get(people.staff, "management/projects", area="finance").get_json() == []
    assert api.get(people.staff, "management/projects", area="nonsense").status_code == 422


def test_wrong_roles_are_refused(api, people, survey_id):
    rid = file_and_walk(api, people, survey_id, stop_before="survey")
    data = {**EXAMPLES["survey"], "survey": survey_id}
    assert api.act(people.user_a, rid, "advance", data).status_code == 403
    assert api.act(people.user_b, rid, "advance", data).status_code == 404
    api.advance(people.staff, rid, data)
    other_expert = factories.user("expert2", ["expert"])
    api.advance(people.staff, rid, plan_example([people.expert.id]))
    # an expert not assigned does not see it; the enterprise does not implement
    assert api.act(other_expert, rid, "advance", EXAMPLES["implement"]).status_code == 404
    assert api.get(other_expert, f"management/projects/{rid}").status_code == 404
    assert api.act(people.user_a, rid, "advance", EXAMPLES["implement"]).status_code == 403
    api.advance(people.expert, rid, EXAMPLES["implement"])
    # the expert does not evaluate its own work; another enterprise cannot see it
    assert api.act(people.expert, rid, "complete", EXAMPLES["evaluate"]).status_code == 403
    assert api.get(people.user_b, f"management/projects/{rid}").status_code == 404
    assert ServiceRequest.get_by_id(rid).status == "open"


@pytest.mark.parametrize("step, bad, field", [
    ("survey", {"survey": 12345, "area": "strategy", "conclusions": "x"}, "survey"),
    ("survey", {"survey": None, "area": "sales", "conclusions": "x"}, "area"),
    ("plan", {"audience": "x"}, "experts"),
    ("plan", "experts-not-experts", "experts"),
    ("plan", "experts-empty", "experts"),
])
def test_invalid_step_data_refused_with_field_errors_and_nothing_written(api, people, survey_id, step, bad, field):
    rid = file_and_walk(api, people, survey_id, stop_before=step)
    if bad == "experts-not-experts":
        bad = plan_example([people.staff.id])  # a user without the expert role
    elif bad == "experts-empty":
        bad = plan_example([])
    before = (Transition.select().count(), AuditEvent.select().count(), ManagementExpert.select().count())
    r = api.act(people.staff, rid, "advance", bad)
    assert r.status_code == 422, r.get_json()
    assert field in field_errors(r)
    assert before == (Transition.select().count(), AuditEvent.select().count(), ManagementExpert.select().count())
    assert ServiceRequest.get_by_id(rid).current_step == step and ServiceRequest.get_by_id(rid).assignee_id is None


def test_seed_demo(platform, people):
    for _ in range(4):
        platform.engine.open_request(enterprise=people.ent_a, service_key="management", actor=people.user_a, title="管理提升")
    ctx = {"platform": platform, "rng": random.Random(3), "enterprises": [people.ent_a, people.ent_b],
           "users": {"staff": [people.staff], "expert": [people.expert], "enterprise": [people.user_a, people.user_b]}}
    platform.registry.notify("seed_demo", context=ctx)
    assert sorted(r.current_step for r in ServiceRequest.select()) == ["evaluate", "implement", "plan", "survey"]
    assert ManagementExpert.select().count() == 2


def test_admin_screens(app, api, people, survey_id, login):
    file_and_walk(api, people, survey_id, stop_before="implement")
    staff, expert, evaluator, ent_b = (app.test_client() for _ in range(4))
    for client, who in ((staff, people.staff), (expert, people.expert), (evaluator, people.evaluator), (ent_b, people.user_b)):
        login(client, who)
    for model in ("project", "expert"):
        assert staff.get(f"/admin/management/{model}/").status_code == 200
    assert "战略管理提升" in expert.get("/admin/management/project/").get_data(as_text=True)  # assigned to it
    assert "战略管理提升" not in ent_b.get("/admin/management/project/").get_data(as_text=True)
    assert evaluator.get("/admin/management/project/").status_code == 403
    assert "/api/v1/management/surveys" in {r.rule for r in app.url_map.iter_rules()}


def test_disabled_leaves_nothing(make_platform):
    """Removed from plugins.enabled: no routes, admin views, API resources, catalog entries, commands."""
    from rongtong.core.web.app import create_app

    plat = make_platform(plugins=["sample"])
    reg = plat.registry
    assert "management" not in reg.services and "management" not in reg.workflows
    assert not [p for p in reg.permissions if p.startswith(("management.", "workflow.management."))]
    assert not reg.models_of("management") and not [c for o, c in reg.commands if o == "management"]
    app = create_app(platform=plat)
    assert not [r.rule for r in app.url_map.iter_rules() if "management" in r.rule]
    assert not [e for e in app.view_functions if "management" in e]


def test_step_examples_are_valid_and_every_field_is_labelled_in_both_languages(platform, people, survey_id):
    for step in platform.registry.workflows["management"].steps:
        example = {"survey": {**step.example, "survey": survey_id}, "plan": plan_example([people.expert.id])}.get(
            step.key, step.example)
        assert step.example, step.key
        step.schema().load(example)
        for name, field in step.schema().fields.items():
            assert field.metadata.get("label") and field.metadata.get("label_en"), (step.key, name)
