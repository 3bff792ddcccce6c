"""值班 at the edges: the first and last day of a month and of the calendar, the whole order on
duty at once, a week number met again a year later, each duty ticked alone, and every
refusal explained in Chinese next to its field (ROSTER-1, ROSTER-2)."""

from datetime import date

import pytest

from app.rules.calendar import WorkCalendar
from app.rules.roster import (WEEK, check_log_content, generate_rota, month_bounds,
                               working_days_of_month)
from tests.rules.shown import breaks

CAL = WorkCalendar()
D = date.fromisoformat


def test_roster_1_the_duty_days_of_a_month_run_from_its_first_to_its_last_working_day():
    """ROSTER-1: November 2026 — Monday 2 to Monday 30, not 1 December."""
    days = working_days_of_month(2026, 11, CAL)
    assert (days[0], days[-1], len(days)) == (D("2026-11-02"), D("2026-11-30"), 21)


@pytest.mark.parametrize("year, month, bounds", [
    (1, 1, ("0001-01-01", "0001-01-31")),
    (9999, 12, ("9999-12-01", "9999-12-31")),
    (2026, 1, ("2026-01-01", "2026-01-31")),
])
def test_roster_1_every_month_of_the_calendar_can_be_chosen(year, month, bounds):
    assert month_bounds(year, month) == tuple(D(day) for day in bounds)


@pytest.mark.parametrize("year, month", [(2026, 0), (2026, 13), (0, 5), (10000, 1)])
def test_roster_1_a_month_that_does_not_exist_is_refused_at_the_month(year, month):
    with breaks("ROSTER-1", field="month"):
        month_bounds(year, month)


def test_roster_1_the_whole_order_may_be_on_duty_every_day():
    rota = generate_rota(2026, 11, [1, 2], CAL, people_per_day=2)
    assert rota[:4] == [(D("2026-11-02"), 1), (D("2026-11-02"), 2), (D("2026-11-03"), 1),
                        (D("2026-11-03"), 2)]
    with breaks("ROSTER-1", field="people_per_day", says="2"):
        generate_rota(2026, 11, [1, 2], CAL, people_per_day=3)


@pytest.mark.parametrize("order, mode, field", [([], "day", "order"), ([1, 1], "day", "order"),
                                                ([1, 2], "month", "mode")])
def test_roster_1_an_unusable_order_or_mode_says_why(order, mode, field):
    with breaks("ROSTER-1", field=field):
        generate_rota(2026, 11, order, CAL, mode=mode)


def test_roster_1_a_last_duty_a_year_ago_in_the_same_week_number_does_not_continue_the_week():
    """ROSTER-1 week mode: the people of the last duty finish their week only if it is the
    same week — week 5 of 2026 is not week 5 of 2027 (a rota resumed after a year)."""
    rota = generate_rota(2027, 2, [1, 2, 3], CAL, mode=WEEK, last_duty=(D("2026-01-30"), [1]))
    assert rota[0] == (D("2027-02-01"), 2)


@pytest.mark.parametrize("ticks", [(True, False, False), (False, True, False),
                                   (False, False, True)])
def test_roster_2_one_ticked_duty_is_a_log(ticks):
    check_log_content(*ticks, None)


@pytest.mark.parametrize("note", [None, "", "  "])
def test_roster_2_a_log_with_nothing_ticked_and_no_note_is_refused_at_the_note(note):
    with breaks("ROSTER-2", field="note"):
        check_log_content(False, False, False, note)
