"""会议与学习 — the weekly work meeting and the study days, and what attendance costs
(RULES.md §11 MEET-1, feeding SCORE-2 M5).

001: "每周五下午召开工作例会" and "每月10日、20日、30日为学习日". The schedule of a month is a
pure function of the working-day calendar (any object with `is_working_day(day)`, e.g.
app.rules.calendar.WorkCalendar) and the rule settings `meet.weekday`, `meet.time`,
`meet.study_days`:

- Weekly meeting (例会): on the configured ISO weekday (1 = Monday … 7 = Sunday, default 5 =
  Friday) of each week. When that day is not a working day (a holiday Friday), the meeting is
  held on the last working day of the same week before it (2026-10-02, a National Day holiday,
  moves to Wednesday 2026-09-30); when the week has none before it, on the first working day
  after it in the same week; a week without any working day (Spring Festival) has no meeting.
  A meeting moved across a month boundary belongs to the month of the day it is held.
- Study days (学习日): on the configured days of the month (default 10, 20, 30). A day the
  month lacks (the 30th of February) is read as the month's last day. A study day that is not
  a working day moves to the next working day within the month, else to the previous one
  within the month. Two study days landing on one day are one study session.
- A study day on the meeting day stays: the weekly meeting and the study session are two
  events of that day, each with its own attendance.

M5 (001 月度考核 (五) 参加中心活动): late to a meeting −1, absent without reason −2 (the points
of the deduction catalogue's items M5-late and M5-absent, passed in by the service); absent
with a reason (an approved leave, an official errand) costs nothing.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.rules.errors import N_, RuleViolation

RULE_ID = "MEET-1"

WEEKLY, STUDY = "weekly", "study"
MEETING_KINDS = (WEEKLY, STUDY)

PRESENT, LATE, ABSENT_EXCUSED, ABSENT_UNEXCUSED = (
    "present", "late", "absent_excused", "absent_unexcused")
ATTENDANCE_STATUSES = (PRESENT, LATE, ABSENT_EXCUSED, ABSENT_UNEXCUSED)

DEFAULT_WEEKDAY = 5  # ISO: Friday
DEFAULT_TIME = "15:00"  # afternoon in summer (15:00–18:00) and winter (14:00–17:30) hours, ATT-1
DEFAULT_STUDY_DAYS = (10, 20, 30)


@dataclass(frozen=True)
class ScheduledMeeting:
    """One event of the schedule: a weekly meeting or a study session on `day` at `starts_at`."""

    kind: str
    day: date
    starts_at: str


@dataclass(frozen=True)
class Deduction:
    """An M5 deduction from attendance: `staff` (whatever the row named), points, and the
    attendance status that caused it (`late` or `absent_unexcused`)."""

    staff: object
    points: Decimal
    reason: str


def parse_study_days(text: str) -> tuple[int, ...]:
    """MEET-1: the `meet.study_days` setting, "10,20,30" → (10, 20, 30) (sorted, once each)."""
    parts = [part.strip() for part in (text or "").replace("，", ",").split(",")]
    try:
        days = sorted({int(part) for part in parts if part})
    except ValueError:
        days = []
    if not days or any(not 1 <= day <= 31 for day in days):
        raise RuleViolation(RULE_ID, N_("Study days are days of the month from 1 to 31, "
                                        "separated by commas, e.g. 10,20,30."),
                            field="study_days")
    return tuple(days)


def check_weekday(weekday: int) -> int:
    """MEET-1: the `meet.weekday` setting is an ISO weekday, 1 (Monday) to 7 (Sunday)."""
    if not isinstance(weekday, int) or not 1 <= weekday <= 7:
        raise RuleViolation(RULE_ID, N_("The meeting weekday is a number from 1 (Monday) to "
                                        "7 (Sunday)."), field="weekday")
    return weekday


def weekly_meeting_day(week_monday: date, weekday: int, calendar) -> date | None:
    """MEET-1: the day the weekly meeting of the week starting `week_monday` is held: the
    configured weekday, else the last working day before it in that week, else the first
    working day after it in that week, else None (no meeting that week)."""
    target = week_monday + timedelta(days=check_weekday(weekday) - 1)
    if calendar.is_working_day(target):
        return target
    for back in range(1, weekday):
        day = target - timedelta(days=back)
        if calendar.is_working_day(day):
            return day
    for ahead in range(1, 8 - weekday):
        day = target + timedelta(days=ahead)
        if calendar.is_working_day(day):
            return day
    return None


def study_day(year: int, month: int, day_of_month: int, calendar) -> date | None:
    """MEET-1: the day a study day of the month is held: the nominal day (the month's last day
    if the month is shorter), else the next working day within the month, else the previous
    one within the month; None if the month has no working day at all."""
    last = _calendar.monthrange(year, month)[1]
    nominal = date(year, month, min(day_of_month, last))
    for day in range(nominal.day, last + 1):
        candidate = nominal.replace(day=day)
        if calendar.is_working_day(candidate):
            return candidate
    for day in range(nominal.day - 1, 0, -1):
        candidate = nominal.replace(day=day)
        if calendar.is_working_day(candidate):
            return candidate
    return None


def month_schedule(year: int, month: int, calendar, *, weekday: int = DEFAULT_WEEKDAY,
                   starts_at: str = DEFAULT_TIME,
                   study_days: Iterable[int] = DEFAULT_STUDY_DAYS) -> list[ScheduledMeeting]:
    """MEET-1: every weekly meeting and study session held in the month, by day then kind.

    Weeks are ISO weeks (Monday–Sunday); every week that overlaps the month or its neighbour
    days is placed, and kept if its meeting lands in the month (so a meeting moved from
    1 October back to 30 September belongs to September's schedule, once).
    """
    check_weekday(weekday)
    first = date(year, month, 1)
    last = first.replace(day=_calendar.monthrange(year, month)[1])
    events: set[ScheduledMeeting] = set()
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        day = weekly_meeting_day(monday, weekday, calendar)
        if day is not None and first <= day <= last:
            events.add(ScheduledMeeting(WEEKLY, day, starts_at))
        monday += timedelta(days=7)
    for day_of_month in study_days:
        day = study_day(year, month, day_of_month, calendar)
        if day is not None:
            events.add(ScheduledMeeting(STUDY, day, starts_at))
    return sorted(events, key=lambda event: (event.day, MEETING_KINDS.index(event.kind)))


def check_attendance(status: str, reason: str | None) -> None:
    """MEET-1: a status is one of ATTENDANCE_STATUSES; absence with a reason names it."""
    if status not in ATTENDANCE_STATUSES:
        raise RuleViolation(RULE_ID, N_("Choose present, late, absent with reason or absent "
                                        "without reason."), field="status")
    if status == ABSENT_EXCUSED and not (reason or "").strip():
        raise RuleViolation(RULE_ID, N_("An absence with reason needs the reason, e.g. the "
                                        "approved leave."), field="reason")


def _staff_and_status(row) -> tuple[object, str]:
    if hasattr(row, "status"):
        return getattr(row, "staff_id", getattr(row, "staff", None)), row.status
    staff, status = row
    return staff, status


def meeting_deductions(attendance_rows: Iterable, late_points: Decimal,
                       absent_points: Decimal) -> list[Deduction]:
    """MEET-1 → SCORE-2 M5: the deductions attendance causes, one per late or unexcused
    absence (in the rows' order). Rows are `(staff, status)` pairs or objects with
    `staff_id` (or `staff`) and `status`. Absent with reason and present cost nothing; a
    setting of 0 points gives no event at all (nothing to explain in SCORE-7)."""
    points = {LATE: Decimal(late_points), ABSENT_UNEXCUSED: Decimal(absent_points)}
    deductions = []
    for row in attendance_rows:
        staff, status = _staff_and_status(row)
        if status not in ATTENDANCE_STATUSES:
            raise RuleViolation(RULE_ID, N_("Choose present, late, absent with reason or "
                                            "absent without reason."), field="status")
        if status in points and points[status] > 0:
            deductions.append(Deduction(staff, points[status], status))
    return deductions
