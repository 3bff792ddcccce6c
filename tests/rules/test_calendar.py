"""工作日历 — the working-day calendar (RULES.md "Calendar", CASE-3)."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.calendar import OFFICIAL_YEARS, WorkCalendar, deadline_is_provisional, schedule_missing
from app.rules.statutory_holidays import statutory_days, statutory_holidays

CAL = WorkCalendar()
D = date.fromisoformat

# Acceptance dates from 2000 (before the package's first year) to 2030 (after its last).
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
# Days of the years after the package's last (the statutory fallback).
fallback_dates = st.dates(min_value=date(OFFICIAL_YEARS.stop - 1, 12, 1),
                          max_value=date(OFFICIAL_YEARS.stop + 30, 12, 31))


def naive_add(calendar, start, days):
    """The day-by-day walk the fast version must agree with."""
    day = start
    while days:
        day += timedelta(days=1)
        days -= calendar.is_working_day(day)
    return day


# The official 2026 schedule (国办发明电〔2025〕7号), as carried by chinesecalendar 1.11.0.
@pytest.mark.parametrize(
    "day, working",
    [
        ("2026-01-01", False),  # New Year's Day, Thu
        ("2026-01-04", True),  # adjusted working Sunday
        ("2026-02-14", True),  # adjusted working Saturday before Spring Festival
        ("2026-02-16", False),  # Spring Festival 02-15..02-23
        ("2026-02-23", False),
        ("2026-02-24", True),
        ("2026-02-28", True),  # adjusted working Saturday after Spring Festival
        ("2026-04-06", False),  # Tomb-sweeping Day, Mon
        ("2026-05-01", False),  # Labour Day 05-01..05-05
        ("2026-05-05", False),
        ("2026-05-09", True),  # adjusted working Saturday
        ("2026-06-19", False),  # Dragon Boat Festival, Fri
        ("2026-09-20", True),  # adjusted working Sunday
        ("2026-09-25", False),  # Mid-autumn Festival, Fri
        ("2026-10-01", False),  # National Day 10-01..10-07
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),  # adjusted working Saturday
        ("2026-10-11", False),  # an ordinary Sunday
        ("2026-10-12", True),  # an ordinary Monday
    ],
)
def test_calendar_2026_official_schedule(day, working):
    assert CAL.is_working_day(D(day)) is working


def test_calendar_agrees_with_chinese_calendar_on_every_official_day():
    day, last = date(OFFICIAL_YEARS.start, 1, 1), date(OFFICIAL_YEARS.stop - 1, 12, 31)
    while day <= last:
        assert CAL.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    "accepted, days, due",
    [
        ("2026-09-30", 5, "2026-10-13"),  # RULES.md example: National Day, then Sat 10-10 counts
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-09-30", 3, "2026-10-10"),  # the adjusted working Saturday is a deadline
        ("2026-10-03", 1, "2026-10-08"),  # accepted on a holiday (online): next working day is day 1
        ("2026-02-13", 1, "2026-02-14"),  # Fri → adjusted working Saturday
        ("2026-02-13", 2, "2026-02-24"),  # across the 9-day Spring Festival
        ("2026-02-27", 1, "2026-02-28"),
        ("2026-04-03", 1, "2026-04-07"),  # Tomb-sweeping weekend + Monday
        ("2026-04-30", 1, "2026-05-06"),  # Labour Day 05-01..05-05
        ("2026-04-30", 4, "2026-05-09"),  # adjusted working Saturday
        ("2026-04-30", 5, "2026-05-11"),
        ("2026-06-18", 1, "2026-06-22"),  # Dragon Boat Festival
        ("2026-09-18", 1, "2026-09-20"),  # adjusted working Sunday
        ("2026-09-24", 1, "2026-09-28"),  # Mid-autumn Festival
        ("2025-12-31", 1, "2026-01-04"),  # across the year, onto the adjusted working Sunday
        ("2026-03-04", 0, "2026-03-04"),  # 即办件: same day
        ("2026-10-04", 0, "2026-10-04"),  # 即办件 even on a holiday
    ],
)
def test_case_3_add_working_days_2026(accepted, days, due):
    assert CAL.add_working_days(D(accepted), days) == D(due)
    assert CAL.working_days_between(D(accepted), D(due)) == days


def test_case_3_acceptance_day_not_counted():
    assert CAL.add_working_days(D("2026-03-02"), 1) == D("2026-03-03")  # Mon → Tue


def test_case_3_negative_days_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(D("2026-03-02"), -1)


def test_case_3_large_limits_cross_many_years():
    start = D("2003-06-30")
    for days in (250, 1000, 5000):
        due = CAL.add_working_days(start, days)
        assert due == naive_add(CAL, start, days)
        assert CAL.working_days_between(start, due) == days


def test_case_3_any_year_works_up_to_the_last_date():
    cal = WorkCalendar()
    # 1949: before the package's years, the statutory fallback (1–3 October off, Tue 10-04)
    assert cal.add_working_days(D("1949-09-30"), 1) == D("1949-10-04")
    due = cal.add_working_days(D("2026-01-01"), 100_000)  # ~400 years ahead, statutory fallback
    assert cal.working_days_between(D("2026-01-01"), due) == 100_000
    assert cal.add_working_days(D("9999-12-30"), 1) == D("9999-12-31")
    with pytest.raises(OverflowError):
        cal.add_working_days(D("9999-12-01"), 100)


@pytest.mark.parametrize(
    "start, end, count",
    [
        ("2026-09-30", "2026-10-13", 5),
        ("2026-10-13", "2026-09-30", 0),  # end before start
        ("2026-10-13", "2026-10-13", 0),
        ("2026-10-01", "2026-10-07", 0),  # a whole holiday
        ("2026-10-09", "2026-10-12", 2),  # Sat 10-10 works, Sun 10-11 does not
        # 2027-01-01 is New Year's Day (statutory fallback): nothing added; 01-04 adds one.
        ("2025-12-31", "2027-01-01", CAL.working_days_between(D("2025-12-31"), D("2026-12-31"))),
        ("2025-12-31", "2027-01-04", CAL.working_days_between(D("2025-12-31"), D("2026-12-31")) + 1),
    ],
)
def test_calendar_working_days_between(start, end, count):
    assert CAL.working_days_between(D(start), D(end)) == count


# -- years without an official schedule ---------------------------------------------------


def test_calendar_official_years_are_those_of_the_package():
    assert CAL.has_official_schedule(2004) and CAL.has_official_schedule(2026)
    assert not CAL.has_official_schedule(2003)
    assert not CAL.has_official_schedule(2027)
    with pytest.raises(NotImplementedError):  # what the fallback protects us from
        chinese_calendar.is_workday(D("2027-01-04"))


def test_calendar_missing_official_years_for_the_admin_warning():
    years = [2026, 2027, 2028, 2027, 2003]
    assert sorted({y for y in years if schedule_missing(y, ())}) == [2003, 2027, 2028]
    assert [y for y in range(2020, 2027) if schedule_missing(y, ())] == []
    assert not schedule_missing(2027, {2027})  # entered by the administrator


# -- Calendar: years without the official schedule (statutory fallback, issue #16) ---------
# The official schedules the package carries: read through its public functions only.


def _not_holidays_there(year):
    """The computed statutory days of `year` that the official schedule makes working days."""
    return {day for day in statutory_days(year) if not chinese_calendar.is_holiday(day)}


@pytest.mark.parametrize("year", [2025, 2026])
def test_calendar_statutory_days_are_official_holidays_under_the_2024_rules(year):
    """Calendar: under the 2024 rules (from 2025) every computed day is a holiday of the
    official schedule, and the schedule's holidays hold 13 statutory days (11 + 除夕 + 2 May)."""
    assert len(statutory_days(year)) == 13
    assert _not_holidays_there(year) == set()


def test_calendar_statutory_days_2020_2024_are_official_holidays_but_2024_eve():
    """Calendar: 2020–2024 all computed days are official holidays except 除夕 2024-02-09
    (a working Friday then: 除夕 became statutory only in 2025). Checked year by year: no
    other year of 2020–2024 had 除夕 or any other computed day as a working day."""
    exceptions = set().union(*(_not_holidays_there(year) for year in range(2020, 2025)))
    assert exceptions == {D("2024-02-09")}


def test_calendar_statutory_days_2008_2019_differ_only_by_the_older_rules():
    """Calendar: the 2007 rules (in force 2008–2024) gave one day for Labour Day and none
    for 除夕; every computed day the official schedules of 2008–2019 made a working day is
    2 May or 除夕 (2014: the holiday ran 01-31..02-06, 除夕 01-30 was worked)."""
    exceptions = set().union(*(_not_holidays_there(year) for year in range(2008, 2020)))
    assert exceptions == {D("2012-05-02"), D("2013-05-02"), D("2014-01-30"), D("2017-05-02"),
                          D("2018-05-02")}


@pytest.mark.parametrize("year, days", [
    # 2027 (by hand: 春节 = 2027-02-06, 农历丁未年正月初一; 腊月 has 29 days, so 除夕 is
    # 腊月廿九 02-05; 清明 04-05; 端午 五月初五 06-09; 中秋 八月十五 09-15)
    (2027, ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08",
            "2027-04-05", "2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15",
            "2027-10-01", "2027-10-02", "2027-10-03"]),
    # 2030 (春节 2030-02-03, 庚戌年; 清明 04-05; 端午 06-05; 中秋 09-12)
    (2030, ["2030-01-01", "2030-02-02", "2030-02-03", "2030-02-04", "2030-02-05",
            "2030-04-05", "2030-05-01", "2030-05-02", "2030-06-05", "2030-09-12",
            "2030-10-01", "2030-10-02", "2030-10-03"]),
])
def test_calendar_statutory_days_of_unpublished_years(year, days):
    assert sorted(statutory_days(year)) == [D(day) for day in days]


def test_calendar_statutory_holidays_are_named_and_mid_autumn_on_national_day_counts_once():
    """Calendar: 2031's 中秋 is 10-01 (as in 2020): one day off, not two; 12 days that year."""
    assert dict(statutory_holidays(2027))[D("2027-02-05")] == "春节（除夕）"
    assert dict(statutory_holidays(2031))[D("2031-10-01")] == "中秋节"
    assert len(statutory_days(2031)) == 12


@pytest.mark.parametrize(
    "day, working",
    [
        ("2027-01-01", False),  # New Year's Day, a Friday: statutory
        ("2027-01-02", False),  # a Saturday
        ("2027-01-04", True),  # an ordinary Monday
        ("2027-02-05", False),  # 除夕, Friday
        ("2027-02-08", False),  # 初三, Monday
        ("2027-02-09", True),  # no day is added for 初一 falling on a Saturday (no 调休 invented)
        ("2027-02-20", False),  # nor an adjusted working Saturday
        ("2027-04-05", False),  # 清明, Monday
        ("2027-05-03", True),  # 1–2 May fall on the weekend: not moved
        ("2027-06-09", False),  # 端午, Wednesday
        ("2027-09-15", False),  # 中秋, Wednesday
        ("2027-10-01", False),  # National Day, Friday
        ("2027-10-04", True),  # 10-02/03 fall on the weekend: not moved
        ("2003-10-01", False),  # before the package's first year: the same fallback
        ("2003-10-06", True),
    ],
)
def test_calendar_2027_falls_back_to_monday_to_friday_minus_statutory_holidays(day, working):
    assert CAL.is_working_day(D(day)) is working


@pytest.mark.parametrize(
    "accepted, days, due",
    [
        # Mon 12-14, 15 working days: 12-15..12-31 are days 1..13, Fri 2027-01-01 is
        # New Year's Day, Mon 01-04 is day 14, Tue 01-05 day 15 (Mon–Fri alone said 01-04).
        ("2026-12-14", 15, "2027-01-05"),
        # Thu 12-31 is day 1, Fri 01-01 a holiday, Mon 01-04 day 2.
        ("2026-12-30", 2, "2027-01-04"),
        ("2026-12-31", 1, "2027-01-04"),
        # Thu 02-04 is day 1, 除夕 Fri 02-05 .. 初三 Mon 02-08 off, Tue 02-09 day 2.
        ("2027-02-03", 2, "2027-02-09"),
        ("2027-09-30", 1, "2027-10-04"),  # National Day Friday, then the weekend
        ("2026-09-30", 5, "2026-10-13"),  # CASE-3's own example (official 2026) stays
    ],
)
def test_case_3_deadlines_across_into_an_unpublished_year(accepted, days, due):
    """CASE-3 / Calendar: deadlines reaching 2027, whose official schedule is not known."""
    assert CAL.add_working_days(D(accepted), days) == D(due)
    assert CAL.working_days_between(D(accepted), D(due)) == days


@pytest.mark.parametrize("year", [1, 13, 1582, 1949, 2027, 2100, 5000, 9999])
def test_calendar_statutory_fallback_never_fails_for_any_year(year):
    """Calendar: every year up to the last date is computed (lunar dates of the distant past
    falling outside the year are left out), and its table built."""
    assert all(day.year == year for day in statutory_days(year))
    assert date(year, 1, 1) in statutory_days(year)
    assert CAL.working_days_between(date(year, 1, 1), date(year, 12, 31)) > 200


def test_calendar_2027_fallback_never_raises_and_takes_admin_entries():
    """Calendar: the administrator's entries override the statutory fallback both ways."""
    cal = WorkCalendar(extra_holidays=[D("2027-01-04")],
                       extra_workdays=[D("2027-02-06"), D("2027-02-08")])
    assert not cal.is_working_day(D("2027-01-04"))  # a local closure
    assert cal.is_working_day(D("2027-02-06"))  # a Saturday worked
    assert cal.is_working_day(D("2027-02-08"))  # 初三 worked (an entered schedule may say so)
    assert cal.add_working_days(D("2026-12-31"), 1) == D("2027-01-05")
    assert CAL.add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert cal.add_working_days(D("2027-02-04"), 1) == D("2027-02-06")


# -- Calendar: provisional deadlines --------------------------------------------------------


@pytest.mark.parametrize("deadline, entered, provisional", [
    ("2027-01-05", set(), True),  # no official schedule, nothing entered
    ("2027-01-05", {2027}, False),  # the administrator entered the year's schedule
    ("2027-01-05", {2028}, True),
    ("2026-12-31", set(), False),  # an official year
    ("2003-06-30", set(), True),  # before the package's years: the fallback too
    (None, set(), False),  # no deadline (not accepted yet)
])
def test_calendar_deadline_is_provisional_until_the_year_has_a_schedule(deadline, entered,
                                                                       provisional):
    """Calendar / CASE-3: a deadline in a year without the official schedule is provisional."""
    assert deadline_is_provisional(deadline and D(deadline), entered) is provisional
    assert schedule_missing(2027, entered) is (2027 not in entered)


def test_calendar_provisional_until_the_years_schedule_is_entered_not_a_local_closure():
    """Calendar: a 2027 deadline stays provisional with a local closure entered for 2027 — that
    is not the year's official schedule — and is final once the schedule is entered."""
    assert CAL.is_provisional(D("2027-01-05"))
    closure = WorkCalendar(extra_holidays=[D("2027-03-01")])
    assert closure.entered_years == frozenset() and closure.is_provisional(D("2027-01-05"))
    entered = WorkCalendar(extra_holidays=[D("2027-01-01")], scheduled_years=[2027])
    assert entered.entered_years == {2027}
    assert not entered.is_provisional(D("2027-01-05"))
    assert entered.is_provisional(D("2028-01-05"))
    assert not CAL.is_provisional(D("2026-10-13"))


# -- administrator's entries --------------------------------------------------------------


def test_calendar_admin_closure_overrides_official_working_day():
    cal = WorkCalendar(extra_holidays=[D("2026-10-10"), D("2026-10-09")])
    assert not cal.is_working_day(D("2026-10-10"))  # official adjusted working Saturday
    assert cal.add_working_days(D("2026-09-30"), 5) == D("2026-10-15")


def test_calendar_admin_working_day_overrides_official_holiday():
    cal = WorkCalendar(extra_workdays=[D("2026-10-05"), D("2026-10-11")])
    assert cal.is_working_day(D("2026-10-05")) and cal.is_working_day(D("2026-10-11"))
    assert cal.add_working_days(D("2026-09-30"), 1) == D("2026-10-05")
    assert cal.add_working_days(D("2026-09-30"), 5) == D("2026-10-11")


def test_calendar_admin_entries_do_not_leak_between_calendars():
    WorkCalendar(extra_holidays=[D("2026-03-03")])
    assert CAL.is_working_day(D("2026-03-03"))


def test_calendar_same_day_cannot_be_both_closed_and_open():
    with pytest.raises(ValueError, match="2026-03-03"):
        WorkCalendar(extra_holidays=[D("2026-03-03")], extra_workdays=[D("2026-03-03")])


# -- invariants ---------------------------------------------------------------------------


@given(start=dates, days=st.integers(1, 600))
def test_case_3_a_deadline_is_always_a_working_day(start, days):
    assert CAL.is_working_day(CAL.add_working_days(start, days))


@given(start=fallback_dates, days=st.integers(1, 400))
def test_case_3_a_deadline_in_a_fallback_year_is_never_a_statutory_holiday(start, days):
    """Calendar / CASE-3: no deadline lands on a computed statutory holiday or a weekend of a
    year without the official schedule, and each is as provisional as its year."""
    due = CAL.add_working_days(start, days)
    if not CAL.has_official_schedule(due.year):
        assert due not in statutory_days(due.year) and due.weekday() < 5
        assert CAL.is_provisional(due)
    assert CAL.is_working_day(due)
    if days <= 60:
        assert due == naive_add(CAL, start, days)


@given(start=dates, days=st.integers(0, 60))
def test_case_3_fast_deadline_equals_day_by_day_walk(start, days):
    assert CAL.add_working_days(start, days) == naive_add(CAL, start, days)


@given(start=dates, n=st.integers(0, 300), m=st.integers(0, 300))
def test_case_3_adding_n_then_m_equals_adding_n_plus_m_from_a_working_day(start, n, m):
    start = CAL.add_working_days(start, 1)  # a working day
    assert CAL.add_working_days(CAL.add_working_days(start, n), m) == CAL.add_working_days(start, n + m)


@given(start=dates, days=st.integers(0, 600))
def test_case_3_working_days_between_inverts_add_working_days(start, days):
    assert CAL.working_days_between(start, CAL.add_working_days(start, days)) == days


@given(start=dates, span=st.integers(-30, 400))
def test_calendar_working_days_between_counts_working_days_after_start(start, span):
    end = start + timedelta(days=span)
    expected = sum(CAL.is_working_day(start + timedelta(days=k)) for k in range(1, span + 1))
    assert CAL.working_days_between(start, end) == expected


@given(
    start=dates,
    days=st.integers(0, 40),
    closed=st.sets(dates, max_size=20),
    opened=st.sets(dates, max_size=20),
)
def test_calendar_admin_entries_keep_the_invariants(start, days, closed, opened):
    cal = WorkCalendar(extra_holidays=closed - opened, extra_workdays=opened)
    due = cal.add_working_days(start, days)
    assert due == naive_add(cal, start, days)
    assert cal.working_days_between(start, due) == days
    assert all(cal.is_working_day(d) for d in opened)
    assert not any(cal.is_working_day(d) for d in closed - opened)


@pytest.mark.parametrize(("day", "start", "end", "following"), [
    (date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 1)),
    (date(2028, 2, 29), date(2028, 2, 1), date(2028, 2, 29), date(2028, 3, 1)),
    (date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31), date(2027, 1, 1)),
])
def test_month_start_end_and_next_month(day, start, end, following):
    from app.rules.calendar import month_end, month_start, next_month

    assert (month_start(day), month_end(day), next_month(day)) == (start, end, following)
