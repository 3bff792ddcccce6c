"""考勤 in one SQL statement — the derivation of `app.services.attendance.compute_days` for a
period, summed per staff member and month (ATT-2/3/4), as a single query the database runs.

It is the benchmark's reference (bench/bench_attendance.py) and a cross-check of the Python
derivation (tests compare both); the app itself never runs it, so it lives here, beside the
benchmark, not among the services (issue #17). Written with SQLAlchemy Core, so it runs on SQLite and
PostgreSQL alike: working days come from the `work_day` table (the calendar, CASE-6), the
seasonal hours are literals from the rule settings, approved leave and approved 补签单 are
correlated EXISTS on their indexes. A day without any clock record of anyone is no data
(ATT-2): only the absence the leave records make (an overstay without reason, a revoked
leave's days, ATT-3) counts on it.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, exists, extract, func, literal, literal_column, not_, or_, select, union_all
from sqlalchemy.orm import Session

from app.rules.attendance import AM, PM, noon_boundary, seconds
from app.services.attendance import AttendanceSettings, attendance_settings
from app.services.away import on_leave_half_condition
from models.attendance import ClockExcuse, ClockRecord
from models.cases import WorkDay
from models.leave import REVOKED, LeaveRequest
from models.org import Staff


def _in_summer(day_column, settings: AttendanceSettings):
    month_day = extract("month", day_column) * 100 + extract("day", day_column)
    summer = settings.summer_start[0] * 100 + settings.summer_start[1]
    winter = settings.winter_start[0] * 100 + settings.winter_start[1]
    if summer <= winter:
        return and_(month_day >= summer, month_day < winter)
    return or_(month_day >= summer, month_day < winter)


def _by_season(day_column, settings, summer_value, winter_value):
    if summer_value == winter_value:
        return literal(summer_value)
    return case((_in_summer(day_column, settings), literal(summer_value)), else_=literal(winter_value))


def month_totals_sql(session: Session, start: date, end: date, today: date,
                     settings: AttendanceSettings | None = None) -> dict[tuple[int, int, int], tuple[int, int, int]]:
    """(staff_id, year, month) → (late, early, absent half-days) of the working days from
    `start` to `end` before `today`, in one statement."""
    settings = settings or attendance_settings(session)
    end = min(end, today - timedelta(days=1))
    days = (select(WorkDay.day.label("day"))
            .where(WorkDay.working.is_(True), WorkDay.day.between(start, end)).cte("days"))
    halves = union_all(select(literal(AM).label("half")), select(literal(PM).label("half"))).cte("halves")
    (s_am, s_pm), (w_am, w_pm) = settings.summer, settings.winter

    def bound(index, half_column, day_column):
        return case((half_column == AM, _by_season(day_column, settings, seconds(s_am[index]),
                                                   seconds(w_am[index]))),
                    else_=_by_season(day_column, settings, seconds(s_pm[index]), seconds(w_pm[index])))

    grid = (select(Staff.id.label("staff_id"), Staff.clocks_in.label("clocks_in"), days.c.day,
                   halves.c.half,
                   bound(0, halves.c.half, days.c.day).label("start_s"),
                   bound(1, halves.c.half, days.c.day).label("end_s"))
            .select_from(Staff).join(days, literal_column("1") == 1).join(halves, literal_column("1") == 1)
            .where(Staff.is_active.is_(True))).cte("grid")
    boundary = _by_season(ClockRecord.day, settings, noon_boundary(settings.summer),
                          noon_boundary(settings.winter))
    clock_half = case((ClockRecord.second_of_day < boundary, literal(AM)), else_=literal(PM))
    clocks = (select(ClockRecord.staff_id, ClockRecord.day, clock_half.label("half"),
                     func.min(ClockRecord.second_of_day).label("first"),
                     func.max(ClockRecord.second_of_day).label("last"))
              .where(ClockRecord.day.between(start, end))
              .group_by(ClockRecord.staff_id, ClockRecord.day, clock_half)).cte("clocks")
    # ATT-3 / LEAVE-3: the half days of the leave actually taken (app/services/away.py).
    on_leave = exists().where(LeaveRequest.staff_id == grid.c.staff_id,
                              on_leave_half_condition(grid.c.day, grid.c.half))
    excused = exists().where(ClockExcuse.staff_id == grid.c.staff_id, ClockExcuse.day == grid.c.day,
                             ClockExcuse.half == grid.c.half, ClockExcuse.state == "approved")
    counted = not_(or_(on_leave, excused))
    # ATT-2: a day with a clock record of anyone has data; ATT-3: on a day without, absence
    # only where the leave records say so — an overstay without reason (its afternoon of a
    # noon end day, then the days before the 销假) or a revoked leave's days taken.
    has_data = exists().where(ClockRecord.day == grid.c.day)
    back, end_day = LeaveRequest.reported_back_on, LeaveRequest.end_day
    overstayed = exists().where(
        LeaveRequest.staff_id == grid.c.staff_id, LeaveRequest.overstay_days > 0,
        back.is_not(None), back > end_day, grid.c.day < back,
        or_(grid.c.day > end_day, and_(grid.c.day == end_day,
                                       LeaveRequest.half_day_end.is_(True), grid.c.half == PM)))
    revoked = exists().where(LeaveRequest.staff_id == grid.c.staff_id,
                             on_leave_half_condition(grid.c.day, grid.c.half, state=REVOKED))
    known_absent = or_(overstayed, revoked)

    def count(condition):
        return func.sum(case((and_(counted, condition), 1), else_=0))

    year, month = extract("year", grid.c.day), extract("month", grid.c.day)
    query = (select(grid.c.staff_id, year, month,
                    count(clocks.c.first > grid.c.start_s),
                    count(clocks.c.last < grid.c.end_s),
                    count(and_(clocks.c.first.is_(None), or_(has_data, known_absent))))
             .select_from(grid.outerjoin(clocks, and_(clocks.c.staff_id == grid.c.staff_id,
                                                      clocks.c.day == grid.c.day,
                                                      clocks.c.half == grid.c.half)))
             .group_by(grid.c.staff_id, year, month)
             # ATT-2: staff who does not clock in counts only in a month with clocks of theirs
             .having(or_(func.max(case((grid.c.clocks_in.is_(True), 1), else_=0)) == 1,
                         func.count(clocks.c.first) > 0)))
    return {(staff_id, int(y), int(m)): (int(late), int(early), int(absent))
            for staff_id, y, m, late, early, absent in session.execute(query)}
