from tests import factories


def test_walk(platform, people):
    eng = platform.engine
    req = eng.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="t")
    assert req.workflow_version == 2 and req.current_step == "accept"
    eng.transition(req.id, "advance", people.staff, data={"need": "x"})
