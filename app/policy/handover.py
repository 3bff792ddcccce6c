"""Who registers and who confirms a 交接 (handover, HAND-1). Pure; which side a person may
confirm is the rule of app/rules/handover.py."""

from __future__ import annotations

from app.actor import Actor
from app.roles import ADMIN, LEADERSHIP, OFFICE

HANDOVER_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})
# Office registers handovers for anyone (and confirms for staff without login, app/rules/handover).
HANDOVER_OFFICE_ROLES = frozenset({OFFICE, ADMIN})


def may_create_handover_for(actor: Actor, giver_id: int | None) -> bool:
    """HAND-1: the giver registers their own handover; the general office anyone's."""
    if actor.roles & HANDOVER_OFFICE_ROLES:
        return True
    return actor.staff_id is not None and giver_id is not None and actor.staff_id == giver_id


def confirms_for_staff_without_login(actor: Actor) -> bool:
    """HAND-1: only the general office confirms on behalf of a staff member without login
    (Admin confirms for nobody: a signature is a person's, not a superuser's)."""
    return OFFICE in actor.roles
