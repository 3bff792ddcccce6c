"""ORG-2: which windows' and people's records an actor reaches — the scopes the row filters of
app/security/ turn into SQL and the pages check for one loaded record. Pure: over the actor's
roles, Staff id and window."""

from __future__ import annotations

from app.actor import Actor
from app.roles import CLERK, WINDOW_HEAD

WINDOW_BOUND_ROLES = frozenset({WINDOW_HEAD, CLERK})


def window_scope(actor: Actor) -> int | None:
    """ORG-2: the only window whose records the actor may touch, or None for all windows.

    A clerk or window head with no window sees nothing (-1 matches no row) rather than all."""
    roles = actor.roles
    if not roles or roles - WINDOW_BOUND_ROLES:
        return None if roles else -1
    return actor.window_id if actor.staff_id is not None and actor.window_id else -1


def person_scope(actor: Actor, all_roles) -> tuple[str, int] | None:
    """ORG-2 for records of one person (外出登记, the semi-annual entries): None for the roles in
    `all_roles` (everyone), ("window", id) for a window head, ("own", staff id) for anyone
    else; a login without a Staff row reaches nothing (("own", -1))."""
    if actor.roles & all_roles:
        return None
    if actor.staff_id is None:
        return ("own", -1)
    if WINDOW_HEAD in actor.roles and actor.window_id:
        return ("window", actor.window_id)
    return ("own", actor.staff_id)


def in_person_scope(scope: tuple[str, int] | None, staff_id: int | None,
                    window_id: int | None) -> bool:
    """Whether the record of `staff_id` (at `window_id`) is within `scope` (`person_scope`)."""
    if scope is None:
        return True
    kind, value = scope
    if kind == "window":
        return window_id is not None and window_id == value
    return staff_id == value
