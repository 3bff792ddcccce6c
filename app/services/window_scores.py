"""月度窗口得分 — the month's score of every window with its categories and rank (SCORE-2/3),
computed from the score events: one GROUP BY window and category for the month, then
`app.rules.scoring.monthly_window_score` per window and `rank_windows` over them.

`month_window_scores(session, period)` is the one entry point the Excel export (issue #12) and
its page read. The monthly-assessment work stores confirmed results (MonthlyResult); when it
lands, this function is the one place to read them instead — callers keep their shape.

Until then: M10 (窗口互评) has no mean yet and counts full (listed in `missing`), and the
SCORE-3 tie-breaks use the month's M7 deductions (complaints) and M3 deductions (overdue days)
as their measures, both read from the same events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.rules.scoring import BONUS, PEER, monthly_window_score, rank_windows
from app.services.settings import setting_value
from models.org import Window
from models.scoring import ScoreEvent

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


def score_settings(session: Session) -> tuple[dict[str, Decimal], Decimal, int]:
    """SCORE-2/3 settings: category maxima, the bonus cap and the number of red-flag windows."""
    maxima = {name: Decimal(str(setting_value(session, f"score.{name.lower()}_max")))
              for name in CATEGORY_KEYS}
    return (maxima, Decimal(str(setting_value(session, "score.bonus_cap"))),
            int(setting_value(session, "score.red_flag_count")))


def month_window_scores(session: Session, period: date) -> list[WindowMonthScore]:
    """SCORE-2/3: every active window's score for the month of `period`, best first.

    One aggregate query over ScoreEvent (index ix_score_event_period_window_category); M10
    events are never summed (SCORE-2: M10 comes from the peer mean only)."""
    period = period.replace(day=1)
    maxima, bonus_cap, red_flags = score_settings(session)
    windows = list(session.execute(select(Window.id, Window.number, Window.name)
                                   .where(Window.is_active.is_(True)).order_by(Window.number)))
    sums: dict[int, list[tuple[str, Decimal]]] = {window_id: [] for window_id, *_ in windows}
    query = (select(ScoreEvent.window_id, ScoreEvent.category, func.sum(ScoreEvent.points))
             .where(ScoreEvent.period == period, ScoreEvent.window_id.is_not(None),
                    ScoreEvent.category != PEER)
             .group_by(ScoreEvent.window_id, ScoreEvent.category))
    for window_id, category, points in session.execute(query):
        if window_id in sums:
            sums[window_id].append((category, Decimal(str(points or 0))))
    scores = {}
    for window_id, number, name in windows:
        scores[window_id] = monthly_window_score(sums[window_id], None, maxima, bonus_cap)
    # SCORE-3 tie-breaks: fewer complaint deductions (M7), then fewer overdue points (M3).
    # rank_windows compares them as whole numbers: tenths of points.
    def tenths(window_id, category):
        return int(-10 * sum((p for c, p in sums[window_id] if c == category), Decimal(0)))

    measures = {window_id: (tenths(window_id, "M7"), tenths(window_id, "M3"))
                for window_id, *_ in windows}
    keyed = {f"{number}\x00{window_id}": (window_id, number, name)
             for window_id, number, name in windows}
    ranking = rank_windows([(key, scores[window_id].total, *measures[window_id])
                            for key, (window_id, _n, _m) in keyed.items()], red_flags)
    result = []
    for rank, key, red in ranking:
        window_id, number, name = keyed[key]
        score = scores[window_id]
        result.append(WindowMonthScore(window_id, number, name, score.total, score.by_category,
                                       score.missing, rank, red))
    return result
