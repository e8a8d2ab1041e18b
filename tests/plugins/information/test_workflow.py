"""The consultation catalog service walked end to end (DB1302 6.4.1.2 a–c): filing opens the
consultation, the answer step posts the answer into the thread, closing closes it."""
import pytest

from rongtong.core.errors import PermissionDenied, ValidationFailed
from rongtong.core.models import AuditEvent, Transition
from rongtong.plugins.information.models import Consultation, ConsultationMessage


def _file(info, cast, **data):
    return info.engine.open_request(enterprise=cast.ent_a, service_key="information.consultation", actor=cast.user_a,
                                    title="研发费用加计扣除", data={"channel": "online", "category": "policy",
                                                               "question": "比例是多少？", **data})


def test_walk_with_right_roles(info, cast):
    eng = info.engine
    req = _file(info, cast)
    c = Consultation.get(Consultation.request == req.id)
    assert (c.enterprise_id, c.subject, c.question, c.status) == (cast.ent_a.id, "研发费用加计扣除", "比例是多少？", "open")
    # The reply is due when the answer step is (accept + answer); the request when closing is.
    assert c.due_at == info.calendar.due_at(req.opened_at, 2) and req.due_at == info.calendar.due_at(req.opened_at, 3)
    eng.transition(req.id, "advance", cast.staff, data={"category": "technology"})
    assert Consultation.get_by_id(c.id).category == "technology"
    eng.transition(req.id, "advance", cast.staff, data={"answer": "按 100% 加计扣除。"})
    c = Consultation.get_by_id(c.id)
    assert c.status == "answered"
    assert [(m.side, m.body) for m in c.messages.order_by(ConsultationMessage.id)] == [
        ("enterprise", "比例是多少？"), ("platform", "按 100% 加计扣除。")]
    eng.transition(req.id, "complete", cast.user_a, data={"satisfaction": "satisfied"})
    assert Consultation.get_by_id(c.id).status == "closed"


def test_wrong_roles_refused(info, cast):
    eng = info.engine
    req = _file(info, cast)
    with pytest.raises(PermissionDenied):
        eng.transition(req.id, "advance", cast.user_a, data={})  # enterprise cannot accept
    with pytest.raises(PermissionDenied):
        eng.transition(req.id, "advance", cast.expert, data={})
    eng.transition(req.id, "advance", cast.staff, data={})
    with pytest.raises(PermissionDenied):
        eng.transition(req.id, "advance", cast.user_b, data={"answer": "x"})


def test_invalid_step_data_refused_nothing_written(info, cast):
    eng = info.engine
    req = _file(info, cast)
    eng.transition(req.id, "advance", cast.staff, data={})
    counts = (Transition.select().count(), AuditEvent.select().count(), ConsultationMessage.select().count())
    with pytest.raises(ValidationFailed) as err:
        eng.transition(req.id, "advance", cast.staff, data={"answer": ""})
    assert "answer" in err.value.fields
    with pytest.raises(ValidationFailed) as err:
        eng.transition(req.id, "advance", cast.staff, data={"category": "astrology"}, target=None)
    assert (Transition.select().count(), AuditEvent.select().count(), ConsultationMessage.select().count()) == counts


def test_invalid_intake_refused(info, cast):
    with pytest.raises(ValidationFailed) as err:
        _file(info, cast, channel="pigeon", category="gossip")
    assert set(err.value.fields["data"]) == {"channel", "category"}
    assert Consultation.select().count() == 0


def test_without_a_question_the_description_is_asked(info, cast):
    req = info.engine.open_request(enterprise=cast.ent_a, service_key="information.consultation", actor=cast.user_a,
                                   title="咨询", description="出口退税怎么办理？")
    assert Consultation.get(Consultation.request == req.id).question == "出口退税怎么办理？"


def test_rejected_request_closes_the_consultation(info, cast):
    req = _file(info, cast)
    info.engine.transition(req.id, "reject", cast.staff, reason="非本平台服务范围")
    assert Consultation.get(Consultation.request == req.id).status == "closed"


def test_the_accepted_category_is_audited(info, cast):
    """DB1302 5.3.2, 6.4.1.2 c: the category staff set when accepting a catalog consultation is
    written with an audit event naming them (it was written with none before issue 10)."""
    from rongtong.core import audit

    req = _file(info, cast)
    info.engine.transition(req.id, "advance", cast.staff, data={"category": "technology"})
    c = Consultation.get(Consultation.request == req.id)
    changes = [(e.actor_name, audit.event_data(e)["changes"].get("category")) for e in audit.events_for(c)
               if e.action == "update"]
    assert changes == [("staff", ["policy", "technology"])]
