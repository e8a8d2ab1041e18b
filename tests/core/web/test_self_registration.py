"""Enterprise self-registration (入驻申请) in the portal and its review (DB1302 4.4.4: the
comprehensive management board receives and reviews enterprises' applications; 6.3: the business
process starts with the enterprise's onboarding). The API's side: test_api_self_registration.py."""
from __future__ import annotations

import io

import pytest

from rongtong.core import onboarding
from rongtong.core.models import Attachment, AuditEvent, Enterprise, Notification, OutboxMessage, ServiceRequest, User
from tests import factories
from tests.conftest import _csrf_from_html

MAIL = {"host": "127.0.0.1", "port": 2525}  # e-mail on (the outbox is written; nothing is delivered)
PASSWORD = "licence-2026-ok"


@pytest.fixture
def platform(make_platform):
    return make_platform(mail=MAIL)


def application(**changes) -> dict:
    form = {"name": "石家庄新材料科技有限公司", "credit_code": factories.credit_code(), "scale": "small", "kind": "sme",
            "industry": "新材料", "region": "石家庄", "contact_name": "王经理", "contact_phone": "0311-12345678",
            "contact_email": "wang@example.com", "address": "石家庄市高新区", "description": "",
            "username": "xincailiao", "password": PASSWORD, "confirm": PASSWORD,
            "documents": (io.BytesIO(b"%PDF-1.4 business licence"), "营业执照.pdf")}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def post_application(client, csrf_token, form, lang=None):
    form = dict(form, csrf_token=csrf_token(client, "/enterprises/apply"))
    path = "/enterprises/apply" + (f"?lang={lang}" if lang else "")
    return client.post(path, data=form, content_type="multipart/form-data")


def counts():
    return Enterprise.select().count(), User.select().count(), Attachment.select().count()


def test_4_4_4_the_portal_links_to_a_public_application_form(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/enterprises/apply"' in home
    page = client.get("/enterprises/apply")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="csrf_token"' in html and 'enctype="multipart/form-data"' in html
    for label in ("统一社会信用代码", "规模", "联系人", "用户名", "密码", "营业执照"):
        assert label in html, label
    assert "小型" in html  # choices read through the field vocabulary, never the key alone


def test_4_4_4_an_application_creates_an_applied_enterprise_and_its_user(client, people, platform, csrf_token):
    form = application()
    response = post_application(client, csrf_token, form)
    assert response.status_code == 303 and response.headers["Location"].startswith("/login?next=")
    ent = Enterprise.get(Enterprise.credit_code == form["credit_code"])
    assert (ent.status, ent.name, ent.contact_email, ent.scale) == ("applied", form["name"], "wang@example.com", "small")
    user = User.get(User.username == "xincailiao")
    assert user.enterprise_id == ent.id and user.roles == ["enterprise"] and user.active
    assert user.email == "wang@example.com" and user.check_password(PASSWORD)
    [doc] = Attachment.select().where((Attachment.owner_type == "core_enterprise") & (Attachment.owner_id == str(ent.id)))
    assert doc.filename == "营业执照.pdf" and doc.uploaded_by_id == user.id
    event = AuditEvent.get((AuditEvent.action == "apply") & (AuditEvent.object_id == str(ent.id)))
    assert event.ip == "127.0.0.1" and event.actor_id == user.id


def test_4_4_4_an_applicant_follows_its_application_but_files_nothing_until_admitted(client, people, platform,
                                                                                      csrf_token, login):
    post_application(client, csrf_token, application())
    user = User.get(User.username == "xincailiao")
    assert login(client, user, password=PASSWORD).status_code == 302
    page = client.get("/my/enterprise").get_data(as_text=True)
    assert "已申请" in page and "营业执照.pdf" in page
    token = _csrf_from_html(client.get("/services/sample/apply").get_data(as_text=True))
    early = client.post("/services/sample/apply", data={"csrf_token": token, "title": "设备检测"})
    assert early.status_code == 422 and "尚未入驻平台" in early.get_data(as_text=True)  # not admitted yet
    onboarding.review(user.enterprise_id, "admitted", "", people.staff)
    filed = client.post("/services/sample/apply", data={"csrf_token": token, "title": "设备检测"})
    assert filed.status_code == 302 and ServiceRequest.select().where(ServiceRequest.enterprise == user.enterprise_id).exists()


def test_4_4_4_bad_input_names_every_field_in_the_users_language(client, people, csrf_token):
    before = counts()
    response = post_application(client, csrf_token, application(
        name="", credit_code="91110000600037341X", scale="huge", contact_email="not-an-address", username="a b",
        password="short", confirm="other", documents=None))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("name", "credit_code", "scale", "contact_email", "username", "password", "confirm", "documents"):
        assert f'data-error-for="{field}"' in html, field
    assert "请填写此项" in html and "统一社会信用代码无效：第 18 位" in html and "两次输入的密码不一致" in html
    assert "营业执照" in html and 'value="石家庄新材料科技有限公司"' not in html  # the empty name stays empty
    assert 'value="not-an-address"' in html  # what was typed comes back, never the password
    assert PASSWORD not in html and "short" not in html
    english = post_application(client, csrf_token, application(name="", documents=None), lang="en")
    text = english.get_data(as_text=True)
    assert english.status_code == 422 and "This field is required." in text and "Attach at least one document" in text
    assert counts() == before


def test_4_4_4_documents_respect_the_configured_limits(client, people, platform, csrf_token):
    before = counts()
    wrong = post_application(client, csrf_token, application(documents=(io.BytesIO(b"MZ..."), "licence.exe")))
    assert wrong.status_code == 422 and "licence.exe" in wrong.get_data(as_text=True)
    limit = int(platform.config.get("attachments.max_bytes"))
    big = post_application(client, csrf_token, application(documents=(io.BytesIO(b"x" * (limit + 1)), "big.pdf")))
    assert big.status_code in (413, 422)
    assert counts() == before


def test_4_4_4_a_registered_credit_code_is_refused_without_revealing_more(client, people, csrf_token):
    before = counts()
    response = post_application(client, csrf_token, application(credit_code=people.ent_a.credit_code.lower()))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-error-for="credit_code"' in html and "已登记" in html
    assert people.ent_a.name not in html and "已入驻" not in html
    assert counts() == before


def test_4_4_4_csrf_stays_in_force(client, people):
    before = counts()
    response = client.post("/enterprises/apply", data=application(), content_type="multipart/form-data")
    assert response.status_code == 400
    assert counts() == before


def test_4_4_4_applications_are_limited_per_address(client, people, csrf_token):
    for i in range(onboarding.MAX_PER_ADDRESS):
        ok = post_application(client, csrf_token, application(username=f"applicant{i}"))
        assert ok.status_code == 303, ok.get_data(as_text=True)[:500]
    before = counts()
    refused = post_application(client, csrf_token, application(username="one_too_many"))
    assert refused.status_code == 429 and "申请过于频繁" in refused.get_data(as_text=True)
    assert counts() == before


def test_6_3_the_decision_reaches_the_applicant_and_its_contact_address(client, people, platform, csrf_token,
                                                                       login):
    post_application(client, csrf_token, application(contact_email="boss@example.com"))
    user = User.get(User.username == "xincailiao")
    admin_client = client.application.test_client()
    assert login(admin_client, people.staff).status_code == 302
    screen = admin_client.get("/admin/core/onboarding/").get_data(as_text=True)
    assert "营业执照.pdf" in screen and "boss@example.com" in screen
    token = _csrf_from_html(screen)
    refused = admin_client.post(f"/admin/core/onboarding/{user.enterprise_id}/",
                                data={"decision": "rejected", "reason": "", "csrf_token": token})
    assert refused.status_code == 422  # a refusal needs a reason
    admin_client.post(f"/admin/core/onboarding/{user.enterprise_id}/",
                      data={"decision": "under_review", "reason": "", "csrf_token": token})
    admin_client.post(f"/admin/core/onboarding/{user.enterprise_id}/",
                      data={"decision": "admitted", "reason": "", "csrf_token": token})
    assert Enterprise.get_by_id(user.enterprise_id).status == "admitted"
    [told] = Notification.select().where((Notification.user == user.id) & (Notification.event == "enterprise.admitted"))
    assert "已通过入驻审核" in told.subject and told.link == "/my/enterprise"
    assert OutboxMessage.select().where((OutboxMessage.notification == told.id)
                                        & (OutboxMessage.recipient == "boss@example.com")).exists()


def test_4_4_4_a_refused_applicant_corrects_its_application_and_applies_again(client, people, csrf_token, login):
    post_application(client, csrf_token, application())
    user = User.get(User.username == "xincailiao")
    onboarding.review(user.enterprise_id, "rejected", "营业执照已过期", people.staff)
    assert login(client, user, password=PASSWORD).status_code == 302
    page = client.get("/my/enterprise").get_data(as_text=True)
    assert "营业执照已过期" in page and 'id="apply-again"' in page and 'value="王经理"' in page
    token = _csrf_from_html(page)
    bad = client.post("/my/enterprise/apply-again", data={"name": "", "scale": "small", "csrf_token": token},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and 'data-error-for="name"' in bad.get_data(as_text=True)
    assert Enterprise.get_by_id(user.enterprise_id).status == "rejected"
    form = {k: v for k, v in application(name="石家庄新材料科技股份有限公司").items()
            if k in {f.name for f in onboarding.AGAIN_FIELDS}}
    form.update(csrf_token=token, documents=(io.BytesIO(b"%PDF renewed licence"), "新营业执照.pdf"))
    again = client.post("/my/enterprise/apply-again", data=form, content_type="multipart/form-data")
    assert again.status_code == 303
    ent = Enterprise.get_by_id(user.enterprise_id)
    assert (ent.status, ent.name, ent.status_reason) == ("applied", "石家庄新材料科技股份有限公司", "")
    assert Attachment.select().where(Attachment.owner_id == str(ent.id)).count() == 2
    # once applied (or admitted) there is nothing to correct
    form.pop("documents")
    assert client.post("/my/enterprise/apply-again", data=form, content_type="multipart/form-data").status_code == 409
    other = client.application.test_client()
    login(other, people.staff)
    assert other.post("/my/enterprise/apply-again", data={"csrf_token": _csrf_from_html(
        other.get("/password").get_data(as_text=True))}).status_code == 404  # staff have no enterprise
