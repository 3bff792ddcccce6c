"""工作日历 at the edges (Calendar, CASE-3): the years the official schedule covers, the first
and last day of a year, and the statutory fallback computed afresh."""

from datetime import date

import chinese_calendar
import pytest

from app.rules import calendar as calendar_module
from app.rules.calendar import OFFICIAL_YEARS, WorkCalendar
from app.rules.statutory_holidays import statutory_holidays

D = date.fromisoformat


def _knows(year):
    try:
        chinese_calendar.is_workday(date(year, 6, 15))
    except NotImplementedError:
        return False
    return True


def test_calendar_official_years_are_exactly_the_run_the_package_knows():
    """Calendar / CASE-3: the official schedule is used for every year the package carries
    and no other (probed afresh here, on a mid-year day), the fallback for all the rest."""
    known = [year for year in range(1949, 2201) if _knows(year)]
    assert calendar_module._official_years() == range(known[0], known[-1] + 1) == OFFICIAL_YEARS
    assert len(known) == len(OFFICIAL_YEARS)  # one run of years, no gap
    knows = calendar_module._package_knows
    assert knows(known[-1]) and not knows(known[-1] + 1)


def test_calendar_a_package_that_knows_no_year_leaves_every_year_to_the_fallback(monkeypatch):
    """Calendar / CASE-3: "it never fails" — even a release of the package without any year."""
    def unknown(day):
        raise NotImplementedError(day)

    monkeypatch.setattr(chinese_calendar, "is_workday", unknown)
    assert calendar_module._official_years() == range(0)


def test_calendar_a_package_that_knows_every_year_is_probed_from_1949_to_2200(monkeypatch):
    """Calendar / CASE-3: the probe spans 1949–2200 (the package's tables start in 2004)."""
    monkeypatch.setattr(chinese_calendar, "is_workday", lambda day: day.weekday() < 5)
    assert calendar_module._official_years() == range(1949, 2201)


def test_calendar_admin_entries_on_the_same_day_both_ways_are_named():
    """Calendar / CASE-3: a day entered both as closure and as working day is refused,
    naming each."""
    with pytest.raises(ValueError, match="2027-01-04, 2027-01-05$"):
        WorkCalendar(extra_holidays=[D("2027-01-05"), D("2027-01-04")],
                     extra_workdays=[D("2027-01-04"), D("2027-01-05")])


def test_case_3_first_of_january_opened_by_the_administrator_is_a_working_day():
    """Calendar / CASE-3: 1 January is a statutory holiday unless the administrator opens it;
    opened, it counts once — as the last day of the old year's walk, not twice."""
    cal = WorkCalendar(extra_workdays=[D("2027-01-01")])
    assert cal.is_working_day(D("2027-01-01"))
    assert not WorkCalendar().is_working_day(D("2027-01-01"))
    assert cal.add_working_days(D("2026-12-31"), 1) == D("2027-01-01")
    assert cal.add_working_days(D("2026-12-31"), 2) == D("2027-01-04")
    assert cal.working_days_between(D("2026-12-31"), D("2027-01-04")) == 2


def test_case_3_negative_limit_and_year_10000_fail_like_date_arithmetic():
    """CASE-3: a negative number of days is no limit; a deadline after 9999-12-31 cannot be
    a date (the settings keep limits to 60 working days, so no case meets it)."""
    with pytest.raises(ValueError, match="^days must not be negative$"):
        WorkCalendar().add_working_days(D("2026-10-13"), -1)
    with pytest.raises(OverflowError, match="^date value out of range$"):
        WorkCalendar().add_working_days(D("9999-12-30"), 5)


@pytest.mark.parametrize("year, spring, qingming, dragon_boat, mid_autumn", [
    (2027, "2027-02-06", "2027-04-05", "2027-06-09", "2027-09-15"),
    (2028, "2028-01-26", "2028-04-04", "2028-05-28", "2028-10-03"),
    (2029, "2029-02-13", "2029-04-04", "2029-06-16", "2029-09-22"),
    (2032, "2032-02-11", "2032-04-04", "2032-06-12", "2032-09-19"),
])
def test_calendar_statutory_holidays_computed_afresh(year, spring, qingming, dragon_boat,
                                                     mid_autumn):
    """Calendar / CASE-3: the lunar dates and 清明 of years without the official schedule, computed
    without the per-year cache (a year is computed once per process, by whichever page
    needs it first): 除夕 the eve of 正月初一, 初一–初三, 清明, 五月初五, 八月十五."""
    days = dict(statutory_holidays.__wrapped__(year))
    first = D(spring)
    assert days[first] == days[date.fromordinal(first.toordinal() + 2)] == "春节"
    assert days[date.fromordinal(first.toordinal() - 1)] == "春节（除夕）"
    assert days[D(qingming)] == "清明节"
    assert days[D(dragon_boat)] == "端午节"
    assert days[D(mid_autumn)] == "中秋节"
    assert dict(statutory_holidays(year)) == days
