"""扣分/加分与考核 — monthly window score, ranking, semi-annual score and grades (SCORE-2/3/5/6/7).

Pure: plain values in, plain values out. Points are `Decimal` (int/str/Decimal inputs are
converted with ``Decimal(str(x))``, so a float never leaks in), and every maximum, cap and
threshold is an argument carrying the RULES.md default: the caller reads the rule settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from app.rules.errors import N_, RuleViolation

ZERO = Decimal("0")
HUNDRED = Decimal("100")

#: SCORE-2: 月度考核 categories → maximum points (001 月度考核 三); M8 人员到岗 is 15 so they sum to 100.
DEFAULT_CATEGORIES: Mapping[str, Decimal] = MappingProxyType(
    {
        "M1": Decimal("10"),  # 行为规范、服务态度
        "M2": Decimal("10"),  # 办件管理
        "M3": Decimal("10"),  # 时限承诺
        "M4": Decimal("10"),  # 办理质量
        "M5": Decimal("10"),  # 参加中心活动
        "M6": Decimal("10"),  # 廉洁从政
        "M7": Decimal("10"),  # 工作作风与群众投诉
        "M8": Decimal("15"),  # 人员到岗
        "M9": Decimal("5"),  # 卫生保洁
        "M10": Decimal("10"),  # 窗口互评
    }
)
#: SCORE-2: 受奖附加 — the bonus category, capped at `bonus_cap` (default 10).
BONUS = "B"
#: SCORE-2: 窗口互评 — computed from the peer mean, never from events.
PEER = "M10"
#: SCORE-2: each category's name as pages, exports and reports show it (English msgids,
#: translated where shown).
CATEGORY_LABELS: Mapping[str, str] = MappingProxyType({
    "M1": N_("M1 conduct and attitude"), "M2": N_("M2 case management"),
    "M3": N_("M3 time-limit promise"), "M4": N_("M4 handling quality"),
    "M5": N_("M5 center activities"), "M6": N_("M6 integrity"),
    "M7": N_("M7 work style and complaints"), "M8": N_("M8 staff presence"),
    "M9": N_("M9 cleanliness"), "M10": N_("M10 mutual window rating"), BONUS: N_("B bonus"),
})

#: SCORE-5: 半年考核 parts → maximum points (001 考核办法): 德 能 勤 绩 廉.
SEMIANNUAL_PARTS: Mapping[str, Decimal] = MappingProxyType(
    {
        "de": Decimal("15"),  # 德 思想品德与行为规范
        "neng": Decimal("15"),  # 能 业务技能
        "qin": Decimal("15"),  # 勤 出勤值勤
        "ji": Decimal("40"),  # 绩 工作实绩 (innovation adds here, the part capped at 40)
        "lian": Decimal("15"),  # 廉 廉政建设
    }
)
#: SCORE-5 绩: what its four items make without innovation — accuracy 10, on-time rate 10,
#: satisfaction 10, reporting 5 (001 考核办法 四.1–4). The part's maximum (40) is a cap that
#: only innovation (+5 per proven improvement, 四.5) reaches: no innovation gives 35.
JI_ITEMS = Decimal("35")

#: SCORE-6: grade names per staff category, best first (公务员 / 事业单位人员).
GRADE_NAMES: Mapping[str, tuple[str, str, str, str]] = MappingProxyType(
    {
        "civil_servant": ("excellent", "competent", "basically_competent", "incompetent"),
        "institution": ("excellent", "qualified", "basically_qualified", "unqualified"),
    }
)
#: SCORE-6: the lowest grade of each scale (不称职 / 不合格): no assessment bonus (考核奖金).
LOWEST_GRADES = frozenset(names[-1] for names in GRADE_NAMES.values())
#: SCORE-6: 优秀 ≥ 90, 称职/合格 ≥ 75, 基本称职/基本合格 ≥ 60 (blank in 003; defaults of RULES.md).
DEFAULT_THRESHOLDS = (Decimal("90"), Decimal("75"), Decimal("60"))

#: Labels of the grades, for views to translate (SCORE-6).
GRADE_LABELS = {
    "excellent": N_("Excellent"),
    "competent": N_("Competent"),
    "basically_competent": N_("Basically competent"),
    "incompetent": N_("Incompetent"),
    "qualified": N_("Qualified"),
    "basically_qualified": N_("Basically qualified"),
    "unqualified": N_("Unqualified"),
}


def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class MonthlyScore:
    """SCORE-2: 月度考核 of one window for one month.

    `by_category` holds every category (M1…M10 and "B"); `missing` names the parts not yet
    known ("M10" until the mutual evaluation is in, counted full meanwhile); `applied` explains
    each category for SCORE-7: ``(category, raw sum of points, "floor" | "cap" | None)``.
    """

    total: Decimal
    by_category: dict[str, Decimal]
    missing: frozenset[str] = frozenset()
    applied: tuple[tuple[str, Decimal, str | None], ...] = field(default=())
    #: SCORE-2 M10: nobody rated the window, and its M10 is the mean of the rated windows' M10
    #: (`unrated_peer`), not its maximum.
    peer_imputed: bool = False


def _bounded(maximum: Decimal, raw: Decimal) -> tuple[Decimal, str | None]:
    """SCORE-2: 扣分至小项扣完为止 — a category floors at zero and never rises past its maximum."""
    value = maximum + raw
    if value < ZERO:
        return ZERO, "floor"
    if value > maximum:
        return maximum, "cap"
    return value, None


def _sums(events, categories) -> dict[str, Decimal]:
    sums = {name: ZERO for name in categories if name != PEER}
    sums[BONUS] = ZERO
    for category, points in events:
        if category not in sums:
            raise RuleViolation(
                "SCORE-2",
                N_("Unknown score category: %(category)s."),
                field="category",
                category=category,
            )
        sums[category] += _dec(points)
    return sums


def _peer_score(peer_mean, maximum: Decimal) -> tuple[Decimal, frozenset[str]]:
    """SCORE-2 M10 窗口互评: the 0–100 mean scaled to the category's maximum, to one decimal
    place like every score (points are Decimal with one decimal): 87.35 → 8.7, and 84.5 → 8.5
    (half up from 8.45).

    A mean outside 0..100 is refused rather than clamped: it is a data-entry error, and a
    clamp would hide it. No mean yet → the month is incomplete and M10 counts full.
    """
    if peer_mean is None:
        return maximum, frozenset({PEER})
    mean = _dec(peer_mean)
    if not ZERO <= mean <= HUNDRED:
        raise RuleViolation(
            "SCORE-2",
            N_("The mutual evaluation mean must be between 0 and 100."),
            field="peer_mean",
        )
    return (mean / HUNDRED * maximum).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), frozenset()


def peer_score(peer_mean, maximum=DEFAULT_CATEGORIES[PEER]) -> Decimal | None:
    """SCORE-2 M10 of a rated window: its 0–100 mean scaled to `maximum` (one decimal, half
    up); None for a window nobody rated."""
    if peer_mean is None:
        return None
    return _peer_score(peer_mean, _dec(maximum))[0]


def unrated_peer_score(rated_scores: Iterable[object]) -> Decimal | None:
    """SCORE-2 M10 of a window nobody rated that month: "the mean of the rated windows' M10"
    (their scaled M10, not their raw means), one decimal, half up like every score. None when
    no window at all was rated: then there is no mean, and every window's M10 counts full
    (the decision written in app/rules/assessment.py)."""
    values = [_dec(value) for value in rated_scores]
    if not values:
        return None
    return (sum(values, ZERO) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def monthly_window_score(
    events: Iterable[tuple[str, object]],
    peer_mean=None,
    categories: Mapping[str, Decimal] = DEFAULT_CATEGORIES,
    bonus_cap=10,
    *,
    unrated_peer=None,
) -> MonthlyScore:
    """SCORE-2: 月度考核 — each category full minus its deductions, within 0..max; plus 受奖附加.

    `events` are ``(category, signed points)`` with category M1…M9 or "B"; M10 comes from
    `peer_mean` only, so an "M10" event (or any unknown category) raises `RuleViolation`.
    A window nobody rated (`peer_mean` None) gets `unrated_peer` as its M10 — the mean of the
    rated windows' M10 (`unrated_peer_score`), flagged `peer_imputed` — or, without one (no
    window rated at all), M10's maximum; either way "M10" is in `missing`.
    B = min(`bonus_cap`, max(0, sum of B points)); total = categories + B (≤ 100 + cap).
    """
    maxima = {name: _dec(value) for name, value in categories.items()}
    sums = _sums(events, maxima)
    by_category: dict[str, Decimal] = {}
    applied = []
    for name, maximum in maxima.items():
        if name == PEER:
            continue
        by_category[name], note = _bounded(maximum, sums[name])
        applied.append((name, sums[name], note))
    missing: frozenset[str] = frozenset()
    imputed = False
    if PEER in maxima:
        by_category[PEER], missing = _peer_score(peer_mean, maxima[PEER])
        if peer_mean is None and unrated_peer is not None:
            value = _dec(unrated_peer)
            if not ZERO <= value <= maxima[PEER]:
                raise RuleViolation("SCORE-2", N_("The mutual rating of a window nobody rated "
                                                  "must lie between 0 and the category's "
                                                  "maximum."), field="unrated_peer")
            by_category[PEER], imputed = value, True
    cap = _dec(bonus_cap)
    raw_bonus = sums[BONUS]
    by_category[BONUS] = min(cap, max(ZERO, raw_bonus))
    note = "cap" if raw_bonus > cap else "floor" if raw_bonus < ZERO else None
    applied.append((BONUS, raw_bonus, note))
    total = sum(by_category.values(), ZERO)
    return MonthlyScore(total, by_category, missing, tuple(applied), imputed)


def days_away_from_post(absent_halves: Mapping[object, int],
                        off_post: Iterable[tuple[object, int]],
                        off_post_limit_minutes=120) -> list:
    """SCORE-2 M8 人员到岗: the days on which a staff member left the post half a day or more —
    "−2 for each day on which the staff member left the post half a day or more" — each day
    once, in order, whatever happened on it.

    `absent_halves` maps a day to its absent half-days (ATT-2: no clock, leave or excuse; one
    or two); `off_post` are (day, minutes) times away from the post, and one over
    `off_post_limit_minutes` is half a day of absence (ATT-3: over 2 hours; exactly 2 hours is
    not). A morning and an afternoon away on the same day are one day, not two.
    """
    limit = int(off_post_limit_minutes)
    days = {day for day, halves in absent_halves.items() if int(halves) > 0}
    days.update(day for day, minutes in off_post if int(minutes) > limit)
    return sorted(days)


def rank_windows(rows: Iterable[tuple[str, object, int, int]], red_flags: int = 5):
    """SCORE-3: 月度排名 — ``(rank, window_name, is_red_flag)``, the first `red_flags` are 红旗窗口.

    Total descending, then fewer verified complaints, then fewer overdue days, then name
    (plain string order); every row gets its own rank 1..n, so exactly `red_flags` windows
    (or all, if fewer) are red flags.
    """
    ordered = sorted(
        rows, key=lambda row: (-_dec(row[1]), int(row[2]), int(row[3]), str(row[0]))
    )
    return [(rank, name, rank <= red_flags) for rank, (name, *_rest) in enumerate(ordered, 1)]


@dataclass(frozen=True)
class RedFlagTie:
    """SCORE-3: why a window tied on the total across the last 红旗窗口 seat is in (or out):
    the tie-break that decided against `other` — "complaints" (fewer verified complaints),
    "overdue_days" (fewer overdue days) or "name" — and the two values compared."""

    basis: str
    other: object
    mine: object
    theirs: object


def red_flag_ties(ranked: Iterable[tuple[object, object, int, object, bool]]) -> dict:
    """SCORE-3 (issue #20): the windows tied on the total across the last red-flag seat, in
    rank order ``(key, total, verified complaints, overdue days, is_red_flag)`` as
    `rank_windows` ordered them → ``{key: RedFlagTie}``; empty when no tie straddles the
    seat. A window in is compared with the first one out, a window out with the last one in."""
    rows = list(ranked)
    inside_at = [i for i, row in enumerate(rows) if row[4]]
    if not inside_at or inside_at[-1] + 1 >= len(rows):
        return {}
    total = _dec(rows[inside_at[-1]][1])
    if _dec(rows[inside_at[-1] + 1][1]) != total:
        return {}
    inside = [row for row in rows if row[4] and _dec(row[1]) == total]
    outside = [row for row in rows if not row[4] and _dec(row[1]) == total]

    def decided(row, other) -> RedFlagTie:
        if int(row[2]) != int(other[2]):
            return RedFlagTie("complaints", other[0], int(row[2]), int(other[2]))
        if _dec(row[3]) != _dec(other[3]):
            return RedFlagTie("overdue_days", other[0], _dec(row[3]), _dec(other[3]))
        return RedFlagTie("name", other[0], row[0], other[0])

    ties = {row[0]: decided(row, outside[0]) for row in inside}
    ties.update({row[0]: decided(row, inside[-1]) for row in outside})
    return ties


@dataclass(frozen=True)
class SemiannualScore:
    """SCORE-5: 半年考核 — `parts` (de/neng/qin/ji/lian), `bonus` (≤ 10) and `total` (≤ 110
    with the default part maxima and bonus cap)."""

    parts: dict[str, Decimal]
    bonus: Decimal
    total: Decimal


def _points_off(deductions: Mapping[str, object]) -> dict[str, Decimal]:
    off = {part: ZERO for part in SEMIANNUAL_PARTS}
    for part, value in deductions.items():
        if part not in off:
            raise RuleViolation(
                "SCORE-5", N_("Unknown assessment part: %(part)s."), field="part", part=part
            )
        points = _dec(value)
        if points < ZERO:
            raise RuleViolation(
                "SCORE-5", N_("Points taken off cannot be negative."), field=part
            )
        off[part] = points
    return off


def semiannual_score(deductions: Mapping[str, object], innovation=0, bonus=0, bonus_cap=10, *,
                     part_maxima: Mapping[str, object] = SEMIANNUAL_PARTS, ji_items=JI_ITEMS):
    """SCORE-5: 半年考核 德 15 能 15 勤 15 绩 40 廉 15, each floored at zero, plus bonus ≤ 10.

    `deductions` are points off per part (missing part = 0 off). 绩 starts from its four
    items, `ji_items` (35: accuracy, on-time rate, satisfaction, reporting), not from its
    maximum: the points off come from those items (floored at zero), then `innovation` — in
    points, +5 per proven improvement — is added and the part is capped at its maximum (40).
    No deductions and no innovation give 绩 35 and a total of 95; one improvement gives 40.
    `bonus` is floored at 0 and capped at `bonus_cap`. `part_maxima` (the semi.part_*_max
    settings; default `SEMIANNUAL_PARTS`) names every part's maximum (for 绩 the cap with
    innovation; its items count at most that much), so the total is at most their sum plus
    `bonus_cap`.
    """
    extra = _dec(innovation)
    if extra < ZERO:
        raise RuleViolation(
            "SCORE-5", N_("Innovation points cannot be negative."), field="innovation"
        )
    maxima = _part_maxima(part_maxima)
    off = _points_off(deductions)
    parts = {part: max(ZERO, part_base(part, maxima, ji_items) - off[part]) for part in maxima}
    parts["ji"] = min(maxima["ji"], parts["ji"] + extra)
    capped_bonus = min(_dec(bonus_cap), max(ZERO, _dec(bonus)))
    return SemiannualScore(parts, capped_bonus, sum(parts.values(), ZERO) + capped_bonus)


def part_base(part: str, maxima: Mapping[str, Decimal], ji_items=JI_ITEMS) -> Decimal:
    """SCORE-5: what a part counts from before its points off — its maximum, except 绩, which
    counts from its four items (`ji_items`, 35; at most the part's maximum): innovation alone
    takes it further, to its maximum."""
    if part == "ji":
        items = _dec(ji_items)
        if items < ZERO:
            raise RuleViolation("SCORE-5", N_("A part's maximum cannot be negative."),
                                field="part")
        return min(_dec(maxima["ji"]), items)
    return _dec(maxima[part])


def _part_maxima(part_maxima: Mapping[str, object]) -> dict[str, Decimal]:
    """SCORE-5: every part's maximum as a Decimal — exactly the five parts, none negative."""
    if set(part_maxima) != set(SEMIANNUAL_PARTS):
        raise RuleViolation("SCORE-5", N_("Give the maximum of each assessment part."),
                            field="part")
    maxima = {part: _dec(part_maxima[part]) for part in SEMIANNUAL_PARTS}
    if any(value < ZERO for value in maxima.values()):
        raise RuleViolation("SCORE-5", N_("A part's maximum cannot be negative."), field="part")
    return maxima


def excellent_tie(candidates: Iterable[tuple[object, object]], seats: int) -> tuple[frozenset, int]:
    """SCORE-6: the tie across the last 优秀 seat — ``(keys of the tied group, seats left for
    it)``, or ``(frozenset(), 0)`` when there is none.

    `candidates` are ``(key, total)`` of those at or above the 优秀 threshold; the seats go
    highest first, a whole group of equal totals at a time. The group that would take more
    seats than are left, while some are left, is the tie: RULES.md SCORE-6 has Leadership
    choose among them (`grades(..., chosen=...)`). A group reached with no seat left is no tie.
    """
    ranked = sorted(((key, _dec(value)) for key, value in candidates),
                    key=lambda item: item[1], reverse=True)
    taken = index = 0
    while index < len(ranked):
        score = ranked[index][1]
        group = [key for key, value in ranked[index:] if value == score]
        if taken + len(group) > seats:
            left = seats - taken
            return (frozenset(group), left) if left > 0 else (frozenset(), 0)
        taken += len(group)
        index += len(group)
    return frozenset(), 0


def _excellent_keys(candidates: list[tuple[object, Decimal]], seats: int,
                    chosen: frozenset = frozenset()) -> set:
    """SCORE-6: the 优秀 share — highest first, whole groups of equal totals; of a group that
    straddles the last seat (`excellent_tie`) only those Leadership `chosen` get the seats
    left. Unchosen, the tied group stays at the second grade: the share is never exceeded."""
    tied, _left = excellent_tie(candidates, seats)
    ranked = sorted(candidates, key=lambda item: item[1], reverse=True)
    selected: set = set()
    for key, _value in ranked:
        if key in tied:
            break
        if len(selected) >= seats:
            break
        selected.add(key)
    return selected | set(chosen)


class Grades(dict):
    """SCORE-6: `grades`' answer — a plain dict key → grade name, which also says how the
    last 优秀 seat came out: `tied` (the keys tied across it, empty without a tie),
    `seats_left` (the seats left for them), `chosen` (those Leadership chose, empty until it
    does) and `seats` (the 优秀 seats of the share)."""

    tied: frozenset = frozenset()
    seats_left: int = 0
    chosen: frozenset = frozenset()
    seats: int = 0

    @property
    def unresolved(self) -> bool:
        """A tie across the last seat that Leadership has not decided yet."""
        return bool(self.tied) and not self.chosen


def _chosen(chosen, tied: frozenset, seats_left: int) -> frozenset:
    """SCORE-6: Leadership's choice among the tied — exactly the seats left, all of them from
    the tied group — or none."""
    picked = frozenset(chosen or ())
    if not picked:
        return picked
    if not tied or not picked <= tied or len(picked) != seats_left:
        raise RuleViolation("SCORE-6", N_("Choose exactly %(seats)s of those tied for the last "
                                          "excellent seats."), field="chosen",
                            seats=seats_left)
    return picked


def grades(
    scores: Mapping[object, object],
    staff_category: str,
    excellent_share=Decimal("0.2"),
    thresholds=None,
    *,
    chosen=(),
) -> Grades:
    """SCORE-6: 考核等次 — 优秀/称职/基本称职/不称职 (公务员) or 优秀/合格/基本合格/不合格 (事业单位).

    `thresholds` (excellent, second, third) default to (90, 75, 60). At most
    floor(`excellent_share` × number of people) are 优秀; one at or above the threshold who
    does not fit in the share gets the second grade. When staff tie on the total that takes
    the last seat, the answer reports the tie (`Grades.tied`, `Grades.seats_left`) and, until
    Leadership has `chosen` exactly that many of them, none of the tied is 优秀.
    """
    if staff_category not in GRADE_NAMES:
        raise RuleViolation(
            "SCORE-6",
            N_("Unknown staff category: %(category)s."),
            field="staff_category",
            category=staff_category,
        )
    top, second, third, lowest = GRADE_NAMES[staff_category]
    limits = tuple(_dec(t) for t in (thresholds or DEFAULT_THRESHOLDS))
    totals = {key: _dec(value) for key, value in scores.items()}
    seats = int(_dec(excellent_share) * len(totals))  # floor: both factors are non-negative
    candidates = [(k, v) for k, v in totals.items() if v >= limits[0]]
    tied, seats_left = excellent_tie(candidates, seats)
    picked = _chosen(chosen, tied, seats_left)
    excellent = _excellent_keys(candidates, seats, picked)
    result = Grades()
    for key, value in totals.items():
        if key in excellent:
            result[key] = top
        elif value >= limits[1] or value >= limits[0]:
            # ≥ the 优秀 threshold but outside the share: the second grade (SCORE-6).
            result[key] = second
        elif value >= limits[2]:
            result[key] = third
        else:
            result[key] = lowest
    result.tied, result.seats_left, result.chosen, result.seats = tied, seats_left, picked, seats
    return result


@dataclass(frozen=True)
class ExcellentQuota:
    """SCORE-6: how the 优秀 share came out for one grade scale — `people` graded, `seats`
    (floor of share × people), `awarded` 优秀, and `left_out`: those at or above the 优秀
    threshold who got the second grade because the seats ran out. `tied` names those tied
    across the last seat (keys, or positions when the totals came as a list) and `seats_left`
    the seats left for them; `chosen` those of them Leadership chose (none yet: the tied
    group is left out and the assessment cannot be confirmed)."""

    people: int
    seats: int
    awarded: int
    left_out: int
    tied: frozenset = frozenset()
    seats_left: int = 0
    chosen: frozenset = frozenset()

    @property
    def unresolved(self) -> bool:
        return bool(self.tied) and not self.chosen


def excellent_quota(totals, excellent_share=Decimal("0.2"), thresholds=None, *,
                    chosen=()) -> ExcellentQuota:
    """SCORE-6/7: the figures behind `grades`' 优秀 for one scale, so a page can say why a
    score over the threshold is not 优秀. `totals` is a list of totals or a mapping key →
    total (then `tied` and `chosen` are keys). Same share, thresholds and tie rule as
    `grades`."""
    keyed = totals if isinstance(totals, Mapping) else dict(enumerate(totals))
    values = {key: _dec(value) for key, value in keyed.items()}
    threshold = _dec((thresholds or DEFAULT_THRESHOLDS)[0])
    seats = int(_dec(excellent_share) * len(values))
    candidates = [(key, value) for key, value in values.items() if value >= threshold]
    tied, seats_left = excellent_tie(candidates, seats)
    picked = _chosen(chosen, tied, seats_left)
    awarded = len(_excellent_keys(candidates, seats, picked))
    return ExcellentQuota(len(values), seats, awarded, len(candidates) - awarded, tied,
                          seats_left, picked)


def assessment_bonus_eligible(grade: str | None) -> bool | None:
    """SCORE-6 考核奖金: "the lowest grade gets no assessment bonus" — False for 不称职 (civil
    servants) and 不合格 (public-institution staff), True for every other grade, None while
    the person has no grade yet. The bonus is money, paid outside the product; this is only
    whether the grade allows it (LEAVE-4's withholdings are flags of their own)."""
    if grade is None:
        return None
    if grade not in GRADE_LABELS:
        raise RuleViolation("SCORE-6", N_("Unknown grade: %(grade)s."), field="grade",
                            grade=grade)
    return grade not in LOWEST_GRADES
