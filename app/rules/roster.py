"""值班 — pure rules of the duty rota (RULES.md ROSTER-1/2): who is on duty on which day.

ROSTER-1: staff take duty in a fixed group order (按组次序依次轮流), one person per working day
(001) or one person per week handing over on the first working day of the week — Monday
morning in 002. A month's rota is generated from the order and the calendar and continues
where the previous month stopped (the person after the last one on duty).

ROSTER-2: a substitute (代班) is arranged in advance: before the duty day, or on the day before
the hall opens (`roster.duty_early_minutes` before the morning starts).

No Flask, no session: the calendar is any object with `is_working_day(day)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from app.rules.calendar import month_end
from app.rules.errors import N_, RuleViolation

DAY, WEEK = "day", "week"
ROSTER_MODES = (DAY, WEEK)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and the last day of the month."""
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise RuleViolation("ROSTER-1", N_("Choose a month."), field="month")
    first = date(year, month, 1)
    return first, month_end(first)


def month_weeks(year: int, month: int) -> list[list[date]]:
    """The calendar grid of the month: weeks Monday to Sunday, each of seven days (the days of
    the neighbouring months that fill the first and last week included)."""
    first, last = month_bounds(year, month)
    start = first - timedelta(days=first.weekday())
    weeks = []
    while start <= last:
        weeks.append([start + timedelta(days=i) for i in range(7)])
        start += timedelta(days=7)
    return weeks


def working_days_of_month(year: int, month: int, calendar) -> list[date]:
    """ROSTER-1: the month's duty days are its working days (the hall is open)."""
    first, last = month_bounds(year, month)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [day for day in days if calendar.is_working_day(day)]


def _week_of(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso[0], iso[1]


def next_start(order: Sequence[int], last_on_duty: Sequence[int]) -> int:
    """ROSTER-1: where the order continues: the position after the last of `last_on_duty`
    still in the order (the rota of the previous month); 0 when none of them is."""
    positions = [order.index(staff) for staff in last_on_duty if staff in order]
    return (positions[-1] + 1) % len(order) if positions else 0


def generate_rota(year: int, month: int, order: Sequence[int], calendar, *, mode: str = DAY,
                  people_per_day: int = 1, last_duty: tuple[date, Sequence[int]] | None = None
                  ) -> list[tuple[date, int]]:
    """ROSTER-1: the month's rota as (day, staff id) pairs, in day order.

    `order` is the group order of staff ids; `mode` "day" gives each working day the next
    `people_per_day` people, "week" gives each calendar week (Monday to Sunday) the next
    people, on duty on every working day of that week — they take over on its first working
    day. `last_duty` is the last duty day before the month and who was on duty then: the order
    continues after them, and in week mode, when that day lies in the month's first week (a
    week spanning two months), they finish their week.
    """
    if mode not in ROSTER_MODES:
        raise RuleViolation("ROSTER-1", N_("The rota mode is one person per day or per week."),
                            field="mode")
    if not order:
        raise RuleViolation("ROSTER-1", N_("The duty order is empty: put staff in the order "
                                           "first."), field="order")
    if len(set(order)) != len(order):
        raise RuleViolation("ROSTER-1", N_("A person appears twice in the duty order."),
                            field="order")
    if not 1 <= people_per_day <= len(order):
        raise RuleViolation("ROSTER-1", N_("People on duty per day must be between 1 and the "
                                           "number of people in the order (%(count)s)."),
                            field="people_per_day", count=len(order))
    order = list(order)
    previous = tuple(last_duty[1]) if last_duty else ()
    index = next_start(order, previous)

    def take() -> tuple[int, ...]:
        nonlocal index
        people = tuple(order[(index + i) % len(order)] for i in range(people_per_day))
        index = (index + people_per_day) % len(order)
        return people

    rota: list[tuple[date, int]] = []
    current_week, on_duty = None, ()
    if mode == WEEK and last_duty and previous:
        current_week, on_duty = _week_of(last_duty[0]), previous
    for day in working_days_of_month(year, month, calendar):
        if mode == DAY:
            on_duty = take()
        elif _week_of(day) != current_week:
            current_week, on_duty = _week_of(day), take()
        rota.extend((day, staff) for staff in on_duty)
    return rota


def substitute_in_time(day: date, now: datetime, hall_opens: time) -> bool:
    """ROSTER-2: a substitute is arranged in advance — before the duty day, or on the day
    itself before the hall opens (`now` is the center's wall-clock time)."""
    today = now.date()
    if today != day:
        return today < day
    return now.time() < hall_opens


def hall_opening(morning_start: time, early_minutes: int) -> time:
    """ROSTER-2: the duty person opens the hall `early_minutes` before the morning starts."""
    moment = datetime.combine(date(2000, 1, 1), morning_start) - timedelta(minutes=early_minutes)
    return moment.time()


def check_log_content(opened_hall: bool, closed_up: bool, cleaning_supervised: bool,
                      note: str | None) -> None:
    """ROSTER-2: a duty log says what the duty person did — at least one ticked duty or a
    note (a day the hall was not closed up needs the note saying why)."""
    if not (opened_hall or closed_up or cleaning_supervised or (note or "").strip()):
        raise RuleViolation("ROSTER-2", N_("Tick what was done on duty or write a note."),
                            field="note")


__all__ = ["DAY", "WEEK", "ROSTER_MODES", "month_bounds", "month_weeks", "working_days_of_month",
           "next_start", "generate_rota", "substitute_in_time", "hall_opening",
           "check_log_content"]
