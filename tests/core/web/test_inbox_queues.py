"""The staff inbox's queues (issue 9 §4, DB1302 5.1.2): "mine / my department / unassigned" on the
admin dashboard and as ``GET /api/v1/requests?queue=``, each earliest step deadline first; the
assign form of the request page; the admin screen "服务与部门"."""
from __future__ import annotations

import datetime
import re

import pytest

from rongtong.core.models import AuditEvent, Department, ServiceRequest, ServiceRoute, utcnow
from tests.core.web.admin_support import page_csrf
from tests.core.web.test_admin_pages import set_step_due, table_ids
from tests.factories import user


@pytest.fixture
def platform(make_platform):
    return make_platform(routing={"assign": "none"})  # the tests choose every assignee


@pytest.fixture
def queues(platform, people):
    """Five open requests (and a closed one), step due in the order they are listed here."""
    other = Department.create(key="other", name="其他部门")
    made = {}
    spec = [("mine", people.department, people.staff), ("colleague", people.department, people.head),
            ("waiting", people.department, None), ("unrouted", None, None), ("elsewhere", other, None)]
    now = utcnow()
    for days, (name, department, assignee) in enumerate(spec):
        req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                                           title=name, department=department, assignee=assignee)
        set_step_due(req, now + datetime.timedelta(days=10 - 2 * days))  # the last listed is due first
        made[name] = req
    closed = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a,
                                          title="closed", department=people.department)
    platform.engine.transition(closed.id, "reject", people.staff, reason="不符合条件")
    return made


def ids(queues, *names):
    return [queues[n].id for n in names]


def tab(client, queue=None):
    html = client.get("/admin/" + (f"?queue={queue}" if queue else "")).get_data(as_text=True)
    shown = re.search(r'id="rt-queue" data-queue="(\w*)"|data-queue="(\w*)" id="rt-queue"', html)
    return (shown.group(1) or shown.group(2)), table_ids(html, "rt-inbox"), html


def test_staff_see_mine_first_then_their_department_and_its_unassigned(client, login, people, queues):
    login(client, people.staff)
    current, rows, html = tab(client)
    assert (current, rows) == ("mine", ids(queues, "mine"))
    assert re.findall(r'class="nav-link[^"]*" data-queue="(\w+)"', html) == ["mine", "department", "unassigned"]
    assert tab(client, "department")[1] == ids(queues, "waiting", "colleague", "mine")  # earliest step due first
    assert tab(client, "unassigned")[1] == ids(queues, "unrouted", "waiting")  # not another department's


def test_a_head_with_nothing_of_their_own_starts_on_the_department_and_an_admin_sees_all_unassigned(
        client, login, people, queues, platform):
    ServiceRequest.update(assignee=None).where(ServiceRequest.id == queues["colleague"].id).execute()
    login(client, people.head)
    current, rows, _html = tab(client)
    assert (current, rows) == ("department", ids(queues, "waiting", "colleague", "mine"))
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    login(client, people.admin)
    current, rows, html = tab(client)
    assert (current, rows) == ("unassigned", ids(queues, "elsewhere", "unrouted", "waiting", "colleague"))
    assert 'data-queue="department"' not in html  # an administrator belongs to no department
    assert tab(client, "nonsense")[0] == "unassigned"  # an unknown tab falls back to the default


def test_the_api_filters_by_queue_for_staff_only(api, people, queues):
    def listed(queue, who=people.staff):
        response = api.get(f"/api/v1/requests?queue={queue}", as_=who)
        return response.status_code, sorted(r["id"] for r in (response.get_json().get("items") or []))

    assert listed("mine") == (200, ids(queues, "mine"))
    assert listed("department") == (200, sorted(ids(queues, "mine", "colleague", "waiting")))  # open only
    assert listed("unassigned") == (200, sorted(ids(queues, "waiting", "unrouted")))
    assert listed("unassigned", people.admin)[1] == sorted(ids(queues, "waiting", "unrouted", "elsewhere"))
    assert listed("mine", people.expert) == (200, [])
    assert listed("department", people.expert)[0] == 422  # an expert has only "mine"
    response = api.get("/api/v1/requests?queue=mine", as_=people.user_a)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    response = api.get("/api/v1/requests?queue=everything", as_=people.staff)
    assert response.status_code == 422 and "queue" in response.get_json()["error"]["fields"]


# --- The assign form of the request page ----------------------------------------------------------------

def test_the_department_head_assigns_from_the_request_page(client, login, people, queues):
    req = queues["waiting"]
    page = f"/admin/core/request/{req.id}/"
    login(client, people.head)
    html = client.get(page).get_data(as_text=True)
    form = re.search(r'<form[^>]*id="rt-assign-form".*?</form>', html, re.S).group(0)
    options = re.findall(r'<option value="(\d+)"', form)
    assert options[:2] == [str(people.head.id), str(people.staff.id)]  # the department's members first
    response = client.post(f"{page}assign", data={"csrf_token": page_csrf(client, page), "assignee": people.expert.id,
                                                  "version": req.version})
    assert response.status_code == 303
    now = ServiceRequest.get_by_id(req.id)
    assert (now.assignee_id, now.current_step) == (people.expert.id, req.current_step)
    assert AuditEvent.select().where((AuditEvent.action == "assign") & (AuditEvent.object_id == str(req.id))).count() == 1
    # A stale form (the version moved on) is refused and changes nothing.
    response = client.post(f"{page}assign", data={"csrf_token": page_csrf(client, page), "assignee": people.staff.id,
                                                  "version": req.version})
    assert response.status_code == 409 and ServiceRequest.get_by_id(req.id).assignee_id == people.expert.id
    response = client.post(f"{page}assign", data={"csrf_token": page_csrf(client, page), "assignee": people.user_a.id,
                                                  "version": now.version})
    assert response.status_code == 422 and 'data-error-for="rt-assign-to"' in response.get_data(as_text=True)


def test_the_head_of_another_department_may_not_assign(client, login, people, queues):
    req = queues["waiting"]
    page = f"/admin/core/request/{req.id}/"
    stranger = user("stranger", ["staff"], department=Department.get(Department.key == "other"), is_department_head=True)
    login(client, stranger)
    assert 'id="rt-assign-form"' not in client.get(page).get_data(as_text=True)
    response = client.post(f"{page}assign", data={"csrf_token": page_csrf(client, page), "assignee": stranger.id,
                                                  "version": req.version})
    assert response.status_code == 403 and ServiceRequest.get_by_id(req.id).assignee_id is None


# --- 服务与部门 -------------------------------------------------------------------------------------------

def test_an_admin_routes_a_service_to_a_department_on_the_routing_screen(client, login, people, platform):
    login(client, people.staff)
    assert client.get("/admin/core/routing/").status_code == 403  # core.department.manage
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    login(client, people.admin)
    html = client.get("/admin/core/routing/").get_data(as_text=True)
    assert re.search(r'<tr data-service="sample" data-source="none">', html)
    csrf = page_csrf(client, "/admin/core/routing/")
    response = client.post("/admin/core/routing/", data={"csrf_token": csrf, "service": "sample", "department": "999"})
    assert response.status_code == 422 and 'data-error-for="department"' in response.get_data(as_text=True)
    response = client.post("/admin/core/routing/", data={"csrf_token": csrf, "service": "sample",
                                                         "department": people.department.id})
    assert response.status_code == 303
    assert ServiceRoute.get(ServiceRoute.service_key == "sample").department_id == people.department.id
    html = client.get("/admin/core/routing/").get_data(as_text=True)
    assert re.search(r'<tr data-service="sample" data-source="admin">\s*<td>[^<]+</td>\s*<td>[^<]+</td>\s*'
                     r'<td class="rt-department">投融资部</td>', html)
    assert AuditEvent.select().where(AuditEvent.action == "route").count() == 1
    filed = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title="新")
    assert filed.department_id == people.department.id
