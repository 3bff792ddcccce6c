"""The center's working-day calendar: the official schedule plus the administrator's entries."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.rules.calendar import WorkCalendar, schedule_missing
from app.services.frame_queries import calendar_version, frame_reads
from models.cases import WorkDay
from models.settings import Holiday, YearSchedule

# Deadlines reach this far ahead: a year this close needs its schedule already.
LOOKAHEAD = timedelta(days=60)


# Issue #21: the calendar is kept per process under its version — its content: the holiday
# entries and the entered years, aggregated by the database in the statement that also reads
# the center row (app/services/frame_queries.py, once per transaction) — so a request pays no
# statement of its own for the calendar and reuses the working-day tables the calendar built
# for earlier requests (WorkCalendar is immutable once built; threads may share it). A write
# by any process changes the version the next transaction reads: never stale.
_CALENDARS: dict[tuple, WorkCalendar] = {}
_CALENDARS_MAX = 32


def load_calendar(session: Session) -> WorkCalendar:
    """CASE-3: the WorkCalendar built from the Holiday table and the entered years (kept per
    process under its version, see above)."""
    version = frame_reads(session).calendar_version
    calendar = _CALENDARS.get(version)
    if calendar is None:
        calendar = build_calendar(session)
        # Kept only if nothing was committed between the version's read and the build (a
        # database that reads committed rows per statement could otherwise file a newer
        # calendar under the older version).
        if calendar_version(session) == version:
            if len(_CALENDARS) >= _CALENDARS_MAX:
                _CALENDARS.clear()
            _CALENDARS[version] = calendar
    return calendar


def build_calendar(session: Session) -> WorkCalendar:
    """The WorkCalendar read afresh from the tables (what `load_calendar` keeps)."""
    rows = session.execute(select(Holiday.day, Holiday.kind)).all()
    return WorkCalendar(
        extra_holidays=[day for day, kind in rows if kind == "holiday"],
        extra_workdays=[day for day, kind in rows if kind == "workday"],
        scheduled_years=set(session.scalars(select(YearSchedule.year))),
    )


def forget_calendars() -> None:
    """Empty this process's kept calendars (tests)."""
    _CALENDARS.clear()


def scheduled_years(session: Session) -> set[int]:
    """The years whose official schedule the office entered on the year-schedule page."""
    return set(load_calendar(session).entered_years)


def years_missing_schedule(session: Session, today: date) -> list[int]:
    """Years deadlines may reach now whose official schedule is unknown and not entered by hand.

    The State Council publishes a year's schedule late in the year before; until the
    package or an administrator has it, that year falls back to Monday–Friday minus the
    statutory holidays, and its deadlines are provisional (RULES.md "Calendar").
    """
    years = sorted({today.year, (today + LOOKAHEAD).year})
    entered = scheduled_years(session)
    return [y for y in years if schedule_missing(y, entered)]


# --- The work_day table: working-day counts the database can use (CASE-6) ----------------
FIRST_TABLE_YEAR = 2010
YEARS_AHEAD = 2


def work_day_rows(calendar: WorkCalendar, first_year: int, last_year: int) -> list[dict]:
    """Every day of the years with whether it is a working day and the running count of
    working days from 1 January of `first_year` up to it (inclusive)."""
    rows, count = [], 0
    day, end = date(first_year, 1, 1), date(last_year, 12, 31)
    while day <= end:
        working = calendar.is_working_day(day)
        count += working
        rows.append({"day": day, "working": working, "ordinal": count})
        day += timedelta(days=1)
    return rows


def refresh_work_days(session: Session, today: date, first_year: int | None = None) -> int:
    """Rebuild the work_day table from the calendar (after holiday entries change, on upgrade).

    Covers FIRST_TABLE_YEAR (or `first_year`, if earlier) to YEARS_AHEAD years after today.
    Returns the number of days written. The caller commits.
    """
    first = min(first_year or FIRST_TABLE_YEAR, FIRST_TABLE_YEAR)
    rows = work_day_rows(load_calendar(session), first, today.year + YEARS_AHEAD)
    session.execute(delete(WorkDay))
    session.execute(insert(WorkDay), rows)
    return len(rows)
