"""考勤 at its edges: the thresholds' boundary seconds and minutes (ATT-2/3), days without clock
data (ATT-2), and the month view and the yearly flags counting the same absence (LEAVE-4).

November 2026 (winter hours 08:00–11:30 / 14:00–17:30) has 21 working days: 2–6, 9–13, 16–20,
23–27 and 30. Every test passes its own "today"; none reads the wall clock.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.services.attendance import (attendance_month_of, compute_days, days_without_clock_data,
                                     derive_month, enter_off_post, import_clock_file,
                                     month_absences, working_days)
from bench.attendance_sql import month_totals_sql
from app.services.calendar import load_calendar, refresh_work_days
from app.services.deductions import generate_month
from app.services.leave import yearly_flag_rows
from app.services.transaction import transaction
from models.attendance import AttendanceDay
from models.leave import LeaveRequest
from models.org import Staff
from models.scoring import ScoreEvent

TODAY = date(2026, 12, 1)  # the whole of November is over
FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)
HOURS = ((time(8, 0), time(11, 30)), (time(14, 0), time(17, 30)))  # winter


@pytest.fixture
def people(db_session):
    """张三 (1001), whose attendance the tests look at, and 李四 (1002), who clocks on time."""
    rows = [Staff(name="张三", employee_no="1001", unit="office"),
            Staff(name="李四", employee_no="1002", unit="office")]
    db_session.add_all(rows)
    db_session.commit()
    refresh_work_days(db_session, TODAY)  # the SQL twin reads the calendar from work_day
    db_session.commit()
    return rows


def november(db_session, first=FIRST, last=LAST) -> list[date]:
    return working_days(first, last, load_calendar(db_session))


def full_day(number: str, day: date, am_in=HOURS[0][0], am_out=HOURS[0][1], pm_in=HOURS[1][0],
             pm_out=HOURS[1][1]) -> list[str]:
    return [f"{number},x,{datetime.combine(day, at):%Y-%m-%d %H:%M:%S}"
            for at in (am_in, am_out, pm_in, pm_out)]


def load(db_session, lines: list[str]) -> None:
    data = ("employee_no,name,clocked_at\n" + "\n".join(lines) + "\n").encode()
    result = import_clock_file(db_session, "clock.csv", data, None)
    assert result.ok, [e.render() for e in result.errors]
    db_session.commit()


def on_time(number: str, days) -> list[str]:
    return [line for day in days for line in full_day(number, day)]


def generate(db_session):
    with transaction(db_session):
        generate_month(db_session, 2026, 11, TODAY)


def attendance_events(db_session, staff) -> list[ScoreEvent]:
    db_session.expire_all()
    return list(db_session.scalars(select(ScoreEvent).where(
        ScoreEvent.automatic.is_(True), ScoreEvent.staff_id == staff.id,
        ScoreEvent.source.in_(("attendance", "off_post")))))


def sql_agrees(db_session, staff_ids) -> None:
    """ATT-2/3: the one SQL statement counts what the Python derivation counts."""
    python = month_absences(db_session, 2026, 11, TODAY)
    sql = month_totals_sql(db_session, FIRST, LAST, TODAY)
    for staff_id in staff_ids:
        month = python[staff_id]
        assert sql.get((staff_id, 2026, 11), (0, 0, 0)) == (
            month.late, month.early, month.absent_half_days), staff_id


# --- ATT-2: the boundary seconds ----------------------------------------------------------------
@pytest.mark.parametrize("clock_in, status", [
    (time(8, 0, 0), "ok"),  # at the start second itself: on time
    (time(8, 0, 1), "late"),  # one second after it
])
def test_att_2_a_clock_in_at_the_start_second_is_on_time_one_second_after_is_late(
        db_session, people, clock_in, status):
    day = date(2026, 11, 2)
    load(db_session, full_day("1001", day, am_in=clock_in, pm_in=time(14, 0, 0)))
    [result] = compute_days(db_session, day, day, TODAY, [people[0].id])
    assert result.am.status == status and result.pm.status == "ok"
    assert result.late_early == (status == "late")


@pytest.mark.parametrize("clock_out, status", [
    (time(17, 30, 0), "ok"),  # at the end second itself: no early leave
    (time(17, 29, 59), "early"),  # one second before it
])
def test_att_2_a_clock_out_at_the_end_second_is_no_early_leave_one_second_before_is(
        db_session, people, clock_out, status):
    day = date(2026, 11, 2)
    load(db_session, full_day("1001", day, am_out=time(11, 30, 0), pm_out=clock_out))
    [result] = compute_days(db_session, day, day, TODAY, [people[0].id])
    assert (result.am.status, result.pm.status) == ("ok", status)


# --- ATT-3: exactly 4 late/early in a month; exactly 2 hours off post ---------------------------
@pytest.mark.parametrize("late_early, half_day", [(3, Decimal(0)), (4, Decimal("0.5"))])
def test_att_3_exactly_four_late_or_early_in_a_month_is_half_a_day_and_its_deduction_three_not(
        db_session, people, late_early, half_day):
    """ATT-3 "当月迟到或早退4次以上的计旷工半天": 4 (two late arrivals, two early leaves) is half a
    day of absence and the month's automatic deduction (SCORE-1/2 M8); 3 is neither. Every
    other half-day is on time, so nothing else is charged."""
    clerk = people[0]
    days = november(db_session)
    odd = [dict(am_in=time(8, 0, 1)), dict(pm_out=time(17, 29, 59)), dict(am_in=time(8, 5)),
           dict(pm_out=time(17, 0))][:late_early]
    lines = [line for n, day in enumerate(days)
             for line in full_day("1001", day, **(odd[n] if n < len(odd) else {}))]
    load(db_session, lines + on_time("1002", days))
    month = month_absences(db_session, 2026, 11, TODAY)[clerk.id]
    assert (month.late_early, month.absent_half_days) == (late_early, 0)
    assert month.rule_days == month.absence_days == half_day
    sql_agrees(db_session, [clerk.id])
    generate(db_session)
    assert bool(attendance_events(db_session, clerk)) is bool(half_day)


@pytest.mark.parametrize("minutes, half_day", [(120, Decimal(0)), (121, Decimal("0.5"))])
def test_att_3_off_post_exactly_two_hours_adds_nothing_two_hours_one_minute_half_a_day(
        db_session, people, minutes, half_day):
    """ATT-3 "擅离工作岗位时间超过2小时的计旷工半天": 120 minutes is not over 2 hours; 121 is —
    in the month, in the year's absence (LEAVE-4) and as the M8 deduction."""
    clerk = people[0]
    days = november(db_session)
    load(db_session, on_time("1001", days) + on_time("1002", days))
    enter_off_post(db_session, clerk.id, date(2026, 11, 10), minutes, "巡查", None)
    db_session.commit()
    assert month_absences(db_session, 2026, 11, TODAY)[clerk.id].absence_days == half_day
    derive_month(db_session, 2026, 11, TODAY)
    db_session.commit()
    rows = {row.staff.id: row for row in yearly_flag_rows(db_session, 2026)}
    assert (rows[clerk.id].absence if clerk.id in rows else Decimal(0)) == half_day
    generate(db_session)
    assert bool(attendance_events(db_session, clerk)) is bool(half_day)


# --- LEAVE-4: the month view and the yearly flags count the same absence ------------------------
@pytest.mark.parametrize("late, total, cancelled", [
    (4, Decimal("7.5"), True),  # 7 days of absent half-days + ½ for 4 late: over 7 days
    (3, Decimal(7), False),  # 3 late add nothing: 7 days is not over 7
])
def test_leave_4_the_yearly_absence_counts_the_att_3_half_days_as_the_month_view_does(
        db_session, people, late, total, cancelled):
    """LEAVE-4 / ATT-3: 张三 misses 14 half-days (7 days) and arrives late `late` times in
    November. The month view says 7.5 days with 4 late; the yearly flags say the same 7.5 and
    cancel the year's assessment bonus (旷工超过7天) — they no longer say 7."""
    clerk = people[0]
    days = november(db_session)
    absent, present = days[:7], days[7:]
    lines = [line for n, day in enumerate(present)
             for line in full_day("1001", day, **({"am_in": time(8, 10)} if n < late else {}))]
    load(db_session, lines + on_time("1002", days))
    view = attendance_month_of(db_session, clerk.id, 2026, 11, TODAY)
    assert (view.summary.absent_half_days, view.summary.late) == (2 * len(absent), late)
    assert view.summary.absence_days == total
    derive_month(db_session, 2026, 11, TODAY)  # the nightly job's stored days
    db_session.commit()
    row = next(r for r in yearly_flag_rows(db_session, 2026) if r.staff.id == clerk.id)
    assert row.absence == view.summary.absence_days == total
    assert row.rule_days == total - 7
    assert ("year_bonus_cancelled" in row.flags) is cancelled
    assert all(r.staff.id != people[1].id for r in yearly_flag_rows(db_session, 2026))


# --- ATT-2: no clock data is no absence -------------------------------------------------------
def test_att_2_a_month_without_any_import_is_no_data_no_absence_no_flag_no_deduction(
        db_session, people):
    """ATT-2: nobody's clock imported or entered for November: every working day is no data —
    no absence, no lateness in the month view, the stored days, the SQL twin, the yearly flags
    (no dismissal raised) and the deductions; the pages show the gap."""
    days = november(db_session)
    months = month_absences(db_session, 2026, 11, TODAY)
    for staff in people:
        month = months[staff.id]
        assert (month.absent_half_days, month.absence_days) == (0, Decimal(0))
        assert month.no_data_days == days
    view = attendance_month_of(db_session, people[0].id, 2026, 11, TODAY)
    statuses = {(line.result.am.status, line.result.pm.status) for line in view.lines
                if line.result}
    assert statuses == {("no_data", "no_data")}
    # one run of consecutive working days (weekends between them do not break it)
    assert days_without_clock_data(db_session, 2026, 11, TODAY) == [
        (date(2026, 11, 2), date(2026, 11, 30))]
    sql_agrees(db_session, [staff.id for staff in people])
    assert derive_month(db_session, 2026, 11, TODAY) == 2 * len(days)
    db_session.commit()
    assert set(db_session.scalars(select(AttendanceDay.absent_days))) == {Decimal(0)}
    assert yearly_flag_rows(db_session, 2026) == []
    generate(db_session)
    assert attendance_events(db_session, people[0]) == []


def test_att_2_a_partial_import_leaves_the_days_after_it_no_data(db_session, people):
    """ATT-2: clocks imported up to Friday 13 November (the export of the 15th): 张三 missed
    Tuesday 10th — one day absent; the days from the 16th on are no data, not absence. Their
    deductions are those of a month fully imported with 张三 present after the 15th."""
    clerk = people[0]
    days = november(db_session)
    imported = [day for day in days if day <= date(2026, 11, 15)]
    load(db_session, on_time("1001", [d for d in imported if d != date(2026, 11, 10)])
         + on_time("1002", imported))
    month = month_absences(db_session, 2026, 11, TODAY)[clerk.id]
    assert (month.absent_half_days, month.absence_days) == (2, Decimal(1))
    assert month.no_data_days == [day for day in days if day > date(2026, 11, 15)]
    assert days_without_clock_data(db_session, 2026, 11, TODAY) == [
        (date(2026, 11, 16), date(2026, 11, 30))]
    sql_agrees(db_session, [staff.id for staff in people])
    derive_month(db_session, 2026, 11, TODAY)
    db_session.commit()
    [row] = yearly_flag_rows(db_session, 2026)
    assert (row.staff.id, row.absence, row.flags) == (clerk.id, Decimal(1), set())
    generate(db_session)
    partial = sorted(e.points for e in attendance_events(db_session, clerk))
    assert partial  # the 10th costs its deduction
    rest = [day for day in days if day > date(2026, 11, 15)]
    load(db_session, on_time("1001", rest) + on_time("1002", rest))
    generate(db_session)
    assert sorted(e.points for e in attendance_events(db_session, clerk)) == partial


def test_att_2_att_3_on_a_day_without_data_only_what_the_leave_records_say_is_absence(
        db_session, people):
    """ATT-2/3: no clock data from the 16th on. 张三's 事假 of 16–17 November overstayed to the
    19th without reason (销假 on the 19th: the 18th is overstay) and 李四's 事假 of 23–24
    November, revoked as obtained by deception, are absence there — the leave records say so,
    no clock needed —, everything else is no data. Python and SQL agree."""
    clerk, other = people
    days = november(db_session)
    imported = [day for day in days if day <= date(2026, 11, 15)]
    load(db_session, on_time("1001", imported) + on_time("1002", imported))
    db_session.add_all([
        LeaveRequest(staff_id=clerk.id, kind="personal", start_day=date(2026, 11, 16),
                     end_day=date(2026, 11, 17), days=Decimal(2), approver_position="director",
                     state="approved", reported_back_on=date(2026, 11, 19),
                     overstay_days=Decimal(1)),
        LeaveRequest(staff_id=other.id, kind="personal", start_day=date(2026, 11, 23),
                     end_day=date(2026, 11, 24), half_day_start=True, days=Decimal("1.5"),
                     approver_position="director", state="revoked")])
    db_session.commit()
    results = {(r.staff_id, r.day): (r.am.status, r.pm.status)
               for r in compute_days(db_session, FIRST, LAST, TODAY)}
    assert results[(clerk.id, date(2026, 11, 17))] == ("leave", "leave")
    assert results[(clerk.id, date(2026, 11, 18))] == ("absent", "absent")  # overstay
    assert results[(clerk.id, date(2026, 11, 19))] == ("no_data", "no_data")  # back
    assert results[(other.id, date(2026, 11, 23))] == ("no_data", "absent")  # from noon
    assert results[(other.id, date(2026, 11, 24))] == ("absent", "absent")
    months = month_absences(db_session, 2026, 11, TODAY)
    assert (months[clerk.id].absence_days, months[other.id].absence_days) == (1, Decimal("1.5"))
    sql_agrees(db_session, [clerk.id, other.id])


def test_att_2_the_month_stays_the_same_once_the_missing_days_are_imported(db_session, people):
    """ATT-2: no data is a gap, not a state: importing the export of the days after the 15th
    later turns them into attendance like any other — 张三 absent where he has no clock."""
    days = november(db_session)
    first_half = [day for day in days if day <= date(2026, 11, 15)]
    load(db_session, on_time("1001", first_half) + on_time("1002", first_half))
    assert month_absences(db_session, 2026, 11, TODAY)[people[0].id].absent_half_days == 0
    rest = [day for day in days if day > date(2026, 11, 15)]
    load(db_session, on_time("1002", rest))
    month = month_absences(db_session, 2026, 11, TODAY)[people[0].id]
    assert (month.absent_half_days, month.no_data_days) == (2 * len(rest), [])
    assert days_without_clock_data(db_session, 2026, 11, TODAY) == []
