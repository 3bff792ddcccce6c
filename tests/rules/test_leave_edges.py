"""请假 at the edges: each default of the leave rules, leave-like rows with and without half
days, who is away on the day they report back, and every refusal explained in Chinese next
to its field (LEAVE-1..4, AB-1, AB-2, ORG-2)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.rules.calendar import WorkCalendar
from app.rules.leave import (
    AM,
    PM,
    approver_for,
    approver_slots,
    is_away,
    is_overdue,
    leave_working_days,
    may_register_away,
    period_halves,
    taken_period,
    uncovered_days,
    uncovered_halves,
    yearly_flags,
)
from tests.rules.shown import breaks

CAL = WorkCalendar()
D = date.fromisoformat
MONDAY, TUESDAY, WEDNESDAY = D("2026-11-16"), D("2026-11-17"), D("2026-11-18")


def test_leave_2_a_float_tenth_of_a_day_is_a_tenth_not_its_binary_neighbour():
    """LEAVE-2: days typed as 0.1 compare as 0.1 with a threshold of 0.1 (via str)."""
    assert approver_for(0.1, office_head_max=Decimal("0.1")) == "office_head"


@pytest.mark.parametrize("position, slots", [
    ("office_head", {"office_head"}),
    ("director", {"director"}),
    ("deputy_director", {"director"}),  # 分管主任 approves "more than half a day up to 3 days"
    ("secretary", {"secretary"}),
    ("clerk", set()),
    (None, set()),
])
def test_leave_2_the_approver_slots_a_position_decides(position, slots):
    assert approver_slots(position) == slots


def test_leave_2_a_leave_of_no_days_is_refused_at_the_days():
    with breaks("LEAVE-2", field="days", says="0"):
        approver_for(0)


@pytest.mark.parametrize("call, rule_id", [
    (lambda: leave_working_days(TUESDAY, MONDAY, CAL), "LEAVE-1"),
    (lambda: uncovered_days((TUESDAY, MONDAY), [], CAL), "AB-1"),
])
def test_leave_1_ab_1_a_leave_ending_before_it_starts_is_refused_at_its_end(call, rule_id):
    with breaks(rule_id, field="end"):
        call()


def test_leave_1_whole_days_unless_half_days_are_said():
    """LEAVE-1: by default a leave takes its days whole (no half day at either end)."""
    assert leave_working_days(MONDAY, WEDNESDAY, CAL) == Decimal(3)
    assert leave_working_days(TUESDAY, TUESDAY, CAL) == Decimal(1)
    assert period_halves(TUESDAY, MONDAY, WEDNESDAY) == {AM, PM}
    assert period_halves(MONDAY, MONDAY, WEDNESDAY) == {AM, PM}
    assert period_halves(WEDNESDAY, MONDAY, WEDNESDAY) == {AM, PM}


def test_ab_1_leave_like_rows_without_half_day_attributes_are_whole_days():
    """AB-1: a row with only start_day and end_day (an errand, a meeting) takes whole days."""
    errand = SimpleNamespace(start_day=TUESDAY, end_day=TUESDAY)
    assert uncovered_halves((TUESDAY, TUESDAY), [errand], CAL) == [(TUESDAY, AM), (TUESDAY, PM)]


def test_ab_1_leave_like_rows_carry_their_half_days():
    """AB-1: the partner's leave starting at noon (afternoon only) and ending at noon
    (morning only) is read from the row's own half_day_start / half_day_end."""
    afternoon = SimpleNamespace(start_day=TUESDAY, end_day=TUESDAY, half_day_start=True,
                                half_day_end=False)
    morning = SimpleNamespace(start_day=TUESDAY, end_day=TUESDAY, half_day_start=False,
                              half_day_end=True)
    assert uncovered_halves((TUESDAY, TUESDAY), [afternoon], CAL) == [(TUESDAY, PM)]
    assert uncovered_halves((TUESDAY, TUESDAY), [morning], CAL) == [(TUESDAY, AM)]


def test_ab_1_a_request_for_the_afternoon_does_not_clash_with_the_partners_morning():
    """AB-1 per half-day, the request's half days given as keywords of `uncovered_days`."""
    partner = [(TUESDAY, TUESDAY, False, True)]  # the partner takes Tuesday morning
    assert uncovered_days((TUESDAY, TUESDAY), partner, CAL, half_day_start=True) == []
    assert uncovered_days((TUESDAY, TUESDAY), partner, CAL) == [TUESDAY]


@pytest.mark.parametrize("day, back, away", [
    ("2026-11-15", None, False),  # the day before the leave
    ("2026-11-16", None, True),  # its first day
    ("2026-11-20", None, True),  # past its end, no 销假 yet: still away
    ("2026-11-18", "2026-11-19", True),  # the day before the 销假
    ("2026-11-19", "2026-11-19", False),  # the day of the 销假: back at work
])
def test_leave_3_ab_2_away_from_the_first_day_until_the_report_back(day, back, away):
    assert is_away(D(day), MONDAY, back and D(back)) is away


@pytest.mark.parametrize("day, back, overdue", [
    ("2026-11-18", None, False),  # the end day itself
    ("2026-11-19", None, True),  # the day after it, no 销假: the 销假 is owed
    ("2026-11-19", "2026-11-19", False),  # back that day
    ("2026-11-20", "2026-11-19", False),
])
def test_leave_3_a_leave_is_overdue_after_its_end_until_the_report_back(day, back, overdue):
    assert is_overdue(D(day), MONDAY, WEDNESDAY, back and D(back)) is overdue


def test_leave_3_a_late_return_is_not_excused_unless_said():
    """LEAVE-3 / ATT-3: back late, by default without an accepted reason: the planned period
    (the days after it are absence)."""
    assert taken_period(MONDAY, WEDNESDAY, False, False, D("2026-11-20")) == (
        MONDAY, WEDNESDAY, False, False)


@pytest.mark.parametrize("personal, sick, absent, run", [
    (-1, 0, 0, 0), (0, -1, 0, 0), (0, 0, -1, 0), (0, 0, 0, -1)])
def test_leave_4_each_negative_number_of_days_is_refused(personal, sick, absent, run):
    with breaks("LEAVE-4", field=None):
        yearly_flags(personal, sick, absent, run)


def test_leave_4_no_run_of_absence_given_is_no_run():
    """LEAVE-4: without a longest run the year has none — even a dismissal threshold of 0
    consecutive days raises nothing for a year without absence."""
    assert yearly_flags(0, 0, 0, absence_run_dismissal=0) == set()


def test_ab_2_leadership_registers_anyones_errand():
    assert may_register_away(1, None, False, True, 3, 20)
    assert not may_register_away(1, None, False, False, 3, 20)
