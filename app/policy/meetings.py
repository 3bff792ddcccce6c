"""Who records meetings and who sees whose attendance (例会, MEET-1). Pure."""

from __future__ import annotations

from datetime import date

from app.actor import Actor
from app.roles import ADMIN, LEADERSHIP, OFFICE

MEETING_RECORDING_ROLES = frozenset({OFFICE, ADMIN})
MEETING_ATTENDANCE_READING_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})


def may_record_meetings(actor: Actor) -> bool:
    """MEET-1: the office generates the month's meetings, records attendance, writes minutes."""
    return bool(actor.roles & MEETING_RECORDING_ROLES)


def may_see_meeting_attendance(actor: Actor) -> bool:
    """MEET-1: the office and leadership see everyone's meeting attendance; other staff
    their own."""
    return bool(actor.roles & MEETING_ATTENDANCE_READING_ROLES)


def may_record_meeting(actor: Actor, meeting, today: date) -> bool:
    """MEET-1: the attendance sheet and the minutes of `meeting` are open to the actor now —
    the office, on or after the meeting day (the service refuses them before it)."""
    return may_record_meetings(actor) and meeting.day <= today
