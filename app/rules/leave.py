"""请假 — pure rules of leave (RULES.md §7 LEAVE-1..4) and of A/B cover during leave (AB-1/2).

Days are `Decimal` (half days are common); rule settings come in as keyword arguments whose
defaults are the values of RULES.md, so the service passes the `RuleSetting` values it loaded.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from app.rules.errors import N_, RuleViolation

HALF = Decimal("0.5")


def _days(days) -> Decimal:
    """`days` as a Decimal; via str so a float 0.1 is 0.1, not its binary neighbour."""
    return days if isinstance(days, Decimal) else Decimal(str(days))


def _positive_days(days) -> Decimal:
    """LEAVE-2: a leave of no days (or fewer) is no request."""
    value = _days(days)
    if value <= 0:
        raise RuleViolation("LEAVE-2", N_("A leave must last more than 0 days."), field="days")
    return value


def approver_for(days, office_head_max=HALF, director_max=Decimal(3)) -> str:
    """LEAVE-2 请假审批: who approves a leave of `days` days.

    Up to half a day → "office_head" (综合科负责人); over half a day up to 3 days → "director"
    (分管主任、主任); over 3 days → "secretary" (书记, the town head 镇长 is informed).
    """
    value = _positive_days(days)
    if value <= _days(office_head_max):
        return "office_head"
    if value <= _days(director_max):
        return "director"
    return "secretary"


def informs_town_head(days, director_max=Decimal(3)) -> bool:
    """LEAVE-2 报告镇长: a leave over 3 days is reported to the town head as well."""
    return _positive_days(days) > _days(director_max)


# LEAVE-2: the approver slot `approver_for` names, and the positions that fill it: "more than
# half a day up to 3 days → deputy director or director" (分管主任、主任).
APPROVER_POSITIONS = {
    "office_head": frozenset({"office_head"}),
    "director": frozenset({"director", "deputy_director"}),
    "secretary": frozenset({"secretary"}),
}


def approver_slots(position: str | None) -> frozenset[str]:
    """LEAVE-2: the `approver_for` results a person in `position` may decide (none for staff)."""
    return frozenset(slot for slot, holders in APPROVER_POSITIONS.items() if position in holders)


# LEAVE-2: the approver slots from the lowest to the highest, as `approver_for` climbs them.
APPROVER_LADDER = ("office_head", "director", "secretary")


def route_approver(slot: str, held_positions, free_positions) -> str:
    """LEAVE-2 with LEAVE-1 (四眼: a leave filed on someone's behalf is approved by someone other
    than the person who filed it; nobody approves their own): the slot a request is routed to.

    `slot` is what `approver_for` names; `held_positions` the positions of the center's active
    staff, `free_positions` those of the ones who may decide this request — everyone but the
    person taking the leave and whoever files it for them. The slot itself when someone free
    holds it, or when nobody holds it at all (a vacancy: the request waits for the appointment,
    as before). When its only holders are the requester or the filer, nobody could ever decide
    it there: it goes to the nearest slot above with someone free (the only office head files
    for a clerk: the directors decide — a higher approver may grant what a lower one may);
    with nobody free above, the nearest leadership slot below (the only secretary files: the
    directors decide) — never down to the office head, who does not grant longer leave.
    RULES.md names no fallback; this one keeps such a request decidable by someone else.
    """
    def filled(positions) -> set[str]:
        positions = frozenset(positions)
        return {name for name in APPROVER_LADDER if APPROVER_POSITIONS[name] & positions}

    free = filled(free_positions)
    if slot not in APPROVER_LADDER or slot in free or slot not in filled(held_positions):
        return slot
    rung = APPROVER_LADDER.index(slot)
    above = APPROVER_LADDER[rung + 1:]
    below = tuple(name for name in reversed(APPROVER_LADDER[:rung]) if name != "office_head")
    return next((name for name in above + below if name in free), slot)


def _check_period(start: date, end: date, rule_id: str) -> None:
    if end < start:
        raise RuleViolation(rule_id, N_("A leave cannot end before it starts."), field="end")


def _working_days(start: date, end: date, calendar) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)
            if calendar.is_working_day(start + timedelta(n))]


AM, PM = "am", "pm"  # 上午 / 下午 — the same values as app.rules.attendance (which imports this)
HALVES = (AM, PM)


def _period(value) -> tuple[date, date, bool, bool]:
    """AB-1: a period as (first day, last day, half_day_start, half_day_end) — from a (start,
    end) pair (whole days), a 4-tuple, or an object with the LeaveRequest attributes
    start_day, end_day, half_day_start, half_day_end."""
    if hasattr(value, "start_day"):
        return (value.start_day, value.end_day, bool(getattr(value, "half_day_start", False)),
                bool(getattr(value, "half_day_end", False)))
    start, end, *halves = value
    half_start, half_end = (list(halves) + [False, False])[:2]
    return start, end, bool(half_start), bool(half_end)


def period_halves(day: date, start: date, end: date, half_day_start: bool = False,
                  half_day_end: bool = False) -> frozenset[str]:
    """AB-1: the halves of `day` a planned period takes — `half_day_start`: only the afternoon
    of its first day; `half_day_end`: only the morning of its last day. A one-day period with
    both set is one half day: the afternoon (as `leave_working_days` counts it ½)."""
    if not start <= day <= end:
        return frozenset()
    halves = set(HALVES)
    if day == start and half_day_start:
        halves.discard(AM)
    if day == end and half_day_end and not (start == end and half_day_start):
        halves.discard(PM)
    return frozenset(halves)


def uncovered_halves(request, partner_leaves, calendar, *, half_day_start: bool = False,
                     half_day_end: bool = False) -> list[tuple[date, str]]:
    """AB-1 同期休假, judged per half-day: the (working day, half) pairs of `request` in which
    the A/B partner is away too — A away on a morning and B on the afternoon of the same day
    leaves someone present, so that day is no clash. Sorted by day, morning first.

    `request` and every partner leave are (start, end) pairs of whole days, 4-tuples (start,
    end, half_day_start, half_day_end) or objects with LeaveRequest's attributes; the keyword
    arguments give the half days of a (start, end) `request`."""
    start, end, half_start, half_end = _period(request)
    half_start, half_end = half_start or half_day_start, half_end or half_day_end
    _check_period(start, end, "AB-1")
    away = [p for p in map(_period, partner_leaves) if p[0] <= end and p[1] >= start]
    found = []
    for day in _working_days(start, end, calendar):
        mine = period_halves(day, start, end, half_start, half_end)
        theirs = set().union(*(period_halves(day, *p) for p in away)) if away else set()
        found.extend((day, half) for half in HALVES if half in mine and half in theirs)
    return found


def uncovered_days(request, partner_leaves, calendar, *, half_day_start: bool = False,
                   half_day_end: bool = False) -> list[date]:
    """AB-1 AB角不得同期休假: the working days of `request` on which the A/B partner is away too.

    Both ends of every period are included; the result is sorted, each day once. A non-working
    day needs no cover, so a clash over a holiday is no clash. Partner periods are taken as
    stored (an inverted one covers nothing); only the new request is checked. Presence is
    judged per half-day (`uncovered_halves`): with half days given — 4-tuples (start, end,
    half_day_start, half_day_end) or LeaveRequest-like objects — a day counts only when both
    are away in the same half of it; (start, end) pairs are whole days, unless the keyword
    arguments give the request's half days."""
    return sorted({day for day, _half in uncovered_halves(
        request, partner_leaves, calendar, half_day_start=half_day_start,
        half_day_end=half_day_end)})


def half_of(second: int, noon: int) -> str:
    """ATT-2 / AB-2: the half-day a second of the day belongs to — before the noon boundary
    (app.rules.attendance.noon_boundary) the morning, from it the afternoon."""
    return AM if second < noon else PM


def begun_halves(second: int | None, starts: tuple[int, int]) -> frozenset[str]:
    """AB-2: the half-days of a day already begun at `second` (None: the whole day, as for a
    past day) — `starts` are the seconds the morning and the afternoon begin (ATT-1)."""
    if second is None:
        return frozenset(HALVES)
    return frozenset(half for half, start in zip(HALVES, starts) if second >= start)


def absent_halves(begun, working_day: bool, clock_data: bool, clocked,
                  clocks_in: bool = True) -> frozenset[str]:
    """AB-2 / ATT-2 旷工 so far: the begun working half-days without a clock of the person's
    (`clocked`: the halves with one) — only on a working day with clock data: a day for which
    no clock record of anyone exists is "no data", never absence (ATT-2); someone who does not
    clock in (`clocks_in` off, ATT-2) is never absent by a missing clock. Leave, an errand or a
    meeting are other reasons of being away (app.services.away)."""
    if not (working_day and clock_data and clocks_in):
        return frozenset()
    return frozenset(half for half in HALVES if half in begun and half not in set(clocked))


def is_away(day: date, start_day: date, reported_back_on: date | None) -> bool:
    """LEAVE-3 / AB-2 请假在外 — the one rule of "away on `day`" for an approved leave.

    An approved leave keeps its person away from its first day until they report back (销假):
    `reported_back_on` is the day they were back at work, so that day and later are not away.
    Until then they stay away even past the end day — an overstay, or a 销假 not yet given —
    since nothing says they are back (AB-2: B keeps covering A; the to-do asks for the 销假).
    A half day counts: the person is away that day (which half: `leave_halves` of
    app.rules.attendance). A 补签单 (ATT-4) is work away from the desk, not leave: not here.
    `day` is today or a past day; planning future days (AB-1) uses the planned period.
    The SQL twin is app.services.away.away_condition.
    """
    return start_day <= day and (reported_back_on is None or day < reported_back_on)


def is_overdue(day: date, start_day: date, end_day: date, reported_back_on: date | None) -> bool:
    """LEAVE-3: away on `day` although the leave ended before it — the 销假 is owed (overstay
    without a 销假 so far). Its days past the end are not leave (ATT-3): absent without clocks,
    unless the general office accepts the reason at the 销假 (`taken_period`)."""
    return end_day < day and is_away(day, start_day, reported_back_on)


def overstay(end_day: date, half_day_end: bool, returned_on: date | None,
             calendar) -> dict[date, Decimal]:
    """LEAVE-3 / ATT-3 逾期未归: the working days a return on `returned_on` overstays, each with
    the part of it that was not leave — ½ for the afternoon of an end day that ended at noon
    (`half_day_end`), 1 for each working day after the end day before the return. These are
    the half days attendance finds absent without clocks (`leave_halves` of
    app.rules.attendance keeps the planned period of an overstay without reason), so their sum
    is the request's `overstay_days`. Empty when back on time or early."""
    if returned_on is None or returned_on <= end_day:
        return {}
    days = {}
    if half_day_end and calendar.is_working_day(end_day):
        days[end_day] = HALF
    days.update((day, Decimal(1)) for day in
                _working_days(end_day + timedelta(days=1), returned_on - timedelta(days=1),
                              calendar))
    return days


def overstay_excused(report_back_reason: str | None, overstay_days) -> bool:
    """ATT-3 / LEAVE-3 逾期有理由: a late return whose reason the general office accepted at the
    销假 — the service then stores the reason and counts no overstay days. Such days past the
    end are leave of the request's kind (`taken_period`); an overstay without reason is absence.
    The SQL twin is app.services.away.overstay_excused_condition."""
    return bool(report_back_reason) and overstay_days is not None and _days(overstay_days) == 0


def taken_period(start_day: date, end_day: date, half_day_start: bool, half_day_end: bool,
                 reported_back_on: date | None,
                 excused: bool = False) -> tuple[date, date, bool, bool] | None:
    """LEAVE-3 / LEAVE-4 / ATT-3 实际休假: the leave actually taken, as (first day, last day,
    half_day_start, half_day_end); None when the 销假 left nothing of it.

    - no 销假 yet, or back on time: the planned period (an open overstay is no leave);
    - back early (销假 on or before the end day): the first day up to the day before the 销假,
      the first day's half kept; a 销假 on the end day of a leave that ends at noon is on time
      (back for the afternoon as planned), a 销假 on the first day leaves nothing;
    - back late with the reason accepted (`excused`, see `overstay_excused`): up to the day
      before the 销假 — the afternoon of an end day that ended at noon included: the person
      was not back then either;
    - back late without reason: the planned period; the days after it are absence (ATT-3).
    """
    back = reported_back_on
    if back is None or (half_day_end and back == end_day):
        return start_day, end_day, half_day_start, half_day_end
    if back <= start_day:
        return None
    if back <= end_day or excused:
        return start_day, back - timedelta(days=1), half_day_start, False
    return start_day, end_day, half_day_start, half_day_end


def leave_working_days(start: date, end: date, calendar, half_day_start=False,
                       half_day_end=False) -> Decimal:
    """LEAVE-1 请假天数: the working days a leave takes, holidays and weekends not counted.

    `half_day_start` / `half_day_end` mean only half of that end day is taken (it counts only
    if it is a working day); a one-day leave with both set is one half day, not zero.
    """
    _check_period(start, end, "LEAVE-1")
    days = Decimal(len(_working_days(start, end, calendar)))
    if start == end:
        return days * HALF if (half_day_start or half_day_end) else days
    if half_day_start and calendar.is_working_day(start):
        days -= HALF
    if half_day_end and calendar.is_working_day(end):
        days -= HALF
    return days


def yearly_flags(personal_leave_days, sick_leave_days, absence_days, longest_absence_run=0, *,
                 personal_one_month=30, personal_half_year=60, sick_awards=30,
                 absence_bonus=7, absence_run_dismissal=15,
                 absence_year_dismissal=30) -> set[str]:
    """LEAVE-4 年度请假后果: the flags a year's 事假 / 病假 / 旷工 days raise (all "over", strictly).

    - 事假 over 30 days → "bonus_withheld_one_month" (扣发一个月考核奖);
      over 60 → "bonus_withheld_half_year" (取消半年考核奖) AND still "bonus_withheld_one_month":
      the seed's thresholds are cumulative (累计超过30天 … 累计超过60天), so someone over 60 is
      also over 30; flags only ever add up as days grow, and the half year's bonus includes the
      month's. The payroll side takes the larger one; the product pays no one.
    - 病假 over 30 → "not_eligible_for_awards" (不得参与当年评优评先).
    - 旷工 over 7 days → "year_bonus_cancelled" (取消全年考核奖).
    - 旷工 over 15 consecutive days, or over 30 days in the year → "dismissal_review" (辞退).
    """
    personal, sick, absent = _days(personal_leave_days), _days(sick_leave_days), _days(absence_days)
    if min(personal, sick, absent, _days(longest_absence_run)) < 0:
        raise RuleViolation("LEAVE-4", N_("A number of days cannot be negative."))
    flags: set[str] = set()
    if personal > personal_one_month:
        flags.add("bonus_withheld_one_month")
    if personal > personal_half_year:
        flags.add("bonus_withheld_half_year")
    if sick > sick_awards:
        flags.add("not_eligible_for_awards")
    if absent > absence_bonus:
        flags.add("year_bonus_cancelled")
    if _days(longest_absence_run) > absence_run_dismissal or absent > absence_year_dismissal:
        flags.add("dismissal_review")
    return flags


def may_approve_away(approver_id: int | None, approver_window_id: int | None, window_head: bool,
                     leadership: bool, person_id: int, person_window_id: int | None) -> bool:
    """ORG-2 / AB-2 窗口负责人审批本窗口AB角顶岗: the window head approves the cover of their own
    window — an errand or meeting registration (外出登记) of someone of their window, after which
    B covers that person's queue; never another window's, never their own. Leadership approves
    any but their own (a window head's own, staff outside a window)."""
    if approver_id is None or approver_id == person_id:
        return False
    if window_head and approver_window_id is not None and approver_window_id == person_window_id:
        return True
    return leadership


def may_register_away(actor_id: int | None, actor_window_id: int | None, window_head: bool,
                      leadership: bool, person_id: int, person_window_id: int | None) -> bool:
    """AB-2 外出登记: everyone registers their own errand (approved by the window head); the
    window head records those of their own window, Leadership anyone's."""
    if actor_id is not None and actor_id == person_id:
        return True
    return may_approve_away(actor_id, actor_window_id, window_head, leadership, person_id,
                            person_window_id)
