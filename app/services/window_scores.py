"""月度窗口得分 — the month's score of every window with its categories and rank (SCORE-2/3),
computed from the score events: one GROUP BY window and category for the month, then
`app.rules.scoring.monthly_window_score` per window and `rank_windows` over them.

`month_window_scores(session, period)` is the one entry point the Excel export (issue #12) and
its page read: the monthly assessment's results (confirmed snapshot or live), so the page, the
export and the assessment never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.scoring import BONUS, PEER, RedFlagTie, red_flag_ties
from app.services.assessment import month_results
from models.org import Window

CATEGORY_KEYS = ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M10")
COLUMNS = (*CATEGORY_KEYS, BONUS)  # the category columns of the page and the export


@dataclass(frozen=True)
class WindowMonthScore:
    """One window's month (SCORE-2) and place (SCORE-3)."""

    window_id: int
    number: str
    name: str
    total: Decimal
    by_category: dict[str, Decimal]
    missing: frozenset[str]
    rank: int
    red_flag: bool
    tie: RedFlagTie | None = None  # SCORE-3: tied across the last red-flag seat, and why


def month_window_scores(session: Session, period: date) -> list[WindowMonthScore]:
    """SCORE-2/3: every window's score for the month of `period`, best first — the monthly
    assessment's own results (app/services/assessment.py: the confirmed snapshot, or computed
    live with one GROUP BY while the month is open), in the shape the page and export read."""
    _month, rows = month_results(session, period.replace(day=1))
    windows = {window_id: (number, name) for window_id, number, name in session.execute(
        select(Window.id, Window.number, Window.name))}
    ranked = sorted(rows, key=lambda r: r.rank)
    ties = red_flag_ties((row.window_id, row.total, row.verified_complaints, row.overdue_days,
                          row.red_flag) for row in ranked)
    return [WindowMonthScore(row.window_id, *windows.get(row.window_id, ("", row.window_name)),
                             row.total, row.by_category,
                             frozenset({PEER}) if row.peer_missing else frozenset(),
                             row.rank, row.red_flag, ties.get(row.window_id))
            for row in ranked]
