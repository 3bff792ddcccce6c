"""请假在外 — who is away on a day: the one definition (LEAVE-3, AB-2), in SQL and in Python.

The rule is `app.rules.leave.is_away`: an approved leave keeps its person away from its first
day until the day they report back (销假), past the end day too while no 销假 is given (an
overstay, `is_overdue`); pending, rejected and cancelled requests keep nobody away; a half day
counts for its day. Staff no longer active (`Staff.is_active` off: left the center) is away
from nobody's point of view: an old leave never reported back names no one, asks no 销假 and
hands no cases to B. `away_condition` is the same rule as a SQL condition, usable in a WHERE,
a JOIN or an aggregate; everything that asks "away on this day" uses one of the two:

- the clerks' "Away today" list and the leave service (`away_on`, app/views/leave.py);
- the Leadership dashboard's KPI "staff away today" and its counts per window
  (app/services/dashboard_queries.away_by_window);
- B's cover of A's cases (AB-2, app/services/cover.covered_staff);
- the to-do list's 销假 owed (`overdue_condition`, app/services/todo.py);
- attendance (ATT-3): the half days of the leave actually taken are leave
  (`on_leave_half_condition` for the SQL derivation, `leave_halves` for the Python one): the
  planned days, cut short by an early 销假, extended to the 销假 when the general office
  accepted the reason of a late return; an overstay without reason is absence.

AB-1 plans future days and counts pending requests too: it uses the planned period
(app/services/leave.away_period), cut short by an early 销假 like this rule, and leaves out
inactive partners with `active_staff_condition` (app/services/leave.ab_conflicts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, not_, or_, select
from sqlalchemy.orm import Session, joinedload

from app.rules.attendance import AM, PM, leave_halves
from app.rules.leave import is_away, is_overdue, overstay_excused
from models.leave import LeaveRequest
from models.org import Staff

APPROVED = "approved"  # LEAVE-2: only an approved request keeps anyone away


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


@dataclass(frozen=True)
class AwayRow:
    """One person of the "Away today" list: their request, the halves of the day that are
    leave (both, one for a half day, none past the end day) and whether the 销假 is owed."""

    leave: LeaveRequest
    halves: frozenset[str]
    overdue: bool


def away_rows(session: Session, day: date) -> list[AwayRow]:
    """`away_on` with what the list says of each person's day (LEAVE-3, ATT-3 half days)."""
    return [AwayRow(leave, frozenset(leave_halves_of(leave, day)), overdue(leave, day))
            for leave in away_on(session, day)]


__all__ = ["APPROVED", "active_staff_condition", "away_condition", "on_leave_condition",
           "on_leave_half_condition", "overdue_condition", "overstay_excused_condition",
           "keeps_away", "overdue", "leave_halves_of", "away_on", "AwayRow", "away_rows"]
