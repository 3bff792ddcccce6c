"""请假查询 — the reads of leave requests that other pages need (LEAVE-1, HAND-1).

Plain functions over a session and plain arguments; whose requests a user may pick is the
caller's decision (app/policy/leave.py), passed in as `staff_id`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.leave import LeaveRequest

# The requests still to come or running: a handover may belong to one (HAND-1).
LIVE_STATES = ("pending", "approved")


def live_requests(session: Session, staff_id: int | None = None,
                  limit: int = 200) -> list[LeaveRequest]:
    """HAND-1: the pending and approved leave requests (of one staff member, or everyone's) a
    handover may be registered for, the latest start first (the id breaks ties) — at most
    `limit` of them."""
    query = select(LeaveRequest).where(LeaveRequest.state.in_(LIVE_STATES))
    if staff_id is not None:
        query = query.where(LeaveRequest.staff_id == staff_id)
    return list(session.scalars(query.order_by(LeaveRequest.start_day.desc(),
                                               LeaveRequest.id.desc()).limit(limit)))


__all__ = ["LIVE_STATES", "live_requests"]
