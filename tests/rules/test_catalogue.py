"""ITEM-2 kinds, ITEM-3 limits and fees of a catalogue item, CASE-9 fees a case may charge."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.catalogue import (
    ITEM_KINDS,
    default_limit_for_kind,
    case_fee_record,
    validate_case_fee,
    validate_item_fee,
    validate_item_limits,
)
from app.rules.errors import RuleViolation


def test_item_2_kinds():
    assert ITEM_KINDS == ("immediate", "promised", "reported", "joint")


@pytest.mark.parametrize(
    ("kind", "promised", "limit"),
    [
        ("immediate", None, 0),  # 即办件: same day
        ("immediate", 5, 0),
        ("promised", 5, 5),
        ("reported", 3, 3),
        ("joint", 20, 20),
        ("promised", 0, 0),
    ],
)
def test_item_2_limit_by_kind(kind, promised, limit):
    assert default_limit_for_kind(kind, promised) == limit


@pytest.mark.parametrize(
    ("kind", "promised", "field"),
    [("promised", None, "promised_days"), ("joint", -1, "promised_days"), ("urgent", 5, "kind")],
)
def test_item_2_limit_refused(kind, promised, field):
    with pytest.raises(RuleViolation) as caught:
        default_limit_for_kind(kind, promised)
    assert (caught.value.rule_id, caught.value.field) == ("ITEM-2", field)


@pytest.mark.parametrize(
    ("promised", "statutory"),
    [(5, 20), (20, 20), (0, 0), (0, None), (15, None), (None, 20), (None, None)],
)
def test_item_3_promised_within_statutory_accepted(promised, statutory):
    assert validate_item_limits(promised, statutory) is None


def test_item_3_promised_must_not_exceed_statutory():
    with pytest.raises(RuleViolation) as caught:
        validate_item_limits(21, 20)
    error = caught.value
    assert (error.rule_id, error.field) == ("ITEM-3", "promised_days")
    assert error.params == {"promised": 21, "statutory": 20}
    assert str(error) == (
        "ITEM-3: The promised limit (21 working days) must not exceed "
        "the statutory limit (20 working days)."
    )


@pytest.mark.parametrize(
    ("promised", "statutory", "field"),
    [(-1, 20, "promised_days"), (5, -1, "statutory_days"), (-1, None, "promised_days")],
)
def test_item_3_negative_limit_refused(promised, statutory, field):
    with pytest.raises(RuleViolation) as caught:
        validate_item_limits(promised, statutory)
    assert (caught.value.rule_id, caught.value.field) == ("ITEM-3", field)


@given(st.integers(0, 365), st.integers(0, 365))
def test_item_3_limits_accepted_exactly_when_promised_le_statutory(promised, statutory):
    if promised <= statutory:
        validate_item_limits(promised, statutory)
    else:
        with pytest.raises(RuleViolation):
            validate_item_limits(promised, statutory)


@pytest.mark.parametrize(
    ("fee", "basis"),
    [
        (None, None),  # free is the default (001 ch.5)
        (Decimal("0"), None),
        (Decimal("0.00"), ""),
        (0, None),
        (Decimal("20.00"), "《行政事业性收费标准》苏价费〔2020〕1号"),
    ],
)
def test_item_3_fee_with_basis_or_free_accepted(fee, basis):
    assert validate_item_fee(fee, basis) is None


@pytest.mark.parametrize("basis", [None, "", "   \n"])
def test_item_3_fee_without_legal_basis_refused(basis):
    with pytest.raises(RuleViolation) as caught:
        validate_item_fee(Decimal("20.00"), basis)
    assert (caught.value.rule_id, caught.value.field) == ("ITEM-3", "fee_basis")


@pytest.mark.parametrize("fee", [Decimal("-0.01"), -5, Decimal("NaN"), Decimal("Infinity"), "abc"])
def test_item_3_bad_fee_amount_refused(fee):
    with pytest.raises(RuleViolation) as caught:
        validate_item_fee(fee, "basis")
    assert (caught.value.rule_id, caught.value.field) == ("ITEM-3", "fee_standard")


def test_item_3_fee_float_is_a_programming_error():
    with pytest.raises(TypeError):
        validate_item_fee(20.0, "basis")


@pytest.mark.parametrize(
    ("charged", "published", "stored"),
    [
        (Decimal("50"), [Decimal("50.00")], Decimal("50.00")),
        (Decimal("50.00"), [Decimal("20.00"), Decimal("50")], Decimal("50.00")),
        (20, [Decimal("20")], Decimal("20.00")),
        (None, [], Decimal("0.00")),  # free item, nothing charged
        (Decimal("0"), [], Decimal("0.00")),
        (None, [Decimal("50.00")], Decimal("0.00")),  # a waived fee charges nothing
        (None, [None], Decimal("0.00")),
    ],
)
def test_case_9_published_fee_accepted(charged, published, stored):
    amount = validate_case_fee(charged, published)
    assert amount == stored
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("charged", "published", "message"),
    [
        (Decimal("30.00"), [Decimal("50.00")], "30.00 yuan is not a published fee of this item; "
                                               "it can only charge 50.00 yuan."),
        (Decimal("49.995"), [Decimal("50.00")], "not a published fee"),
        (Decimal("50.01"), [Decimal("20"), Decimal("50")],
         "it can only charge 20.00 / 50.00 yuan."),
        (Decimal("10.00"), [], "This item is free"),
        (Decimal("10.00"), [Decimal("0.00")], "This item is free"),
        (Decimal("-50.00"), [Decimal("50.00")], "cannot be negative"),
    ],
)
def test_case_9_unpublished_fee_refused(charged, published, message):
    with pytest.raises(RuleViolation) as caught:
        validate_case_fee(charged, published)
    assert (caught.value.rule_id, caught.value.field) == ("CASE-9", "fee_charged")
    assert message in str(caught.value)


money = st.decimals(min_value=0, max_value=10_000, places=2)


@given(money, st.lists(money, max_size=4))
def test_case_9_accepted_only_when_published_or_nothing(charged, published):
    allowed = charged == 0 or charged in published
    if allowed:
        assert validate_case_fee(charged, published) == charged
    else:
        with pytest.raises(RuleViolation):
            validate_case_fee(charged, published)


# --- CASE-9: what a case records of its fee (issue #19) --------------------------------------
@pytest.mark.parametrize("charged, required, record", [
    ("20", True, (Decimal("20.00"), False)),
    (Decimal("20.00"), False, (Decimal("20.00"), False)),
    ("0", True, (None, True)),  # 免收: waived, kept apart from "not recorded"
    (Decimal("0.00"), False, (None, True)),
    (None, False, (None, False)),  # nothing recorded yet (intake)
    ("", False, (None, False)),
])
def test_case_9_fee_record_of_an_item_that_charges(charged, required, record):
    assert case_fee_record(charged, [Decimal("20.00")], required=required) == record


@pytest.mark.parametrize("charged", [None, "", "  "])
def test_case_9_a_required_fee_of_an_item_that_charges_cannot_be_left_empty(charged):
    with pytest.raises(RuleViolation) as refused:
        case_fee_record(charged, [Decimal("20.00")], required=True)
    assert (refused.value.rule_id, refused.value.field) == ("CASE-9", "fee_charged")


@pytest.mark.parametrize("charged", [None, "0", Decimal("0")])
def test_case_9_a_free_item_records_no_fee_and_no_waiver(charged):
    assert case_fee_record(charged, [None], required=True) == (None, False)
    assert case_fee_record(charged, [], required=True) == (None, False)


@pytest.mark.parametrize("charged", ["15", "20.001", "-1"])
def test_case_9_fee_record_refuses_what_is_not_published(charged):
    with pytest.raises(RuleViolation) as refused:
        case_fee_record(charged, [Decimal("20.00")], required=True)
    assert refused.value.rule_id == "CASE-9"
