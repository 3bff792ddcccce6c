"""失职追究 — dereliction records (RULES.md §10 FAULT-1): the ten kinds, the sanction, the evidence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User

from models.cases import Case
from models.org import Staff, Window
from models.types import UTCDateTime, Versioned, utcnow

# FAULT-1: the ten kinds of dereliction (labels in app/views/deductions.py).
DERELICTION_KINDS = tuple(range(1, 11))
# FAULT-1: the sanctions, mildest first.
SANCTIONS = ("reminder", "criticism", "notice_of_criticism", "bonus_deduction")


class Dereliction(Versioned, Model):
    """失职 — one dereliction of a staff member (FAULT-1): its kind (1..10), the day, the
    sanction decided, the evidence, and optionally the case it concerns."""

    __tablename__ = "dereliction"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    staff: Mapped[Staff] = relationship()
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"), index=True)
    window: Mapped[Window | None] = relationship()
    kind: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date, index=True)
    sanction: Mapped[str] = mapped_column(String(30))
    evidence: Mapped[str] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("service_case.id"))
    case: Mapped[Case | None] = relationship()
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    recorded_by = relationship(User, foreign_keys=[recorded_by_id])
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"FAULT-1.{self.kind} {self.day.isoformat()}"


__all__ = ["Dereliction", "DERELICTION_KINDS", "SANCTIONS"]
