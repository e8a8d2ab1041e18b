"""The technical service walked end to end (DB1302 6.4.2 a–d): accept → plan with ranked
candidates and reasons → deliver → the enterprise evaluates the effect."""
import pytest

from rongtong.core.errors import PermissionDenied, ValidationFailed
from rongtong.core.models import AuditEvent, ServiceRequest, Transition
from rongtong.plugins.technical import candidates
from rongtong.plugins.technical.models import Assignment
from rongtong.plugins.technical.steps import today_of


def _apply(tech, cast, kind="inspection_testing"):
    return tech.engine.open_request(enterprise=cast.ent_a, service_key="technical.service", actor=cast.user_a,
                                    title="新材料性能检测", data={"need": "复合材料拉伸强度检测", "kind": kind})


def test_candidates_ranked_with_reasons(tech, cast, institutions):
    # DB1302 6.4.2 b: match platform capacity and contracted institutions; every point explained.
    req = _apply(tech, cast)
    report = candidates.candidates_report(req, today_of(tech))
    names = [c["candidate"]["name"] for c in report["candidates"]]
    assert names == ["省检测研究院", "市质检中心"]  # lab2's contract ends soon
    reasons = {r["criterion"]: r["text"] for r in report["candidates"][0]["reasons"]}
    assert set(reasons) == {"capability", "contract", "load"}
    assert "0" in reasons["load"]
    excluded = {c["candidate"]["name"]: [r["text"] for r in c["reasons"]] for c in report["excluded"]}
    assert set(excluded) == {"智造软件公司", "旧合作机构"}
    assert any("ended" in t for t in excluded["旧合作机构"])
    # Load counts: once the lab holds an open request, a second need ranks it lower than before.
    tech.engine.transition(req.id, "advance", cast.staff, data={"kind": "inspection_testing"})
    tech.engine.transition(req.id, "advance", cast.staff, data={"institution": institutions["lab"].id, "plan": "检测"})
    second = candidates.candidates_report(_apply(tech, cast), today_of(tech))
    lab = second["candidates"][0]
    assert lab["candidate"]["name"] == "省检测研究院"
    assert [r for r in lab["reasons"] if r["criterion"] == "load"][0]["points"] == 10.0


def test_walk_with_right_roles(tech, cast, institutions):
    eng = tech.engine
    req = _apply(tech, cast, kind="technical_evaluation")
    # Staff correct the kind at acceptance; the plan uses the accepted kind.
    eng.transition(req.id, "advance", cast.staff, data={"kind": "inspection_testing", "remarks": "实为检测需求"})
    assert candidates.kind_of(ServiceRequest.get_by_id(req.id)) == "inspection_testing"
    eng.transition(req.id, "advance", cast.staff, data={"institution": institutions["lab2"].id, "plan": "3日内送样"})
    a = Assignment.get(Assignment.request == req.id)
    assert a.institution_id == institutions["lab2"].id and a.plan == "3日内送样" and a.kind == "inspection_testing"
    assert [c["candidate"]["name"] for c in a.candidates] == ["省检测研究院", "市质检中心"]
    eng.transition(req.id, "advance", cast.staff, data={"records": "检测完成", "deliverables": ["检测报告", "原始记录"]})
    assert Assignment.get_by_id(a.id).deliverables == ["检测报告", "原始记录"]
    with pytest.raises(PermissionDenied):
        eng.transition(req.id, "complete", cast.staff, data={"score": 5})  # only the enterprise evaluates
    with pytest.raises(PermissionDenied):
        eng.transition(req.id, "complete", cast.user_b, data={"score": 5})  # ...its own request
    eng.transition(req.id, "complete", cast.user_a, data={"score": 4, "comment": "及时"})
    a = Assignment.get_by_id(a.id)
    assert (a.score, a.comment) == (4, "及时") and a.evaluated_at
    assert ServiceRequest.get_by_id(req.id).status == "completed"


def test_wrong_roles_refused(tech, cast, institutions):
    req = _apply(tech, cast)
    for user in (cast.user_a, cast.expert, cast.evaluator):
        with pytest.raises(PermissionDenied):
            tech.engine.transition(req.id, "advance", user, data={"kind": "inspection_testing"})


@pytest.mark.parametrize("pick, field", [("old", "institution"), ("soft", "institution"), (None, "institution")])
def test_ineligible_institution_refused_nothing_written(tech, cast, institutions, pick, field):
    eng = tech.engine
    req = _apply(tech, cast)
    eng.transition(req.id, "advance", cast.staff, data={"kind": "inspection_testing"})
    counts = (Transition.select().count(), AuditEvent.select().count())
    chosen = institutions[pick].id if pick else 9999
    with pytest.raises(ValidationFailed) as err:
        eng.transition(req.id, "advance", cast.staff, data={"institution": chosen, "plan": "方案"})
    assert field in err.value.fields
    assert (Transition.select().count(), AuditEvent.select().count()) == counts
    assert ServiceRequest.get_by_id(req.id).current_step == "plan" and Assignment.select().count() == 0


def test_invalid_step_data_refused(tech, cast, institutions):
    eng = tech.engine
    req = _apply(tech, cast)
    with pytest.raises(ValidationFailed) as err:
        eng.transition(req.id, "advance", cast.staff, data={"kind": "magic"})
    assert "kind" in err.value.fields
    eng.transition(req.id, "advance", cast.staff, data={"kind": "inspection_testing"})
    with pytest.raises(ValidationFailed) as err:
        eng.transition(req.id, "advance", cast.staff, data={"institution": "abc", "plan": ""})
    assert set(err.value.fields) == {"institution", "plan"}
    with pytest.raises(ValidationFailed) as err:
        _apply(tech, cast, kind="astrology")
    assert "kind" in err.value.fields["data"]


def test_the_assignment_is_audited_step_by_step(tech, cast, institutions):
    """DB1302 5.3.2, 6.4.1.2 c: the plan, the delivery and the evaluation written on the
    assignment each leave an audit event naming who acted (they left none before issue 10)."""
    from rongtong.core import audit

    eng = tech.engine
    req = _apply(tech, cast)
    eng.transition(req.id, "advance", cast.staff, data={"kind": "inspection_testing"})
    eng.transition(req.id, "advance", cast.staff, data={"institution": institutions["lab"].id, "plan": "检测"})
    eng.transition(req.id, "advance", cast.staff, data={"records": "检测完成", "deliverables": ["检测报告"]})
    eng.transition(req.id, "complete", cast.user_a, data={"score": 4, "comment": "及时"})
    events = list(audit.events_for(Assignment.get(Assignment.request == req.id)))
    assert [(e.action, e.actor_name) for e in events] == [("create", "staff"), ("update", "staff"),
                                                         ("update", "user_a")]
    assert audit.event_data(events[-1])["changes"]["score"][1] == 4
