"""Pure rules around the monthly score: the mutual rating days and mean (SCORE-2 M10), the
satisfied window (SCORE-4, COMP-5, NOTICE-1), the awards (SCORE-4), the explanation (SCORE-7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules import assessment as rules
from app.rules.errors import RuleViolation
from app.rules.scoring import DEFAULT_CATEGORIES, monthly_window_score

GOOD = {"attitude": 90, "efficiency": 80, "quality": 85, "integrity": 100}


@pytest.mark.parametrize("period, opens, closes", [
    (date(2026, 10, 1), date(2026, 10, 25), date(2026, 11, 5)),
    (date(2026, 12, 1), date(2026, 12, 25), date(2027, 1, 5)),
    (date(2026, 2, 1), date(2026, 2, 25), date(2026, 3, 5)),
])
def test_score_2_peer_rating_is_open_from_the_25th_to_the_5th_of_next_month(period, opens, closes):
    assert rules.peer_rating_window(period) == (opens, closes)
    assert rules.peer_rating_window(period, 31, 31)[0].day in (28, 30, 31)  # clamped


def test_score_2_a_window_cannot_rate_itself_and_ratings_are_0_to_100():
    window = (date(2026, 10, 25), date(2026, 11, 5))
    with pytest.raises(RuleViolation, match="itself"):
        rules.check_peer_rating(1, 1, GOOD, date(2026, 10, 26), window)
    with pytest.raises(RuleViolation) as caught:
        rules.check_peer_rating(1, 2, {**GOOD, "quality": -1}, date(2026, 10, 26), window)
    assert caught.value.field == "quality"
    with pytest.raises(RuleViolation) as caught:
        rules.check_peer_rating(1, 2, GOOD, date(2026, 11, 6), window)
    assert caught.value.field == "period"
    assert rules.check_peer_rating(1, 2, {**GOOD, "quality": "85"}, date(2026, 11, 5),
                                   window)["quality"] == 85


def test_score_2_peer_mean_is_the_mean_of_each_ratings_mean_and_scales_to_m10():
    mean = rules.peer_mean([(90, 80, 85, 100), (100, 100, 100, 100)])
    assert mean == D("94.38")  # (88.75 + 100) / 2, two decimals
    assert rules.peer_mean([]) is None
    assert monthly_window_score([], mean).by_category["M10"] == D("9.4")


def test_score_4_satisfied_needs_the_threshold_and_no_exclusion():
    assert rules.is_satisfied(D("95"), 95, excluded=False)
    assert not rules.is_satisfied(D("94.9"), 95, excluded=False)
    assert not rules.is_satisfied(D("110"), 95, excluded=True)  # COMP-5 / NOTICE-1


def test_notice_1_only_a_second_violation_in_the_month_costs_the_satisfied_window():
    assert rules.second_notice_violations([(1, 2, True), (2, 1, True), (3, 3, False)]) == {1}


def test_score_7_explanation_lines_sum_to_the_total_with_floor_and_cap():
    score = monthly_window_score([("M3", -14), ("B", 12), ("M1", -1)], D("85"))
    lines = rules.explanation_lines(score, DEFAULT_CATEGORIES, 10, D("85"))
    assert sum(line.value for line in lines) == score.total == D("97.5")
    by = {line.category: line for line in lines}
    assert (by["M3"].raw, by["M3"].value, by["M3"].applied) == (D("-14"), 0, "floor")
    assert (by["B"].raw, by["B"].value, by["B"].applied) == (D("12"), 10, "cap")
    assert by["M10"].applied == "peer" and by["M10"].value == D("8.5")
    missing = rules.explanation_lines(monthly_window_score([]), DEFAULT_CATEGORIES, 10, None)
    assert {line.category: line.applied for line in missing}["M10"] == "peer_missing"


def test_score_4_individual_result_and_stars_with_exclusions():
    assert rules.individual_result(D("-3"), D("14"), 10) == D("107")
    assert rules.mean_result([D("100"), D("98"), D("101")]) == D("99.7")
    rows = [(1, "甲", 102, -1), (2, "乙", 102, 0), (3, "丙", 101, 0), (4, "丁", 110, 0)]
    assert [key for _p, key, _n, _r in rules.pick_stars(rows, 2, {4})] == [2, 1]


def test_score_4_stars_of_two_namesakes_do_not_depend_on_the_row_order():
    """SCORE-4: equal result, tie-break and name — the key decides, whatever order the
    database returned the rows in (PostgreSQL gives no order without ORDER BY)."""
    rows = [(7, "王芳", 101, 0), (3, "王芳", 101, 0), (5, "李强", 100, 0)]
    for ordered in (rows, rows[::-1]):
        assert [key for _p, key, _n, _r in rules.pick_stars(ordered, 1)] == [3]


@pytest.mark.parametrize("text, expected", [("2026-10", date(2026, 10, 1)), ("2026-13", None),
                                            ("26-10", None), ("１９９９-01", None), ("", None),
                                            (None, None), ("3000-01", None)])
def test_input_1_the_month_parameter(text, expected):
    assert rules.parse_period(text) == expected


def test_score_2_peer_mean_of_sums_is_the_mean_of_the_ratings():
    """Issue #20's trend reads M10 from a database's sums: the same mean, half-up included
    (80 and 90.25 → 85.125 → 85.13), and None when nobody rated."""
    ratings = [(80, 80, 80, 80), (90, 90, 90, 91)]
    assert rules.peer_mean_of_sums(681, 2) == rules.peer_mean(ratings) == D("85.13")
    assert rules.peer_mean_of_sums(None, 0) is None


@given(st.lists(st.tuples(*[st.integers(0, 100)] * 4), min_size=1, max_size=30))
def test_score_2_peer_mean_of_sums_agrees_with_peer_mean(ratings):
    assert rules.peer_mean_of_sums(sum(map(sum, ratings)), len(ratings)) == rules.peer_mean(ratings)
