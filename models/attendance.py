"""考勤 — clock records, off-post records, 补签单 and the derived attendance days (ATT-1..4).

Clock records keep the instant (`clocked_at`, UTC like every timestamp) and, fixed at entry,
the center's wall-clock day and second of that day: the derivation compares them with the
work hours of the day in plain SQL on SQLite and PostgreSQL alike, without time-zone functions.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User

from models.org import Staff
from models.types import UTCDateTime, Versioned, utcnow

CLOCK_SOURCES = ("import", "office")  # from a clock export, or entered by the office
HALVES = ("am", "pm")  # 上午 / 下午
EXCUSE_REASONS = ("meeting", "errand")  # 会议 / 公务外出 (ATT-4)
EXCUSE_STATES = ("pending", "approved", "rejected")
# What a half-day of a derived attendance day is (ATT-2/3/4); "no_data": a day without any
# clock record of anyone (ATT-2), nothing derived.
HALF_STATUSES = ("ok", "late", "early", "late_early", "absent", "leave", "excused", "no_data")


class ClockImport(Model):
    """打卡导入 — one imported clock export file (ATT-1): who imported what, how many rows.

    The clock records of a file are written in bulk; this audited row is their trail (AUDIT-1).
    """

    __tablename__ = "clock_import"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)  # rows new to the database (re-imports add 0)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    imported_by = relationship(User)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClockRecord(Versioned, Model):
    """打卡记录 — one clock-in or clock-out of a staff member (ATT-1)."""

    __tablename__ = "clock_record"
    __audited__ = True
    __table_args__ = (UniqueConstraint("staff_id", "clocked_at"),
                      Index("ix_clock_record_day_staff", "day", "staff_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff: Mapped[Staff] = relationship()
    clocked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    day: Mapped[date] = mapped_column(Date)  # the center's local day of clocked_at
    second_of_day: Mapped[int] = mapped_column(Integer)  # local seconds since midnight
    source: Mapped[str] = mapped_column(String(10), default="import")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("clock_import.id"))
    note: Mapped[str | None] = mapped_column(Text)  # why the office entered or corrected it
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))


class OffPostRecord(Versioned, Model):
    """离岗记录 — time a staff member was found away from the post (inspection), ATT-3."""

    __tablename__ = "off_post_record"
    __audited__ = True
    __table_args__ = (Index("ix_off_post_record_day_staff", "day", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff: Mapped[Staff] = relationship()
    day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why the office last corrected (or removed) it; the audit trail keeps who, when, before.
    correction_note: Mapped[str | None] = mapped_column(Text)


class ClockExcuse(Versioned, Model):
    """补签单 — a missed clock-in excused by a meeting or an official errand (ATT-4); counts
    only once approved by the deputy director (Staff.position "deputy_director")."""

    __tablename__ = "clock_excuse"
    __audited__ = True
    __table_args__ = (UniqueConstraint("staff_id", "day", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff: Mapped[Staff] = relationship()
    day: Mapped[date] = mapped_column(Date, index=True)
    half: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AttendanceDay(Model):
    """考勤日 — the derived attendance of one staff member on one working day (ATT-2/3/4).

    Recomputed a month at a time (`app.services.attendance.derive_month`); never edited. The
    first/last clock seconds are kept so the month view says why ("late 08:07").
    """

    __tablename__ = "attendance_day"
    __table_args__ = (UniqueConstraint("staff_id", "day"),
                      Index("ix_attendance_day_day", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    day: Mapped[date] = mapped_column(Date)
    am_status: Mapped[str] = mapped_column(String(12))
    am_in: Mapped[int | None] = mapped_column(Integer)  # second of day of the first clock
    am_out: Mapped[int | None] = mapped_column(Integer)  # ... and of the last
    pm_status: Mapped[str] = mapped_column(String(12))
    pm_in: Mapped[int | None] = mapped_column(Integer)
    pm_out: Mapped[int | None] = mapped_column(Integer)
    late_early: Mapped[int] = mapped_column(Integer)  # late arrivals + early leaves (0..4)
    absent_days: Mapped[Decimal] = mapped_column(Numeric(3, 1))  # missing half-days × 0.5


__all__ = ["ClockImport", "ClockRecord", "OffPostRecord", "ClockExcuse", "AttendanceDay",
           "CLOCK_SOURCES", "HALVES", "EXCUSE_REASONS", "EXCUSE_STATES", "HALF_STATUSES"]
