"""Routing (issue 9 §4): services map to departments (DB1302 5.1.2), a filed request lands in its
department's queue and goes round-robin to a member who may act on its first step, the department
head (or its staff, or an admin) hands it on, and escalations climb handler → department head →
the comprehensive management board (DB1302 4.4.4), reaching the admins only when nobody else is
there."""
from __future__ import annotations

import dataclasses
import logging

import pytest

from rongtong.core import routing
from rongtong.core.audit import event_data
from rongtong.core.errors import Conflict, PermissionDenied, ValidationFailed
from rongtong.core.models import AuditEvent, Department, Notification, ServiceRequest
from rongtong.core.routing import department_for, escalation_chain, route_of, set_route
from tests.core.test_cli import assert_user_error, install_plugin, rongtong, write_config
from tests.factories import make_people, user


def file(platform, people, **kw):
    return platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                                        title=kw.pop("title", "需要检测服务"), **kw)


def events(action, request):
    return list(AuditEvent.select().where((AuditEvent.action == action) & (AuditEvent.object_id == str(request.id))))


# --- Which department (DB1302 5.1.2) ------------------------------------------------------------------

def test_the_admin_screen_wins_over_config_which_wins_over_the_service_default(make_platform):
    platform = make_platform(routing={"services": {"sample": "tech"}})
    people = make_people()
    registry = platform.registry
    tech = Department.create(key="tech", name="技术服务部")
    registry.services["sample"] = dataclasses.replace(registry.services["sample"], department="finance")

    assert (route_of("sample", registry).source, department_for("sample", registry)) == ("config", tech)
    set_route("sample", people.department, people.admin, registry)
    assert (route_of("sample", registry).source, department_for("sample", registry)) == ("admin", people.department)
    [event] = AuditEvent.select().where(AuditEvent.action == "route")
    assert event.object_id == "sample" and event_data(event)["changes"] == {"department": ["tech", "finance"]}
    set_route("sample", None, people.admin, registry)  # back to the configuration
    assert route_of("sample", registry).source == "config"
    del platform.config.data["routing"]["services"]["sample"]
    assert (route_of("sample", registry).source, department_for("sample", registry)) == ("default", people.department)
    # A filed request lands in that department's queue.
    assert file(platform, people).department_id == people.department.id


def test_a_route_to_a_missing_department_leaves_the_request_unrouted_with_a_warning(make_platform, caplog):
    platform = make_platform(routing={"services": {"sample": "gone"}})
    people = make_people()
    assert routing.config_warnings(platform.config) == [
        f"{platform.config.source}: routing.services.sample: no such department 'gone' (requests wait unrouted)"]
    with caplog.at_level(logging.WARNING, logger="core.routing"):
        req = file(platform, people)
    assert req.department_id is None and req.assignee_id is None
    assert "'gone'" in caplog.text
    with pytest.raises(ValidationFailed) as err:
        set_route("sample", 999999, people.admin, platform.registry)
    assert "department" in err.value.fields


def test_a_routing_entry_for_an_unknown_service_stops_start_up_in_one_line(tmp_path):
    install_plugin(tmp_path / "site")
    write_config(tmp_path, '[plugins]\nenabled = ["sample"]\n\n[routing]\nservices = { nosuch = "finance" }\n')
    result = rongtong("config", "validate", cwd=tmp_path)
    assert_user_error(result, 2, "rongtong.toml: routing.services.nosuch: no such service")


def test_config_validate_warns_about_a_department_that_does_not_exist(tmp_path, database_url):
    install_plugin(tmp_path / "site")
    write_config(tmp_path, '[plugins]\nenabled = ["sample"]\n\n[routing]\nservices = { sample = "gone" }\n'
                           'board_department = "board"\n')
    assert rongtong("db", "upgrade", cwd=tmp_path, database_url=database_url).returncode == 0
    result = rongtong("config", "validate", cwd=tmp_path, database_url=database_url)
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2 and all(w.startswith("warning: ") for w in warnings), result.stderr
    assert "routing.board_department: no such department 'board'" in warnings[0]
    assert "routing.services.sample: no such department 'gone'" in warnings[1]


# --- Round-robin -----------------------------------------------------------------------------------------

def test_round_robin_is_fair_over_three_members_and_skips_inactive_and_ineligible_ones(make_platform):
    platform = make_platform(routing={"services": {"sample": "tech"}})
    people = make_people()
    tech = Department.create(key="tech", name="技术服务部")
    a = user("a", ["staff"], department=tech)
    user("gone", ["staff"], department=tech, active=False)
    b = user("b", ["staff"], department=tech)
    user("expert_in_tech", ["expert"], department=tech)  # the first step (accept) is for staff only
    c = user("c", ["staff"], department=tech)

    filed = [file(platform, people, title=f"r{i}") for i in range(6)]
    assert [r.assignee_id for r in filed] == [a.id, b.id, c.id, a.id, b.id, c.id]
    assert Department.get_by_id(tech.id).last_assignee_id == c.id
    # The new assignee is told; the department's other staff see a new request in their queue.
    first = filed[0]
    told = {(n.user_id, n.event) for n in Notification.select().where(Notification.request_id == first.id)}
    assert told == {(a.id, "request.assigned"), (b.id, "request.filed"), (c.id, "request.filed")}
    b.active = False
    b.save()
    assert [file(platform, people).assignee_id for _ in range(2)] == [a.id, c.id]


def test_without_round_robin_or_an_eligible_member_the_request_waits_unassigned(make_platform):
    platform = make_platform(routing={"services": {"sample": "finance"}, "assign": "none"})
    people = make_people()
    req = file(platform, people)
    assert (req.department_id, req.assignee_id) == (people.department.id, None)
    assert {n.user_id for n in Notification.select()} == {people.staff.id, people.head.id}  # in their queue
    empty = Department.create(key="empty", name="空部门")
    assert routing.pick_assignee(empty, platform.registry.workflow("sample").steps[0], platform.registry) is None


# --- Assigning -------------------------------------------------------------------------------------------

@pytest.fixture
def routed(make_platform):
    platform = make_platform(routing={"assign": "none"})
    people = make_people()
    return platform, people, file(platform, people, department=people.department)


def test_the_department_head_assigns_with_an_audit_event_and_a_notification(routed):
    platform, people, req = routed
    routing.assign(req, people.expert, people.head, platform.registry, expected_version=req.version)
    now = ServiceRequest.get_by_id(req.id)
    assert now.assignee_id == people.expert.id and now.version == req.version + 1
    assert now.current_step == req.current_step  # the workflow did not move
    [event] = events("assign", req)
    assert (event_data(event)["from"], event_data(event)["to"]) == (None, people.expert.id)
    [told] = Notification.select().where(Notification.user == people.expert.id)
    assert (told.event, told.request_id) == ("request.assigned", req.id)
    # The department's staff hand it on too; a stale form is a conflict, not a silent overwrite.
    routing.assign(req, people.staff, people.staff, platform.registry)
    with pytest.raises(Conflict):
        routing.assign(req, people.head, people.head, platform.registry, expected_version=req.version)
    assert event_data(events("assign", req)[-1])["changes"] == {"assignee": ["expert", "staff"]}


def test_only_the_department_its_staff_or_an_admin_may_assign(routed):
    platform, people, req = routed
    other = Department.create(key="other", name="其他部门")
    other_head = user("other_head", ["staff"], department=other, is_department_head=True)
    for outsider in (other_head, people.expert, people.user_a):
        with pytest.raises(PermissionDenied):
            routing.assign(req, people.staff, outsider, platform.registry)
    with pytest.raises(ValidationFailed) as err:  # an enterprise user is handed nothing
        routing.assign(req, people.user_b, people.admin, platform.registry)
    assert "assignee" in err.value.fields
    assert ServiceRequest.get_by_id(req.id).assignee_id is None and events("assign", req) == []
    routing.assign(req, people.staff, people.admin, platform.registry)
    assert ServiceRequest.get_by_id(req.id).assignee_id == people.staff.id


def test_a_transition_handing_the_request_on_tells_the_new_assignee(routed):
    platform, people, req = routed
    platform.engine.transition(req.id, "advance", people.staff, data={"need": "检测"}, assignee=people.expert)
    [told] = Notification.select().where(Notification.user == people.expert.id)
    assert told.event == "request.assigned" and f"#{req.id}" in told.subject
    assert event_data(events("transition", req)[-1])["assignee"] == [None, people.expert.id]


# --- Escalation (DB1302 4.4.4) -----------------------------------------------------------------------------

def test_escalation_climbs_handler_head_board_and_reaches_admins_only_when_nobody_is_there(make_platform):
    platform = make_platform(routing={"board_department": "board"})
    people = make_people()
    director = user("director", ["staff"], department=Department.create(key="board", name="综合管理部"))
    req = file(platform, people, department=people.department, assignee=people.staff)

    chain = escalation_chain(req, platform.registry)
    assert [u.username for u in chain.people] == ["staff", "head", "director"] and chain.admins == ()
    assert [chain.reach(t) for t in ("handler", "head", "board")] == [[people.staff], [people.head], [director]]
    lone = file(platform, people)  # unrouted, nobody assigned: the board is the first one there
    assert escalation_chain(lone, platform.registry).reach("handler") == [director]
    director.active = False
    director.save()
    nobody = escalation_chain(lone, platform.registry)
    assert nobody.reach("handler") == nobody.reach("board") == [people.admin]
    # A request with a handler but no board: the top of the chain is its head, never the admins.
    assert escalation_chain(req, platform.registry).reach("board") == [people.head]
