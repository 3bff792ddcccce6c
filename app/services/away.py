"""请假在外 — who is away on a day: the one definition (LEAVE-3, AB-2), in SQL and in Python.

The rule is `app.rules.leave.is_away`: an approved leave keeps its person away from its first
day until the day they report back (销假), past the end day too while no 销假 is given (an
overstay, `is_overdue`); pending, rejected and cancelled requests keep nobody away; a half day
counts for its day. `away_condition` is the same rule as a SQL condition, usable in a WHERE,
a JOIN or an aggregate; everything that asks "away on this day" uses one of the two:

- the clerks' "Away today" list and the leave service (`away_on`, app/views/leave.py);
- the Leadership dashboard's KPI "staff away today" and its counts per window
  (app/services/dashboard_queries.away_by_window);
- B's cover of A's cases (AB-2, app/services/cover.covered_staff);
- the to-do list's 销假 owed (`overdue_condition`, app/services/todo.py);
- attendance (ATT-3): only the planned half days of an away person are leave
  (`on_leave_condition` for the SQL derivation, `leave_halves` for the Python one); the days
  past the end are absence, counted as such.

AB-1 plans future days and counts pending requests too: it uses the planned period
(app/services/leave.away_period), cut short by an early 销假 like this rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload

from app.rules.attendance import leave_halves
from app.rules.leave import is_away, is_overdue
from models.leave import LeaveRequest
from models.org import Staff

APPROVED = "approved"  # LEAVE-2: only an approved request keeps anyone away


def away_condition(day):
    """LEAVE-3 / AB-2: SQL twin of `is_away` on LeaveRequest — approved, begun on or before
    `day`, not reported back on or before it. `day` is a date or a date column."""
    return and_(LeaveRequest.state == APPROVED, LeaveRequest.start_day <= day,
                or_(LeaveRequest.reported_back_on.is_(None), LeaveRequest.reported_back_on > day))


def on_leave_condition(day):
    """ATT-3: away on `day` within the leave's planned days (its half days refine it)."""
    return and_(away_condition(day), LeaveRequest.end_day >= day)


def overdue_condition(day):
    """LEAVE-3: SQL twin of `is_overdue` — away on `day` past the end day: 销假 owed."""
    return and_(away_condition(day), LeaveRequest.end_day < day)


def keeps_away(leave: LeaveRequest, day: date) -> bool:
    """`away_condition` for one loaded request."""
    return leave.state == APPROVED and is_away(day, leave.start_day, leave.reported_back_on)


def overdue(leave: LeaveRequest, day: date) -> bool:
    """`overdue_condition` for one loaded request."""
    return leave.state == APPROVED and is_overdue(day, leave.start_day, leave.end_day,
                                                  leave.reported_back_on)


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
    return [AwayRow(leave, frozenset(leave_halves(day, leave.start_day, leave.end_day,
                                                  leave.half_day_start, leave.half_day_end,
                                                  leave.reported_back_on)),
                    overdue(leave, day))
            for leave in away_on(session, day)]


__all__ = ["APPROVED", "away_condition", "on_leave_condition", "overdue_condition",
           "keeps_away", "overdue", "away_on", "AwayRow", "away_rows"]
