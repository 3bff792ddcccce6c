"""半年考核 — what the semi-annual assessment's items add up to, before `semiannual_score`
(SCORE-5/7).

Pure: `(kind, signed points)` pairs in, the points off per part out, with every sub-cap
applied named so the explanation page can show it (SCORE-7). The part maxima, the floor at
zero, the 绩 cap with innovation and the bonus cap stay in `app.rules.scoring.semiannual_score`.

The sub-items of 001 考核办法 (RULES.md SCORE-5): 勤 15 = attendance 8 + meetings 2 + duty 5;
绩 40 = accuracy 10, on-time rate 10, satisfaction 10, reporting 5 (+ innovation). A deduction
in a sub-item stops when the sub-item is used up (扣分至小项扣完为止), like the parts.
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
    "attendance": ("qin", Decimal("8")),  # 出勤 (ATT-3 absence days)
    "meetings": ("qin", Decimal("2")),  # 会议学习 (MEET-1); 15 − 8 − 5
    "duty": ("qin", Decimal("5")),  # 值班 (ROSTER-2 duty logs)
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
    "meeting_late": ("qin", "meetings"),
    "meeting_absent": ("qin", "meetings"),
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
