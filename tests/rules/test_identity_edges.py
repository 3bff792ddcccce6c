"""身份信息校验 at the edges (PRIV-2): organisations' 统一社会信用代码 (GB 32100-2015), and every
refused ID number, phone or code says why in Chinese — never repeating the value (PRIV-1)."""

from __future__ import annotations

import random

import pytest

from app.rules.identity import (
    credit_code_check_char,
    id_check_digit,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
)
from tests.rules.shown import breaks

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 小米科技有限责任公司's code, as printed on its business licence (checked by python-stdnum).
XIAOMI = "91110108551385082Q"


@pytest.mark.parametrize("entered, stored", [
    (XIAOMI, XIAOMI),
    (" 91110108551385082q ", XIAOMI),  # outer spaces, lower case
    ("９１１１０１０８５５１３８５０８２Ｑ", XIAOMI),  # full width, as some input methods type
    ("121000004000007621", "121000004000007621"),
    ("91320623MA1M9XY70H", "91320623MA1M9XY70H"),
])
def test_priv_2_credit_code_is_checked_and_stored_upper_case(entered, stored):
    assert normalize_credit_code(entered, field="id_number") == stored


@pytest.mark.parametrize("entered, says", [
    ("", ()),
    (None, ()),
    (XIAOMI[:-1], ("17",)),  # 17 characters
    (XIAOMI + "0", ("19",)),
    ("91110108551385082I", ()),  # I, O, S, V, Z are never used
    ("91110108551385O82Q", ()),
    ("91110108551385082R", ()),  # a wrong check character
])
def test_priv_2_refused_credit_code_says_why_next_to_the_field(entered, says):
    with breaks("PRIV-2", field="id_number", says=says) as caught:
        normalize_credit_code(entered, field="id_number")
    assert XIAOMI[:10] not in str(caught.value)  # the value is not repeated


def _check_by_definition(body: str) -> str:
    """GB 32100-2015 §4.2: weights 3**i mod 31, check = 31 − (Σ mod 31), 31 written 0."""
    total = sum(CREDIT_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def test_priv_2_credit_code_check_character_by_the_standards_definition():
    """PRIV-2: 3,000 bodies (fixed seed) — among them bodies whose sum is a multiple of 31,
    whose check character is 0."""
    rng = random.Random(32100)
    bodies = ["".join(rng.choice(CREDIT_CHARS) for _ in range(17)) for _ in range(3000)]
    checks = [credit_code_check_char(body) for body in bodies]
    assert checks == [_check_by_definition(body) for body in bodies]
    assert "0" in checks and "Y" in checks
    for body, check in zip(bodies[:200], checks[:200], strict=True):
        assert normalize_credit_code(body + check) == body + check


def test_priv_2_credit_code_check_agrees_with_python_stdnum():
    uscc = pytest.importorskip("stdnum.cn.uscc")
    rng = random.Random(2015)
    for _ in range(500):
        body = "".join(rng.choice(CREDIT_CHARS) for _ in range(17))
        assert credit_code_check_char(body) == uscc.calc_check_digit(body)


def test_priv_2_check_digit_is_defined_for_a_17_digit_body_only():
    """GB 11643: the check digit weighs exactly 17 digits; a shorter body has none."""
    assert id_check_digit("11010519491231002") == "X"
    with pytest.raises(ValueError):
        id_check_digit("1101051949123100")


@pytest.mark.parametrize("entered, says", [
    ("  ", ()),
    ("11010519491231002", ("17",)),
    ("1101051949123100AX", ()),
    ("11010519491231002Y", ()),
    ("71010519491231002X", ()),  # 71: no mainland number is issued under 台湾省
    ("110105194902300020", ()),  # 30 February
    ("110105194912310021", ()),  # a wrong check digit
])
def test_priv_2_refused_id_number_says_why_next_to_the_field(entered, says):
    with breaks("PRIV-2", field="applicant_id_number", says=says):
        normalize_id_number(entered, field="applicant_id_number")


@pytest.mark.parametrize("entered", ["", "12345", "400-820-8820"])
def test_priv_2_refused_phone_says_why_next_to_the_field(entered):
    with breaks("PRIV-2", field="applicant_phone"):
        normalize_phone(entered, field="applicant_phone")
