"""Reporting periods: parse "2026", "2026-H1", "2026-Q3" or "2026-09" into dates, iterate months.

Every periodic statistic of the platform uses these, e.g. the consultation statistics of
DB1302 6.4.1.2 d, the evaluation reports of clause 7 and the financing follow-up of 6.4.4.2 f.

    >>> p = parse_period("2026-Q3")
    >>> start, end, label = p            # a named tuple: end is inclusive
    >>> (start.isoformat(), end.isoformat(), label)
    ('2026-07-01', '2026-09-30', '2026-Q3')
    >>> [m.label for m in p.months()]
    ['2026-07', '2026-08', '2026-09']

A bad period raises :class:`PeriodError`, which is both a ``ValueError`` and the core's
``ValidationFailed`` (field ``period``), so the API answers 422 and the CLI exits with status 2.
:class:`PeriodParamType` is a click parameter type for ``--period`` options.
"""
from __future__ import annotations

import calendar as _calendar
import datetime
import re
from collections.abc import Iterator
from typing import NamedTuple

import click

from rongtong.core.errors import ValidationFailed
from rongtong.core.i18n import gettext as _

MIN_YEAR, MAX_YEAR = 1900, 9999
ACCEPTED = "YYYY, YYYY-H1/H2, YYYY-Q1..Q4 or YYYY-MM"
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<half>[Hh][12])|(?P<quarter>[Qq][1-4])|(?P<month>\d{1,2})))?$")


def _accepted() -> str:
    """:data:`ACCEPTED` in the language of the message."""
    return _("YYYY, YYYY-H1/H2, YYYY-Q1..Q4 or YYYY-MM")


class PeriodError(ValidationFailed, ValueError):
    """A period that cannot be parsed; the message says what was wrong and what is accepted."""

    def __init__(self, message: str, field: str = "period"):
        super().__init__(message, {field: [message]})


class Period(NamedTuple):
    """A closed range of calendar dates with its canonical label (``end`` is inclusive)."""

    start: datetime.date
    end: datetime.date
    label: str

    @property
    def kind(self) -> str:
        """``"year"``, ``"half"``, ``"quarter"`` or ``"month"``."""
        if len(self.label) == 4:
            return "year"
        suffix = self.label[5:]
        return {"H": "half", "Q": "quarter"}.get(suffix[0], "month")

    def contains(self, day: datetime.date | datetime.datetime) -> bool:
        if isinstance(day, datetime.datetime):
            day = day.date()
        return self.start <= day <= self.end

    def months(self) -> list["Period"]:
        """The calendar months of this period, in order."""
        return list(iter_months(self.start, self.end))

    def bounds_utc(self, tz: datetime.tzinfo | None = None) -> tuple[datetime.datetime, datetime.datetime]:
        """``[first moment, first moment after)`` of the period in zone ``tz`` as naive UTC, for
        querying stored naive-UTC timestamps (``start <= ts < stop``). No ``tz``: the dates are UTC."""
        start = datetime.datetime.combine(self.start, datetime.time.min)
        stop = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        if tz is None:
            return start, stop
        return tuple(d.replace(tzinfo=tz).astimezone(datetime.timezone.utc).replace(tzinfo=None) for d in (start, stop))

    def __str__(self):
        return self.label


def _month(year: int, month: int) -> Period:
    last = _calendar.monthrange(year, month)[1]
    return Period(datetime.date(year, month, 1), datetime.date(year, month, last), f"{year:04d}-{month:02d}")


def parse_period(text: str, field: str = "period") -> Period:
    """Parse a period label. Raises :class:`PeriodError` (naming ``field``) when it is not one.

    Accepted (case-insensitive, surrounding spaces ignored): ``2026`` (a year), ``2026-H1`` /
    ``2026-H2`` (half years), ``2026-Q1`` .. ``2026-Q4`` (quarters), ``2026-09`` or ``2026-9``
    (a month).
    """
    if not isinstance(text, str) or not text.strip():
        raise PeriodError(_("A period is required (%(accepted)s).", accepted=_accepted()), field)
    raw = text.strip()
    match = _PATTERN.match(raw)
    if not match:
        raise PeriodError(_("%(raw)s is not a period; use %(accepted)s, e.g. 2026-Q3.", raw=repr(raw), accepted=_accepted()),
                          field)
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(_("%(raw)s: the year must be between %(low)s and %(high)s.", raw=repr(raw), low=MIN_YEAR,
                            high=MAX_YEAR), field)
    if match["half"]:
        half = int(match["half"][1])
        first = 1 if half == 1 else 7
        return Period(datetime.date(year, first, 1), _month(year, first + 5).end, f"{year:04d}-H{half}")
    if match["quarter"]:
        quarter = int(match["quarter"][1])
        first = 3 * quarter - 2
        return Period(datetime.date(year, first, 1), _month(year, first + 2).end, f"{year:04d}-Q{quarter}")
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise PeriodError(_("%(raw)s: the month must be 01 to 12.", raw=repr(raw)), field)
        return _month(year, month)
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"{year:04d}")


def iter_months(start: datetime.date, end: datetime.date) -> Iterator[Period]:
    """Each calendar month touching ``[start, end]`` (inclusive), oldest first, as a Period."""
    if end < start:
        return
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield _month(year, month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def period_of(day: datetime.date, kind: str = "month") -> Period:
    """The period of ``kind`` ("month", "quarter", "half", "year") containing ``day``."""
    if kind == "month":
        return _month(day.year, day.month)
    if kind == "quarter":
        return parse_period(f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}")
    if kind == "half":
        return parse_period(f"{day.year:04d}-H{1 if day.month <= 6 else 2}")
    if kind == "year":
        return parse_period(f"{day.year:04d}")
    raise ValueError(f"unknown period kind {kind!r} (month, quarter, half, year)")


class PeriodParamType(click.ParamType):
    """``@click.option("--period", type=PERIOD)``: a bad value is a usage error (exit status 2)."""

    name = "period"

    def convert(self, value, param, ctx):
        if isinstance(value, Period):
            return value
        try:
            return parse_period(value)
        except PeriodError as exc:
            self.fail(exc.message, param, ctx)


PERIOD = PeriodParamType()

__all__ = ["ACCEPTED", "PERIOD", "Period", "PeriodError", "PeriodParamType", "iter_months", "parse_period", "period_of"]
