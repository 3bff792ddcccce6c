"""月度考核 around the score — 窗口互评, 满意窗口, 服务明星, 岗位之星 and the explanation lines
(SCORE-2/3/4/7, COMP-5, NOTICE-1).

Pure like app/rules/scoring.py (whose `monthly_window_score` and `rank_windows` compute the
score and the ranking): plain values in and out, every setting an argument.

Decisions written down here (RULES.md leaves them open):
- M10 窗口互评: each criterion (attitude, efficiency, quality, integrity) is rated 0..100; a
  window's month mean is the mean over its raters of each rating's four-criteria mean
  (0..100, two decimals), which `monthly_window_score` scales to M10's maximum.
- M10 of a window nobody rated (SCORE-2): the mean of the rated windows' M10, shown so while
  the month is open (the table previews what confirming stores) and stored so when Leadership
  confirms — which then needs a reason (audited). When no window at all was rated there is no
  mean: every window's M10 counts full (equal for all, so the ranking is that of the other
  categories), and confirming still needs the reason.
- The rating of month M is open from `opens_day` of M (default the 25th) to `closes_day` of
  M+1 (default the 5th), both included: the month is mostly over and the results are due early
  in the next month (001: 每月窗口之间打分互评).
- 满意窗口 (004 五.1, SCORE-4): a window is satisfied in a month when its total reaches
  `satisfied_min` (default 95), it has no verified language/attitude complaint in the month
  (COMP-5) and none of its staff committed a second one-time-notice violation (NOTICE-1, 004
  一次性告知 四: the second time costs the window the month's 满意窗口).
- The individual monthly result (for 服务明星/岗位之星) is 100 + the person's own deductions
  (signed sum, not floored: a person has no categories) + their bonuses capped at `bonus_cap`;
  a quarter or a year is the mean of its months' results.
- 服务明星 (quarterly, top `count`, default 3): excluded are staff with a verified
  language/attitude complaint in the quarter (COMP-5) or a one-time-notice violation in the
  quarter (NOTICE-1: the first one already costs the quarter's star).
- 岗位之星 (yearly, `score.star_count`, default 5): the year's mean individual result; ties
  broken by their window's mean monthly total, then name. COMP-5 and NOTICE-1 name only the
  quarter's and the month's awards, so the yearly one has no exclusion.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.rules.calendar import next_month
from app.rules.errors import N_, RuleViolation
from app.rules.input import BUSINESS_YEARS
from app.rules.scoring import BONUS, PEER, MonthlyScore

ZERO = Decimal("0")
BASE = Decimal("100")
RATING_RANGE = (0, 100)
PEER_CRITERIA = ("attitude", "efficiency", "quality", "integrity")


def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _day_in_month(year: int, month: int, day: int) -> date:
    return date(year, month, max(1, min(day, calendar.monthrange(year, month)[1])))


def parse_period(text: str | None) -> date | None:
    """"2026-10" → 2026-10-01; None unless it is a month of the business years (INPUT-1)."""
    parts = (text or "").strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() and p.isascii() for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    if len(parts[0]) != 4 or not (BUSINESS_YEARS[0] <= year <= BUSINESS_YEARS[1]
                                  and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def peer_rating_window(period: date, opens_day: int = 25, closes_day: int = 5
                       ) -> tuple[date, date]:
    """SCORE-2 M10: the days (both included) during which month `period` is rated."""
    following = next_month(period)
    return (_day_in_month(period.year, period.month, opens_day),
            _day_in_month(following.year, following.month, closes_day))


def check_peer_rating(rater_window_id: int | None, rated_window_id: int | None,
                      scores: Mapping[str, object], today: date, window: tuple[date, date]
                      ) -> dict[str, int]:
    """SCORE-2 M10: a window rates another (never itself), each criterion a whole number
    0..100, while the month's rating is open. Returns the four checked integers."""
    if rater_window_id is None:
        raise RuleViolation("SCORE-2", N_("Choose the rating window."), field="rater_window_id")
    if rated_window_id is None or rated_window_id == rater_window_id:
        raise RuleViolation("SCORE-2", N_("A window cannot rate itself."),
                            field="rated_window_id")
    opens, closes = window
    if not opens <= today <= closes:
        raise RuleViolation("SCORE-2", N_("The mutual rating of this month is open from "
                                          "%(opens)s to %(closes)s."), field="period",
                            opens=opens.isoformat(), closes=closes.isoformat())
    checked = {}
    for name in PEER_CRITERIA:
        value = scores.get(name)
        try:
            number = int(str(value).strip()) if value is not None else None
        except ValueError:
            number = None
        if number is None or not RATING_RANGE[0] <= number <= RATING_RANGE[1]:
            raise RuleViolation("SCORE-2", N_("Rate each criterion with a whole number from "
                                              "0 to 100."), field=name)
        checked[name] = number
    return checked


def peer_mean(ratings: Iterable[Iterable[object]]) -> Decimal | None:
    """SCORE-2 M10: the mean (0..100, two decimals) of the ratings' four-criteria means;
    None when nobody rated the window (the month is then incomplete: M10 counts full)."""
    means = []
    for rating in ratings:
        values = [_dec(v) for v in rating]
        means.append(sum(values, ZERO) / len(values))
    if not means:
        return None
    return (sum(means, ZERO) / len(means)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def peer_mean_of_sums(points, count: int) -> Decimal | None:
    """SCORE-2 M10: `peer_mean` from a database's sums (issue #20, the score trend) — the sum
    of every rating's four criteria and the number of ratings; the same mean, since each
    rating weighs the same: Σ(Σ criteria / 4) / n = Σ criteria / (4 n)."""
    if not count:
        return None
    return (_dec(points) / (4 * count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_satisfied(total, satisfied_min, excluded: bool) -> bool:
    """SCORE-4 满意窗口: the total reaches the threshold and no COMP-5/NOTICE-1 exclusion."""
    return not excluded and _dec(total) >= _dec(satisfied_min)


def second_notice_violations(counts: Iterable[tuple[object, int, bool]]) -> set:
    """NOTICE-1 (004 四): the keys (windows) whose staff member's one-time-notice violation in
    the month is their second or later of the year. `counts` are (key, the staff member's
    violations in the year up to the month's end, whether one of them is in the month)."""
    return {key for key, count, in_month in counts if in_month and count >= 2}


@dataclass(frozen=True)
class Line:
    """SCORE-7: one category of a month as it is explained on screen: the maximum, the raw
    sum of its events, what was applied (floor at zero, cap) and the points counted."""

    category: str
    maximum: Decimal | None
    raw: Decimal
    value: Decimal
    applied: str | None  # "floor", "cap", "peer", "peer_imputed", "peer_missing" or None


def explanation_lines(score: MonthlyScore, categories: Mapping[str, object], bonus_cap,
                      peer: Decimal | None) -> list[Line]:
    """SCORE-7: the lines behind a month's total, in category order; they sum to the total."""
    applied = {name: (raw, note) for name, raw, note in score.applied}
    lines = []
    for name, maximum in categories.items():
        if name == PEER:  # SCORE-2 M10: rated, nobody rated (the rated windows' mean), none
            note = ("peer" if peer is not None else
                    "peer_imputed" if score.peer_imputed else "peer_missing")
            lines.append(Line(PEER, _dec(maximum), _dec(peer) if peer is not None else ZERO,
                              score.by_category[PEER], note))
            continue
        raw, note = applied[name]
        lines.append(Line(name, _dec(maximum), raw, score.by_category[name], note))
    raw, note = applied[BONUS]
    lines.append(Line(BONUS, _dec(bonus_cap), raw, score.by_category[BONUS], note))
    return lines


def individual_result(deductions, bonus, bonus_cap=10) -> Decimal:
    """SCORE-4: a person's month: 100 + own deductions (negative) + own bonus within 0..cap."""
    return BASE + _dec(deductions) + min(_dec(bonus_cap), max(ZERO, _dec(bonus)))


def mean_result(results: Iterable[object]) -> Decimal:
    """A quarter's or a year's individual result: the mean of its months (one decimal)."""
    values = [_dec(v) for v in results]
    if not values:
        return BASE
    return (sum(values, ZERO) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def pick_stars(rows: Iterable[tuple[object, str, object, object]], count: int,
               excluded: set | frozenset = frozenset()) -> list[tuple[int, object, str, Decimal]]:
    """SCORE-4 服务明星/岗位之星: `rows` are (key, name, result, tie-break) — the best result
    first, then the higher tie-break (fewer deductions given as a negative count, or the
    window's mean), then name, then key (two people of one name: the rows come from the
    database in no fixed order); excluded keys (COMP-5, NOTICE-1) never get a star.
    Returns (place, key, name, result) of the first `count`."""
    ordered = sorted(((key, name, _dec(result), _dec(tie)) for key, name, result, tie in rows
                      if key not in excluded),
                     key=lambda row: (-row[2], -row[3], row[1], row[0]))
    return [(place, key, name, result)
            for place, (key, name, result, _tie) in enumerate(ordered[:max(count, 0)], 1)]


def quarter_of(period: date) -> tuple[int, int]:
    """(year, quarter 1..4) of a month."""
    return period.year, (period.month - 1) // 3 + 1


def quarter_months(year: int, quarter: int) -> list[date]:
    first = 3 * (quarter - 1) + 1
    return [date(year, month, 1) for month in range(first, first + 3)]


__all__ = ["PEER_CRITERIA", "parse_period", "peer_rating_window", "check_peer_rating", "peer_mean",
           "is_satisfied", "second_notice_violations", "Line", "explanation_lines",
           "individual_result", "mean_result", "pick_stars", "quarter_of", "quarter_months"]
