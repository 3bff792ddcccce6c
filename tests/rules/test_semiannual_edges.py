"""半年考核 at the edges (SCORE-5/7): zero counts and zero points, every late arrival costing
when the setting is 1, a sub-item used up exactly, rates rounded half up, the explanation
(SCORE-7) of every kind of item in its order, and each refusal explained in Chinese."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.rules.semiannual import (
    Applied,
    absence_deduction,
    breakdown,
    late_early_deduction,
    leave_deduction,
    ontime_deduction,
)
from tests.rules.shown import breaks


def test_score_5_no_absence_costs_nothing_and_a_zero_point_setting_too():
    assert absence_deduction(0) == 0
    assert absence_deduction(3, points=D(0)) == 0


@pytest.mark.parametrize("half_days, points", [(-1, 1), (1, -1)])
def test_score_5_negative_absence_or_points_are_refused(half_days, points):
    with breaks("SCORE-5", field=None):
        absence_deduction(half_days, points)


def test_score_5_every_late_arrival_costs_when_the_setting_is_1():
    assert late_early_deduction(3, every=1) == 3
    assert late_early_deduction(10, points=D(0)) == 0


@pytest.mark.parametrize("count, every, points", [(-1, 5, 1), (5, 0, 1), (5, 5, -1)])
def test_score_5_late_early_setting_out_of_sense_is_refused(count, every, points):
    with breaks("SCORE-5", field=None):
        late_early_deduction(count, every, points)


@pytest.mark.parametrize("through, limit, points, before", [
    (-1, 20, 2, 0), (21, -1, 2, 0), (21, 20, -2, 0), (21, 20, 2, -1), (10, 20, 2, 11)])
def test_score_5_leave_days_or_points_out_of_sense_are_refused(through, limit, points, before):
    with breaks("SCORE-5", field=None):
        leave_deduction(through, limit, points, before)


@pytest.mark.parametrize("decided, on_time", [(5, -1), (-1, 0), (5, 6)])
def test_score_5_an_on_time_count_outside_the_decided_cases_is_refused_at_it(decided, on_time):
    with breaks("SCORE-5", field="on_time"):
        ontime_deduction(decided, on_time, D("0.5"))


def test_score_5_on_time_rate_and_its_deduction_are_rounded_half_up():
    """SCORE-5: 7 of 8 → 87.5% → 12.5 points below 100 × 0.5 = 6.25 → 6.3 (not 6.2);
    397 of 400 → 99.25% → shown 99.3%."""
    assert ontime_deduction(8, 7, D("0.5")) == (D("6.3"), D("87.5"))
    assert ontime_deduction(400, 397, D("0.5"))[1] == D("99.3")


def test_score_7_a_sub_item_used_up_exactly_is_not_capped():
    result = breakdown([("attendance_absence", "-8")])
    assert result.applied == (Applied("qin", "attendance", D(-8), D(8), None),)


def test_score_5_zero_points_are_neither_deduction_nor_bonus_of_the_wrong_sign():
    result = breakdown([("innovation", "0"), ("praise_written", "0"), ("manual_de", "0")])
    assert (result.innovation, result.bonus, result.deductions["de"]) == (0, 0, 0)


def test_score_7_every_kind_of_item_is_explained_part_by_part_in_order():
    """SCORE-7: the explanation lists each part's items un-grouped first, then its sub-items
    by name; innovation and the bonus with what they add."""
    result = breakdown([("duty_log_missing", "-1"), ("praise_written", "2"),
                        ("manual_qin", "-1.5"), ("innovation", "5"),
                        ("attendance_absence", "-2"), ("title_county", "2"),
                        ("manual_de", "-3")])
    assert result.applied == (
        Applied("bonus", None, D(4), D(4), None),
        Applied("de", None, D(-3), D(3), None),
        Applied("ji", "innovation", D(5), D(5), None),
        Applied("qin", None, D("-1.5"), D("1.5"), None),
        Applied("qin", "attendance", D(-2), D(2), None),
        Applied("qin", "duty", D(-1), D(1), None),
    )
    assert result.deductions["qin"] == D("4.5")


@pytest.mark.parametrize("items, field, says", [
    ([("bogus", "-1")], "kind", "bogus"),
    ([("manual_de", "2")], "points", ()),
    ([("praise_written", "-2")], "points", ()),
])
def test_score_5_a_wrong_item_or_sign_is_refused_at_its_field(items, field, says):
    with breaks("SCORE-5", field=field, says=says):
        breakdown(items)
