"""Self-registration in a real browser (DB1302 4.4.4, 6.3): an enterprise fills in the portal's
application form, first with mistakes (each field's message in Chinese, next to it), then
correctly with its business licence; staff admit it on the onboarding screen, and the applicant
logs in to read the decision. Screenshots go to /work/shots/onboard-*.png when that folder exists
(else the test's tmp_path)."""
from __future__ import annotations

import pathlib

import pytest

from rongtong.core.models import Enterprise, User
from tests import factories
from tests.support.browser import csp_violations, log_in

pytestmark = pytest.mark.browser
SHOTS = pathlib.Path("/work/shots")


def test_4_4_4_apply_in_the_portal_then_staff_admit(browser, live_server, platform, people, tmp_path):
    base = live_server
    shots = SHOTS if SHOTS.is_dir() else tmp_path

    def shot(page, name):
        page.screenshot(path=str(shots / f"onboard-{name}.png"), full_page=True)

    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(b"%PDF-1.4 business licence of the applicant")
    code = factories.credit_code()

    applicant = browser.new_context(locale="zh-CN")
    page = applicant.new_page()
    violations = csp_violations(page)
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.click("#apply-to-join")
    assert page.url.endswith("/enterprises/apply")
    shot(page, "1-form")

    # --- a bad application: wrong check digit, no scale, passwords differ, no document
    page.fill("#f-name", "廊坊云数据服务有限公司")
    page.fill("#f-credit_code", code[:-1] + ("0" if code[-1] != "0" else "1"))
    page.fill("#f-contact_email", "not-an-address")
    page.fill("#f-username", "yunshuju")
    page.fill("#f-password", "a-long-password")
    page.fill("#f-confirm", "another-password")
    with page.expect_navigation():
        page.click("#enterprise-application button[type=submit]")
    errors = {el.get_attribute("data-error-for"): el.inner_text() for el in page.query_selector_all(".field-error")}
    assert "第 18 位" in errors["credit_code"] and "请填写此项" in errors["scale"]
    assert "不一致" in errors["confirm"] and "营业执照" in errors["documents"]
    assert "请填写此项" in errors["industry"]
    assert page.input_value("#f-name") == "廊坊云数据服务有限公司" and page.input_value("#f-password") == ""
    shot(page, "2-errors")
    assert not Enterprise.select().where(Enterprise.name == "廊坊云数据服务有限公司").exists()

    # --- the good one
    page.fill("#f-credit_code", code)
    page.select_option("#f-scale", "small")
    page.select_option("#f-kind", "entrepreneur")
    page.fill("#f-industry", "数据服务")
    page.fill("#f-region", "廊坊")
    page.fill("#f-contact_name", "赵女士")
    page.fill("#f-contact_phone", "0316-2345678")
    page.fill("#f-contact_email", "zhao@example.com")
    page.fill("#f-password", "a-long-password")
    page.fill("#f-confirm", "a-long-password")
    page.set_input_files("#f-documents", str(licence))
    with page.expect_navigation():
        page.click("#enterprise-application button[type=submit]")
    assert "/login" in page.url and "入驻申请已提交" in page.inner_text("main")
    shot(page, "3-sent")
    ent = Enterprise.get(Enterprise.credit_code == code)
    assert ent.status == "applied"

    # --- staff admit it on the onboarding screen
    staff = browser.new_context(locale="zh-CN")
    spage = staff.new_page()
    csp_violations(spage, violations)
    log_in(spage, base, "staff", tmp_path, "staff", lang=None)
    spage.goto(f"{base}/admin/core/onboarding/")
    row = spage.locator(f"tr[data-enterprise-id='{ent.id}']")
    assert "营业执照.pdf" in row.inner_text() and "zhao@example.com" in row.inner_text()
    shot(spage, "4-review")
    with spage.expect_navigation():
        row.locator("button[value=admitted]").click()
    assert Enterprise.get_by_id(ent.id).status == "admitted"
    shot(spage, "5-admitted")

    # --- the applicant reads the decision
    user = User.get(User.username == "yunshuju")
    page.fill("#username", user.username)
    page.fill("#password", "a-long-password")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.url.endswith("/my/enterprise")
    assert "已入驻" in page.inner_text("#application-status")
    page.goto(f"{base}/my/notifications")
    assert "已通过入驻审核" in page.inner_text("main")
    shot(page, "6-decision")
    assert not violations, violations
