"""Column types shared by the domain models."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware instant stored as UTC.

    SQLite keeps no offset, PostgreSQL keeps it; storing naive UTC on both and handing back
    aware UTC values keeps comparisons and the center's-time-zone display identical on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            # Only search forms hand in naive values (FAB parses "2026-11-01 00:00:00"): the
            # user typed the center's wall-clock time.
            value = value.replace(tzinfo=center_zone())
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def center_zone() -> ZoneInfo:
    """The center's time zone, from the same setting as the app config (CENTER_TIMEZONE)."""
    return ZoneInfo(os.environ.get("CENTER_TIMEZONE", "Asia/Shanghai"))


def utcnow() -> datetime:
    """The current instant, aware (the default of every timestamp column)."""
    return datetime.now(timezone.utc)


class Versioned:
    """A row that two people may edit at once: its `version` goes up by one on every UPDATE
    and the UPDATE/DELETE matches only the version it read (SQLAlchemy `version_id_col`), so
    the second of two concurrent writers fails (StaleDataError) instead of silently
    overwriting the first (issue #9: lost updates, double case transitions). Forms and API
    calls carry the version they were opened with (app/services/transaction.check_version).
    """

    # server_default: rows that existed before migration 0006, and rows the demo bulk
    # loader inserts with Core, start at 1 like ORM inserts.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):  # noqa: N805 — declarative directive, called with the class
        return {"version_id_col": cls.__table__.c.version}
