"""SCORE-5/6: the semi-annual items → points off per part (sub-items capped), the on-time
deduction, and the grade scale per staff category — with the public rule functions."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.rules.errors import RuleViolation
from app.rules.scoring import JI_ITEMS, SEMIANNUAL_PARTS, grades, semiannual_score
from app.rules.semiannual import (SUBITEMS, QinPoints, absence_deduction, breakdown,
                                  grade_category, late_early_deduction, leave_deduction,
                                  ontime_deduction)


def test_score_5_on_time_rate_deduction_by_hand():
    # 19 of 20 on time = 95 %: 5 points below 100 × 0.5 = 2.5 off.
    assert ontime_deduction(20, 19, D("0.5")) == (D("2.5"), D("95.0"))
    # 2 of 3 = 66.67 %: 33.33 × 0.5 = 16.67 → 16.7 off (the sub-item cap comes after).
    assert ontime_deduction(3, 2, D("0.5")) == (D("16.7"), D("66.7"))
    assert ontime_deduction(0, 0, D("0.5")) == (D("0"), None)
    assert ontime_deduction(4, 4, D("0.5")) == (D("0.0"), D("100.0"))
    with pytest.raises(RuleViolation):
        ontime_deduction(3, 4, D("0.5"))


def test_score_5_sub_items_stop_at_their_maximum():
    result = breakdown([("attendance_absence", "-6"), ("attendance_absence", "-4"),  # 10 > 8
                        ("meeting_absent", "-2"), ("meeting_late", "-1"),  # 3 > 2
                        ("duty_log_missing", "-1"),
                        ("ontime_rate", "-16.7"), ("dissatisfied", "-1"),
                        ("manual_de", "-3"), ("integrity", "-2"), ("innovation", "5"),
                        ("praise_written", "2"), ("title_national", "10")])
    assert result.deductions == {"de": D(3), "neng": D(0), "qin": D(8 + 2 + 1),
                                 "ji": D(10 + 1), "lian": D(2)}
    assert (result.innovation, result.bonus) == (D(5), D(12))
    capped = {(a.part, a.group) for a in result.applied if a.note == "cap"}
    assert capped == {("qin", "attendance"), ("qin", "meetings"), ("ji", "ontime")}


def test_score_5_wrong_signs_and_unknown_kinds_are_refused():
    for items in ([("manual_de", "2")], [("praise_written", "-2")], [("bogus", "-1")]):
        with pytest.raises(RuleViolation) as caught:
            breakdown(items)
        assert caught.value.rule_id == "SCORE-5"


def test_score_5_parts_floor_at_zero_ji_capped_with_innovation_bonus_capped():
    result = breakdown([("manual_de", "-20"), ("manual_neng", "-15"), ("innovation", "10"),
                        ("wrong_result", "-2"), ("praise_media_national", "10"),
                        ("praise_written", "2")])
    score = semiannual_score(result.deductions, result.innovation, result.bonus)
    assert score.parts["de"] == 0 and score.parts["neng"] == 0  # floored, never negative
    assert score.parts["ji"] == D(40)  # 35 − 2 + 10 innovation, capped at 40
    assert score.bonus == D(10)  # 12 of praise, capped at 10
    assert score.total == D(0 + 0 + 15 + 40 + 15 + 10)


def test_score_6_other_staff_get_the_institution_scale():
    assert grade_category("civil_servant") == "civil_servant"
    assert grade_category("institution") == "institution"
    assert grade_category("other") == "institution"


def test_score_6_the_share_and_a_tie_with_institution_names():
    # 10 people, 20 % → 2 seats; three tie at 95 for them: the tie gets none (never more than
    # the share), they are 合格; 91 alone above would fit.
    scores = {"a": D(95), "b": D(95), "c": D(95), "d": D(80), "e": D(70), "f": D(50),
              "g": D(76), "h": D(75), "i": D(60), "j": D(59.9)}
    result = grades(scores, "institution", D("0.2"))
    assert {k for k, v in result.items() if v == "excellent"} == set()
    assert result["a"] == result["b"] == result["c"] == "qualified"
    assert result["e"] == "basically_qualified" and result["f"] == "unqualified"
    scores["a"] = D(99)
    result = grades(scores, "institution", D("0.2"))
    assert result["a"] == "excellent" and result["b"] == "qualified"


def test_score_5_sub_items_make_the_parts():
    """SCORE-5: 勤 15 = attendance 8 + meetings 2 + duty 5; 绩's four items make 35."""
    by_part = {}
    for part, maximum in SUBITEMS.values():
        by_part[part] = by_part.get(part, D(0)) + maximum
    assert by_part["qin"] == SEMIANNUAL_PARTS["qin"] == D(15)
    assert by_part["ji"] == JI_ITEMS == D(35) < SEMIANNUAL_PARTS["ji"]


def test_score_5_qin_defaults_are_those_of_the_rules():
    """SCORE-5 勤: absence −1 per half day; leave over 20 days −2; every 5 late/early −1; each
    empty post −1; meetings late −0.5, absent −1."""
    points = QinPoints()
    assert (points.absence_half_day, points.leave_days_limit, points.leave_over,
            points.late_early_count, points.late_early, points.empty_post,
            points.meeting_late, points.meeting_absent) == (
        D(1), D(20), D(2), 5, D(1), D(1), D("0.5"), D(1))


@pytest.mark.parametrize("days, off", [
    (D(0), D(0)), (D(20), D(0)),  # exactly 20 days is not over 20
    (D("20.5"), D(2)), (D(21), D(2)), (D(60), D(2)),  # over: −2, once
])
def test_score_5_leave_over_20_days_in_the_year_boundary(days, off):
    assert leave_deduction(days) == off


def test_score_5_leave_over_the_limit_is_deducted_once_a_year():
    # The second half-year: deducted only if the year's total passes 20 in it.
    assert leave_deduction(D(21), days_before=D(20)) == D(2)
    assert leave_deduction(D(30), days_before=D(21)) == D(0)  # the first half took it
    assert leave_deduction(D(20), days_before=D(5)) == D(0)
    assert leave_deduction(D(11), limit=10, points=D("1.5")) == D("1.5")  # the settings
    with pytest.raises(RuleViolation) as caught:
        leave_deduction(D(5), days_before=D(6))
    assert caught.value.rule_id == "SCORE-5"


@pytest.mark.parametrize("count, off", [(0, D(0)), (4, D(0)), (5, D(1)), (9, D(1)), (10, D(2)),
                                        (14, D(2)), (15, D(3))])
def test_score_5_every_5_late_or_early_costs_a_point(count, off):
    assert late_early_deduction(count) == off


def test_score_5_late_early_count_and_points_are_settings():
    assert late_early_deduction(6, every=3, points=D("0.5")) == D(1)
    for bad in ((-1, 5), (5, 0)):
        with pytest.raises(RuleViolation):
            late_early_deduction(*bad)


def test_score_5_absence_costs_one_point_per_half_day():
    assert absence_deduction(1) == D(1)  # half a day
    assert absence_deduction(4) == D(4)  # two days
    assert absence_deduction(3, D(2)) == D(6)
    with pytest.raises(RuleViolation):
        absence_deduction(-1)


def test_score_5_attendance_items_share_the_8_and_duty_the_5():
    result = breakdown([("attendance_absence", "-4"), ("leave_over_limit", "-2"),
                        ("late_early", "-2"), ("empty_post", "-1"),  # 9 > 8
                        ("duty_absence", "-1"), ("duty_log_missing", "-1"),
                        ("meeting_late", "-0.5")])
    assert result.deductions["qin"] == D(8 + 2 + D("0.5"))
    groups = {(a.group, a.raw, a.counted, a.note) for a in result.applied}
    assert groups == {("attendance", D(-9), D(8), "cap"), ("duty", D(-2), D(2), None),
                      ("meetings", D("-0.5"), D("0.5"), None)}
