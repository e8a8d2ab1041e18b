"""The staff's working screens (issue 3 §2, §6): the dashboard inbox (DB1302 5.4.1 time limits),
the request page walking a workflow with step data (DB1302 6.3, 6.4), attachments of a request,
and the enterprise onboarding review (DB1302 4.4.4)."""
import datetime
import io
import re

import pytest

from rongtong.core.models import Attachment, AuditEvent, Enterprise, ServiceRequest, utcnow
from tests.core.web.admin_support import open_request, page_csrf
from tests.factories import enterprise


def table_ids(html, table_id):
    """Request ids of the rows of one dashboard table, in order."""
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    return [int(i) for i in re.findall(r'data-request-id="(\d+)"', match.group(0))] if match else []


def set_step_due(req, due):
    ServiceRequest.update(step_due_at=due).where(ServiceRequest.id == req.id).execute()


# --- Dashboard ------------------------------------------------------------------------------------------

@pytest.fixture
def three_requests(platform, people):
    now = utcnow()
    later = open_request(platform, people, people.ent_a, title="later")
    overdue = open_request(platform, people, people.ent_b, title="overdue")
    soon = open_request(platform, people, people.ent_a, title="soon")
    set_step_due(later, now + datetime.timedelta(days=20))
    set_step_due(overdue, now - datetime.timedelta(days=1))
    set_step_due(soon, now + datetime.timedelta(hours=2))
    closed = open_request(platform, people, people.ent_a, title="closed")
    platform.engine.transition(closed.id, "reject", people.staff, reason="不符合条件")
    return later, overdue, soon


def test_dashboard_inbox_is_sorted_by_step_due_with_overdue_and_due_soon(client, login, people, three_requests):
    later, overdue, soon = three_requests
    login(client, people.staff)
    response = client.get("/admin/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert table_ids(html, "rt-inbox") == [overdue.id, soon.id, later.id]
    assert table_ids(html, "rt-overdue") == [overdue.id]
    assert table_ids(html, "rt-due-soon") == [soon.id]
    assert re.search(r'data-service="sample" data-status="open"><td>[^<]+</td><td>[^<]+</td><td[^>]*>3</td>', html)
    assert re.search(r'data-status="rejected"><td>[^<]+</td><td>[^<]+</td><td[^>]*>1</td>', html)


def test_expert_inbox_holds_only_steps_assigned_to_it(client, login, people, platform, three_requests):
    later, overdue, soon = three_requests
    platform.engine.transition(later.id, "advance", people.staff, data={"need": "融资"}, assignee=people.expert)
    platform.engine.transition(soon.id, "advance", people.staff, data={"need": "融资"})  # deliver, not assigned
    login(client, people.expert)
    html = client.get("/admin/").get_data(as_text=True)
    assert table_ids(html, "rt-inbox") == [later.id]
    assert table_ids(html, "rt-overdue") == []  # the overdue request waits at a staff-only step


def test_dashboard_query_count_does_not_grow_with_rows(client, login, people, platform, count_queries):
    login(client, people.staff)
    open_request(platform, people)
    with count_queries() as few:
        client.get("/admin/")
    for n in range(8):
        open_request(platform, people, title=f"r{n}")
    with count_queries() as many:
        client.get("/admin/")
    assert many.count <= few.count  # (platform-wide counts may come from the short-lived cache)


# --- Request page ---------------------------------------------------------------------------------------

def post_step(client, req, outcome, csrf, version=None, **fields):
    data = {"csrf_token": csrf, "outcome": outcome, "version": str(version if version is not None else req.version)}
    data.update(fields)
    return client.post(f"/admin/core/request/{req.id}/", data=data)


def reload(req):
    return ServiceRequest.get_by_id(req.id)


def test_request_page_shows_workflow_current_step_form_and_outcomes(client, login, people, platform):
    req = open_request(platform, people)
    login(client, people.staff)
    html = client.get(f"/admin/core/request/{req.id}/").get_data(as_text=True)
    assert "甲公司" in html and "示例服务" in html
    assert re.search(r'data-step="accept"\s+aria-current="step"', html)
    assert 'name="data.need"' in html
    buttons = re.findall(r'<button type="submit" name="outcome" value="(\w+)"', html)
    assert buttons == ["advance", "reject", "pause"]  # first step: nothing to return to
    assert 'id="rt-step-days-left"' in html and 'id="rt-paused"' in html


def test_staff_advances_a_request_with_step_data_and_sees_it_in_the_timeline(client, login, people, platform):
    req = open_request(platform, people)
    login(client, people.staff)
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/")
    response = post_step(client, req, "advance", csrf, **{"data.need": "需要融资对接"})
    assert response.status_code == 303
    now = reload(req)
    assert now.current_step == "deliver" and now.version == req.version + 1
    html = client.get(f"/admin/core/request/{req.id}/").get_data(as_text=True)
    assert re.search(r'data-kind="transition" data-outcome="advance"', html)
    assert "需要融资对接" in html
    assert 'name="data.deliverable"' in html and 'name="data.hours"' in html and 'type="number"' in html
    # the next step: an integer field with a bad value gets its message next to the field
    response = post_step(client, now, "advance", csrf, **{"data.deliverable": "报告", "data.hours": "many"})
    assert response.status_code == 422
    assert re.search(r'data-error-for="data.hours">[^<]+', response.get_data(as_text=True))
    assert reload(req).version == now.version


def test_staff_hands_the_next_step_to_an_expert(client, login, people, platform):
    req = open_request(platform, people)
    login(client, people.staff)
    page = client.get(f"/admin/core/request/{req.id}/").get_data(as_text=True)
    assert f'<option value="{people.expert.id}"' in page and f'<option value="{people.user_a.id}"' not in page
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/")
    response = post_step(client, req, "advance", csrf, assignee=str(people.user_a.id), **{"data.need": "x"})
    assert response.status_code == 422 and 'data-error-for="assignee"' in response.get_data(as_text=True)
    assert reload(req).version == req.version
    response = post_step(client, req, "advance", csrf, assignee=str(people.expert.id), **{"data.need": "评估"})
    assert response.status_code == 303
    assert reload(req).assignee_id == people.expert.id
    login(client, people.expert)
    html = client.get(f"/admin/core/request/{req.id}/").get_data(as_text=True)
    assert 'value="advance"' in html  # the expert may act on the deliver step now


def test_missing_step_data_is_shown_next_to_the_field_and_nothing_moves(client, login, people, platform):
    req = open_request(platform, people)
    login(client, people.staff)
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/")
    response = post_step(client, req, "advance", csrf)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'data-error-for="data.need">[^<]+', html)
    assert reload(req).current_step == "accept" and reload(req).version == req.version


def test_reject_needs_a_reason(client, login, people, platform):
    req = open_request(platform, people)
    login(client, people.staff)
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/")
    response = post_step(client, req, "reject", csrf)
    assert response.status_code == 422
    assert re.search(r'data-error-for="reason">[^<]+', response.get_data(as_text=True))
    assert reload(req).status == "open"
    response = post_step(client, req, "reject", csrf, reason="材料不全且无法补正")
    assert response.status_code == 303 and reload(req).status == "rejected"


def test_stale_version_is_a_conflict_and_nothing_changes(client, login, people, platform):
    req = open_request(platform, people)
    login(client, people.staff)
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/?lang=en")
    platform.engine.transition(req.id, "pause", people.head, reason="等待企业补充材料")
    response = post_step(client, req, "advance", csrf, **{"data.need": "x"})
    assert response.status_code == 409
    assert "changed by someone else" in response.get_data(as_text=True)
    assert reload(req).status == "paused" and reload(req).current_step == "accept"


def test_request_of_a_disabled_workflow_is_shown_not_crashed(client, login, people, platform):
    req = open_request(platform, people)
    ServiceRequest.update(workflow_key="retired").where(ServiceRequest.id == req.id).execute()
    login(client, people.staff)
    response = client.get(f"/admin/core/request/{req.id}/")
    assert response.status_code == 200 and "retired" in response.get_data(as_text=True)
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/")
    assert post_step(client, req, "advance", csrf, **{"data.need": "x"}).status_code == 409
    assert client.get("/admin/").status_code == 200


def test_request_page_of_another_enterprise_is_404(client, login, people, platform):
    req = open_request(platform, people, people.ent_a)
    login(client, people.user_b)
    assert client.get(f"/admin/core/request/{req.id}/").status_code == 404
    assert client.get(f"/admin/core/servicerequest/details/?id={req.id}").status_code == 404
    assert client.get("/admin/core/request/999999/").status_code == 404


def test_enterprise_user_sees_own_request_without_staff_outcomes(client, login, people, platform):
    req = open_request(platform, people, people.ent_a)
    login(client, people.user_a)
    html = client.get(f"/admin/core/request/{req.id}/").get_data(as_text=True)
    assert re.findall(r'name="outcome" value="(\w+)"', html) == ["withdraw"]
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/")
    response = post_step(client, req, "advance", csrf, **{"data.need": "x"})
    assert response.status_code == 403
    assert reload(req).current_step == "accept"


# --- Attachments of a request ---------------------------------------------------------------------------

def test_attachment_upload_download_and_scope(client, login, people, platform):
    req = open_request(platform, people, people.ent_a)
    login(client, people.staff)
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/")
    response = client.post(f"/admin/core/request/{req.id}/attachments/", data={
        "csrf_token": csrf, "file": (io.BytesIO(b"%PDF due diligence"), "尽调报告.pdf"), "description": "尽调"})
    assert response.status_code == 303
    att = Attachment.get()
    html = client.get(f"/admin/core/request/{req.id}/").get_data(as_text=True)
    assert "尽调报告.pdf" in html and f"/admin/core/attachment/{att.id}/download/" in html
    assert re.search(r'data-kind="audit" data-outcome="create"', html)
    assert client.get(f"/admin/core/attachment/{att.id}/download/").get_data() == b"%PDF due diligence"
    login(client, people.user_b)
    assert client.get(f"/admin/core/attachment/{att.id}/download/").status_code == 404
    login(client, people.user_a)
    response = client.get(f"/admin/core/attachment/{att.id}/download/")
    assert response.status_code == 200 and response.get_data() == b"%PDF due diligence"
    assert "attachment" in response.headers["Content-Disposition"]


def test_refused_upload_gets_a_clear_message_and_nothing_is_stored(client, login, people, platform):
    req = open_request(platform, people)
    login(client, people.staff)
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/")
    response = client.post(f"/admin/core/request/{req.id}/attachments/", data={
        "csrf_token": csrf, "file": (io.BytesIO(b"MZ"), "tool.exe")})
    assert response.status_code == 422
    assert re.search(r'data-error-for="file">[^<]*\.exe', response.get_data(as_text=True))
    assert Attachment.select().count() == 0


def test_generic_upload_to_another_enterprise_record_is_404(client, login, people, platform):
    req_b = open_request(platform, people, people.ent_b)
    login(client, people.user_a)
    csrf = page_csrf(client, "/admin/core/attachment/")
    response = client.post("/admin/core/attachment/upload/", data={
        "csrf_token": csrf, "owner_type": "core_servicerequest", "owner_id": str(req_b.id),
        "file": (io.BytesIO(b"x"), "a.pdf")})
    assert response.status_code == 404
    assert Attachment.select().count() == 0


# --- Onboarding review (DB1302 4.4.4) -------------------------------------------------------------------

def onboarding_table(html):
    return re.search(r'<table[^>]*id="rt-onboarding".*?</table>', html, re.S).group(0)


def decide(client, csrf, ent, decision, reason=""):
    return client.post(f"/admin/core/onboarding/{ent.id}/", data={"csrf_token": csrf, "decision": decision,
                                                                  "reason": reason})


def test_onboarding_lists_applications_and_admits_with_an_audit_event(client, login, people):
    applicant = enterprise("新申请企业", status="applied")
    login(client, people.staff)
    html = onboarding_table(client.get("/admin/core/onboarding/").get_data(as_text=True))
    assert "新申请企业" in html and "甲公司" not in html  # admitted ones are not waiting
    csrf = page_csrf(client, "/admin/core/onboarding/")
    assert decide(client, csrf, applicant, "admitted").status_code == 303
    ent = Enterprise.get_by_id(applicant.id)
    assert ent.status == "admitted" and ent.reviewed_at is not None
    event = AuditEvent.get((AuditEvent.action == "review") & (AuditEvent.object_id == str(applicant.id)))
    assert event.actor_name == "staff" and '"from":"applied"' in event.data and '"to":"admitted"' in event.data
    assert "新申请企业" not in onboarding_table(client.get("/admin/core/onboarding/").get_data(as_text=True))


def test_onboarding_reject_needs_a_reason_and_is_audited(client, login, people):
    applicant = enterprise("资料不全企业", status="under_review")
    login(client, people.staff)
    csrf = page_csrf(client, "/admin/core/onboarding/")
    response = decide(client, csrf, applicant, "rejected")
    assert response.status_code == 422
    assert re.search(r'data-error-for="reason">[^<]+', response.get_data(as_text=True))
    assert Enterprise.get_by_id(applicant.id).status == "under_review"
    assert decide(client, csrf, applicant, "rejected", "不属于服务对象").status_code == 303
    ent = Enterprise.get_by_id(applicant.id)
    assert ent.status == "rejected" and ent.status_reason == "不属于服务对象"
    assert AuditEvent.select().where(AuditEvent.action == "review").count() == 1


def test_onboarding_refuses_moves_the_rules_do_not_allow(client, login, people):
    login(client, people.staff)
    csrf = page_csrf(client, "/admin/core/onboarding/")
    assert decide(client, csrf, people.ent_a, "under_review").status_code == 422
    assert decide(client, csrf, people.ent_a, "promoted").status_code == 422
    assert decide(client, csrf, Enterprise(id=999999), "admitted").status_code == 404
    assert Enterprise.get_by_id(people.ent_a.id).status == "admitted"
    assert not AuditEvent.select().where(AuditEvent.action == "review").exists()


def test_enterprise_user_cannot_review(client, login, people):
    applicant = enterprise("自荐企业", status="applied")
    login(client, people.user_a)
    assert client.get("/admin/core/onboarding/").status_code == 403
    html = client.get("/admin/core/enterprise/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    response = client.post(f"/admin/core/onboarding/{applicant.id}/",
                           data={"csrf_token": token.group(1) if token else "", "decision": "admitted"})
    assert response.status_code in (400, 403)
    assert Enterprise.get_by_id(applicant.id).status == "applied"


# --- Step forms from marshmallow schemas ----------------------------------------------------------------

def test_step_schema_fields_map_to_html_inputs_and_back(app):
    from marshmallow import Schema, fields, validate
    from werkzeug.datastructures import MultiDict

    from rongtong.core.web.fieldforms import flatten_errors, html_fields, parse_step_data

    class Nested(Schema):
        date = fields.Date(required=True)

    class StepSchema(Schema):
        summary = fields.String(required=True, validate=validate.Length(max=100))
        report = fields.String()
        hours = fields.Integer(strict=True)
        amount = fields.Decimal()
        rate = fields.Float()
        approved = fields.Boolean()
        due = fields.Date()
        grade = fields.String(validate=validate.OneOf(["a", "b"], labels=["优", "良"]))
        tags = fields.List(fields.String())
        sessions = fields.List(fields.Nested(Nested))

    with app.test_request_context("/"):
        specs = html_fields(StepSchema)
    kinds = {s["name"]: s["input"] for s in specs}
    assert kinds == {"summary": "text", "report": "textarea", "hours": "number", "amount": "number",
                     "rate": "number", "approved": "checkbox", "due": "date", "grade": "select",
                     "tags": "textarea", "sessions": "table"}
    assert next(s for s in specs if s["name"] == "grade")["choices"] == [("a", "优"), ("b", "良")]
    form = MultiDict({"data.summary": " 摘要 ", "data.hours": "12", "data.rate": "0.5", "data.approved": "on",
                      "data.tags": "甲\n\n乙\n", "data.sessions.0.date": "2026-03-01", "data.sessions.1.date": "",
                      "data.report": ""})
    data, errors = parse_step_data(form, specs)
    assert errors == {}
    assert data == {"summary": "摘要", "hours": 12, "rate": 0.5, "approved": True, "tags": ["甲", "乙"],
                    "sessions": [{"date": "2026-03-01"}]}
    assert StepSchema().load(data)["hours"] == 12
    assert flatten_errors({"sessions": {0: {"date": ["Not a valid date."]}}, "summary": ["Missing."]}) == {
        "sessions.0.date": ["Not a valid date."], "summary": ["Missing."]}


def test_any_record_details_page_lists_and_takes_attachments(client, login, people):
    login(client, people.staff)
    details = f"/admin/core/enterprise/details/?id={people.ent_a.id}"
    html = client.get(details).get_data(as_text=True)
    assert 'id="rt-upload-form"' in html and 'name="owner_type" value="core_enterprise"' in html
    csrf = page_csrf(client, details)
    response = client.post("/admin/core/attachment/upload/", headers={"Referer": "http://localhost" + details},
                           data={"csrf_token": csrf, "owner_type": "core_enterprise", "owner_id": str(people.ent_a.id),
                                 "file": (io.BytesIO(b"%PDF licence"), "营业执照.pdf")})
    assert response.status_code == 303 and response.headers["Location"].endswith(details)
    att = Attachment.get()
    assert "营业执照.pdf" in client.get(details).get_data(as_text=True)
    login(client, people.user_a)  # the enterprise's own user sees it on its own record
    assert "营业执照.pdf" in client.get(details).get_data(as_text=True)
    assert client.get(f"/admin/core/attachment/{att.id}/download/").get_data() == b"%PDF licence"
    login(client, people.user_b)
    assert client.get(details).status_code == 404
    assert client.get(f"/admin/core/attachment/{att.id}/download/").status_code == 404
