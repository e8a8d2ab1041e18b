"""The survey page reached by its token link without login (DB1302 7.1), the survey API, and the
staff screens: time-limit board (5.4.1) and the supervision report with CSV/XLSX export."""
from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest

from rongtong.core.models import AuditEvent, Notification
from rongtong.plugins.evaluation.models import Complaint, Survey
from tests.plugins.evaluation.conftest import complete_sample, open_sample
from tests.support.apiflow import Api, field_errors

INSTITUTION = {"institution_id": 3, "institution_name": "省检测中心"}


@pytest.fixture
def done(platform, people):
    return complete_sample(platform, people, open_sample(platform, people), institution=INSTITUTION)


@pytest.fixture
def link(done, people):
    return Notification.get((Notification.user == people.user_a.id) & (Notification.kind == "survey")).link


def csrf_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_survey_page_works_without_login_and_preselects_no_grade(client, link):
    page = client.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('type="radio"') == 10  # five grades, twice: staff and institution
    assert "checked" not in html
    assert "省检测中心" in html


def test_posting_without_the_csrf_token_is_refused(client, link):
    r = client.post(link, data={"staff_grade": "satisfied", "institution_grade": "satisfied"})
    assert r.status_code == 400
    assert Survey.get().answered_at is None


def test_answering_through_the_page(client, link):
    token = csrf_of(client.get(link).get_data(as_text=True))
    r = client.post(link, data={"csrf_token": token, "staff_grade": "very_dissatisfied", "staff_reason": "",
                                "institution_grade": "satisfied"})
    assert r.status_code == 422 and "field-error" in r.get_data(as_text=True)
    assert Survey.get().answered_at is None
    r = client.post(link, data={"csrf_token": token, "staff_grade": "very_dissatisfied", "staff_reason": "答复敷衍",
                                "institution_grade": "satisfied"})
    assert r.status_code == 200
    assert Survey.get().staff_grade == "very_dissatisfied"
    complaint = Complaint.get()
    assert str(complaint.case_id) in r.get_data(as_text=True)
    # One answer per request: the link now only says thank you.
    assert client.get(link).status_code == 409


def test_an_expired_link_is_refused(client, link):
    Survey.update_where(Survey.id.is_null(False), {"expires_at": datetime.datetime(2000, 1, 1)})
    assert client.get(link).status_code == 410
    assert client.get("/survey/not-a-token").status_code == 404


def test_staff_who_worked_on_the_request_cannot_rate_it(client, login, people, link):
    login(client, people.staff)
    r = client.get(link)
    assert r.status_code == 403 and "不能评价自己" in r.get_data(as_text=True)
    r = client.get(link + "?lang=en")
    assert r.status_code == 403 and "own work" in r.get_data(as_text=True)


def test_survey_api_for_the_enterprise(client, api_token, people, done):
    api = Api(client, api_token)
    surveys = api.get(people.user_a, "evaluation/surveys").get_json()
    assert [s["request"] for s in surveys] == [done.id]
    assert api.get(people.user_b, "evaluation/surveys").get_json() == []
    sid = surveys[0]["id"]
    r = api.post(people.user_a, f"evaluation/surveys/{sid}/answer", {"staff_grade": "dissatisfied"})
    assert r.status_code == 422 and "staff_reason" in field_errors(r)
    r = api.post(people.user_a, f"evaluation/surveys/{sid}/answer", {"staff_grade": "satisfied"})
    assert r.status_code == 422 and "institution_grade" in field_errors(r)
    r = api.post(people.user_a, f"evaluation/surveys/{sid}/answer",
                 {"staff_grade": "satisfied", "institution_grade": "very_satisfied", "comment": "很好"})
    assert r.status_code == 200 and r.get_json()["answered_at"]
    r = api.post(people.user_a, f"evaluation/surveys/{sid}/answer", {"staff_grade": "satisfied", "institution_grade": "satisfied"})
    assert r.status_code == 409
    # Staff are not the rater.
    assert api.post(people.staff, f"evaluation/surveys/{sid}/answer", {"staff_grade": "satisfied"}).status_code == 403
    assert api.post(people.user_b, f"evaluation/surveys/{sid}/answer", {"staff_grade": "satisfied"}).status_code == 404


def test_board_and_report_pages_for_staff_only(client, login, people, done):
    assert client.get("/admin/evaluation/board/").status_code in (302, 401)  # anonymous: to the login page
    login(client, people.user_a)
    assert client.get("/admin/evaluation/board/").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/").get_data(as_text=True))})
    login(client, people.staff)
    board = client.get("/admin/evaluation/board/")
    assert board.status_code == 200 and "<svg" in board.get_data(as_text=True)
    period = f"{done.closed_at.year}-Q{(done.closed_at.month - 1) // 3 + 1}"
    report = client.get(f"/admin/evaluation/report/?period={period}")
    html = report.get_data(as_text=True)
    assert report.status_code == 200 and "<svg" in html and 'id="requests-total">1 / 1' in html
    # Services and grades by their names: 示例服务, not the key "sample" (issue 9 §1)
    by_service = html.split('id="requests-by-service"')[1].split("</table>")[0]
    assert "示例服务" in by_service and ">sample<" not in by_service
    assert client.get("/admin/evaluation/report/?period=2026-Q9").status_code == 422


def test_report_exports_csv_and_xlsx(client, login, people, done):
    login(client, people.staff)
    period = f"{done.closed_at.year}-Q{(done.closed_at.month - 1) // 3 + 1}"
    csv = client.get(f"/admin/evaluation/report/?period={period}&format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data().decode("utf-8-sig")
    assert text.splitlines()[0] == "section,dimension,name,metric,value"
    assert "requests,service,sample,on_time,1" in text
    xlsx = client.get(f"/admin/evaluation/report/?period={period}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.get_data())).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0] == ("section", "dimension", "name", "metric", "value")
    assert ("requests", "all", None, "finished", 1) in rows or ("requests", "all", "", "finished", 1) in rows
    assert AuditEvent.select().where(AuditEvent.action == "export").count() == 2


def test_complaint_channels_from_config_on_the_portal(make_eval_platform):
    from rongtong.core.web.app import create_app

    platform = make_eval_platform({"complaints": {"phone": "0311-12345678", "email": "ts@rongtong.example"}})
    client = create_app(platform=platform).test_client()
    html = client.get("/complaints").get_data(as_text=True)
    assert "0311-12345678" in html and "ts@rongtong.example" in html and "/services/complaint/apply" in html


def test_the_online_complaint_form_on_the_portal(client, login, people, done):
    """The published online channel (DB1302 5.4.2): the portal's form for the complaint service."""
    login(client, people.user_a)
    page = client.get("/services/complaint/apply")
    assert page.status_code == 200
    token = csrf_of(page.get_data(as_text=True))
    r = client.post("/services/complaint/apply", data={
        "csrf_token": token, "title": "投诉：报告延误", "data.channel": "online",
        "data.description": "报告比承诺晚了一周", "data.concerns_request": str(done.id)})
    assert r.status_code == 302, r.get_data(as_text=True)
    complaint = Complaint.get()
    assert complaint.concerns_request_id == done.id and complaint.complainant == str(people.user_a)


def test_every_staff_screen_opens(client, login, people, done, app):
    login(client, people.admin)
    slugs = sorted({r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/admin/evaluation/")
                    and r.rule.count("/") == 4 and r.rule.endswith("/")})
    assert len(slugs) >= 10, slugs
    for rule in slugs:
        assert client.get(rule).status_code == 200, rule
    html = client.get("/admin/evaluation/survey/").get_data(as_text=True)
    assert Survey.get().token_hash not in html  # the token's hash is never shown
    assert f'href="/admin/core/request/{done.id}/"' in html  # staff reach the request page from the list


def test_the_chinese_catalog_gives_the_standards_grade_names(app, client, link):
    """zh_Hans_CN is the default UI language: the five grades read 非常满意 … 非常不满意 (DB1302 7.1).
    The plugin ships its catalog in plugins/evaluation/translations (added here to the app's
    translation directories, which the core does for every enabled plugin that has one)."""
    import os

    import rongtong.plugins.evaluation as plugin

    directory = os.path.join(os.path.dirname(plugin.__file__), "translations")
    dirs = app.extensions["babel"].translation_directories
    if directory not in dirs:
        dirs.append(directory)
    html = client.get(link + "?lang=zh_Hans_CN").get_data(as_text=True)
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意", "您对平台工作人员的服务是否满意？"):
        assert label in html
    english = client.get(link + "?lang=en").get_data(as_text=True)
    assert "Very dissatisfied" in english and "非常不满意" not in english
