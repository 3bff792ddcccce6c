"""ROSTER-1/2: the rota's pure rules, without Flask or a database."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

import pytest

from app.rules.calendar import WorkCalendar
from app.rules.errors import RuleViolation
from app.rules.roster import (WEEK, check_log_content, generate_rota, hall_opening,
                              month_weeks, next_start, substitute_in_time, working_days_of_month)


class MondayToFriday:
    def __init__(self, closed=()):
        self.closed = set(closed)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed


def days_of(rota):
    result = {}
    for day, staff in rota:
        result.setdefault(day, []).append(staff)
    return result


def test_roster_1_day_mode_one_person_per_working_day_in_group_order():
    rota = generate_rota(2026, 11, [1, 2, 3], MondayToFriday())
    assert [staff for _, staff in rota[:7]] == [1, 2, 3, 1, 2, 3, 1]
    assert [day for day, _ in rota] == working_days_of_month(2026, 11, MondayToFriday())
    assert all(day.weekday() < 5 for day, _ in rota)


def test_roster_1_a_holiday_has_no_duty_and_the_order_skips_nobody():
    """2026-10-01..07 is the National Day holiday (official schedule); the month starts on the 8th."""
    rota = generate_rota(2026, 10, [1, 2, 3], WorkCalendar())
    days = days_of(rota)
    assert all(date(2026, 10, d) not in days for d in range(1, 8))
    assert rota[0] == (date(2026, 10, 8), 1) and rota[1] == (date(2026, 10, 9), 2)
    assert days[date(2026, 10, 10)] == [3]  # an adjusted working Saturday (调休上班) has duty


def test_roster_1_week_mode_one_person_per_week_handing_over_on_monday():
    rota = generate_rota(2026, 11, [7, 8, 9], MondayToFriday(), mode=WEEK)
    days = days_of(rota)
    # 2026-11-02 is a Monday; 11-02..06 one person, 11-09..13 the next.
    assert {tuple(days[date(2026, 11, d)]) for d in range(2, 7)} == {(7,)}
    assert {tuple(days[date(2026, 11, d)]) for d in range(9, 14)} == {(8,)}
    assert days[date(2026, 11, 16)] == [9] and days[date(2026, 11, 23)] == [7]


def test_roster_1_week_mode_hands_over_on_the_first_working_day_after_a_monday_holiday():
    closed = {date(2026, 11, 9)}
    rota = generate_rota(2026, 11, [7, 8], MondayToFriday(closed), mode=WEEK)
    days = days_of(rota)
    assert date(2026, 11, 9) not in days and days[date(2026, 11, 10)] == [8]


def test_roster_1_order_continues_from_the_previous_month():
    november = generate_rota(2026, 11, [1, 2, 3], MondayToFriday())
    last_day, last_staff = november[-1]
    december = generate_rota(2026, 12, [1, 2, 3], MondayToFriday(), last_duty=(last_day, [last_staff]))
    assert december[0][1] == [1, 2, 3][([1, 2, 3].index(last_staff) + 1) % 3]


def test_roster_1_week_spanning_two_months_is_finished_by_the_same_person():
    """December 2026 starts on a Tuesday: whoever took over on Monday 30 November keeps the week."""
    rota = generate_rota(2026, 12, [1, 2, 3], MondayToFriday(), mode=WEEK,
                         last_duty=(date(2026, 11, 30), [2]))
    days = days_of(rota)
    assert days[date(2026, 12, 1)] == [2] and days[date(2026, 12, 4)] == [2]
    assert days[date(2026, 12, 7)] == [3]


def test_roster_1_a_person_removed_from_the_order_restarts_it():
    assert next_start([1, 2, 3], [9]) == 0
    assert next_start([1, 2, 3], [3]) == 0
    assert next_start([1, 2, 3], [1, 2]) == 2


def test_roster_1_two_people_per_day_rotate_through_the_order():
    rota = generate_rota(2026, 11, [1, 2, 3], MondayToFriday(), people_per_day=2)
    days = days_of(rota)
    assert days[date(2026, 11, 2)] == [1, 2] and days[date(2026, 11, 3)] == [3, 1]
    counts = Counter(staff for _, staff in rota)
    assert max(counts.values()) - min(counts.values()) <= 1


@pytest.mark.parametrize("order, kwargs, field", [
    ([], {}, "order"),
    ([1, 1], {}, "order"),
    ([1, 2], {"people_per_day": 3}, "people_per_day"),
    ([1, 2], {"people_per_day": 0}, "people_per_day"),
    ([1, 2], {"mode": "month"}, "mode"),
])
def test_roster_1_refuses_an_unusable_order_or_setting(order, kwargs, field):
    with pytest.raises(RuleViolation) as caught:
        generate_rota(2026, 11, order, MondayToFriday(), **kwargs)
    assert caught.value.rule_id == "ROSTER-1" and caught.value.field == field


def test_roster_1_month_grid_is_whole_weeks():
    weeks = month_weeks(2026, 11)
    assert weeks[0][0] == date(2026, 10, 26) and weeks[-1][-1] == date(2026, 12, 6)
    assert all(len(week) == 7 for week in weeks)


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 11, 9, 17, 0), True),     # the day before
    (datetime(2026, 11, 10, 7, 49), True),    # the day itself before the hall opens
    (datetime(2026, 11, 10, 7, 50), False),   # the hall is open
    (datetime(2026, 11, 11, 7, 0), False),    # afterwards
])
def test_roster_2_substitute_arranged_in_advance(now, expected):
    assert substitute_in_time(date(2026, 11, 10), now, hall_opening(time(8, 0), 10)) is expected


def test_roster_2_a_duty_log_says_something():
    with pytest.raises(RuleViolation):
        check_log_content(False, False, False, "  ")
    check_log_content(False, False, False, "停电，未开空调")
    check_log_content(True, True, True, None)
