"""From 1 November the admin dashboard warns staff when next year has no State Council holiday
arrangement (issue 12; DB1302 5.4.1: the time limits of next year's requests would count computed
holidays only). The clock is injected: ``dashboard.utcnow`` is replaced, never the real time."""
from __future__ import annotations

import datetime

import pytest

from rongtong.core.web.admin import dashboard

UTC = datetime.datetime
WARNING_ZH = "2027 年尚无国务院放假安排"
WARNING_EN = "2027 has no State Council holiday arrangement yet"


@pytest.fixture
def at(monkeypatch):
    def set_now(moment: datetime.datetime):
        monkeypatch.setattr(dashboard, "utcnow", lambda: moment)
    return set_now


def page(client, lang=None):
    return client.get("/admin/" + (f"?lang={lang}" if lang else "")).get_data(as_text=True)


def test_5_4_1_no_warning_before_1_november_in_the_site_zone(client, login, people, at):
    login(client, people.staff)
    at(UTC(2026, 10, 31, 15, 59))  # 23:59 on 31 October in Shanghai
    html = page(client)
    assert "rt-calendar-warning" not in html and WARNING_ZH not in html


def test_5_4_1_staff_are_warned_from_1_november(client, login, people, at):
    login(client, people.staff)
    at(UTC(2026, 10, 31, 16, 0))  # 00:00 on 1 November in Shanghai
    html = page(client)
    assert 'id="rt-calendar-warning"' in html and WARNING_ZH in html and "[calendar.years.2027]" in html
    at(UTC(2026, 12, 31, 12, 0))
    assert WARNING_EN in page(client, "en")


def test_5_4_1_admins_are_warned_and_enterprise_users_are_not(client, login, people, platform):
    november = UTC(2026, 11, 20, 2, 0)
    assert WARNING_EN in dashboard.calendar_warning(people.admin, platform, november)
    assert dashboard.calendar_warning(people.user_a, platform, november) is None


def test_5_4_1_no_warning_once_the_notice_is_in_config(make_platform, people):
    platform = make_platform(calendar={"years": {"2027": {"holidays": ["2027-02-05..2027-02-13"],
                                                          "workdays": ["2027-02-14"]}}})
    assert dashboard.calendar_warning(people.staff, platform, UTC(2026, 11, 20, 2, 0)) is None


def test_5_4_1_no_warning_for_a_next_year_with_official_data(people, platform):
    # On 1 November 2025, 2026 already had chinesecalendar data.
    assert dashboard.calendar_warning(people.staff, platform, UTC(2025, 11, 1, 2, 0)) is None
