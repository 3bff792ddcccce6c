"""投诉 at the edges: who decides a complex complaint, when it is due, and what a refused
value says (COMP-2, COMP-4)."""

from datetime import date

import pytest

from app.rules.calendar import WorkCalendar
from app.rules.complaints import answer_due, escalation_step, is_complex, may_decide_outcome
from tests.rules.shown import breaks

D = date.fromisoformat


@pytest.mark.parametrize("complexity, other_windows, complex_", [
    ("complex", 0, True),
    ("simple", 1, True),  # the recorded window and one more: two windows
    ("simple", "1", True),  # as a form posts it
    ("simple", 0, False),
    (None, 0, False),
    ("Complex", 0, False),  # the stored value, exactly
])
def test_comp_2_complex_is_marked_or_concerns_two_or_more_windows(complexity, other_windows,
                                                                  complex_):
    assert is_complex(complexity, other_windows) is complex_


def test_comp_2_one_window_by_default():
    assert is_complex("simple") is False


@pytest.mark.parametrize("complex_, position, may", [
    (False, "office_head", True),  # a simple complaint: whoever handles complaints
    (False, None, True),
    (False, "director", True),
    (True, "director", True),  # a complex one goes to the director
    (True, "deputy_director", False),  # the deputy directors are not the director
    (True, None, False),
])
def test_comp_2_only_the_director_decides_a_complex_complaint(complex_, position, may):
    assert may_decide_outcome(complex_, position) is may


def test_comp_2_a_limit_of_zero_days_is_due_the_day_of_receipt():
    """COMP-2: 0 working days is answered on the day (the edge of "cannot be negative")."""
    assert answer_due(D("2026-10-13"), True, WorkCalendar(), limit_days=0) == D("2026-10-13")
    with breaks("COMP-2", field="limit_days", says="时限不能为负数"):
        answer_due(D("2026-10-13"), True, WorkCalendar(), limit_days=-1)


def test_comp_4_no_step_without_a_verified_complaint_is_said_at_the_count():
    with breaks("COMP-4", field="verified_in_year"):
        escalation_step(0)
    assert escalation_step(1) == 1
