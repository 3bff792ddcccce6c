"""Who keeps the rota and who writes which duty log (值班, ROSTER-1/2). Pure.

One answer for the three doors of the duty log (the calendar's button, the page, the service):
`duty_log_door` says whether the actor writes it as the person on duty, on behalf of a person
on duty who has no login (the office), or not at all."""

from __future__ import annotations

from datetime import date

from app.actor import Actor
from app.roles import ADMIN, OFFICE

ROTA_MANAGING_ROLES = frozenset({OFFICE, ADMIN})
OWN, ON_BEHALF = "own", "on_behalf"


def may_manage_rota(actor: Actor) -> bool:
    """ROSTER-1/2: the general office keeps the duty order, generates and edits the rota,
    arranges substitutes and enters a duty log for a staff member without a login."""
    return bool(actor.roles & ROTA_MANAGING_ROLES)


def may_write_log(shift, actor: Actor) -> bool:
    """ROSTER-2: the duty person or the substitute of that day writes the log."""
    return actor.staff_id is not None and actor.staff_id in (shift.staff_id, shift.substitute_id)


def duty_log_door(shift, actor: Actor, manager: bool | None = None) -> str | None:
    """ROSTER-2: OWN when the actor is on duty that day (the duty person or the substitute);
    ON_BEHALF when the actor keeps the rota (`manager`, by default from the actor's roles) and
    the person on duty has no login — one with a login writes their log themselves; else None."""
    if may_write_log(shift, actor):
        return OWN
    manager = may_manage_rota(actor) if manager is None else manager
    if manager and shift.on_duty is not None and shift.on_duty.user_id is None:
        return ON_BEHALF
    return None


def may_open_duty_log(shift, actor: Actor, today: date) -> bool:
    """ROSTER-2: the calendar offers the duty log exactly when the service would take it: on or
    after the duty day, through one of the actor's doors."""
    return shift.day <= today and duty_log_door(shift, actor) is not None


LOG, CHANGE, SUBSTITUTE = "log", "change", "substitute"


def shift_actions(shift, actor: Actor, today: date) -> frozenset[str]:
    """ROSTER-1/2: the calendar's buttons for one duty day — the duty log (`may_open_duty_log`);
    changing the person or arranging a substitute (the office, for today or later, while no log
    is written: the service refuses a past or logged day)."""
    actions = set()
    if may_open_duty_log(shift, actor, today):
        actions.add(LOG)
    if may_manage_rota(actor) and shift.day >= today and not shift.log_written_at:
        actions.update((CHANGE, SUBSTITUTE))
    return frozenset(actions)
