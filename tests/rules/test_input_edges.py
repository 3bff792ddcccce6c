"""输入边界 at the edges (INPUT-1): the exact bounds pass, one past them is refused with a
Chinese message next to the field, and an uploaded file's name is cleaned as it is shown."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.rules.input import (
    INT32,
    MAX_ROW_ID,
    clean_file_name,
    validate_day,
    validate_decimal,
    validate_integer,
    validate_object,
    validate_row_id,
    validate_text,
)
from tests.rules.shown import breaks


def test_input_1_a_non_object_is_refused_at_its_field():
    with breaks("INPUT-1", field="body", says="对象"):
        validate_object(["a"], {"a"}, "body")


def test_input_1_ten_unknown_keys_are_all_named():
    keys = {f"k{i}": 1 for i in range(10)}
    with breaks("INPUT-1", field="body", says="k0, k1, k2") as caught:
        validate_object(keys, {"name"}, "body")
    assert caught.value.params["keys"] == ", ".join(sorted(keys))


def test_input_1_eleven_unknown_keys_show_ten_and_an_ellipsis():
    keys = {f"k{i:02}": 1 for i in range(11)}
    with breaks("INPUT-1", field="body") as caught:
        validate_object(keys, {"name"}, "body")
    assert caught.value.params["keys"] == ", ".join([f"k{i:02}" for i in range(10)] + ["…"])




def test_input_1_a_nul_byte_is_refused_at_its_field():
    with breaks("INPUT-1", field="note", says="NUL"):
        validate_text("a\x00b", 20, "note")


@pytest.mark.parametrize("value", INT32)
def test_input_1_the_ends_of_a_32_bit_integer_column_pass(value):
    assert validate_integer(value, "n") == value


@pytest.mark.parametrize("value", [INT32[0] - 1, INT32[1] + 1])
def test_input_1_one_past_the_column_names_both_ends(value):
    with breaks("INPUT-1", field="n", says=(str(INT32[0]), str(INT32[1]))):
        validate_integer(value, "n")


def test_input_1_a_whole_number_is_not_text():
    with breaks("INPUT-1", field="n", says="整数"):
        validate_integer("5", "n")


@pytest.mark.parametrize("value", [1, MAX_ROW_ID])
def test_input_1_row_ids_from_1(value):
    assert validate_row_id(value, "window_id") == value


@pytest.mark.parametrize("value", [0, "1"])
def test_input_1_a_row_id_outside_them_is_no_record(value):
    with breaks("INPUT-1", field="window_id", says="记录"):
        validate_row_id(value, "window_id")


def test_input_1_numeric_10_2_refuses_a_hundred_million_and_says_so():
    with breaks("INPUT-1", field="fee", says="100,000,000"):
        validate_decimal(Decimal("100000000"), 10, 2, "fee")
    assert validate_decimal(Decimal("99999999.99"), 10, 2, "fee") == Decimal("99999999.99")


def test_input_1_numeric_10_0_holds_ten_integer_digits():
    """A column without decimals (scale 0 or none) holds all its digits before the point."""
    assert validate_decimal(Decimal("9999999999"), 10, 0, "n") == Decimal("9999999999")
    assert validate_decimal(Decimal("9999999999"), 10, None, "n") == Decimal("9999999999")
    with breaks("INPUT-1", field="n", says="10,000,000,000"):
        validate_decimal(Decimal("10000000000"), 10, None, "n")


def test_input_1_an_unbounded_numeric_column_still_stops_at_thirty_digits():
    assert validate_decimal(Decimal("9" * 28), None, None, "n") == Decimal("9" * 28)
    with breaks("INPUT-1", field="n", says="1,000,000,000,000,000,000,000,000,000,000"):
        validate_decimal(Decimal("1e30"), None, None, "n")


def test_input_1_three_decimals_in_a_two_decimal_column_are_refused():
    with breaks("INPUT-1", field="fee", says="2"):
        validate_decimal(Decimal("1.005"), 10, 2, "fee")


@pytest.mark.parametrize("value, years, says", [
    ("2026-10-13", (1900, 2199), ()),
    (date(2100, 1, 1), (2000, 2099), ("2000", "2099")),
])
def test_input_1_a_date_outside_its_years_is_refused_at_its_field(value, years, says):
    with breaks("INPUT-1", field="appointment_at", says=says):
        validate_day(value, "appointment_at", years)


@pytest.mark.parametrize("sent, shown", [
    ("C:\\fakepath\\证明.pdf", "证明.pdf"),  # what browsers send
    ("/home/zhang/下载/病假/证明.pdf", "证明.pdf"),
    ("诊断 证明.pdf", "诊断 证明.pdf"),  # a space is part of the name
    ("  证明.pdf\n", "证明.pdf"),
    ("证\x00明\t.pdf", "证明.pdf"),  # control characters (Cc)
    ("\u200b证明\u202e.pdf", "证明.pdf"),  # format characters (Cf): zero width, right-to-left
    ("\ud800证明.pdf", "证明.pdf"),  # a lone surrogate (Cs)
])
def test_input_1_an_uploaded_file_keeps_only_its_own_clean_name(sent, shown):
    assert clean_file_name(sent, "certificate", 200) == shown


@pytest.mark.parametrize("sent", [None, "", "   ", "C:\\fakepath\\", "\x00"])
def test_input_1_an_uploaded_file_without_a_name_gets_the_default(sent):
    assert clean_file_name(sent, "certificate", 200) == "certificate"


@pytest.mark.parametrize("sent, max_length, shown", [
    ("二〇二六年病假诊断证明.pdf", 8, "二〇二六.pdf"),  # the extension is kept
    ("病假.2026.诊断证明.pdf", 8, "病假.2.pdf"),  # only the last extension
    ("abcdefghi", 5, "abcde"),  # no extension
    (".abcdefgh", 4, ".abc"),  # a dot file has no extension to keep
    ("x" * 20 + ".abcdefghi", 12, "xx.abcdefghi"),  # a 9-character extension is kept
    ("x" * 20 + ".abcdefghij", 12, "x" * 12),  # a 10-character one is no extension
    ("证明.pdf", 6, "证明.pdf"),  # exactly the length: unchanged
])
def test_input_1_a_long_file_name_is_cut_to_the_column_keeping_its_extension(sent, max_length,
                                                                            shown):
    assert clean_file_name(sent, "certificate", max_length) == shown
    assert len(shown) <= max_length


@pytest.mark.parametrize("value", ["二十", "NaN", "Infinity", True])
def test_input_1_what_is_no_amount_is_refused_at_its_field(value):
    with breaks("INPUT-1", field="fee", says="金额"):
        validate_decimal(value, 10, 2, "fee")


def test_input_1_text_too_long_or_not_text_is_refused_at_its_field():
    with breaks("INPUT-1", field="name", says=("20", "21")):
        validate_text("长" * 21, 20, "name")
    assert validate_text("长" * 20, 20, "name") == "长" * 20
    with breaks("INPUT-1", field="name", says="文字"):
        validate_text(12, 20, "name")
