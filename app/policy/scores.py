"""Who records and sees deductions and scores, and who confirms a month (扣分/加分, 月度考核,
SCORE-1..3, FAULT-1, SCORE-2 M10). Pure."""

from __future__ import annotations

from app.actor import Actor
from app.roles import ADMIN, LEADERSHIP, OFFICE, SECTION_HEAD, WINDOW_HEAD

SCORE_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})
SCORE_RECORDING_ROLES = frozenset({OFFICE, ADMIN})
ASSESSMENT_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, SECTION_HEAD, ADMIN})
# SCORE-3: Leadership alone confirms (and reopens) a month — a decision of the director's
# office meeting (001 五), so not Admin's either.
MONTH_CONFIRMING_ROLES = frozenset({LEADERSHIP})
# SCORE-2 M10: a window head rates for their window; Office (and Admin) enter a window's sheet.
PEER_RATING_OFFICE_ROLES = frozenset({OFFICE, ADMIN})


def may_record_scores(actor: Actor) -> bool:
    """SCORE-1/FAULT-1: the general office records deductions, bonuses and derelictions, runs
    the month's generation, corrects and deletes manual events."""
    return bool(actor.roles & SCORE_RECORDING_ROLES)


def may_see_all_scores(actor: Actor) -> bool:
    """Office, Leadership (and Admin) see every window's and person's deductions."""
    return bool(actor.roles & SCORE_ALL_ROLES)


def may_confirm_month(actor: Actor) -> bool:
    """SCORE-3: only Leadership confirms or reopens a month."""
    return bool(actor.roles & MONTH_CONFIRMING_ROLES)


def assessment_scope(actor: Actor) -> tuple[int | None, int | None]:
    """ORG-2 for scores: (window, staff) the actor may see — (None, None) for Office,
    Leadership, section heads and Admin; (own window, None) for a window head; (own window,
    own staff id) for a clerk, who sees the window's totals but only their own events."""
    if actor.roles & ASSESSMENT_ALL_ROLES:
        return None, None
    if actor.staff_id is None or not actor.window_id:
        return -1, -1
    if WINDOW_HEAD in actor.roles:
        return actor.window_id, None
    return actor.window_id, actor.staff_id


def peer_rater_windows(actor: Actor) -> list[int] | None:
    """SCORE-2 M10: the windows the actor rates for: None for any (Office, Admin), the own
    window for a window head, none otherwise."""
    if actor.roles & PEER_RATING_OFFICE_ROLES:
        return None
    if WINDOW_HEAD in actor.roles and actor.staff_id is not None and actor.window_id:
        return [actor.window_id]
    return []
