"""Account lockout after repeated wrong passwords (SEC-2, issue #9)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from flask_appbuilder import Model

from models.types import UTCDateTime, utcnow


class LoginLock(Model):
    """登录锁定 — an account locked after too many wrong passwords in a row (SEC-2).

    A row of its own rather than a column on FAB's `ab_user`: FAB owns that table, and a row
    created and deleted is what the audit trail records as "locked" and "unlocked".
    """

    __tablename__ = "login_lock"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), unique=True)
    username: Mapped[str] = mapped_column(String(100))
    failures: Mapped[int] = mapped_column()
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)
