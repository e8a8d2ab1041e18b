"""Investment records audited by the core (issue 10 §1; DB1302 5.3.2, 6.4.4.1 b): a verification
redone after a return replaces its check items, and the trail shows the replaced rows deleted."""
import pytest

from rongtong.core import audit
from rongtong.core.models import AuditEvent
from rongtong.plugins.investment.models import CheckItem, Investor
from rongtong.plugins.investment.workflows import WORKFLOW
from tests import factories


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=["investment"])


def test_a_redone_verification_audits_the_replaced_check_items_as_deleted(platform, people):
    investor = Investor.create(name="冀北基金", industries=["manufacturing"], stages=["early"], ticket_min=1,
                               ticket_max=2000, regions=["石家庄"])
    target = factories.enterprise("丙公司")
    eng, staff = platform.engine, people.staff
    req = eng.open_request(enterprise=people.ent_a, service_key="investment", actor=staff, title="融资对接",
                           data={"investor": investor.id})
    screening = {**WORKFLOW.step("screening").example_for(), "investor": investor.id, "target": target.id}
    eng.transition(req.id, "advance", staff, data=screening)
    checks = WORKFLOW.step("verification").example_for()
    eng.transition(req.id, "advance", staff, data=checks)
    eng.transition(req.id, "return", staff, reason="核实不充分", target="verification")
    eng.transition(req.id, "advance", staff, data=checks)
    events = AuditEvent.select().where(AuditEvent.object_type == CheckItem._meta.table_name)
    actions = sorted(e.action for e in events)
    assert CheckItem.select().count() == 2
    assert actions == ["create"] * 4 + ["delete"] * 2
    assert all(e.actor_name == "staff" for e in events)
    assert {audit.event_data(e)["snapshot"]["item"] for e in events if e.action == "delete"} == {
        c["item"] for c in checks["checks"]}
