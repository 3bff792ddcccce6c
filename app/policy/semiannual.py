"""Who runs, confirms and sees the 半年考核 (semi-annual assessment, SCORE-5/6). Pure."""

from __future__ import annotations

from app.actor import Actor
from app.policy.org import in_person_scope, person_scope
from app.roles import ADMIN, LEADERSHIP, OFFICE

SEMIANNUAL_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})
SEMIANNUAL_OFFICE_ROLES = frozenset({OFFICE, ADMIN})
SEMIANNUAL_CONFIRMING_ROLES = frozenset({LEADERSHIP})  # as months: results are Leadership's (SCORE-3)
REPORT_ROLES = frozenset({LEADERSHIP, OFFICE, ADMIN})


def may_manage_semiannual(actor: Actor) -> bool:
    """SCORE-5: the office opens and computes the assessment, enters 德/能, accuracy, 廉,
    innovation and praise."""
    return bool(actor.roles & SEMIANNUAL_OFFICE_ROLES)


def may_confirm_semiannual(actor: Actor) -> bool:
    """SCORE-6: Leadership confirms the grades (then frozen)."""
    return bool(actor.roles & SEMIANNUAL_CONFIRMING_ROLES)


def may_print_reports(actor: Actor) -> bool:
    """Issue #12: Leadership and the office print the monthly notice and the grade list PDF."""
    return bool(actor.roles & REPORT_ROLES)


def semiannual_scope(actor: Actor) -> tuple[str, int] | None:
    """ORG-2 for the semi-annual entries: None (Office, Leadership, Admin: everyone),
    ("window", id) for a window head, else ("own", staff id) — a clerk or section head sees
    their own entry only; a login without a Staff row sees nothing (("own", -1))."""
    return person_scope(actor, SEMIANNUAL_ALL_ROLES)


def may_see_semiannual_entry(actor: Actor, entry) -> bool:
    """The Python twin of `semiannual_scope` for one loaded entry."""
    return in_person_scope(semiannual_scope(actor), entry.staff_id,
                           entry.staff.window_id if entry.staff is not None else None)
