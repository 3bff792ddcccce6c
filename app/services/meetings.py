"""会议与学习 — generating the month's meetings, recording attendance and minutes, and the
M5 deductions attendance causes (MEET-1, SCORE-2 M5, AUDIT-1).

The schedule and the deductions are rule functions (app/rules/meetings.py); this module loads
the calendar, the settings (`meet.weekday`, `meet.time`, `meet.study_days`) and the points of
the deduction catalogue's items M5-late and M5-absent (SCORE-2: the catalogue is the one home
of item points), and writes the rows (audited by the session). The caller commits
(`transaction()`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from app.actor import Actor, Clock
from app.rules.errors import N_, RuleViolation
from app.rules.input import validate_text
from app.rules.meetings import (ABSENT_EXCUSED, PRESENT, RULE_ID, WEEKLY, check_attendance,
                                meeting_deductions, month_schedule, parse_study_days)
from app.rules.calendar import month_end, month_start
from app.services.calendar import load_calendar
from app.services.scoring import item_by_code
from app.services.settings import setting_value
from app.services.transaction import check_version
from models.meetings import Meeting, MeetingAttendance
from models.org import Staff

TOPIC_MAX, REASON_MAX = 200, 200  # the columns' lengths


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of the month `month` falls in."""
    return month_start(month), month_end(month)


def schedule_settings(session: Session) -> dict:
    """MEET-1: the meeting weekday, start time and study days as the rule takes them."""
    return {"weekday": setting_value(session, "meet.weekday"),
            "starts_at": setting_value(session, "meet.time"),
            "study_days": parse_study_days(setting_value(session, "meet.study_days"))}


def meetings_between(session: Session, start: date, end: date) -> list[Meeting]:
    return list(session.scalars(select(Meeting).where(Meeting.day >= start, Meeting.day <= end)
                                .order_by(Meeting.day, Meeting.kind.desc(), Meeting.id)))


@dataclass(frozen=True)
class Generated:
    """What generating a month did: meetings added, unrecorded ones dropped, ones kept."""

    added: list[Meeting]
    removed: int
    kept: int


def is_recorded(meeting: Meeting) -> bool:
    """A meeting with attendance or minutes is a record: never dropped by regeneration."""
    return bool(meeting.attendance) or bool(meeting.minutes)


def generate_month(session: Session, month: date) -> Generated:
    """MEET-1: the month's weekly meetings and study sessions as rows.

    Idempotent: a meeting already there (same kind and day) is kept as it is, so running it
    twice adds nothing. A generated meeting the schedule no longer has (a holiday entered
    since, a setting changed) is dropped — unless something was recorded for it (attendance
    or minutes), which is kept whatever the schedule says now; a week keeping its recorded
    meeting gets no second one.
    """
    first, last = month_bounds(month)
    schedule = month_schedule(first.year, first.month, load_calendar(session),
                              **schedule_settings(session))
    wanted = {(event.kind, event.day): event for event in schedule}
    existing = session.scalars(select(Meeting).where(Meeting.day >= first, Meeting.day <= last)
                               .options(selectinload(Meeting.attendance))).all()
    removed = kept = 0
    weeks_held = set()  # ISO weeks that keep a weekly meeting: one a week, not a second
    for meeting in existing:
        if wanted.pop((meeting.kind, meeting.day), None) is not None or is_recorded(meeting):
            kept += 1
            if meeting.kind == WEEKLY:
                weeks_held.add(meeting.day.isocalendar()[:2])
        else:
            session.delete(meeting)
            removed += 1
    added = [Meeting(kind=event.kind, day=event.day, starts_at=event.starts_at)
             for event in wanted.values()
             if event.kind != WEEKLY or event.day.isocalendar()[:2] not in weeks_held]
    session.add_all(added)
    session.flush()
    return Generated(sorted(added, key=lambda m: (m.day, m.kind)), removed, kept)


# --- Attendance ------------------------------------------------------------------------
@dataclass(frozen=True)
class SheetRow:
    """One line of a meeting's attendance sheet: the staff member and what is recorded (or
    the default, present, before anything is)."""

    staff_id: int
    name: str
    window: str
    status: str
    reason: str | None
    recorded: bool


def sheet_staff(session: Session, meeting: Meeting) -> list[Staff]:
    """Who is on the sheet: every active staff member, and whoever already has a record."""
    recorded = {row.staff_id for row in meeting.attendance}
    query = select(Staff).where(Staff.is_active.is_(True) | Staff.id.in_(sorted(recorded)))
    return list(session.scalars(query.order_by(Staff.window_id.is_(None), Staff.window_id,
                                               Staff.id)))


def attendance_sheet(session: Session, meeting: Meeting) -> list[SheetRow]:
    """MEET-1: the sheet the office fills in: a row per staff member, present by default."""
    records = {row.staff_id: row for row in meeting.attendance}
    rows = []
    for staff in sheet_staff(session, meeting):
        record = records.get(staff.id)
        rows.append(SheetRow(staff.id, staff.name, str(staff.window) if staff.window else "",
                             record.status if record else PRESENT,
                             record.reason if record else None, record is not None))
    return rows


def record_attendance(session: Session, meeting: Meeting,
                      marks: Mapping[int, tuple[str, str | None]], actor: Actor,
                      clock: Clock, seen_version=None) -> list[MeetingAttendance]:
    """MEET-1: the whole sheet in one go. `marks` maps a staff id to (status, reason); a staff
    member of the sheet left out is present. Absent with reason needs the reason (an approved
    leave, an errand); a reason is kept only for an absence with reason. Attendance is
    recorded on or after the meeting's day, never before. Unchanged rows are not rewritten
    (the audit trail shows only real changes, AUDIT-1).

    A broken rule names its row: field `status_<staff id>` or `reason_<staff id>`.

    The sheet is saved as a whole against the meeting's version it was opened with
    (`seen_version`, issue #9): each save moves that version, so of two office users saving
    the same sheet at once the second is told to reload instead of overwriting row by row.
    """
    check_version(meeting, seen_version)
    if meeting.day > clock.today:
        raise RuleViolation(RULE_ID, N_("Attendance is recorded on or after the meeting day "
                                        "(%(day)s)."), day=meeting.day.isoformat())
    staff_ids = {staff.id for staff in sheet_staff(session, meeting)}
    unknown = set(marks) - staff_ids
    if unknown:
        raise RuleViolation(RULE_ID, N_("Only active staff are on the attendance sheet."),
                            field="status")
    records = {row.staff_id: row for row in meeting.attendance}
    written = []
    for staff_id in sorted(staff_ids):
        status, reason = marks.get(staff_id, (PRESENT, None))
        reason = (reason or "").strip() or None
        try:
            check_attendance(status, reason)
            validate_text(reason, REASON_MAX, "reason")
        except RuleViolation as violation:
            violation.field = f"{violation.field or 'status'}_{staff_id}"
            raise
        if status != ABSENT_EXCUSED:
            reason = None
        record = records.get(staff_id)
        if record is None:
            record = MeetingAttendance(meeting=meeting, staff_id=staff_id)
            session.add(record)
        elif (record.status, record.reason) == (status, reason):
            continue
        record.status, record.reason = status, reason
        record.recorded_by_id, record.recorded_at = actor.user_id, clock.now
        written.append(record)
    flag_modified(meeting, "starts_at")  # an UPDATE of the meeting: its version moves (issue #9)
    session.flush()
    return written


def write_minutes(session: Session, meeting: Meeting, topic: str | None, minutes: str | None,
                  actor: Actor, clock: Clock, seen_version=None) -> Meeting:
    """MEET-1: the topic and minutes (会议记录) of a held meeting, with who wrote them and when.
    `seen_version` is the meeting's version the form was opened with (issue #9)."""
    check_version(meeting, seen_version)
    if meeting.day > clock.today:
        raise RuleViolation(RULE_ID, N_("Minutes are written on or after the meeting day "
                                        "(%(day)s)."), day=meeting.day.isoformat())
    topic = validate_text((topic or "").strip() or None, TOPIC_MAX, "topic")
    minutes = validate_text((minutes or "").strip() or None, None, "minutes")
    if not minutes:
        raise RuleViolation(RULE_ID, N_("Write the minutes of the meeting."), field="minutes")
    meeting.topic, meeting.minutes = topic, minutes
    meeting.minutes_by_id, meeting.minutes_at = actor.user_id, clock.now
    session.flush()
    return meeting


# --- What the scoring issue and the self-service area read -------------------------------
#: SCORE-2 M5: the catalogue items whose points a late arrival and an unexcused absence cost.
M5_ITEMS = ("M5-late", "M5-absent")


@dataclass(frozen=True)
class M5Event:
    """SCORE-2 M5: one deduction from meeting attendance — automatic, evidence = the meeting."""

    staff_id: int
    window_id: int | None
    points: Decimal
    meeting_id: int
    status: str  # late / absent_unexcused
    day: date
    attendance_id: int  # the evidence (SCORE-1: linked attendance record)


def m5_events(session: Session, month: date) -> list[M5Event]:
    """MEET-1 → SCORE-2 M5: the month's deductions from meeting attendance (late −the points of
    catalogue item M5-late, absent without reason −M5-absent's), in meeting order. The window
    is the staff member's (None for office staff). Pure reading: the same rows give the same
    events, so the scoring generation can run it again without duplicates (SCORE-1)."""
    first, last = month_bounds(month)
    late, absent = (item_by_code(session, code).points_min for code in M5_ITEMS)
    rows = session.execute(
        select(MeetingAttendance, Meeting.day, Staff.window_id)
        .join(Meeting, MeetingAttendance.meeting_id == Meeting.id)
        .join(Staff, MeetingAttendance.staff_id == Staff.id)
        .where(Meeting.day >= first, Meeting.day <= last)
        .order_by(Meeting.day, Meeting.id, MeetingAttendance.staff_id)).all()
    where = {record.id: (record, day, window_id) for record, day, window_id in rows}
    # The rule sees (row id, status) pairs; its events are mapped back to their rows.
    deductions = meeting_deductions([(record.id, record.status) for record, _, _ in rows],
                                    late, absent)
    events = []
    for deduction in deductions:
        record, day, window_id = where[deduction.staff]
        events.append(M5Event(record.staff_id, window_id, deduction.points, record.meeting_id,
                              deduction.reason, day, record.id))
    return events


@dataclass(frozen=True)
class OwnAttendance:
    """A meeting of the schedule and one staff member's attendance there (None: not recorded)."""

    meeting_id: int
    kind: str
    day: date
    starts_at: str
    topic: str | None
    status: str | None
    reason: str | None


def meeting_attendance_of(session: Session, staff_id: int, start: date,
                          end: date) -> list[OwnAttendance]:
    """MEET-1: the meetings from `start` to `end` (inclusive) with the staff member's
    attendance, for the self-service area ("my meetings")."""
    meetings = meetings_between(session, start, end)
    records = {row.meeting_id: row for row in session.scalars(
        select(MeetingAttendance).where(MeetingAttendance.staff_id == staff_id,
                                        MeetingAttendance.meeting_id.in_(
                                            [m.id for m in meetings] or [-1])))}
    return [OwnAttendance(m.id, m.kind, m.day, m.starts_at, m.topic,
                          records[m.id].status if m.id in records else None,
                          records[m.id].reason if m.id in records else None)
            for m in meetings]
