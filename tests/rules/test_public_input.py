"""What the public types and answers (issue #19): a case number as people type it (CASE-1) and the
five answers of the rating page on CASE-11's three-level scale."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from app.rules.errors import RuleViolation
from app.rules.intake import (BASICALLY_SATISFIED, DISSATISFIED, PUBLIC_LEVELS, RATINGS, SATISFIED,
                              format_case_number, normalize_case_number, parse_case_number,
                              rating_of_public_level)


@pytest.mark.parametrize("typed, number", [
    ("BC-2026-018578", "BC-2026-018578"),  # as printed
    ("bc-2026-18578", "BC-2026-018578"),  # lower case, leading zero left out
    ("  BC-2026-018578 ", "BC-2026-018578"),
    ("BC 2026 18578", "BC-2026-018578"),  # blanks for hyphens
    ("bc - 2026 - 1", "BC-2026-000001"),
    ("ＢＣ－２０２６－０１８５７８", "BC-2026-018578"),  # full width (a Chinese input method)
    ("BC—2026—18578", "BC-2026-018578"),  # a dash for the hyphen
    ("BC2026018578", "BC-2026-018578"),  # no separator: the year has four digits
    ("BC2026-18578", "BC-2026-018578"),
    ("BC-2026-0018578", "BC-2026-018578"),  # one zero too many
    ("BC-2026-1000000", "BC-2026-1000000"),  # past 999999 the sequence grows
])
def test_case_1_a_typed_case_number_is_read_as_the_number_it_means(typed, number):
    assert normalize_case_number(typed) == number


@pytest.mark.parametrize("typed", [
    "", "   ", "BC", "BC-2026", "BC-2026-0", "BC-26-18578", "2026-18578", "BC/2026/18578",
    "BC-2026-18578-1", "BC-2026-1234567890123", "'; DROP TABLE service_case; --", "x" * 5000, None,
])
def test_case_1_a_typed_number_that_names_no_case_number_is_refused(typed):
    with pytest.raises(ValueError):
        normalize_case_number(typed)


@given(year=st.integers(1000, 9999), seq=st.integers(1, 10_000_000))
def test_case_1_every_printed_number_typed_any_way_comes_back_unchanged(year, seq):
    printed = format_case_number(year, seq)
    for typed in (printed, printed.lower(), f"bc-{year}-{seq}", f" BC {year} {seq} ",
                  printed.replace("-", "")):
        assert normalize_case_number(typed) == printed
        assert parse_case_number(normalize_case_number(typed)) == ("BC", year, seq)


@pytest.mark.parametrize("level, rating", [
    ("very_satisfied", SATISFIED),  # 非常满意 → 满意
    ("satisfied", SATISFIED),  # 满意 → 满意
    ("basically_satisfied", BASICALLY_SATISFIED),  # 基本满意 → 基本满意
    ("dissatisfied", DISSATISFIED),  # 不满意 → 不满意
    ("very_dissatisfied", DISSATISFIED),  # 非常不满意 → 不满意
])
def test_case_11_each_public_answer_is_stored_on_the_three_level_scale(level, rating):
    assert rating_of_public_level(level) == rating


def test_case_11_the_five_answers_cover_the_three_levels_in_order():
    assert len(PUBLIC_LEVELS) == 5
    assert [rating_of_public_level(level) for level in PUBLIC_LEVELS] == [
        SATISFIED, SATISFIED, BASICALLY_SATISFIED, DISSATISFIED, DISSATISFIED]
    assert set(map(rating_of_public_level, PUBLIC_LEVELS)) == set(RATINGS)


@pytest.mark.parametrize("level", ["", "excellent", "SATISFIED", None, 1])
def test_case_11_an_answer_outside_the_five_is_refused(level):
    with pytest.raises(RuleViolation) as refused:
        rating_of_public_level(level)
    assert refused.value.rule_id == "CASE-11" and refused.value.field == "rating"
