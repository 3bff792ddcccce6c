"""月度考核 results and 窗口互评 — the mutual evaluation of windows and the confirmed month's
snapshot (RULES.md §9 SCORE-2/3/4).

The month's scores themselves are computed from the stored ScoreEvents (models/scoring.py);
what is stored here is what people entered (peer ratings) and what Leadership confirmed (the
snapshot of the ranking, frozen with the month).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User

from models.org import Window
from models.scoring import ScoreEvent
from models.types import UTCDateTime, Versioned, utcnow

#: SCORE-2 M10: the four criteria of 窗口互评, each rated 0..100 (the mean is scaled to M10's
#: maximum by app/rules/scoring.monthly_window_score).
PEER_CRITERIA = ("attitude", "efficiency", "quality", "integrity")


class PeerRating(Versioned, Model):
    """窗口互评 — one window's rating of another for one month (SCORE-2 M10): attitude
    (工作态度), efficiency (办事效率), quality (服务质量), integrity (廉洁从政), each 0..100."""

    __tablename__ = "peer_rating"
    __audited__ = True
    __table_args__ = (UniqueConstraint("period", "rater_window_id", "rated_window_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[date] = mapped_column(Date, index=True)  # first day of the month rated
    rater_window_id: Mapped[int] = mapped_column(ForeignKey("window.id"))
    rater_window: Mapped[Window] = relationship(foreign_keys=[rater_window_id])
    rated_window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), index=True)
    rated_window: Mapped[Window] = relationship(foreign_keys=[rated_window_id])
    attitude: Mapped[int] = mapped_column(Integer)
    efficiency: Mapped[int] = mapped_column(Integer)
    quality: Mapped[int] = mapped_column(Integer)
    integrity: Mapped[int] = mapped_column(Integer)
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    rated_by = relationship(User)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"{self.period:%Y-%m} {self.rater_window_id}→{self.rated_window_id}"


class MonthlyResult(Versioned, Model):
    """月度考核结果 — one window's confirmed month (SCORE-2/3): the total, every category
    (JSON text, category → points), the rank, 红旗窗口 and 满意窗口 flags, the peer mean.
    Written when Leadership confirms the month, deleted when the month is reopened."""

    __tablename__ = "monthly_result"
    __audited__ = True
    __table_args__ = (UniqueConstraint("period", "window_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[date] = mapped_column(Date, index=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), index=True)
    window: Mapped[Window] = relationship()
    total: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    categories: Mapped[str] = mapped_column(Text)  # JSON {"M1": "10.0", ..., "B": "2.0"}
    rank: Mapped[int] = mapped_column(Integer)
    red_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    satisfied: Mapped[bool] = mapped_column(Boolean, default=False)
    peer_mean: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # None: M10 counted full
    verified_complaints: Mapped[int] = mapped_column(Integer, default=0)
    overdue_days: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=0)

    def __repr__(self) -> str:
        return f"{self.period:%Y-%m} {self.window_id}: {self.total}"


# NOTICE-1 / SCORE-4: the year's one-time-notice violations per staff member (满意窗口 and 服务明星
# exclusions) are read by source and period; without it that read walks the year's events.
Index("ix_score_event_source_period", ScoreEvent.source, ScoreEvent.period)


__all__ = ["PeerRating", "MonthlyResult", "PEER_CRITERIA"]
