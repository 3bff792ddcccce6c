"""投诉 — complaints about a window or staff member, their answer, outcome and escalation
(RULES.md §8 COMP-1..5)."""

from __future__ import annotations

from datetime import date, datetime

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.cases import Case
from models.org import Staff, Window
from models.types import UTCDateTime, Versioned, utcnow

# COMP-1: the channels; letters and online complaints are written by nature.
CHANNELS = ("in_person", "phone", "letter", "online")
WRITTEN_CHANNELS = ("letter", "online")
COMPLEXITIES = ("simple", "complex")
STATES = ("open", "answered", "closed")
ANSWER_FORMS = ("written", "oral")
OUTCOMES = ("verified", "not_verified")
# COMP-3 / SCORE-2 M7: a verified complaint takes 2..5 points by gravity; "serious" (a notice
# of criticism or bad influence) takes 10.
GRAVITIES = ("2", "3", "4", "5", "serious")


class Complaint(Versioned, Model):
    """投诉 — one complaint received by the office (COMP-1), answered (COMP-2), decided verified
    or not (COMP-3, with its M7 deductions), escalated for the same staff member (COMP-4).

    The complainant's name and contact are personal data (PRIV-1): shown in full to Office and
    Leadership only, masked elsewhere and in the audit trail, never logged.
    """

    __tablename__ = "complaint"
    __audited__ = True
    __personal_fields__ = {"complainant_contact": "phone", "complainant_name": "address"}
    __table_args__ = (
        # The open-complaints list: open ones by due date.
        Index("ix_complaint_state_due", "state", "due_on"),
        # COMP-4/5: a staff member's verified complaints in a year or period.
        Index("ix_complaint_staff_outcome", "staff_id", "outcome", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_on: Mapped[date] = mapped_column(Date)  # the day in the center's time zone
    channel: Mapped[str] = mapped_column(String(12))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    complainant_name: Mapped[str | None] = mapped_column(String(100))
    complainant_contact: Mapped[str | None] = mapped_column(String(100))
    major: Mapped[bool] = mapped_column(Boolean, default=False)  # 重大事项
    # COMP-1: an in-person or phone complaint taken down in writing (书面记录, signed).
    written_record: Mapped[bool] = mapped_column(Boolean, default=False)
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), index=True)
    window: Mapped[Window] = relationship()
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    staff: Mapped[Staff | None] = relationship()
    case_id: Mapped[int | None] = mapped_column(ForeignKey("service_case.id"), index=True)
    case: Mapped[Case | None] = relationship()
    content: Mapped[str] = mapped_column(Text)
    complexity: Mapped[str] = mapped_column(String(10), default="simple")
    promised_on: Mapped[date | None] = mapped_column(Date)  # simple: the promised answer date
    due_on: Mapped[date] = mapped_column(Date)  # COMP-2: when the answer is due
    state: Mapped[str] = mapped_column(String(10), default="open")
    answer: Mapped[str | None] = mapped_column(Text)
    answer_form: Mapped[str | None] = mapped_column(String(10))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    answered_by = relationship(User, foreign_keys=[answered_by_id])
    outcome: Mapped[str | None] = mapped_column(String(15))
    gravity: Mapped[str | None] = mapped_column(String(10))
    about_attitude: Mapped[bool] = mapped_column(Boolean, default=False)  # COMP-5: 语言/态度
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decided_by = relationship(User, foreign_keys=[decided_by_id])
    proposed_step: Mapped[int | None] = mapped_column(Integer)  # COMP-4, proposed by the app
    confirmed_step: Mapped[int | None] = mapped_column(Integer)  # COMP-4, by Leadership
    step_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    step_confirmed_by = relationship(User, foreign_keys=[step_confirmed_by_id])
    step_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    recorded_by = relationship(User, foreign_keys=[recorded_by_id])
    other_windows: Mapped[list[ComplaintWindow]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintWindow.id")

    @property
    def written(self) -> bool:
        """COMP-1/2: a letter, an online complaint, or one taken down in writing."""
        return self.channel in WRITTEN_CHANNELS or bool(self.written_record)

    def __repr__(self) -> str:
        return f"#{self.id} {self.received_on.isoformat() if self.received_on else ''}"


class ComplaintWindow(Model):
    """A further window a complaint concerns (COMP-2: two or more windows → complex)."""

    __tablename__ = "complaint_window"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    complaint: Mapped[Complaint] = relationship(back_populates="other_windows")
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"))
    window: Mapped[Window] = relationship()

    def __repr__(self) -> str:
        return str(self.window) if self.window else f"#{self.window_id}"


__all__ = ["Complaint", "ComplaintWindow", "CHANNELS", "WRITTEN_CHANNELS", "COMPLEXITIES",
           "STATES", "ANSWER_FORMS", "OUTCOMES", "GRAVITIES"]
