"""Working days (issue 2 §5; DB1302 5.4.1: services finish within the promised time limit).

N working days count from the next working day after the start; weekends and Chinese public holidays
do not count, make-up workdays (调休) do. Years chinese-calendar does not know fall back to the
statutory days computed from the national regulation plus the [calendar] extras, with one warning —
never a crash (more in test_calendar_statutory.py).
"""
from __future__ import annotations

import datetime
import logging

import pytest

from rongtong.core.calendar import WorkingCalendar
from tests.core.test_cli import assert_user_error, rongtong, write_config

D = datetime.date


@pytest.fixture
def cal():
    return WorkingCalendar()


def test_spring_festival_2026(cal):
    """The issue's example: 02-14 is a make-up Saturday, 02-15..23 the Spring Festival."""
    assert cal.add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)
    assert cal.is_workday(D(2026, 2, 14))  # Saturday, make-up workday
    assert not cal.is_workday(D(2026, 2, 16))  # Monday, holiday
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 25)) == 3


def test_plain_weeks_and_zero_days(cal):
    assert cal.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday + 1 = Monday
    assert cal.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)  # from a Saturday too
    assert cal.add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)
    assert cal.working_days_between(D(2026, 3, 9), D(2026, 3, 2)) == -5


def test_national_day_2026(cal):
    # Oct 1-7 2026 are holidays; Saturday Oct 10 is a make-up workday.
    assert all(not cal.is_workday(D(2026, 10, d)) for d in range(1, 8))
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_late_december_2026_runs_into_2027_with_one_warning(cal, caplog):
    # DB1302 5.4.1, issue 12: 2027 has no official data; its statutory days are computed.
    with caplog.at_level(logging.WARNING, logger="rongtong.core.calendar"):
        assert cal.add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 5)  # New Year's Day is a holiday
        # ... and so are Spring Festival Eve to the third day (02-05..08) with two substitute days
        assert cal.add_working_days(D(2026, 12, 30), 30) == D(2027, 2, 17)
        assert cal.working_days_between(D(2026, 12, 31), D(2027, 1, 8)) == 5
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "2027" in warnings[0].getMessage()


def test_config_extras_apply_even_in_unknown_years():
    cal = WorkingCalendar(extra_holidays=[D(2026, 3, 3), D(2027, 1, 4)], extra_workdays=[D(2026, 3, 7)])
    assert cal.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 4)  # 03-03 is a local holiday
    assert cal.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 7)  # Saturday made a workday
    assert cal.add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 6)  # 01-01 statutory, 01-04 local


def test_calendar_from_config(make_config):
    config = make_config(calendar={"extra_holidays": ["2026-02-25"], "extra_workdays": []}, timezone="UTC")
    cal = WorkingCalendar.from_config(config)
    assert cal.add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 26)
    assert cal.end_of_day_utc(D(2026, 2, 26)) == datetime.datetime(2026, 2, 26, 23, 59, 59)


def test_due_at_is_the_end_of_the_local_day(cal):
    # 2026-03-02 17:30 UTC is already 03-03 01:30 in Shanghai: counting starts after 03-03.
    started = datetime.datetime(2026, 3, 2, 17, 30)
    assert cal.local_date(started) == D(2026, 3, 3)
    assert cal.due_at(started, 2) == datetime.datetime(2026, 3, 5, 15, 59, 59)  # 03-05 23:59:59 +08:00
    assert cal.due_at(started, 2, extra_days=1) == datetime.datetime(2026, 3, 6, 15, 59, 59)


# --- the console script ---------------------------------------------------------------------------

def test_cli_calendar_due(tmp_path):
    result = rongtong("calendar", "due", "2026-02-13", "3", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == "2026-02-25\n"


def test_cli_calendar_due_in_an_unknown_year(tmp_path):
    result = rongtong("calendar", "due", "2026-12-28", "5", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2027-01-05\n"  # 2027-01-01 computed as New Year's Day
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1  # the warning


def test_cli_calendar_due_uses_config_extras(tmp_path):
    write_config(tmp_path, '[calendar]\nextra_holidays = ["2026-12-31"]\n')
    result = rongtong("calendar", "due", "2026-12-28", "5", cwd=tmp_path)
    assert result.stdout == "2027-01-06\n"


@pytest.mark.parametrize("args, needle", [(["2026-02-30", "3"], "START"), (["2026-02-13", "99999"], "DAYS"),
                                          (["2026-02-13", "many"], "DAYS")])
def test_cli_calendar_due_bad_input(tmp_path, args, needle):
    assert_user_error(rongtong("calendar", "due", *args, cwd=tmp_path), 2, needle)
