"""ORG-2: which windows' and people's records an actor reaches — the scopes the row filters of
app/security/ turn into SQL and the pages check for one loaded record. Pure: over the actor's
roles, Staff id and window."""

from __future__ import annotations

from app.actor import Actor
from app.roles import ADMIN, CLERK, WINDOW_HEAD
from app.rules.errors import N_, RuleViolation
from app.rules.leave import APPROVER_POSITIONS

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


# --- ORG-2: a staff row's login and position decide who signs and who approves ---------------
# HAND-1 and ROSTER-2 let the office act for a staff member *without* a login; LEAVE-2 and
# ATT-4 route approvals by Staff.position. Who edits staff rows (the office: Staff, IMPORT-1)
# could otherwise unlink a colleague's login and sign for them, or make a colleague (or
# themselves) an approver (issue #18: four eyes). Only Admin, who keeps the logins and roles,
# does either.
STAFF_LINKING_ROLES = frozenset({ADMIN})
# SCORE-5: who marks a staff member as assessed elsewhere (the grade list's seats).
ASSESSED_ELSEWHERE_ROLES = frozenset({ADMIN})
# LEAVE-2 / ATT-4: the positions that approve something (the town head is only informed).
APPROVING_POSITIONS = frozenset().union(*APPROVER_POSITIONS.values(), {"deputy_director"})


def staff_change_violation(old_user_id, new_user_id, old_position, new_position,
                           roles, user_id: int | None = None, new_row: bool | None = None):
    """ORG-2 (LEAVE-2, ATT-4, HAND-1): only an administrator links a login to a staff row or
    removes it, and only an administrator changes the position of a staff row — anyone's,
    their own included: a position decides what its holder approves, so whoever edits staff
    rows could otherwise grant approval rights alone (issue #18). A new row (the office's
    form, API or import) may name any position: it has no login, and the login that brings
    the position's rights is linked by an administrator. LEAVE-2 names a change to or from an
    approving position, ORG-2 any other. The RuleViolation to refuse the change with, or
    None. `new_row` defaults to "no position before" (old_position None). `roles`: the acting
    user's role names."""
    if set(roles) & STAFF_LINKING_ROLES:
        return None
    if old_user_id != new_user_id:
        return RuleViolation("ORG-2", N_("Only an administrator links a login to a staff member "
                                         "or removes it."), field="user")
    new_row = old_position is None if new_row is None else new_row
    if not new_row and old_position != new_position:
        rule = "LEAVE-2" if {old_position, new_position} & APPROVING_POSITIONS else "ORG-2"
        return RuleViolation(rule, N_("Only an administrator changes a staff member's position: "
                                      "it decides what they approve."), field="position")
    return None


def may_mark_assessed_elsewhere(actor: Actor) -> bool:
    """SCORE-5: only an administrator marks who is assessed elsewhere (it decides who is on the
    grade list and how many 优秀 seats there are)."""
    return bool(actor.roles & ASSESSED_ELSEWHERE_ROLES)
