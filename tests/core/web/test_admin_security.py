"""The staff admin's one secure base, proven on every screen (issue 3 §2, §6; DB1302 5.3.2 secure
operation of the platform): permission checks, CSRF on every POST, row scope on every object route,
non-recursive deletes, bounded and neutralised exports, audited writes."""
import csv
import re
import io

import pytest
from flask_admin.form import SecureForm
from openpyxl import load_workbook

from rongtong.core.models import AuditEvent, Department, Enterprise, ServiceRequest
from rongtong.core.web.admin import SecureBaseView, SecureModelView
from tests.core.web.admin_support import admin_view, grant, let_enterprises_edit, open_request, page_csrf
from tests.factories import credit_code, enterprise


def admin_views(app):
    return app.extensions["rongtong_admin"]._views


def test_every_admin_view_is_built_on_the_secure_base(app):
    views = admin_views(app)
    assert len(views) >= 12
    endpoints = {v.endpoint for v in views}
    for view in views:
        assert isinstance(view, (SecureModelView, SecureBaseView)), view
        assert view.permission, view.endpoint
        if isinstance(view, SecureModelView):
            assert issubclass(view.form_base_class, SecureForm)
            assert view.simple_list_pager is True
            assert 0 < view.export_max_rows <= 10_000
    # every /admin route belongs to one of those views (nothing unprotected slipped in)
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin") and not rule.endpoint.endswith(".static"):
            assert rule.endpoint.split(".")[0] in endpoints, rule.rule
    # plugin models get {plugin}_{model} at /admin/{plugin}/{model}/, core models under "core"
    assert admin_view(app, "sample_note").url == "/admin/sample/note"
    assert admin_view(app, "core_enterprise").url == "/admin/core/enterprise"


LIST_PAGES = ["/admin/", "/admin/core/enterprise/", "/admin/core/user/", "/admin/core/servicerequest/",
              "/admin/core/auditevent/", "/admin/core/onboarding/", "/admin/sample/note/",
              "/admin/core/attachment/", "/admin/core/apitoken/", "/admin/core/department/"]


@pytest.mark.parametrize("path", LIST_PAGES)
def test_anonymous_is_sent_to_login(client, people, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/admin/", "/admin/core/user/", "/admin/core/auditevent/", "/admin/sample/note/",
                                  "/admin/core/onboarding/", "/admin/core/department/"])
def test_logged_in_user_without_the_permission_gets_403_and_it_is_audited(client, login, people, path):
    login(client, people.user_a)
    assert client.get(path).status_code == 403
    event = AuditEvent.select().where(AuditEvent.action == "permission_denied").order_by(AuditEvent.id.desc()).get()
    assert event.actor_name == "user_a"


def test_staff_reaches_staff_screens_but_not_admin_only_ones(client, login, people):
    login(client, people.staff)
    for path in ["/admin/", "/admin/core/enterprise/", "/admin/core/servicerequest/", "/admin/sample/note/",
                 "/admin/core/onboarding/"]:
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/core/user/").status_code == 403
    assert client.get("/admin/core/auditevent/").status_code == 403


# --- CSRF ---------------------------------------------------------------------------------------------

def test_admin_posts_without_csrf_are_rejected_and_write_nothing(client, login, people, platform):
    req = open_request(platform, people)
    applicant = enterprise("申请企业", status="applied")
    login(client, people.admin)

    def writes():
        return AuditEvent.select().where(AuditEvent.action.not_in(["login", "permission_denied"])).count()

    before = writes()
    attempts = [
        ("/admin/core/department/new/", {"key": "it", "name": "信息部"}),
        (f"/admin/core/department/edit/?id={people.department.id}", {"key": "finance", "name": "改名"}),
        ("/admin/core/department/delete/", {"id": str(people.department.id)}),
        ("/admin/core/department/action/", {"action": "delete", "rowid": str(people.department.id)}),
        (f"/admin/core/onboarding/{applicant.id}/", {"decision": "admitted"}),
        (f"/admin/core/request/{req.id}/", {"outcome": "advance", "version": str(req.version), "data.need": "x"}),
        (f"/admin/core/request/{req.id}/attachments/", {"file": (io.BytesIO(b"pdf"), "a.pdf")}),
        ("/admin/core/apitoken/new/", {"name": "x"}),
    ]
    for path, form in attempts:
        response = client.post(path, data=dict(form))
        assert response.status_code == 400, path
        form = {k: (io.BytesIO(b"pdf"), "a.pdf") if k == "file" else v for k, v in form.items()}
        assert client.post(path, data={**form, "csrf_token": "forged"}).status_code == 400, path
    assert [d.name for d in Department.select()] == ["投融资部"]
    assert Enterprise.get_by_id(applicant.id).status == "applied"
    assert ServiceRequest.get_by_id(req.id).version == req.version
    assert writes() == before


# --- Row scope on every object route -------------------------------------------------------------------

@pytest.fixture
def scoped_editor(platform, people):
    """Enterprise users may edit their own enterprise (an operator's grant), so every write route
    is reachable by a scoped user."""
    grant(platform, "core.enterprise.edit", "enterprise")
    return people.user_a


def test_other_enterprise_ids_are_404_on_details_edit_delete(client, login, people, scoped_editor):
    login(client, scoped_editor)
    token = page_csrf(client, "/admin/core/enterprise/")
    b = people.ent_b.id
    assert client.get(f"/admin/core/enterprise/details/?id={b}").status_code == 404
    assert client.get(f"/admin/core/enterprise/edit/?id={b}").status_code == 404
    assert client.post(f"/admin/core/enterprise/edit/?id={b}",
                       data={"csrf_token": token, "name": "hijacked", "credit_code": people.ent_b.credit_code,
                             "scale": "small", "kind": "sme"}).status_code == 404
    assert client.post("/admin/core/enterprise/delete/", data={"csrf_token": token, "id": str(b)}).status_code == 404
    assert client.get("/admin/core/enterprise/details/?id=not-a-number").status_code == 404
    assert Enterprise.get_by_id(b).name == "乙公司"
    # own record: visible
    assert client.get(f"/admin/core/enterprise/details/?id={people.ent_a.id}").status_code == 200


def test_lists_and_exports_exclude_other_enterprises(client, login, people, platform):
    open_request(platform, people, people.ent_a, title="甲的请求")
    open_request(platform, people, people.ent_b, title="乙的请求")
    login(client, people.user_a)
    html = client.get("/admin/core/enterprise/").get_data(as_text=True)
    assert "甲公司" in html and "乙公司" not in html
    html = client.get("/admin/core/servicerequest/").get_data(as_text=True)
    assert "甲的请求" in html and "乙的请求" not in html
    text = client.get("/admin/core/servicerequest/export/csv/").get_data().decode("utf-8-sig")
    assert "甲的请求" in text and "乙的请求" not in text
    text = client.get("/admin/core/enterprise/export/csv/").get_data().decode("utf-8-sig")
    assert "甲公司" in text and "乙公司" not in text


def test_bulk_actions_only_touch_rows_in_scope(client, login, people, scoped_editor):
    other = enterprise("丙公司")  # nobody's: out of scope for user_a
    login(client, scoped_editor)
    token = page_csrf(client, "/admin/core/enterprise/")
    response = client.post("/admin/core/enterprise/action/", follow_redirects=True, data={
        "csrf_token": token, "action": "delete",
        "rowid": [str(other.id), str(people.ent_b.id), str(people.ent_a.id)]})
    assert response.status_code == 200
    assert Enterprise.select().where(Enterprise.id.in_([other.id, people.ent_b.id, people.ent_a.id])).count() == 3
    # the one row in scope was considered, and refused because its users still refer to it
    assert "甲公司" in response.get_data(as_text=True)
    assert not AuditEvent.select().where(AuditEvent.action == "delete").exists()


def test_foreign_key_lookups_offer_only_rows_in_scope(client, login, people, platform):
    open_request(platform, people, people.ent_a, title="甲的请求")
    open_request(platform, people, people.ent_b, title="乙的请求")
    login(client, people.user_a)
    found = client.get("/admin/core/transition/ajax/lookup/?name=request&query=").get_json()
    assert [label for _id, label in found] == ["甲的请求"]
    found = client.get("/admin/core/servicerequest/ajax/lookup/?name=enterprise&query=公司").get_json()
    assert [label for _id, label in found] == ["甲公司"]


def test_create_form_refuses_a_foreign_key_outside_the_scope(app, client, login, people, platform, scoped_editor):
    grant(platform, "sample.note.edit", "enterprise")
    let_enterprises_edit(app, "sample_note")  # else the screen is read-only for enterprises
    req_b = open_request(platform, people, people.ent_b, title="乙的请求")
    login(client, people.user_a)
    token = page_csrf(client, "/admin/sample/note/new/?lang=en")
    response = client.post("/admin/sample/note/new/", data={"csrf_token": token, "request": str(req_b.id), "text": "x"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    from tests.fixtures.sampleplugin.models import SampleNote

    assert SampleNote.select().count() == 0


# --- Writes: one transaction with the audit event, deletes never recursive -------------------------

def test_create_update_delete_are_audited(client, login, people):
    login(client, people.admin)
    token = page_csrf(client, "/admin/core/department/new/")
    response = client.post("/admin/core/department/new/", data={"csrf_token": token, "key": "it", "name": "信息部",
                                                                 "name_en": "IT", "duties": ""})
    assert response.status_code == 302
    dept = Department.get(Department.key == "it")
    created = AuditEvent.get((AuditEvent.object_type == "core_department") & (AuditEvent.object_id == str(dept.id)))
    assert created.action == "create" and created.actor_name == "admin"
    response = client.post(f"/admin/core/department/edit/?id={dept.id}",
                           data={"csrf_token": token, "key": "it", "name": "信息技术部", "name_en": "IT", "duties": ""})
    assert response.status_code == 302
    update = AuditEvent.select().where(AuditEvent.action == "update").order_by(AuditEvent.id.desc()).get()
    assert '"name":["信息部","信息技术部"]' in update.data
    response = client.post("/admin/core/department/delete/", data={"csrf_token": token, "id": str(dept.id)})
    assert response.status_code == 302
    assert Department.get_or_none(Department.id == dept.id) is None
    assert AuditEvent.select().where((AuditEvent.action == "delete") & (AuditEvent.object_id == str(dept.id))).exists()


def test_delete_of_a_referenced_record_is_refused_with_a_message(client, login, people, platform):
    open_request(platform, people, people.ent_a)
    login(client, people.staff)
    token = page_csrf(client, "/admin/core/enterprise/?lang=en")
    response = client.post("/admin/core/enterprise/delete/", data={"csrf_token": token, "id": str(people.ent_a.id)},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "甲公司 cannot be deleted: it is still referred to by" in html
    assert Enterprise.get_or_none(Enterprise.id == people.ent_a.id) is not None
    assert ServiceRequest.select().where(ServiceRequest.enterprise == people.ent_a.id).count() == 1
    assert not AuditEvent.select().where(AuditEvent.action == "delete").exists()


def test_invalid_input_is_shown_on_the_field_and_nothing_is_written(client, login, people):
    login(client, people.staff)
    token = page_csrf(client, "/admin/core/enterprise/new/?lang=en")
    count = Enterprise.select().count()
    response = client.post("/admin/core/enterprise/new/", data={
        "csrf_token": token, "name": "坏代码公司", "credit_code": "91110000XXXXXXXXX1", "scale": "small", "kind": "sme"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r"credit code", html, re.I)
    assert Enterprise.select().count() == count
    assert not AuditEvent.select().where(AuditEvent.object_type == "core_enterprise").exists()


# --- Exports ----------------------------------------------------------------------------------------------

def test_export_neutralises_formulas_in_csv_and_xlsx(client, login, people):
    enterprise("=HYPERLINK(\"http://evil\",\"x\")", industry="@SUM(1)")
    login(client, people.staff)
    response = client.get("/admin/core/enterprise/export/csv/")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in cells and "'@SUM(1)" in cells
    assert not any(c.startswith(("=", "@", "+")) for c in cells)
    response = client.get("/admin/core/enterprise/export/xlsx/")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert AuditEvent.select().where(AuditEvent.action == "export").count() == 2


def test_export_is_bounded(client, login, people, app):
    for n in range(5):
        Enterprise.create(name=f"企业{n}", credit_code=credit_code(), scale="small", kind="sme", status="admitted")
    admin_view(app, "core_enterprise").export_max_rows = 3
    login(client, people.staff)
    response = client.get("/admin/core/enterprise/export/csv/")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 1 + 3
    assert response.headers["X-Export-Truncated"] == "3"
    assert client.get("/admin/core/enterprise/export/pdf/").status_code == 404


def test_lists_do_not_count_rows(client, login, people, count_queries):
    login(client, people.staff)
    with count_queries() as counter:
        assert client.get("/admin/core/enterprise/").status_code == 200
    assert not any("COUNT(" in s.upper() for s in counter.statements)


# --- Walks over every admin route ------------------------------------------------------------------------

def fill_rule(rule) -> str:
    """A concrete URL for a rule, with 1 (or a known export type) for each argument."""
    url = rule.rule
    for arg in rule.arguments:
        url = re.sub(rf"<(?:[^:>]+:)?{arg}>", "csv" if arg == "export_type" else "1", url)
    return url


def test_every_admin_post_route_refuses_a_missing_csrf_token(app, client, login, people, platform):
    open_request(platform, people)
    login(client, people.admin)
    before = AuditEvent.select().where(AuditEvent.action.not_in(["login", "permission_denied"])).count()
    routes = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin") and "POST" in r.methods]
    assert len(routes) > 40
    for rule in routes:
        url = fill_rule(rule)
        assert client.post(url, data={"id": "1", "rowid": "1", "action": "delete"}).status_code == 400, url
    assert AuditEvent.select().where(AuditEvent.action.not_in(["login", "permission_denied"])).count() == before


def test_every_object_route_hides_another_enterprises_rows(app, client, login, people, platform, scoped_editor):
    """user_a may see (and, by grant, edit) enterprises, requests, transitions, attachments and
    sample notes — but never enterprise B's."""
    import io as _io

    from rongtong.core.attachments import save_upload
    from rongtong.core.models import Attachment, Transition
    from tests.fixtures.sampleplugin.models import SampleNote
    from werkzeug.datastructures import FileStorage

    grant(platform, "sample.note.edit", "enterprise")
    req_b = open_request(platform, people, people.ent_b, title="乙的秘密请求")
    note_b = SampleNote.create(request=req_b, text="乙的秘密备注")
    att_b = save_upload(FileStorage(_io.BytesIO(b"secret"), "乙的秘密.pdf"), req_b, people.staff, platform.config)
    owned_by_b = {"core_enterprise": people.ent_b.id, "core_servicerequest": req_b.id,
                  "core_transition": Transition.get(Transition.request == req_b.id).id,
                  "sample_note": note_b.id, "core_attachment": att_b.id}
    secrets_of_b = ["乙公司", "乙的秘密请求", "乙的秘密备注", "乙的秘密.pdf"]
    login(client, people.user_a)
    token = page_csrf(client, "/admin/core/enterprise/")
    checked = 0
    for endpoint, pk in owned_by_b.items():
        base = admin_view(app, endpoint).url + "/"
        for method, path, form in [("GET", f"details/?id={pk}", None), ("GET", f"edit/?id={pk}", None),
                                   ("POST", f"edit/?id={pk}", {"csrf_token": token, "text": "x", "name": "x"}),
                                   ("POST", "delete/", {"csrf_token": token, "id": str(pk)}),
                                   ("POST", "action/", {"csrf_token": token, "action": "delete", "rowid": str(pk)}),
                                   ("GET", "export/csv/", None), ("GET", "", None)]:
            response = client.open(base + path, method=method, data=form)
            body = response.get_data().decode("utf-8-sig", "replace")
            assert response.status_code in (200, 302, 403, 404), (base + path, response.status_code)
            assert not any(s in body for s in secrets_of_b), base + path
            checked += 1
    for name, q in [("request", "乙"), ("actor", "")]:
        found = client.get(f"/admin/core/transition/ajax/lookup/?name={name}&query={q}").get_json() or []
        assert not any("乙" in label for _id, label in found)
    assert client.get(f"/admin/core/attachment/{att_b.id}/download/").status_code == 404
    assert Enterprise.get_by_id(people.ent_b.id).name == "乙公司"
    assert SampleNote.get_by_id(note_b.id).text == "乙的秘密备注"
    assert Attachment.get_or_none(Attachment.id == att_b.id) is not None
    assert checked == 35


def test_admin_pages_have_no_inline_handlers_the_csp_would_block(app, client, login, people, platform):
    """The CSP allows only nonce'd scripts: an inline ``onclick`` would silently break bulk actions
    and delete confirmations in a real browser (Flask-Admin's inert ``javascript:void(0)``
    placeholders on active tabs and pager items do nothing either way)."""
    req = open_request(platform, people)
    login(client, people.admin)
    pages = ["/admin/", f"/admin/core/request/{req.id}/", "/admin/core/onboarding/"]
    for view in app.extensions["rongtong_admin"]._views:
        if isinstance(view, SecureModelView):
            pages += [view.url + "/", view.url + "/new/"] if view.can_create else [view.url + "/"]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"\son[a-z]+=\"", html), path
        assert not re.search(r"data-rt-action=\"[^\"]*\"[^>]*href=\"javascript:", html), path
        for script in re.findall(r"<script[^>]*>", html):
            assert "nonce=" in script, (path, script)
