"""Column types shared by the domain models."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
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
