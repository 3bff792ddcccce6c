"""半年考核 — what the semi-annual assessment's items add up to, before `semiannual_score`
(SCORE-5/7).

Pure: `(kind, signed points)` pairs in, the points off per part out, with every sub-cap
applied named so the explanation page can show it (SCORE-7). The part maxima, the floor at
zero, the 绩 cap with innovation and the bonus cap stay in `app.rules.scoring.semiannual_score`.

The sub-items of 001 考核办法 (RULES.md SCORE-5): 勤 15 = attendance 8 + meetings 2 + duty 5
(001 gives attendance 8 and duty 5 and leaves the meetings' points blank: the 2 that make 15);
绩 = accuracy 10, on-time rate 10, satisfaction 10, reporting 5 = 35, plus innovation up to the
part's 40. A deduction in a sub-item stops when the sub-item is used up (扣分至小项扣完为止),
like the parts.

勤's items and their points (`QinPoints`, the semi.* settings with RULES.md's defaults):
- attendance 8: absence (旷工) −1 per half day; sick + personal leave over 20 days in the year
  (public holidays not counted) −2, once a year; every 5 late arrivals or early leaves −1; each
  empty post (空岗, an inspection's off-post finding) −1;
- meetings 2: late −0.5, absent without reason −1, per time;
- duty 5: leaving the post on one's own duty day is absence (−1 per time, as a half day of
  absence), and a duty day without its duty log (ROSTER-2) −1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from app.rules.errors import N_, RuleViolation
from app.rules.scoring import SEMIANNUAL_PARTS

ZERO = Decimal("0")
HUNDRED = Decimal("100")
TENTH = Decimal("0.1")
BONUS = "bonus"
INNOVATION = "innovation"

#: SCORE-5: the sub-items with their own maximum: group → (part, maximum).
SUBITEMS: Mapping[str, tuple[str, Decimal]] = MappingProxyType({
    "attendance": ("qin", Decimal("8")),  # 考勤: absence, leave over 20 days, late/early, 空岗
    "meetings": ("qin", Decimal("2")),  # 会议学习 (MEET-1); 15 − 8 − 5
    "duty": ("qin", Decimal("5")),  # 值班: leaving during duty, duty logs (ROSTER-2)
    "accuracy": ("ji", Decimal("10")),  # 办件准确率: −1 to −2 per wrong result
    "ontime": ("ji", Decimal("10")),  # 按时办结率: −0.5 per point below 100%
    "satisfaction": ("ji", Decimal("10")),  # 满意率: −1 to −2 per dissatisfied result
    "reporting": ("ji", Decimal("5")),  # 信息报送
})

#: SCORE-5: every kind of item → (part, sub-item or None). Deductions are negative points;
#: innovation (+5 per proven improvement) and praises are positive.
KINDS: Mapping[str, tuple[str, str | None]] = MappingProxyType({
    "manual_de": ("de", None),
    "manual_neng": ("neng", None),
    "attendance_absence": ("qin", "attendance"),
    "leave_over_limit": ("qin", "attendance"),
    "late_early": ("qin", "attendance"),
    "empty_post": ("qin", "attendance"),
    "meeting_late": ("qin", "meetings"),
    "meeting_absent": ("qin", "meetings"),
    "duty_absence": ("qin", "duty"),
    "duty_log_missing": ("qin", "duty"),
    "manual_qin": ("qin", None),
    "wrong_result": ("ji", "accuracy"),
    "ontime_rate": ("ji", "ontime"),
    "dissatisfied": ("ji", "satisfaction"),
    "reporting": ("ji", "reporting"),
    "innovation": ("ji", INNOVATION),
    "integrity": ("lian", None),
    "manual_lian": ("lian", None),
    "praise_written": (BONUS, None),
    "praise_media_county": (BONUS, None),
    "praise_media_city": (BONUS, None),
    "praise_media_national": (BONUS, None),
    "title_county": (BONUS, None),
    "title_city": (BONUS, None),
    "title_province": (BONUS, None),
    "title_national": (BONUS, None),
})

#: SCORE-5 受奖附加: points of each kind of praise (书面表扬 +2; 媒体表扬 county +3, city or
#: province +6, national +10; 先进个人 national +10, province +6, city +3, county +2).
PRAISE_POINTS: Mapping[str, Decimal] = MappingProxyType({
    "praise_written": Decimal("2"),
    "praise_media_county": Decimal("3"),
    "praise_media_city": Decimal("6"),
    "praise_media_national": Decimal("10"),
    "title_county": Decimal("2"),
    "title_city": Decimal("3"),
    "title_province": Decimal("6"),
    "title_national": Decimal("10"),
})

PRAISE_LABELS = {
    "praise_written": N_("Written praise"),
    "praise_media_county": N_("Media praise (county)"),
    "praise_media_city": N_("Media praise (city or province)"),
    "praise_media_national": N_("Media praise (national)"),
    "title_county": N_("Advanced individual (county)"),
    "title_city": N_("Advanced individual (city)"),
    "title_province": N_("Advanced individual (province)"),
    "title_national": N_("Advanced individual (national)"),
}

#: The manual kinds the office enters per person on the entry form and through the API (points
#: off, or innovation): 德, 能, accuracy and 信息报送 reporting of 绩 (SCORE-5: 001 gives the
#: reporting sub-item 5 points and no scale, so the office enters what it finds), 廉, innovation.
MANUAL_KINDS = ("manual_de", "manual_neng", "wrong_result", "reporting", "manual_lian",
                "innovation")


def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class QinPoints:
    """SCORE-5 勤: the points of its items. 001 leaves them blank except absence (旷工每半天扣1分);
    the defaults are RULES.md's, each a setting (semi.*): absence per half day 1; sick +
    personal leave over `leave_days_limit` (20) days in the year 2; every `late_early_count`
    (5) late arrivals or early leaves 1; each empty post (空岗) 1; meetings late 0.5, absent 1."""

    absence_half_day: Decimal = Decimal("1")
    leave_days_limit: Decimal = Decimal("20")
    leave_over: Decimal = Decimal("2")
    late_early_count: int = 5
    late_early: Decimal = Decimal("1")
    empty_post: Decimal = Decimal("1")
    meeting_late: Decimal = Decimal("0.5")
    meeting_absent: Decimal = Decimal("1")


def absence_deduction(half_days, points=Decimal("1")) -> Decimal:
    """SCORE-5 勤 attendance: 旷工每半天扣1分 — `points` per half day of absence (ATT-3: the
    half-days without clock, leave or excuse, and the half days ATT-3 adds)."""
    count, each = _dec(half_days), _dec(points)
    if count < ZERO or each < ZERO:
        raise RuleViolation("SCORE-5", N_("Counts and points cannot be negative."))
    return count * each


def leave_deduction(days_through, limit=Decimal("20"), points=Decimal("2"),
                    days_before=ZERO) -> Decimal:
    """SCORE-5 勤 attendance: 病、事假全年累计超过20天(不含法定假日) — `points` once a year, when
    the year's sick + personal leave days pass `limit` (over it: exactly 20 is not over).

    The half-year's assessment takes the deduction when the year's total up to its end
    (`days_through`) is over the limit and the total before it (`days_before`, the first half's
    for the second half; 0 for the first) was not: a year's leave is not deducted twice.
    """
    through, before, bound = _dec(days_through), _dec(days_before), _dec(limit)
    if min(through, before, bound, _dec(points)) < ZERO or before > through:
        raise RuleViolation("SCORE-5", N_("Counts and points cannot be negative."))
    return _dec(points) if through > bound >= before else ZERO


def late_early_deduction(count: int, every: int = 5, points=Decimal("1")) -> Decimal:
    """SCORE-5 勤 attendance: 迟到、早退每5次扣分 — `points` for every `every` late arrivals or
    early leaves of the half-year: 4 → 0, 5 → 1, 9 → 1, 10 → 2."""
    if count < 0 or every < 1 or _dec(points) < ZERO:
        raise RuleViolation("SCORE-5", N_("Counts and points cannot be negative."))
    return (count // every) * _dec(points)


@dataclass(frozen=True)
class Applied:
    """SCORE-7: one sub-item (or a part's un-grouped items): the raw sum of its points and
    what counted after its maximum (`note` "cap" when the maximum stopped it)."""

    part: str
    group: str | None
    raw: Decimal  # sum of the signed points (≤ 0 for deductions)
    counted: Decimal  # the points off that count (≥ 0), or the innovation / bonus added
    note: str | None


@dataclass(frozen=True)
class Breakdown:
    """SCORE-5: what `semiannual_score` needs, and how it was reached (SCORE-7)."""

    deductions: dict[str, Decimal]
    innovation: Decimal
    bonus: Decimal
    applied: tuple[Applied, ...] = field(default=())


def ontime_deduction(decided: int, on_time: int, per_point) -> tuple[Decimal, Decimal | None]:
    """SCORE-5 按时办结率: the points off (−`per_point` per percentage point below 100%, to one
    decimal, half up) and the rate in percent (None without decided cases: nothing off).

    19 of 20 on time → 95% → 2.5 off at 0.5 per point. The sub-item maximum (10) is applied by
    `breakdown`, so the explanation shows the raw deduction and the cap.
    """
    if decided < 0 or on_time < 0 or on_time > decided:
        raise RuleViolation("SCORE-5", N_("The on-time count must be between 0 and the "
                                          "number of decided cases."), field="on_time")
    if decided == 0:
        return ZERO, None
    rate = HUNDRED * Decimal(on_time) / Decimal(decided)
    off = ((HUNDRED - rate) * _dec(per_point)).quantize(TENTH, rounding=ROUND_HALF_UP)
    return off, rate.quantize(TENTH, rounding=ROUND_HALF_UP)


def breakdown(items: Iterable[tuple[str, object]]) -> Breakdown:
    """SCORE-5: the points off per part from `(kind, signed points)` items, each sub-item
    stopping at its maximum; innovation and praises summed apart (their caps are the rule
    function's). A deduction kind with positive points, or a bonus kind with negative ones,
    is refused: a sign error in the data, not a choice.
    """
    raw_groups: dict[tuple[str, str | None], Decimal] = {}
    for kind, points in items:
        if kind not in KINDS:
            raise RuleViolation("SCORE-5", N_("Unknown assessment item: %(kind)s."),
                                field="kind", kind=kind)
        value = _dec(points)
        part, group = KINDS[kind]
        positive = part == BONUS or group == INNOVATION
        if (positive and value < ZERO) or (not positive and value > ZERO):
            raise RuleViolation("SCORE-5", N_("Deductions are negative points, innovation and "
                                              "praise positive."), field="points")
        raw_groups[(part, group)] = raw_groups.get((part, group), ZERO) + value
    deductions = {part: ZERO for part in SEMIANNUAL_PARTS}
    innovation = bonus = ZERO
    applied = []
    for (part, group), raw in sorted(raw_groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if part == BONUS:
            bonus += raw
            applied.append(Applied(part, group, raw, raw, None))
        elif group == INNOVATION:
            innovation += raw
            applied.append(Applied(part, group, raw, raw, None))
        elif group in SUBITEMS:
            maximum = SUBITEMS[group][1]
            counted = min(maximum, -raw)
            deductions[part] += counted
            applied.append(Applied(part, group, raw, counted, "cap" if -raw > maximum else None))
        else:
            deductions[part] += -raw
            applied.append(Applied(part, group, raw, -raw, None))
    return Breakdown(deductions, innovation, bonus, tuple(applied))


def grade_category(staff_category: str) -> str:
    """SCORE-6: the grade names a staff category gets — 公务员 their own; 事业单位 and any other
    category ("other": contract and seconded staff) the public-institution names, since the
    rule has only those two scales."""
    return "civil_servant" if staff_category == "civil_servant" else "institution"
