"""INPUT-1 (issue #9): the pure bounds checks every form and API body goes through."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.errors import RuleViolation
from app.rules.input import (BUSINESS_YEARS, INT32, MAX_ROW_ID, TEXT_MAX_LENGTH, MalformedInput,
                             validate_day, validate_decimal, validate_integer,
                             validate_object, validate_row_id, validate_text)


def message_of(call) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call()
    assert caught.value.rule_id == "INPUT-1"
    return caught.value


def test_input_1_text_within_its_column_passes_unchanged():
    assert validate_text("赵六", 100, "applicant_name") == "赵六"
    assert validate_text("", 100, "applicant_name") == ""
    assert validate_text(None, 100, "applicant_name") is None


def test_input_1_text_longer_than_its_column_names_both_lengths():
    violation = message_of(lambda: validate_text("赵" * 10_000, 100, "applicant_name"))
    assert violation.field == "applicant_name"
    assert violation.params == {"max": 100, "length": 10_000}


def test_input_1_text_of_exactly_the_column_length_passes():
    assert validate_text("x" * 100, 100, "name") == "x" * 100


def test_input_1_unbounded_text_columns_still_have_a_ceiling():
    assert validate_text("x" * TEXT_MAX_LENGTH, None, "note")
    assert message_of(lambda: validate_text("x" * (TEXT_MAX_LENGTH + 1), None, "note")).field == "note"


def test_input_1_a_nul_byte_is_refused_even_in_short_text():
    assert "NUL" in message_of(lambda: validate_text("赵\x00六", 100, "name")).message


def test_input_1_text_must_be_text():
    assert message_of(lambda: validate_text(12, 100, "name")).message == "Enter text."


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 10**30])
def test_input_1_integers_beyond_the_column_are_refused(value):
    assert message_of(lambda: validate_integer(value, "copies", INT32)).field == "copies"


def test_input_1_booleans_are_not_numbers():
    message_of(lambda: validate_integer(True, "copies"))
    message_of(lambda: validate_row_id(True, "item_id"))


@pytest.mark.parametrize("value", [0, -1, MAX_ROW_ID + 1, "3"])
def test_input_1_a_row_id_is_a_positive_integer_its_column_holds(value):
    message_of(lambda: validate_row_id(value, "item_id"))


def test_input_1_the_largest_integer_id_is_a_row_id():
    assert MAX_ROW_ID == 2**31 - 1  # the id columns are INTEGER (32-bit on PostgreSQL)
    assert validate_row_id(MAX_ROW_ID, "item_id") == MAX_ROW_ID


@pytest.mark.parametrize("value,expected", [
    ("20", Decimal("20")), (Decimal("99999999.99"), Decimal("99999999.99")), (0.5, Decimal("0.5")),
    (None, None),
])
def test_input_1_amounts_that_numeric_10_2_holds(value, expected):
    assert validate_decimal(value, 10, 2, "fee_amount") == expected


@pytest.mark.parametrize("value,message", [
    (1e30, "Enter an amount below %(limit)s."),
    ("100000000", "Enter an amount below %(limit)s."),
    ("20.001", "Enter an amount with at most %(scale)s decimal places."),
    ("NaN", "Enter an amount."), ("Infinity", "Enter an amount."), ("abc", "Enter an amount."),
    (True, "Enter an amount."),
])
def test_input_1_amounts_numeric_10_2_cannot_hold(value, message):
    assert message_of(lambda: validate_decimal(value, 10, 2, "fee_amount")).message == message


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_input_1_any_decimal_is_either_storable_or_a_rule_violation(value):
    try:
        amount = validate_decimal(value, 10, 2, "fee_amount")
    except RuleViolation:
        return
    assert abs(amount) < Decimal("100000000") and amount == amount.quantize(Decimal("0.01"))


@pytest.mark.parametrize("value", [date(1900, 1, 2), date(9999, 12, 31), date(1999, 12, 31),
                                   datetime(2100, 1, 1, tzinfo=timezone.utc)])
def test_input_1_appointments_outside_this_century_are_refused(value):
    violation = message_of(lambda: validate_day(value, "appointment_at", BUSINESS_YEARS))
    assert violation.params == {"first": 2000, "last": 2099}


@pytest.mark.parametrize("value", [date(2000, 1, 1), datetime(2099, 12, 31, 23, 59)])
def test_input_1_appointments_within_this_century_pass(value):
    assert validate_day(value, "appointment_at", BUSINESS_YEARS) == value


def test_input_1_unknown_keys_are_a_malformed_request():
    with pytest.raises(MalformedInput) as caught:
        validate_object({"name": "x", "bogus": 1}, {"name"}, "applicant")
    assert caught.value.field == "applicant" and caught.value.params == {"keys": "bogus"}


def test_input_1_an_object_is_required_where_one_is_expected():
    with pytest.raises(MalformedInput):
        validate_object(["name"], {"name"}, "applicant")
    assert validate_object(None, {"name"}, "applicant") == {}


