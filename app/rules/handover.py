"""工作交接 — who may confirm a handover, and when it is valid (HAND-1). Pure: no session."""

from __future__ import annotations

from app.rules.errors import N_, RuleViolation

GIVER, RECEIVER = "giver", "receiver"  # 移交人, 接交人
SIDES = (GIVER, RECEIVER)


def check_confirmation(side: str, side_user_id: int | None, actor_user_id: int | None,
                       actor_is_office: bool, already_confirmed: bool) -> bool:
    """HAND-1: the giver and the receiver each confirm as their own user; nobody confirms for
    someone else (not the office, not an administrator) — except that the general office
    confirms for a staff member who has no login. Returns whether it is such a confirmation
    on behalf (recorded as such); raises RuleViolation otherwise."""
    if side not in SIDES:
        raise RuleViolation("HAND-1", N_("Confirm as the giver or as the receiver."), field="side")
    if already_confirmed:
        raise RuleViolation("HAND-1", N_("This side of the handover is already confirmed."),
                            field="side")
    if side_user_id is not None:
        if actor_user_id != side_user_id:
            raise RuleViolation("HAND-1", N_("Each party confirms a handover as their own user; "
                                             "no one can confirm it for them."), field="side")
        return False
    if not actor_is_office:
        raise RuleViolation("HAND-1", N_("This staff member has no login: the general office "
                                         "confirms on their behalf."), field="side")
    return True


def check_editable(giver_confirmed: bool, receiver_confirmed: bool) -> None:
    """HAND-1: what one party has confirmed is no longer changed under them."""
    if giver_confirmed or receiver_confirmed:
        raise RuleViolation("HAND-1", N_("A confirmed handover can no longer be changed."))


def check_parties(giver_id: int | None, receiver_id: int | None) -> None:
    """HAND-1: a handover goes from one staff member to another."""
    if giver_id is None:
        raise RuleViolation("HAND-1", N_("Choose the giver."), field="giver_id")
    if receiver_id is None:
        raise RuleViolation("HAND-1", N_("Choose the receiver."), field="receiver_id")
    if giver_id == receiver_id:
        raise RuleViolation("HAND-1", N_("The giver and the receiver must be different people."),
                            field="receiver_id")


def is_valid(giver_confirmed: bool, receiver_confirmed: bool) -> bool:
    """HAND-1: valid only when both the giver and the receiver have confirmed."""
    return giver_confirmed and receiver_confirmed
