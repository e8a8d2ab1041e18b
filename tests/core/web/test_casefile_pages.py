"""The case file on the staff request page and the enterprise's portal page (issue 9 §2; DB1302
6.4.1.2 c records of every service, 5.4.1 paused time, 6.3 the business process): staff read what
was filed, both sides read the same thread, the enterprise reads the answer it is asked to rate,
answers a pause with materials in one action, and bad input never loses what was typed."""
from __future__ import annotations

import io
import re

import pytest

from rongtong.core.models import Attachment, RequestMessage, ServiceRequest, Transition
from tests.core.test_casefile import require_materials
from tests.core.web.admin_support import page_csrf


@pytest.fixture
def platform(make_platform):
    return make_platform(plugins=("information",), attachments={"max_bytes": 1000, "allowed_extensions": ["pdf", "txt"]})


def text(response):
    return response.get_data(as_text=True)


def consultation(platform, people, **data):
    return platform.engine.open_request(
        enterprise=people.ent_a, service_key="information.consultation", actor=people.user_a, title="专精特新认定",
        data={"channel": "online", "category": "talent", "question": "我公司能否申请专精特新？", **data},
        assignee=people.staff)


def reload(req):
    return ServiceRequest.get_by_id(req.id)


def staff_step(client, req, outcome, csrf, **fields):
    data = {"csrf_token": csrf, "outcome": outcome, "version": str(reload(req).version)}
    data.update(fields)
    return client.post(f"/admin/core/request/{req.id}/", data=data)


def portal_csrf(client, req):
    html = text(client.get(f"/my/requests/{req.id}"))
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_staff_page_shows_the_intake_labelled_and_the_form_starts_from_it(client, login, people, platform):
    req = consultation(platform, people)
    login(client, people.staff)
    html = text(client.get(f"/admin/core/request/{req.id}/"))
    intake = html[html.index('id="rt-intake"'):html.index('id="rt-workflow"')]
    assert "专精特新认定" in intake and "咨询问题" in intake and "我公司能否申请专精特新？" in intake
    assert "question" not in re.sub(r'data-field="\w+"', "", intake)  # labels, not keys
    # the accept step's category starts from what the enterprise chose
    assert re.search(r'<option value="talent" selected>', html)


def test_consultation_walk_through_both_pages(client, login, people, platform):
    """File → staff pause asking for materials → the enterprise answers with a file and resumes →
    staff see it and answer → the enterprise reads the answer above the satisfaction form and closes."""
    require_materials(platform)
    req = consultation(platform, people)
    login(client, people.staff)
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/")
    assert staff_step(client, req, "pause", csrf, reason="请补充近两年财务报表").status_code == 303
    response = client.post(f"/admin/core/request/{req.id}/messages/", data={
        "csrf_token": csrf, "body": "该企业去年已获省级认定", "internal": "on",
        "files": [(io.BytesIO(b"internal check"), "核查记录.txt")]})
    assert response.status_code == 303
    secret = Attachment.get(Attachment.filename == "核查记录.txt")
    assert secret.internal

    login(client, people.user_a)
    page = text(client.get(f"/my/requests/{req.id}"))
    assert "请补充近两年财务报表" in page and 'id="reply-form"' in page
    assert 'value="resume"' not in page  # one "answer and resume" form, no bare resume button
    assert "该企业去年已获省级认定" not in page and "核查记录.txt" not in page
    assert client.get(f"/my/requests/{req.id}/files/{secret.id}").status_code == 404
    admin_page = client.get(f"/admin/core/request/{req.id}/")  # the enterprise may open it: no note there either
    assert admin_page.status_code == 200
    assert "该企业去年已获省级认定" not in text(admin_page) and "核查记录.txt" not in text(admin_page)
    assert 'id="rt-message-internal"' not in text(admin_page)
    assert client.get(f"/admin/core/attachment/{secret.id}/download/").status_code == 404
    token = portal_csrf(client, req)
    response = client.post(f"/my/requests/{req.id}/reply", data={
        "csrf_token": token, "body": "财报见附件", "version": str(reload(req).version),
        "files": [(io.BytesIO(b"%PDF report"), "2024财报.pdf")]})
    assert response.status_code == 302 and reload(req).status == "open"
    shared = Attachment.get(Attachment.filename == "2024财报.pdf")
    assert client.get(f"/my/requests/{req.id}/files/{shared.id}").get_data() == b"%PDF report"

    login(client, people.staff)
    csrf = page_csrf(client, f"/admin/core/request/{req.id}/")
    html = text(client.get(f"/admin/core/request/{req.id}/"))
    thread = html[html.index('id="rt-messages"'):]
    assert "财报见附件" in thread and "2024财报.pdf" in thread and 'data-kind="materials"' in thread
    assert "rt-internal" in thread and "该企业去年已获省级认定" in thread  # the note is there, marked
    assert staff_step(client, req, "advance", csrf, **{"data.category": "policy"}).status_code == 303
    answer = "贵公司可申请专精特新企业认定，材料清单见附件。"
    assert staff_step(client, req, "advance", csrf, **{"data.answer": answer}).status_code == 303
    html = text(client.get(f"/admin/core/request/{req.id}/"))
    assert re.search(r'data-field="answer">[^<]*专精特新企业认定', html)  # labelled in the timeline

    login(client, people.user_a)
    page = text(client.get(f"/my/requests/{req.id}"))
    result = page.index('id="latest-result"')
    assert answer in page[result:page.index('name="data.satisfaction"')]  # the answer, above the rating
    token = portal_csrf(client, req)
    response = client.post(f"/my/requests/{req.id}/act", data={
        "csrf_token": token, "outcome": "complete", "version": str(reload(req).version),
        "data.satisfaction": "satisfied", "data.comment": "解答清楚"})
    assert response.status_code == 302
    assert reload(req).status == "completed"
    last = Transition.select().where(Transition.request == req.id).order_by(Transition.id.desc()).first()
    assert last.data == {"satisfaction": "satisfied", "comment": "解答清楚"} and last.actor_id == people.user_a.id


def test_portal_bad_inputs_get_a_4xx_naming_the_field_and_keep_what_was_typed(client, login, people, platform):
    require_materials(platform)
    req = consultation(platform, people)
    platform.engine.transition(req.id, "pause", people.staff, reason="请补充营业执照")
    login(client, people.user_b)
    token = portal_csrf(client, consultation_of_b(platform, people))
    for path in ("reply", "messages"):  # someone else's request: it does not exist
        response = client.post(f"/my/requests/{req.id}/{path}", data={"csrf_token": token, "body": "x"})
        assert response.status_code == 404

    login(client, people.user_a)
    token = portal_csrf(client, req)
    cases = [
        ({"files": [(io.BytesIO(b"x" * 1001), "大文件.pdf")]}, "大文件.pdf"),
        ({"files": [(io.BytesIO(b"MZ"), "工具.exe")]}, "工具.exe"),
        ({}, ""),  # the pause asked for materials: resuming without a file is refused
    ]
    for extra, named in cases:
        response = client.post(f"/my/requests/{req.id}/reply", data={"csrf_token": token, "body": "营业执照见附件", **extra})
        assert response.status_code == 422, named
        html = text(response)
        assert re.search(r'data-error-for="file">' + re.escape(named), html), named
        assert ">营业执照见附件</textarea>" in html  # what was typed is kept
    assert reload(req).status == "paused" and RequestMessage.select().count() == 0 and Attachment.select().count() == 0


def consultation_of_b(platform, people):
    return platform.engine.open_request(enterprise=people.ent_b, service_key="information.consultation",
                                        actor=people.user_b, title="乙的咨询")


def test_after_a_return_the_enterprise_corrects_and_resubmits(client, login, people, platform):
    req = consultation(platform, people)
    platform.engine.transition(req.id, "advance", people.staff, data={"category": "policy"})
    platform.engine.transition(req.id, "return", people.staff, reason="请说明企业规模", target="accept")
    login(client, people.user_a)
    page = text(client.get(f"/my/requests/{req.id}"))
    form = page[page.index('id="resubmit-form"'):]
    assert "请说明企业规模" in form and "我公司能否申请专精特新？</textarea>" in form  # prefilled with what it filed
    token = portal_csrf(client, req)
    bad = client.post(f"/my/requests/{req.id}/resubmit", data={
        "csrf_token": token, "title": "", "data.question": "我公司50人", "body": "已补充"})
    assert bad.status_code == 422 and 'data-error-for="title"' in text(bad) and "我公司50人</textarea>" in text(bad)
    ok = client.post(f"/my/requests/{req.id}/resubmit", data={
        "csrf_token": token, "title": "专精特新认定", "data.channel": "online", "data.category": "talent",
        "data.question": "我公司50人，能否申请？", "body": "已补充企业规模", "version": str(reload(req).version)})
    assert ok.status_code == 302
    assert reload(req).data["question"] == "我公司50人，能否申请？"
    login(client, people.staff)
    assert "已补充企业规模" in text(client.get(f"/admin/core/request/{req.id}/"))
