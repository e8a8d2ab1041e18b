"""Working days (DB1302 5.4.1: services finish within their promised time limit).

A day is a working day unless it is a weekend or a Chinese public holiday; make-up workdays (调休,
a Saturday or Sunday declared a workday) are working days. Where a year's holidays come from, the
first that applies wins:

1. ``[calendar] extra_workdays`` / ``extra_holidays``: the operator's local exceptions, any year;
2. official data: the State Council's arrangement as shipped by the ``chinese-calendar`` package;
3. the State Council's notice for the year entered in config, ``[calendar.years.YYYY]`` (holiday
   ranges and make-up workdays), for years the package does not know yet;
4. the statutory days the national regulation (全国年节及纪念日放假办法, as amended in 2024)
   fixes by rule, computed: New Year's Day; Spring Festival Eve and the first three lunar days;
   Qingming (the solar term); 1–2 May; Dragon Boat (5/5 lunar); Mid-Autumn (8/15 lunar); 1–3
   October; plus one substitute day (补假) on the next working day for each statutory day that falls
   on a weekend or on another statutory day, as the regulation requires. Weekends stay weekends:
   make-up workdays cannot be foreseen. A year with these days only logs one warning.

Official data wins over a config notice because it is the published arrangement; a notice for a year
the package knows is ignored (``rongtong calendar show`` says so) and local corrections go into the
extras. Computed days still count in a year with a config notice unless the notice makes them a
workday.

The rule for a time limit of N working days: counting starts on the next working day after the
step starts, and the step is due at the end of the Nth working day in the configured time zone.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import logging
import zoneinfo

import chinese_calendar
from chinese_calendar import constants as _official

log = logging.getLogger(__name__)
ONE_DAY = datetime.timedelta(days=1)

OFFICIAL, CONFIG, COMPUTED = "official", "config", "computed"
SOURCE_LABELS = {
    OFFICIAL: "official State Council arrangement (chinesecalendar package data)",
    CONFIG: "State Council notice entered in config [calendar.years.{year}], plus the computed statutory days",
    COMPUTED: "computed statutory days only (全国年节及纪念日放假办法); no official data and no config notice",
}
# Kinds of holiday: (English, Chinese) names, for `rongtong calendar show`.
HOLIDAY_NAMES = {
    "new_year": ("New Year's Day", "元旦"),
    "spring_festival": ("Spring Festival", "春节"),
    "qingming": ("Tomb-sweeping Day", "清明节"),
    "labour_day": ("Labour Day", "劳动节"),
    "dragon_boat": ("Dragon Boat Festival", "端午节"),
    "mid_autumn": ("Mid-autumn Festival", "中秋节"),
    "national_day": ("National Day", "国庆节"),
    "substitute": ("substitute day for a statutory day on a weekend", "补假"),
    "notice": ("holiday of the config notice", "配置的放假安排"),
}
# Editions of the regulation by first year in force: Spring Festival days (offsets from the lunar
# new year, -1 is the eve), the number of May days, and whether the three lunar/solar-term
# festivals are holidays (since 2008).
EDITIONS = (
    (2025, (-1, 0, 1, 2), 2, True),   # 2024 amendment
    (2014, (0, 1, 2), 1, True),       # 2013 amendment
    (2008, (-1, 0, 1), 1, True),      # 2007 amendment
    (0, (0, 1, 2), 3, False),         # 1999 edition
)
MIN_YEAR, MAX_YEAR = 1901, 2099  # the range config notices may name


def _official_range() -> tuple[int, int]:
    return min(_official.holidays).year, max(_official.holidays).year


def has_official_data(year: int) -> bool:
    """True when the chinese-calendar package carries the State Council's arrangement for ``year``."""
    low, high = _official_range()
    return low <= year <= high


def _lunar_to_solar(year: int, month: int, day: int) -> datetime.date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> datetime.date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]  # the solar term, China Standard Time
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


@functools.lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The holidays the national regulation fixes for ``year`` by rule, ``{date: kind}`` (kinds of
    :data:`HOLIDAY_NAMES`), substitute days included; computed, never the State Council's notice."""
    _start, spring, may_days, lunar_festivals = next(e for e in EDITIONS if year >= e[0])
    new_year = _lunar_to_solar(year, 1, 1)
    entitled = [(datetime.date(year, 1, 1), "new_year")]
    entitled += [(new_year + datetime.timedelta(days=k), "spring_festival") for k in spring]
    if lunar_festivals:
        entitled += [(_qingming(year), "qingming"), (_lunar_to_solar(year, 5, 5), "dragon_boat"),
                     (_lunar_to_solar(year, 8, 15), "mid_autumn")]
    entitled += [(datetime.date(year, 5, 1 + k), "labour_day") for k in range(may_days)]
    entitled += [(datetime.date(year, 10, 1 + k), "national_day") for k in range(3)]
    days: dict[datetime.date, str] = {}
    owed = []  # statutory days on a weekend or on another statutory day: each is owed a working day
    for day, kind in sorted(entitled):
        if day.weekday() >= 5 or day in days:
            owed.append(day)
        days.setdefault(day, kind)
    for day in owed:
        substitute = day  # the next working day after the holiday block
        while substitute.weekday() >= 5 or substitute in days:
            substitute += ONE_DAY
        days[substitute] = "substitute"
    return dict(sorted(days.items()))


# --- the State Council's notice in config --------------------------------------------------------

class NoticeError(ValueError):
    """A bad ``[calendar.years]`` entry; ``key`` is relative to ``calendar.years`` ("2027.holidays")."""

    def __init__(self, key: str, problem: str):
        super().__init__(f"{key}: {problem}")
        self.key, self.problem = key, problem


@dataclasses.dataclass(frozen=True)
class YearNotice:
    """One year's 放假调休 notice: the holiday days (ranges expanded) and the make-up workdays."""

    year: int
    holidays: frozenset
    workdays: frozenset


def _as_day(value, key: str) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise NoticeError(key, f"{value!r} is not a date (YYYY-MM-DD)")


def _in_notice_year(day: datetime.date, year: int, key: str, text) -> datetime.date:
    # A notice covers its year; the New Year block may start in the last days of December before.
    if not (datetime.date(year - 1, 12, 25) <= day <= datetime.date(year, 12, 31)):
        raise NoticeError(key, f"{text!r} is not in {year}")
    return day


def _expand(year: int, items, key: str, ranges: bool) -> list[datetime.date]:
    if not isinstance(items, list):
        raise NoticeError(key, "must be a list of dates" + (' or ranges "YYYY-MM-DD..YYYY-MM-DD"' if ranges else ""))
    days = []
    for item in items:
        if ranges and isinstance(item, str) and ".." in item:
            first_text, _sep, last_text = item.partition("..")
            first, last = _as_day(first_text, key), _as_day(last_text, key)
            _in_notice_year(first, year, key, item)
            _in_notice_year(last, year, key, item)
            if last < first:
                raise NoticeError(key, f"range {item!r} ends before it starts")
            days += [first + datetime.timedelta(days=k) for k in range((last - first).days + 1)]
        else:
            days.append(_in_notice_year(_as_day(item, key), year, key, item))
    return days


def parse_notice(year_key, table) -> YearNotice:
    """Validate one ``[calendar.years.YYYY]`` table. Raises :class:`NoticeError`."""
    key = str(year_key)
    if not (key.isdigit() and len(key) == 4 and MIN_YEAR <= int(key) <= MAX_YEAR):
        raise NoticeError(key, f"must be a year between {MIN_YEAR} and {MAX_YEAR}")
    if not isinstance(table, dict):
        raise NoticeError(key, "must be a table with holidays and workdays")
    unknown = sorted(set(table) - {"holidays", "workdays"})
    if unknown:
        raise NoticeError(f"{key}.{unknown[0]}", "unknown key (holidays, workdays)")
    year = int(key)
    holidays = _expand(year, table.get("holidays", []), f"{key}.holidays", ranges=True)
    workdays = _expand(year, table.get("workdays", []), f"{key}.workdays", ranges=False)
    for day in workdays:
        if day in holidays:
            raise NoticeError(f"{key}.workdays", f"{day.isoformat()} is also a holiday (calendar.years.{key}.holidays)")
        if day.weekday() < 5:
            raise NoticeError(f"{key}.workdays", f"{day.isoformat()} is a weekday; make-up workdays are weekend days")
    return YearNotice(year, frozenset(holidays), frozenset(workdays))


def parse_notices(raw) -> dict[int, YearNotice]:
    """All ``[calendar.years]`` tables, ``{year: YearNotice}``. Raises :class:`NoticeError`."""
    if not isinstance(raw, dict):
        raise NoticeError("", "must be a table of years")
    notices = {n.year: n for n in (parse_notice(k, v) for k, v in sorted(raw.items(), key=lambda kv: str(kv[0])))}
    holidays = {day: year for year, n in notices.items() for day in n.holidays}
    for year, notice in notices.items():
        for day in sorted(notice.workdays):
            if day in holidays:
                raise NoticeError(f"{year}.workdays", f"{day.isoformat()} is also a holiday "
                                                      f"(calendar.years.{holidays[day]}.holidays)")
    return notices


# --- what is known about a year ------------------------------------------------------------------

@dataclasses.dataclass
class YearReport:
    """What ``rongtong calendar show`` prints: where a year's days come from, and the days."""

    year: int
    source: str                     # OFFICIAL, CONFIG or COMPUTED
    holidays: dict                  # {date: English name}, weekend days of a holiday block included
    workdays: list                  # make-up workdays
    notice_ignored: bool = False    # a config notice exists but official data wins

    @property
    def only_computed(self) -> bool:
        return self.source == COMPUTED


class WorkingCalendar:
    def __init__(self, extra_holidays=(), extra_workdays=(), timezone="Asia/Shanghai", notices=None):
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)
        self.notices: dict[int, YearNotice] = dict(notices or {})
        self._notice_holidays = {d for n in self.notices.values() for d in n.holidays}
        self._notice_workdays = {d for n in self.notices.values() for d in n.workdays}
        self.tz = zoneinfo.ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        self._warned_years: set[int] = set()
        self.is_workday = functools.lru_cache(maxsize=8192)(self._is_workday)

    @classmethod
    def from_config(cls, config) -> "WorkingCalendar":
        return cls(
            config.get("calendar.extra_holidays", []),
            config.get("calendar.extra_workdays", []),
            config.get("timezone", "Asia/Shanghai"),
            parse_notices(config.get("calendar.years", {}) or {}),
        )

    def source(self, year: int) -> str:
        """Where the holidays of ``year`` come from: OFFICIAL, CONFIG or COMPUTED."""
        if has_official_data(year):
            return OFFICIAL
        return CONFIG if year in self.notices else COMPUTED

    def _is_workday(self, day: datetime.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        if has_official_data(day.year):
            return chinese_calendar.is_workday(day)
        if day in self._notice_workdays:
            return True
        if day in self._notice_holidays:
            return False
        if self.source(day.year) == COMPUTED and day.year not in self._warned_years:
            self._warned_years.add(day.year)
            log.warning(
                "no official holiday data for %s: counting the statutory days computed from the national "
                "regulation (weekends stay weekends). Enter the State Council's notice in [calendar.years.%s] "
                "or upgrade chinesecalendar.", day.year, day.year,
            )
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def report(self, year: int) -> YearReport:
        """What is known about ``year`` and from where (for ``rongtong calendar show``)."""
        source = self.source(year)
        if source == OFFICIAL:
            holidays = {d: name for d, name in _official.holidays.items() if d.year == year}
            workdays = sorted(d for d in _official.workdays if d.year == year)
            return YearReport(year, source, dict(sorted(holidays.items())), workdays, year in self.notices)
        holidays = {d: HOLIDAY_NAMES[kind][0] for d, kind in statutory_holidays(year).items()}
        notice = self.notices.get(year)
        if notice:
            holidays.update({d: HOLIDAY_NAMES["notice"][0] for d in notice.holidays if d not in holidays})
        workdays = sorted(notice.workdays) if notice else []
        holidays = {d: n for d, n in sorted(holidays.items()) if d not in workdays}
        return YearReport(year, source, holidays, workdays)

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


def next_year_unarranged(calendar: WorkingCalendar, today: datetime.date) -> int | None:
    """From 1 November: next year, when it has neither official data nor a config notice (the admin
    dashboard warns staff); else None."""
    if today.month < 11:
        return None
    year = today.year + 1
    return year if calendar.source(year) == COMPUTED else None


def print_year_report(config, year: int, echo) -> None:
    """``rongtong calendar show YEAR``: the source of the year's days (with a warning when they are
    only computed), then its holidays and make-up workdays, one per line."""
    calendar = WorkingCalendar.from_config(config)
    report = calendar.report(year)
    echo(f"{year}: {SOURCE_LABELS[report.source].format(year=year)}")
    if report.notice_ignored:
        echo(f"warning: [calendar.years.{year}] in config is ignored: the chinesecalendar package has "
             f"official data for {year} (local corrections go into calendar.extra_holidays/extra_workdays)",
             err=True)
    if report.only_computed:
        echo(f"warning: {year} has no State Council arrangement yet; make-up workdays (调休) are unknown and "
             f"holiday blocks may be longer. Enter the notice in [calendar.years.{year}] when it is "
             f"published, or upgrade chinesecalendar.", err=True)
    echo("holidays:")
    for day, name in report.holidays.items():
        echo(f"  {day.isoformat()} {day.strftime('%a')}  {name}")
    echo("make-up workdays:" if report.workdays else "make-up workdays: none")
    for day in report.workdays:
        echo(f"  {day.isoformat()} {day.strftime('%a')}")
    local = sorted(d for d in calendar.extra_holidays | calendar.extra_workdays if d.year == year)
    for day in local:
        kind = "workday" if day in calendar.extra_workdays else "holiday"
        echo(f"local exception (calendar.extra_{kind}s): {day.isoformat()} {day.strftime('%a')}")
