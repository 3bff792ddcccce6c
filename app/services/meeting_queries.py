"""会议查询 — the reads of the meeting pages (MEET-1)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.meetings import MeetingAttendance


def attendance_of(session: Session, staff_id: int,
                  meeting_ids: Iterable[int]) -> dict[int, MeetingAttendance]:
    """MEET-1: one staff member's attendance row at each of `meeting_ids` that has one, by
    meeting id."""
    meeting_ids = list(meeting_ids)
    if not meeting_ids:
        return {}
    rows = session.scalars(select(MeetingAttendance).where(
        MeetingAttendance.staff_id == staff_id, MeetingAttendance.meeting_id.in_(meeting_ids)))
    return {row.meeting_id: row for row in rows}


__all__ = ["attendance_of"]
