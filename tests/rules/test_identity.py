"""PRIV-2: resident ID numbers (GB 11643-1999) and mainland phone numbers."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.errors import RuleViolation
from app.rules.identity import (
    ID_PROVINCES,
    id_check_digit,
    normalize_id_number,
    normalize_phone,
)


def check_char(body: str) -> str:
    """ISO 7064 MOD 11-2 from its definition, not from the implementation's table: the
    character at position i (from the right, check = 1) weighs 2**(i-1) mod 11, and the whole
    weighted sum must be 1 mod 11; a check value of 10 is written X."""
    partial = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body)) % 11
    value = (1 - partial) % 11
    return "X" if value == 10 else str(value)


# The two examples printed in GB 11643-1999 itself, checked by hand against check_char.
GB_SAMPLE = "11010519491231002X"
GB_SAMPLE_1880 = "440524188001010014"


def valid_id(body: str) -> str:
    return body + check_char(body)


def test_priv_2_test_helper_agrees_with_the_standard_samples():
    assert check_char(GB_SAMPLE[:17]) == "X"
    assert check_char(GB_SAMPLE_1880[:17]) == "4"


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        (GB_SAMPLE, GB_SAMPLE),
        ("11010519491231002x", GB_SAMPLE),  # lower-case x accepted
        ("  11010519491231002X\n", GB_SAMPLE),  # outer whitespace stripped
        ("\u3000" + GB_SAMPLE + "\u3000", GB_SAMPLE),  # ideographic space
        ("１１０１０５１９４９１２３１００２ｘ", GB_SAMPLE),  # full-width, from a Chinese IME
        (valid_id("32068220000229123"), valid_id("32068220000229123")),  # 29 February 2000
        (valid_id("32068219000101123"), valid_id("32068219000101123")),  # 1900 is the first year
    ],
)
def test_priv_2_accepts_valid_id_numbers(entered, stored):
    assert normalize_id_number(entered) == stored


@pytest.mark.parametrize(
    ("entered", "reason"),
    [
        ("", "Enter"),
        (None, "Enter"),
        ("   ", "Enter"),
        (GB_SAMPLE[:17], "18 characters, not 17"),
        (GB_SAMPLE + "0", "18 characters, not 19"),
        ("320682881231123", "18 characters, not 15"),  # first-generation 15-digit number
        ("1101051949 231002X", "must be digits"),  # inner space is not repaired
        ("1101051949-231002X", "must be digits"),
        ("A1010519491231002X", "must be digits"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "must be digits"),  # non-ASCII digits
        ("11010519491231002Y", "digit or X"),
        (valid_id("32068219900230123"), "birth date"),  # 30 February
        (valid_id("32068219011301123"), "birth date"),  # month 13
        (valid_id("32068219900100123"), "birth date"),  # day 0
        (valid_id("32068219000229123"), "birth date"),  # 1900 was not a leap year
        (GB_SAMPLE_1880, "birth date"),  # right check digit, but born before 1900
        ("110105194912310021", "check digit"),
        ("320102199001011234", "check digit"),
    ],
)
def test_priv_2_rejects_invalid_id_numbers(entered, reason):
    with pytest.raises(RuleViolation) as caught:
        normalize_id_number(entered)
    assert caught.value.rule_id == "PRIV-2"
    assert reason in str(caught.value)


def test_priv_2_rejects_wrong_check_digit():
    body = GB_SAMPLE[:17]
    for wrong in "0123456789":  # every other check character
        with pytest.raises(ValueError, match="check digit"):
            normalize_id_number(body + wrong)


def test_priv_2_error_is_a_readable_value_error_without_the_number():
    with pytest.raises(ValueError) as caught:
        normalize_id_number("110105194912310021", field="applicant_id_number")
    assert str(caught.value).startswith("PRIV-2: ")
    assert caught.value.field == "applicant_id_number"
    # The message may be logged: it must not carry any part of the number (PRIV-1).
    assert "1949" not in str(caught.value) and "110105" not in str(caught.value)


def test_priv_2_birth_date_after_today_refused_when_today_given():
    number = valid_id("32068220260401123")
    assert normalize_id_number(number) == number  # no clock: any real date from 1900 on
    assert normalize_id_number(number, today=date(2026, 4, 1)) == number
    with pytest.raises(RuleViolation, match="birth date"):
        normalize_id_number(number, today=date(2026, 3, 31))


@pytest.mark.parametrize("province", ["11", "15", "21", "23", "31", "37", "41", "46", "50",
                                      "54", "61", "65", "81", "82", "83"])
def test_priv_2_every_gb_t_2260_province_is_accepted(province):
    number = valid_id(f"{province}010219900101123")
    assert normalize_id_number(number, today=date(2026, 11, 30)) == number


@pytest.mark.parametrize("province", ["00", "99", "16", "20", "24", "30", "38", "40", "47",
                                      "49", "55", "60", "66", "71", "80", "84", "90"])
def test_priv_2_address_code_outside_every_province_is_refused(province):
    with pytest.raises(RuleViolation) as caught:
        normalize_id_number(valid_id(f"{province}010219900101123"), today=date(2026, 11, 30),
                            field="applicant_id_number")
    assert caught.value.rule_id == "PRIV-2" and caught.value.field == "applicant_id_number"
    assert "province" in str(caught.value)


bodies = st.builds(
    lambda province, county, born, sequence: f"{province}{county}{born:%Y%m%d}{sequence}",
    st.sampled_from(sorted(ID_PROVINCES)),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)


@given(bodies)
def test_priv_2_any_valid_body_with_its_check_digit_is_accepted(body):
    number = body + check_char(body)
    assert normalize_id_number(number) == number
    assert normalize_id_number(number.lower()) == number  # x → X
    assert id_check_digit(body) == check_char(body)


@given(bodies, st.sampled_from("0123456789Xx"))
def test_priv_2_any_other_check_digit_is_rejected(body, wrong):
    if wrong.upper() == check_char(body):
        return
    with pytest.raises(RuleViolation, match="check digit"):
        normalize_id_number(body + wrong)


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("13912345678", "13912345678"),
        (" 139 1234 5678 ", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("008613912345678", "13912345678"),
        ("86 13912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("19912345678", "19912345678"),
        ("010-88889999", "010-88889999"),
        ("010 8888 9999", "010-88889999"),
        ("(010)88889999", "010-88889999"),
        ("02588889999", "025-88889999"),
        ("0513-81234567", "0513-81234567"),
        ("0513-8123456", "0513-8123456"),
        ("（0513）8123456", "0513-8123456"),
        ("0513-8123-4567", "0513-81234567"),
        ("010-88889999-801", "010-88889999-801"),
        ("0513-8123456-12", "0513-8123456-12"),  # 区号-号码-分机: the short group is an extension
        ("0513-81234567转801", "0513-81234567-801"),
        ("0513-81234567 分机 801", "0513-81234567-801"),
        ("0513-81234567 ext. 801", "0513-81234567-801"),
        ("0513-81234567#801", "0513-81234567-801"),
    ],
)
def test_priv_2_accepts_mainland_phones(entered, stored):
    assert normalize_phone(entered) == stored


@pytest.mark.parametrize(
    "entered",
    [
        "",
        None,
        "1391234567",  # 10 digits
        "139123456789",  # 12 digits
        "12912345678",  # no 12x mobile range
        "+1 212 555 0100",  # foreign
        "010-8888999",  # 010 and 02x have 8-digit local numbers
        "010-18889999",  # a local number never starts with 1
        "0513-0123456",  # ... nor with 0
        "0513-812345678",  # 9-digit local number
        "81234567",  # no area code
        "0513-81234567-1234567",  # extension over 6 digits
        "12345",  # government hotline: not an applicant's number
        "400-800-1234",
        "139 1234 5678 call after 6",
    ],
)
def test_priv_2_rejects_malformed_phones(entered):
    with pytest.raises(RuleViolation) as caught:
        normalize_phone(entered, field="applicant_phone")
    assert caught.value.rule_id == "PRIV-2"
    assert caught.value.field == "applicant_phone"
    assert str(caught.value).startswith("PRIV-2: ")


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "-"]))
def test_priv_2_mobile_in_groups_normalises_to_its_11_digits(mobile, sep):
    assert normalize_phone(f"{mobile[:3]}{sep}{mobile[3:7]}{sep}{mobile[7:]}") == mobile
