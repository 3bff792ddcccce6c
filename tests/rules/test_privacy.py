"""PRIV-1: personal data masked outside the case's window, Office and Leadership, and in logs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.privacy import mask_address, mask_id_number, mask_personal_text, mask_phone

ID = "320102199001011234"
MOBILE = "13912345678"


@pytest.mark.parametrize("masker", [mask_id_number, mask_phone, mask_address, mask_personal_text])
@pytest.mark.parametrize("empty", [None, ""])
def test_priv_1_empty_values_pass_unchanged(masker, empty):
    assert masker(empty) == empty


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (ID, "3201**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("320682881231123", "320*********123"),  # 15-digit first generation: half hidden at least
        ("12345678", "12****78"),  # not an ID, still half hidden
        ("123", "***"),
    ],
)
def test_priv_1_masks_id_number(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (MOBILE, "139****5678"),
        ("+86 139 1234 5678", "+86 139 **** 5678"),
        ("010-88889999", "010-******99"),
        ("0513-8123456", "0513-*****56"),
        ("0513-81234567-801", "0513-******67-***"),  # extension hidden too
        ("(0513)81234567", "(0513)******67"),
        ("call 139", "call *39"),  # unrecognised: only the last 2 digits stay
        ("555-0100", "***-**00"),
    ],
)
def test_priv_1_masks_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("江苏省南京市玄武区中山路1号", "江苏省南京市****"),
        ("南通市如东县栟茶镇", "南通市如****"),  # 9 characters: at most half kept
        ("中山路1号", "中山****"),
        ("甲", "****"),
    ],
)
def test_priv_1_masks_address(value, masked):
    assert mask_address(value) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"applicant id={ID} phone={MOBILE}", "applicant id=3201**********1234 phone=139****5678"),
        (f"身份证{ID}，电话{MOBILE}。", "身份证3201**********1234，电话139****5678。"),
        ("id 11010519491231002x", "id 1101**********002x"),
        ("tel +86 139-1234-5678", "tel +86 139-****-5678"),
        ("tel 8613912345678", "tel 86139****5678"),
        ("座机(0513)81234567转801", "座机(0513)******67转801"),
        ("fax 010-88889999", "fax 010-******99"),
        # Not personal data: longer digit runs, dates, times, counts.
        ("order 13912345678901 done", "order 13912345678901 done"),
        ("trace 1234567890123456789012", "trace 1234567890123456789012"),
        ("accepted 2026-09-30 08:00:00, limit 5, case BC-2026-000123",
         "accepted 2026-09-30 08:00:00, limit 5, case BC-2026-000123"),
        ("12912345678", "12912345678"),  # no 12x mobile range
    ],
)
def test_priv_1_masks_personal_data_in_free_text(text, masked):
    assert mask_personal_text(text) == masked


non_digit = st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=8)
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
ids = st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True)


@given(non_digit, st.one_of(mobiles, ids), non_digit)
def test_priv_1_no_id_or_mobile_survives_in_log_text(before, personal, after):
    masked = mask_personal_text(before + personal + after)
    assert personal not in masked
    assert masked.startswith(before) and masked.endswith(after)
    assert len(masked) == len(before + personal + after)


@given(ids)
def test_priv_1_id_mask_keeps_length_and_both_ends(number):
    masked = mask_id_number(number)
    assert masked == number[:4] + "*" * 10 + number[-4:]
