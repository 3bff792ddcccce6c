"""考勤 services: import of clock exports, the derivation per half-day, the month (ATT-1..4)."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.rules.errors import RuleViolation
from app.services.attendance import (attendance_month_of, compute_days, decide_excuse,
                                     derive_month, enter_off_post, file_excuse,
                                     import_clock_file, month_absences)
from bench.attendance_sql import month_totals_sql
from app.services.calendar import refresh_work_days
from models.attendance import AttendanceDay, ClockImport, ClockRecord
from models.leave import LeaveRequest
from models.org import Staff

# November 2026: Mon 2nd … Fri 6th are working days; winter hours 08:00–11:30 / 14:00–17:30.
MON, TUE, WED, THU, FRI = (date(2026, 11, d) for d in range(2, 7))
TODAY = date(2026, 11, 7)


@pytest.fixture
def people(db_session):
    rows = [Staff(name="张三", employee_no="1001", unit="office"),
            Staff(name="李四", employee_no="1002", unit="office"),
            Staff(name="王副主任", employee_no="9001", unit="leadership", position="deputy_director")]
    db_session.add_all(rows)
    db_session.commit()
    return rows


def csv_bytes(*lines: str) -> bytes:
    return ("employee_no,name,clocked_at\n" + "\n".join(lines) + "\n").encode()


def full_day(number: str, day: date, am_in="07:55", am_out="11:31", pm_in="13:58", pm_out="17:31"):
    return [f"{number},x,{day} {t}" for t in (am_in, am_out, pm_in, pm_out)]


def week(number: str, **changes) -> list[str]:
    lines = []
    for day in (MON, TUE, WED, THU, FRI):
        lines += full_day(number, day, **changes.get(day.isoformat(), {}))
    return lines


def load(db_session, *lines, name="clock.csv"):
    result = import_clock_file(db_session, name, csv_bytes(*lines), None)
    db_session.commit()
    return result


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_att_1_the_sample_with_chinese_headers_imports(db_session, people, kind):
    """Issue #20: the downloadable template names its columns 工号 / 姓名 / 打卡时间, and it is
    a file the import takes as it is."""
    from app.services.attendance import SAMPLE_ROWS, sample_clock_file

    result = import_clock_file(db_session, f"sample.{kind}", sample_clock_file(kind), None)
    db_session.commit()
    assert not result.errors and count_records(db_session) == len(SAMPLE_ROWS)


def count_records(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(ClockRecord))


# --- ATT-1: import ----------------------------------------------------------------------------
def test_att_1_csv_import_stores_local_day_and_second(db_session, people):
    result = load(db_session, "1001,张三,2026-11-02 08:07:30", "1002,李四,2026/11/02 17:12")
    assert (result.ok, result.rows, result.added) == (True, 2, 2)
    record = db_session.scalars(select(ClockRecord).where(ClockRecord.staff_id == people[0].id)).one()
    assert record.day == MON and record.second_of_day == 8 * 3600 + 7 * 60 + 30
    assert record.clocked_at == datetime(2026, 11, 2, 0, 7, 30, tzinfo=timezone.utc)
    assert db_session.scalars(select(ClockImport)).one().added == 2


def test_att_1_rows_with_errors_are_listed_and_nothing_is_imported(db_session, people):
    result = load(db_session, "1001,张三,2026-11-02 08:00", "7777,某人,2026-11-02 08:00",
                  "1002,李四,昨天早上", "1001,张三,2026-11-02 08:00")
    assert not result.ok
    assert [(e.row, e.render()) for e in result.errors] == [
        (3, "Unknown staff number 7777."),
        (4, "Unreadable time 昨天早上 (write 2026-11-02 08:03)."),
        (5, "Same staff number and time as row 2."),
    ]
    assert count_records(db_session) == 0
    assert db_session.scalar(select(func.count()).select_from(ClockImport)) == 0


def test_att_1_reimporting_the_same_file_adds_nothing_twice(db_session, people):
    lines = week("1001")
    assert load(db_session, *lines).added == 20
    again = load(db_session, *lines, "1001,张三,2026-11-09 08:00")
    assert (again.added, again.skipped) == (1, 20)
    assert count_records(db_session) == 21


def test_att_1_xlsx_import_reads_excel_dates_and_numbers(db_session, people):
    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "打卡时间"])
    sheet.append([1001, "张三", datetime(2026, 11, 2, 8, 1)])
    sheet.append(["1002", "李四", "2026-11-02 08:02"])
    sheet.append(["1003", "无名", "2026-11-02 08:03"])
    out = io.BytesIO()
    book.save(out)
    result = import_clock_file(db_session, "clock.xlsx", out.getvalue(), None)
    assert [(e.row, e.render()) for e in result.errors] == [(4, "Unknown staff number 1003.")]
    db_session.rollback()
    sheet.delete_rows(4)
    out = io.BytesIO()
    book.save(out)
    assert import_clock_file(db_session, "clock.xlsx", out.getvalue(), None).added == 2


def test_att_1_a_file_without_the_columns_is_refused(db_session, people):
    with pytest.raises(RuleViolation) as info:
        import_clock_file(db_session, "x.csv", b"a,b\n1,2\n", None)
    assert info.value.rule_id == "ATT-1"


# --- ATT-2/3/4: the derivation ------------------------------------------------------------------
def day_of(db_session, staff, day):
    results = compute_days(db_session, day, day, TODAY, [staff.id])
    return results[0] if results else None


def test_att_2_late_first_clock_in_and_early_last_clock_out(db_session, people):
    load(db_session, *full_day("1001", MON, am_in="08:07", pm_out="17:12"))
    result = day_of(db_session, people[0], MON)
    assert (result.am.status, result.am.first) == ("late", 8 * 3600 + 7 * 60)
    assert (result.pm.status, result.pm.last) == ("early", 17 * 3600 + 12 * 60)
    assert result.late_early == 2 and result.absent_days == 0


def test_att_2_missing_half_day_without_leave_is_half_a_day_absence(db_session, people):
    load(db_session, "1001,x,2026-11-02 07:50", "1001,x,2026-11-02 11:35")
    result = day_of(db_session, people[0], MON)
    assert (result.am.status, result.pm.status, result.absent_days) == ("ok", "absent", Decimal("0.5"))


def test_att_3_approved_leave_covers_its_half_days_only(db_session, people):
    staff = people[0]
    db_session.add_all([
        LeaveRequest(staff_id=staff.id, kind="personal", start_day=MON, end_day=TUE,
                     half_day_start=True, days=Decimal("1.5"), approver_position="director",
                     state="approved"),
        LeaveRequest(staff_id=staff.id, kind="personal", start_day=WED, end_day=WED,
                     days=Decimal(1), approver_position="director", state="pending"),
    ])
    db_session.commit()
    load(db_session, *week("1002"))  # ATT-2: the days have clock data
    results = {r.day: r for r in compute_days(db_session, MON, WED, TODAY, [staff.id])}
    assert (results[MON].am.status, results[MON].pm.status) == ("absent", "leave")
    assert (results[TUE].am.status, results[TUE].pm.status) == ("leave", "leave")
    assert results[WED].am.status == "absent"  # leave not approved counts as absence


def test_att_2_holidays_and_weekends_have_no_attendance(db_session, people):
    # 2026-10-01..07 National Day; Saturday 2026-11-07 is no working day.
    assert compute_days(db_session, date(2026, 10, 1), date(2026, 10, 7), TODAY, [people[0].id]) == []
    assert compute_days(db_session, date(2026, 11, 7), date(2026, 11, 8), date(2026, 11, 30),
                        [people[0].id]) == []


def test_att_4_excuse_counts_only_when_the_deputy_director_approves(db_session, people):
    staff, other, deputy = people
    load(db_session, "1001,x,2026-11-02 13:55", "1001,x,2026-11-02 17:40")
    excuse = file_excuse(db_session, staff.id, MON, "am", "meeting", "县里开会", None, TODAY)
    db_session.commit()
    assert day_of(db_session, staff, MON).am.status == "absent"
    with pytest.raises(RuleViolation) as info:
        decide_excuse(db_session, excuse, True, other, None, datetime(2026, 11, 6, 2, tzinfo=timezone.utc))
    assert info.value.rule_id == "ATT-4"
    decide_excuse(db_session, excuse, True, deputy, None, datetime(2026, 11, 6, 2, tzinfo=timezone.utc))
    db_session.commit()
    assert day_of(db_session, staff, MON).am.status == "excused"


def test_att_4_only_meetings_and_errands_are_excuses(db_session, people):
    with pytest.raises(RuleViolation):
        file_excuse(db_session, people[0].id, MON, "am", "overslept", None, None, TODAY)


def test_att_3_four_late_in_a_month_is_half_a_day(db_session, people):
    late = {d.isoformat(): {"am_in": "08:05"} for d in (MON, TUE, WED)}
    load(db_session, *week("1001", **late), *week("1002"))
    months = month_absences(db_session, 2026, 11, TODAY)
    assert (months[people[0].id].late, months[people[0].id].absence_days) == (3, Decimal(0))
    db_session.execute(ClockRecord.__table__.delete().where(
        ClockRecord.staff_id == people[0].id, ClockRecord.day == THU,
        ClockRecord.second_of_day < 9 * 3600))
    load(db_session, "1001,x,2026-11-05 08:10")
    month = month_absences(db_session, 2026, 11, TODAY)[people[0].id]
    assert (month.late, month.rule_days) == (4, Decimal("0.5"))
    assert month_absences(db_session, 2026, 11, TODAY)[people[1].id].absence_days == 0


def test_att_3_off_post_over_two_hours_is_half_a_day_each(db_session, people):
    load(db_session, *week("1001"))
    enter_off_post(db_session, people[0].id, MON, 121, "巡查", None)
    enter_off_post(db_session, people[0].id, TUE, 120, "巡查", None)
    db_session.commit()
    month = month_absences(db_session, 2026, 11, TODAY)[people[0].id]
    assert [m for _d, m in month.off_post] == [121, 120]
    assert month.absence_days == Decimal("0.5")


def test_att_2_month_of_a_person_says_why(db_session, people):
    load(db_session, *full_day("1001", MON, am_in="08:07"), *week("1002"))
    view = attendance_month_of(db_session, people[0].id, 2026, 11, TODAY)
    lines = {line.day: line for line in view.lines}
    assert lines[MON].result.am.status == "late"
    assert lines[TUE].result.am.status == "absent"
    assert lines[date(2026, 11, 7)].working is False
    assert lines[date(2026, 11, 20)].result is None  # after today: not derived
    assert view.summary.absence_days == Decimal("4")  # 4 days absent (8 half-days)


def test_att_2_stored_days_and_one_sql_statement_agree_with_the_python_derivation(db_session, people):
    late = {MON.isoformat(): {"am_in": "08:05", "pm_out": "17:00"}}
    load(db_session, *week("1001", **late), *full_day("1002", WED))
    db_session.add(LeaveRequest(staff_id=people[1].id, kind="sick", start_day=MON, end_day=TUE,
                                half_day_end=True, days=Decimal("1.5"),
                                approver_position="director", state="approved"))
    db_session.commit()
    refresh_work_days(db_session, TODAY)  # the SQL reads the calendar from work_day
    written = derive_month(db_session, 2026, 11, TODAY)
    db_session.commit()
    assert written == 3 * 5
    assert db_session.scalar(select(func.count()).select_from(AttendanceDay)) == 15
    python = month_absences(db_session, 2026, 11, TODAY)
    sql = month_totals_sql(db_session, date(2026, 11, 1), date(2026, 11, 30), TODAY)
    for staff in people:
        m = python[staff.id]
        assert sql[(staff.id, 2026, 11)] == (m.late, m.early, m.absent_half_days), staff.name
    assert sql[(people[0].id, 2026, 11)] == (1, 1, 0)
    assert sql[(people[1].id, 2026, 11)] == (0, 0, 5)  # Tue pm after the leave, Thu, Fri


def test_att_1_quoted_fields_and_windows_line_ends_read_as_plain_rows(db_session, people):
    """ATT-1: the import's fast path (unquoted text split by hand) and the csv module agree."""
    quoted = ('employee_no,name,clocked_at\r\n1001,"张, 三",2026-11-02 08:07:30\r\n'
              '"1002",李四,2026-11-02 17:12:09\r\n\r\n').encode()
    plain = "employee_no,name,clocked_at\r\n1001,张三,2026-11-03 08:07:30\r\n\r\n".encode()
    first = import_clock_file(db_session, "a.csv", quoted, None)
    second = import_clock_file(db_session, "b.csv", plain, None)
    db_session.commit()
    assert (first.rows, first.added, second.rows, second.added) == (2, 2, 1, 1)
    assert sorted((r.day, r.second_of_day) for r in db_session.scalars(select(ClockRecord))) == [
        (MON, 8 * 3600 + 7 * 60 + 30), (MON, 17 * 3600 + 12 * 60 + 9),
        (TUE, 8 * 3600 + 7 * 60 + 30)]


def test_att_1_odd_times_still_go_through_the_formats(db_session, people):
    """ATT-1: only the exact "YYYY-MM-DD HH:MM:SS" takes the cached path; 24:00:00 and
    2026-02-30 are refused as before, other formats still read."""
    result = load(db_session, "1001,x,2026-11-02 24:00:00", "1001,x,2026-02-30 08:00:00",
                  "1002,x,2026-11-02T08:00:00")
    assert [e.row for e in result.errors] == [2, 3]
    assert result.rows == 3


def test_att_2_staff_who_does_not_clock_in_is_derived_only_in_months_with_clocks(db_session, people):
    """ATT-2: leadership (Staff.clocks_in off) is never shown absent for a month without any
    clock of theirs; a month with clocks is derived as for everyone (Python and SQL alike)."""
    leader = people[2]
    leader.clocks_in = False
    db_session.commit()
    refresh_work_days(db_session, TODAY)
    load(db_session, *week("1001"))
    assert day_of(db_session, leader, MON) is None
    assert month_absences(db_session, 2026, 11, TODAY)[leader.id].absence_days == 0
    sql = month_totals_sql(db_session, date(2026, 11, 1), date(2026, 11, 30), TODAY)
    assert (leader.id, 2026, 11) not in sql and (people[0].id, 2026, 11) in sql
    assert derive_month(db_session, 2026, 11, TODAY) == 2 * 5
    db_session.rollback()
    load(db_session, *full_day("9001", TUE))
    assert day_of(db_session, leader, MON).am.status == "absent"
    assert month_absences(db_session, 2026, 11, TODAY)[leader.id].absent_half_days == 8
    sql = month_totals_sql(db_session, date(2026, 11, 1), date(2026, 11, 30), TODAY)
    assert sql[(leader.id, 2026, 11)] == (0, 0, 8)



# --- ATT-3: off-post records corrected and removed, with a reason ------------------------------
def test_att_3_office_corrects_and_removes_an_off_post_record_with_a_reason(db_session, people):
    import json

    from app.services.attendance import correct_off_post, delete_off_post
    from models.attendance import OffPostRecord
    from models.audit import AuditLog

    record = enter_off_post(db_session, people[0].id, MON, 150, "巡查", None)
    db_session.commit()
    assert month_absences(db_session, 2026, 11, TODAY)[people[0].id].rule_days == Decimal("0.5")
    with pytest.raises(RuleViolation) as info:
        correct_off_post(db_session, record, MON, 90, "  ")
    assert (info.value.rule_id, info.value.field) == ("ATT-3", "reason")
    db_session.rollback()
    with pytest.raises(RuleViolation):
        correct_off_post(db_session, record, MON, 0, "误记")
    db_session.rollback()
    correct_off_post(db_session, record, TUE, 90, "巡查记录误记")
    db_session.commit()
    assert (record.day, record.minutes, record.correction_note, record.version) == (
        TUE, 90, "巡查记录误记", 2)
    assert month_absences(db_session, 2026, 11, TODAY)[people[0].id].rule_days == 0
    with pytest.raises(RuleViolation):
        delete_off_post(db_session, record, "")
    db_session.rollback()
    record_id = record.id
    delete_off_post(db_session, record, "重复录入")
    db_session.commit()
    assert db_session.get(OffPostRecord, record_id) is None
    trail = db_session.scalars(select(AuditLog).where(
        AuditLog.model == "OffPostRecord", AuditLog.record_id == str(record_id))
        .order_by(AuditLog.id)).all()
    assert [entry.action for entry in trail] == ["create", "update", "delete"]
    assert json.loads(trail[1].changes)["minutes"] == [150, 90]
    assert json.loads(trail[2].changes)["correction_note"] == ["重复录入", None]


def test_att_2_deriving_again_keeps_the_stored_days_of_someone_who_has_left(db_session, people):
    """ATT-2/LEAVE-4: the nightly re-derivation covers active staff only; the days stored for
    a person who has since left are history, not recomputed to nothing."""
    refresh_work_days(db_session, TODAY)
    load(db_session, *week("1001"), *week("1002"))
    derive_month(db_session, 2026, 11, TODAY)
    db_session.commit()
    leaver = people[1]
    stored = db_session.scalar(select(func.count()).select_from(AttendanceDay).where(
        AttendanceDay.staff_id == leaver.id))
    assert stored == 5
    leaver.is_active = False
    db_session.commit()
    derive_month(db_session, 2026, 11, TODAY)
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(AttendanceDay).where(
        AttendanceDay.staff_id == leaver.id)) == 5
    assert db_session.scalar(select(func.count()).select_from(AttendanceDay).where(
        AttendanceDay.staff_id == people[0].id)) == 5
