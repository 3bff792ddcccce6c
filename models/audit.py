"""The audit trail (AUDIT-1): who changed what, when, before and after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from flask_appbuilder import Model

from models.types import UTCDateTime, utcnow


class AuditLog(Model):
    """审计日志 — one create, update or delete of an audited record (AUDIT-1)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_model_record", "model", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column()
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(10))  # create / update / delete
    model: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(60))
    changes: Mapped[str] = mapped_column(Text)  # JSON: {field: [before, after]}
