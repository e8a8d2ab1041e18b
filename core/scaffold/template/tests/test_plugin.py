"""Tests of the ${name} plugin, on SQLite (or PostgreSQL: set RONGTONG_TEST_DATABASE_URL)."""
from rongtong.core.plugin import ServiceRequest

from ${name}.models import Case


def test_a_request_walks_through_every_step_to_completion(walk_workflow, platform):
    request_id = walk_workflow("${name}")
    request = ServiceRequest.get_by_id(request_id)
    assert request.status == "completed"
    assert [t.outcome for t in platform.engine.transitions_of(request)] == ["open", "advance", "advance", "complete"]


def test_an_enterprise_reads_its_own_cases_only(api_client, people, walk_workflow):
    mine = Case.create(request=walk_workflow("${name}", filer=people.user_a), subject="甲的案例")
    Case.create(request=walk_workflow("${name}", filer=people.user_b), subject="乙的案例")
    listed = api_client.get(people.user_a, "${name}/cases")
    assert listed.status_code == 200
    assert [c["subject"] for c in listed.get_json()] == ["甲的案例"]
    assert api_client.get(people.user_a, f"${name}/cases/{mine.id}").status_code == 200
    assert api_client.get(people.user_b, f"${name}/cases/{mine.id}").status_code == 404
    assert len(api_client.get(people.staff, "${name}/cases").get_json()) == 2


def test_the_admin_screen_is_in_chinese_and_read_only_for_enterprises(app, login, people, walk_workflow):
    case = Case.create(request=walk_workflow("${name}"), subject="案例")
    staff, enterprise = app.test_client(), app.test_client()
    login(staff, people.staff)
    page = staff.get("/admin/${name}/case/")
    assert page.status_code == 200 and "${title}" in page.get_data(as_text=True)
    assert staff.get(f"/admin/${name}/case/edit/?id={case.id}").status_code == 200
    login(enterprise, people.user_a)
    assert enterprise.get("/admin/${name}/case/").status_code == 200
    assert enterprise.get(f"/admin/${name}/case/edit/?id={case.id}").status_code == 302  # read-only
