"""考勤 — pure rules of attendance (RULES.md §6 ATT-1/2/3): work hours, late, early, absence.

Times are the center's local wall-clock `time`s; the caller converts timestamps first.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from app.rules.errors import N_, RuleViolation

HALF = Decimal("0.5")
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


def is_late(first_clock_in: time, start: time) -> bool:
    """ATT-2 迟到: the first clock-in of a half-day is after its start (on the minute is on time)."""
    return first_clock_in > start


def is_early_leave(last_clock_out: time, end: time) -> bool:
    """ATT-2 早退: the last clock-out of a half-day is before its end."""
    return last_clock_out < end


def absence_days(late_or_early_count: int, off_post_minutes: list[int], *, late_threshold=4,
                 off_post_limit_minutes=120) -> Decimal:
    """ATT-3 计旷工: the absence (旷工) days a month's lateness and off-post times add.

    004: "当月迟到或早退4次以上的计旷工半天" — 4 or more late/early leaves in the month count
    half a day ONCE for the month (not half a day per 4: the text counts the month, and 8 late
    arrivals still read "4次以上"). "擅离工作岗位时间超过2小时的计旷工半天" — each time off
    post for over 120 minutes adds half a day; exactly 2 hours does not.
    """
    if late_or_early_count < 0 or any(minutes < 0 for minutes in off_post_minutes):
        raise RuleViolation("ATT-3", N_("Counts and minutes cannot be negative."))
    days = HALF if late_or_early_count >= late_threshold else Decimal(0)
    return days + HALF * sum(1 for minutes in off_post_minutes if minutes > off_post_limit_minutes)
