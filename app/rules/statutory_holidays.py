"""法定节假日 — the statutory public holidays of a year, for the years whose official holiday
schedule is not known (RULES.md "Calendar", CASE-3).

《全国年节及纪念日放假办法》 as revised in November 2024 (in force from 1 January 2025) gives
everyone these days off: 元旦 1 January; 春节 农历除夕 and 正月初一 to 初三; 清明节 the day of
the 清明 solar term; 劳动节 1 and 2 May; 端午节 农历五月初五; 中秋节 农历八月十五; 国庆节 1 to 3
October. The State Council's yearly schedule then moves some of them next to a weekend and
adds adjusted working days (调休); this module does neither: a year without the official
schedule loses exactly these days and nothing else (RULES.md "Calendar").

The lunar dates and the solar term come from `lunar-python` (the maintained 6tail/lunar
library: its lunar calendar and its astronomical solar terms, in Beijing time), not from a
table typed by hand. Pure and cached per year: a year costs a few milliseconds once.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar, Solar

# The Julian day number of 0000-12-31 at noon minus a half: a `date`'s ordinal o is the day
# whose Julian day is o + 1721424.5 at midnight. lunar-python counts years before 1582 in the
# Julian calendar and `date` in the proleptic Gregorian one; the Julian day joins them.
_JD_OF_ORDINAL_0 = 1721424.5

NEW_YEAR = "元旦"
SPRING_FESTIVAL_EVE = "春节（除夕）"
SPRING_FESTIVAL = "春节"
QINGMING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"


def _day(solar: Solar) -> date:
    return date.fromordinal(int(solar.getJulianDay() - _JD_OF_ORDINAL_0))


def _lunar_day(year: int, month: int, day: int) -> date:
    """The Gregorian date of day `day` of (non-leap) lunar month `month` of lunar year `year`."""
    return _day(Lunar.fromYmd(year, month, day).getSolar())


def _qingming(year: int) -> date:
    """The day the sun reaches 15° longitude (清明) in `year`, Beijing time: the last 节 before
    15 April (清明 falls on 4–6 April in our centuries; the next 节, 立夏, in May)."""
    mid_april = Solar.fromJulianDay(date(year, 4, 15).toordinal() + _JD_OF_ORDINAL_0)
    term = mid_april.getLunar().getPrevJie(True)
    return _day(term.getSolar())


@lru_cache(maxsize=512)
def statutory_holidays(year: int) -> tuple[tuple[date, str], ...]:
    """Calendar / CASE-3: the statutory public holidays of `year` under the 2024 rules, as
    (day, name) pairs in date order, whether they fall on a weekday or not.

    Lunar dates of the distant past (before the Han calendar settled 正月 as the first month)
    may fall outside the Gregorian year; only the days inside `year` are returned.
    """
    new_year_of_lunar = _lunar_day(year, 1, 1)  # 正月初一
    days = [
        (date(year, 1, 1), NEW_YEAR),
        (new_year_of_lunar - timedelta(days=1), SPRING_FESTIVAL_EVE),  # 除夕: 腊月廿九 or 三十
        (new_year_of_lunar, SPRING_FESTIVAL),
        (new_year_of_lunar + timedelta(days=1), SPRING_FESTIVAL),
        (new_year_of_lunar + timedelta(days=2), SPRING_FESTIVAL),
        (_qingming(year), QINGMING),
        (date(year, 5, 1), LABOUR_DAY),
        (date(year, 5, 2), LABOUR_DAY),
        (_lunar_day(year, 5, 5), DRAGON_BOAT),
        (_lunar_day(year, 8, 15), MID_AUTUMN),
        (date(year, 10, 1), NATIONAL_DAY),
        (date(year, 10, 2), NATIONAL_DAY),
        (date(year, 10, 3), NATIONAL_DAY),
    ]
    # 中秋 may fall on 1–3 October (2020, 2031): one day off, listed once under its first name.
    seen: dict[date, str] = {}
    for day, name in days:
        if day.year == year:
            seen.setdefault(day, name)
    return tuple(sorted(seen.items()))


@lru_cache(maxsize=512)
def statutory_days(year: int) -> frozenset[date]:
    """Calendar / CASE-3: the days of `statutory_holidays(year)`."""
    return frozenset(day for day, _name in statutory_holidays(year))
