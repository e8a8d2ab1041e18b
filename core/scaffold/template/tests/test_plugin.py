"""Tests of the ${name} plugin, on SQLite (or PostgreSQL: set RONGTONG_TEST_DATABASE_URL)."""
from rongtong.core.plugin import ServiceRequest

from ${name}.models import Case


def test_a_request_walks_through_every_step_and_fills_its_case(walk_workflow, platform):
    request_id = walk_workflow("${name}", title="需要${title}")
    request = ServiceRequest.get_by_id(request_id)
    assert request.status == "completed"
    assert [t.outcome for t in platform.engine.transitions_of(request)] == ["open", "advance", "advance", "complete"]
    case = Case.get(Case.request == request_id)
    assert (case.subject, case.need, case.advice, case.satisfied) == ("需要${title}", "需要的服务", "服务意见", True)


def test_an_enterprise_reads_its_own_cases_only(api_client, people, walk_workflow):
    mine = Case.get(Case.request == walk_workflow("${name}", filer=people.user_a, title="甲的申请"))
    walk_workflow("${name}", filer=people.user_b, title="乙的申请")
    listed = api_client.get(people.user_a, "${name}/cases")
    assert listed.status_code == 200
    assert [c["subject"] for c in listed.get_json()] == ["甲的申请"]
    assert api_client.get(people.user_a, f"${name}/cases/{mine.id}").status_code == 200
    assert api_client.get(people.user_b, f"${name}/cases/{mine.id}").status_code == 404
    assert len(api_client.get(people.staff, "${name}/cases").get_json()) == 2


def test_the_admin_screen_is_in_chinese_and_read_only(app, login, people, walk_workflow):
    case = Case.get(Case.request == walk_workflow("${name}"))
    staff = app.test_client()
    login(staff, people.staff)
    page = staff.get("/admin/${name}/case/")
    assert page.status_code == 200 and "${title}" in page.get_data(as_text=True)
    assert staff.get(f"/admin/${name}/case/details/?id={case.id}").status_code == 200
    assert staff.get(f"/admin/${name}/case/edit/?id={case.id}").status_code == 302  # the steps write it
