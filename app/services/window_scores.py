"""月度窗口得分 — the month's score of every window with its categories and rank (SCORE-2/3),
computed from the score events: one GROUP BY window and category for the month, then
`app.rules.scoring.monthly_window_score` per window and `rank_windows` over them.

`month_window_scores(session, period)` is the one entry point the Excel export (issue #12) and
its page read: the monthly assessment's results (confirmed snapshot or live), so the page, the
export and the assessment never disagree. `score_trend(session, months, window_ids)` is the
page's month trend (issue #20): the totals of several months in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Date, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.rules.assessment import peer_mean_of_sums
from app.rules.scoring import BONUS, PEER, RedFlagTie, monthly_window_score, red_flag_ties
from app.services.assessment import bonus_cap, month_results, score_categories, unrated_peer
from app.services.core_reads import core_execute
from models.assessment import MonthlyResult, PeerRating
from models.scoring import AssessmentMonth, ScoreEvent

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
    ranked = sorted(rows, key=lambda r: r.rank)
    ties = red_flag_ties((row.window_id, row.total, row.verified_complaints, row.overdue_days,
                          row.red_flag) for row in ranked)
    return [WindowMonthScore(row.window_id, row.number, row.name, row.total, row.by_category,
                             frozenset({PEER}) if row.peer_missing else frozenset(),
                             row.rank, row.red_flag, ties.get(row.window_id))
            for row in ranked]


def points_lost(score: WindowMonthScore, categories: dict[str, Decimal]) -> dict[str, Decimal]:
    """SCORE-2 (issue #20, the category breakdown): what each category M1…M10 lost this month —
    its maximum (`score_categories`) minus what the window kept, never below zero."""
    return {key: max(Decimal("0"), maximum - score.by_category.get(key, maximum))
            for key, maximum in categories.items()}


@dataclass(frozen=True)
class ScoreTrend:
    """Issue #20: window totals month by month (SCORE-2) — `totals[window_id][month]`, a
    window without a result that month has no entry — and the center's mean of each month."""

    months: list[date]
    totals: dict[int, dict[date, Decimal]]
    means: dict[date, Decimal]


SNAPSHOT = "total"  # the category column of a confirmed month's snapshot total (`_TREND`)


def _trend_statement():
    """The trend's one statement (issue #21 P1: built once, its cache key computed once): the
    confirmed months' snapshot totals (a confirmed month with no row still answers, window
    None), the open months' sums per (month, window, category) and, as category M10, each
    rated window's sum of criteria and count of ratings."""
    first, last = bindparam("first", type_=Date), bindparam("last", type_=Date)
    confirmed = select(AssessmentMonth.period).where(AssessmentMonth.state == "confirmed",
                                                     AssessmentMonth.period.between(first, last))
    snapshots = (select(AssessmentMonth.period, MonthlyResult.window_id, literal(SNAPSHOT),
                        MonthlyResult.total, literal(0))
                 .outerjoin(MonthlyResult, MonthlyResult.period == AssessmentMonth.period)
                 .where(AssessmentMonth.state == "confirmed",
                        AssessmentMonth.period.between(first, last)))
    events = (select(ScoreEvent.period, ScoreEvent.window_id, ScoreEvent.category,
                     func.sum(ScoreEvent.points), literal(0))
              .where(ScoreEvent.period.between(first, last), ScoreEvent.window_id.is_not(None),
                     ScoreEvent.period.not_in(confirmed))
              .group_by(ScoreEvent.period, ScoreEvent.window_id, ScoreEvent.category))
    ratings = (select(PeerRating.period, PeerRating.rated_window_id, literal(PEER),
                      func.sum(PeerRating.attitude + PeerRating.efficiency + PeerRating.quality
                               + PeerRating.integrity), func.count(PeerRating.id))
               .where(PeerRating.period.between(first, last), PeerRating.period.not_in(confirmed))
               .group_by(PeerRating.period, PeerRating.rated_window_id))
    return union_all(events, snapshots, ratings)


_TREND = _trend_statement()


def _trend_rows(session: Session, first: date, last: date):
    """The trend's rows apart: the snapshot totals (period, window, total), then the open
    months' sums and ratings (period, window, category, points, count)."""
    snapshots, sums = [], []
    for period, window_id, category, points, count in core_execute(
            session, _TREND, {"first": first, "last": last}):
        if category == SNAPSHOT:
            snapshots.append((period, window_id, points))
        else:
            sums.append((period, window_id, category, points, count))
    return snapshots, sums


def score_trend(session: Session, months: list[date], window_ids) -> ScoreTrend:
    """Issue #20, SCORE-2: the total of each of `window_ids` in each of `months` (first days, in
    order) — a confirmed month's snapshot, an open month computed as the monthly assessment
    computes it (`compute_month`: each category full minus its sums, M10 from the ratings, the
    unrated windows' M10 imputed) from sums the database adds up, never from the events
    themselves: one statement, whatever the number of months, windows and events (and the
    rule settings, read once per transaction, when a month is open). Leading months without
    any result, event or rating (before the center used the system) are left out."""
    window_ids = list(window_ids)
    if not months:
        return ScoreTrend([], {}, {})
    snapshots, sums = _trend_rows(session, months[0], months[-1])
    totals: dict[int, dict[date, Decimal]] = {}
    confirmed = {period for period, _window, _total in snapshots}
    for period, window_id, total in snapshots:
        if window_id is not None:
            totals.setdefault(window_id, {})[period] = Decimal(str(total))
    events: dict[date, dict[int, list]] = {}
    peers: dict[date, dict[int, Decimal]] = {}
    for period, window_id, category, points, count in sums:
        if category == PEER:
            peers.setdefault(period, {})[window_id] = peer_mean_of_sums(points, count)
        else:
            events.setdefault(period, {}).setdefault(window_id, []).append(
                (category, Decimal(str(points or 0))))
    used = confirmed | set(events) | set(peers)
    months = [m for m in months if m >= min(used)] if used else []
    open_months = [m for m in months if m not in confirmed]
    if open_months:
        categories, cap = score_categories(session), bonus_cap(session)
    for month in open_months:
        month_events, month_peers = events.get(month, {}), peers.get(month, {})
        assessed = set(window_ids) | set(month_events)  # as compute_month's windows
        unrated = unrated_peer(month_peers, assessed, categories)
        for window_id in window_ids:
            score = monthly_window_score(month_events.get(window_id, []),
                                         month_peers.get(window_id), categories, cap,
                                         unrated_peer=unrated)
            totals.setdefault(window_id, {})[month] = score.total
    means = {}
    for month in months:
        values = [totals[w][month] for w in window_ids if month in totals.get(w, {})]
        if values:
            means[month] = (sum(values, Decimal("0")) / len(values)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP)
    return ScoreTrend(months, {w: totals.get(w, {}) for w in window_ids}, means)
