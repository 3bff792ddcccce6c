"""年度节假日安排 at the edges (Calendar, CASE-3): every refused line is named in Chinese with its
number and the day at fault, a name of exactly 100 characters, and the lines written back
for entries without a name or named against their kind."""

from datetime import date

import pytest

from app.rules.schedule import format_year_schedule, parse_year_schedule
from tests.rules.shown import breaks

D = date.fromisoformat


@pytest.mark.parametrize("text, says", [
    ("国庆节", ("1", "2027-10-01", "2027-10-07")),  # the example is of the year being entered
    ("国庆节 2027-10-01 2027-10-07 2027-10-08", ("1", "2027-10-01")),
    ("\n国庆节 2027-10-01 2027-10-32", ("2", "2027-10-32")),  # the last day does not exist
    ("国庆节 2027-02-30", ("1", "2027-02-30")),
    ("元旦 2026-12-31 2027-01-01", ("1", "2026-12-31", "2027")),
    ("\n\n国庆节 2027-10-07 2027-10-01", ("3", "2027-10-01", "2027-10-07")),
    ("国庆节 2027-10-01 2027-10-07\n调休上班 2027-10-03", ("2", "2027-10-03", "1")),
    ("国庆节 2027-10-01 2027-10-07\n中秋节 2027-10-07", ("2", "2027-10-07", "1")),
    ("节" * 101 + " 2027-10-01", ("1", "100")),
])
def test_calendar_schedule_a_bad_line_says_which_and_why(text, says):
    """Calendar / CASE-3: the office is told the line and the day at fault."""
    with breaks("CASE-3", field="entries", says=says):
        parse_year_schedule(text, 2027)


def test_calendar_schedule_a_name_of_exactly_100_characters_is_kept():
    """Calendar / CASE-3: a name fills its column (100 characters) and no more."""
    assert parse_year_schedule("节" * 100 + " 2027-10-01", 2027) == (
        [(D("2027-10-01"), "节" * 100)], [])


@pytest.mark.parametrize("entries, text", [
    ([(D("2027-10-08"), "holiday", " ")], "节假日 2027-10-08"),  # a closure without a name
    ([(D("2027-10-09"), "workday", "")], "调休上班 2027-10-09"),  # a working day without one
    ([(D("2027-03-02"), "holiday", "上班")], "休息 2027-03-02"),  # only the words of a workday
    ([(D("2027-03-02"), "holiday", "国庆补班")], "国庆 2027-03-02"),
    ([(D("2027-03-02"), "holiday", "停电")], "停电 2027-03-02"),  # one day: no last day
])
def test_calendar_schedule_entries_are_written_back_as_lines_of_their_kind(entries, text):
    """Calendar / CASE-3: what the office reads back is what it would type."""
    assert format_year_schedule(entries) == text
