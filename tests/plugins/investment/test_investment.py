"""Investment plugin: DB1302 4.4.3, 6.4.4.1 a–e."""
import pytest

from core.errors import PermissionDenied, ValidationFailed
from core.models import AuditEvent, ServiceRequest, Transition
from plugins.investment.models import MODELS, CheckItem, FollowUp, Investor, Project, Vote
from plugins.investment.screening import screen_targets
from plugins.investment.workflows import WORKFLOW
from tests import factories


@pytest.fixture
def plat(make_platform):
    return make_platform(plugins=["investment"])


@pytest.fixture
def cast(plat):
    from tests.factories import make_people

    return make_people()


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


def _walk_to(plat, req, step, staff, data_for):
    for s in WORKFLOW.steps:
        if s.key == step:
            return
        plat.engine.transition(req.id, "advance", staff, data=data_for[s.key])


def step_data(investor, target):
    data = {s.key: dict(s.example) for s in WORKFLOW.steps}
    data["screening"].update(investor=investor.id, target=target.id)
    return data


def test_workflow_end_to_end(plat, cast, investor):
    """DB1302 6.4.4.1 a–e walked with the right roles; invalid step data writes nothing."""
    eng = plat.engine
    target = factories.enterprise("标的企业", industry="manufacturing")
    data = step_data(investor, target)
    req = eng.open_request(enterprise=cast.ent_a, service_key="investment", actor=cast.user_a, title="投资")
    project = Project.get(Project.request == req.id)
    transitions = Transition.select().count()

    with pytest.raises(ValidationFailed) as err:
        eng.transition(req.id, "advance", cast.staff, data={"investor": investor.id, "needs_summary": ""})
    assert {"target", "needs_summary"} <= set(err.value.fields)
    assert Transition.select().count() == transitions and Project.get_by_id(project.id).target_id is None

    with pytest.raises(PermissionDenied):  # the enterprise may not screen for itself
        eng.transition(req.id, "advance", cast.user_a, data=data["screening"])
    eng.transition(req.id, "advance", cast.staff, data=data["screening"])
    assert Project.get_by_id(project.id).target_id == target.id

    bad = {"checks": [{"item": "财务报表", "verified": False, "evidence": "缺审计报告"}]}
    with pytest.raises(ValidationFailed) as err:
        eng.transition(req.id, "advance", cast.staff, data=bad)
    assert "checks" in err.value.fields and CheckItem.select().count() == 0
    eng.transition(req.id, "advance", cast.staff, data=data["verification"])
    assert CheckItem.select().where(CheckItem.project == project.id).count() == 2

    with pytest.raises(ValidationFailed) as err:
        eng.transition(req.id, "advance", cast.staff, data={**data["due_diligence"], "risk_score": 9})
    assert "risk_score" in err.value.fields
    eng.transition(req.id, "advance", cast.staff, data=data["due_diligence"])

    against = {**data["decision"], "votes": [{"voter": "甲", "vote": "for"}, {"voter": "乙", "vote": "against"}]}
    with pytest.raises(ValidationFailed) as err:
        eng.transition(req.id, "advance", cast.staff, data=against)
    assert "votes" in err.value.fields and Vote.select().count() == 0
    eng.transition(req.id, "advance", cast.staff, data=data["decision"])
    p = Project.get_by_id(project.id)
    assert float(p.agreed_amount) == 800 and p.votes.count() == 3 and p.prospects_score == 4

    with pytest.raises(ValidationFailed) as err:  # tracking needs at least one follow-up
        eng.transition(req.id, "complete", cast.staff, data=data["tracking"])
    assert "followups" in err.value.fields
    assert ServiceRequest.get_by_id(req.id).status == "open"
    FollowUp.create(project=p, period="2026-Q3", revenue=100)
    eng.transition(req.id, "complete", cast.staff, data=data["tracking"])
    assert ServiceRequest.get_by_id(req.id).status == "completed"
    assert AuditEvent.select().where(AuditEvent.object_type == "investment_vote").count() == 3


def test_seed_demo(plat, cast):
    ctx = {"platform": plat, "enterprises": [cast.ent_a, cast.ent_b], "users": {"staff": [cast.staff]}}
    plat.registry.notify("seed_demo", registry=plat.registry, context=ctx)
    assert Investor.select().count() >= 4
    req = ServiceRequest.get(ServiceRequest.service_key == "investment")
    assert req.current_step == "tracking" and FollowUp.select().count() == 2


def test_disabled_leaves_nothing(make_platform):
    plat = make_platform(plugins=["sample"])
    reg = plat.registry
    assert "investment" not in reg.services and "investment" not in reg.workflows
    assert not [p for p in reg.permissions if p.startswith(("investment.", "workflow.investment."))]
    assert not reg.models_of("investment")
