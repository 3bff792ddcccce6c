"""扣分/加分 and 月度考核 — score events, the deduction catalogue and the assessment months
(RULES.md §9 SCORE-1..4, §10 FAULT-1)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User

from models.org import Staff, Window
from models.types import UTCDateTime, Versioned, utcnow

# SCORE-2: the monthly categories M1..M10 and the bonus B.
SCORE_CATEGORIES = ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M10", "B")
# Where an event comes from (SCORE-1): recorded by Office, or generated from a fact.
EVENT_SOURCES = ("manual", "case", "notice_violation", "refusal", "attendance", "off_post",
                 "meeting", "complaint")
MONTH_STATES = ("open", "confirmed")


class DeductionItem(Versioned, Model):
    """扣分细则 — one item of the deduction catalogue (SCORE-2): its category, what it is for,
    and the points it takes off (or, category B, adds) — a fixed value or a range."""

    __tablename__ = "deduction_item"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    category: Mapped[str] = mapped_column(String(4), index=True)
    description: Mapped[str] = mapped_column(String(300))
    # Magnitudes (never negative): a deduction of 2 to 5 points is min 2, max 5; B adds them.
    points_min: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    points_max: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)  # generated from facts
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"{self.category} {self.description}"


class ScoreEvent(Versioned, Model):
    """扣分/加分 — one deduction (negative points) or bonus (positive) of a window and, when
    it concerns a person, a staff member (SCORE-1). `period` is the first day of its month.

    Automatic events carry `source_key` (unique): regenerating finds and updates them
    instead of adding them twice.
    """

    __tablename__ = "score_event"
    __audited__ = True
    __table_args__ = (
        # SCORE-2: the month's sums per window and category in one GROUP BY.
        Index("ix_score_event_period_window_category", "period", "window_id", "category"),
        Index("ix_score_event_staff_period", "staff_id", "period"),
        # Issue #12: the dashboard's ranking reads the sums from the index alone (covering).
        Index("ix_score_event_period_window_category_points", "period", "window_id", "category",
              "points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"))
    window: Mapped[Window | None] = relationship()
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    staff: Mapped[Staff | None] = relationship()
    item_id: Mapped[int | None] = mapped_column(ForeignKey("deduction_item.id"), index=True)
    item: Mapped[DeductionItem | None] = relationship()
    category: Mapped[str] = mapped_column(String(4))
    day: Mapped[date] = mapped_column(Date)
    period: Mapped[date] = mapped_column(Date)  # first day of the month assessed
    points: Mapped[Decimal] = mapped_column(Numeric(6, 1))  # signed: − deduction, + bonus
    evidence: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    source_id: Mapped[int | None] = mapped_column(Integer)
    source_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    recorded_by = relationship(User, foreign_keys=[recorded_by_id])
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"{self.category} {self.points} {self.day.isoformat()}"


class AssessmentMonth(Versioned, Model):
    """月度考核 — one month's assessment: open, or confirmed by Leadership and then frozen
    (SCORE-3); a reopen needs a reason (audited)."""

    __tablename__ = "assessment_month"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[date] = mapped_column(Date, unique=True)  # first day of the month
    state: Mapped[str] = mapped_column(String(10), default="open")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    confirmed_by = relationship(User, foreign_keys=[confirmed_by_id])
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SCORE-2 M10: why the month was confirmed although windows had no mutual rating (their
    # M10 is then the mean of the rated windows'); None when every window was rated.
    unrated_reason: Mapped[str | None] = mapped_column(Text)
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    reopened_by = relationship(User, foreign_keys=[reopened_by_id])
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return self.period.strftime("%Y-%m")


__all__ = ["DeductionItem", "ScoreEvent", "AssessmentMonth", "SCORE_CATEGORIES",
           "EVENT_SOURCES", "MONTH_STATES"]
