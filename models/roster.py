"""值班 — the duty rota (ROSTER-1/2): the group order, the duty days, substitutes, duty logs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User

from models.org import Staff
from models.types import UTCDateTime, Versioned


class DutyOrder(Versioned, Model):
    """值班顺序 — one place in the duty group order (按组次序依次轮流, ROSTER-1)."""

    __tablename__ = "duty_order"
    __audited__ = True
    __table_args__ = (UniqueConstraint("staff_id"), UniqueConstraint("position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff: Mapped[Staff] = relationship()

    def __repr__(self) -> str:
        return f"{self.position}. {self.staff}"


class DutyShift(Versioned, Model):
    """值班 — one person on duty on one day (ROSTER-1), their substitute (代班) arranged in
    advance and the duty log (值班日志) written by whoever was on duty (ROSTER-2).

    The duty log is part of the shift (one log per person on duty): a past shift without
    `log_written_at` is a missing log.
    """

    __tablename__ = "duty_shift"
    __audited__ = True
    __table_args__ = (UniqueConstraint("day", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    # ROSTER-2 代班: arranged before the day (or on the day before the hall opens).
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    substitute: Mapped[Staff | None] = relationship(foreign_keys=[substitute_id])
    substitute_arranged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    substitute_arranged_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    substitute_arranged_by = relationship(User, foreign_keys=[substitute_arranged_by_id])
    # ROSTER-2 值班日志: what the duty person did.
    log_opened_hall: Mapped[bool] = mapped_column(Boolean, default=False)
    log_closed_up: Mapped[bool] = mapped_column(Boolean, default=False)  # lights, air-con, windows
    log_cleaning_supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    log_note: Mapped[str | None] = mapped_column(Text)
    log_written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    log_written_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    log_written_by = relationship(User, foreign_keys=[log_written_by_id])
    # Whose log it is: the duty person or the substitute; `log_on_behalf` when the Office
    # entered it for someone without a login.
    log_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    log_staff: Mapped[Staff | None] = relationship(foreign_keys=[log_staff_id])
    log_on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def on_duty(self) -> Staff:
        """Who is actually on duty: the substitute when one is arranged (ROSTER-2)."""
        return self.substitute or self.staff

    @property
    def has_log(self) -> bool:
        return self.log_written_at is not None

    def __repr__(self) -> str:
        return f"{self.day.isoformat()} {self.staff}"


__all__ = ["DutyOrder", "DutyShift"]
