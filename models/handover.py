"""工作交接 — handovers from a giver to a receiver with the giver's unfinished cases (HAND-1)."""

from __future__ import annotations

from datetime import date, datetime

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.cases import Case
from models.leave import LeaveRequest
from models.org import Staff
from models.types import UTCDateTime, Versioned, utcnow


class Handover(Versioned, Model):
    """工作交接清单 — items, documents and tasks, and a list of unfinished cases, handed over by
    the giver (移交人) to the receiver (接交人), e.g. A to B before A's leave (AB-2, LEAVE-1).

    HAND-1: valid only when both have confirmed, each as their own user; a staff member without
    login is confirmed for by the general office (`*_on_behalf`). Confirmed content is frozen.
    """

    __tablename__ = "handover"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)  # 移交人
    giver: Mapped[Staff] = relationship(foreign_keys=[giver_id])
    receiver_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)  # 接交人
    receiver: Mapped[Staff] = relationship(foreign_keys=[receiver_id])
    leave_request_id: Mapped[int | None] = mapped_column(ForeignKey("leave_request.id"), index=True)
    leave_request: Mapped[LeaveRequest | None] = relationship()
    items: Mapped[str | None] = mapped_column(Text)  # 交接事项
    documents: Mapped[str | None] = mapped_column(Text)  # 文件资料
    tasks: Mapped[str | None] = mapped_column(Text)  # 待办工作
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    giver_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    giver_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    giver_confirmed_by: Mapped[User | None] = relationship(foreign_keys=[giver_confirmed_by_id])
    giver_on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    receiver_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receiver_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    receiver_confirmed_by: Mapped[User | None] = relationship(foreign_keys=[receiver_confirmed_by_id])
    receiver_on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    cases: Mapped[list[HandoverCase]] = relationship(
        back_populates="handover", cascade="all, delete-orphan", order_by="HandoverCase.id")

    def __repr__(self) -> str:
        return f"{self.giver.name} → {self.receiver.name}" if self.giver and self.receiver \
            else f"#{self.id}"


class HandoverCase(Model):
    """One unfinished case on a handover list, as it stood when listed (number, item,
    deadline copied), with the giver's note on what remains to do (HAND-1)."""

    __tablename__ = "handover_case"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handover.id"), index=True)
    handover: Mapped[Handover] = relationship(back_populates="cases")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("service_case.id"), index=True)
    case: Mapped[Case | None] = relationship()
    number: Mapped[str] = mapped_column(String(30))
    item_name: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return self.number


__all__ = ["Handover", "HandoverCase"]
