"""服务事项目录 at the edges: each refused item or fee says why, in Chinese, next to its field
(ITEM-2, ITEM-3, CASE-9)."""

from decimal import Decimal

import pytest

from app.rules.catalogue import (
    default_limit_for_kind,
    validate_case_fee,
    validate_item_fee,
    validate_item_limits,
)
from tests.rules.shown import breaks


def test_item_2_unknown_kind_is_named():
    with breaks("ITEM-2", field="kind", says="仓储件"):
        default_limit_for_kind("仓储件", 5)


@pytest.mark.parametrize("promised", [None, -1])
def test_item_2_a_promised_item_needs_its_promised_limit(promised):
    with breaks("ITEM-2", field="promised_days"):
        default_limit_for_kind("promised", promised)
    assert default_limit_for_kind("promised", 0) == 0  # the edge: 0 is a limit


@pytest.mark.parametrize("promised, statutory, field", [(-1, 20, "promised_days"),
                                                       (5, -1, "statutory_days")])
def test_item_3_negative_limits_are_refused_at_their_field(promised, statutory, field):
    with breaks("ITEM-3", field=field, says="时限不能为负数"):
        validate_item_limits(promised, statutory)


def test_item_3_promised_limit_over_statutory_names_both():
    with breaks("ITEM-3", field="promised_days", says=("21", "20")):
        validate_item_limits(21, 20)
    validate_item_limits(20, 20)  # the edge: equal is allowed


def test_item_3_fifty_fen_without_basis_is_refused():
    """ITEM-3: any fee above zero, even 0.50 yuan, states its legal basis."""
    with breaks("ITEM-3", field="fee_basis"):
        validate_item_fee(Decimal("0.50"), " ")
    validate_item_fee(Decimal("0"), None)


@pytest.mark.parametrize("fee", ["二十元", "NaN", "Infinity"])
def test_item_3_fee_that_is_no_amount_says_how_to_write_it(fee):
    with breaks("ITEM-3", field="fee_standard", says="20.00"):
        validate_item_fee(fee, "苏价费〔2020〕1号")


def test_item_3_negative_fee_is_refused():
    with breaks("ITEM-3", field="fee_standard"):
        validate_item_fee(Decimal("-1"), "苏价费〔2020〕1号")


def test_case_9_money_is_never_a_float():
    with pytest.raises(TypeError, match=r"^money is Decimal, never float \(STYLE.md\)$"):
        validate_case_fee(20.0, [Decimal("20")])


def test_case_9_a_published_fee_that_is_no_amount_is_a_case_9_error_at_the_fee():
    """CASE-9: the published fees are checked like the charged one."""
    with breaks("CASE-9", field="fee_charged"):
        validate_case_fee(Decimal("20"), ["abc"])
    with breaks("CASE-9", field="fee_charged"):
        validate_case_fee(Decimal("20"), [Decimal("-20")])


def test_case_9_free_item_and_unpublished_amount_are_explained():
    with breaks("CASE-9", field="fee_charged"):
        validate_case_fee(Decimal("5"), [None, Decimal("0")])
    with breaks("CASE-9", field="fee_charged", says=("30.00", "10.00 / 20.00")):
        validate_case_fee(Decimal("30"), [Decimal("20"), Decimal("10")])
