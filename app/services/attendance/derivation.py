"""ATT-2/3/4: the derivation — each staff member's half-days from the clock records, leave and
excuses, computed in a fixed number of queries and stored as AttendanceDay rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import (Integer, String, and_, bindparam, case, delete, func, literal, or_,
                        select, text, type_coerce)
from sqlalchemy.orm import Session

from app.rules.attendance import (AM, HALF, PM, leave_halves, noon_boundary, person_month,
                                  seconds)
from app.rules.calendar import WorkCalendar, month_end
from app.rules.errors import N_, RuleViolation
from app.rules.input import BUSINESS_YEARS
from app.rules.leave import overstay, overstay_excused
from app.services.attendance.clock_import import _bulk_python, _sqlite, _write_rows
from app.services.attendance.settings import AttendanceSettings, attendance_settings
from app.services.away import APPROVED
from app.services.calendar import load_calendar
from app.services.jobs import advisory_key
from models.attendance import AttendanceDay, ClockExcuse, ClockRecord
from models.leave import REVOKED, LeaveRequest
from models.org import Staff


# --- ATT-2/3/4: the derivation ------------------------------------------------------------------
@dataclass(frozen=True)
class HalfDay:
    status: str
    first: int | None = None  # second of the day of the first clock
    last: int | None = None


@dataclass(frozen=True)
class DayResult:
    """One staff member's working day: morning, afternoon, late/early count, absent days."""

    staff_id: int
    day: date
    am: HalfDay
    pm: HalfDay
    late_early: int
    absent_days: Decimal


def in_ids(column, ids):
    """`column IN (ids)` with the ids as one expanding parameter — the same SQL, without
    coercing each id into an expression (issue #21 P1: ~3 calls per id, five lists a month
    page)."""
    return column.in_(bindparam(None, list(ids), expanding=True))


_STATEMENTS: dict = {}


def built_once(key, build):
    """The statement `build()` makes, made once per process: its values are bound parameters
    (`bindparam`) given at each execution (issue #21 P1: building one costs ~300 calls, five a
    month page)."""
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = build()
    return statement


def _scoped(query, column, ids):
    """`query` for the staff ids given at execution ("staff_ids"), or for everyone (None)."""
    if ids is None:
        return query
    return query.where(column.in_(bindparam("staff_ids", expanding=True)))


def _ids_param(ids) -> dict:
    return {} if ids is None else {"staff_ids": list(ids)}


# ATT-3: the absence days of a day's absent half-days (0, 1, 2), as `HALF * n` gives them
_ABSENT_DAYS = (HALF * 0, HALF * 1, HALF * 2)


def working_days(start: date, end: date, calendar: WorkCalendar) -> list[date]:
    days, day = [], start
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _boundary_ranges(days: list[date], settings: AttendanceSettings) -> list[list]:
    """[first day, last day, noon boundary] of the runs of `days` with one boundary."""
    ranges: list[list] = []
    for day in days:
        boundary = noon_boundary(settings.hours(day))
        if ranges and ranges[-1][2] == boundary:
            ranges[-1][1] = day
        else:
            ranges.append([day, day, boundary])
    return ranges


def _half_expression(ranges: list[list]):
    """SQL: "am" or "pm" for a clock, split at the noon boundary of its day's season — the
    one boundary as the parameter "boundary" when the period has one (a built-once
    statement), else by day."""
    if len(ranges) == 1:
        boundary = bindparam("boundary", type_=Integer)
    else:
        boundary = case(*[(ClockRecord.day.between(first, last), literal(value))
                          for first, last, value in ranges[:-1]], else_=literal(ranges[-1][2]))
    return case((ClockRecord.second_of_day < boundary, literal(AM)), else_=literal(PM))


def _clock_aggregates_query(ranges, scoped: bool, sqlite: bool):
    half = _half_expression(ranges).label("half")
    # on SQLite the day's text, mapped to the day once per day
    day = type_coerce(ClockRecord.day, String) if sqlite else ClockRecord.day
    query = (select(ClockRecord.staff_id, day, half, func.min(ClockRecord.second_of_day),
                    func.max(ClockRecord.second_of_day))
             .where(ClockRecord.day.between(bindparam("start"), bindparam("end")))
             .group_by(ClockRecord.staff_id, ClockRecord.day, half))
    if scoped:
        query = query.where(ClockRecord.staff_id.in_(bindparam("staff_ids", expanding=True)))
    return query


def _clock_aggregates(session, days, staff_ids, settings):
    """(staff_id, day, half) → (first, last) of the period, grouped in SQL: one query."""
    ranges = _boundary_ranges(days, settings)
    # Core rows, fetched at once (not a fetch per row)
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    scoped = staff_ids is not None
    params = {"start": days[0], "end": days[-1], **_ids_param(staff_ids)}
    if len(ranges) == 1:
        query = built_once(("clock aggregates", scoped, sqlite),
                           lambda: _clock_aggregates_query(ranges, scoped, sqlite))
        params["boundary"] = ranges[0][2]
    else:  # a season starts within the period: its boundaries in the statement
        query = _clock_aggregates_query(ranges, scoped, sqlite)
    rows = connection.execute(query, params).fetchall()
    if not sqlite:
        return {(staff_id, day, h): (first, last) for staff_id, day, h, first, last in rows}
    day_of = {day.isoformat(): day for day in days}
    return {(staff_id, day_of[day], h): (first, last)
            for staff_id, day, h, first, last in rows if day in day_of}


def _leave_halves(session, start, end, staff_ids) -> dict[tuple[int, date], set[str]]:
    """ATT-3: approved leave of the period, as (staff_id, day) → half-days covered: those of
    the leave actually taken (LEAVE-3 `taken_period`, app/services/away.py), so the days from
    an early 销假 on are work days again, and an overstay the general office excused is leave."""
    def build():
        query = select(LeaveRequest.staff_id, LeaveRequest.start_day, LeaveRequest.end_day,
                       LeaveRequest.half_day_start, LeaveRequest.half_day_end,
                       LeaveRequest.reported_back_on, LeaveRequest.report_back_reason,
                       LeaveRequest.overstay_days).where(
            LeaveRequest.state == APPROVED, LeaveRequest.start_day <= bindparam("end"),
            or_(LeaveRequest.end_day >= bindparam("start"),
                LeaveRequest.reported_back_on > bindparam("start")))
        return _scoped(query, LeaveRequest.staff_id, staff_ids)

    query = built_once(("approved leave", staff_ids is None), build)
    covered: dict[tuple[int, date], set[str]] = defaultdict(set)
    for staff_id, first, last, half_start, half_end, back, reason, over in session.execute(
            query, {"start": start, "end": end, **_ids_param(staff_ids)}):
        excused = overstay_excused(reason, over)
        day = max(first, start)
        while day <= min(max(last, back or last), end):
            covered[(staff_id, day)] |= leave_halves(day, first, last, half_start, half_end, back,
                                                     excused)
            day += timedelta(days=1)
    return covered


def _days_with_clock_data(session, start, end) -> set[date]:
    """ATT-2: the days of `start`..`end` with a clock record of anyone (whoever is asked for):
    the others are "no data". One query on the (day, staff_id) index."""
    query = built_once("days with clock data", lambda: select(ClockRecord.day).distinct().where(
        ClockRecord.day.between(bindparam("start"), bindparam("end"))))
    return set(session.scalars(query, {"start": start, "end": end}))


def _known_absences(session, start, end, staff_ids, calendar) -> dict[tuple[int, date], set[str]]:
    """ATT-3: the half-days the leave records themselves make absence, clocks or not: an
    overstay without reason (the 销假 came after the end, `overstay`: the afternoon of a noon
    end day, then whole working days) and the days taken of a leave revoked as obtained by
    deception (`leave_halves` of its taken period). Asked for the days without clock data only:
    elsewhere the clocks decide, as for every day not on leave. SQL twin:
    bench.attendance_sql (`known_absent`)."""
    def build():
        query = select(LeaveRequest.staff_id, LeaveRequest.state, LeaveRequest.start_day,
                       LeaveRequest.end_day, LeaveRequest.half_day_start,
                       LeaveRequest.half_day_end, LeaveRequest.reported_back_on,
                       LeaveRequest.report_back_reason, LeaveRequest.overstay_days).where(
            LeaveRequest.start_day <= bindparam("end"),
            or_(LeaveRequest.end_day >= bindparam("start"),
                LeaveRequest.reported_back_on > bindparam("start")),
            or_(LeaveRequest.state == REVOKED,
                and_(LeaveRequest.overstay_days > 0,
                     LeaveRequest.reported_back_on.is_not(None))))
        return _scoped(query, LeaveRequest.staff_id, staff_ids)

    query = built_once(("known absences", staff_ids is None), build)
    known: dict[tuple[int, date], set[str]] = defaultdict(set)
    for staff_id, state, first, last, half_start, half_end, back, reason, over in \
            session.execute(query, {"start": start, "end": end, **_ids_param(staff_ids)}):
        if over and back is not None:
            for day, part in overstay(last, half_end, back, calendar).items():
                if start <= day <= end:
                    known[(staff_id, day)] |= {PM} if part == HALF else {AM, PM}
        if state == REVOKED:
            excused = overstay_excused(reason, over)
            day = max(first, start)
            while day <= min(max(last, back or last), end):
                known[(staff_id, day)] |= leave_halves(day, first, last, half_start, half_end,
                                                       back, excused)
                day += timedelta(days=1)
    return known


def _excused(session, start, end, staff_ids) -> set[tuple[int, date, str]]:
    """ATT-4: the half-days excused by an approved 补签单."""
    query = built_once(("excused", staff_ids is None), lambda: _scoped(
        select(ClockExcuse.staff_id, ClockExcuse.day, ClockExcuse.half).where(
            ClockExcuse.state == "approved",
            ClockExcuse.day.between(bindparam("start"), bindparam("end"))),
        ClockExcuse.staff_id, staff_ids))
    return {tuple(row) for row in session.execute(
        query, {"start": start, "end": end, **_ids_param(staff_ids)})}


def _staff_ids(session, staff_ids) -> list[int]:
    query = select(Staff.id).where(Staff.is_active.is_(True)).order_by(Staff.id)
    if staff_ids is not None:
        query = query.where(in_ids(Staff.id, staff_ids))
    return list(session.scalars(query))


def compute_days(session: Session, start: date, end: date, today: date, staff_ids=None,
                 settings: AttendanceSettings | None = None,
                 calendar: WorkCalendar | None = None, people=None,
                 with_data: set[date] | None = None) -> list[DayResult]:
    """ATT-2/3/4: every active staff member's working days from `start` to `end`, days before
    `today` only (today is not over). Non-working days (holidays, weekends not worked: the
    calendar) have no result, nor has staff who does not clock in (`Staff.clocks_in` off) in a
    month without clock records. A working day without any clock record of anyone (ATT-2) has
    its halves "no data" (`NO_DATA`) unless on leave, excused or absent by the leave records
    themselves (`_known_absences`): no late, no absence. Six queries (one more with such
    staff, one more when some days have no data), whatever the period or the number of staff.
    A caller that has read them already gives `people` — the (id, clocks_in) of the active
    staff of `staff_ids`, by id — and `with_data` (`_days_with_clock_data` of the working days
    asked): one query fewer each (issue #21 P1)."""
    with _bulk_python():
        return [DayResult(staff_id, day, HalfDay(*am), HalfDay(*pm), late_early,
                          _ABSENT_DAYS[absent])
                for staff_id, day, am, pm, late_early, absent in _compute_grid(
                    session, start, end, today, staff_ids, settings, calendar, people,
                    with_data)]


def compute_grid(session: Session, start: date, end: date, today: date, staff_ids=None,
                 settings: AttendanceSettings | None = None,
                 calendar: WorkCalendar | None = None, people=None,
                 with_data: set[date] | None = None) -> list[tuple]:
    """`compute_days` as plain tuples, `(staff_id, day, am, pm, late_early, absent_halves)`
    with each half `(status, first, last)` (`person_month`), for a caller that only sums them
    (the month view, issue #21 P1: no object per day and half-day)."""
    with _bulk_python():
        return _compute_grid(session, start, end, today, staff_ids, settings, calendar,
                             people, with_data)


def _compute_grid(session, start, end, today, staff_ids, settings, calendar, people=None,
                  with_data=None) -> list[tuple]:
    settings = settings or attendance_settings(session)
    calendar = calendar or load_calendar(session)
    days = working_days(start, min(end, today - timedelta(days=1)), calendar)
    if people is None:
        query = (select(Staff.id, Staff.clocks_in).where(Staff.is_active.is_(True))
                 .order_by(Staff.id))
        if staff_ids is not None:
            query = query.where(in_ids(Staff.id, staff_ids))
        people = list(session.execute(query))
    if not days or not people:
        return []
    scope = None if staff_ids is None else [staff_id for staff_id, _clocks_in in people]
    clocks = _clock_aggregates(session, days, scope, settings)
    leave = _leave_halves(session, days[0], days[-1], scope)
    excused = _excused(session, days[0], days[-1], scope)
    # ATT-2: the days without any clock record of anyone are no data.
    if with_data is None:
        with_data = _days_with_clock_data(session, days[0], days[-1])
    known = (_known_absences(session, days[0], days[-1], scope, calendar)
             if len(with_data) < len(days) else {})
    # ATT-2: who does not clock in (Staff.clocks_in off: the leadership) has days only in the
    # months with clock records of theirs; never an absence for a month without any.
    not_clocking = [staff_id for staff_id, clocks_in in people if not clocks_in]
    clocked_months = set()
    if not_clocking:  # whole months: a period may hold only part of one
        first, last = days[0].replace(day=1), month_bounds(days[-1].year, days[-1].month)[1]
        query = built_once("clocked months", lambda: _scoped(
            select(ClockRecord.staff_id, ClockRecord.day).distinct().where(
                ClockRecord.day.between(bindparam("start"), bindparam("end"))),
            ClockRecord.staff_id, not_clocking))
        clocked_months = {(staff_id, day.year, day.month) for staff_id, day in session.execute(
            query, {"start": first, "end": last, **_ids_param(not_clocking)})}
    # ATT-1: each day's half-days and hours in seconds, for `person_month` (one pass a person)
    day_hours = []
    for day in days:
        (am_start, am_end), (pm_start, pm_end) = settings.hours(day)
        day_hours.append((day, ((0, AM, seconds(am_start), seconds(am_end)),
                                (1, PM, seconds(pm_start), seconds(pm_end)))))
    results = []
    for staff_id, clocks_in in people:
        asked = day_hours if clocks_in else [
            entry for entry in day_hours
            if (staff_id, entry[0].year, entry[0].month) in clocked_months]
        results += person_month(staff_id, asked, clocks, leave, excused, with_data, known)
    return results


def month_bounds(year: int, month: int) -> tuple[date, date]:
    if not (BUSINESS_YEARS[0] <= year <= BUSINESS_YEARS[1] and 1 <= month <= 12):
        raise RuleViolation("ATT-2", N_("Give a month between %(first)s and %(last)s."),
                            field="month", first=BUSINESS_YEARS[0], last=BUSINESS_YEARS[1])
    first = date(year, month, 1)
    last = month_end(first)
    return first, last


DAY_COLUMNS = ("staff_id", "day", "am_status", "am_in", "am_out", "pm_status", "pm_in", "pm_out",
               "late_early", "absent_days")


def derive_range(session: Session, start: date, end: date, today: date, staff_ids=None,
                 progress: Callable[[int, int | None], None] | None = None) -> int:
    """ATT-2/3/4: recompute and store the AttendanceDay rows of the period (of `staff_ids`
    only, if given) in one pass (one delete, one executemany of plain values, COPY on
    PostgreSQL). Returns the rows written. Only active staff are derived, so only their rows
    are replaced: the stored days of someone who has left stay as they were last derived (their
    LEAVE-4 flags and half-year still read them). `progress(done, total)`: a background job's
    bar (issue #21) — the days computed, then stored."""
    _one_writer_at_a_time(session)
    if progress is not None:
        progress(0, 3)
    results = compute_days(session, start, end, today, staff_ids)
    if progress is not None:
        progress(2, 3)  # computing is two thirds of the work (bench/RESULTS.md)
    active = select(Staff.id).where(Staff.is_active.is_(True))
    stale = delete(AttendanceDay).where(AttendanceDay.day.between(start, end),
                                        AttendanceDay.staff_id.in_(active))
    if staff_ids is not None:
        stale = stale.where(AttendanceDay.staff_id.in_(staff_ids))
    session.execute(stale)
    sqlite = _sqlite(session)
    day_value = {r.day: r.day.isoformat() if sqlite else r.day for r in results}
    amount = {r.absent_days: float(r.absent_days) if sqlite else r.absent_days for r in results}
    _write_rows(session, AttendanceDay.__table__, DAY_COLUMNS, [
        (r.staff_id, day_value[r.day], r.am.status, r.am.first, r.am.last, r.pm.status,
         r.pm.first, r.pm.last, r.late_early, amount[r.absent_days]) for r in results])
    return len(results)


# Not the nightly job's own key: the job holds that one on a connection of its own while its
# transaction derives, and would wait for itself.
_ROWS_LOCK = advisory_key("attendance-day-rows")


def _one_writer_at_a_time(session: Session) -> None:
    """Issue #18: two derivations of the same days at once — a leave approved or revoked while
    the nightly job derives the month — would each delete the rows and insert them again, the
    second insert a unique violation (a 500). On PostgreSQL they take turns on a transaction
    lock; SQLite lets one writer at a time anyway (the second waits, then reads the first's)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ROWS_LOCK})


def derive_month(session: Session, year: int, month: int, today: date,
                 progress: Callable[[int, int | None], None] | None = None) -> int:
    """ATT-2/3/4: recompute one month's AttendanceDay rows."""
    return derive_range(session, *month_bounds(year, month), today, progress=progress)
