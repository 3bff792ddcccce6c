"""Organisation (ORG-1): the center, its windows and its staff."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User

from models.types import Versioned

# Where a staff member belongs (ORG-1): one window, or one of the center's own units.
STAFF_UNITS = ("window", "office", "section", "leadership")
# SCORE-6 grades differ for civil servants and public-institution staff.
STAFF_CATEGORIES = ("civil_servant", "institution", "other")
# 职务 — what a person may approve (LEAVE-2, ATT-4), whatever login role they have: director 主任,
# deputy director 副主任, head of the general office 综合科负责人, party secretary 书记, town head 镇长.
POSITIONS = ("director", "deputy_director", "office_head", "secretary", "town_head", "staff")


class Center(Versioned, Model):
    """便民服务中心 — the service center itself (ORG-1).

    Its time zone is the CENTER_TIMEZONE setting (config.py), the one place dates and
    deadlines take it from; a per-center field that nothing read was dropped (migration 0008).
    """

    __tablename__ = "center"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    service_phone: Mapped[str | None] = mapped_column(String(30))
    complaint_phone: Mapped[str | None] = mapped_column(String(30))  # GUIDE-1
    opening_hours: Mapped[str | None] = mapped_column(String(200))

    def __repr__(self) -> str:
        return self.name


class Window(Versioned, Model):
    """窗口 — one service window, staffed by one stationed department (ORG-1)."""

    __tablename__ = "window"
    __audited__ = True
    __table_args__ = (UniqueConstraint("center_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id"))
    center: Mapped[Center] = relationship()
    number: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100))  # 进驻部门
    description: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"{self.number} {self.name}"


class Staff(Versioned, Model):
    """工作人员 — a person working in the center, linked to a login user (ORG-1)."""

    __tablename__ = "staff"
    __audited__ = True
    __personal_fields__ = {"phone": "phone"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    employee_no: Mapped[str | None] = mapped_column(String(30), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), unique=True)
    user = relationship(User)  # FAB's login user (ab_user)
    unit: Mapped[str] = mapped_column(String(20), default="window")
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"), index=True)
    window: Mapped[Window | None] = relationship()
    position: Mapped[str] = mapped_column(String(20), default="staff", server_default="staff")
    category: Mapped[str] = mapped_column(String(20), default="civil_servant")
    phone: Mapped[str | None] = mapped_column(String(30))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # ATT-2: clocks in and out (打卡). Leadership does not: its attendance is derived only for a
    # month in which it has clock records (migration 0021 set it off for the leadership unit
    # and the leadership positions; editable on the staff form).
    clocks_in: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # SCORE-5: assessed elsewhere (the center's leadership, assessed by the town): no entry in
    # the semi-annual assessment, so not on its grade list nor in its 优秀 share. Migration 0027
    # set it for the leadership unit; an administrator changes it on the staff form.
    assessed_elsewhere: Mapped[bool] = mapped_column(Boolean, default=False,
                                                     server_default=false())

    @validates("employee_no")
    def _blank_number_is_none(self, _key, value):
        """A blank employee number is no number: stored as NULL, so several staff without one
        do not collide on the unique constraint (forms and imports send "")."""
        value = value.strip() if isinstance(value, str) else value
        return value or None

    def __repr__(self) -> str:
        return self.name


class Post(Versioned, Model):
    """岗位 — a post of a window (or of the office) with its A (primary) and B (backup) staff (AB-1).

    AB-1: A and B of one post are not away on the same working day; AB-2: while A is on leave,
    B handles A's open cases. Migration 0010 made these rows from the old free-text `staff.post`.
    """

    __tablename__ = "post"
    __audited__ = True
    __table_args__ = (UniqueConstraint("window_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"), index=True)
    window: Mapped[Window | None] = relationship()
    name: Mapped[str] = mapped_column(String(100))
    a_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    a_staff: Mapped[Staff | None] = relationship(foreign_keys=[a_staff_id])
    b_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    b_staff: Mapped[Staff | None] = relationship(foreign_keys=[b_staff_id])

    def __repr__(self) -> str:
        return f"{self.window.number} {self.name}" if self.window else self.name


__all__ = ["Center", "Window", "Staff", "Post", "STAFF_UNITS", "STAFF_CATEGORIES", "POSITIONS"]
