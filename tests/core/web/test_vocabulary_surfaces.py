"""Every surface renders from the field vocabulary (issue 9 §1): step and intake forms (tables of
rows with add/remove, money with its unit, choices by their labels, never a JSON textarea), admin
lists, details, filters and exports (labels, 是/否, site-zone times), the audit log, overdue
deadlines, and the API (offsets on every time, OpenAPI labels, the vocabulary resource).

DB1302 5.4.1 (services by their names, time limits in working days), 6.4.1.2 c (records people
can read)."""
from __future__ import annotations

import csv
import datetime
import importlib.metadata
import io
import re

import pytest

from rongtong.core.models import AuditEvent, ServiceRequest, Transition, utcnow
from tests.core.web.admin_support import admin_view, page_csrf
from tests.factories import PASSWORD

VOCAB = importlib.metadata.EntryPoint("vocab", "tests.core.web.vocabplugin", "rongtong.plugins")


@pytest.fixture
def platform(make_platform):
    """The sample plugin and the vocabulary test plugin (``app``, ``client``, ``people`` follow)."""
    return make_platform(plugins=("sample", "vocab"), entry_points={"vocab": VOCAB})


def vocab_request(platform, people, **data):
    return platform.engine.open_request(enterprise=people.ent_a, service_key="vocab", actor=people.user_a,
                                        title="词汇测试", data={"amount": 500, **data})


def form_of(html: str, form_id: str) -> str:
    return re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)


# --- Forms: widgets round-trip ----------------------------------------------------------------------------

def test_a_table_of_rows_posts_and_parses_back_in_index_order(client, platform, people, login):
    req = vocab_request(platform, people)
    login(client, people.staff)
    page = f"/admin/core/request/{req.id}/"
    form = form_of(client.get(page).get_data(as_text=True), "rt-transition-form")
    # one blank row without JavaScript, the cells named data.<field>.<row>.<column>
    for name in ("data.sessions.0.date", "data.sessions.0.topic", "data.sessions.0.hours", "data.sessions.0.online"):
        assert f'name="{name}"' in form
    assert "data-rt-add-row" in form and "js/fieldwidgets.js" in form
    assert re.findall(r'type="radio" name="data.confidence" value="(\d)"', form) == ["1", "2", "3", "4", "5"]
    assert re.search(r'<option value="onsite">现场</option>', form)
    assert not re.search(r"<textarea[^>]*name=\"data\.", form)  # no step input is a textarea of JSON
    csrf = page_csrf(client, page)
    response = client.post(page, data={
        "csrf_token": csrf, "outcome": "advance", "version": str(req.version),
        "data.sessions.3.date": "2026-03-09", "data.sessions.3.topic": "精益生产",  # rows out of order,
        "data.sessions.0.date": "2026-03-02", "data.sessions.0.topic": "现场管理", "data.sessions.0.hours": "3.5",
        "data.sessions.0.online": "on",
        "data.sessions.1.date": "", "data.sessions.1.topic": "", "data.sessions.1.hours": "",  # a blank row
        "data.confidence": "4", "data.channel": "onsite"})
    assert response.status_code == 303
    step = Transition.select().where(Transition.request == req.id).order_by(Transition.id.desc()).get()
    assert step.data == {"sessions": [
        {"date": "2026-03-02", "topic": "现场管理", "hours": 3.5, "online": True},
        {"date": "2026-03-09", "topic": "精益生产", "hours": None, "online": False}],
        "confidence": 4, "channel": "onsite"}


def test_a_bad_cell_is_named_next_to_its_input_and_nothing_moves(client, platform, people, login):
    req = vocab_request(platform, people)
    login(client, people.staff)
    page = f"/admin/core/request/{req.id}/"
    csrf = page_csrf(client, page)
    response = client.post(page, data={
        "csrf_token": csrf, "outcome": "advance", "version": str(req.version),
        "data.sessions.0.date": "2026-03-02", "data.sessions.0.topic": "现场管理",
        "data.sessions.1.date": "3月9日", "data.sessions.1.topic": "精益生产", "data.confidence": "4",
        "data.channel": "onsite"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'data-error-for="data.sessions.1.date">[^<]+', html)
    assert not re.search(r'data-error-for="data.sessions.0.date"', html)
    assert re.search(r'name="data.sessions.1.date" value="3月9日"', html)  # what was typed is kept
    assert ServiceRequest.get_by_id(req.id).version == req.version


def test_the_portal_intake_shows_money_with_its_unit_and_choices_by_label(client, platform, people, login):
    login(client, people.user_a)
    html = client.get("/services/vocab/apply").get_data(as_text=True)
    assert re.search(r'name="data.amount"[^>]*>\s*<span class="rt-unit">万元</span>', html)
    assert re.search(r'type="checkbox" name="data.kinds" value="debt"> 债权融资', html)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/services/vocab/apply", data={"csrf_token": csrf, "title": "融资", "data.amount": "5,000",
                                                           "data.kinds": ["equity", "debt"]})
    assert response.status_code == 302
    req = ServiceRequest.get(ServiceRequest.title == "融资")
    assert float(req.data["amount"]) == 5000 and req.data["kinds"] == ["equity", "debt"]


def test_html_fields_start_from_known_values(app):
    from rongtong.core.web.fieldforms import html_fields
    from tests.core.web.vocabplugin import PlanSchema

    with app.test_request_context("/"):
        fields = {f["name"]: f for f in html_fields(PlanSchema, {"sessions": [{"date": "2026-03-02", "topic": "甲"}],
                                                                  "channel": "online"})}
    rows = fields["sessions"].rows({})
    assert rows[0]["topic"] == "甲" and rows[1] == {"date": "", "topic": "", "hours": "", "online": False}
    assert fields["channel"].selected({}) == ["online"]


# --- Admin lists, details, filters, exports ---------------------------------------------------------------

def test_every_choice_filter_accepts_the_chinese_and_english_label(make_platform):
    """Built from the registered models of every built-in plugin: each choice filter finds a key
    by its Chinese label and its English one, and offers the labels to pick from."""
    from rongtong.core.setup import BUILTIN_PLUGINS
    from rongtong.core.web.admin.base import ChoiceFilter, SecureModelView
    from rongtong.core.web.app import create_app

    app = create_app(platform=make_platform(plugins=tuple(BUILTIN_PLUGINS)))
    checked = 0
    with app.test_request_context("/?lang=zh_Hans_CN"):
        for view in app.extensions["rongtong_admin"]._views:
            if not isinstance(view, SecureModelView):
                continue
            for flt in view._filters or ():
                if not isinstance(flt, ChoiceFilter):
                    continue
                spec = flt.spec_of()
                for choice in spec.choices:
                    for label in {choice.title_zh(), choice.title_en()}:
                        assert choice.key in flt.keys(label), (view.endpoint, spec.name, label)
                    checked += 1
                if flt.options is not None:
                    assert [k for k, _label in flt.options] == [str(c.key) for c in spec.choices]
    assert checked > 50


def test_requests_filtered_by_the_service_name_show_titles(client, platform, people, login):
    """DB1302 5.4.1: services are known by their names — the list shows 词汇测试服务 and filtering
    服务 by that name finds those requests only."""
    mine = vocab_request(platform, people)
    other = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.staff,
                                          title="示例请求")
    login(client, people.staff)
    from rongtong.core.web.admin.base import ChoiceTextFilter

    view = admin_view(client.application, "core_servicerequest")
    arg = next(f"flt0_{view.get_filter_arg(i, f)}" for i, f in enumerate(view._filters)
               if f.column is ServiceRequest.service_key and isinstance(f, ChoiceTextFilter))
    html = client.get(f"/admin/core/servicerequest/?{arg}=词汇测试").get_data(as_text=True)
    assert f"/admin/core/request/{mine.id}/" in html and f"/admin/core/request/{other.id}/" not in html
    assert re.search(r"<td[^>]*>\s*词汇测试服务\s*</td>", html)  # the service by its name
    assert re.search(r"<td[^>]*>\s*制定方案\s*</td>", html)  # the step by its title
    assert ">vocab<" not in html and ">plan<" not in html


def test_exports_and_the_audit_log_show_site_time(client, platform, people, login):
    req = vocab_request(platform, people)
    tz = platform.calendar.tz
    local = req.opened_at.replace(tzinfo=datetime.timezone.utc).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    login(client, people.admin)
    rows = list(csv.reader(io.StringIO(client.get("/admin/core/servicerequest/export/csv/").get_data(as_text=True)
                                       .lstrip("\ufeff"))))
    header, row = rows[0], next(r for r in rows[1:] if r[0] == str(req.id))
    assert row[header.index("服务")] == "词汇测试服务" and row[header.index("当前环节")] == "制定方案"
    assert row[header.index("状态")] == "办理中"
    html = client.get("/admin/core/auditevent/").get_data(as_text=True)
    event = AuditEvent.select().where(AuditEvent.object_type == "core_servicerequest").get()
    seconds = event.created_at.replace(tzinfo=datetime.timezone.utc).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    assert seconds in html
    assert "服务: 词汇测试服务" in html and '"service_key"' not in html  # the event in words, not JSON
    audit_csv = client.get("/admin/core/auditevent/export/csv/").get_data(as_text=True)
    assert seconds in audit_csv and local[:10] in audit_csv


def test_details_show_booleans_and_json_as_words(client, platform, people, login):
    req = vocab_request(platform, people)
    platform.engine.transition(req.id, "advance", people.staff, data={
        "sessions": [{"date": "2026-03-02", "topic": "现场管理", "online": True}], "confidence": 5, "channel": "online"})
    login(client, people.admin)
    step = Transition.select().where(Transition.request == req.id).order_by(Transition.id.desc()).get()
    html = client.get(f"/admin/core/transition/details/?id={step.id}").get_data(as_text=True)
    table = re.search(r'<table class="table table-sm rt-value-table">.*?</table>', html, re.S).group(0)
    assert "<th scope=\"col\">主题</th>" in table and "现场管理" in table and "<td>是</td>" in table
    assert "{'" not in html and "True" not in html
    users = client.get("/admin/core/user/").get_data(as_text=True)
    assert re.search(r"<td[^>]*>\s*服务人员\s*</td>", users) and re.search(r"<td[^>]*>\s*是\s*</td>", users)


def test_overdue_reads_as_overdue_on_the_request_page_and_dashboard(client, platform, people, login):
    req = vocab_request(platform, people)
    past = utcnow() - datetime.timedelta(days=14)
    ServiceRequest.update(step_due_at=past, due_at=past).where(ServiceRequest.id == req.id).execute()
    login(client, people.staff)
    page = client.get(f"/admin/core/request/{req.id}/").get_data(as_text=True)
    assert re.search(r'id="rt-step-days-left">超期 \d+ 个工作日<', page) and "剩余 -" not in page
    assert re.search(r"badge-danger[^>]*>超期 \d+ 个工作日<", client.get("/admin/").get_data(as_text=True))


def test_overdue_text():
    from rongtong.core.vocabulary import overdue_text

    assert overdue_text(3) == "3 working days left" and overdue_text(0) == "Due today"
    assert overdue_text(-17) == "Overdue by 17 working days" and overdue_text(None) == ""


# --- API --------------------------------------------------------------------------------------------------

def test_api_times_carry_their_offset_and_fields_their_labels(client, platform, people, api_token):
    req = vocab_request(platform, people)
    headers = {"Authorization": f"Bearer {api_token(people.user_a)}"}
    body = client.get(f"/api/v1/requests/{req.id}", headers=headers).get_json()
    for key in ("opened_at", "due_at", "step_due_at", "step_started_at"):
        assert body[key].endswith("+00:00"), key
    assert body["clock"]["due_at"].endswith("+00:00")
    vocab = client.get("/api/v1/vocabulary/vocab?lang=zh_Hans_CN", headers=headers).get_json()
    amount = next(f for f in vocab["intake"] if f["name"] == "amount")
    assert amount["label"] == "融资金额" and amount["label_en"] == "Amount" and amount["unit"] == "万元"
    sessions = vocab["steps"][0]["fields"][0]
    assert sessions["widget"] == "table" and [c["name"] for c in sessions["columns"]] == ["date", "topic", "hours", "online"]
    channel = next(f for f in vocab["steps"][0]["fields"] if f["name"] == "channel")
    assert channel["choices"][1] == {"value": "onsite", "label": "现场", "label_zh": "现场", "label_en": "现场"}
    assert client.get("/api/v1/vocabulary/nope", headers=headers).status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert spec["Enterprise"]["properties"]["scale"]["x-enum-labels"]["small"] == {"zh": "小型", "en": "Small"}
    plan = next(v for k, v in spec.items() if k.endswith("Plan") and "confidence" in v["properties"])
    assert plan["properties"]["channel"]["description"].startswith("方式 / Channel")
    assert plan["properties"]["channel"]["x-enum-labels"]["online"]["zh"] == "线上"


@pytest.mark.browser
def test_add_and_remove_rows_in_a_real_browser(browser, live_server, platform, people):
    """The few lines of fieldwidgets.js: add two rows, remove the first, post — the server gets the
    remaining rows in order (and the CSP lets the script run)."""
    req = vocab_request(platform, people)
    page = browser.new_context(locale="zh-CN").new_page()
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{live_server}/login")
    page.fill("#username", "staff")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    page.goto(f"{live_server}/admin/core/request/{req.id}/")
    table = page.locator("[data-rt-table='data.sessions']")
    table.locator("[data-rt-add-row]").click()
    table.locator("[data-rt-add-row]").click()
    assert table.locator("tr[data-rt-row]").count() == 3
    for i, (day, topic) in enumerate([("2026-03-02", "删掉的一行"), ("2026-03-09", "现场管理"), ("2026-03-16", "精益生产")]):
        page.fill(f"[name='data.sessions.{i}.date']", day)
        page.fill(f"[name='data.sessions.{i}.topic']", topic)
    table.locator("tr[data-rt-row='0'] [data-rt-remove-row]").click()
    page.check("[name='data.confidence'][value='3']")
    page.select_option("[name='data.channel']", "online")
    with page.expect_navigation():
        page.click("#rt-outcome-advance")
    step = Transition.select().where(Transition.request == req.id).order_by(Transition.id.desc()).get()
    assert [r["topic"] for r in step.data["sessions"]] == ["现场管理", "精益生产"]
    assert not blocked
