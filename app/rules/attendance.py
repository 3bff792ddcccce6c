"""考勤 — pure rules of attendance (RULES.md §6 ATT-1/2/3): work hours, late, early, absence.

Times are the center's local wall-clock `time`s; the caller converts timestamps first.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from app.rules.errors import N_, RuleViolation
from app.rules.leave import taken_period

HALF = Decimal("0.5")
_NO_DAYS = Decimal(0)
SUMMER_HOURS = ((time(8, 0), time(11, 30)), (time(15, 0), time(18, 0)))
WINTER_HOURS = ((time(8, 0), time(11, 30)), (time(14, 0), time(17, 30)))


def work_hours_for(day: date, summer_start=(5, 1), winter_start=(10, 1), summer=SUMMER_HOURS,
                   winter=WINTER_HOURS) -> tuple[tuple[time, time], tuple[time, time]]:
    """ATT-1 作息时间: the (morning, afternoon) hours of `day`.

    Hours are 001's: summer 08:00–11:30 / 15:00–18:00, winter 08:00–11:30 / 14:00–17:30.
    001 names no season dates, so summer from 1 May and winter from 1 October are our
    configurable defaults (`(month, day)` pairs; summer runs up to the day before winter).
    """
    key = (day.month, day.day)
    if summer_start <= winter_start:
        in_summer = summer_start <= key < winter_start
    else:  # a summer that spans New Year (southern settings) — wraps around
        in_summer = key >= summer_start or key < winter_start
    return summer if in_summer else winter


def is_late(first_clock_in: time | int, start: time | int) -> bool:
    """ATT-2 迟到: the first clock-in of a half-day is after its start — a clock-in at the start
    second itself (08:00:00) is on time, one second after it (08:00:01) is late. Both are
    times, or both seconds of the day (`seconds`, the derivation's integer clocks)."""
    return first_clock_in > start


def is_early_leave(last_clock_out: time | int, end: time | int) -> bool:
    """ATT-2 早退: the last clock-out of a half-day is before its end — a clock-out at the end
    second itself (11:30:00) is no early leave, one second before it (11:29:59) is. Both are
    times, or both seconds of the day."""
    return last_clock_out < end


def absence_days(late_or_early_count: int, off_post_minutes: list[int], *, late_threshold=4,
                 off_post_limit_minutes=120) -> Decimal:
    """ATT-3 计旷工: the absence (旷工) days a month's lateness and off-post times add.

    004: "当月迟到或早退4次以上的计旷工半天" — 4 or more late/early leaves in the month count
    half a day ONCE for the month (not half a day per 4: the text counts the month, and 8 late
    arrivals still read "4次以上"). "擅离工作岗位时间超过2小时的计旷工半天" — each time off
    post for over 120 minutes adds half a day; exactly 2 hours does not.
    """
    # (a month without off-post times, most of them, walks no list: issue #21 P1)
    if late_or_early_count < 0 or (off_post_minutes and min(off_post_minutes) < 0):
        raise RuleViolation("ATT-3", N_("Counts and minutes cannot be negative."))
    days = HALF if late_or_early_count >= late_threshold else _NO_DAYS
    over = (sum(1 for minutes in off_post_minutes if minutes > off_post_limit_minutes)
            if off_post_minutes else 0)
    return days + HALF * over


# --- Half-days and clock times (ATT-1/2), used by the derivation and the import ---------------
AM, PM = "am", "pm"
OK, LATE, EARLY, LATE_EARLY, ABSENT, LEAVE, EXCUSED = (
    "ok", "late", "early", "late_early", "absent", "leave", "excused")
# ATT-2 无打卡数据: a working day for which no clock record of anyone has been imported or
# entered — nothing is derived from clocks for it (`unclocked_status`).
NO_DATA = "no_data"


def seconds(value: time) -> int:
    """A wall-clock time as seconds since midnight."""
    return value.hour * 3600 + value.minute * 60 + value.second


def parse_hhmm(text: str) -> time:
    """A rule setting's "08:00" as a time."""
    hours, minutes = str(text).strip().split(":")
    return time(int(hours), int(minutes))


def parse_month_day(text: str) -> tuple[int, int]:
    """A season start setting "05-01" as (5, 1) (ATT-1)."""
    month, day = str(text).strip().split("-")
    date(2000, int(month), int(day))  # a real day (29 February included)
    return int(month), int(day)


def noon_boundary(hours) -> int:
    """ATT-2: the second of the day that splits a day's clocks into morning and afternoon —
    halfway between the end of the morning and the start of the afternoon."""
    (_am_start, am_end), (pm_start, _pm_end) = hours
    return (seconds(am_end) + seconds(pm_start)) // 2


# ATT-2/3: a clocked half-day's verdict by (late, early) — `is_late(first, start)`,
# `is_early_leave(last, end)` — as its status and the late/early it counts: the one table
# `half_day_status` and `person_month` read.
_VERDICTS = {(False, False): (OK, 0), (True, False): (LATE, 1), (False, True): (EARLY, 1),
             (True, True): (LATE_EARLY, 2)}


def half_day_status(first: int | None, last: int | None, start: time, end: time) -> tuple[str, int]:
    """ATT-2/3: a worked half-day's status from its first and last clock (seconds of the day)
    and how many late/early it counts (0, 1 or 2). No clock at all is an absence (旷工).

    The first clock is the clock-in and the last the clock-out; a half-day with one clock
    only has both at once, so a single clock at 07:55 is an early leave (no clock-out) and a
    single clock at 11:40 a late arrival.
    """
    if first is None:
        return ABSENT, 0
    return _VERDICTS[is_late(first, seconds(start)), is_early_leave(last, seconds(end))]


NO_CLOCK = (None, None)


def person_month(staff_id: int, days, clocks, leave, excused, with_data, known) -> list[tuple]:
    """ATT-2/3/4: one staff member's working days in one pass (issue #21 P1: no call per
    half-day) — per day `(staff_id, day, am, pm, late_early, absent_halves)`, each half
    `(status, first, last)`: the statuses `half_day_status` and `unclocked_status` give.

    `days`: `(day, ((0, AM, start, end), (1, PM, start, end)))`, the half-days' hours (ATT-1)
    in seconds of the day; `clocks`: `(staff_id, day, half)` → `(first, last)` clock seconds;
    `leave`: `(staff_id, day)` → the halves on approved leave (`leave_halves`); `excused`: the
    `(staff_id, day, half)` of approved 补签单 (ATT-4); `with_data`: the days with a clock
    record of anyone (ATT-2); `known`: `(staff_id, day)` → the halves the leave records make
    absence (read for days without data). A half on leave is leave, then an excused half is
    excused (both keeping its clocks), then a day without data is "no data" (or the known
    absence, no clocks), then the clocks decide: none is absent, else late (first clock after
    the start) and/or early (last clock before the end).
    """
    out = []
    for day, hours in days:
        key = (staff_id, day)
        on_leave = leave[key] if key in leave else ()
        data = day in with_data
        late_early = absent = 0
        halves = [NO_CLOCK, NO_CLOCK]
        for index, half, start, end in hours:
            clock_key = (staff_id, day, half)
            first, last = clocks[clock_key] if clock_key in clocks else NO_CLOCK
            if half in on_leave:
                halves[index] = (LEAVE, first, last)
                continue
            if clock_key in excused:
                halves[index] = (EXCUSED, first, last)
                continue
            if not data:  # ATT-2: no clock of anyone that day
                status = unclocked_status(key in known and half in known[key])
                absent += status == ABSENT
                halves[index] = (status, None, None)
                continue
            if first is None:
                absent += 1
                halves[index] = (ABSENT, None, None)
                continue
            status, count = _VERDICTS[is_late(first, start), is_early_leave(last, end)]
            late_early += count
            halves[index] = (status, first, last)
        out.append((staff_id, day, halves[0], halves[1], late_early, absent))
    return out


def unclocked_status(known_absent: bool) -> str:
    """ATT-2/3: a half-day without clocks, leave or 补签单 on a day without any clock data (no
    clock record of anyone imported or entered): "no data", not absence — no late, no absence,
    nothing the month, LEAVE-4 or the deductions count. Unless the leave records themselves
    say the person was away (`known_absent`): an overstay without reason after a 销假, or a
    leave revoked as obtained by deception (ATT-3 以欺骗手段) — that absence is no clock's
    finding, so it stands without clock data too."""
    return ABSENT if known_absent else NO_DATA


def leave_halves(day: date, start_day: date, end_day: date, half_day_start: bool,
                 half_day_end: bool, reported_back_on: date | None = None,
                 excused: bool = False) -> set[str]:
    """ATT-3: the half-days of `day` an approved leave covers (none outside it).

    `half_day_start`: the leave begins at noon of its first day (only the afternoon);
    `half_day_end`: it ends at noon of its last day (only the morning). The days are those of
    the leave actually taken (LEAVE-3 `taken_period`): none from an early 销假 on; none past
    the end day for an overstay without reason — that is absence, not leave — but up to the
    销假 when the general office accepted the reason (`excused`).
    """
    period = taken_period(start_day, end_day, half_day_start, half_day_end, reported_back_on,
                          excused)
    if period is None or not period[0] <= day <= period[1]:
        return set()
    first, last, half_start, half_end = period
    halves = {AM, PM}
    if day == first and half_start:
        halves.discard(AM)
    if day == last and half_end:
        halves.discard(PM)
    return halves
