"""代A角 — B covers A's unfinished cases while A is on approved leave (AB-2).

A is "covered" on day D when A is away on D (LEAVE-3, the one rule of app/services/away.py: an
approved leave begun on or before D that A has not reported back from — a leave runs until
销假, overstay included), and A is the A staff of a post whose B staff is the one asking.
"A's cases" are those A handles (经办人), or received (受理人) when nobody handles them yet, and
that are not closed (办结归档).

The row-level filter of app/security.py asks `covered_staff` once per request and widens the
own-window condition with `covered_cases_condition`; nothing here knows about requests.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.rules import case_states as cs
from app.services.away import away_condition
from models.cases import Case
from models.leave import LeaveRequest
from models.org import Post, Staff


def covered_staff(session: Session, b_staff_id: int, day: date) -> dict[int, str]:
    """AB-2: A staff id → name of everyone `b_staff_id` covers on `day` (one query)."""
    rows = session.execute(
        select(Staff.id, Staff.name)
        .join(Post, Post.a_staff_id == Staff.id)
        .join(LeaveRequest, LeaveRequest.staff_id == Staff.id)
        .where(Post.b_staff_id == b_staff_id,
               Post.a_staff_id != b_staff_id,
               away_condition(day))
        .distinct()
    ).all()
    return {staff_id: name for staff_id, name in rows}


def owned_by_condition(staff_ids):
    """The cases the staff handle (经办人), or received (受理人) while nobody handles them."""
    staff_ids = list(staff_ids)
    return or_(Case.handler_id.in_(staff_ids),
               and_(Case.handler_id.is_(None), Case.clerk_id.in_(staff_ids)))


def unfinished_condition():
    """Not yet archived (办结归档): B may still have to deliver a decided case."""
    return Case.state != cs.CLOSED


def covered_cases_condition(staff_ids):
    """AB-2: the unfinished cases of the covered staff (SQL); None when nobody is covered."""
    if not staff_ids:
        return None
    return and_(owned_by_condition(staff_ids), unfinished_condition())


def case_owner_id(case: Case) -> int | None:
    """Whose case it is: its handler, else its receiving clerk."""
    return case.handler_id if case.handler_id is not None else case.clerk_id


def is_covered_case(case: Case, staff_ids) -> bool:
    """The Python twin of `covered_cases_condition` for one loaded case."""
    return bool(staff_ids) and case_owner_id(case) in staff_ids and cs.is_editable(case.state)


def open_cases_of(session: Session, staff_id: int) -> list[Case]:
    """The unfinished cases a staff member owns, by deadline (the handover list, HAND-1)."""
    return list(session.scalars(
        select(Case).where(owned_by_condition([staff_id]), unfinished_condition())
        .order_by(Case.deadline.is_(None), Case.deadline, Case.received_at, Case.id)))
