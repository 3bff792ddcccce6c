"""请假 — leave requests and their notifications (RULES.md §7 LEAVE-1..4, AB-1)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User

from models.org import Staff
from models.types import UTCDateTime, Versioned, utcnow

# LEAVE-1: 事假, 病假 (needs a certificate), 婚假, 丧假, 年休假.
LEAVE_KINDS = ("personal", "sick", "marriage", "bereavement", "annual")
# pending → approved / rejected by the routed approver (LEAVE-2); cancelled by the requester;
# approved → revoked (已撤销（骗假）) when found obtained by deception (LEAVE-1, ATT-3).
REVOKED = "revoked"
LEAVE_STATES = ("pending", "approved", "rejected", "cancelled", REVOKED)


class LeaveRequest(Versioned, Model):
    """请假 — one staff member's leave request, routed to its approver (LEAVE-1/2/3).

    `half_day_start`: only the afternoon of `start_day` is taken; `half_day_end`: only the
    morning of `end_day`. An approved leave runs from `start_day` until the person reports back
    (销假, `reported_back_on`, LEAVE-3); B covers A's cases meanwhile (AB-2).
    """

    __tablename__ = "leave_request"
    __audited__ = True
    __table_args__ = (
        Index("ix_leave_request_staff_state", "staff_id", "state"),
        Index("ix_leave_request_state_days", "state", "start_day", "end_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    kind: Mapped[str] = mapped_column(String(20))
    start_day: Mapped[date] = mapped_column(Date)
    end_day: Mapped[date] = mapped_column(Date)
    half_day_start: Mapped[bool] = mapped_column(Boolean, default=False)
    half_day_end: Mapped[bool] = mapped_column(Boolean, default=False)
    days: Mapped[Decimal] = mapped_column(Numeric(5, 1))  # working days (LEAVE-1)
    reason: Mapped[str | None] = mapped_column(Text)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)  # phoned in, written afterwards
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # 顶岗人
    substitute: Mapped[Staff | None] = relationship(foreign_keys=[substitute_id])
    approver_position: Mapped[str] = mapped_column(String(20))  # LEAVE-2
    state: Mapped[str] = mapped_column(String(12), default="pending")
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    filed_by = relationship(User, foreign_keys=[filed_by_id])
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decided_by = relationship(User, foreign_keys=[decided_by_id])
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    ab_override_reason: Mapped[str | None] = mapped_column(Text)  # AB-1: Leadership's reason
    ab_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    ab_override_by = relationship(User, foreign_keys=[ab_override_by_id])
    ab_override_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_back_on: Mapped[date | None] = mapped_column(Date)  # 销假 (LEAVE-3)
    reported_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certificate_path: Mapped[str | None] = mapped_column(String(255))  # sick leave (LEAVE-1)
    certificate_name: Mapped[str | None] = mapped_column(String(200))
    certificate_type: Mapped[str | None] = mapped_column(String(50))
    # LEAVE-3: working days after end_day before reporting back, without a reason (absence,
    # ATT-3); the afternoon of an end day that ended at noon counts ½ (app.rules.leave.overstay).
    overstay_days: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    report_back_reason: Mapped[str | None] = mapped_column(Text)
    handover_note: Mapped[str | None] = mapped_column(Text)  # free text; HAND-1 rows link by id
    # LEAVE-1 / ATT-3: revoked as obtained by deception — by whom, when and why; its days taken
    # are absence (app.services.leave.revoke_leave).
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    revoked_by = relationship(User, foreign_keys=[revoked_by_id])
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"{self.staff} {self.start_day.isoformat()}–{self.end_day.isoformat()}"


FILED = "filed"  # LEAVE-1: a leave filed on someone's behalf, made known to them
NOTIFICATION_EVENTS = ("approved", REVOKED, FILED)


class LeaveNotification(Model):
    """知会 — a leave over 3 days is reported to the town head (LEAVE-2); a leave filed on
    someone's behalf is made known to that person (LEAVE-1): `recipient_position` "requester"
    and `recipient_staff_id` them, `read_at` when they acknowledged it."""

    __tablename__ = "leave_notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    leave_request_id: Mapped[int] = mapped_column(ForeignKey("leave_request.id"), index=True)
    leave_request: Mapped[LeaveRequest] = relationship()
    recipient_position: Mapped[str] = mapped_column(String(20))
    # What the recipient is told of: the leave granted, revoked, or filed on their behalf
    # (LEAVE-1, NOTIFICATION_EVENTS).
    event: Mapped[str] = mapped_column(String(10), default="approved", server_default="approved")
    recipient_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    recipient_staff: Mapped[Staff | None] = relationship(foreign_keys=[recipient_staff_id])
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# AB-2 外出登记: out on an official errand (公务外出) or at a meeting outside (外出开会).
AWAY_REASONS = ("errand", "meeting")
# pending → approved / rejected by the window head (ORG-2); cancelled by whoever registered it.
AWAY_STATES = ("pending", "approved", "rejected", "cancelled")


class AwayRegistration(Versioned, Model):
    """外出登记 — a staff member out of the center on an official errand or at a meeting on a
    day's morning and/or afternoon (AB-2): while approved, the person is away those half-days
    (app/services/away.py) and the B of their posts covers their queue. Recorded by the window
    head for their own window (approved at once) or by the person (pending until the window
    head approves it, ORG-2); a window head's own by Leadership."""

    __tablename__ = "away_registration"
    __audited__ = True
    __table_args__ = (Index("ix_away_registration_day_state", "day", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    day: Mapped[date] = mapped_column(Date)
    am: Mapped[bool] = mapped_column(Boolean, default=False)  # 上午
    pm: Mapped[bool] = mapped_column(Boolean, default=False)  # 下午
    reason: Mapped[str] = mapped_column(String(10))  # AWAY_REASONS
    note: Mapped[str | None] = mapped_column(Text)  # where, what for
    state: Mapped[str] = mapped_column(String(12), default="pending")
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    filed_by = relationship(User, foreign_keys=[filed_by_id])
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decided_by = relationship(User, foreign_keys=[decided_by_id])
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"{self.staff} {self.day.isoformat()}"


__all__ = ["LeaveRequest", "LeaveNotification", "AwayRegistration", "LEAVE_KINDS",
           "LEAVE_STATES", "REVOKED", "FILED", "NOTIFICATION_EVENTS", "AWAY_REASONS", "AWAY_STATES"]
