"""Points and scores are written one way everywhere (app/rules/points.py; SCORE-1/2/5/7): a
score or total with one decimal, item points as given without trailing zeros, the true minus
sign "−" for negatives, "+" only when asked for."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.points import MINUS, format_points


@pytest.mark.parametrize("value, expected", [
    (D("97.50"), "97.5"), (D("100"), "100.0"), (D("98.0"), "98.0"), (D("0"), "0.0"),
    (D("9.96"), "10.0"), (D("87.25"), "87.3"), (110, "110.0"), (97.5, "97.5"),
    (None, ""), (D("-0.0"), "0.0"),
])
def test_score_7_scores_and_totals_always_have_one_decimal(value, expected):
    assert format_points(value, score=True) == expected


@pytest.mark.parametrize("value, expected, signed", [
    (D("-2.0"), "−2", "−2"), (D("-0.5"), "−0.5", "−0.5"), (D("2"), "2", "+2"),
    (D("10.0"), "10", "+10"), (D("2.50"), "2.5", "+2.5"), (D("0.0"), "0", "0"),
    (D("-19.0"), "−19", "−19"), (D("87.25"), "87.25", "+87.25"), (-3, "−3", "−3"),
    (D("1E+1"), "10", "+10"), (None, "", ""), ("", "", ""),
])
def test_score_1_item_points_as_given_with_the_true_minus_sign(value, expected, signed):
    assert format_points(value) == expected
    assert format_points(value, signed=True) == signed


@given(st.decimals(min_value=-200, max_value=200, places=1, allow_nan=False))
def test_score_7_a_shown_figure_reads_back_as_its_value(value):
    """Nothing is lost: the text, with "−" read as "-", is the same number; never a hyphen."""
    for text in (format_points(value), format_points(value, signed=True),
                 format_points(value, score=True)):
        assert "-" not in text and D(text.replace(MINUS, "-")) == value
    assert len(format_points(value, score=True).split(".")[1]) == 1
