"""工作交接 — create, edit and confirm handovers; the handovers awaiting someone (HAND-1).

One function per use case; the caller's transaction() commits. Who may create one for whom is
app/policy/handover.py; who may confirm which side is the rule of app/rules/handover.py,
checked here for every door. Every change is audited (Handover.__audited__, AUDIT-1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from app.actor import Actor, Clock
from app.policy.handover import may_create_handover_for
from app.rules import handover as rules
from app.rules.errors import N_, RuleViolation
from app.services.cover import open_cases_of
from models.handover import Handover, HandoverCase
from models.leave import LeaveRequest
from models.org import Staff


@dataclass
class HandoverContent:
    """What the parties hand over besides the cases: 交接事项, 文件资料, 待办工作."""

    items: str | None = None
    documents: str | None = None
    tasks: str | None = None


@dataclass
class CaseListChanges:
    """Edits of the case list before confirmation: notes by row id, rows to drop."""

    notes: dict[int, str | None] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _staff(session: Session, staff_id: int | None, field_name: str) -> Staff:
    staff = session.get(Staff, staff_id) if staff_id is not None else None
    if staff is None:
        raise RuleViolation("HAND-1", N_("Choose an existing staff member."), field=field_name)
    return staff


def case_rows_for(session: Session, giver_id: int) -> list[HandoverCase]:
    """HAND-1: the giver's unfinished cases, filled in from the case data (number, item,
    deadline as they stand now)."""
    return [HandoverCase(case=case, number=case.number, item_name=case.item.name,
                         deadline=case.deadline)
            for case in open_cases_of(session, giver_id)]


def create_handover(session: Session, giver_id: int | None, receiver_id: int | None,
                    content: HandoverContent, actor: Actor, clock: Clock,
                    leave_request_id: int | None = None) -> Handover:
    """HAND-1: a handover from the giver to the receiver, its case list filled from the data.
    The giver registers their own, the general office anyone's (app/policy/handover.py); one
    created from a leave request belongs to the filing, which its own rules allowed (LEAVE-1)."""
    if leave_request_id is None and not may_create_handover_for(actor, giver_id):
        raise RuleViolation("HAND-1", N_("A handover is registered by its giver or by the "
                                         "general office."), field="giver_id")
    rules.check_parties(giver_id, receiver_id)
    giver = _staff(session, giver_id, "giver_id")
    receiver = _staff(session, receiver_id, "receiver_id")
    if leave_request_id is not None:
        leave = session.get(LeaveRequest, leave_request_id)
        if leave is None or leave.staff_id != giver.id:
            raise RuleViolation("HAND-1", N_("Choose a leave request of the giver."),
                                field="leave_request_id")
    handover = Handover(giver=giver, receiver=receiver, leave_request_id=leave_request_id,
                        items=_text(content.items), documents=_text(content.documents),
                        tasks=_text(content.tasks), created_by_id=actor.user_id,
                        created_at=clock.now)
    handover.cases = case_rows_for(session, giver.id)
    session.add(handover)
    session.flush()
    return handover


def _check_editable(handover: Handover) -> None:
    rules.check_editable(handover.giver_confirmed_at is not None,
                         handover.receiver_confirmed_at is not None)


def update_handover(session: Session, handover: Handover, content: HandoverContent,
                    changes: CaseListChanges | None = None) -> Handover:
    """HAND-1: the content and the case list change until the first confirmation."""
    _check_editable(handover)
    handover.items = _text(content.items)
    handover.documents = _text(content.documents)
    handover.tasks = _text(content.tasks)
    changes = changes or CaseListChanges()
    for row in list(handover.cases):
        if row.id in changes.removed:
            handover.cases.remove(row)
        elif row.id in changes.notes:
            row.note = _text(changes.notes[row.id])
    session.flush()
    return handover


def refill_cases(session: Session, handover: Handover) -> Handover:
    """HAND-1: the case list filled in again from the giver's cases as they stand now."""
    _check_editable(handover)
    notes = {row.case_id: row.note for row in handover.cases if row.case_id is not None}
    handover.cases.clear()
    session.flush()
    handover.cases = case_rows_for(session, handover.giver_id)
    for row in handover.cases:
        row.note = notes.get(row.case_id)
    session.flush()
    return handover


def side_staff(handover: Handover, side: str) -> Staff:
    return handover.giver if side == rules.GIVER else handover.receiver


def is_confirmed(handover: Handover, side: str) -> bool:
    return getattr(handover, f"{side}_confirmed_at") is not None


def confirmable_sides(handover: Handover, actor: Actor, actor_is_office: bool) -> list[str]:
    """The sides `actor` may confirm now (for the page's buttons): the rule, asked quietly."""
    sides = []
    for side in rules.SIDES:
        try:
            rules.check_confirmation(side, side_staff(handover, side).user_id, actor.user_id,
                                     actor_is_office, is_confirmed(handover, side))
        except RuleViolation:
            continue
        sides.append(side)
    return sides


def confirm_handover(session: Session, handover: Handover, side: str | None, actor: Actor,
                     clock: Clock, actor_is_office: bool = False) -> Handover:
    """HAND-1: the giver or the receiver signs, as their own user (the office for someone
    without login, recorded as on their behalf). Without `side`, the one the actor may sign."""
    if side is None:
        sides = confirmable_sides(handover, actor, actor_is_office)
        side = sides[0] if len(sides) == 1 else None
        if side is None:
            raise RuleViolation("HAND-1", N_("Confirm as the giver or as the receiver."),
                                field="side")
    on_behalf = rules.check_confirmation(
        side, side_staff(handover, side).user_id if side in rules.SIDES else None,
        actor.user_id, actor_is_office, side in rules.SIDES and is_confirmed(handover, side))
    setattr(handover, f"{side}_confirmed_at", clock.now)
    setattr(handover, f"{side}_confirmed_by_id", actor.user_id)
    setattr(handover, f"{side}_on_behalf", on_behalf)
    session.flush()
    return handover


def is_valid(handover: Handover) -> bool:
    """HAND-1: both signed."""
    return rules.is_valid(is_confirmed(handover, rules.GIVER), is_confirmed(handover, rules.RECEIVER))


def awaiting_condition(staff_id: int):
    return or_(and_(Handover.giver_id == staff_id, Handover.giver_confirmed_at.is_(None)),
               and_(Handover.receiver_id == staff_id, Handover.receiver_confirmed_at.is_(None)))


def handovers_awaiting(session: Session, staff_id: int) -> list[Handover]:
    """HAND-1: the handovers waiting for this staff member's confirmation (for the to-do list),
    oldest first."""
    return list(session.scalars(_awaiting_statement(), {"awaiting_staff_id": staff_id}))


@lru_cache(maxsize=1)
def _awaiting_statement():
    """`handovers_awaiting`'s SELECT, built once with the person as a bind parameter (issue #21:
    the home page's 待办 asks it on every request)."""
    return (select(Handover).where(awaiting_condition(bindparam("awaiting_staff_id")))
            .order_by(Handover.created_at, Handover.id))


__all__ = ["HandoverContent", "CaseListChanges", "create_handover", "update_handover",
           "refill_cases", "confirm_handover", "confirmable_sides", "handovers_awaiting",
           "is_valid", "is_confirmed", "case_rows_for"]
