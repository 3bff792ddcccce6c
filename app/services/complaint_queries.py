"""投诉查询 — the reads of the complaints pages (COMP-2 跟踪处理).

Open complaints by their answer due date (the id last); overdue is a WHERE clause over the
stored due date, never a flag typed in. The pure check of one loaded complaint is
app.services.complaints.is_overdue.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from models.complaints import Complaint


def overdue_condition(today: date):
    """COMP-2 as SQL: open complaints whose answer due date has passed."""
    return and_(Complaint.state == "open", Complaint.due_on < today)


def open_complaints(session: Session, today: date, *, only_overdue: bool = False,
                    window_id: int | None = None, limit: int | None = None) -> list[Complaint]:
    """COMP-2 跟踪处理: the complaints not yet answered (only the overdue ones when asked), of one
    window or all, the answer due first — at most `limit` of them."""
    query = select(Complaint).where(overdue_condition(today) if only_overdue
                                    else Complaint.state == "open")
    if window_id is not None:
        query = query.where(Complaint.window_id == window_id)
    query = query.order_by(Complaint.due_on, Complaint.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


__all__ = ["overdue_condition", "open_complaints"]
