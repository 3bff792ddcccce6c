"""Who reads which case and its applicant's personal data (ORG-2, AB-2, PRIV-1). Pure."""

from __future__ import annotations

from app.actor import Actor
from app.policy.org import window_scope
from app.roles import LEADERSHIP, OFFICE, ROLES

CASE_READING_ROLES = frozenset(ROLES)
PERSONAL_DATA_ROLES = frozenset({OFFICE, LEADERSHIP})


def may_read_cases(actor: Actor) -> bool:
    """ORG-2: every staff role reads cases (its own window's or all of them); the public and a
    user without a product role do not, so their home page shows no case counts."""
    return bool(actor.roles & CASE_READING_ROLES)


def may_reach_case(actor: Actor, case, covered: bool = False) -> bool:
    """ORG-2 + AB-2 for one loaded case: the actor's window's, or one they cover as B
    (`covered`, app/services/cover.py) — the Python twin of the row filter."""
    scope = window_scope(actor)
    return scope is None or case.window_id == scope or covered


def may_see_personal_data(actor: Actor, window_id: int | None = None,
                          covered: bool = False) -> bool:
    """PRIV-1: staff of the record's window, Office and Leadership see personal data in full.

    AB-2: so does B on a case of A's that B covers (`covered`): B works the case in A's place
    and must reach the applicant; the masking returns with the cover's end."""
    if actor.roles & PERSONAL_DATA_ROLES:
        return True
    if window_id and actor.staff_id is not None and actor.window_id == window_id:
        return True
    return covered
