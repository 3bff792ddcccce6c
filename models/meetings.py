"""会议与学习 — the weekly work meeting, the study days and their attendance (MEET-1).

The schedule itself is a rule (app/rules/meetings.py); these rows are what it generated and
what the office recorded: who attended, who was late or absent (feeding SCORE-2 M5), minutes.
Every change is audited (AUDIT-1).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User

from models.org import Staff
from models.types import UTCDateTime, Versioned, utcnow

# Kept in step with app/rules/meetings.py (models import nothing from app/).
MEETING_KINDS = ("weekly", "study")  # 工作例会, 学习日
ATTENDANCE_STATUSES = ("present", "late", "absent_excused", "absent_unexcused")


class Meeting(Versioned, Model):
    """会议 — one weekly work meeting (例会) or study session (学习) on a day (MEET-1).

    One of each kind per day at most: generating a month twice adds nothing (the unique key).
    """

    __tablename__ = "meeting"
    __audited__ = True
    __table_args__ = (UniqueConstraint("kind", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    day: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[str] = mapped_column(String(5))  # "15:00", the center's wall-clock time
    topic: Mapped[str | None] = mapped_column(String(200))
    minutes: Mapped[str | None] = mapped_column(Text)  # 会议记录
    minutes_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    minutes_by = relationship(User)
    minutes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance: Mapped[list[MeetingAttendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendance.id")

    def __repr__(self) -> str:
        return f"{self.day.isoformat()} {self.kind}"


class MeetingAttendance(Versioned, Model):
    """会议考勤 — one staff member's attendance at one meeting (MEET-1): present, late,
    absent with reason (the reason is kept) or absent without reason."""

    __tablename__ = "meeting_attendance"
    __audited__ = True
    __table_args__ = (UniqueConstraint("meeting_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    staff: Mapped[Staff] = relationship()
    status: Mapped[str] = mapped_column(String(20), default="present")
    reason: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    recorded_by = relationship(User)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"{self.meeting} {self.staff}: {self.status}"


__all__ = ["Meeting", "MeetingAttendance", "MEETING_KINDS", "ATTENDANCE_STATUSES"]
