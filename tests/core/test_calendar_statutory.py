"""Working days in years the holiday package does not know (issue 12; DB1302 5.4.1: a service's
time limit is counted in working days, so a public holiday must never count as one).

chinesecalendar ships the State Council's arrangement up to 2026. For 2027 the statutory days of the
national regulation (全国年节及纪念日放假办法, 2024) are computed; the State Council's notice can be
entered as ``[calendar.years.YYYY]``; ``rongtong calendar show YEAR`` says which source applies.
"""
from __future__ import annotations

import datetime

import chinese_calendar
import pytest

from rongtong.core.calendar import COMPUTED, CONFIG, OFFICIAL, WorkingCalendar, statutory_holidays
from tests.core.test_cli import assert_user_error, rongtong, write_config

D = datetime.date
NOTICE_2027 = ('[calendar.years.2027]\n'
               'holidays = ["2027-01-01..2027-01-03", "2027-02-05..2027-02-13"]\n'
               'workdays = ["2027-02-14", "2027-02-20"]\n')


def days(first: D, last: D) -> list[D]:
    return [first + datetime.timedelta(days=k) for k in range((last - first).days + 1)]


@pytest.fixture
def cal():
    return WorkingCalendar()


def test_5_4_1_new_years_day_2027_is_not_a_working_day(cal):
    # 2026-12-28 (Mon) + 5 working days: 29, 30, 31, (01-01 holiday, weekend), 01-04, 01-05.
    assert cal.source(2027) == COMPUTED
    assert not cal.is_workday(D(2027, 1, 1))
    assert cal.add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 5)


def test_5_4_1_the_2027_spring_festival_is_a_holiday(cal):
    # Lunar new year 2027 is 02-06 (Sat): the eve 02-05 and 02-06..08 are statutory; 02-06 and 02-07
    # fall on a weekend, so 02-09 and 02-10 are the substitute days the regulation requires.
    assert [d for d in days(D(2027, 2, 4), D(2027, 2, 12)) if not cal.is_workday(d)] == days(D(2027, 2, 5), D(2027, 2, 10))
    assert cal.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 11)


def test_5_4_1_the_other_2027_festivals_are_holidays(cal):
    computed = statutory_holidays(2027)
    assert computed[D(2027, 4, 5)] == "qingming"       # the solar term 清明
    assert computed[D(2027, 6, 9)] == "dragon_boat"    # 5th day of the 5th lunar month
    assert computed[D(2027, 9, 15)] == "mid_autumn"    # 15th day of the 8th lunar month
    assert {d for d, kind in computed.items() if kind == "labour_day"} == {D(2027, 5, 1), D(2027, 5, 2)}
    assert {d for d, kind in computed.items() if kind == "national_day"} == set(days(D(2027, 10, 1), D(2027, 10, 3)))
    assert not any(cal.is_workday(d) for d in computed)
    assert cal.is_workday(D(2027, 2, 20)) is False  # weekends stay weekends: no make-up day is guessed


@pytest.mark.parametrize("year", range(2004, 2027))
def test_5_4_1_computed_days_agree_with_every_official_year(year):
    """The rule, run on years the State Council has published, never makes a working day a holiday —
    except where a notice placed the substitute day before the holiday (2012) or gave none (2015)."""
    assert chinese_calendar.is_workday(D(year, 1, 2)) is not None  # the package knows this year
    wrongly_off = {d for d in statutory_holidays(year) if chinese_calendar.is_workday(d)}
    assert wrongly_off == {2012: {D(2012, 6, 25)}, 2015: {D(2015, 9, 28)}}.get(year, set())


def test_5_4_1_a_config_notice_makes_a_weekend_day_a_workday(make_config):
    config = make_config(calendar={"years": {"2027": {"holidays": ["2027-02-05..2027-02-13"],
                                                      "workdays": ["2027-02-14"]}}})
    cal = WorkingCalendar.from_config(config)
    assert cal.source(2027) == CONFIG
    assert cal.is_workday(D(2027, 2, 14))               # a Sunday worked (调休)
    assert not cal.is_workday(D(2027, 2, 12))           # the notice's longer holiday
    assert not cal.is_workday(D(2027, 10, 1))           # statutory days the notice does not list still count
    assert cal.add_working_days(D(2027, 2, 4), 2) == D(2027, 2, 15)


def test_5_4_1_official_data_wins_over_a_config_notice(make_config):
    # 2026-02-14 (Sat) is an official make-up workday; a notice claiming it a holiday is ignored.
    config = make_config(calendar={"years": {"2026": {"holidays": ["2026-02-14"]}}})
    cal = WorkingCalendar.from_config(config)
    assert cal.source(2026) == OFFICIAL
    assert cal.is_workday(D(2026, 2, 14))
    assert cal.report(2026).notice_ignored


# --- `rongtong calendar show YEAR` ---------------------------------------------------------------

def test_5_4_1_calendar_show_2027_warns_that_the_days_are_only_computed(tmp_path):
    result = rongtong("calendar", "show", "2027", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2027: computed statutory days only")
    assert "  2027-02-05 Fri  Spring Festival" in lines and "  2027-10-01 Fri  National Day" in lines
    assert "make-up workdays: none" in lines
    assert "warning: 2027 has no State Council arrangement yet" in result.stderr


def test_5_4_1_calendar_show_names_the_config_notice_and_its_make_up_days(tmp_path):
    write_config(tmp_path, NOTICE_2027)
    result = rongtong("calendar", "show", "2027", cwd=tmp_path)
    assert result.returncode == 0 and "warning" not in result.stderr
    assert result.stdout.startswith("2027: State Council notice entered in config [calendar.years.2027]")
    tail = result.stdout.split("make-up workdays:\n", 1)[1].splitlines()
    assert tail == ["  2027-02-14 Sun", "  2027-02-20 Sat"]
    assert "  2027-02-12 Fri  holiday of the config notice" in result.stdout


def test_5_4_1_calendar_show_an_official_year(tmp_path):
    result = rongtong("calendar", "show", "2026", cwd=tmp_path)
    assert result.stdout.startswith("2026: official State Council arrangement")
    assert "  2026-02-16 Mon  Spring Festival" in result.stdout and "  2026-02-14 Sat" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("year", ["twenty", "1850"])
def test_calendar_show_bad_year(tmp_path, year):
    assert_user_error(rongtong("calendar", "show", year, cwd=tmp_path), 2, "YEAR")


# --- strict validation of the notice ---------------------------------------------------------------

BAD_NOTICES = [
    # (id, file text, what the one line must name)
    ("bad-date", '[calendar.years.2027]\nholidays = ["2027-02-30"]\n',
     ["calendar.years.2027.holidays", "2027-02-30", "not a date"]),
    ("reversed-range", '[calendar.years.2027]\nholidays = ["2027-02-13..2027-02-05"]\n',
     ["calendar.years.2027.holidays", "ends before it starts"]),
    ("range-of-garbage", '[calendar.years.2027]\nholidays = ["2027-02-05..soon"]\n',
     ["calendar.years.2027.holidays", "soon", "not a date"]),
    ("date-of-another-year", '[calendar.years.2027]\nholidays = ["2028-10-01"]\n',
     ["calendar.years.2027.holidays", "not in 2027"]),
    ("workday-inside-a-holiday", '[calendar.years.2027]\nholidays = ["2027-02-05..2027-02-13"]\nworkdays = ["2027-02-13"]\n',
     ["calendar.years.2027.workdays", "2027-02-13", "also a holiday"]),
    ("workday-on-a-weekday", '[calendar.years.2027]\nworkdays = ["2027-02-15"]\n',
     ["calendar.years.2027.workdays", "2027-02-15", "weekday"]),
    ("not-a-year", '[calendar.years.next]\nholidays = []\n', ["calendar.years.next", "year"]),
    ("unknown-key", '[calendar.years.2027]\nholiday = ["2027-01-01"]\n', ["calendar.years.2027.holiday", "unknown key"]),
    ("not-a-list", '[calendar.years.2027]\nholidays = "2027-01-01"\n', ["calendar.years.2027.holidays", "list"]),
]


@pytest.mark.parametrize("text, needles", [c[1:] for c in BAD_NOTICES], ids=[c[0] for c in BAD_NOTICES])
def test_5_4_1_a_bad_notice_is_one_line_naming_the_key(tmp_path, text, needles):
    write_config(tmp_path, text, "bad.toml")
    for command in (("config", "validate"), ("calendar", "due", "2027-02-04", "1")):
        line = assert_user_error(rongtong("--config", "bad.toml", *command, cwd=tmp_path), 2, "bad.toml", *needles)
        assert line.startswith("error: bad.toml: calendar.years.")
