"""Who may do what with a leave request (请假, LEAVE-1..4, ATT-3, PRIV-1): pure functions over
the acting Staff row (read only), their login id and role flags, and the request."""

from __future__ import annotations

from app.roles import ADMIN, LEADERSHIP, OFFICE
from app.rules.leave import APPROVER_POSITIONS, route_approver

LEAVE_OVERSIGHT_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})


def deciding_slot(leave, holders) -> str:
    """LEAVE-2 with LEAVE-1, at decision time: the approver slot that decides `leave` now.

    `holders` are (position, staff id, login id) of the center's active staff in approver
    positions, read now. The slot the request was routed to at filing while someone there may
    decide it — anyone but the person taking the leave and whoever filed it. When its holders
    changed since so that nobody there may (the free holder left the post; the requester or
    the filer became its only holder), the slot `route_approver` gives with today's holders:
    the same one-level-up fallback as at filing, so the request never waits for nobody and
    never for its requester or filer. A slot nobody holds stays its slot (a vacancy: the
    request waits for the appointment, as at filing)."""
    held = {position for position, _staff_id, _user_id in holders}
    free = {position for position, staff_id, user_id in holders
            if staff_id != leave.staff_id
            and (leave.filed_by_id is None or user_id != leave.filed_by_id)}
    return route_approver(leave.approver_position, held, free)


def may_decide_leave(leave, staff, holders=None) -> bool:
    """LEAVE-2: only a staff member whose position holds the request's approver slot approves
    or rejects it — by position, not by login role — and never their own request. The slot is
    the routed one; given the current `holders` (see `deciding_slot`), the one deciding it
    now. (LEAVE-1: whoever filed it for someone else is refused by the service and the page.)"""
    if staff is None or leave is None or staff.id == leave.staff_id:
        return False
    slot = leave.approver_position if holders is None else deciding_slot(leave, holders)
    return staff.position in APPROVER_POSITIONS.get(slot, frozenset())


def may_revoke_leave(leave, staff, leadership: bool) -> bool:
    """LEAVE-1 / ATT-3: an approved leave found obtained by deception is revoked by its
    approver — a holder of its approver position, as `may_decide_leave` — or by Leadership;
    never by the person whose leave it is."""
    if leave is None or (staff is not None and staff.id == leave.staff_id):
        return False
    return leadership or may_decide_leave(leave, staff)


def _is_requester(leave, staff, user_id) -> bool:
    return bool((staff is not None and staff.id == leave.staff_id)
                or (user_id is not None and leave.filed_by_id == user_id))


def may_cancel_leave(leave, staff, user_id) -> bool:
    """A pending request is cancelled by its requester (or whoever filed it for them)."""
    return _is_requester(leave, staff, user_id)


def may_report_back(leave, staff, office: bool) -> bool:
    """LEAVE-3 销假: the staff member reports back, or the general office on their behalf."""
    return office or (staff is not None and staff.id == leave.staff_id)


def may_excuse_overstay(leave, staff, office: bool) -> bool:
    """LEAVE-3 / ATT-3 逾期理由: the general office, to whom staff report back, accepts the reason
    of a late return at the 销假 (the days are then leave, not absence) — never for its own
    leave. Staff reporting back themselves give no such reason."""
    return office and not (staff is not None and staff.id == leave.staff_id)


def may_attach_certificate(leave, staff, user_id, office: bool) -> bool:
    """LEAVE-1: the requester (or the office filing for them) adds the sick-leave certificate."""
    return office or _is_requester(leave, staff, user_id)


def may_oversee_leave(roles) -> bool:
    """Office and Leadership see every leave request, the yearly flags and all certificates."""
    return bool(set(roles) & LEAVE_OVERSIGHT_ROLES)


def may_see_leave(leave, staff, roles, user_id=None) -> bool:
    """PRIV-1 for leave: the requester, the users of its approver position, Office and
    Leadership see a request (its reason, its certificate); clerks see only who is away."""
    if may_oversee_leave(roles):
        return True
    if staff is not None and (staff.id == leave.staff_id
                              or staff.position in APPROVER_POSITIONS.get(leave.approver_position,
                                                                          ())):
        return True
    return user_id is not None and leave.filed_by_id == user_id


def leave_leadership(roles) -> bool:
    """AB-1: Leadership may override the A/B rule with a reason."""
    return bool(set(roles) & {LEADERSHIP, ADMIN})


def leave_office(roles) -> bool:
    """Office files and reports back on behalf of staff (LEAVE-1/3)."""
    return bool(set(roles) & {OFFICE, ADMIN})

