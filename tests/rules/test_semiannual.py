"""SCORE-5/6: the semi-annual items → points off per part (sub-items capped), the on-time
deduction, and the grade scale per staff category — with the public rule functions."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.rules.errors import RuleViolation
from app.rules.scoring import grades, semiannual_score
from app.rules.semiannual import breakdown, grade_category, ontime_deduction


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
    assert score.parts["ji"] == D(40)  # 38 + 10 innovation, capped at 40
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
