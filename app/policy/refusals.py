"""Who files and who reviews a 否定报备 (refusal report, NEG-1/2), and which of its actions are
open now. Pure."""

from __future__ import annotations

from app.actor import Actor
from app.roles import ADMIN, CLERK, SECTION_HEAD, WINDOW_HEAD

CORRECTED = "corrected"  # a review's outcome, models.cases.REVIEW_OUTCOMES (checked by the tests)

REFUSAL_FILING_ROLES = frozenset({CLERK, WINDOW_HEAD, ADMIN})
REFUSAL_REVIEWING_ROLES = frozenset({SECTION_HEAD, ADMIN})
REVIEW, ESCALATE, INFORM = "review", "escalate", "inform"


def may_file_refusal_report(actor: Actor) -> bool:
    """NEG-1: the refusing window (clerk, window head) files the report and informs the
    applicant of a correction; the section head, who reviews it, does not."""
    return bool(actor.roles & REFUSAL_FILING_ROLES)


def may_review_refusal_report(actor: Actor) -> bool:
    """NEG-2: the approval section head reviews a refusal report and reports an important one
    to the deputy director; the window that refused does not review itself."""
    return bool(actor.roles & REFUSAL_REVIEWING_ROLES)


def report_actions(actor: Actor, report) -> frozenset[str]:
    """NEG-1/2: what `actor` may do with `report` now — review it (once), report an important
    one upwards (once), inform the applicant of a correction (once)."""
    actions = set()
    if may_review_refusal_report(actor) and report.reviewed_on is None:
        actions.add(REVIEW)
    if may_review_refusal_report(actor) and report.important and report.escalated_on is None:
        actions.add(ESCALATE)
    if (may_file_refusal_report(actor) and report.outcome == CORRECTED
            and report.informed_on is None):
        actions.add(INFORM)
    return frozenset(actions)
