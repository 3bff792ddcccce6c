"""值班 — the duty rota's use cases (ROSTER-1/2, AUDIT-1).

ROSTER-1: the Office keeps the group order (值班顺序) and generates a month's rota from it and
the working-day calendar, per day or per week (`roster.mode`, `roster.people_per_day`), then
edits single days. ROSTER-2: substitutes (代班) are arranged in advance; whoever is on duty
writes the duty log (值班日志); a past duty day without one is flagged (`missing_logs`).

Every decision is a rule of app/rules/roster.py; this module loads what they need and writes
the rows (DutyOrder and DutyShift are audited by the session, AUDIT-1). The caller commits
(through `transaction()`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache

from sqlalchemy import Date, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.actor import Actor, Clock
from app.policy.roster import ON_BEHALF, OWN, duty_log_door
from app.rules import roster as rr
from app.rules.attendance import work_hours_for
from app.rules.errors import N_, RuleViolation
from app.rules.input import validate_text
from app.services.calendar import load_calendar
from app.services.settings import setting_value
from models.org import Staff
from models.roster import DutyOrder, DutyShift
from models.types import center_zone

LOG_NOTE_MAX = 2000


# --- The group order (ROSTER-1) --------------------------------------------------------------
def duty_order(session: Session) -> list[Staff]:
    """The staff in the duty group order, first to last."""
    return list(session.scalars(select(Staff).join(DutyOrder, DutyOrder.staff_id == Staff.id)
                                .order_by(DutyOrder.position)))


def set_duty_order(session: Session, staff_ids: list[int]) -> list[DutyOrder]:
    """ROSTER-1: the group order becomes `staff_ids` (first to last); active staff only, each once."""
    if len(set(staff_ids)) != len(staff_ids):
        raise RuleViolation("ROSTER-1", N_("A person appears twice in the duty order."),
                            field="order")
    staff = {row.id: row for row in session.scalars(select(Staff).where(Staff.id.in_(staff_ids)))}
    if any(sid not in staff or not staff[sid].is_active for sid in staff_ids):
        raise RuleViolation("ROSTER-1", N_("Only active staff members can be in the duty order."),
                            field="order")
    existing = {row.staff_id: row for row in session.scalars(select(DutyOrder))}
    for staff_id, row in list(existing.items()):
        if staff_id not in staff_ids:
            session.delete(row)
    session.flush()
    # Positions are unique: move the remaining rows out of the way before renumbering.
    for row in existing.values():
        if row.staff_id in staff_ids:
            row.position = -row.id
    session.flush()
    rows = []
    for position, staff_id in enumerate(staff_ids, start=1):
        row = existing.get(staff_id) or DutyOrder(staff_id=staff_id)
        row.position = position
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


# --- Generating and editing the rota (ROSTER-1) ----------------------------------------------
def roster_mode(session: Session) -> str:
    mode = setting_value(session, "roster.mode")
    if mode not in rr.ROSTER_MODES:
        raise RuleViolation("ROSTER-1", N_("The rule setting roster.mode must be day or week."),
                            field="mode")
    return mode


def shifts_between(session: Session, start: date, end: date) -> list[DutyShift]:
    """The duty shifts from `start` to `end` inclusive, by day, with their people loaded."""
    return list(session.scalars(
        select(DutyShift).where(DutyShift.day >= start, DutyShift.day <= end)
        .options(selectinload(DutyShift.staff), selectinload(DutyShift.substitute))
        .order_by(DutyShift.day, DutyShift.id)))


def _last_duty_before(session: Session, day: date) -> tuple[date, list[int]] | None:
    last = session.scalar(select(func.max(DutyShift.day)).where(DutyShift.day < day))
    if last is None:
        return None
    return last, list(session.scalars(select(DutyShift.staff_id).where(DutyShift.day == last)
                                      .order_by(DutyShift.id)))


def generate_month(session: Session, year: int, month: int, mode: str | None = None,
                   people_per_day: int | None = None) -> list[DutyShift]:
    """ROSTER-1: the month's rota from the group order and the calendar, continuing the order
    after whoever was last on duty before the month.

    Regenerating a month replaces its shifts — unless one has a duty log already (ROSTER-2:
    what was done on duty is kept): then the month is edited day by day instead.
    """
    first, last = rr.month_bounds(year, month)
    mode = mode or roster_mode(session)
    people_per_day = people_per_day or setting_value(session, "roster.people_per_day")
    logged = session.scalar(select(func.count()).select_from(DutyShift).where(
        DutyShift.day >= first, DutyShift.day <= last, DutyShift.log_written_at.is_not(None)))
    if logged:
        raise RuleViolation("ROSTER-1", N_("This month already has duty logs: it is not generated "
                                           "again. Change single days instead."), field="month")
    order = [staff.id for staff in duty_order(session) if staff.is_active]
    plan = rr.generate_rota(year, month, order, load_calendar(session), mode=mode,
                            people_per_day=people_per_day,
                            last_duty=_last_duty_before(session, first))
    for shift in session.scalars(select(DutyShift).where(DutyShift.day >= first,
                                                         DutyShift.day <= last)):
        session.delete(shift)  # one by one, so each deletion is audited (AUDIT-1)
    session.flush()
    shifts = [DutyShift(day=day, staff_id=staff_id) for day, staff_id in plan]
    session.add_all(shifts)
    session.flush()
    return shifts


def _active_staff(session: Session, staff_id, field: str) -> Staff:
    staff = session.get(Staff, staff_id) if isinstance(staff_id, int) else None
    if staff is None or not staff.is_active:
        raise RuleViolation("ROSTER-1", N_("Choose an active staff member."), field=field)
    return staff


def reassign_shift(session: Session, shift: DutyShift, staff_id: int, today: date) -> DutyShift:
    """ROSTER-1: edit the rota — another person takes this duty day. A past day or a day whose
    log is written stays as it was (it records who was on duty)."""
    if shift.day < today:
        raise RuleViolation("ROSTER-1", N_("A past duty day is not changed."), field="staff")
    if shift.has_log:
        raise RuleViolation("ROSTER-1", N_("The duty log of this day is written: the day is not "
                                           "changed."), field="staff")
    staff = _active_staff(session, staff_id, "staff")
    if staff.id == shift.staff_id:
        return shift
    taken = session.scalar(select(DutyShift.id).where(DutyShift.day == shift.day,
                                                      DutyShift.staff_id == staff.id))
    if taken is not None:
        raise RuleViolation("ROSTER-1", N_("%(name)s is already on duty that day."),
                            field="staff", name=staff.name)
    shift.staff = staff
    if shift.substitute_id == staff.id:
        shift.substitute, shift.substitute_arranged_at, shift.substitute_arranged_by_id = None, None, None
    session.flush()
    return shift


# --- Substitutes (ROSTER-2) ------------------------------------------------------------------
def _setting_time(session: Session, key: str) -> time:
    hours, minutes = setting_value(session, key).split(":")
    return time(int(hours), int(minutes))


def _month_day(text: str) -> tuple[int, int]:
    month, day = str(text).split("-")
    return int(month), int(day)


def hall_opens(session: Session, day: date) -> time:
    """ROSTER-2: when the duty person opens the hall on `day`: `roster.duty_early_minutes`
    before the morning of the season's work hours (ATT-1 settings)."""
    season = work_hours_for(day, _month_day(setting_value(session, "att.summer_starts")),
                            _month_day(setting_value(session, "att.winter_starts")),
                            summer="summer", winter="winter")
    return rr.hall_opening(_setting_time(session, f"att.{season}_am_start"),
                           setting_value(session, "roster.duty_early_minutes"))


def arrange_substitute(session: Session, shift: DutyShift, substitute_id: int | None,
                       actor: Actor, clock: Clock) -> DutyShift:
    """ROSTER-2: a duty absence needs a substitute (代班) arranged in advance — before the day,
    or on the day before the hall opens. `substitute_id` None cancels the arrangement (in
    advance too)."""
    local_now = clock.now.astimezone(center_zone()).replace(tzinfo=None)
    if not rr.substitute_in_time(shift.day, local_now, hall_opens(session, shift.day)):
        raise RuleViolation("ROSTER-2", N_("A substitute is arranged in advance: before the duty "
                                           "day, or on the day before the hall opens."),
                            field="substitute")
    if shift.has_log:
        raise RuleViolation("ROSTER-2", N_("The duty log of this day is written already."),
                            field="substitute")
    if substitute_id is None:
        shift.substitute, shift.substitute_arranged_at, shift.substitute_arranged_by_id = None, None, None
        session.flush()
        return shift
    substitute = _active_staff(session, substitute_id, "substitute")
    if substitute.id == shift.staff_id:
        raise RuleViolation("ROSTER-2", N_("The substitute is someone other than the duty person."),
                            field="substitute")
    busy = session.scalar(select(DutyShift.id).where(
        DutyShift.day == shift.day, DutyShift.id != shift.id,
        or_(DutyShift.staff_id == substitute.id, DutyShift.substitute_id == substitute.id)))
    if busy is not None:
        raise RuleViolation("ROSTER-2", N_("%(name)s is already on duty that day."),
                            field="substitute", name=substitute.name)
    shift.substitute = substitute
    shift.substitute_arranged_at = clock.now
    shift.substitute_arranged_by_id = actor.user_id
    session.flush()
    return shift


# --- Duty logs (ROSTER-2) --------------------------------------------------------------------
@dataclass
class DutyLog:
    """值班日志 — what the duty person did: opened the hall, closed it up (lights,
    air-conditioning, windows), supervised the cleaning; a free note."""

    opened_hall: bool = False
    closed_up: bool = False
    cleaning_supervised: bool = False
    note: str | None = None


def write_duty_log(session: Session, shift: DutyShift, log: DutyLog, actor: Actor, clock: Clock,
                   *, on_behalf: bool = False) -> DutyShift:
    """ROSTER-2: the duty log of `shift`, written on or after the duty day by the duty person
    or the substitute. With `on_behalf` (the door of the office, who keeps the rota) it is
    entered for the person on duty when they have no login, and recorded as such — the one
    answer of `app.policy.roster.duty_log_door`, which the calendar and the page ask too.
    A written log may be corrected by the same doors (the change is audited)."""
    if shift.day > clock.today:
        raise RuleViolation("ROSTER-2", N_("The duty log is written on or after the duty day."),
                            field="note")
    note = validate_text((log.note or "").strip() or None, LOG_NOTE_MAX, "note")
    rr.check_log_content(log.opened_hall, log.closed_up, log.cleaning_supervised, note)
    door = duty_log_door(shift, actor, manager=on_behalf)
    if door == OWN and not on_behalf:
        writer_staff_id = actor.staff_id
    elif door == ON_BEHALF:
        writer_staff_id = shift.on_duty.id
    elif on_behalf:
        person = shift.on_duty
        raise RuleViolation("ROSTER-2", N_("%(name)s has a login and writes the duty log "
                                           "themselves."), field="note", name=person.name)
    else:
        raise RuleViolation("ROSTER-2", N_("Only the duty person or the substitute of that day "
                                           "writes its duty log."), field="note")
    shift.log_opened_hall = bool(log.opened_hall)
    shift.log_closed_up = bool(log.closed_up)
    shift.log_cleaning_supervised = bool(log.cleaning_supervised)
    shift.log_note = note
    shift.log_written_at = clock.now
    shift.log_written_by_id = actor.user_id
    shift.log_staff_id = writer_staff_id
    shift.log_on_behalf = on_behalf
    session.flush()
    return shift


def missing_log_condition(today: date):
    """ROSTER-2 in SQL: a past duty day (before today) without a duty log."""
    return and_(DutyShift.day < today, DutyShift.log_written_at.is_(None))


def missing_logs(session: Session, today: date, start: date | None = None,
                 end: date | None = None) -> list[DutyShift]:
    """ROSTER-2: past duty days without a log (flagged on the Office's list), oldest first."""
    query = select(DutyShift).where(missing_log_condition(today))
    if start is not None:
        query = query.where(DutyShift.day >= start)
    if end is not None:
        query = query.where(DutyShift.day <= end)
    return list(session.scalars(query.options(selectinload(DutyShift.staff),
                                              selectinload(DutyShift.substitute))
                                .order_by(DutyShift.day, DutyShift.id)))


# --- A staff member's own duty days (for the self-service area and the to-do list) -----------
def duty_owner_condition(staff_id):
    """ROSTER-2: the shifts `staff_id` is on duty for: their own without a substitute, or as substitute."""
    return or_(and_(DutyShift.staff_id == staff_id, DutyShift.substitute_id.is_(None)),
               DutyShift.substitute_id == staff_id)


def duty_days_of(session: Session, staff_id: int, start: date, end: date) -> list[DutyShift]:
    """ROSTER-1: the duty days of `staff_id` from `start` to `end` inclusive — as the duty
    person or as the substitute — by day (a day handed to a substitute is listed too, with
    its substitute, so the person sees who takes it)."""
    return list(session.scalars(
        select(DutyShift).where(DutyShift.day >= start, DutyShift.day <= end,
                                or_(DutyShift.staff_id == staff_id,
                                    DutyShift.substitute_id == staff_id))
        .options(selectinload(DutyShift.staff), selectinload(DutyShift.substitute))
        .order_by(DutyShift.day, DutyShift.id)))


def duty_logs_owed(session: Session, staff_id: int, today: date) -> list[DutyShift]:
    """ROSTER-2: the past duty days `staff_id` was on duty (themselves, or as the arranged
    substitute) whose duty log is not written — for the to-do list. A day handed to a
    substitute is the substitute's to log."""
    return list(session.scalars(_duty_logs_owed_statement(),
                                {"owed_staff_id": staff_id, "owed_today": today}))


@lru_cache(maxsize=1)
def _duty_logs_owed_statement():
    """`duty_logs_owed`'s SELECT, built once with the person and the day as bind parameters
    (issue #21: the home page's 待办 asks it on every request)."""
    return (select(DutyShift)
            .where(missing_log_condition(bindparam("owed_today", type_=Date)),
                   duty_owner_condition(bindparam("owed_staff_id")))
            .order_by(DutyShift.day, DutyShift.id))


# --- The month view ------------------------------------------------------------------------
@dataclass
class CalendarDay:
    day: date
    in_month: bool
    working: bool
    shifts: list[DutyShift]


def month_calendar(session: Session, year: int, month: int) -> list[list[CalendarDay]]:
    """The month's grid (weeks Monday to Sunday) with each day's shifts (ROSTER-1)."""
    weeks = rr.month_weeks(year, month)
    calendar = load_calendar(session)
    by_day: dict[date, list[DutyShift]] = {}
    for shift in shifts_between(session, weeks[0][0], weeks[-1][-1]):
        by_day.setdefault(shift.day, []).append(shift)
    return [[CalendarDay(day, day.month == month, calendar.is_working_day(day), by_day.get(day, []))
             for day in week] for week in weeks]


__all__ = ["duty_order", "set_duty_order", "roster_mode", "shifts_between", "generate_month",
           "reassign_shift", "hall_opens", "arrange_substitute", "DutyLog",
           "write_duty_log", "missing_log_condition", "missing_logs", "duty_days_of",
           "duty_logs_owed", "CalendarDay", "month_calendar"]
