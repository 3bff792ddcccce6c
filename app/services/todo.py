"""待办 — what waits for a staff member: the self-service to-do list and its count (issue #10).

Each source is one query answering "what does this person owe now?". Sources are listed in
TODO_SOURCES; the to-do page shows their rows, the navigation bar the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.rules.leave import approver_slots
from models.leave import LeaveRequest
from models.org import Staff


@dataclass(frozen=True)
class TodoRow:
    """One thing to do: its kind, the record it concerns, the day it is about, a short text."""

    kind: str
    record_id: int
    day: date | None
    text: str


def leave_awaiting_approval(session: Session, staff: Staff, today: date, *, count=False):
    """LEAVE-2: pending requests routed to this person's position (never their own)."""
    slots = approver_slots(staff.position)
    if not slots:
        return 0 if count else []
    condition = (LeaveRequest.state == "pending",
                 LeaveRequest.approver_position.in_(sorted(slots)),
                 LeaveRequest.staff_id != staff.id)
    if count:
        return session.scalar(select(func.count(LeaveRequest.id)).where(*condition))
    rows = session.execute(
        select(LeaveRequest.id, LeaveRequest.start_day, Staff.name, LeaveRequest.days)
        .join(Staff, Staff.id == LeaveRequest.staff_id)
        .where(*condition).order_by(LeaveRequest.start_day, LeaveRequest.id)).all()
    return [TodoRow("leave_approval", row.id, row.start_day, f"{row.name} {row.days}")
            for row in rows]


def report_back_owed(session: Session, staff: Staff, today: date, *, count=False):
    """LEAVE-3 销假: this person's approved leaves that have ended without a report back."""
    condition = (LeaveRequest.staff_id == staff.id, LeaveRequest.state == "approved",
                 LeaveRequest.end_day < today, LeaveRequest.reported_back_on.is_(None))
    if count:
        return session.scalar(select(func.count(LeaveRequest.id)).where(*condition))
    rows = session.execute(select(LeaveRequest.id, LeaveRequest.end_day)
                           .where(*condition).order_by(LeaveRequest.end_day)).all()
    return [TodoRow("report_back", row.id, row.end_day, "") for row in rows]


# (kind, source): each source answers rows, or their number with count=True.
TODO_SOURCES = [
    ("leave_approval", leave_awaiting_approval),
    ("report_back", report_back_owed),
]


def todo_rows(session: Session, staff: Staff | None, today: date) -> dict[str, list[TodoRow]]:
    """Every source's rows for `staff` (nothing for a login without a staff record)."""
    if staff is None:
        return {}
    return {kind: source(session, staff, today) for kind, source in TODO_SOURCES}


def todo_count(session: Session, staff: Staff | None, today: date) -> int:
    """How many things wait for `staff`: one COUNT per source."""
    if staff is None:
        return 0
    return sum(source(session, staff, today, count=True) or 0 for _, source in TODO_SOURCES)


__all__ = ["TodoRow", "TODO_SOURCES", "todo_rows", "todo_count"]
