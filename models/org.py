"""Organisation (ORG-1): the center, its windows and its staff."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User

from models.types import Versioned

# Where a staff member belongs (ORG-1): one window, or one of the center's own units.
STAFF_UNITS = ("window", "office", "section", "leadership")
# SCORE-6 grades differ for civil servants and public-institution staff.
STAFF_CATEGORIES = ("civil_servant", "institution", "other")


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
    post: Mapped[str | None] = mapped_column(String(100))  # 岗位
    category: Mapped[str] = mapped_column(String(20), default="civil_servant")
    phone: Mapped[str | None] = mapped_column(String(30))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return self.name


__all__ = ["Center", "Window", "Staff", "STAFF_UNITS", "STAFF_CATEGORIES"]
