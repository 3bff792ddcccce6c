"""规则设置的取值范围 — the values each rule setting (RuleSetting) may take (INPUT-1 and the
rule the setting configures).

A setting that only had to parse as its type let Admin save values that break the rules they
configure: thresholds in the wrong order, a morning that ends before it starts, maxima above
the 100 points the month is scored out of, an attachment larger than any request may carry.
`check_setting` is the one check of a new value; its RuleViolation carries the setting's own
rule id, the field "value" and a message naming the allowed range.

Each seeded key has a bound in `SETTING_BOUNDS` (a key without one cannot be changed: a new
setting needs its bound first). The upper ends are generous, not the rules' own numbers; they
keep the counters in sense and the calendar walks short (a time limit of a million working
days walks the calendar past the year 9999):

- time limits in working days (CASE-5, NOTICE-1, NEG-2, COMP-2): 1..60, about three months —
  statutory limits are weeks; the due-soon warning (CASE-6): 1..20 working days;
- extensions (CASE-5): 0..5 times (the rules say once; a center may allow none, or a few);
- counts of people named (SCORE-3/4 red flags and stars): 1..50, the rota's people per day
  (ROSTER-1): 1..10; day counts of a year (LEAVE-4): 0..366; days of a month: 1..31;
- minutes early: 0..60 to arrive (ATT-1), 0..120 to open the hall (ROSTER-2); hours off post
  (ATT-3): 1..8; late or early leaves that make half a day of absence (ATT-3): 1..31 a month;
- points (SCORE-2/5/6): one decimal place, as scores are stored; a category or part maximum
  0..100, a bonus cap 0..10 (the score is at most 110), a threshold on a total 0..110, a
  share 0..100 percent; leave lengths (LEAVE-2) in half days; the points of 勤's items
  (SCORE-5) within their sub-item: 0..8 attendance, 0..2 meetings;
- the largest certificate (LEAVE-1): 1 MB up to the request limit (MAX_REQUEST_MB) less 1 MB
  for the rest of the upload form, passed in as `max_request_bytes`;
- texts: season starts are month-days MM-DD (ATT-1), the rota mode is day or week (ROSTER-1),
  the study days a list of days of the month (MEET-1).

Cross checks narrow a value's range by the settings it relates to (the `others`, current
typed values by key; one that is missing is not checked against):

- SCORE-6 thresholds: excellent ≥ competent ≥ basic;
- ATT-1 each season's hours: morning start < morning end ≤ afternoon start < afternoon end;
  summer and winter start on different days; ROSTER-2 the hall opens on the same day (the
  minutes early are at most each season's morning start);
- SCORE-2 the ten category maxima and SCORE-5 the five part maxima add up to at most 100: the
  month and the half-year are scored out of 100 plus a bonus. A setting is edited alone, so
  moving points between categories passes through a sum below 100 (`setting_notes` says what
  is left to do); lowering a maximum is always allowed, so a sum above 100 can be repaired;
- LEAVE-2 the office head's limit ≤ the director's; LEAVE-4 one month's bonus withheld at
  most as late as half a year's, a consecutive absence's dismissal at most as late as the
  yearly one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.rules.errors import N_, RuleViolation
from app.rules.meetings import parse_study_days
from app.rules.points import format_points
from app.rules.roster import ROSTER_MODES
from app.rules.scoring import DEFAULT_CATEGORIES, SEMIANNUAL_PARTS

FIELD = "value"
MEGABYTE = 1024 * 1024
# The upload form carries the file and a few fields (the CSRF token, the row's version): a
# megabyte is far more than they take, so a certificate at the limit is never refused as 413.
REQUEST_MARGIN_MB = 1
LAST_MINUTE = 24 * 60 - 1
NUMBER_KINDS = ("int", "decimal", "time")


@dataclass(frozen=True)
class Bound:
    """What one setting may hold: `kind` "int", "decimal", "time", "month_day", "choice" or
    "study_days"; numbers within `low`..`high` with at most `places` decimals, a multiple of
    `step` when given."""

    rule_id: str
    kind: str
    low: object = None
    high: object = None
    places: int = 0
    step: Decimal | None = None
    choices: tuple = ()


def _whole(rule_id: str, low: int, high: int) -> Bound:
    return Bound(rule_id, "int", low, high)


def _points(rule_id: str, low, high, places: int = 1) -> Bound:
    return Bound(rule_id, "decimal", Decimal(low), Decimal(high), places=places)


def _half_days(rule_id: str, low, high) -> Bound:
    return Bound(rule_id, "decimal", Decimal(low), Decimal(high), places=1, step=Decimal("0.5"))


_TIME = {"ATT-1": Bound("ATT-1", "time", 0, LAST_MINUTE),
         "MEET-1": Bound("MEET-1", "time", 0, LAST_MINUTE)}
CATEGORY_MAXIMA = tuple(f"score.{name.lower()}_max" for name in DEFAULT_CATEGORIES)
PART_MAXIMA = tuple(f"semi.part_{part}_max" for part in SEMIANNUAL_PARTS)

SETTING_BOUNDS: Mapping[str, Bound] = {
    "case.max_extension_days": _whole("CASE-5", 1, 60),
    "case.max_extensions": _whole("CASE-5", 0, 5),
    "case.due_soon_days": _whole("CASE-6", 1, 20),
    "notice.max_days": _whole("NOTICE-1", 1, 60),
    "neg.review_days": _whole("NEG-2", 1, 60),
    "neg.correction_notify_days": _whole("NEG-2", 1, 60),
    "neg.escalation_days": _whole("NEG-2", 1, 60),
    "roster.mode": Bound("ROSTER-1", "choice", choices=ROSTER_MODES),
    "roster.people_per_day": _whole("ROSTER-1", 1, 10),
    "roster.duty_early_minutes": _whole("ROSTER-2", 0, 120),
    "att.summer_starts": Bound("ATT-1", "month_day"),
    "att.winter_starts": Bound("ATT-1", "month_day"),
    "att.summer_am_start": _TIME["ATT-1"],
    "att.summer_am_end": _TIME["ATT-1"],
    "att.summer_pm_start": _TIME["ATT-1"],
    "att.summer_pm_end": _TIME["ATT-1"],
    "att.winter_am_start": _TIME["ATT-1"],
    "att.winter_am_end": _TIME["ATT-1"],
    "att.winter_pm_start": _TIME["ATT-1"],
    "att.winter_pm_end": _TIME["ATT-1"],
    "att.arrive_early_minutes": _whole("ATT-1", 0, 60),
    "att.late_count_half_day_absence": _whole("ATT-3", 1, 31),
    "att.leave_post_hours": _whole("ATT-3", 1, 8),
    "leave.max_attachment_mb": _whole("LEAVE-1", 1, 1024),
    "leave.office_head_max_days": _half_days("LEAVE-2", "0.5", "30"),
    "leave.director_max_days": _half_days("LEAVE-2", "0.5", "366"),
    "leave.personal_month_bonus_days": _whole("LEAVE-4", 0, 366),
    "leave.personal_half_year_bonus_days": _whole("LEAVE-4", 0, 366),
    "leave.sick_award_days": _whole("LEAVE-4", 0, 366),
    "leave.absence_bonus_days": _whole("LEAVE-4", 0, 366),
    "leave.absence_consecutive_dismissal_days": _whole("LEAVE-4", 0, 366),
    "leave.absence_yearly_dismissal_days": _whole("LEAVE-4", 0, 366),
    "comp.complex_answer_days": _whole("COMP-2", 1, 60),
    **{key: _points("SCORE-2", 0, 100) for key in CATEGORY_MAXIMA},
    "score.bonus_cap": _points("SCORE-2", 0, 10),
    "score.peer_opens_day": _whole("SCORE-2", 1, 31),
    "score.peer_closes_day": _whole("SCORE-2", 1, 31),
    "score.red_flag_count": _whole("SCORE-3", 1, 50),
    "score.star_count": _whole("SCORE-4", 1, 50),
    "score.service_star_count": _whole("SCORE-4", 1, 50),
    "score.satisfied_min": _points("SCORE-4", 0, 110),
    **{key: _points("SCORE-5", 0, 100) for key in PART_MAXIMA},
    "semi.bonus_cap": _points("SCORE-5", 0, 10),
    # Points per percentage point of on-time rate: a rate, not a score (the deduction it
    # gives is rounded to the tenth), so 0.25 is fine; 10 takes the whole sub-item at 1 %.
    "semi.ontime_per_point": _points("SCORE-5", 0, 10, places=2),
    # 勤's items: attendance points within its sub-item of 8, the meetings' within 2; the
    # leave limit in days of a year, the late/early count at least 1 (a deduction per 0 is
    # no rule) and at most a year's half-days.
    "semi.absence_half_day_points": _points("SCORE-5", 0, 8),
    "semi.leave_days_limit": _whole("SCORE-5", 0, 366),
    "semi.leave_over_points": _points("SCORE-5", 0, 8),
    "semi.late_early_count": _whole("SCORE-5", 1, 500),
    "semi.late_early_points": _points("SCORE-5", 0, 8),
    "semi.empty_post_points": _points("SCORE-5", 0, 8),
    "semi.meeting_late_points": _points("SCORE-5", 0, 2),
    "semi.meeting_absent_points": _points("SCORE-5", 0, 2),
    "grade.excellent": _points("SCORE-6", 0, 110),
    "grade.competent": _points("SCORE-6", 0, 110),
    "grade.basic": _points("SCORE-6", 0, 110),
    "grade.excellent_share": _points("SCORE-6", 0, 100),
    "meet.weekday": _whole("MEET-1", 1, 7),
    "meet.time": _TIME["MEET-1"],
    "meet.study_days": Bound("MEET-1", "study_days"),
}


# --- Cross checks -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chain:
    """Settings that run in order, lowest first; `gaps[i]` is the least difference between
    keys[i] and keys[i + 1] (a minute for a half-day's start and end, 0 for 'at most')."""

    keys: tuple[str, ...]
    gaps: tuple[int, ...]
    message: str


@dataclass(frozen=True)
class Share:
    """Maxima that share `total` points between them (SCORE-2 categories, SCORE-5 parts)."""

    keys: tuple[str, ...]
    total: Decimal
    message: str
    note: str


def _hours(season: str) -> tuple[str, ...]:
    return tuple(f"att.{season}_{half}_{end}" for half in ("am", "pm") for end in ("start", "end"))


CHAINS = (
    Chain(("grade.basic", "grade.competent", "grade.excellent"), (0, 0),
          N_("The grade thresholds run excellent ≥ competent ≥ basic: enter a number from "
             "%(low)s to %(high)s.")),
    Chain(_hours("summer"), (1, 0, 1),
          N_("Summer hours run in order (morning start, morning end, afternoon start, afternoon "
             "end): enter a time from %(low)s to %(high)s.")),
    Chain(_hours("winter"), (1, 0, 1),
          N_("Winter hours run in order (morning start, morning end, afternoon start, afternoon "
             "end): enter a time from %(low)s to %(high)s.")),
    Chain(("leave.office_head_max_days", "leave.director_max_days"), (0,),
          N_("The general office head approves shorter leave than the director: enter a number "
             "of days from %(low)s to %(high)s.")),
    Chain(("leave.personal_month_bonus_days", "leave.personal_half_year_bonus_days"), (0,),
          N_("One month's bonus is withheld before half a year's: enter a number of days from "
             "%(low)s to %(high)s.")),
    Chain(("leave.absence_consecutive_dismissal_days", "leave.absence_yearly_dismissal_days"), (0,),
          N_("Consecutive absence raises a dismissal case no later than the year's absence: "
             "enter a number of days from %(low)s to %(high)s.")),
)
SHARES = (
    Share(CATEGORY_MAXIMA, Decimal(100),
          N_("The category maxima add up to at most 100 (the other categories have %(taken)s): "
             "enter a number from %(low)s to %(high)s."),
          N_("The category maxima now add up to %(total)s, not 100: change the others so that "
             "the monthly score is out of 100 again.")),
    Share(PART_MAXIMA, Decimal(100),
          N_("The part maxima add up to at most 100 (the other parts have %(taken)s): enter a "
             "number from %(low)s to %(high)s."),
          N_("The part maxima now add up to %(total)s, not 100: change the others so that the "
             "semi-annual score is out of 100 again.")),
)
MORNING_STARTS = ("att.summer_am_start", "att.winter_am_start")
SEASON_STARTS = ("att.summer_starts", "att.winter_starts")


@dataclass(frozen=True)
class Limit:
    """A range a cross check allows; None ends are the setting's own bounds."""

    low: object
    high: object
    message: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Note:
    """A remark on a saved setting that breaks no rule but leaves something to do."""

    rule_id: str
    message: str
    params: dict

    def render(self, translate=lambda s: s) -> str:
        return translate(self.message) % self.params


def check_setting(key: str, value, others: Mapping[str, object], *,
                  max_request_bytes: int | None = None) -> None:
    """INPUT-1 and the setting's rule: `value` (typed as `parse_setting` reads it) is one rule
    setting `key` may take, given the `others` (current typed values by key; the key's own
    current value, when given, lets a maximum be lowered whatever the sum) and the request
    limit `max_request_bytes` (MAX_CONTENT_LENGTH; None: no limit). Raises RuleViolation."""
    bound = SETTING_BOUNDS.get(key)
    if bound is None:
        raise RuleViolation("INPUT-1", N_("This setting has no known bounds, so it cannot be "
                                          "changed here."), field=FIELD)
    _check_text(bound, value)
    values = {**others, key: value}
    limits = list(_cross_limits(key, bound, values, others.get(key), max_request_bytes))
    if bound.kind in NUMBER_KINDS:
        _check_limits(bound, value, [Limit(None, None, _range_message(bound)), *limits])


def setting_notes(key: str, values: Mapping[str, object]) -> list[Note]:
    """SCORE-2/5: after `key` was saved, what is left to do: maxima that no longer add up to
    100 (`values` are all current typed values)."""
    notes = []
    for share in SHARES:
        if key in share.keys and all(_is_number(values.get(k)) for k in share.keys):
            total = sum((Decimal(values[k]) for k in share.keys), Decimal(0))
            if total != share.total:
                notes.append(Note(SETTING_BOUNDS[key].rule_id, share.note,
                                  {"total": format_points(total)}))
    return notes


# --- One setting alone --------------------------------------------------------------------------
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})", re.ASCII)
_HHMM = re.compile(r"(\d{2}):(\d{2})", re.ASCII)


def _check_text(bound: Bound, value) -> None:
    """A text setting's form (numbers and times are checked with their cross limits)."""
    kind = bound.kind
    if kind == "month_day":
        _month_day(bound, value)
    elif kind == "choice":
        if value not in bound.choices:
            raise RuleViolation(bound.rule_id, N_("Enter one of: %(choices)s."), field=FIELD,
                                choices=", ".join(bound.choices))
    elif kind == "study_days":
        try:
            parse_study_days(value)
        except RuleViolation as violation:
            raise RuleViolation(bound.rule_id, violation.message, field=FIELD) from None


def _range_message(bound: Bound) -> str:
    if bound.kind == "int":
        return N_("Enter a whole number from %(low)s to %(high)s.")
    if bound.kind == "time":
        return N_("Enter a time from %(low)s to %(high)s, as HH:MM.")
    if bound.step is not None:
        return N_("Enter a number from %(low)s to %(high)s in half days (0.5, 1, 1.5 …).")
    if bound.places == 1:
        return N_("Enter a number from %(low)s to %(high)s with at most one decimal place.")
    return N_("Enter a number from %(low)s to %(high)s with at most two decimal places.")


def _month_day(bound: Bound, value) -> tuple[int, int]:
    """ATT-1: a season start "05-01" as (5, 1): a real day of a year (29 February included)."""
    match = _MONTH_DAY.fullmatch(str(value).strip())
    try:
        if match is None:
            raise ValueError(value)
        month, day = int(match[1]), int(match[2])
        date(2000, month, day)
    except ValueError:
        raise RuleViolation(bound.rule_id, N_("Enter a month and day as MM-DD, e.g. 05-01."),
                            field=FIELD) from None
    return month, day


# --- Comparing values ---------------------------------------------------------------------------
def _is_number(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool) and (
        not isinstance(value, Decimal) or value.is_finite())


def _comparable(bound: Bound, value):
    """`value` as a number to compare (a time as minutes of the day); None when it cannot be."""
    if bound.kind == "time":
        match = _HHMM.fullmatch(str(value))
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            return None
        return int(match[1]) * 60 + int(match[2])
    return value if _is_number(value) else None


def _shown(bound: Bound, number) -> str:
    if bound.kind == "time":
        return f"{number // 60:02d}:{number % 60:02d}"
    return format_points(number) if isinstance(number, Decimal) else str(number)


def _fits(bound: Bound, number) -> bool:
    if isinstance(number, Decimal):
        if (number * 10**bound.places) % 1 != 0:
            return False
        if bound.step is not None and number % bound.step != 0:
            return False
    return bound.kind != "int" or isinstance(number, int)


def _check_limits(bound: Bound, value, limits: list[Limit]) -> None:
    """`value` within every limit; the message is the first broken limit's, with the range
    all of them leave (so any value in the range it names passes)."""
    low = max([bound.low] + [limit.low for limit in limits if limit.low is not None])
    high = min([bound.high] + [limit.high for limit in limits if limit.high is not None])
    number = _comparable(bound, value)
    for limit in limits:
        if (number is not None and _fits(bound, number)
                and (limit.low is None or limit.low <= number)
                and (limit.high is None or number <= limit.high)
                and bound.low <= number <= bound.high):
            continue
        raise RuleViolation(bound.rule_id, limit.message, field=FIELD, low=_shown(bound, low),
                            high=_shown(bound, high), **limit.params)


# --- Cross checks -------------------------------------------------------------------------------
def _cross_limits(key: str, bound: Bound, values, current, max_request_bytes):
    for chain in CHAINS:
        if key in chain.keys:
            yield _chain_limit(chain, key, bound, values)
    for share in SHARES:
        if key in share.keys:
            limit = _share_limit(share, key, values, current)
            if limit is not None:
                yield limit
    yield from _hall_limits(key, bound, values)
    if key in SEASON_STARTS:
        _check_seasons(key, bound, values)
    if key == "leave.max_attachment_mb" and max_request_bytes is not None:
        limit_mb = max_request_bytes // MEGABYTE
        yield Limit(None, limit_mb - REQUEST_MARGIN_MB,
                    N_("A certificate must fit in one upload of at most %(limit)s MB "
                       "(the system's upload limit), with 1 MB left for the rest of the form: "
                       "enter a whole number from %(low)s to %(high)s."), {"limit": limit_mb})


def _neighbour(bound: Bound, values, key: str):
    return _comparable(bound, values[key]) if key in values else None


def _chain_limit(chain: Chain, key: str, bound: Bound, values) -> Limit:
    """The range `key` may take between its neighbours in the chain (a missing one: none)."""
    at = chain.keys.index(key)
    low = high = None
    if at > 0:
        below = _neighbour(bound, values, chain.keys[at - 1])
        low = None if below is None else below + chain.gaps[at - 1]
    if at < len(chain.keys) - 1:
        above = _neighbour(bound, values, chain.keys[at + 1])
        high = None if above is None else above - chain.gaps[at]
    return Limit(low, high, chain.message)


def _share_limit(share: Share, key: str, values, current) -> Limit | None:
    """What is left of the total for `key` — or its current value, if more: lowering a maximum
    never makes the sum larger, so a sum above the total can always be repaired."""
    others = [values.get(k) for k in share.keys if k != key]
    if not all(_is_number(v) for v in others):
        return None
    taken = sum((Decimal(v) for v in others), Decimal(0))
    high = share.total - taken
    if _is_number(current):
        high = max(high, Decimal(current))
    return Limit(None, high, share.message, {"taken": format_points(taken)})


def _hall_limits(key: str, bound: Bound, values):
    """ROSTER-2: the hall opens `roster.duty_early_minutes` before the morning starts, on the
    same day — never before midnight, which would put the opening on the day before."""
    time_bound = _TIME["ATT-1"]
    if key == "roster.duty_early_minutes":
        starts = [m for m in (_neighbour(time_bound, values, k) for k in MORNING_STARTS)
                  if m is not None]
        if starts:
            yield Limit(None, min(starts),
                        N_("The duty person opens the hall this many minutes before the earliest "
                           "morning start (%(start)s), on the same day: enter a whole number from "
                           "%(low)s to %(high)s."), {"start": _shown(time_bound, min(starts))})
    elif key in MORNING_STARTS and _is_number(values.get("roster.duty_early_minutes")):
        minutes = values["roster.duty_early_minutes"]
        yield Limit(minutes, None,
                    N_("The duty person opens the hall %(minutes)s minutes before the morning "
                       "starts, on the same day: enter a time from %(low)s to %(high)s."),
                    {"minutes": minutes})


def _check_seasons(key: str, bound: Bound, values) -> None:
    """ATT-1: summer and winter hours start on different days (on the same day, one season
    would never come)."""
    other = SEASON_STARTS[1 - SEASON_STARTS.index(key)]
    if other not in values:
        return
    try:
        theirs = _month_day(bound, values[other])
    except RuleViolation:
        return  # a stored value that does not read is no day to clash with
    if _month_day(bound, values[key]) == theirs:
        raise RuleViolation(bound.rule_id, N_("Summer and winter hours cannot start on the same "
                                              "day (%(day)s)."), field=FIELD,
                            day=f"{theirs[0]:02d}-{theirs[1]:02d}")


__all__ = ["SETTING_BOUNDS", "Bound", "Note", "check_setting", "setting_notes"]
