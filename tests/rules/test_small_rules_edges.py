"""The small rules at their edges: a common word of exactly four letters inside a password
(issue #18), "+0.5" (SCORE-1), a malformed long ID number masked (PRIV-1), and a message
without parameters shown as written."""

from decimal import Decimal

from app.rules.errors import RuleViolation
from app.rules.passwords import TOO_COMMON, password_problem
from app.rules.points import format_points
from app.rules.privacy import mask_id_number


def test_a_common_word_of_exactly_four_letters_inside_a_password_is_common():
    """Issue #18: "a common password of 4 or more characters with only digits and signs
    added": "love" with digits around is refused as common — not merely as too simple."""
    assert password_problem("LOVE!!1234567", {"love"}) == (TOO_COMMON, {})


def test_score_1_half_a_point_bonus_carries_its_plus_sign():
    """SCORE-1: in lists where both signs occur a bonus of 0.5 reads "+0.5" (any value above
    zero, not only from 1 up)."""
    assert format_points(Decimal("0.5"), signed=True) == "+0.5"
    assert format_points(Decimal("0"), signed=True) == "0"


def test_priv_1_a_malformed_long_id_number_still_keeps_only_four_at_each_end():
    """PRIV-1: a 20-character value (not an ID) is masked like an ID: 4 kept at each end."""
    assert mask_id_number("32010219900307123456") == "3201************3456"


def test_a_message_without_parameters_is_shown_as_written_even_with_a_percent_sign():
    """A RuleViolation without parameters is not %-formatted ("100%" stays "100%")."""
    assert RuleViolation("SCORE-6", "优秀 at most 20% of staff").render() == "优秀 at most 20% of staff"
