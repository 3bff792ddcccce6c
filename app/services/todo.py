"""待办 — what waits for a staff member: the self-service to-do list and its count (issue #10).

Each source asks its own domain "what does this person owe now?" — approvals routed to their
position (LEAVE-2), a 销假 (LEAVE-3), a duty log (ROSTER-2), a handover to confirm (HAND-1), a
leave someone filed on their behalf (LEAVE-1).
The to-do page shows the rows, the navigation bar their number. The approvals are one query;
the person's own four sources one UNION ALL (issue #21 P1: the home page asks them on every
request), each branch the condition its domain defines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Date, Integer, bindparam, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from app.services.away import overdue_condition
from app.services.core_reads import core_execute
from app.services.handover import awaiting_condition, handovers_awaiting
from app.services.leave import approval_queue, filed_for_condition, filed_for_notices
from app.services.roster import duty_logs_owed, duty_owner_condition, missing_log_condition
from models.handover import Handover
from models.leave import LeaveNotification, LeaveRequest
from models.org import Staff
from models.roster import DutyShift
from models.types import UTCDateTime


@dataclass(frozen=True)
class TodoRow:
    """One thing to do: its kind, the record it concerns, the day it is about, a short text."""

    kind: str
    record_id: int
    day: date | None
    text: str


def leave_awaiting_approval(session: Session, staff: Staff, today: date) -> list[TodoRow]:
    """LEAVE-2: pending requests routed to this person's position (never their own)."""
    return [TodoRow("leave_approval", request.id, request.start_day, request.staff.name)
            for request in approval_queue(session, staff)]


@lru_cache(maxsize=1)
def _report_back_statement():
    """`report_back_owed`'s SELECT, built once with the person and the day as bind parameters
    (issue #21: the home page and the navigation bar ask it on every request)."""
    return (select(LeaveRequest.id, LeaveRequest.end_day)
            .where(LeaveRequest.staff_id == bindparam("todo_staff_id"),
                   overdue_condition(bindparam("todo_day", type_=Date)))
            .order_by(LeaveRequest.end_day, LeaveRequest.id))


def report_back_owed(session: Session, staff: Staff, today: date) -> list[TodoRow]:
    """LEAVE-3 销假: this person's approved leaves that have ended without a report back (still
    away past the end day, app/services/away.py)."""
    rows = core_execute(session, _report_back_statement(),
                        {"todo_staff_id": staff.id, "todo_day": today}).all()
    return [TodoRow("report_back", row.id, row.end_day, "") for row in rows]


def duty_logs_due(session: Session, staff: Staff, today: date) -> list[TodoRow]:
    """ROSTER-2: past duty days of this person without a duty log."""
    return [TodoRow("duty_log", shift.id, shift.day, "")
            for shift in duty_logs_owed(session, staff.id, today)]


def handovers_to_confirm(session: Session, staff: Staff, today: date) -> list[TodoRow]:
    """HAND-1: handovers waiting for this person's own confirmation."""
    return [TodoRow("handover_confirm", handover.id, handover.created_at.date(), "")
            for handover in handovers_awaiting(session, staff.id)]


def leave_filed_for_me(session: Session, staff: Staff, today: date) -> list[TodoRow]:
    """LEAVE-1: leave someone else filed on this person's behalf, until they acknowledge it."""
    return [TodoRow("leave_filed_for_me", notice.leave_request_id,
                    notice.leave_request.start_day, "")
            for notice in filed_for_notices(session, staff)]


# (kind, source): each source answers the rows of its kind for one staff member.
TODO_SOURCES = [
    ("leave_approval", leave_awaiting_approval),
    ("report_back", report_back_owed),
    ("duty_log", duty_logs_due),
    ("handover_confirm", handovers_to_confirm),
    ("leave_filed_for_me", leave_filed_for_me),
]


# The person's own sources, read together by `_own_todo_statement` (in TODO_SOURCES' order).
OWN_KINDS = ("report_back", "duty_log", "handover_confirm", "leave_filed_for_me")


@lru_cache(maxsize=1)
def _own_todo_statement():
    """`report_back_owed`, `duty_logs_due`, `handovers_to_confirm` and `leave_filed_for_me` as
    one UNION ALL, built once with the person and the day as bind parameters: each branch
    (kind, record id, day, instant, and its own order: a day, an instant, an id) with the
    condition of its domain (LEAVE-3, ROSTER-2, HAND-1, LEAVE-1), ordered by kind and then as
    each source orders its rows."""
    staff = bindparam("todo_staff_id")
    day = bindparam("todo_day", type_=Date)
    no_day, no_instant = cast(null(), Date), cast(null(), UTCDateTime)

    def branch(kind, record_id, row_day, instant, order_day, own_id):
        return select(literal(OWN_KINDS.index(kind), Integer).label("kind"),
                      record_id.label("record_id"), row_day.label("day"),
                      instant.label("instant"), order_day.label("order_day"),
                      own_id.label("own_id"))

    parts = union_all(
        branch("report_back", LeaveRequest.id, LeaveRequest.end_day, no_instant,
               LeaveRequest.end_day, LeaveRequest.id)
        .where(LeaveRequest.staff_id == staff, overdue_condition(day)),
        branch("duty_log", DutyShift.id, DutyShift.day, no_instant, DutyShift.day, DutyShift.id)
        .where(missing_log_condition(day), duty_owner_condition(staff)),
        branch("handover_confirm", Handover.id, no_day, Handover.created_at, no_day,
               Handover.id)
        .where(awaiting_condition(staff)),
        branch("leave_filed_for_me", LeaveNotification.leave_request_id, LeaveRequest.start_day,
               LeaveNotification.created_at, no_day, LeaveNotification.id)
        .outerjoin(LeaveRequest, LeaveRequest.id == LeaveNotification.leave_request_id)
        .where(filed_for_condition(staff))).subquery()
    return select(parts.c.kind, parts.c.record_id, parts.c.day, parts.c.instant).order_by(
        parts.c.kind, parts.c.order_day, parts.c.instant, parts.c.own_id)


def own_todo_rows(session: Session, staff: Staff, today: date) -> dict[str, list[TodoRow]]:
    """The rows of OWN_KINDS for `staff` in one statement: the same rows, in the same order,
    as each kind's source above (a handover's day is the day of its creation instant)."""
    rows: dict[str, list[TodoRow]] = {kind: [] for kind in OWN_KINDS}
    for kind, record_id, day, instant in core_execute(
            session, _own_todo_statement(), {"todo_staff_id": staff.id, "todo_day": today}):
        kind = OWN_KINDS[kind]
        rows[kind].append(TodoRow(kind, record_id,
                                  instant.date() if kind == "handover_confirm" else day, ""))
    return rows


def todo_rows(session: Session, staff: Staff | None, today: date) -> dict[str, list[TodoRow]]:
    """Every source's rows for `staff` (nothing for a login without a staff record), in
    TODO_SOURCES' order: the approvals, then the person's own kinds in one statement."""
    if staff is None:
        return {}
    return {"leave_approval": leave_awaiting_approval(session, staff, today),
            **own_todo_rows(session, staff, today)}


def todo_count(session: Session, staff: Staff | None, today: date) -> int:
    """How many things wait for `staff` (the navigation bar's badge)."""
    return sum(len(rows) for rows in todo_rows(session, staff, today).values())


__all__ = ["TodoRow", "TODO_SOURCES", "OWN_KINDS", "own_todo_rows", "todo_rows", "todo_count"]
