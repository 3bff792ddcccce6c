"""投诉 — escalation of verified complaints and the answer's due date (COMP-2, COMP-4)."""

from datetime import date

import pytest

from app.rules.calendar import WorkCalendar
from app.rules.complaints import ESCALATION_LABELS, answer_due, escalation_step
from app.rules.errors import RuleViolation

CAL = WorkCalendar()
D = date.fromisoformat


@pytest.mark.parametrize(("count", "step"), [(1, 1), (2, 2), (3, 3), (4, 3), (10, 3)])
def test_comp_4_escalation_steps(count, step):
    assert escalation_step(count) == step


@pytest.mark.parametrize("count", [0, -1])
def test_comp_4_no_step_without_a_verified_complaint(count):
    with pytest.raises(RuleViolation) as caught:
        escalation_step(count)
    assert caught.value.rule_id == "COMP-4"


def test_comp_4_every_step_has_a_label():
    assert set(ESCALATION_LABELS) == {1, 2, 3}
    assert ESCALATION_LABELS[1] == "Oral criticism"


def test_comp_2_complex_complaint_due_in_15_working_days_receipt_not_counted():
    # Mon 2026-11-02 + 15 working days (no holiday in between) → Mon 2026-11-23.
    assert answer_due(D("2026-11-02"), True, CAL) == D("2026-11-23")


def test_comp_2_complex_complaint_skips_the_national_day_holiday():
    # Received Mon 2025-09-29; 10-01..10-08 off, Sat 09-28 and Sat 10-11 are working days.
    assert answer_due(D("2025-09-29"), True, CAL, limit_days=3) == D("2025-10-10")


def test_comp_2_custom_limit():
    assert answer_due(D("2026-11-02"), True, CAL, limit_days=5) == D("2026-11-09")


def test_comp_2_simple_complaint_due_on_promised_date_or_on_the_spot():
    assert answer_due(D("2026-11-02"), False, CAL, promised_on=D("2026-11-04")) == D("2026-11-04")
    assert answer_due(D("2026-11-02"), False, CAL) == D("2026-11-02")


def test_comp_2_negative_limit_is_refused():
    with pytest.raises(RuleViolation):
        answer_due(D("2026-11-02"), True, CAL, limit_days=-1)
