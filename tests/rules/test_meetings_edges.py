"""会议与学习 at the edges: a meeting on the first of the month, a holiday Friday with a working
Thursday, a study day that can only go back to the 1st, rows naming their staff, and every
refused setting or attendance explained in Chinese next to its field (MEET-1)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.rules.calendar import WorkCalendar
from app.rules.meetings import (
    ABSENT_EXCUSED,
    LATE,
    WEEKLY,
    Deduction,
    check_attendance,
    check_weekday,
    meeting_deductions,
    month_schedule,
    parse_study_days,
    study_day,
    weekly_meeting_day,
)
from tests.rules.shown import breaks

D = date.fromisoformat


def test_meet_1_a_meeting_on_the_first_of_the_month_belongs_to_that_month():
    """MEET-1: Monday meetings (setting 1) of June 2026 start on Monday 1 June."""
    schedule = month_schedule(2026, 6, WorkCalendar(), weekday=1, study_days=())
    assert [e.day for e in schedule if e.kind == WEEKLY][0] == D("2026-06-01")


def test_meet_1_a_closed_friday_moves_the_meeting_to_thursday():
    """MEET-1: the last working day of the same week before it — the day right before."""
    calendar = WorkCalendar(extra_holidays=[D("2026-11-20")])
    assert weekly_meeting_day(D("2026-11-16"), 5, calendar) == D("2026-11-19")


def test_meet_1_a_study_day_after_the_months_last_working_day_goes_back_even_to_the_1st():
    only_the_first = SimpleNamespace(is_working_day=lambda day: day.day == 1)
    assert study_day(2026, 11, 30, only_the_first) == D("2026-11-01")


@pytest.mark.parametrize("weekday", [0, 8, "5"])
def test_meet_1_a_weekday_outside_1_to_7_is_refused_at_the_setting(weekday):
    with breaks("MEET-1", field="weekday", says="1"):
        check_weekday(weekday)


@pytest.mark.parametrize("text", ["", None, "10,32", "十日"])
def test_meet_1_study_days_that_are_no_days_of_the_month_are_refused_at_the_setting(text):
    with breaks("MEET-1", field="study_days", says="10,20,30"):
        parse_study_days(text)


@pytest.mark.parametrize("status, reason, field", [
    ("sleeping", None, "status"),
    (ABSENT_EXCUSED, None, "reason"),
    (ABSENT_EXCUSED, " ", "reason"),
])
def test_meet_1_an_attendance_that_is_no_status_or_lacks_its_reason_says_why(status, reason, field):
    with breaks("MEET-1", field=field):
        check_attendance(status, reason)


def test_meet_1_a_deduction_row_naming_its_staff_as_staff():
    """MEET-1 → M5: rows may name the person as `staff` (an object) instead of `staff_id`."""
    person = SimpleNamespace(name="王芳")
    row = SimpleNamespace(staff=person, status=LATE)
    assert meeting_deductions([row], Decimal(1), Decimal(2)) == [
        Deduction(person, Decimal(1), LATE)]
    with breaks("MEET-1", field="status"):
        meeting_deductions([SimpleNamespace(staff=person, status="gone")], Decimal(1), Decimal(2))
