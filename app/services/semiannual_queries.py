"""半年考核查询 — the reads of the semi-annual pages (SCORE-5/6).

Plain functions over a session and plain arguments: which entries a user may see is decided
by the caller (app/security.semiannual_scope, as SQL by
app.services.semiannual.entry_scope_condition) and passed in as a condition.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.services.org_queries import staff_order
from models.org import Staff
from models.semiannual import SemiannualEntry


def entry_order(entry: SemiannualEntry) -> tuple:
    """SCORE-6: the grade list's order — civil servants first, then by total, highest first,
    then by name (and staff id: namesakes keep their places)."""
    return (entry.staff_category != "civil_servant", -(entry.total or 0), entry.staff.name,
            entry.staff_id)


def entries(session: Session, assessment_id: int, condition=None) -> list[SemiannualEntry]:
    """The entries of one assessment, their staff loaded, in the grade list's order; only those
    `condition` admits (a SQL condition on SemiannualEntry: the user's scope) when given."""
    query = (select(SemiannualEntry).where(SemiannualEntry.assessment_id == assessment_id)
             .options(selectinload(SemiannualEntry.staff)))
    if condition is not None:
        query = query.where(condition)
    return sorted(session.scalars(query), key=entry_order)


def assessed_elsewhere_names(session: Session) -> list[str]:
    """SCORE-5: the names of the active staff assessed elsewhere (on no grade list), by name."""
    return list(session.scalars(select(Staff.name).where(
        Staff.assessed_elsewhere.is_(True), Staff.is_active.is_(True)).order_by(*staff_order())))


__all__ = ["entry_order", "entries", "assessed_elsewhere_names"]
