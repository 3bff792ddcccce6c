"""Who records, decides and escalates a 投诉 (complaint, COMP-1..4). Pure."""

from __future__ import annotations

from app.actor import Actor
from app.roles import ADMIN, LEADERSHIP, OFFICE
from app.rules.complaints import is_complex, may_decide_outcome

COMPLAINT_RECORDING_ROLES = frozenset({OFFICE, ADMIN})
ESCALATION_CONFIRMING_ROLES = frozenset({LEADERSHIP, ADMIN})
# COMP-2/3: the roles holding Complaint "write" (answer, decide); complex ones: the director.
COMPLAINT_DECIDING_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})


def may_record_complaints(actor: Actor) -> bool:
    """COMP-1: the general office records every complaint."""
    return bool(actor.roles & COMPLAINT_RECORDING_ROLES)


def may_confirm_escalation(actor: Actor) -> bool:
    """COMP-4: the app proposes the step; Leadership confirms it."""
    return bool(actor.roles & ESCALATION_CONFIRMING_ROLES)


def complaint_is_complex(complaint) -> bool:
    """COMP-2: complex by its recorded complexity, or concerning two or more windows."""
    others = sum(1 for row in complaint.other_windows if row.window_id != complaint.window_id)
    return is_complex(complaint.complexity, others)


def may_decide_complaint(actor: Actor, complaint) -> bool:
    """COMP-2: who may post a complaint's outcome — the complaint writers (Office, Leadership)
    for a simple one, only the center's director (Staff.position) for a complex one (the
    service asks the same rule: app.services.complaints.check_outcome_decider)."""
    if not actor.roles & COMPLAINT_DECIDING_ROLES:
        return False
    return may_decide_outcome(complaint_is_complex(complaint), actor.position)


def may_confirm_complaint_step(actor: Actor, complaint) -> bool:
    """COMP-4: Leadership confirms the proposed step of a verified complaint about a staff
    member, once."""
    return (may_confirm_escalation(actor) and complaint.outcome == "verified"
            and complaint.staff_id is not None and not complaint.confirmed_step)
