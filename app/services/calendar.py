"""The center's working-day calendar: the official schedule plus the administrator's entries."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.calendar import WorkCalendar
from models.settings import Holiday

# Deadlines reach this far ahead: a year this close needs its schedule already.
LOOKAHEAD = timedelta(days=60)


def load_calendar(session: Session) -> WorkCalendar:
    """CASE-3: the WorkCalendar built from the Holiday table."""
    rows = session.execute(select(Holiday.day, Holiday.kind)).all()
    return WorkCalendar(
        extra_holidays=[day for day, kind in rows if kind == "holiday"],
        extra_workdays=[day for day, kind in rows if kind == "workday"],
    )


def years_missing_schedule(session: Session, today: date) -> list[int]:
    """Years deadlines may reach now whose official schedule is unknown and not entered by hand.

    The State Council publishes a year's schedule late in the year before; until the
    package or an administrator has it, that year falls back to Monday–Friday.
    """
    years = sorted({today.year, (today + LOOKAHEAD).year})
    entered_years = {day.year for day in session.scalars(
        select(Holiday.day).where(Holiday.day >= date(years[0], 1, 1))
    )}
    return [y for y in years if not WorkCalendar.has_official_schedule(y) and y not in entered_years]
