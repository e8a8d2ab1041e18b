"""Reporting periods (core.toolkit.periods), used by the periodic statistics of DB1302 6.4.1.2 d."""
import datetime

import click
import pytest
from click.testing import CliRunner

from rongtong.core.errors import ValidationFailed
from rongtong.core.toolkit.periods import PERIOD, Period, PeriodError, iter_months, parse_period, period_of

D = datetime.date


@pytest.mark.parametrize("text, start, end, label, kind", [
    ("2026", D(2026, 1, 1), D(2026, 12, 31), "2026", "year"),
    ("2026-H1", D(2026, 1, 1), D(2026, 6, 30), "2026-H1", "half"),
    ("2026-h2", D(2026, 7, 1), D(2026, 12, 31), "2026-H2", "half"),
    ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30), "2026-Q3", "quarter"),
    (" 2026-q1 ", D(2026, 1, 1), D(2026, 3, 31), "2026-Q1", "quarter"),
    ("2026-09", D(2026, 9, 1), D(2026, 9, 30), "2026-09", "month"),
    ("2026-9", D(2026, 9, 1), D(2026, 9, 30), "2026-09", "month"),
    ("2028-02", D(2028, 2, 1), D(2028, 2, 29), "2028-02", "month"),  # leap year
    ("2026-02", D(2026, 2, 1), D(2026, 2, 28), "2026-02", "month"),
])
def test_parse(text, start, end, label, kind):
    p = parse_period(text)
    assert tuple(p) == (start, end, label)
    s, e, lab = p  # unpacks as (start_date, end_date, label)
    assert (s, e, lab) == (start, end, label)
    assert p.kind == kind and str(p) == label


@pytest.mark.parametrize("text, words", [
    ("", "required"),
    ("   ", "required"),
    ("2026-Q5", "not a period"),
    ("2026-13", "the month must be 01 to 12"),
    ("2026-00", "the month must be 01 to 12"),
    ("26-Q1", "not a period"),
    ("2026/09", "not a period"),
    ("Q3 2026", "not a period"),
    ("0999", "the year must be between"),
    ("2026-H3", "not a period"),
])
def test_bad_periods_are_clear_validation_errors(text, words):
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    err = info.value
    assert words in err.message
    # Usable as the core's ValidationFailed (HTTP 422 naming the field) and as a ValueError.
    assert isinstance(err, ValidationFailed) and isinstance(err, ValueError)
    assert err.http_status == 422 and err.exit_code == 2
    assert list(err.fields) == ["period"]


def test_error_names_the_field_given():
    with pytest.raises(PeriodError) as info:
        parse_period("nope", field="quarter")
    assert "quarter" in info.value.fields


def test_not_a_string_is_refused():
    with pytest.raises(PeriodError):
        parse_period(None)


def test_months_of_periods():
    assert [m.label for m in parse_period("2026-Q3").months()] == ["2026-07", "2026-08", "2026-09"]
    assert len(parse_period("2026").months()) == 12
    assert [m.label for m in parse_period("2026-H2").months()][0] == "2026-07"
    assert parse_period("2026-05").months() == [parse_period("2026-05")]


def test_iter_months_spans_years_and_partial_months():
    months = list(iter_months(D(2025, 11, 15), D(2026, 2, 3)))
    assert [m.label for m in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months[0].start == D(2025, 11, 1) and months[-1].end == D(2026, 2, 28)
    assert list(iter_months(D(2026, 3, 1), D(2026, 2, 1))) == []


def test_contains_is_inclusive():
    q = parse_period("2026-Q3")
    assert q.contains(D(2026, 7, 1)) and q.contains(D(2026, 9, 30))
    assert q.contains(datetime.datetime(2026, 9, 30, 23, 59))
    assert not q.contains(D(2026, 10, 1)) and not q.contains(D(2026, 6, 30))


def test_bounds_utc_in_site_zone():
    import zoneinfo

    start, stop = parse_period("2026-09").bounds_utc(zoneinfo.ZoneInfo("Asia/Shanghai"))
    # Midnight of 1 September in Beijing is 16:00 UTC the day before.
    assert start == datetime.datetime(2026, 8, 31, 16, 0)
    assert stop == datetime.datetime(2026, 9, 30, 16, 0)
    assert parse_period("2026-09").bounds_utc() == (datetime.datetime(2026, 9, 1), datetime.datetime(2026, 10, 1))


def test_period_of():
    day = D(2026, 8, 17)
    assert period_of(day).label == "2026-08"
    assert period_of(day, "quarter").label == "2026-Q3"
    assert period_of(day, "half").label == "2026-H2"
    assert period_of(day, "year").label == "2026"
    with pytest.raises(ValueError):
        period_of(day, "week")


def test_click_param_type_exit_status_2():
    @click.command()
    @click.option("--period", type=PERIOD, required=True)
    def show(period):
        click.echo(f"{period.label} {period.start} {period.end}")

    ok = CliRunner().invoke(show, ["--period", "2026-q3"])
    assert ok.exit_code == 0 and ok.output.strip() == "2026-Q3 2026-07-01 2026-09-30"
    bad = CliRunner().invoke(show, ["--period", "2026-Q9"])
    assert bad.exit_code == 2
    assert "--period" in bad.output and "not a period" in bad.output
    assert isinstance(PERIOD.convert(parse_period("2026"), None, None), Period)
