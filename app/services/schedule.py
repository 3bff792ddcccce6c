"""年度节假日安排 — replacing one year's holiday entries at once (RULES.md "Calendar", CASE-3).

The office types a newly published year's schedule into one form (app/views/calendar_admin.py);
this module makes the Holiday table say exactly that for the year and rebuilds the work_day
table, so the SQL overdue counts (CASE-6) follow. The caller commits once: the entries and
the work_day table change together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.rules import case_states as cs
from app.rules.deadlines import case_deadline, recomputed_deadlines
from app.rules.schedule import HOLIDAY, WORKDAY, Entry, parse_year_schedule
from app.services.calendar import load_calendar, refresh_work_days
from app.services.transaction import Conflict, check_version
from models.cases import Case, CaseTransition
from models.settings import Holiday, YearSchedule


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
    _mark_scheduled(session, year, entered=bool(holidays or workdays))
    session.flush()
    refresh_work_days(session, today)
    return ScheduleChange(added=added, changed=changed, removed=removed)


def _mark_scheduled(session: Session, year: int, entered: bool) -> None:
    """Calendar: saving a year's schedule marks the year entered (its deadlines final); saving
    it empty takes the mark back (the statutory fallback, deadlines provisional again)."""
    mark = session.scalar(select(YearSchedule).where(YearSchedule.year == year))
    if entered and mark is None:
        session.add(YearSchedule(year=year))
    elif not entered and mark is not None:
        session.delete(mark)


# --- Running cases follow the new calendar (CASE-3) ----------------------------------------
# The action stored on a case's history when its deadline is recomputed (not a state change).
RECOMPUTE_DEADLINE = "recompute_deadline"
# The clock runs (CASE-3) or waits in a special procedure (CASE-12): deadlines still open.
_UNDECIDED = tuple(s for s in cs.STATES if cs.clock_running(s)) + (cs.SUSPENDED,)


def _suspensions(case: Case, zone: ZoneInfo) -> list[tuple[date, date]]:
    """CASE-12: the finished suspensions of `case` as (suspended_on, resumed_on) days of the
    center; one still open has not moved the deadline yet and is left out."""
    pairs, started = [], None
    for t in case.transitions:
        if t.action == cs.SUSPEND:
            started = t.at.astimezone(zone).date()
        elif t.action == cs.RESUME and started is not None:
            pairs.append((started, t.at.astimezone(zone).date()))
            started = None
    return pairs


# Cases counted again, flushed and reported at a time: a background job's progress step
# (issue #21), and the history rows of a thousand cases in memory, not of tens of thousands.
RECOMPUTE_BATCH = 1000


def _running_through(years: list[int]) -> tuple:
    """CASE-3: undecided cases whose limit runs through `years` (sorted): their deadline may
    move when a schedule of those years changes."""
    return (Case.state.in_(_UNDECIDED), Case.accepted_on.is_not(None),
            Case.promised_days.is_not(None), Case.deadline.is_not(None),
            Case.accepted_on <= date(years[-1], 12, 31), Case.deadline >= date(years[0], 1, 1))


def running_case_count(session: Session, years: Iterable[int]) -> int:
    """How many cases `recompute_running_deadlines` would count again for `years`: none, and
    the schedule page saves at once; some, and it is a background job (issue #21)."""
    years = sorted(set(years))
    if not years:
        return 0
    return session.scalar(select(func.count()).select_from(Case).where(*_running_through(years)))


def recompute_running_deadlines(session: Session, years: Iterable[int], actor, clock,
                                zone: ZoneInfo, progress: Callable[[int, int], None] | None = None
                                ) -> int:
    """CASE-3: after a holiday schedule of `years` changed, count the deadline of every
    undecided case whose limit runs through those years afresh (acceptance limit, extension,
    finished suspensions: `recomputed_deadlines`), and of its open joint-case parts (CASE-7).

    The cases' ids, then RECOMPUTE_BATCH cases at a time with their history and parts (a
    bounded number of queries per batch); `progress(done, total)` is told after each batch (a
    background job's bar, issue #21). Each moved deadline is an ORM change, so the audit trail
    (AUDIT-1) records it, and a history line shows it on the case page. Returns the number of
    cases whose deadline moved. The caller commits, with the schedule change.
    """
    years = sorted(set(years))
    if not years:
        return 0
    calendar = load_calendar(session)
    ids = session.scalars(select(Case.id).where(*_running_through(years))
                          .order_by(Case.id)).all()
    moved = 0
    for start in range(0, len(ids), RECOMPUTE_BATCH):
        batch = ids[start:start + RECOMPUTE_BATCH]
        cases = session.scalars(
            select(Case).where(Case.id.in_(batch))
            .options(selectinload(Case.transitions), selectinload(Case.sub_tasks))
            .order_by(Case.id))
        moved += sum(_recompute(case, calendar, actor, clock, zone) for case in cases)
        session.flush()
        if progress is not None:
            progress(start + len(batch), len(ids))
    return moved


def _recompute(case: Case, calendar, actor, clock, zone: ZoneInfo) -> bool:
    """CASE-3/CASE-7 for one case: its deadlines on `calendar`, a history line when they
    moved. Whether they moved."""
    original, deadline = recomputed_deadlines(
        case.accepted_on, case.promised_days, case.extension_days if case.extended else 0,
        _suspensions(case, zone), calendar)
    if (original, deadline) == (case.original_deadline, case.deadline):
        return False
    note = f"{case.deadline.isoformat()} → {deadline.isoformat()}"
    case.original_deadline, case.deadline = original, deadline
    for part in case.sub_tasks:
        if part.done_on is None:
            part.deadline = case_deadline(case.accepted_on, part.promised_days, calendar)
    case.transitions.append(CaseTransition(
        action=RECOMPUTE_DEADLINE, from_state=case.state, to_state=case.state, at=clock.now,
        user_id=actor.user_id, username=actor.username, note=note))
    return True


@dataclass(frozen=True)
class SavedSchedule:
    """A year's schedule saved: its entries' changes and the running deadlines that moved."""

    change: ScheduleChange
    moved: int


def save_year_schedule(session: Session, year: int, text: str, today: date, actor, clock,
                       zone: ZoneInfo, progress: Callable[[int, int], None] | None = None
                       ) -> SavedSchedule:
    """Calendar, CASE-3: the schedule page's save — `text` read (a RuleViolation names the
    line), the year's entries replaced, the work_day table rebuilt, the running deadlines
    counted again. The caller holds the WORK_DAYS lock (OPS-1) and commits once."""
    holidays, workdays = parse_year_schedule(text, year)
    change = replace_year_schedule(session, year, holidays, workdays, today)
    return SavedSchedule(change, recompute_running_deadlines(session, [year], actor, clock,
                                                             zone, progress=progress))


# --- One entry of the holiday list (issue #21) -----------------------------------------------
def day_taken(session: Session, day: date, other_than: int | None = None) -> bool:
    """Calendar: a day has one entry (the table's unique day) — whether `day` has one already,
    the entry `other_than` (the one being edited) aside."""
    return bool(session.scalar(select(func.count()).select_from(Holiday)
                               .where(Holiday.day == day, Holiday.id != other_than)))


@dataclass(frozen=True)
class EntryChange:
    """One entry of the holiday list added (`entry_id` None), changed or deleted (`day` None),
    as its form said; `version` is the row's the edit form was opened with (issue #9)."""

    entry_id: int | None
    day: date | None = None
    kind: str = HOLIDAY
    name: str = ""
    version: int | None = None


def change_holiday_entry(session: Session, change: EntryChange, today: date, actor, clock,
                         zone: ZoneInfo, progress: Callable[[int, int], None] | None = None
                         ) -> int:
    """Calendar, CASE-3: the holiday list's save done by a background job — the entry added,
    changed or deleted through the ORM (so the audit trail, AUDIT-1, records it as on the
    page), the work_day table rebuilt, the running deadlines of the years it touches counted
    again. A row changed, deleted or a day taken since the form was read is a Conflict, and
    nothing is saved. The caller holds the WORK_DAYS lock (OPS-1) and commits once. Returns
    the number of cases whose deadline moved."""
    years = _apply_entry(session, change)
    session.flush()
    refresh_work_days(session, today)
    return recompute_running_deadlines(session, years, actor, clock, zone, progress=progress)


def _apply_entry(session: Session, change: EntryChange) -> set[int]:
    """`change` made on the Holiday table (a Conflict if its row moved since its form was
    read); the years whose calendar it changes."""
    if change.day is not None and day_taken(session, change.day, change.entry_id):
        raise Conflict(f"holiday {change.day} entered meanwhile")
    years = {change.day.year} if change.day is not None else set()
    if change.entry_id is None:
        session.add(Holiday(day=change.day, kind=change.kind, name=change.name))
        return years
    row = session.get(Holiday, change.entry_id)
    if row is None:
        raise Conflict(f"holiday {change.entry_id} is gone")
    check_version(row, change.version)
    years.add(row.day.year)
    if change.day is None:
        session.delete(row)
    else:
        row.day, row.kind, row.name = change.day, change.kind, change.name
    return years
