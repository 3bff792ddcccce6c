"""Who acts and when: the two values every use case is given (issue #17).

A leaf module: it imports nothing from the app, so rules, policies, services, views, the API,
the CLI and the demo generator can all name these types without pulling anything in. The
request builds them once (`app/request_context.py`); the CLI and the demo build their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Actor:
    """Who acts: the login user and, when there is one, their Staff row.

    `roles`, `window_id` and `position` are what the policies of `app/policy/` decide on; the
    request fills them from the user and their Staff row, a command or a test may leave them
    empty (a command's actor is not a person)."""

    username: str
    user_id: int | None = None
    staff_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset, compare=False)
    window_id: int | None = field(default=None, compare=False)
    position: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Clock:
    """The instant of an action and its day in the center's time zone."""

    now: datetime
    today: date

    @classmethod
    def at(cls, now: datetime) -> "Clock":
        """The clock of an aware instant already in the center's time zone."""
        return cls(now=now, today=now.date())
