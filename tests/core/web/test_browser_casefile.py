"""The case file walked in a real browser, in Chinese (issue 9 §5 "Proof"; DB1302 6.4.1.2 policy and
information consultation, 5.4.1 paused time, 5.1.2 departments, 6.3 the business process).

An enterprise files a consultation through the portal; the request lands in its department's queue
and with a handler (round-robin); the handler reads the question and pauses asking for materials;
the enterprise is told, answers with a message and a file and resumes in one action; the handler
reads both, answers in the step form and advances to the closing step; the enterprise is told,
reads the answer on its request page and closes with its satisfaction. On the way the bad inputs a
person makes: a refused file type (the message names the file and keeps what was typed), a reply
without a message, a resume without the asked-for file.

Every step asserts what the user sees, that no page shows a raw key or English, and that the
console reports no Content-Security-Policy violation; screenshots go to the test's tmp_path
(``--basetemp`` keeps them). Helpers: tests/support/browser.py.
"""
from __future__ import annotations

import re
import zoneinfo

import pytest

from rongtong.core.casefile import REQUEST_TABLE
from rongtong.core.models import Attachment, RequestMessage, ServiceRequest, Transition, User
from rongtong.core.vocabulary import format_datetime
from tests.core.test_casefile import require_materials
from tests.support.browser import Screenshots, csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SERVICE = "information.consultation"
QUESTION = "我公司主营工业传感器，能否申请省级专精特新中小企业认定？需要准备哪些材料？"
PAUSE_REASON = "请补充近两年的财务审计报告（PDF）。"
REPLY = "已上传2023、2024年度审计报告，请审核。"
ANSWER = "贵公司符合申报条件，请于9月30日前通过省工信厅系统提交申报书，材料清单见附件说明。"

# English a Chinese user must not meet on these screens: raw keys of this walk and leftovers.
RAW_KEYS = ("information.consultation", "information_consultation", "online", "talent", "policy", "accept",
            "answer", "close", "pause", "resume", "advance", "complete", "materials", "paused", "completed",
            "enterprise", "platform", "True", "False", "None")
# ASCII words that may stand in a Chinese page: the language switch and file types (the refusal of
# a type lists the accepted ones, [attachments] allowed_extensions).
ALLOWED_ASCII = {"english", "exe", "csv", "doc", "docx", "jpeg", "jpg", "pdf", "png", "ppt", "pptx", "txt", "xls",
                 "xlsx", "zip"}
# Known, reported: the staff timeline lists the request's audit events by their raw action and the
# actor's username (core/web/admin/requests.py timeline(), not the audit log's ACTION_LABELS).
STAFF_TIMELINE_AUDIT = ("· create · user_a", "(create) · user_a")
# Known, reported: the step forms show marshmallow's own English messages (core/web/fieldforms.py
# flatten_errors does not pass them through the translation core/web/api/messages.py gives the API).
UNTRANSLATED_VALIDATION = ("Missing data for required field.",)


@pytest.fixture
def platform(make_platform):
    platform = make_platform(plugins=("information",), routing={"services": {SERVICE: "finance"}})
    require_materials(platform)  # a pause of the accept step asks for files (Step.pause_requires_files)
    return platform


@pytest.fixture
def cast(people):
    """The people of tests.factories with the names a Chinese site shows (staff is picked first)."""
    names = ((people.staff, "王敏"), (people.head, "李强"), (people.user_a, "张伟"), (people.user_b, "刘洋"),
             (people.admin, "赵静"), (people.expert, "陈专家"), (people.evaluator, "杨评估"))
    for user, name in names:
        User.update(display_name=name).where(User.id == user.id).execute()
    return people


def visible(page, selector="body"):
    return page.inner_text(selector)


def assert_chinese(page, where, selector="body", known=()):
    """No raw key and no English word in what the user reads (visible text only). ``known``: words
    reported and left to their owner's fix (each with its reason where it is passed)."""
    text = visible(page, selector)
    for word in known:
        text = text.replace(word, "")
    words = set(re.findall(r"[A-Za-z_][A-Za-z_.]{2,}", text))
    raw = sorted(k for k in RAW_KEYS if k in words)
    english = sorted(w for w in words if w.lower() not in ALLOWED_ASCII and w not in RAW_KEYS)
    seen = [text[max(0, m.start() - 20):m.end() + 20] for w in raw + english for m in [re.search(re.escape(w), text)]]
    assert not raw and not english, f"{where}: raw keys {raw}, English {english} in {seen}"


def submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def badge(page):
    """The unread count beside 通知 in the portal menu ('' when there is none)."""
    item = page.locator(".main-nav a", has_text="通知").locator(".badge")
    return item.inner_text() if item.count() else ""


def test_consultation_walk_in_chinese(platform, cast, live_server, browser, tmp_path):
    people = cast
    base = live_server
    shot = Screenshots(tmp_path / "screenshots")
    violations = []

    # === the enterprise files a consultation from the service guide ====================================
    ent = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    epage = ent.new_page()
    csp_violations(epage, violations)
    log_in(epage, base, "user_a", shot.directory, "00-enterprise", lang=None)
    assert epage.url.endswith("/my/requests")
    epage.goto(base + "/")
    submit(epage, "text=政策与信息咨询")
    assert visible(epage, "h1") == "服务指南：政策与信息咨询"
    guide = visible(epage, "main")
    assert "3 个工作日" in guide and "受理咨询" in guide and "答复咨询" in guide and "办结确认" in guide
    assert_chinese(epage, "service guide")
    shot(epage, "enterprise-service-guide")
    submit(epage, "text=申请此项服务")
    assert visible(epage, "h1") == "申请政策与信息咨询"
    epage.fill("#title", "专精特新认定咨询")
    epage.select_option("[name='data.channel']", label="线上")
    epage.select_option("[name='data.category']", label="人才")
    epage.fill("[name='data.question']", QUESTION)
    assert_chinese(epage, "apply form")
    shot(epage, "enterprise-apply-form")
    submit(epage, "form.card button[type=submit]")
    assert re.search(r"/my/requests/\d+$", epage.url), epage.url
    request_id = int(epage.url.rsplit("/", 1)[1])
    assert visible(epage, "h1") == "专精特新认定咨询"
    filed = visible(epage, "#filed")
    assert "咨询问题" in filed and QUESTION in filed and "人才" in filed and "线上" in filed
    assert visible(epage, ".workflow li.current") == "受理咨询"
    assert_chinese(epage, "portal request page, filed")
    shot(epage, "enterprise-filed")
    submit(epage, ".main-nav >> text=我的申请")
    row = epage.locator("table.requests tr", has_text="专精特新认定咨询")
    assert row.count() == 1 and "办理中" in row.inner_text() and "政策与信息咨询" in row.inner_text()
    shot(epage, "enterprise-my-requests")

    # === staff: in the department's queue and mine; the question labelled; pause for materials ==========
    staff = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    spage = staff.new_page()
    csp_violations(spage, violations)
    log_in(spage, base, "staff", shot.directory, "00-staff", lang=None)
    assert spage.url.rstrip("/").endswith("/admin"), spage.url
    active = spage.locator("#rt-queues a.active")
    assert active.inner_text().startswith("我的")
    row = spage.locator(f"#rt-inbox tr[data-request-id='{request_id}']")
    assert row.count() == 1
    assert "甲公司" in row.inner_text() and "政策与信息咨询" in row.inner_text() and "受理咨询" in row.inner_text()
    assert "王敏" in row.inner_text()  # round-robin handed it to the first member of 投融资部
    assert_chinese(spage, "staff inbox, mine", "#rt-queue")
    shot(spage, "staff-inbox-mine")
    submit(spage, "#rt-queues >> text=本部门")
    assert spage.locator(f"#rt-inbox tr[data-request-id='{request_id}']").count() == 1
    shot(spage, "staff-inbox-department")
    submit(spage, f"#rt-inbox tr[data-request-id='{request_id}'] a")
    assert f"/admin/core/request/{request_id}/" in spage.url
    intake = visible(spage, "#rt-intake")
    assert "咨询问题" in intake and QUESTION in intake and "咨询类别" in intake and "人才" in intake
    assert spage.locator("[name='data.category'] option:checked").inner_text() == "人才"  # starts from the intake
    assert_chinese(spage, "staff request page", ".container, .container-fluid", known=STAFF_TIMELINE_AUDIT)
    shot(spage, "staff-request-filed")
    spage.fill("#reason", PAUSE_REASON)
    submit(spage, "#rt-outcome-pause")
    assert visible(spage, "#rt-status") == "暂停（待补正材料）"
    timeline = visible(spage, "#rt-timeline")
    assert PAUSE_REASON in timeline
    shot(spage, "staff-paused")

    # === the enterprise is told, reads why, tries the wrong things, then answers with a file ============
    epage.goto(base + "/my/requests")
    assert badge(epage) == "1"
    submit(epage, ".main-nav >> text=通知")
    notice = epage.locator("li.notification.unread")
    assert notice.count() == 1 and PAUSE_REASON in notice.inner_text() and "专精特新认定咨询" in notice.inner_text()
    assert_chinese(epage, "notifications (pause)", "main")
    shot(epage, "enterprise-notified-pause")
    assert notice.locator("button").inner_text() == "查看"
    submit(epage, "li.notification.unread form button")
    assert epage.url.endswith(f"/my/requests/{request_id}"), epage.url
    assert badge(epage) == ""
    assert visible(epage, "#pause-reason") == PAUSE_REASON
    assert "平台请您补正" in visible(epage, "#reply-form")
    assert QUESTION in visible(epage, "#filed")  # what was filed stays readable above
    assert visible(epage, "dd.due") == "暂停期间停止计时"
    assert "撤回理由" in visible(epage, "form.action-withdraw")  # the withdraw form says whose reason it asks
    assert_chinese(epage, "portal request page, paused", "main")
    shot(epage, "enterprise-paused")

    # a refused file type: the message names the file, the typed answer is kept
    epage.fill("#reply-body", REPLY)
    epage.set_input_files("#reply-files", [{"name": "报表工具.exe", "mimeType": "application/octet-stream",
                                            "buffer": b"MZ\x90\x00"}])
    submit(epage, "#reply-send")
    error = visible(epage, "[data-error-for='file']")
    assert "报表工具.exe" in error
    assert epage.input_value("#reply-body") == REPLY
    assert "请重新选择文件" in visible(epage, "#reply-files-again")
    assert_chinese(epage, "reply refused (file type)", "main")
    shot(epage, "enterprise-reply-refused-type")
    # no message at all (the file picked again): the message field says what is missing
    epage.fill("#reply-body", "")
    epage.set_input_files("#reply-files", [{"name": "2024年度审计报告.pdf", "mimeType": "application/pdf",
                                            "buffer": b"%PDF-1.4 audit 2024"}])
    submit(epage, "#reply-send")
    assert visible(epage, "[data-error-for='body']") == "请填写留言内容。"
    assert_chinese(epage, "reply refused (empty)", "main")
    shot(epage, "enterprise-reply-refused-empty")
    # the message without the asked-for file
    epage.fill("#reply-body", REPLY)
    submit(epage, "#reply-send")
    assert visible(epage, "[data-error-for='file']") == "请上传要求补正的材料。"
    assert epage.input_value("#reply-body") == REPLY
    shot(epage, "enterprise-reply-refused-no-file")
    # the answer with the file: the request resumes
    epage.set_input_files("#reply-files", [{"name": "2024年度审计报告.pdf", "mimeType": "application/pdf",
                                            "buffer": b"%PDF-1.4 audit 2024"}])
    submit(epage, "#reply-send")
    assert visible(epage, ".flash") == "答复已提交，请求已恢复办理。"
    assert visible(epage, "dd.status") == "办理中"
    assert epage.locator("#reply-form").count() == 0
    assert "2024年度审计报告.pdf" in visible(epage, "#files")
    assert REPLY in visible(epage, ".timeline")
    assert_chinese(epage, "portal request page, resumed", "main")
    shot(epage, "enterprise-resumed")

    # === staff see the message and the file, answer in the step form, advance to the closing step =======
    # the workbench has no notifications link (reported); staff read theirs on the portal page
    spage.goto(f"{base}/my/notifications")
    assert badge(spage) == "2"  # the request handed to me, and the materials
    told = spage.locator("li.notification.unread").first.inner_text()
    assert "专精特新认定咨询" in told and REPLY in told
    assert_chinese(spage, "staff notifications", "main")
    shot(spage, "staff-notified-materials")
    submit(spage, "li.notification.unread >> nth=0 >> form button")
    assert spage.url.endswith(f"/admin/core/request/{request_id}/"), spage.url
    thread = visible(spage, "#rt-messages")
    assert REPLY in thread and "2024年度审计报告.pdf" in thread and "张伟" in thread
    assert "2024年度审计报告.pdf" in visible(spage, "#rt-attachments")
    assert visible(spage, "#rt-status") == "办理中"
    shot(spage, "staff-sees-materials")
    with spage.expect_download() as download:
        spage.click("#rt-messages >> text=2024年度审计报告.pdf")
    assert download.value.suggested_filename == "2024年度审计报告.pdf"
    spage.select_option("[name='data.category']", label="政策")
    submit(spage, "#rt-outcome-advance")
    assert spage.locator("#rt-workflow li.rt-current").get_attribute("data-step") == "answer"
    # an answer left empty: the step form names the field and nothing moves
    submit(spage, "#rt-outcome-advance")
    assert visible(spage, "[data-error-for='data.answer']")
    assert spage.locator("#rt-workflow li.rt-current").get_attribute("data-step") == "answer"
    shot(spage, "staff-answer-empty")
    assert_chinese(spage, "staff answer form", "#rt-transition-form", known=UNTRANSLATED_VALIDATION)
    spage.fill("[name='data.answer']", ANSWER)
    shot(spage, "staff-answer-form")
    submit(spage, "#rt-outcome-advance")
    assert spage.locator("#rt-workflow li.rt-current").get_attribute("data-step") == "close"
    assert ANSWER in visible(spage, "#rt-timeline")
    assert_chinese(spage, "staff request page, answered", ".container, .container-fluid",
                   known=STAFF_TIMELINE_AUDIT)
    shot(spage, "staff-answered")

    # === the enterprise is told, reads the answer, closes with its satisfaction ========================
    epage.goto(base + "/my/requests")
    assert badge(epage) == "2"  # the accepted step (its category is the enterprise's to read) and the answer
    submit(epage, ".main-nav >> text=通知")
    unread = epage.locator("li.notification.unread")
    assert unread.count() == 2
    newest = unread.first.inner_text()
    assert "答复内容" in newest and ANSWER in newest and "下一步：办结确认" in newest
    assert "咨询类别" in unread.nth(1).inner_text() and "政策" in unread.nth(1).inner_text()
    assert_chinese(epage, "notifications (answer)", "main")
    shot(epage, "enterprise-notified-answer")
    submit(epage, "li.notification.unread >> nth=0 >> form button")
    result = visible(epage, "#latest-result")
    assert "办理结果：答复咨询" in result and "答复内容" in result and ANSWER in result
    assert visible(epage, ".workflow li.current") == "办结确认"
    assert_chinese(epage, "portal request page, answered", "main")
    shot(epage, "enterprise-reads-answer")
    close_form = epage.locator("form.action", has=epage.locator("[name='data.satisfaction']"))
    assert "是否满意" in close_form.inner_text()
    close_form.locator("[name='data.satisfaction']").select_option("satisfied")
    close_form.locator("[name='data.comment']").fill("解答清楚，谢谢！")
    with epage.expect_navigation():
        close_form.locator("button[type=submit]").click()
    assert visible(epage, "dd.status") == "已办结"
    assert visible(epage, "dd.closed-at")  # 办结时间 instead of an empty time limit
    assert epage.locator("form.action").count() == 0 and epage.locator("#message-form").count() == 0
    assert "解答清楚，谢谢！" in visible(epage, ".timeline")
    assert_chinese(epage, "portal request page, completed", "main")
    shot(epage, "enterprise-completed")
    submit(epage, ".main-nav >> text=我的申请")
    assert "已办结" in epage.locator("table.requests tr", has_text="专精特新认定咨询").inner_text()
    shot(epage, "enterprise-my-requests-completed")

    # === times are the site's (Asia/Shanghai), not UTC; then the record itself ===========================
    epage.goto(f"{base}/my/requests/{request_id}")
    page_text = visible(epage, "main")
    req = ServiceRequest.get_by_id(request_id)
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    assert format_datetime(req.opened_at, shanghai) in page_text
    assert format_datetime(req.opened_at) not in page_text  # the UTC reading is 8 hours off
    assert req.status == "completed" and req.department_id == people.department.id
    assert req.assignee_id == people.staff.id
    outcomes = [t.outcome for t in Transition.select().where(Transition.request == request_id).order_by(Transition.id)]
    assert outcomes == ["open", "pause", "resume", "advance", "advance", "complete"]
    assert Transition.select().where(Transition.request == request_id).order_by(Transition.id.desc()).first().data == {
        "satisfaction": "satisfied", "comment": "解答清楚，谢谢！"}
    assert [m.kind for m in RequestMessage.select().where(RequestMessage.request == request_id)] == ["materials"]
    assert [a.filename for a in Attachment.select().where(
        (Attachment.owner_type == REQUEST_TABLE) & (Attachment.owner_id == str(request_id)))] == ["2024年度审计报告.pdf"]

    ent.close()
    staff.close()
    assert not violations, violations
    assert len(shot.taken) >= 20
