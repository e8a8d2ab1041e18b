"""Admin screens of the core's records (issue 3 §2): the read-only audit log (DB1302 6.4.1.2 c),
users (passwords never shown), API tokens (shown once), notifications (own only), and what the
generated screens offer (translated labels, search, filters on indexed columns)."""
import re

import pytest

from rongtong.core.models import ApiToken, AuditEvent, Enterprise, Notification, User
from rongtong.core.web.tokens import user_for_token
from tests.core.web.admin_support import admin_view, filter_arg, open_request, page_csrf


# --- Audit log: read-only, filterable ------------------------------------------------------------------

def test_audit_log_is_read_only_whatever_is_posted(client, login, people, platform, app):
    open_request(platform, people)
    login(client, people.admin)
    html = client.get("/admin/core/auditevent/").get_data(as_text=True)
    assert "core_servicerequest" in html
    assert "/admin/core/auditevent/new/" not in html and "/admin/core/auditevent/edit/" not in html
    first = AuditEvent.select().order_by(AuditEvent.id).first()
    count, snapshot = AuditEvent.select().count(), (first.action, first.data, first.hash)
    csrf = page_csrf(client, "/admin/")
    for path, form in [("/admin/core/auditevent/new/", {"action": "forged"}),
                       (f"/admin/core/auditevent/edit/?id={first.id}", {"action": "forged"}),
                       ("/admin/core/auditevent/delete/", {"id": str(first.id)}),
                       ("/admin/core/auditevent/action/", {"action": "delete", "rowid": str(first.id)}),
                       ("/admin/core/auditevent/ajax/update/", {"list_form_pk": str(first.id), "action": "x"})]:
        assert client.post(path, data={"csrf_token": csrf, **form}).status_code == 404, path
    assert client.get("/admin/core/auditevent/new/").status_code == 404
    assert client.get(f"/admin/core/auditevent/edit/?id={first.id}").status_code == 404
    again = AuditEvent.get_by_id(first.id)
    assert (again.action, again.data, again.hash) == snapshot
    # only the admin's own reads happened since (no create/update/delete events about audit rows)
    assert not AuditEvent.select().where(AuditEvent.object_type == "core_auditevent").exists()
    assert AuditEvent.select().count() == count


def test_audit_log_filters_by_actor_object_action_and_date(client, login, people, platform, app):
    req = open_request(platform, people)
    platform.engine.transition(req.id, "reject", people.head, reason="重复申请")
    login(client, people.admin)
    view = admin_view(app, "core_auditevent")

    def ids(query):
        html = client.get(f"/admin/core/auditevent/?{query}").get_data(as_text=True)
        return {int(i) for i in re.findall(r'name="rowid" value="(\d+)"', html)} or \
            {int(i) for i in re.findall(r'/admin/core/auditevent/details/\?id=(\d+)', html)}

    by_action = ids(f"{filter_arg(view, AuditEvent.action)}=transition")
    transition = AuditEvent.get(AuditEvent.action == "transition")
    assert by_action == {transition.id}
    assert ids(f"{filter_arg(view, AuditEvent.actor_name)}=head") == {transition.id}
    by_object = ids(f"{filter_arg(view, AuditEvent.object_type)}=core_servicerequest"
                    f"&flt1_{filter_arg(view, AuditEvent.object_id).split('_', 1)[1]}={req.id}")
    assert by_object == {e.id for e in AuditEvent.select().where(AuditEvent.object_type == "core_servicerequest")}
    after = filter_arg(view, AuditEvent.created_at, "greater")
    assert ids(f"{after}=2999-01-01 00:00:00") == set()


# --- Users ------------------------------------------------------------------------------------------------

def test_password_hash_is_never_shown_and_a_new_password_can_be_set(client, login, people):
    login(client, people.admin)
    for path in ["/admin/core/user/", f"/admin/core/user/details/?id={people.staff.id}",
                 f"/admin/core/user/edit/?id={people.staff.id}"]:
        html = client.get(path).get_data(as_text=True)
        assert "scrypt:" not in html and "pbkdf2:" not in html and "password_hash" not in html, path
    export = client.get("/admin/core/user/export/csv/").get_data().decode("utf-8-sig")
    assert "scrypt:" not in export and "pbkdf2:" not in export
    csrf = page_csrf(client, f"/admin/core/user/edit/?id={people.staff.id}")
    response = client.post(f"/admin/core/user/edit/?id={people.staff.id}", data={
        "csrf_token": csrf, "username": "staff", "display_name": "新名字", "roles": ["staff"],
        "department": str(people.department.id), "active": "y", "language": "zh_Hans_CN",
        "new_password": "another good password"})
    assert response.status_code == 302
    user = User.get_by_id(people.staff.id)
    assert user.check_password("another good password") and user.display_name == "新名字"
    update = AuditEvent.select().where((AuditEvent.action == "update") & (AuditEvent.object_type == "core_user")).get()
    assert "password" not in update.data and "新名字" in update.data


def test_new_user_needs_a_password_and_valid_roles(client, login, people):
    login(client, people.admin)
    csrf = page_csrf(client, "/admin/core/user/new/")
    form = {"csrf_token": csrf, "username": "newbie", "display_name": "", "roles": ["staff"], "language": "zh_Hans_CN"}
    response = client.post("/admin/core/user/new/", data=form)
    assert response.status_code == 200 and User.get_or_none(User.username == "newbie") is None
    response = client.post("/admin/core/user/new/", data={**form, "roles": ["overlord"], "new_password": "long enough pw"})
    assert response.status_code == 200 and User.get_or_none(User.username == "newbie") is None
    response = client.post("/admin/core/user/new/", data={**form, "new_password": "long enough pw"})
    assert response.status_code == 302
    assert User.get(User.username == "newbie").check_password("long enough pw")


def test_deactivating_a_user_ends_their_sessions_and_tokens(app, client, login, people, api_token):
    raw = api_token(people.head)
    other = app.test_client()
    login(other, people.head)
    assert other.get("/admin/").status_code == 200
    login(client, people.admin)
    csrf = page_csrf(client, f"/admin/core/user/edit/?id={people.head.id}")
    response = client.post(f"/admin/core/user/edit/?id={people.head.id}", data={
        "csrf_token": csrf, "username": "head", "display_name": "head", "roles": ["staff"],
        "department": str(people.department.id), "language": "zh_Hans_CN"})  # "active" unticked
    assert response.status_code == 302
    assert User.get_by_id(people.head.id).active is False
    assert user_for_token(raw) is None
    assert other.get("/admin/").status_code == 302  # the open session is gone: back to the login page


# --- API tokens -------------------------------------------------------------------------------------------

def test_token_is_shown_once_stored_hashed_and_can_be_revoked(client, login, people, app):
    login(client, people.staff)
    csrf = page_csrf(client, "/admin/core/apitoken/new/")
    response = client.post("/admin/core/apitoken/new/", data={"csrf_token": csrf, "name": "报表脚本"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    raw = re.search(r'id="rt-new-token">(rt_[^<]+)<', response.get_data(as_text=True)).group(1)
    token = ApiToken.get(ApiToken.name == "报表脚本")
    assert token.user_id == people.staff.id and raw not in token.token_hash
    assert user_for_token(raw).id == people.staff.id
    listing = client.get("/admin/core/apitoken/").get_data(as_text=True)
    assert raw not in listing and token.prefix in listing
    response = client.post("/admin/core/apitoken/action/", data={"csrf_token": csrf, "action": "revoke",
                                                                   "rowid": str(token.id)})
    assert response.status_code == 302
    assert user_for_token(raw) is None


def test_tokens_of_others_are_invisible_and_cannot_be_revoked(client, login, people, api_token):
    raw = api_token(people.head, "head's")
    token = ApiToken.get(ApiToken.user == people.head.id)
    login(client, people.staff)
    assert "head's" not in client.get("/admin/core/apitoken/").get_data(as_text=True)
    csrf = page_csrf(client, "/admin/core/apitoken/")
    client.post("/admin/core/apitoken/action/", data={"csrf_token": csrf, "action": "revoke", "rowid": str(token.id)})
    assert user_for_token(raw).id == people.head.id


# --- Notifications: my own only ----------------------------------------------------------------------------

def test_notifications_show_only_my_own(client, login, people):
    Notification.create(user=people.staff, subject="给员工的提醒")
    Notification.create(user=people.head, subject="给部长的提醒")
    login(client, people.staff)
    html = client.get("/admin/core/notification/").get_data(as_text=True)
    assert "给员工的提醒" in html and "给部长的提醒" not in html
    mine = Notification.get(Notification.user == people.staff.id)
    theirs = Notification.get(Notification.user == people.head.id)
    csrf = page_csrf(client, "/admin/core/notification/")
    client.post("/admin/core/notification/action/", data={"csrf_token": csrf, "action": "mark_read",
                                                            "rowid": [str(mine.id), str(theirs.id)]})
    assert Notification.get_by_id(mine.id).read_at is not None
    assert Notification.get_by_id(theirs.id).read_at is None


# --- Generated screens ------------------------------------------------------------------------------------

def test_generated_screens_have_labels_search_filters_and_newest_first(app, client, login, people):
    view = admin_view(app, "core_enterprise")
    assert view.column_labels["credit_code"] == Enterprise.credit_code.verbose_name
    assert "name" in view.column_searchable_list
    assert "description" not in view.column_list  # long text stays out of lists
    filtered = {getattr(f, "column", None) for f in view._filters}
    assert {Enterprise.status, Enterprise.scale, Enterprise.region, Enterprise.credit_code} <= filtered
    assert Enterprise.name not in filtered and Enterprise.description not in filtered  # not indexed
    assert view.column_default_sort == ("id", True)
    note = admin_view(app, "sample_note")
    assert note.permission == "sample.note.edit"
    login(client, people.staff)
    html = client.get("/admin/core/enterprise/?search=甲").get_data(as_text=True)
    assert "甲公司" in html and "乙公司" not in html
    html = client.get("/admin/core/enterprise/").get_data(as_text=True)  # Chinese by default
    assert "统一社会信用代码" in html and "Unified social credit code" not in html
    html = client.get("/admin/core/enterprise/?lang=en").get_data(as_text=True)
    assert "Unified social credit code" in html


def test_request_list_is_list_only_and_links_to_the_request_page(client, login, people, platform):
    req = open_request(platform, people)
    login(client, people.staff)
    html = client.get("/admin/core/servicerequest/").get_data(as_text=True)
    assert f'href="/admin/core/request/{req.id}/"' in html
    assert client.get("/admin/core/servicerequest/new/").status_code == 302  # creation is not offered
    details = client.get(f"/admin/core/servicerequest/details/?id={req.id}")
    assert details.status_code == 302 and details.headers["Location"].endswith(f"/admin/core/request/{req.id}/")


def test_a_plugin_view_with_an_unknown_permission_stops_start_up(make_platform):
    import types

    from rongtong.core import hookimpl
    from rongtong.core.errors import PluginError
    from rongtong.core.contract import AdminViewSpec
    from rongtong.core.web.app import create_app
    from tests.fixtures.sampleplugin.models import SampleNote

    @hookimpl
    def register_admin_views(platform):
        return [AdminViewSpec(model=SampleNote, permission="sample.typo", slug="typo")]

    platform = make_platform()
    platform.registry.pm.register(types.SimpleNamespace(register_admin_views=register_admin_views), name="typo")
    with pytest.raises(PluginError, match="typo.*unknown permission 'sample.typo'"):
        create_app(platform=platform)


def test_list_columns_are_edited_as_comma_separated_text(app):
    """A ListField (e.g. an investor's industries) gets a text input: values joined by commas when
    shown, split again when posted, and the column's length limit applies to the joined text."""
    import peewee
    from werkzeug.datastructures import MultiDict
    from wtfpeewee.orm import model_form

    from rongtong.core.fields import ListField
    from rongtong.core.models import BaseModel
    from rongtong.core.web.admin.base import ScopedModelConverter
    from rongtong.core.web.admin.generated import CommaListField, default_options

    class Investor(BaseModel):
        name = peewee.CharField(max_length=50)
        industries = ListField(max_length=20, default="")

        class Meta:
            table_name = "test_investor"

    options = default_options(Investor)
    assert options["form_overrides"] == {"industries": CommaListField}

    class Converter(ScopedModelConverter):
        pass

    view = type("V", (), {"form_overrides": options["form_overrides"], "_form_ajax_refs": {}})()
    form_class = model_form(Investor, converter=Converter(view))
    with app.test_request_context("/"):
        form = form_class(obj=Investor(name="甲", industries=["制造", "医药"]))
        assert 'value="制造, 医药"' in form.industries()
        form = form_class(MultiDict({"name": "甲", "industries": "制造，医药、 新能源 ,"}))
        assert form.validate() and form.industries.data == ["制造", "医药", "新能源"]
        form = form_class(MultiDict({"name": "甲", "industries": "一二三四五六七八九十, 十一十二十三十四十五"}))
        assert not form.validate() and "20" in form.industries.errors[0]
