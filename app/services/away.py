"""不在岗 — who is away on a day or a half-day: the one definition (AB-2, LEAVE-3, ORG-2), in
SQL and in Python.

A staff member still active (`Staff.is_active`: whoever left the center is away from nobody's
point of view) is **away** on a half-day (上午 / 下午) of a day when, for that half-day:

1. **on leave** — an approved leave keeps them away (`app.rules.leave.is_away`): from its first
   day until the day they report back (销假), past the end day too while no 销假 is given (an
   overstay, `is_overdue`); of its first and last day only the half it takes (`period_halves`:
   a leave starting at noon leaves the morning, one ending at noon the afternoon). Pending,
   rejected and cancelled requests keep nobody away;
2. **out on an official errand or at a meeting outside** — an approved 外出登记
   (`AwayRegistration`, approved by the window head of their window, ORG-2) names the
   half-day, or an approved 补签单 (ATT-4 `ClockExcuse`, a missed clock-in because of a meeting
   or an errand) says they were out then. The center's own weekly meeting and study days
   (MEET-1) are no "away": everyone attends them in the building, B included;
3. **absent** — a working half-day already begun without a clock of theirs in it (ATT-2: the
   clocks before the noon boundary are the morning's), when clock data for that day exists:
   a day with no clock record of anyone is "no data" (ATT-2), no absence; nor is anyone who
   does not clock in (`Staff.clocks_in` off) absent in a month without clocks of theirs. They
   are back — no longer away — as soon as a clock of theirs for that half-day is recorded.

Asked about a **day** (`AwayWhen.halves` both), someone is away when any half of it is; asked
about **now** (`half_now`), only the half-day of now counts. `now` also says which half-days
have begun: without it the day is taken as a whole (a past day), with it only the half-days
begun by then can be absent. `staff_away_condition` is the rule as a SQL condition on Staff;
`away_rows` the same rule in Python on the loaded rows. Everything that asks "away" uses them:

- the 今日不在岗人员 / "Away today" list (`away_rows`, app/views/leave.py), naming why and which
  half-days;
- the Leadership and window-head dashboards' "staff away today" and their counts per window
  (app/services/dashboard_queries.away_by_window);
- B's cover of A's cases (AB-2, app/services/cover.covered_staff, asked for the half-day of
  now) and so the row filter `case_scope_condition` of app/security/filters.py: B takes over A's queue
  while A is away and gives it back when A is no longer away;
- the window head's cover page of their window (app/services/cover.window_cover).

The leave part alone (`away_condition` and its twins on LeaveRequest) serves the to-do's 销假
owed (`overdue_condition`, app/services/todo.py) and attendance (ATT-3): the half days of the
leave actually taken are leave (`on_leave_half_condition` for the SQL derivation,
`leave_halves` for the Python one): the planned days, cut short by an early 销假, extended to
the 销假 when the general office accepted the reason of a late return; an overstay without
reason is absence.

AB-1 plans future days and counts pending requests too: it uses the planned period, per
half-day (app/services/leave.away_period), cut short by an early 销假 like this rule, and leaves
out inactive partners with `active_staff_condition` (app/services/leave.ab_conflict_halves).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time

from sqlalchemy import and_, bindparam, exists, false, func, not_, or_, select
from sqlalchemy.orm import Session, joinedload

from app.rules.attendance import AM, PM, leave_halves, noon_boundary, seconds, work_hours_for
from app.rules.leave import (HALVES, absent_halves, begun_halves, half_of, is_away, is_overdue,
                             overstay_excused, period_halves)
from app.services.calendar import load_calendar
from app.services.core_reads import core_execute
from app.services.settings import setting_texts
from models.attendance import ClockExcuse, ClockRecord
from models.leave import AwayRegistration, LeaveRequest
from models.org import Staff
from models.settings import parse_setting
from models.types import center_zone

APPROVED = "approved"  # LEAVE-2: only an approved request keeps anyone away
# Why someone is away (AB-2): the list names it.
LEAVE, ERRAND, MEETING, ABSENT = "leave", "errand", "meeting", "absent"


def active_staff_condition():
    """The request is of staff still active: whoever left the center is nobody's "away"."""
    return LeaveRequest.staff_id.in_(select(Staff.id).where(Staff.is_active.is_(True)))


def away_condition(day):
    """LEAVE-3 / AB-2: SQL twin of `is_away` on LeaveRequest — approved, begun on or before
    `day`, not reported back on or before it, of active staff. `day` is a date or a date
    column."""
    return and_(LeaveRequest.state == APPROVED, LeaveRequest.start_day <= day,
                or_(LeaveRequest.reported_back_on.is_(None), LeaveRequest.reported_back_on > day),
                active_staff_condition())


def overdue_condition(day):
    """LEAVE-3: SQL twin of `is_overdue` — away on `day` past the end day: 销假 owed."""
    return and_(away_condition(day), LeaveRequest.end_day < day)


def overstay_excused_condition():
    """ATT-3: SQL twin of `overstay_excused` — a reason accepted at the 销假, no overstay days.
    Never NULL, so it may stand under a NOT."""
    reason, over = LeaveRequest.report_back_reason, LeaveRequest.overstay_days
    return and_(reason.is_not(None), reason != "", over.is_not(None), over == 0)


def on_leave_condition(day, state=APPROVED):
    """ATT-3: SQL twin of `taken_period` — `day` lies in the leave actually taken (some half of
    it: `on_leave_half_condition` says which). Unlike `away_condition`, a 销假 on the end day of
    a leave ending at noon keeps that morning, and an excused overstay runs to the 销假. The
    attendance grid holds active staff only, so no staff condition here. `state`: of a request
    in that state instead (the days a revoked leave was taken are absence, ATT-3)."""
    back, end = LeaveRequest.reported_back_on, LeaveRequest.end_day
    on_time_at_noon = and_(LeaveRequest.half_day_end.is_(True), back == end, day == end)
    return and_(LeaveRequest.state == state, LeaveRequest.start_day <= day,
                or_(back.is_(None), day < back, on_time_at_noon),
                or_(day <= end, and_(overstay_excused_condition(), day < back)))


def on_leave_half_condition(day, half, state=APPROVED):
    """ATT-3: SQL twin of `leave_halves` — `half` (AM/PM, a value or a column) of `day` is
    leave: the first morning of a leave starting at noon is not, nor the last afternoon of one
    ending at noon unless an excused overstay carried the leave past it."""
    back, end = LeaveRequest.reported_back_on, LeaveRequest.end_day
    extended = and_(overstay_excused_condition(), back.is_not(None), back > end)
    return and_(
        on_leave_condition(day, state),
        not_(and_(day == LeaveRequest.start_day, LeaveRequest.half_day_start.is_(True),
                  half == AM)),
        not_(and_(day == end, LeaveRequest.half_day_end.is_(True), half == PM,
                  not_(extended))))


def keeps_away(leave: LeaveRequest, day: date) -> bool:
    """`away_condition` for one loaded request."""
    return (leave.state == APPROVED and is_away(day, leave.start_day, leave.reported_back_on)
            and leave.staff.is_active)


def overdue(leave: LeaveRequest, day: date) -> bool:
    """`overdue_condition` for one loaded request."""
    return keeps_away(leave, day) and is_overdue(day, leave.start_day, leave.end_day,
                                                 leave.reported_back_on)


def leave_halves_of(leave: LeaveRequest, day: date) -> set[str]:
    """`on_leave_half_condition` for one loaded approved request: its leave halves of `day`."""
    return leave_halves(day, leave.start_day, leave.end_day, leave.half_day_start,
                        leave.half_day_end, leave.reported_back_on,
                        overstay_excused(leave.report_back_reason, leave.overstay_days))


def away_on(session: Session, day: date) -> list[LeaveRequest]:
    """Who is away on `day`: one request per person (the latest begun, should an earlier one
    still wait for its 销假), with the person and their window, by start day."""
    rows = session.scalars(
        select(LeaveRequest).where(away_condition(day))
        .options(joinedload(LeaveRequest.staff).joinedload(Staff.window))
        .order_by(LeaveRequest.start_day, LeaveRequest.id))
    latest = {leave.staff_id: leave for leave in rows}
    return sorted(latest.values(), key=lambda leave: (leave.start_day, leave.id))


# --- AB-2: the one definition of "away", all reasons ----------------------------------------
HOUR_KEYS = ("att.summer_starts", "att.winter_starts",
             *(f"att.{season}_{half}_{end}" for season in ("summer", "winter")
               for half in HALVES for end in ("start", "end")))


def _month_day(text: str) -> tuple[int, int]:
    month, day = str(text).split("-")
    return int(month), int(day)


def work_hours(session: Session, day: date) -> tuple[tuple[time, time], tuple[time, time]]:
    """ATT-1: the (morning, afternoon) hours of `day` from the `att.*` rule settings (the same
    settings app.services.attendance.attendance_settings reads), from the transaction's one
    read of the settings (`setting_value`, issue #21); computed once per day and stored texts
    of those settings (issue #21 P1: B's cover asks on every page)."""
    return _work_hours(day, setting_texts(session, HOUR_KEYS))


@lru_cache(maxsize=64)
def _work_hours(day: date, texts: tuple) -> tuple[tuple[time, time], tuple[time, time]]:
    """The work hours of `day` from the settings' stored (type, text) of HOUR_KEYS: values
    only (no session, no row), kept by them."""
    values = {key: parse_setting(*text) for key, text in zip(HOUR_KEYS, texts)}

    def hours(season):
        return tuple((time.fromisoformat(values[f"att.{season}_{half}_start"]),
                      time.fromisoformat(values[f"att.{season}_{half}_end"])) for half in HALVES)

    return work_hours_for(day, _month_day(values["att.summer_starts"]),
                          _month_day(values["att.winter_starts"]), hours("summer"),
                          hours("winter"))


_CLOCK_DATA_ON = select(exists().where(ClockRecord.__table__.c.day == bindparam("day")))


def clock_data_on(session: Session, day: date) -> bool:
    """ATT-2: whether any clock record of anyone exists for `day` (else the day is "no data")."""
    return bool(core_execute(session, _CLOCK_DATA_ON, {"day": day}).scalar())


@dataclass(frozen=True)
class AwayWhen:
    """When "away" is asked about (AB-2): the day, the half-days asked (both: the day; one: now),
    the half-days already begun (only those can be absent), whether it is a working day with
    clock data (ATT-2), and the second of the day that splits clocks into morning and afternoon."""

    day: date
    halves: frozenset[str] = frozenset(HALVES)
    begun: frozenset[str] = frozenset(HALVES)
    working_day: bool = False
    clock_data: bool = False
    noon: int = 12 * 3600

    @property
    def absence_halves(self) -> frozenset[str]:
        """The asked half-days in which a missing clock is an absence (ATT-2, `absent_halves`)."""
        return absent_halves(self.begun, self.working_day, self.clock_data, ()) & self.halves


def _local_second(now: datetime, day: date) -> int | None:
    """`now` as a second of `day` in the center's time: None when `day` is over, −1 when it has
    not begun (a later day)."""
    local = now.astimezone(center_zone()) if now.tzinfo else now
    if local.date() > day:
        return None
    if local.date() < day:
        return -1
    return seconds(local.time())


def away_when(session: Session, day: date, now: datetime | None = None,
              half_now: bool = False) -> AwayWhen:
    """AB-2: the `AwayWhen` of `day` — as a whole without `now` (or when `now` is later), else
    the half-days begun by `now`; with `half_now`, asked about the half-day of `now` only (B's
    cover). Reads the clock data of the day (one query), and the work hours and the calendar
    only when they matter (clock data, or a half-day to tell)."""
    second = None if now is None else _local_second(now, day)
    clock_data = clock_data_on(session, day)
    if second is None and not clock_data:
        return AwayWhen(day)
    hours = work_hours(session, day)
    noon = noon_boundary(hours)
    begun = begun_halves(second, (seconds(hours[0][0]), seconds(hours[1][0])))
    halves = frozenset(HALVES)
    if half_now and second is not None:
        halves = frozenset({half_of(max(second, 0), noon)})
    working = clock_data and load_calendar(session).is_working_day(day)
    return AwayWhen(day, halves, begun, working, clock_data, noon)


def leave_away_condition(day, halves=frozenset(HALVES)):
    """AB-2 on LeaveRequest: an approved leave keeps its person away in one of `halves` of `day`
    — `away_condition`, less the morning of a first day taken from noon and the afternoon of a
    last day ending at noon (`period_halves`)."""
    condition = away_condition(day)
    if AM not in halves:
        condition = and_(condition, not_(and_(
            LeaveRequest.end_day == day, LeaveRequest.half_day_end.is_(True),
            not_(and_(LeaveRequest.start_day == day, LeaveRequest.half_day_start.is_(True))))))
    if PM not in halves:
        condition = and_(condition, not_(and_(LeaveRequest.start_day == day,
                                              LeaveRequest.half_day_start.is_(True))))
    return condition


def registration_condition(day, halves=frozenset(HALVES)):
    """AB-2 外出登记: an approved registration puts its person out in one of `halves` of `day`."""
    parts = [getattr(AwayRegistration, half).is_(True) for half in HALVES if half in halves]
    return and_(AwayRegistration.state == APPROVED, AwayRegistration.day == day,
                or_(*parts) if parts else false())


def excuse_condition(day, halves=frozenset(HALVES)):
    """ATT-4 / AB-2: an approved 补签单 says its person was out (meeting, errand) that half-day."""
    return and_(ClockExcuse.state == APPROVED, ClockExcuse.day == day,
                ClockExcuse.half.in_(sorted(halves)))


def _clock_in_half(when: AwayWhen, half: str):
    second = ClockRecord.second_of_day
    return exists().where(ClockRecord.staff_id == Staff.id, ClockRecord.day == when.day,
                          second < when.noon if half == AM else second >= when.noon)


def _clocks_this_month(day: date):
    first = day.replace(day=1)
    return exists().where(ClockRecord.staff_id == Staff.id, ClockRecord.day >= first,
                          ClockRecord.day <= day)


def absence_condition(when: AwayWhen):
    """AB-2 / ATT-2 on Staff: absent in an asked half-day already begun (`absent_halves`)."""
    halves = when.absence_halves
    if not halves:
        return false()
    return and_(or_(Staff.clocks_in.is_(True), _clocks_this_month(when.day)),
                or_(*[not_(_clock_in_half(when, half)) for half in sorted(halves)]))


def staff_away_condition(when: AwayWhen):
    """AB-2: the one definition as a SQL condition on Staff — active, and on leave, out on a
    registered errand or meeting, excused by a 补签单, or absent in one of `when.halves`."""
    day, halves = when.day, when.halves
    return and_(Staff.is_active.is_(True), or_(
        Staff.id.in_(select(LeaveRequest.staff_id).where(leave_away_condition(day, halves))),
        Staff.id.in_(select(AwayRegistration.staff_id).where(registration_condition(day, halves))),
        Staff.id.in_(select(ClockExcuse.staff_id).where(excuse_condition(day, halves))),
        absence_condition(when)))


def leave_away_halves(leave: LeaveRequest, day: date) -> frozenset[str]:
    """`leave_away_condition` for one loaded request: the half-days of `day` it keeps its person
    away — the planned ones, both past the end day while the 销假 is owed."""
    if not keeps_away(leave, day):
        return frozenset()
    if day > leave.end_day:
        return frozenset(HALVES)
    return period_halves(day, leave.start_day, leave.end_day, leave.half_day_start,
                         leave.half_day_end)


@dataclass(frozen=True)
class AwayRow:
    """One person of the "Away today" list: their request (None when not on leave), the halves
    of the day that are leave (both, one for a half day, none past the end day) and whether the
    销假 is owed; with the person and, per half-day, why they are away (AB-2: leave, errand,
    meeting, absent)."""

    leave: LeaveRequest | None
    halves: frozenset[str]
    overdue: bool
    staff: Staff | None = None
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def reason_halves(self) -> dict[str, list[str]]:
        """reason → the half-days it keeps the person away, morning first."""
        found: dict[str, list[str]] = defaultdict(list)
        for half in HALVES:
            if half in self.reasons:
                found[self.reasons[half]].append(half)
        return dict(found)


def _staff_rows(session: Session, ids) -> dict[int, Staff]:
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(
        select(Staff).where(Staff.id.in_(ids)).options(joinedload(Staff.window)))}


def _absences(session: Session, when: AwayWhen) -> dict[int, frozenset[str]]:
    """The Python twin of `absence_condition`: staff id → absent half-days asked about."""
    if not when.absence_halves:
        return {}
    first = when.day.replace(day=1)
    clocked = defaultdict(set)
    for staff_id, second in session.execute(select(ClockRecord.staff_id, ClockRecord.second_of_day)
                                            .where(ClockRecord.day == when.day)):
        clocked[staff_id].add(half_of(second, when.noon))
    this_month = set(session.scalars(select(ClockRecord.staff_id).distinct().where(
        ClockRecord.day >= first, ClockRecord.day <= when.day)))
    found = {}
    for staff_id, clocks_in in session.execute(select(Staff.id, Staff.clocks_in)
                                               .where(Staff.is_active.is_(True))):
        halves = absent_halves(when.begun, when.working_day, when.clock_data, clocked[staff_id],
                               clocks_in or staff_id in this_month) & when.halves
        if halves:
            found[staff_id] = halves
    return found


def away_rows(session: Session, day: date, now: datetime | None = None,
              when: AwayWhen | None = None) -> list[AwayRow]:
    """AB-2: everyone away on `day` (up to `now`, see `away_when`) by the one definition, with
    why per half-day — leave first (by start day, as `away_on`), then the others by name. The
    same people `staff_away_condition` selects."""
    when = when or away_when(session, day, now)
    reasons: dict[int, dict[str, str]] = defaultdict(dict)
    leaves = {}
    for leave in away_on(session, day):
        halves = leave_away_halves(leave, day) & when.halves
        if halves:
            leaves[leave.staff_id] = leave
            reasons[leave.staff_id].update((half, LEAVE) for half in halves)
    for registration in session.scalars(select(AwayRegistration).where(
            registration_condition(day, when.halves))):
        for half in HALVES:
            if half in when.halves and getattr(registration, half):
                reasons[registration.staff_id].setdefault(half, registration.reason)
    for excuse in session.scalars(select(ClockExcuse).where(excuse_condition(day, when.halves))):
        reasons[excuse.staff_id].setdefault(excuse.half, excuse.reason)
    for staff_id, halves in _absences(session, when).items():
        for half in halves:
            reasons[staff_id].setdefault(half, ABSENT)
    people = _staff_rows(session, set(reasons))
    rows = []
    for staff_id, why in reasons.items():
        person = people[staff_id]
        if not person.is_active:
            continue
        leave = leaves.get(staff_id)
        halves = frozenset(leave_halves_of(leave, day)) if leave else frozenset()
        halves |= {half for half, reason in why.items() if reason != LEAVE}
        rows.append(AwayRow(leave, halves, bool(leave) and overdue(leave, day), person,
                            dict(sorted(why.items()))))
    return sorted(rows, key=lambda row: (
        row.leave is None, row.leave.start_day if row.leave else date.min,
        row.leave.id if row.leave else 0, row.staff.name, row.staff.id))


def away_staff_ids(session: Session, when: AwayWhen) -> set[int]:
    """`staff_away_condition` as the set of staff ids (one query)."""
    return set(session.scalars(select(Staff.id).where(staff_away_condition(when))))


def away_count_by_window(session: Session, when: AwayWhen, window_id=None) -> dict[int | None, int]:
    """AB-2: how many people are away (`staff_away_condition`) per window (None: no window)."""
    query = (select(Staff.window_id, func.count(Staff.id)).where(staff_away_condition(when))
             .group_by(Staff.window_id))
    if window_id is not None:
        query = query.where(Staff.window_id == window_id)
    return dict(session.execute(query).all())


__all__ = ["APPROVED", "LEAVE", "ERRAND", "MEETING", "ABSENT", "active_staff_condition",
           "away_condition", "on_leave_condition", "on_leave_half_condition",
           "overdue_condition", "overstay_excused_condition", "keeps_away", "overdue",
           "leave_halves_of", "away_on", "AwayRow", "away_rows", "AwayWhen", "away_when",
           "work_hours", "clock_data_on", "leave_away_condition", "registration_condition",
           "excuse_condition", "absence_condition", "staff_away_condition", "leave_away_halves",
           "away_staff_ids", "away_count_by_window"]
