"""Who registers, approves, withdraws and sees a 外出登记 (an errand or a meeting outside, AB-2,
ORG-2). Pure: over the acting person (a `CoverActor` of app/services/cover.py — user id, Staff
row read only, window head, Leadership — or an Actor for the scopes) and the registration; the
approver rule itself is app.rules.leave.may_approve_away."""

from __future__ import annotations

from app.policy.org import in_person_scope, person_scope
from app.roles import ADMIN, LEADERSHIP, OFFICE
from app.rules.leave import may_approve_away, may_register_away

AWAY_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})


def _ids(actor) -> tuple[int | None, int | None]:
    staff = actor.staff
    return (staff.id, staff.window_id) if staff is not None else (None, None)


def may_approve(registration, actor) -> bool:
    """ORG-2: `actor` approves (or rejects) this registration — the window head of the person's
    window, or Leadership; never their own (`app.rules.leave.may_approve_away`)."""
    staff_id, window_id = _ids(actor)
    return may_approve_away(staff_id, window_id, actor.window_head, actor.leadership,
                            registration.staff_id, registration.staff.window_id)


def may_register_for(person, actor) -> bool:
    """AB-2: `actor` registers an errand of `person` (their own, or as its approver)."""
    staff_id, window_id = _ids(actor)
    return may_register_away(staff_id, window_id, actor.window_head, actor.leadership,
                             person.id, person.window_id)


def may_cancel(registration, actor) -> bool:
    """The person, whoever registered it, or its approver withdraws a registration."""
    staff_id, _ = _ids(actor)
    return ((staff_id is not None and staff_id == registration.staff_id)
            or (actor.user_id is not None and actor.user_id == registration.filed_by_id)
            or may_approve(registration, actor))


def away_scope(actor) -> tuple[str, int] | None:
    """ORG-2 for 外出登记 and the cover page: None (Office, Leadership, Admin: every window),
    ("window", id) for a window head, ("own", staff id) for anyone else; no Staff row: nothing."""
    return person_scope(actor, AWAY_ALL_ROLES)


def may_see_away_registration(actor, registration) -> bool:
    """`away_scope` for one loaded registration."""
    return in_person_scope(away_scope(actor), registration.staff_id,
                           registration.staff.window_id)
