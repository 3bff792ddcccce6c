"""半年考核 — the semi-annual individual assessment: one per half-year, an entry per staff
member with the five parts 德 能 勤 绩 廉, and the items behind every part (SCORE-5/6/7)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint,
                        false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User

from models.org import Staff
from models.types import UTCDateTime, Versioned, utcnow

SEMIANNUAL_STATES = ("draft", "confirmed")
ITEM_PARTS = ("de", "neng", "qin", "ji", "lian", "bonus")


class SemiannualAssessment(Versioned, Model):
    """半年考核 — the assessment of one half-year (`half` 1: January–June, 2: July–December):
    a draft the office computes and recomputes, then confirmed by Leadership and frozen."""

    __tablename__ = "semiannual_assessment"
    __audited__ = True
    __table_args__ = (UniqueConstraint("year", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    half: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    created_by = relationship(User, foreign_keys=[created_by_id])
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    confirmed_by = relationship(User, foreign_keys=[confirmed_by_id])
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entries: Mapped[list["SemiannualEntry"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"{self.year}-H{self.half}"


class SemiannualEntry(Versioned, Model):
    """One person's half-year: points off per part, innovation, praise, the parts after
    their floors and caps, the total and the grade (SCORE-5/6). `staff_category` is the
    category at computing time (the grade names depend on it)."""

    __tablename__ = "semiannual_entry"
    __audited__ = True
    __table_args__ = (UniqueConstraint("assessment_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("semiannual_assessment.id"))
    assessment: Mapped[SemiannualAssessment] = relationship(back_populates="entries")
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    staff: Mapped[Staff] = relationship()
    staff_category: Mapped[str] = mapped_column(String(20), default="civil_servant")
    # Points off per part (magnitudes, sub-item caps applied), before the part floors.
    off_de: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal(0))
    off_neng: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal(0))
    off_qin: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal(0))
    off_ji: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal(0))
    off_lian: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal(0))
    innovation: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal(0))
    bonus_raw: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal(0))  # sum of praises
    # The parts after floors and caps (SCORE-5), the capped bonus, the total, the grade.
    de: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    neng: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    qin: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    ji: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    lian: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    bonus: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    total: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    grade: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    # SCORE-6: chosen by Leadership among those tied across the last 优秀 seat (audited);
    # cleared by a rescore that changes the scale's scores.
    tie_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # SCORE-6 (issue #20): who made that choice, when and why — shown beside the tie.
    tie_chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    tie_chosen_by = relationship(User, foreign_keys=[tie_chosen_by_id])
    tie_chosen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tie_choice_reason: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list["SemiannualItem"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="SemiannualItem.id")

    def __repr__(self) -> str:
        return f"{self.assessment} {self.staff}"


class SemiannualItem(Model):
    """One deduction, innovation or praise behind a part (SCORE-7): its kind, signed points
    (− off, + innovation or praise), evidence and source. Computed items (`manual` False) are
    replaced on each recompute of a draft; the office's manual ones are kept."""

    __tablename__ = "semiannual_item"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("semiannual_entry.id"), index=True)
    entry: Mapped[SemiannualEntry] = relationship(back_populates="items")
    part: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(30))
    points: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    evidence: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(20))  # attendance, meeting, duty, case, score_event
    source_id: Mapped[int | None] = mapped_column(Integer)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    recorded_by = relationship(User, foreign_keys=[recorded_by_id])
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"{self.kind} {self.points}"


__all__ = ["SemiannualAssessment", "SemiannualEntry", "SemiannualItem", "SEMIANNUAL_STATES",
           "ITEM_PARTS"]
