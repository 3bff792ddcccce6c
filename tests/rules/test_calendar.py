"""工作日历 — the working-day calendar (RULES.md "Calendar", CASE-3)."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.calendar import OFFICIAL_YEARS, WorkCalendar, missing_official_years

CAL = WorkCalendar()
D = date.fromisoformat

# Acceptance dates from 2000 (before the package's first year) to 2030 (after its last).
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


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
    assert cal.add_working_days(D("1949-09-30"), 1) == D("1949-10-03")  # Mon–Fri fallback
    due = cal.add_working_days(D("2026-01-01"), 100_000)  # ~380 years ahead, Mon–Fri
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
        ("2025-12-31", "2027-01-01", CAL.working_days_between(D("2025-12-31"), D("2026-12-31")) + 1),
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
    assert missing_official_years([2026, 2027, 2028, 2027, 2003]) == [2003, 2027, 2028]
    assert WorkCalendar.missing_official_years(range(2020, 2027)) == []


@pytest.mark.parametrize(
    "day, working",
    [
        ("2027-01-01", True),  # New Year's Day is a Friday; unknown schedule → Mon–Fri
        ("2027-01-02", False),
        ("2027-10-01", True),
        ("2003-10-01", True),  # before the package's first year: also Mon–Fri
    ],
)
def test_calendar_2027_falls_back_to_monday_to_friday(day, working):
    assert CAL.is_working_day(D(day)) is working


def test_calendar_2027_fallback_never_raises_and_takes_admin_entries():
    cal = WorkCalendar(extra_holidays=[D("2027-01-01")], extra_workdays=[D("2027-02-06")])
    assert not cal.is_working_day(D("2027-01-01"))
    assert cal.is_working_day(D("2027-02-06"))  # a Saturday
    assert cal.add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert CAL.add_working_days(D("2026-12-31"), 1) == D("2027-01-01")
    assert cal.add_working_days(D("2027-02-05"), 1) == D("2027-02-06")


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
