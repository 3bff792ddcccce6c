"""Who sees whose attendance, who keeps the clock records and who approves a 补签单
(考勤, ATT-1..4). Pure."""

from __future__ import annotations

from app.actor import Actor
from app.roles import ADMIN, LEADERSHIP, OFFICE

ATTENDANCE_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})
CLOCK_KEEPING_ROLES = frozenset({OFFICE, ADMIN})
DEPUTY_DIRECTOR = "deputy_director"  # Staff.position of the 补签单's approver (ATT-4)


def may_see_all_attendance(actor: Actor) -> bool:
    """ATT: Office and Leadership see every staff member's month; everyone else only their own."""
    return bool(actor.roles & ATTENDANCE_ALL_ROLES)


def attendance_scope(actor: Actor) -> list[int] | None:
    """ATT: the staff ids whose attendance the actor may see: None for all, else their own
    (an empty list for a login without a Staff row)."""
    if may_see_all_attendance(actor):
        return None
    return [actor.staff_id] if actor.staff_id is not None else []


def may_keep_clock_records(actor: Actor) -> bool:
    """ATT-1: the office imports, enters and corrects clock records and off-post times."""
    return bool(actor.roles & CLOCK_KEEPING_ROLES)


def may_decide_excuse(approver, excuse=None) -> bool:
    """ATT-4: only the deputy director (by position, not by login role) approves a 补签单 —
    and never their own (like a leave request, LEAVE-2). `approver` is the acting Staff row or
    an Actor (its `staff_id` and `position`)."""
    if approver is None or getattr(approver, "position", None) != DEPUTY_DIRECTOR:
        return False
    approver_id = getattr(approver, "staff_id", None) or getattr(approver, "id", None)
    return excuse is None or excuse.staff_id != approver_id
