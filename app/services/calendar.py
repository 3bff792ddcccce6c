"""The center's working-day calendar: the official schedule plus the administrator's entries."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.rules.calendar import WorkCalendar, schedule_missing
from models.cases import WorkDay
from models.settings import Holiday, YearSchedule

# Deadlines reach this far ahead: a year this close needs its schedule already.
LOOKAHEAD = timedelta(days=60)


def load_calendar(session: Session) -> WorkCalendar:
    """CASE-3: the WorkCalendar built from the Holiday table."""
    rows = session.execute(select(Holiday.day, Holiday.kind)).all()
    return WorkCalendar(
        extra_holidays=[day for day, kind in rows if kind == "holiday"],
        extra_workdays=[day for day, kind in rows if kind == "workday"],
        scheduled_years=scheduled_years(session),
    )


def scheduled_years(session: Session) -> set[int]:
    """The years whose official schedule the office entered on the year-schedule page."""
    return set(session.scalars(select(YearSchedule.year)))


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
