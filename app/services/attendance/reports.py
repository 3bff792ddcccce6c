"""ATT-3 / LEAVE-4: the month — per person and per window, for the month views, scoring (M8)
and leave; the days without clock data (ATT-2)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.rules.attendance import ABSENT, HALF, NO_DATA
from app.services.attendance.derivation import (DayResult, _days_with_clock_data, _ids_param,
                                                _scoped, _staff_ids, built_once, compute_days,
                                                compute_grid, month_bounds,
                                                working_days)
from app.services.attendance.records import _staff
from app.services.attendance.settings import AttendanceSettings, attendance_settings
from app.services.calendar import load_calendar
from models.attendance import AttendanceDay, ClockExcuse, ClockRecord, OffPostRecord
from models.org import Staff


# --- The month: per person, per window, for scoring and leave ---------------------------------
@dataclass
class MonthAbsence:
    """One staff member's month (ATT-3): what M8 scoring and LEAVE-4 read."""

    staff_id: int
    late: int = 0
    early: int = 0
    absent_half_days: int = 0  # working half-days with no clock, leave or excuse
    off_post: list[tuple[date, int]] = field(default_factory=list)  # (day, minutes)
    rule_days: Decimal = Decimal(0)  # ATT-3: 4+ late/early, off post over the limit
    absence_days: Decimal = Decimal(0)  # total 旷工 days, in ½ steps
    no_data_days: list[date] = field(default_factory=list)  # ATT-2: no clock data, not derived

    @property
    def late_early(self) -> int:
        return self.late + self.early


def _month_summaries(session, days, off_post_rows, settings, staff_ids) -> dict[int, MonthAbsence]:
    """ATT-3 / LEAVE-4: one month's days (computed now, or as stored), as `(staff_id, day,
    am_status, pm_status)`, summed per person — the one computation of a month's absence
    days: ½ per absent half-day plus the month's ATT-3 half days (4+ late/early, each
    off-post time over the limit). The month view, the export, the deductions and the yearly
    flags (`stored_month_absences`) all read it."""
    months = {staff_id: MonthAbsence(staff_id) for staff_id in staff_ids}
    for staff_id, day, am, pm in days:
        month = months[staff_id]
        for status in (am, pm):
            month.late += status in ("late", "late_early")
            month.early += status in ("early", "late_early")
            month.absent_half_days += status == ABSENT
        if am == NO_DATA or pm == NO_DATA:
            month.no_data_days.append(day)
    for staff_id, day, minutes in off_post_rows:
        if staff_id in months:
            months[staff_id].off_post.append((day, minutes))
    for month in months.values():
        month.rule_days = settings.absence_days(month.late_early, [m for _d, m in month.off_post])
        month.absence_days = HALF * month.absent_half_days + month.rule_days
    return months


def stored_month_absences(session: Session, start: date, end: date,
                          settings: AttendanceSettings | None = None
                          ) -> dict[int, dict[tuple[int, int], MonthAbsence]]:
    """ATT-3 for LEAVE-4: per staff id and (year, month), the months of `start`..`end` as the
    stored attendance days (`derive_range`, nightly and at every leave decision) and the
    off-post records hold them, summed by `_month_summaries` like the month view — so a
    year's absence is the sum of the months the view shows. Staff who has left is included
    (their stored days are kept). Two queries."""
    settings = settings or attendance_settings(session)
    rows = session.execute(
        select(AttendanceDay.staff_id, AttendanceDay.day, AttendanceDay.am_status,
               AttendanceDay.pm_status)
        .where(AttendanceDay.day.between(start, end))
        .order_by(AttendanceDay.day, AttendanceDay.staff_id))
    results: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for staff_id, day, am, pm in rows:
        results[(day.year, day.month)].append((staff_id, day, am, pm))
    off_post: dict[tuple[int, int], list] = defaultdict(list)
    for row in _off_post_rows(session, start, end):
        off_post[(row[1].year, row[1].month)].append(row)
    found: dict[int, dict[tuple[int, int], MonthAbsence]] = defaultdict(dict)
    for key in sorted(set(results) | set(off_post)):
        ids = {r[0] for r in results[key]} | {row[0] for row in off_post[key]}
        for staff_id, month in _month_summaries(session, results[key], off_post[key], settings,
                                                ids).items():
            found[staff_id][key] = month
    return dict(found)


def _off_post_rows(session, start, end, staff_ids=None):
    query = built_once(("off post", staff_ids is None), lambda: _scoped(
        select(OffPostRecord.staff_id, OffPostRecord.day, OffPostRecord.minutes)
        .where(OffPostRecord.day.between(bindparam("start"), bindparam("end")))
        .order_by(OffPostRecord.day, OffPostRecord.id), OffPostRecord.staff_id, staff_ids))
    return list(session.execute(query, {"start": start, "end": end, **_ids_param(staff_ids)}))


def month_absences(session: Session, year: int, month: int, today: date,
                   staff_ids=None, people=None, with_data=None,
                   settings: AttendanceSettings | None = None) -> dict[int, MonthAbsence]:
    """ATT-3 for the scoring (M8) and leave (LEAVE-4) rules: every active staff member's
    absence days of the month (½ steps), late/early counts and off-post times — computed from
    the records, leave and 补签单 as they are now, in a fixed number of queries. `people`,
    `with_data` and `settings`: as `compute_days` takes them, when the caller has read them."""
    start, end = month_bounds(year, month)
    settings = settings or attendance_settings(session)
    grid = compute_grid(session, start, end, today, staff_ids, settings, people=people,
                        with_data=with_data)
    ids = (_staff_ids(session, staff_ids) if people is None
           else [staff_id for staff_id, _clocks_in in people])
    return _month_summaries(session, [(staff_id, day, am[0], pm[0])
                                      for staff_id, day, am, pm, _late_early, _absent in grid],
                            _off_post_rows(session, start, end, staff_ids), settings, ids)


def days_without_clock_data(session: Session, year: int, month: int,
                            today: date) -> list[tuple[date, date]]:
    """ATT-2 无打卡数据: the working days of the month before `today` without any clock record of
    anyone — nothing is derived for them — as runs of consecutive working days (first, last),
    for the month pages and the export to show the gap."""
    days = _days_asked(session, year, month, today)
    if not days:
        return []
    return _runs_without_data(days, _days_with_clock_data(session, days[0], days[-1]))


def _days_asked(session: Session, year: int, month: int, today: date) -> list[date]:
    """The working days of the month before `today` (those `compute_days` derives)."""
    start, end = month_bounds(year, month)
    return working_days(start, min(end, today - timedelta(days=1)), load_calendar(session))


def _runs_without_data(days: list[date], with_data: set[date]) -> list[tuple[date, date]]:
    runs: list[tuple[date, date]] = []
    previous = False
    for day in days:
        if day in with_data:
            previous = False
            continue
        if previous:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
        previous = True
    return runs


@dataclass
class DayLine:
    """A calendar day of a person's month view: its half-days and why."""

    day: date
    working: bool
    result: DayResult | None
    off_post: list[int] = field(default_factory=list)


@dataclass
class PersonMonth:
    staff: Staff
    year: int
    month: int
    summary: MonthAbsence
    lines: list[DayLine]
    settings: AttendanceSettings
    excuses: list[ClockExcuse]
    records: dict[date, list[ClockRecord]]
    off_post_records: dict[date, list[OffPostRecord]] = field(default_factory=dict)


def attendance_month_of(session: Session, staff_id: int, year: int, month: int,
                        today: date) -> PersonMonth:
    """ATT-2/3/4: one staff member's month — every day with each half-day's status and the
    clocks behind it, the late/early count, off-post times and the absence days total (the
    self-service area shows this to the staff member)."""
    staff = _staff(session, staff_id)
    start, end = month_bounds(year, month)
    today = today
    settings, calendar = attendance_settings(session), load_calendar(session)
    results = compute_days(session, start, end, today, [staff.id], settings, calendar)
    off_post = _off_post_rows(session, start, end, [staff.id])
    summary = _month_summaries(session, [(r.staff_id, r.day, r.am.status, r.pm.status)
                                         for r in results], off_post, settings, [staff.id]).get(
        staff.id, MonthAbsence(staff.id))
    by_day = {r.day: r for r in results}
    off_by_day: dict[date, list[int]] = defaultdict(list)
    for _staff_id, day, minutes in off_post:
        off_by_day[day].append(minutes)
    lines, day = [], start
    while day <= end:
        lines.append(DayLine(day, calendar.is_working_day(day), by_day.get(day), off_by_day[day]))
        day += timedelta(days=1)
    excuses = list(session.scalars(select(ClockExcuse).where(
        ClockExcuse.staff_id == staff.id, ClockExcuse.day.between(start, end)
    ).order_by(ClockExcuse.day, ClockExcuse.half)))
    records: dict[date, list[ClockRecord]] = defaultdict(list)
    for record in session.scalars(select(ClockRecord).where(
            ClockRecord.staff_id == staff.id, ClockRecord.day.between(start, end)
    ).order_by(ClockRecord.clocked_at)):
        records[record.day].append(record)
    off_post_records: dict[date, list[OffPostRecord]] = defaultdict(list)
    for record in session.scalars(select(OffPostRecord).where(
            OffPostRecord.staff_id == staff.id, OffPostRecord.day.between(start, end)
    ).order_by(OffPostRecord.day, OffPostRecord.id)):
        off_post_records[record.day].append(record)
    return PersonMonth(staff, year, month, summary, lines, settings, excuses, records,
                       off_post_records)


def month_overview(session: Session, year: int, month: int, today: date,
                   window_id: int | None = None, settings: AttendanceSettings | None = None
                   ) -> tuple[list[tuple[Staff, MonthAbsence]], list[tuple[date, date]]]:
    """The month page's two reads at once: `window_month` and `days_without_clock_data`,
    the days with clock data read once for both (issue #21 P1). `settings`: the page's, when
    it has read them (ATT-1/3, not parsed twice)."""
    days = _days_asked(session, year, month, today)
    with_data = _days_with_clock_data(session, days[0], days[-1]) if days else set()
    rows = window_month(session, year, month, today, window_id=window_id, with_data=with_data,
                        settings=settings)
    return rows, _runs_without_data(days, with_data) if days else []


def window_month(session: Session, year: int, month: int, today: date,
                 window_id: int | None = None, staff_ids=None,
                 with_data: set[date] | None = None,
                 settings: AttendanceSettings | None = None) -> list[tuple[Staff, MonthAbsence]]:
    """The month of every active staff member (of one window, if given), by window and name
    (then id: two people of one name keep their places). `with_data`: the days of the month
    with clock data (`_days_with_clock_data`), and `settings`, when the caller has read them."""
    def build():
        query = select(Staff).where(Staff.is_active.is_(True)).order_by(
            Staff.window_id, Staff.name, Staff.id)
        if window_id is not None:
            query = query.where(Staff.window_id == bindparam("window_id"))
        return _scoped(query, Staff.id, staff_ids)

    query = built_once(("month staff", window_id is None, staff_ids is None), build)
    params = _ids_param(staff_ids)
    if window_id is not None:
        params["window_id"] = window_id
    people = list(session.scalars(query, params))
    if not people:
        return []
    ids = [person.id for person in people]
    # the active staff just read: their ids and clocks_in, not read again (issue #21 P1)
    known = sorted((person.id, person.clocks_in) for person in people)
    months = month_absences(session, year, month, today, staff_ids=ids, people=known,
                            with_data=with_data, settings=settings)
    return [(person, months[person.id]) for person in people]


def clock_label(second: int | None) -> str:
    """A second of the day as the clock shows it: 08:07."""
    if second is None:
        return ""
    return f"{second // 3600:02d}:{second % 3600 // 60:02d}"
