"""工作日历 — the working-day calendar behind every time limit (RULES.md "Calendar", CASE-3).

A working day is Monday–Friday minus public holidays plus adjusted working weekends (调休上班),
from the State Council schedule carried by the `chinese_calendar` package, overridden by the
administrator's local closures and extra working days. A year the package does not know (it
knows none after its release) falls back to Monday–Friday plus the administrator's entries and
never fails; `missing_official_years` feeds the administrators' warning banner.

Dates are plain `date`s in the center's time zone; the caller converts timestamps first.
"""

from __future__ import annotations

import calendar as _monthly
from collections.abc import Iterable
from datetime import MAXYEAR, date

from chinese_calendar.constants import holidays as _OFFICIAL_HOLIDAYS
from chinese_calendar.constants import workdays as _OFFICIAL_WORKDAYS

# The package itself supports exactly the years spanned by its holiday table
# (chinese_calendar.utils._validate_date); outside them is_workday raises NotImplementedError.
OFFICIAL_YEARS = range(min(_OFFICIAL_HOLIDAYS).year, max(_OFFICIAL_HOLIDAYS).year + 1)


def missing_official_years(years: Iterable[int]) -> list[int]:
    """The years (sorted, once each) whose official holiday schedule is not known: warn the admin."""
    return sorted({y for y in years if y not in OFFICIAL_YEARS})


class WorkCalendar:
    """工作日历 — official schedule + administrator entries; fast working-day arithmetic (CASE-3).

    `extra_holidays` are local closures (not working days), `extra_workdays` extra working
    days; both override the official schedule. Each year is built once, when first needed,
    into a cumulative count of its working days per day and the list of its working days, so
    a deadline is two index lookups instead of a day-by-day walk.
    """

    missing_official_years = staticmethod(missing_official_years)

    def __init__(self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()):
        # Ordinals, so a datetime entry matches its date as well.
        self._closed = frozenset(d.toordinal() for d in extra_holidays)
        self._open = frozenset(d.toordinal() for d in extra_workdays)
        clash = self._closed & self._open
        if clash:
            # Which of two admin entries wins would be a guess; the settings UI must prevent it.
            days = ", ".join(sorted(date.fromordinal(o).isoformat() for o in clash))
            raise ValueError(f"dates both extra holiday and extra working day: {days}")
        # Immutable tuples, so threads sharing a calendar need no lock (a race builds twice).
        self._years: dict[int, tuple[int, tuple[int, ...], tuple[int, ...]]] = {}

    @staticmethod
    def has_official_schedule(year: int) -> bool:
        """Whether the State Council schedule of `year` is known (else Monday–Friday fallback)."""
        return year in OFFICIAL_YEARS

    def _year(self, year: int) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
        """`(base, rank, ords)` of `year`: base is the ordinal of 1 January, rank[o - base] the
        number of the year's working days up to ordinal o inclusive, ords its working days."""
        table = self._years.get(year)
        if table is None:
            if year > MAXYEAR:
                raise OverflowError("date value out of range")
            base, official = date(year, 1, 1).toordinal(), year in OFFICIAL_YEARS
            rank: list[int] = []
            ords: list[int] = []
            for o in range(base, date(year, 12, 31).toordinal() + 1):
                if self._works(o, official):
                    ords.append(o)
                rank.append(len(ords))
            table = self._years[year] = (base, tuple(rank), tuple(ords))
        return table

    def _works(self, o: int, official: bool) -> bool:
        if o in self._open:
            return True
        if o in self._closed:
            return False
        day = date.fromordinal(o)
        if official:
            # Same test as chinese_calendar.is_workday, read from its tables directly: is_workday
            # rescans the whole table on every call to check the year range.
            return day in _OFFICIAL_WORKDAYS or (day.weekday() < 5 and day not in _OFFICIAL_HOLIDAYS)
        return day.weekday() < 5

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
