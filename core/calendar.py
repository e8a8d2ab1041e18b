"""Working days (DB1302 5.4.1: services finish within their promised time limit).

A day is a working day unless it is a weekend or a Chinese public holiday; make-up workdays (调休,
a Saturday or Sunday declared a workday) are working days. Holidays and make-up days come from the
``chinese-calendar`` package, plus the operator's ``[calendar]`` extras from config. For years the
package does not know, only weekends and the config lists apply, and one warning is logged per year.

The rule for a time limit of N working days: counting starts on the next working day after the
step starts, and the step is due at the end of the Nth working day in the configured time zone.
"""
from __future__ import annotations

import datetime
import functools
import logging
import zoneinfo

import chinese_calendar

log = logging.getLogger(__name__)
ONE_DAY = datetime.timedelta(days=1)


class WorkingCalendar:
    def __init__(self, extra_holidays=(), extra_workdays=(), timezone="Asia/Shanghai"):
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)
        self.tz = zoneinfo.ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        self._warned_years: set[int] = set()
        self.is_workday = functools.lru_cache(maxsize=8192)(self._is_workday)

    @classmethod
    def from_config(cls, config) -> "WorkingCalendar":
        return cls(
            config.get("calendar.extra_holidays", []),
            config.get("calendar.extra_workdays", []),
            config.get("timezone", "Asia/Shanghai"),
        )

    def _is_workday(self, day: datetime.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self._warned_years:
                self._warned_years.add(day.year)
                log.warning(
                    "chinese-calendar has no holiday data for %s; counting weekends and [calendar] "
                    "extras only. Add that year's holidays to [calendar] or upgrade chinesecalendar.",
                    day.year,
                )
            return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date of the ``days``-th working day after ``start`` (``start`` itself never counts).

        With ``days == 0`` the answer is ``start``. Example (DB1302 5.4.1): 2026-02-13 + 3 working
        days is 2026-02-25 — 02-14 is a make-up Saturday, 02-15..23 the Spring Festival.
        """
        day = start
        left = days
        while left > 0:
            day += ONE_DAY
            if self.is_workday(day):
                left -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in the half-open range (start, end]; negative if end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    # Conversions between stored naive-UTC datetimes and local calendar dates -------------------
    def local_date(self, moment: datetime.datetime) -> datetime.date:
        """The calendar date in the site's zone of a naive-UTC ``moment``."""
        return moment.replace(tzinfo=datetime.timezone.utc).astimezone(self.tz).date()

    def end_of_day_utc(self, day: datetime.date) -> datetime.datetime:
        """The last moment (23:59:59) of ``day`` in the site's zone, as naive UTC."""
        local = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=self.tz)
        return local.astimezone(datetime.timezone.utc).replace(tzinfo=None)

    def due_at(self, started: datetime.datetime, days: int, extra_days: int = 0) -> datetime.datetime:
        """When something started at naive-UTC ``started`` with ``days`` working days is due
        (``extra_days`` adds time spent paused)."""
        return self.end_of_day_utc(self.add_working_days(self.local_date(started), days + extra_days))
