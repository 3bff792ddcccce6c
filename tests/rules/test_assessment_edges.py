"""月度考核 around the score, at the edges: the first and last day of the rating, ratings of 0,
the months of the business years at both ends, half-up means, stars by name, quarters, the
explanation of an imputed M10, and each refusal explained in Chinese (SCORE-2/4/7, INPUT-1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from app.rules import assessment as rules
from app.rules.scoring import DEFAULT_CATEGORIES, monthly_window_score
from tests.rules.shown import breaks

GOOD = {"attitude": 90, "efficiency": 80, "quality": 85, "integrity": 100}
WINDOW = (date(2026, 10, 25), date(2026, 11, 5))


def test_score_2_a_rating_window_opening_on_the_1st_opens_on_the_1st():
    assert rules.peer_rating_window(date(2026, 11, 1), opens_day=1, closes_day=31) == (
        date(2026, 11, 1), date(2026, 12, 31))


@pytest.mark.parametrize("today", [date(2026, 10, 25), date(2026, 11, 5)])
def test_score_2_the_rating_is_open_on_its_first_and_last_day(today):
    assert rules.check_peer_rating(1, 2, GOOD, today, WINDOW) == GOOD


def test_score_2_a_rating_outside_its_days_names_them():
    with breaks("SCORE-2", field="period", says=("2026-10-25", "2026-11-05")):
        rules.check_peer_rating(1, 2, GOOD, date(2026, 10, 24), WINDOW)


def test_score_2_zero_is_a_rating_and_ratings_may_come_as_text():
    scores = {"attitude": 0, "efficiency": "100", "quality": " 60 ", "integrity": "0"}
    assert rules.check_peer_rating(1, 2, scores, date(2026, 11, 1), WINDOW) == {
        "attitude": 0, "efficiency": 100, "quality": 60, "integrity": 0}


@pytest.mark.parametrize("rater, rated, scores, field", [
    (None, 2, GOOD, "rater_window_id"),
    (1, 1, GOOD, "rated_window_id"),
    (1, None, GOOD, "rated_window_id"),
    (1, 2, {**GOOD, "quality": "很好"}, "quality"),
    (1, 2, {**GOOD, "integrity": 101}, "integrity"),
    (1, 2, {**GOOD, "attitude": None}, "attitude"),
])
def test_score_2_a_refused_rating_says_why_at_its_field(rater, rated, scores, field):
    with breaks("SCORE-2", field=field):
        rules.check_peer_rating(rater, rated, scores, date(2026, 11, 1), WINDOW)


def test_score_2_the_peer_mean_is_rounded_half_up_from_text_ratings():
    """SCORE-2 M10: ratings with means 85.25 and 85 → 85.125 → 85.13 (half up, not 85.12)."""
    assert rules.peer_mean([["85", "85", "85", "86"], ["85", "85", "85", "85"]]) == D("85.13")


def test_score_4_a_person_s_month_caps_the_bonus_at_10_by_default():
    assert rules.individual_result("-3", "11") == D("107")


def test_score_4_a_quarter_s_mean_is_rounded_half_up():
    assert rules.mean_result([D("95"), D("95.5")]) == D("95.3")  # 95.25
    assert rules.mean_result([]) == D("100")


def test_score_4_equal_results_and_tie_breaks_go_by_name_places_from_1():
    rows = [(1, "王芳", 101, 0), (2, "李强", 101, 0), (3, "张伟", 99, 0)]
    assert rules.pick_stars(rows, 2) == [(1, 2, "李强", D(101)), (2, 1, "王芳", D(101))]
    assert rules.pick_stars(rows, 0) == []


@pytest.mark.parametrize("period, quarter", [(date(2026, 1, 1), 1), (date(2026, 3, 1), 1),
                                             (date(2026, 4, 1), 2), (date(2026, 12, 1), 4)])
def test_score_4_the_quarter_of_a_month(period, quarter):
    assert rules.quarter_of(period) == (2026, quarter)


@pytest.mark.parametrize("quarter, months", [(1, (1, 2, 3)), (2, (4, 5, 6)), (4, (10, 11, 12))])
def test_score_4_the_months_of_a_quarter(quarter, months):
    assert rules.quarter_months(2026, quarter) == [date(2026, m, 1) for m in months]


@pytest.mark.parametrize("text, expected", [
    ("2000-01", date(2000, 1, 1)), ("2099-12", date(2099, 12, 1)), ("2026-01", date(2026, 1, 1)),
    ("2026-10-01", None), ("２０２６-10", None), ("2026-1a", None), ("1999-12", None),
])
def test_input_1_the_month_parameter_at_its_edges(text, expected):
    assert rules.parse_period(text) == expected


def test_score_7_each_line_carries_its_maximum_and_a_rated_m10_its_mean():
    score = monthly_window_score([("M1", -1)], D("85"))
    by = {line.category: line for line in
          rules.explanation_lines(score, DEFAULT_CATEGORIES, 10, D("85"))}
    assert (by["M1"].maximum, by["M8"].maximum, by["M10"].maximum, by["B"].maximum) == (
        D(10), D(15), D(10), D(10))
    assert (by["M10"].raw, by["M10"].value, by["M10"].applied) == (D("85"), D("8.5"), "peer")


def test_score_7_an_imputed_m10_is_explained_as_such():
    score = monthly_window_score([], None, unrated_peer=D("9.3"))
    (line,) = [line for line in rules.explanation_lines(score, DEFAULT_CATEGORIES, 10, None)
               if line.category == "M10"]
    assert (line.raw, line.value, line.applied) == (D(0), D("9.3"), "peer_imputed")


def test_score_7_categories_in_any_order_are_all_explained():
    categories = {"M10": D(10), **{k: v for k, v in DEFAULT_CATEGORIES.items() if k != "M10"}}
    score = monthly_window_score([], D("100"), categories)
    lines = rules.explanation_lines(score, categories, 10, D("100"))
    assert [line.category for line in lines] == [*categories, "B"]
