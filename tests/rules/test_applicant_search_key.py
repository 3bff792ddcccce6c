"""Issue #19: what a staff member types to find an applicant's cases (PRIV-2 normal forms)."""

from __future__ import annotations

import pytest

from app.rules.errors import RuleViolation
from app.rules.identity import (APPLICANT_ID_NUMBER, APPLICANT_NAME, APPLICANT_PHONE,
                                applicant_search_key)

ID_NUMBER = "11010519491231002X"


@pytest.mark.parametrize("typed, key", [
    (ID_NUMBER, (APPLICANT_ID_NUMBER, ID_NUMBER)),
    ("11010519491231002x", (APPLICANT_ID_NUMBER, ID_NUMBER)),  # lower-case check digit
    (" １１０１０５１９４９１２３１００２Ｘ ", (APPLICANT_ID_NUMBER, ID_NUMBER)),  # full-width
    ("110105 19491231 002X", (APPLICANT_ID_NUMBER, ID_NUMBER)),  # grouped as on the card
    ("91320602MA1XXXXX0L", (APPLICANT_ID_NUMBER, "91320602MA1XXXXX0L")),  # credit code
    ("13912345678", (APPLICANT_PHONE, "13912345678")),
    ("139 1234 5678", (APPLICANT_PHONE, "13912345678")),
    ("+86 139-1234-5678", (APPLICANT_PHONE, "13912345678")),
    ("(0513) 8123 4567", (APPLICANT_PHONE, "0513-81234567")),
    ("赵六", (APPLICANT_NAME, "赵六")),  # no digit: a name, matched whole as stored
    ("  欧阳 明月 ", (APPLICANT_NAME, "欧阳 明月")),
    ("如东县某某有限公司", (APPLICANT_NAME, "如东县某某有限公司")),
])
def test_priv_2_search_key_is_the_stored_form_of_the_typed_value(typed, key):
    assert applicant_search_key(typed) == key


@pytest.mark.parametrize("typed", [
    "", "   ", "110105", "1101051949",  # a prefix of an ID number is never a search key
    "11010519491231002", "110105194912310021",  # one short; a wrong check digit
    "12345", "1391234567x", "赵六1",  # a digit: no name, and no whole number either
    "赵" * 101, "赵\x00六",  # longer than any stored name; a control character
])
def test_priv_2_search_key_refuses_what_is_no_whole_number_without_echoing_it(typed):
    with pytest.raises(RuleViolation) as refused:
        applicant_search_key(typed, field="query")
    assert refused.value.field == "query"
    if typed.strip():
        assert typed.strip() not in str(refused.value)  # PRIV-1: the message never repeats it
