"""年度节假日安排 — the year's schedule as the office types it (RULES.md "Calendar", CASE-3)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.calendar import WorkCalendar
from app.rules.errors import RuleViolation
from app.rules.schedule import format_year_schedule, is_workday_name, parse_year_schedule

D = date.fromisoformat

# An illustrative 2027 schedule (the official one is not published yet): the shape of a
# State Council notice — ranges of closures, single adjusted working weekends.
SCHEDULE_2027 = """
元旦 2027-01-01 2027-01-03
# 春节 (comment lines and blank lines are skipped)

春节 2027-02-06 至 2027-02-13
调休上班 2027-02-14
国庆节　2027-10-01 2027-10-07
国庆节调休上班 2027-09-26
"""


def test_calendar_schedule_ranges_become_days_and_working_days_are_told_by_their_name():
    holidays, workdays = parse_year_schedule(SCHEDULE_2027, 2027)
    assert len(holidays) == 3 + 8 + 7
    assert (D("2027-02-10"), "春节") in holidays and (D("2027-10-07"), "国庆节") in holidays
    assert workdays == [(D("2027-02-14"), "调休上班"), (D("2027-09-26"), "国庆节调休上班")]
    assert [d for d, _ in holidays] == sorted(d for d, _ in holidays)


def test_calendar_schedule_feeds_a_work_calendar_for_an_unknown_year():
    holidays, workdays = parse_year_schedule(SCHEDULE_2027, 2027)
    calendar = WorkCalendar([d for d, _ in holidays], [d for d, _ in workdays])
    assert not calendar.is_working_day(D("2027-10-04"))  # a Monday inside National Day
    assert calendar.is_working_day(D("2027-09-26"))  # an adjusted working Sunday
    # CASE-3 across the holiday: Thu 09-30 + 1 working day is Fri 10-08.
    assert calendar.add_working_days(D("2027-09-30"), 1) == D("2027-10-08")


@pytest.mark.parametrize("name, working", [
    ("调休上班", True), ("国庆节补班", True), ("Workday", True), ("extra working day", True),
    ("国庆节", False), ("停电闭厅", False),
])
def test_calendar_schedule_a_line_is_a_working_day_when_its_name_says_so(name, working):
    assert is_workday_name(name) is working


@pytest.mark.parametrize("text, line, words", [
    ("国庆节 2027-10-01 2027-10-07\n国庆节", 2, "Line 2"),  # no date
    ("2027-10-01 2027-10-07", 1, "Line 1"),  # no name
    ("国庆节 2027-10-01 2027-10-07 2027-10-08", 1, "Line 1"),  # three dates
    ("国庆节 2027-02-30", 1, "2027-02-30"),  # no such day
    ("元旦 2026-12-31 2027-01-01", 1, "2026-12-31"),  # outside the year
    ("\n\n国庆节 2027-10-07 2027-10-01", 3, "before"),  # range backwards
    ("国庆节 2027-10-01 2027-10-07\n调休上班 2027-10-03", 2, "both"),  # holiday and working day
    ("调休上班 2027-10-03\n国庆节 2027-10-01 2027-10-07", 2, "both"),
    ("国庆节 2027-10-01 2027-10-07\n中秋节 2027-10-07", 2, "already"),  # listed twice
    ("节" * 101 + " 2027-10-01", 1, "longer"),
])
def test_calendar_schedule_a_bad_line_is_refused_with_its_line_number(text, line, words):
    with pytest.raises(RuleViolation) as caught:
        parse_year_schedule(text, 2027)
    violation = caught.value
    assert violation.rule_id == "CASE-3" and violation.field == "entries"
    assert violation.params["line"] == line
    assert words in violation.render()


def test_calendar_schedule_empty_text_is_an_empty_schedule():
    assert parse_year_schedule("", 2027) == ([], [])
    assert parse_year_schedule("\n  \n# nothing yet\n", 2027) == ([], [])


def test_calendar_schedule_formatting_reads_back_to_the_same_entries():
    holidays, workdays = parse_year_schedule(SCHEDULE_2027, 2027)
    entries = [(d, "holiday", n) for d, n in holidays] + [(d, "workday", n) for d, n in workdays]
    text = format_year_schedule(entries)
    assert "国庆节 2027-10-01 2027-10-07" in text.splitlines()
    assert format_year_schedule(iter(entries)) == text  # rows straight from a query
    assert parse_year_schedule(text, 2027) == (holidays, workdays)


def test_calendar_schedule_formatting_keeps_the_kind_of_entries_named_elsewhere():
    """Entries from the holiday list page may be named anything: the kind must survive."""
    entries = [(D("2027-03-01"), "workday", "区里统一安排"), (D("2027-03-02"), "holiday", "上班日停电")]
    holidays, workdays = parse_year_schedule(format_year_schedule(entries), 2027)
    assert [d for d, _ in holidays] == [D("2027-03-02")]
    assert [d for d, _ in workdays] == [D("2027-03-01")]


days_2027 = st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31))


@given(st.sets(days_2027, max_size=40), st.sets(days_2027, max_size=10),
       st.sampled_from(["春节", "国庆节", "停电"]))
def test_calendar_schedule_any_schedule_survives_a_round_trip(closed, extra, name):
    extra = extra - closed
    entries = [(d, "holiday", name) for d in closed] + [(d, "workday", "调休上班") for d in extra]
    holidays, workdays = parse_year_schedule(format_year_schedule(entries), 2027)
    assert {d for d, _ in holidays} == closed and {d for d, _ in workdays} == extra
