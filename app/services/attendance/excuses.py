"""ATT-4: 补签单 (clock excuses): filed, decided by the deputy director (app.policy.attendance),
and the pending ones."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.policy.attendance import may_decide_excuse
from app.rules.errors import N_, RuleViolation
from app.rules.input import BUSINESS_YEARS
from app.services.attendance.records import _staff
from models.attendance import EXCUSE_REASONS, HALVES, ClockExcuse
from models.org import Staff


# --- ATT-4: 补签单 ------------------------------------------------------------------------------
def file_excuse(session: Session, staff_id: int, day: date | None, half: str, reason: str,
                note, user_id: int | None, today: date) -> ClockExcuse:
    """ATT-4: a 补签单 for a half-day missed because of a meeting or an official errand."""
    staff = _staff(session, staff_id)
    if day is None or day > today or day.year < BUSINESS_YEARS[0]:
        raise RuleViolation("ATT-4", N_("Give a day up to today."), field="day")
    if half not in HALVES:
        raise RuleViolation("ATT-4", N_("Choose morning or afternoon."), field="half")
    if reason not in EXCUSE_REASONS:
        raise RuleViolation("ATT-4", N_("Only a meeting or an official errand excuses a missed "
                                        "clock-in."), field="reason")
    if session.scalar(select(ClockExcuse.id).where(ClockExcuse.staff_id == staff.id,
                                                   ClockExcuse.day == day,
                                                   ClockExcuse.half == half)) is not None:
        raise RuleViolation("ATT-4", N_("This half-day already has a 补签单."), field="day")
    excuse = ClockExcuse(staff_id=staff.id, day=day, half=half, reason=reason,
                         note=(note or "").strip()[:500] or None, state="pending",
                         filed_by_id=user_id)
    session.add(excuse)
    session.flush()
    return excuse


def decide_excuse(session: Session, excuse: ClockExcuse, approve: bool, approver: Staff | None,
                  user_id: int | None, now: datetime) -> ClockExcuse:
    """ATT-4: the deputy director approves or rejects a pending 补签单."""
    if not may_decide_excuse(approver):
        raise RuleViolation("ATT-4", N_("Only the deputy director approves a 补签单."))
    if not may_decide_excuse(approver, excuse):
        raise RuleViolation("ATT-4", N_("No one approves their own 补签单."))
    if excuse.state != "pending":
        raise RuleViolation("ATT-4", N_("This 补签单 is already decided."))
    excuse.state = "approved" if approve else "rejected"
    excuse.decided_by_id, excuse.decided_at = user_id, now
    session.flush()
    return excuse


def pending_excuses(session: Session, staff_ids=None) -> list[ClockExcuse]:
    query = select(ClockExcuse).where(ClockExcuse.state == "pending").order_by(ClockExcuse.day,
                                                                              ClockExcuse.id)
    if staff_ids is not None:
        query = query.where(ClockExcuse.staff_id.in_(staff_ids))
    return list(session.scalars(query))
