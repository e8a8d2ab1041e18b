"""The admin page of declared services (issue 11 §5): the list with each service's state, and the
preview of one service -- its catalog entry (DB1302 4.1.4 fee, 5.4.1 published limit), its forms as
the enterprise and as the staff see them, and its workflow drawn as an SVG diagram."""
from __future__ import annotations

import re

import pytest

from rongtong.core.web.app import create_app
from rongtong.core.web.admin.diagram import edges, workflow_svg
from rongtong.core.workflow import Step, Workflow

CONSULT = """
[service]
key = "consult"
title = "法律咨询"
title_en = "Legal consultation"
fee_type = "free"
department = "finance"

[[intake]]
key = "topic"
type = "choice"
label = "咨询事项"
label_en = "Topic"
required = true
choices = { contract = ["合同纠纷", "Contracts"], labour = ["劳动用工", "Labour"] }

[[steps]]
key = "answer"
title = "律师解答"
title_en = "Lawyer's answer"
roles = ["staff"]
time_limit_days = {days}

  [[steps.fields]]
  key = "opinion"
  type = "textarea"
  label = "法律意见"
  label_en = "Legal opinion"

  [[steps.fields]]
  key = "memo"
  type = "textarea"
  label = "内部备注"
  label_en = "Internal memo"
  visibility = "internal"

[[steps]]
key = "feedback"
title = "企业反馈"
title_en = "Feedback"
roles = ["enterprise"]
time_limit_days = 3
outcomes = ["advance", "return"]

  [[steps.fields]]
  key = "satisfied"
  type = "boolean"
  label = "是否满意"
  label_en = "Satisfied"

[[registers]]
key = "lawyer"
title = "签约律师"
title_en = "Contracted lawyers"

  [[registers.fields]]
  key = "name"
  type = "text"
  label = "姓名"
  label_en = "Name"
{extra}
"""
EXTRA_FIELD = """
  [[registers.fields]]
  key = "firm"
  type = "text"
  label = "律师事务所"
  label_en = "Law firm"
"""


def write_consult(folder, days=5, extra=""):
    folder.mkdir(exist_ok=True)
    (folder / "consult.toml").write_text(CONSULT.replace("{days}", str(days)).replace("{extra}", extra),
                                         encoding="utf-8")
    return folder


@pytest.fixture
def services(tmp_path):
    return write_consult(tmp_path / "services")


@pytest.fixture
def platform(make_platform, services):
    return make_platform(plugins=["management"], services={"directory": str(services)})


def zh(client):
    client.get("/?lang=zh_Hans_CN")
    return client


def page(client, path="/admin/core/declared/"):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def row_of(html, key):
    match = re.search(rf'<tr data-service="{key}".*?</tr>', html, re.S)
    assert match, f"no row for {key}"
    return match.group(0)


# --- The list --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["admin", "staff"])
def test_the_list_shows_the_shipped_and_the_directory_services(client, login, people, who, services):
    """The built-in management (plugins/management/service.toml) and a file of [services] directory."""
    login(client, getattr(people, who))
    html = page(zh(client))
    management = row_of(html, "management")
    assert "管理提升" in management and "Management improvement" in management
    assert "plugins/management/service.toml" in management
    assert 'data-enabled="yes"' in management and 'data-upgrade="no"' in management
    assert "版本 1" in management and "0 个办理中的请求" in management
    assert "management_project" in management and "管理提升项目" in management
    consult = row_of(html, "consult")
    assert "法律咨询" in consult and str(services / "consult.toml") in consult
    assert "consult_lawyer" in consult and "签约律师" in consult
    assert "已启用" in consult


def test_an_enterprise_user_may_not_open_the_screen(client, login, people):
    login(client, people.user_a)
    assert client.get("/admin/core/declared/").status_code == 403
    assert client.get("/admin/core/declared/management/").status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, people):
    response = client.get("/admin/core/declared/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_register_waiting_for_db_upgrade_says_so(make_platform, services, people, login):
    """A register column the database lacks is named, with the command that adds it (issue 11 §2).
    The app refuses to start on such a database (core/checks.py), so the page meets it when the
    database changes under a running app -- here a copy from before the upgrade that added the
    column ``firm``; ``rongtong db upgrade`` (``platform.upgrade()``) adds it back."""
    write_consult(services, extra=EXTRA_FIELD)
    platform = make_platform(plugins=["management"], services={"directory": str(services)})
    app = create_app(platform=platform)
    app.config["TESTING"] = True
    client = app.test_client()
    login(client, people.admin)
    assert 'data-upgrade="no"' in row_of(page(zh(client)), "consult")
    platform.db.execute_sql("ALTER TABLE consult_lawyer DROP COLUMN firm")
    consult = row_of(page(client), "consult")
    assert 'data-upgrade="yes"' in consult
    assert "需要执行 rongtong db upgrade" in consult
    assert "列 consult_lawyer.firm 尚不存在" in consult
    assert 'data-upgrade="no"' in row_of(page(client), "management")
    assert "列 consult_lawyer.firm 尚不存在" in page(client, "/admin/core/declared/consult/")
    platform.upgrade()
    consult = row_of(page(client), "consult")
    assert 'data-upgrade="no"' in consult and "尚不存在" not in consult


def test_versions_are_listed_with_their_open_requests(make_platform, platform, services, people, login):
    """DB1302 5.4.1: a request filed under version 1 stays on it after the file changed; the list
    shows both versions and the request still open on the first."""
    platform.engine.open_request(enterprise=people.ent_a, service_key="consult", actor=people.user_a,
                                 title="合同审查", data={"topic": "contract"})
    write_consult(services, days=8)
    second = make_platform(plugins=["management"], services={"directory": str(services)})
    app = create_app(platform=second)
    app.config["TESTING"] = True
    client = app.test_client()
    login(client, people.staff)
    consult = row_of(page(zh(client)), "consult")
    assert re.search(r'data-version="1" data-open="1">版本 1', consult)
    assert re.search(r'data-version="2" data-open="0">版本 2 <span class="badge badge-primary">当前', consult)
    newest = page(client, "/admin/core/declared/consult/")
    assert "8 个工作日" in newest and 'id="rt-version">版本 2' in newest
    older = page(client, "/admin/core/declared/consult/?version=1")
    assert "5 个工作日" in older and "较早的版本" in older
    bad = client.get("/admin/core/declared/consult/?version=7")
    assert bad.status_code == 400 and "版本 7" in bad.get_data(as_text=True)


# --- One service -----------------------------------------------------------------------------------------

def test_the_preview_shows_the_catalog_entry_forms_and_diagram(client, login, people):
    login(client, people.staff)
    html = page(zh(client), "/admin/core/declared/management/")
    entry = re.search(r'id="rt-catalog-entry".*?</dl>', html, re.S).group(0)
    assert "收费" in entry and "专家咨询按项目协商" in entry  # DB1302 4.1.4 fee type and standard
    assert "65 个工作日" in entry  # DB1302 5.4.1 the published limit
    # the intake and step forms drawn by the shared field macros, by their Chinese labels
    for text in ("提升领域", "需求描述", "需求分析结论", "指派专家", "实施活动", "效果评分", "目标达成情况"):
        assert text in html, text
    assert 'name="data.need"' in html and 'data-rt-table="data.activities"' in html
    assert "<fieldset disabled>" in html
    assert not re.search(r"<textarea[^>]*>\s*[\[{]", html)  # no JSON to type
    # the diagram: one box per step, with its title and time limit, and the returns dashed
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert re.findall(r'<g class="rt-step" data-step="(\w+)">', svg) == ["survey", "plan", "implement", "evaluate"]
    for text in ("需求调研与分析", "改进方案", "组织实施", "效果评估", "15 个工作日", "30 个工作日"):
        assert text in svg, text
    assert 'stroke-dasharray' in svg and "<script" not in svg
    # staff: roles, outcomes, effects, notifications
    plan = re.search(r'<div class="card mb-3 rt-step-card" data-step="plan">.*?</dl>', html, re.S).group(0)
    assert "服务人员" in plan and "10 个工作日" in plan and "推进" in plan and "退回" in plan
    assert "指派牵头专家" in plan and "被指派人" in plan
    evaluate = re.search(r'data-step="evaluate">.*?</dl>', html.split('id="rt-staff-view"')[1], re.S).group(0)
    assert "企业用户" in evaluate and "驳回" not in evaluate


def test_the_enterprise_view_has_its_steps_and_only_the_fields_it_may_read(client, login, people):
    """The enterprise acts on the feedback step; of the lawyer's answer it reads the opinion, never
    the internal memo (DB1302 6.4.1.2 c)."""
    login(client, people.admin)
    html = page(zh(client), "/admin/core/declared/consult/")
    enterprise, staff = html.split('id="rt-enterprise-view"')[1].split('id="rt-staff-view"')
    assert re.search(r'data-step="answer" data-acts="no"', enterprise)
    assert re.search(r'data-step="feedback" data-acts="yes"', enterprise)
    assert "法律意见" in enterprise and "内部备注" not in enterprise and "是否满意" in enterprise
    assert "合同纠纷" in enterprise  # the choice's label in the intake form
    assert "法律意见" in staff and "内部备注" in staff
    assert "投融资部" in html  # the department serving it (DB1302 5.1.2)


def test_an_unknown_service_is_not_found(client, login, people):
    login(client, people.admin)
    assert client.get("/admin/core/declared/nothing/").status_code == 404
    assert client.get("/admin/core/declared/sample/").status_code == 404  # enabled, but not declared


# --- The diagram ---------------------------------------------------------------------------------------

def test_the_diagram_draws_branches_returns_and_escapes_titles():
    workflow = Workflow("w", "流程", "Flow", steps=(
        Step("a", "受理 <审核>", "Intake", time_limit_days=2, next_steps=("b", "c")),
        Step("b", "评审", "Review", time_limit_days=3, outcomes=("advance", "return"), returns_to=("a",)),
        Step("c", "办结", "Close", time_limit_days=1, outcomes=("advance", "reject")),
    ))
    advances, returns = edges(workflow)
    assert advances == [(0, 1), (0, 2), (1, 2), (2, None)]
    assert returns == [(1, 0)]
    svg = str(workflow_svg(workflow, "zh_Hans_CN"))
    assert svg.count('<g class="rt-step"') == 3
    assert "受理 &lt;审核&gt;" in svg and "<审核>" not in svg
    assert svg.count('class="rt-return"') == 1 and svg.count("stroke-dasharray") == 1
    assert svg.count('class="rt-advance rt-branch"') == 1  # a -> c skips b
    assert svg.count('class="rt-advance"') == 3
    english = str(workflow_svg(workflow, "en"))
    assert "Intake" in english and "Review" in english


def test_the_diagram_cuts_only_titles_too_wide_for_their_box():
    steps = (Step("a", "需求调研与分析", "Needs survey and analysis", time_limit_days=15),
             Step("b", "长" * 30, "A very long step title that cannot possibly fit in one box", time_limit_days=1))
    workflow = Workflow("w", "流程", "Flow", steps=steps)
    zh, en = str(workflow_svg(workflow, "zh_Hans_CN")), str(workflow_svg(workflow, "en"))
    assert "1. 需求调研与分析<" in zh and "1. Needs survey and analysis<" in en
    cut = re.search(r">2\. (长+)…<", zh).group(1)
    assert 10 <= len(cut) < 30
    assert re.search(r">2\. A very long step title[^<]*…<", en)
