"""工作日历 — the working-day calendar behind every time limit (RULES.md "Calendar", CASE-3).

A working day is Monday–Friday minus public holidays plus adjusted working weekends (调休上班),
from the State Council schedule carried by the `chinese_calendar` package, overridden by the
administrator's local closures and extra working days. A year the package does not know (it
knows none after its release) falls back to Monday–Friday minus the statutory public holidays
of 《全国年节及纪念日放假办法》 computed for that year (app/rules/statutory_holidays.py), plus
the administrator's entries, and never fails. A deadline in such a year is provisional
(`deadline_is_provisional`) until the administrator enters the year's schedule;
`schedule_missing` feeds the administrators' warning banner
(app.services.calendar.years_missing_schedule).

Only the package's public functions are read (`is_workday`, `get_workdays`): its tables are
internals that may change between releases.

Dates are plain `date`s in the center's time zone; the caller converts timestamps first.
"""

from __future__ import annotations

import calendar as _monthly
from collections.abc import Collection, Iterable
from datetime import MAXYEAR, date
from functools import lru_cache

import chinese_calendar

from app.rules.statutory_holidays import statutory_days

# The package raises NotImplementedError for a year outside its tables, which span one run of
# years: probed once at import, through its public is_workday (a few dozen calls, < 10 ms).
_PROBE_YEARS = range(1949, 2201)


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _official_years() -> range:
    first = next((y for y in _PROBE_YEARS if _package_knows(y)), None)
    if first is None:
        return range(0)
    last = first
    while last + 1 < _PROBE_YEARS.stop and _package_knows(last + 1):
        last += 1
    return range(first, last + 1)


OFFICIAL_YEARS = _official_years()


@lru_cache(maxsize=None)
def _official_workdays(year: int) -> frozenset[int]:
    """The ordinals of the working days of an official year (adjusted weekends included), read
    once per process: `get_workdays` asks `is_workday` about each day of the year (~8 ms)."""
    return frozenset(d.toordinal() for d in chinese_calendar.get_workdays(
        date(year, 1, 1), date(year, 12, 31), include_weekends=True))


# Fallback years a process meets are few (next year, a long limit's years); bounded anyway.
@lru_cache(maxsize=256)
def _fallback_workdays(year: int) -> frozenset[int]:
    """Calendar: the ordinals of Monday–Friday of `year` minus its statutory holidays; no
    adjusted working weekend is invented, a holiday on a weekend is not moved."""
    closed = statutory_days(year)
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    # Ordinal 1 (0001-01-01) is a Monday: o % 7 is 1..5 from Monday to Friday.
    return frozenset(o for o in range(first, last + 1)
                     if 0 < o % 7 < 6 and date.fromordinal(o) not in closed)


def schedule_missing(year: int, entered_years: Collection[int]) -> bool:
    """Calendar: `year` has neither the official schedule (the package) nor one the
    administrator entered (any Holiday entry of that year counts as entered, as for the
    administrators' banner): the administrators are warned, its deadlines are provisional."""
    return year not in OFFICIAL_YEARS and year not in entered_years


def deadline_is_provisional(deadline: date | None, entered_years: Collection[int]) -> bool:
    """Calendar / CASE-3: a deadline falling in a year whose schedule is missing is
    provisional — shown and printed with 本年度放假安排尚未公布，期限按法定节假日推算，以正式安排为准.
    The one test every page, notice and the public lookup ask."""
    return deadline is not None and schedule_missing(deadline.year, entered_years)


class WorkCalendar:
    """工作日历 — official schedule + administrator entries; fast working-day arithmetic (CASE-3).

    `extra_holidays` are local closures (not working days), `extra_workdays` extra working
    days; both override the official schedule. `scheduled_years` are the years whose official
    schedule the office entered (its deadlines are no longer provisional). Each year is built once, when first needed,
    into a cumulative count of its working days per day and the list of its working days, so
    a deadline is two index lookups instead of a day-by-day walk.
    """

    def __init__(self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = (),
                 scheduled_years: Iterable[int] = ()):
        # Ordinals, so a datetime entry matches its date as well.
        self._closed = frozenset(d.toordinal() for d in extra_holidays)
        self._open = frozenset(d.toordinal() for d in extra_workdays)
        clash = self._closed & self._open
        if clash:
            # Which of two admin entries wins would be a guess; the settings UI must prevent it.
            days = ", ".join(sorted(date.fromordinal(o).isoformat() for o in clash))
            raise ValueError(f"dates both extra holiday and extra working day: {days}")
        # The years whose official schedule the office entered (deadline_is_provisional): a
        # local closure alone is not the year's schedule.
        self.entered_years = frozenset(scheduled_years)
        # Immutable tuples, so threads sharing a calendar need no lock (a race builds twice).
        self._years: dict[int, tuple[int, tuple[int, ...], tuple[int, ...]]] = {}

    @staticmethod
    def has_official_schedule(year: int) -> bool:
        """Whether the State Council schedule of `year` is known (else the statutory fallback)."""
        return year in OFFICIAL_YEARS

    def is_provisional(self, deadline: date | None) -> bool:
        """Calendar / CASE-3: `deadline_is_provisional` with this calendar's entries."""
        return deadline_is_provisional(deadline, self.entered_years)

    def _year(self, year: int) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
        """`(base, rank, ords)` of `year`: base is the ordinal of 1 January, rank[o - base] the
        number of the year's working days up to ordinal o inclusive, ords its working days."""
        table = self._years.get(year)
        if table is None:
            if year > MAXYEAR:
                raise OverflowError("date value out of range")
            base = date(year, 1, 1).toordinal()
            usual = _official_workdays(year) if year in OFFICIAL_YEARS else _fallback_workdays(year)
            opened, shut = self._open, self._closed
            rank: list[int] = []
            ords: list[int] = []
            for o in range(base, date(year, 12, 31).toordinal() + 1):
                if o in opened or (o in usual and o not in shut):
                    ords.append(o)
                rank.append(len(ords))
            table = self._years[year] = (base, tuple(rank), tuple(ords))
        return table

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day (工作日)."""
        base, rank, _ = self._year(day.year)
        i = day.toordinal() - base
        return rank[i] > (rank[i - 1] if i else 0)

    def add_working_days(self, start: date, days: int) -> date:
        """CASE-3: the `days`-th working day after `start`; the start day itself is not counted.

        `days == 0` is `start` itself (即办件, done the same day). `start` may be a rest day:
        the first working day after it is then day 1.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return start
        year = start.year
        # The hot path of every deadline: skip the method call once the year is built.
        base, rank, ords = self._years.get(year) or self._year(year)
        j = rank[start.toordinal() - base] + days - 1  # ords[rank[...]] is day 1
        while j >= len(ords):  # the limit runs into the next year(s)
            j -= len(ords)
            year += 1
            base, rank, ords = self._year(year)
        return date.fromordinal(ords[j])

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days d with start < d <= end (0 if end <= start).

        The inverse of `add_working_days`: add_working_days(s, n) == e gives n back. Used for
        overdue days (CASE-6) and suspended days (CASE-12).
        """
        if end <= start:
            return 0
        base, rank, _ = self._year(start.year)
        count = -rank[start.toordinal() - base]
        for year in range(start.year, end.year):
            count += len(self._year(year)[2])
        base, rank, _ = self._year(end.year)
        return count + rank[end.toordinal() - base]


def month_start(day: date) -> date:
    """The first day of the month `day` falls in (a month's `period` in the assessments)."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of the month `day` falls in."""
    return day.replace(day=_monthly.monthrange(day.year, day.month)[1])


def next_month(day: date) -> date:
    """The first day of the month after the one `day` falls in."""
    return date.fromordinal(month_end(day).toordinal() + 1)
