"""SCORE-5 勤 出勤值勤 from the facts: absence −1 per half day, sick + personal leave over 20
days in the year −2 (public holidays not counted, once a year), every 5 late/early −1, each
empty post (空岗: an off-post finding) −1 within the attendance 8; meetings late −0.5 and absent
−1 within 2; leaving the post on one's own duty day is absence under duty's 5."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.rules.leave import leave_working_days
from app.services.calendar import load_calendar
from app.services.semiannual import compute, leave_days_through
from models.attendance import ClockRecord, OffPostRecord
from models.leave import LeaveRequest
from models.meetings import Meeting, MeetingAttendance
from models.org import Staff
from models.roster import DutyShift
from models.semiannual import SemiannualEntry
from models.settings import RuleSetting

TODAY = date(2026, 7, 10)
NOW = datetime(2026, 7, 10, 2, tzinfo=timezone.utc)
AFTER_THE_YEAR = date(2027, 1, 5)


@pytest.fixture
def people(db_session, window_a):
    a = Staff(name="甲", window=window_a, category="civil_servant")
    b = Staff(name="乙", window=window_a, category="civil_servant")
    db_session.add_all([a, b])
    db_session.commit()
    return a, b


def _items(db_session, staff, year=2026, half=1, today=TODAY) -> list[tuple[str, D, str]]:
    compute(db_session, year, half, today, now=NOW)
    db_session.commit()
    entry = db_session.scalars(select(SemiannualEntry).where(
        SemiannualEntry.staff_id == staff.id)).one()
    return sorted((item.kind, item.points, item.evidence or "") for item in entry.items)


def _kinds(items, *kinds):
    return [(kind, points) for kind, points, _evidence in items if kind in kinds]


def _setting(db_session, key, value):
    db_session.scalars(select(RuleSetting).where(RuleSetting.key == key)).one().value = value
    db_session.commit()


# --- Leave over 20 days in the year --------------------------------------------------------------
def _leave(db_session, staff, kind, first, last):
    days = leave_working_days(first, last, load_calendar(db_session))
    db_session.add(LeaveRequest(staff_id=staff.id, kind=kind, start_day=first, end_day=last,
                                days=days, approver_position="director", state="approved"))
    db_session.commit()


def _twenty_days(db_session, person, sick_last):
    """10 personal days, sick from 03-16 to `sick_last`, 7 personal days over 1 May: 4/27–5/8
    holds 12 weekdays of which 5 are the Labour Day holidays (not counted)."""
    _leave(db_session, person, "personal", date(2026, 3, 2), date(2026, 3, 13))
    _leave(db_session, person, "sick", date(2026, 3, 16), sick_last)
    _leave(db_session, person, "personal", date(2026, 4, 27), date(2026, 5, 8))


def test_score_5_exactly_20_days_of_leave_is_no_deduction_21_is(db_session, people):
    """SCORE-5 勤: 病、事假全年累计超过20天(不含法定假日) — 20 days are not over 20; 21 are: −2."""
    a, b = people
    _twenty_days(db_session, a, date(2026, 3, 18))  # 10 + 3 + 7 = 20
    _twenty_days(db_session, b, date(2026, 3, 19))  # 10 + 4 + 7 = 21
    calendar = load_calendar(db_session)
    assert leave_days_through(db_session, 2026, date(2026, 6, 30), calendar) == {a.id: D(20),
                                                                                 b.id: D(21)}
    assert _kinds(_items(db_session, a), "leave_over_limit") == []
    items = _items(db_session, b)
    assert _kinds(items, "leave_over_limit") == [("leave_over_limit", D(-2))]
    assert [e for k, _p, e in items if k == "leave_over_limit"] == ["2026-01-01 – 2026-06-30: 21"]


def test_score_5_leave_over_the_limit_counts_once_in_the_half_it_passes(db_session, people):
    """SCORE-5: the second half-year deducts for whoever passes 20 days in it, not again for
    whoever passed them in the first; the limit and the points are settings."""
    a, b = people
    _twenty_days(db_session, a, date(2026, 3, 18))  # 20 in the first half
    _twenty_days(db_session, b, date(2026, 3, 19))  # 21 in the first half
    _leave(db_session, a, "personal", date(2026, 9, 1), date(2026, 9, 1))  # 21 in the second
    _leave(db_session, b, "sick", date(2026, 9, 1), date(2026, 9, 2))
    assert _kinds(_items(db_session, a, half=2, today=AFTER_THE_YEAR),
                  "leave_over_limit") == [("leave_over_limit", D(-2))]
    assert _kinds(_items(db_session, b, half=2, today=AFTER_THE_YEAR), "leave_over_limit") == []
    _setting(db_session, "semi.leave_days_limit", "25")
    _setting(db_session, "semi.leave_over_points", "3")
    _leave(db_session, b, "personal", date(2026, 12, 1), date(2026, 12, 4))  # 27 in the year
    assert _kinds(_items(db_session, b, half=2, today=AFTER_THE_YEAR),
                  "leave_over_limit") == [("leave_over_limit", D(-3))]


# --- Absence and late/early, from a month of clocks -----------------------------------------------
def _clock(db_session, staff, day, hour, minute):
    local = datetime(day.year, day.month, day.day, hour, minute)
    db_session.add(ClockRecord(staff_id=staff.id, clocked_at=(local - timedelta(hours=8)).replace(
        tzinfo=timezone.utc), day=day, second_of_day=hour * 3600 + minute * 60))


def _march(db_session, staff, late=0, missing_afternoons=0):
    """Every working day of March 2026 clocked (winter hours 08:00–11:30, 14:00–17:30): the
    first `late` mornings at 08:10, the last `missing_afternoons` afternoons without a clock."""
    calendar = load_calendar(db_session)
    days = [date(2026, 3, d) for d in range(1, 32) if calendar.is_working_day(date(2026, 3, d))]
    for index, day in enumerate(days):
        _clock(db_session, staff, day, 8, 10) if index < late else _clock(db_session, staff, day, 7, 55)
        _clock(db_session, staff, day, 11, 35)
        if index < len(days) - missing_afternoons:
            _clock(db_session, staff, day, 13, 55)
            _clock(db_session, staff, day, 17, 35)
    db_session.commit()


def test_score_5_absence_costs_one_point_per_half_day(db_session, people):
    """SCORE-5 勤: 旷工每半天扣1分 — three afternoons missing are −3, not −1.5; someone with no
    clock in a month that has data loses the whole attendance sub-item (8)."""
    a, b = people
    _march(db_session, a, missing_afternoons=3)
    items = _items(db_session, a)
    assert [(k, p, e) for k, p, e in items if k == "attendance_absence"] == [
        ("attendance_absence", D(-3), "2026-03: 3")]
    entry_b = db_session.scalars(select(SemiannualEntry).where(SemiannualEntry.staff_id == b.id)).one()
    assert entry_b.off_qin == D(8) and entry_b.qin == D(7)
    _setting(db_session, "semi.absence_half_day_points", "0.5")
    assert _kinds(_items(db_session, a), "attendance_absence") == [("attendance_absence", D("-1.5"))]


@pytest.mark.parametrize("late, late_early_points", [(4, []), (5, [("late_early", D(-1))])])
def test_score_5_every_five_late_arrivals_cost_a_point(db_session, people, late,
                                                       late_early_points):
    """SCORE-5 勤: 迟到、早退每5次扣分 — 4 late arrivals cost nothing here, exactly 5 cost −1
    (ATT-3 also makes 4 or more in a month half a day of absence: −1 as absence)."""
    a, _b = people
    _march(db_session, a, late=late)
    items = _items(db_session, a)
    assert _kinds(items, "late_early") == late_early_points
    assert _kinds(items, "attendance_absence") == [("attendance_absence", D(-1))]  # ATT-3
    if late_early_points:
        assert [e for k, _p, e in items if k == "late_early"] == ["2026-03: 5 = 5"]


def test_score_5_every_late_early_count_is_a_setting(db_session, people):
    a, _b = people
    _march(db_session, a, late=4)
    _setting(db_session, "semi.late_early_count", "2")
    _setting(db_session, "semi.late_early_points", "1.5")
    assert _kinds(_items(db_session, a), "late_early") == [("late_early", D(-3))]  # 4 → 2 × 1.5


# --- Empty posts and leaving during duty -----------------------------------------------------------
def _off_post(db_session, staff, day, minutes):
    record = OffPostRecord(staff_id=staff.id, day=day, minutes=minutes)
    db_session.add(record)
    db_session.commit()
    return record


def test_score_5_each_empty_post_costs_a_point_and_a_long_one_is_absence(db_session, people):
    """SCORE-5 勤: each empty post (空岗: an inspection's off-post record) −1; one of more than
    the ATT-3 limit (2 h) is half a day of absence instead — counted once, as absence."""
    a, _b = people
    short = _off_post(db_session, a, date(2026, 4, 7), 30)
    exactly = _off_post(db_session, a, date(2026, 4, 8), 120)
    longer = _off_post(db_session, a, date(2026, 4, 9), 121)
    items = _items(db_session, a)
    assert [(k, p, e) for k, p, e in items if k in ("empty_post", "attendance_absence")] == [
        ("attendance_absence", D(-1), "2026-04-09 2:01"),
        ("empty_post", D(-1), "2026-04-07 0:30"), ("empty_post", D(-1), "2026-04-08 2:00")]
    assert {short.id, exactly.id, longer.id} == set(db_session.scalars(select(OffPostRecord.id)))
    _setting(db_session, "semi.empty_post_points", "0.5")
    assert _kinds(_items(db_session, a), "empty_post") == [("empty_post", D("-0.5"))] * 2


def test_score_5_leaving_the_post_on_ones_duty_day_is_absence_under_duty(db_session, people):
    """SCORE-5 勤 duty 5: 值班时擅自离岗 is absence — half a day's points under duty, not an
    empty post; a substitute's duty day is the substitute's. A long one in a month with clock
    data is not counted again in the month's absence."""
    a, b = people
    _march(db_session, a)
    written = datetime(2026, 3, 3, 10, tzinfo=timezone.utc)
    db_session.add_all([
        DutyShift(day=date(2026, 3, 3), staff_id=a.id, log_written_at=written),
        DutyShift(day=date(2026, 3, 4), staff_id=b.id, substitute_id=a.id, log_written_at=written),
        DutyShift(day=date(2026, 4, 14), staff_id=b.id, log_written_at=written)])
    db_session.commit()
    _off_post(db_session, a, date(2026, 3, 3), 150)  # own duty, over 2 h, month with clocks
    _off_post(db_session, a, date(2026, 3, 4), 20)  # on duty as b's substitute
    _off_post(db_session, a, date(2026, 4, 14), 20)  # b's duty day, not a's: an empty post
    _off_post(db_session, b, date(2026, 3, 4), 20)  # b was substituted: an empty post
    items = _items(db_session, a)
    assert [(k, p, e) for k, p, e in items if k != "attendance_absence"] == [
        ("duty_absence", D(-1), "2026-03-03 2:30"), ("duty_absence", D(-1), "2026-03-04 0:20"),
        ("empty_post", D(-1), "2026-04-14 0:20")]
    assert _kinds(items, "attendance_absence") == []  # the 2:30 counted once, under duty
    entry = db_session.scalars(select(SemiannualEntry).where(SemiannualEntry.staff_id == a.id)).one()
    assert entry.qin == D(15 - 2 - 1)
    assert _kinds(_items(db_session, b), "empty_post", "duty_absence") == [("empty_post", D(-1))]


# --- Meetings --------------------------------------------------------------------------------------
def test_score_5_meetings_late_half_a_point_absent_one_within_two(db_session, people):
    """SCORE-5 勤 meetings (blank in 001): late −0.5, absent without reason −1 per time, the
    sub-item stopping at 2 (15 − attendance 8 − duty 5)."""
    a, b = people
    for day, status in ((date(2026, 2, 6), "late"), (date(2026, 2, 13), "absent_unexcused")):
        meeting = Meeting(kind="weekly", day=day, starts_at="15:00")
        meeting.attendance = [MeetingAttendance(staff_id=a.id, status=status),
                              MeetingAttendance(staff_id=b.id, status="absent_unexcused")]
        db_session.add(meeting)
    for day in (date(2026, 3, 6), date(2026, 3, 13)):
        meeting = Meeting(kind="weekly", day=day, starts_at="15:00")
        meeting.attendance = [MeetingAttendance(staff_id=b.id, status="absent_unexcused")]
        db_session.add(meeting)
    db_session.commit()
    assert _kinds(_items(db_session, a), "meeting_late", "meeting_absent") == [
        ("meeting_absent", D(-1)), ("meeting_late", D("-0.5"))]
    entries = {e.staff_id: e for e in db_session.scalars(select(SemiannualEntry))}
    assert entries[a.id].qin == D("13.5")
    assert (entries[b.id].off_qin, entries[b.id].qin) == (D(2), D(13))  # 4 absences, within 2
    _setting(db_session, "semi.meeting_late_points", "1")
    assert _kinds(_items(db_session, a), "meeting_late") == [("meeting_late", D(-1))]
