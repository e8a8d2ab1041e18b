"""End to end in a real browser (issue 3 §6): Playwright driving Debian's Chromium against the app
served by a real HTTP server over a migrated database with the sample plugin.

Staff logs in, opens the task inbox, opens an overdue request, advances it with step data and sees
the timeline entry; an enterprise user logs in and sees only its own enterprise's requests
(DB1302 5.4.1 time limits, 6.3 the business process, 5.3.2 secure operation).

Skips when /usr/bin/chromium is missing, unless RONGTONG_REQUIRE_BROWSER=1 (CI), then fails.
Screenshots are kept in the test's tmp_path.
"""
from __future__ import annotations

import datetime

import pytest

from rongtong.core.models import ServiceRequest, Transition, utcnow
from tests.support import browser as support
from tests.support.browser import csp_violations, log_in

pytestmark = pytest.mark.browser


def overdue_request(platform, people, title):
    """A request of enterprise A whose first step ran out 10 days ago (back-dated history)."""
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="sample", actor=people.user_a, title=title)
    past = utcnow() - datetime.timedelta(days=20)
    Transition.update(created_at=past).where(Transition.request == req.id).execute()
    ServiceRequest.update(opened_at=past, step_started_at=past, step_due_at=past + datetime.timedelta(days=3),
                          due_at=past + datetime.timedelta(days=14)).where(ServiceRequest.id == req.id).execute()
    return ServiceRequest.get_by_id(req.id)


def test_staff_advances_an_overdue_request_and_enterprise_sees_only_its_own(browser, live_server, platform, people,
                                                                              tmp_path):
    base = live_server
    shots = tmp_path / "screenshots"
    shots.mkdir()
    late = overdue_request(platform, people, "甲公司逾期请求")
    theirs = platform.engine.open_request(enterprise=people.ent_b, service_key="sample", actor=people.user_b,
                                          title="乙公司的请求")

    # --- staff: inbox -> overdue request -> advance with step data -> timeline
    staff = browser.new_context(locale="en-US")
    page = staff.new_page()
    violations = csp_violations(page)
    log_in(page, base, "staff", shots, "staff")
    assert page.url.rstrip("/").endswith("/admin"), page.url
    row = page.locator(f"#rt-overdue tr[data-request-id='{late.id}']")
    assert row.count() == 1, "the overdue request is listed under Overdue"
    page.screenshot(path=str(shots / "staff-inbox.png"), full_page=True)
    with page.expect_navigation():
        row.locator("a").first.click()
    assert f"/admin/core/request/{late.id}/" in page.url
    assert "甲公司逾期请求" in page.inner_text("#rt-request-title")
    page.fill("[name='data.need']", "设备故障诊断")
    page.screenshot(path=str(shots / "staff-request-before.png"), full_page=True)
    with page.expect_navigation():
        page.click("#rt-outcome-advance")
    timeline = page.inner_text("#rt-timeline")
    assert page.locator("#rt-timeline li[data-outcome='advance']").count() == 1
    assert "设备故障诊断" in timeline
    page.screenshot(path=str(shots / "staff-request-after.png"), full_page=True)
    stored = ServiceRequest.get_by_id(late.id)
    assert stored.current_step == "deliver" and stored.version == late.version + 1
    assert Transition.select().where((Transition.request == late.id) & (Transition.outcome == "advance")).get().data == {
        "need": "设备故障诊断"}
    staff.close()

    # --- enterprise user of A: only A's requests, B's is a 404
    ent = browser.new_context(locale="en-US")
    page = ent.new_page()
    csp_violations(page, violations)
    log_in(page, base, "user_a", shots, "enterprise")
    assert page.url.endswith("/my/requests"), page.url
    listing = page.inner_text("main")
    assert "甲公司逾期请求" in listing and "乙公司的请求" not in listing
    page.screenshot(path=str(shots / "enterprise-requests.png"), full_page=True)
    with page.expect_navigation():
        page.click("text=甲公司逾期请求")
    assert "Advance" in page.inner_text(".timeline")
    assert page.inner_text(".workflow li.current") == "Deliver"
    page.screenshot(path=str(shots / "enterprise-follow.png"), full_page=True)
    response = page.goto(f"{base}/my/requests/{theirs.id}")
    assert response.status == 404 and "乙公司的请求" not in page.content()
    # file a new request through the portal form (with its CSRF token, as a browser does)
    page.goto(f"{base}/services/sample/apply")
    page.fill("#title", "新的服务申请")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    assert "/my/requests/" in page.url and "新的服务申请" in page.inner_text("h1")
    page.screenshot(path=str(shots / "enterprise-filed.png"), full_page=True)
    assert ServiceRequest.select().where((ServiceRequest.title == "新的服务申请")
                                         & (ServiceRequest.enterprise == people.ent_a.id)).count() == 1
    ent.close()

    assert not violations, violations
    assert len(list(shots.iterdir())) >= 8


def test_a_missing_browser_skips_locally_but_fails_when_required(monkeypatch):
    """CI sets RONGTONG_REQUIRE_BROWSER=1: there a missing Chromium is a failure, not a skip."""
    monkeypatch.setattr(support, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("RONGTONG_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="required"):
        support.require_browser()
    monkeypatch.delenv("RONGTONG_REQUIRE_BROWSER")
    with pytest.raises(pytest.skip.Exception):
        support.require_browser()
