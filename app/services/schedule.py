"""年度节假日安排 — replacing one year's holiday entries at once (RULES.md "Calendar", CASE-3).

The office types a newly published year's schedule into one form (app/views/calendar_admin.py);
this module makes the Holiday table say exactly that for the year and rebuilds the work_day
table, so the SQL overdue counts (CASE-6) follow. The caller commits once: the entries and
the work_day table change together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.schedule import HOLIDAY, WORKDAY, Entry
from app.services.calendar import refresh_work_days
from models.settings import Holiday


@dataclass(frozen=True)
class ScheduleChange:
    """How many of the year's entries were added, changed and removed."""

    added: int
    changed: int
    removed: int


def year_entries(session: Session, year: int) -> list[Holiday]:
    """The Holiday rows of `year`, by day."""
    return list(session.scalars(
        select(Holiday).where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
        .order_by(Holiday.day)))


def replace_year_schedule(session: Session, year: int, holidays: list[Entry],
                          workdays: list[Entry], today: date) -> ScheduleChange:
    """Make `year`'s Holiday entries exactly `holidays` + `workdays` ((day, name) pairs, as
    `parse_year_schedule` returns them), then rebuild the work_day table.

    Rows are updated in place, added or deleted one by one through the ORM, so the audit
    trail (AUDIT-1) records each day that really changed, and an unchanged day leaves no
    trace. Local closures of the year entered elsewhere are replaced too: the form shows them
    in its text, so the office keeps them by leaving their lines in.
    """
    wanted = {day: (HOLIDAY, name) for day, name in holidays}
    for day, name in workdays:
        if day in wanted:
            raise ValueError(f"{day} is both a holiday and a working day")
        wanted[day] = (WORKDAY, name)
    if any(day.year != year for day in wanted):
        raise ValueError(f"an entry lies outside {year}")
    added = changed = removed = 0
    for row in year_entries(session, year):
        if row.day not in wanted:
            session.delete(row)
            removed += 1
            continue
        kind, name = wanted.pop(row.day)
        if (row.kind, row.name) != (kind, name):
            row.kind, row.name = kind, name
            changed += 1
    for day, (kind, name) in sorted(wanted.items()):
        session.add(Holiday(day=day, kind=kind, name=name))
        added += 1
    session.flush()
    refresh_work_days(session, today)
    return ScheduleChange(added=added, changed=changed, removed=removed)
