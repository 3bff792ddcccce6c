"""Which home dashboard each actor gets (issue #12): each shows only what its role already
reads (ORG-2). Pure."""

from __future__ import annotations

from app.actor import Actor
from app.roles import ADMIN, CLERK, LEADERSHIP, OFFICE, WINDOW_HEAD

CENTER_DASHBOARD_ROLES = frozenset({LEADERSHIP, OFFICE, ADMIN})


def home_dashboard_kind(actor: Actor) -> str | None:
    """The home dashboard of the actor: "center" (Leadership, Office, Admin: the whole center),
    "window" (a window head: their window), "clerk" (their own queue and this month's score),
    or None (no dashboard: the plain counters)."""
    if actor.roles & CENTER_DASHBOARD_ROLES:
        return "center"
    if WINDOW_HEAD in actor.roles:
        return "window"
    if CLERK in actor.roles:
        return "clerk"
    return None
