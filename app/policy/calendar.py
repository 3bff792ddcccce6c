"""Who keeps the calendar: the year schedule's warnings go to those who can act on them
(Calendar / CASE-3). Pure."""

from __future__ import annotations

from app.actor import Actor
from app.roles import ADMIN, OFFICE

CALENDAR_KEEPING_ROLES = frozenset({ADMIN, OFFICE})


def sees_calendar_warnings(actor: Actor) -> bool:
    """Calendar / CASE-3: administrators and the office are warned of a year without its
    official holiday schedule (they enter it under System → Year schedule)."""
    return bool(actor.roles & CALENDAR_KEEPING_ROLES)


def may_keep_calendar(actor: Actor) -> bool:
    """Calendar / CASE-3: administrators and the office enter a year's schedule (the page's
    "write" on Holiday); asked again when its background job runs (issue #21)."""
    return bool(actor.roles & CALENDAR_KEEPING_ROLES)
