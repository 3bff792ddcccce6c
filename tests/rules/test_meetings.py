"""会议与学习 — the meeting schedule and the M5 deductions of attendance (RULES.md MEET-1)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.calendar import WorkCalendar
from app.rules.errors import RuleViolation
from app.rules.meetings import (ABSENT_EXCUSED, ABSENT_UNEXCUSED, LATE, PRESENT, STUDY, WEEKLY,
                                Deduction, check_attendance, meeting_deductions, month_schedule,
                                parse_study_days, study_day, weekly_meeting_day)

D = date.fromisoformat
CALENDAR = WorkCalendar()  # the State Council schedule of 2026


class MondayToFriday:
    """A calendar without holidays, plus the closures a test names."""

    def __init__(self, *closed):
        self.closed = {D(day) for day in closed}

    def is_working_day(self, day):
        return day.weekday() < 5 and day not in self.closed


def days(schedule, kind):
    return [event.day.isoformat() for event in schedule if event.kind == kind]


def test_meet_1_weekly_meeting_on_friday_afternoon_and_study_on_the_10th_20th_30th():
    schedule = month_schedule(2026, 11, MondayToFriday())
    assert days(schedule, WEEKLY) == ["2026-11-06", "2026-11-13", "2026-11-20", "2026-11-27"]
    assert days(schedule, STUDY) == ["2026-11-10", "2026-11-20", "2026-11-30"]
    assert {event.starts_at for event in schedule} == {"15:00"}
    # In day order, the weekly meeting before the study session of the same day.
    assert [(e.day.day, e.kind) for e in schedule][3:5] == [(20, WEEKLY), (20, STUDY)]


def test_meet_1_holiday_friday_moves_the_meeting_to_the_previous_working_day_of_the_week():
    """2026-10-02 is a National Day holiday: that week's meeting is on Wednesday 30 September,
    and belongs to September's schedule, not October's."""
    assert weekly_meeting_day(D("2026-09-28"), 5, CALENDAR) == D("2026-09-30")
    assert "2026-09-30" in days(month_schedule(2026, 9, CALENDAR), WEEKLY)
    october = days(month_schedule(2026, 10, CALENDAR), WEEKLY)
    assert october == ["2026-10-09", "2026-10-16", "2026-10-23", "2026-10-30"]


def test_meet_1_a_week_without_a_working_day_before_friday_meets_after_it_or_not_at_all():
    calendar = MondayToFriday("2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19",
                              "2026-11-20")
    assert weekly_meeting_day(D("2026-11-16"), 5, calendar) is None
    saturday_open = WorkCalendar(extra_holidays=[D("2026-11-02"), D("2026-11-03"),
                                                 D("2026-11-04"), D("2026-11-05"),
                                                 D("2026-11-06")],
                                 extra_workdays=[D("2026-11-07")])
    assert weekly_meeting_day(D("2026-11-02"), 5, saturday_open) == D("2026-11-07")


def test_meet_1_spring_festival_week_has_no_meeting():
    february = month_schedule(2026, 2, CALENDAR)
    assert "2026-02-20" not in days(february, WEEKLY)
    assert days(february, WEEKLY) == ["2026-02-06", "2026-02-13", "2026-02-27"]


def test_meet_1_february_study_day_30_is_held_on_its_last_working_day():
    """February has no 30th: the month's last day, moved back if it is a rest day."""
    assert study_day(2027, 2, 30, MondayToFriday()) == D("2027-02-26")  # 28th is a Sunday
    # 2026-02-28 is an adjusted working Saturday (调休上班): held that day.
    assert study_day(2026, 2, 30, CALENDAR) == D("2026-02-28")


def test_meet_1_study_day_on_a_weekend_moves_to_the_next_working_day_within_the_month():
    assert study_day(2026, 1, 10, CALENDAR) == D("2026-01-12")  # Saturday → Monday
    assert study_day(2026, 5, 30, CALENDAR) == D("2026-05-29")  # Saturday 30, Sunday 31 → back
    # Holidays too: 20 February 2026 is in the Spring Festival break.
    assert study_day(2026, 2, 20, CALENDAR) == D("2026-02-24")


def test_meet_1_study_day_on_the_meeting_day_is_two_events():
    schedule = month_schedule(2026, 10, CALENDAR)
    assert [e.kind for e in schedule if e.day == D("2026-10-30")] == [WEEKLY, STUDY]


def test_meet_1_two_study_days_landing_on_one_day_are_one_session():
    schedule = month_schedule(2026, 2, MondayToFriday(), study_days=(28, 30))
    assert days(schedule, STUDY) == ["2026-02-27"]


def test_meet_1_weekday_and_time_are_settings():
    schedule = month_schedule(2026, 11, MondayToFriday(), weekday=1, starts_at="16:30",
                              study_days=(15,))
    assert days(schedule, WEEKLY) == ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23",
                                      "2026-11-30"]
    assert days(schedule, STUDY) == ["2026-11-16"]
    assert {e.starts_at for e in schedule} == {"16:30"}


@pytest.mark.parametrize("weekday", [0, 8, -1])
def test_meet_1_weekday_outside_monday_to_sunday_is_refused(weekday):
    with pytest.raises(RuleViolation) as error:
        month_schedule(2026, 11, MondayToFriday(), weekday=weekday)
    assert error.value.rule_id == "MEET-1"


@pytest.mark.parametrize("text, parsed", [("10,20,30", (10, 20, 30)), (" 30, 10 ,10", (10, 30)),
                                          ("15", (15,)), ("10，20", (10, 20))])
def test_meet_1_study_days_setting_is_read(text, parsed):
    assert parse_study_days(text) == parsed


@pytest.mark.parametrize("text", ["", "ten", "0,10", "10,32", "10;20"])
def test_meet_1_bad_study_days_setting_is_refused(text):
    with pytest.raises(RuleViolation):
        parse_study_days(text)


@given(year=st.integers(2004, 2026), month=st.integers(1, 12),
       weekday=st.integers(1, 7), study=st.lists(st.integers(1, 31), max_size=4))
def test_meet_1_every_scheduled_event_is_a_working_day_of_its_month(year, month, weekday, study):
    schedule = month_schedule(year, month, CALENDAR, weekday=weekday, study_days=study)
    for event in schedule:
        assert (event.day.year, event.day.month) == (year, month)
        assert CALENDAR.is_working_day(event.day)
    weekly = [e.day for e in schedule if e.kind == WEEKLY]
    assert len(set(weekly)) == len(weekly)
    # At most one weekly meeting per ISO week.
    weeks = [day.isocalendar()[:2] for day in weekly]
    assert len(set(weeks)) == len(weeks)


def test_meet_1_weekly_meetings_of_a_year_are_each_held_once():
    """Month by month, no week's meeting is lost or doubled across month boundaries."""
    held = [e.day for m in range(1, 13) for e in month_schedule(2026, m, CALENDAR)
            if e.kind == WEEKLY]
    weeks = {}
    monday = D("2025-12-29")
    while monday <= D("2026-12-28"):
        day = weekly_meeting_day(monday, 5, CALENDAR)
        if day is not None and day.year == 2026:
            weeks[monday] = day
        monday += timedelta(days=7)
    assert sorted(held) == sorted(weeks.values())


# --- Attendance and its M5 deductions --------------------------------------------------
def test_meet_1_absence_with_reason_needs_the_reason():
    with pytest.raises(RuleViolation) as error:
        check_attendance(ABSENT_EXCUSED, "  ")
    assert error.value.field == "reason"
    check_attendance(ABSENT_EXCUSED, "病假（已批准）")
    check_attendance(ABSENT_UNEXCUSED, None)
    with pytest.raises(RuleViolation):
        check_attendance("sleeping", None)


def test_meet_1_score_m5_late_costs_1_and_absence_without_reason_2():
    rows = [(1, PRESENT), (2, LATE), (3, ABSENT_UNEXCUSED), (4, ABSENT_EXCUSED), (5, LATE)]
    assert meeting_deductions(rows, Decimal("1"), Decimal("2")) == [
        Deduction(2, Decimal("1"), LATE), Deduction(3, Decimal("2"), ABSENT_UNEXCUSED),
        Deduction(5, Decimal("1"), LATE)]


def test_meet_1_absence_with_reason_costs_nothing_and_zero_points_give_no_event():
    assert meeting_deductions([(4, ABSENT_EXCUSED), (1, PRESENT)], Decimal(1), Decimal(2)) == []
    assert meeting_deductions([(2, LATE)], Decimal(0), Decimal(2)) == []


def test_meet_1_deductions_read_attendance_objects_too():
    class Row:
        def __init__(self, staff_id, status):
            self.staff_id, self.status = staff_id, status

    assert meeting_deductions([Row(7, ABSENT_UNEXCUSED)], Decimal(1), Decimal(2)) == [
        Deduction(7, Decimal(2), ABSENT_UNEXCUSED)]
    with pytest.raises(RuleViolation):
        meeting_deductions([Row(7, "gone")], Decimal(1), Decimal(2))
