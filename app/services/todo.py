"""待办 — what waits for a staff member: the self-service to-do list and its count (issue #10).

Each source asks its own domain "what does this person owe now?" — approvals routed to their
position (LEAVE-2), a 销假 (LEAVE-3), a duty log (ROSTER-2), a handover to confirm (HAND-1), a
leave someone filed on their behalf (LEAVE-1).
The to-do page shows the rows, the navigation bar their number. Each source is one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Date, bindparam, select
from sqlalchemy.orm import Session

from app.services.away import overdue_condition
from app.services.handover import handovers_awaiting
from app.services.leave import approval_queue, filed_for_notices
from app.services.roster import duty_logs_owed
from models.leave import LeaveRequest
from models.org import Staff


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
    rows = session.execute(_report_back_statement(),
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


def todo_rows(session: Session, staff: Staff | None, today: date) -> dict[str, list[TodoRow]]:
    """Every source's rows for `staff` (nothing for a login without a staff record)."""
    if staff is None:
        return {}
    return {kind: source(session, staff, today) for kind, source in TODO_SOURCES}


def todo_count(session: Session, staff: Staff | None, today: date) -> int:
    """How many things wait for `staff` (the navigation bar's badge)."""
    return sum(len(rows) for rows in todo_rows(session, staff, today).values())


__all__ = ["TodoRow", "TODO_SOURCES", "todo_rows", "todo_count"]
