"""服务事项目录 — the catalogue's own rules: item kinds (ITEM-2), limits and fees (ITEM-3), and
the fee a case may charge (CASE-9).

Time limits are whole working days (RULES.md "Calendar"); money is `Decimal` yuan with 2 places.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from app.rules.errors import N_, RuleViolation

# ITEM-2: the kinds of item (六件 of 002 首问责任制). 转办件 and 退回件 are case outcomes, not kinds.
IMMEDIATE = "immediate"  # 即办件: done on the spot (即收即办)
PROMISED = "promised"  # 承诺件: review or site inspection, done within the promised limit
REPORTED = "reported"  # 上报件: local part done when reviewed and forwarded within the limit (004)
JOINT = "joint"  # 联办件: several windows, one lead window (000 联合办理)
ITEM_KINDS = (IMMEDIATE, PROMISED, REPORTED, JOINT)

_CENT = Decimal("0.01")


def default_limit_for_kind(kind: str, promised_days: int | None) -> int:
    """ITEM-2 / CASE-3: the limit in working days a case of this kind of item runs on.

    即办件 is done the same day whatever the promised limit says (0); the other kinds run on
    the item's promised limit, which they must have.
    """
    if kind not in ITEM_KINDS:
        raise RuleViolation(
            "ITEM-2", N_("Unknown kind of item: %(kind)s."), field="kind", kind=kind
        )
    if kind == IMMEDIATE:
        return 0
    if promised_days is None or promised_days < 0:
        raise RuleViolation(
            "ITEM-2",
            N_("An item that is not done on the spot needs a promised limit in working days."),
            field="promised_days",
        )
    return promised_days


def validate_item_limits(promised_days: int | None, statutory_days: int | None) -> None:
    """ITEM-3: 承诺时限 ≤ 法定时限; neither is negative. No statutory limit (None): nothing to compare."""
    for field, days in (("promised_days", promised_days), ("statutory_days", statutory_days)):
        if days is not None and days < 0:
            raise RuleViolation("ITEM-3", N_("A time limit cannot be negative."), field=field)
    if promised_days is not None and statutory_days is not None and promised_days > statutory_days:
        raise RuleViolation(
            "ITEM-3",
            N_("The promised limit (%(promised)s working days) must not exceed "
               "the statutory limit (%(statutory)s working days)."),
            field="promised_days",
            promised=promised_days,
            statutory=statutory_days,
        )


def _money(value, field: str, rule_id: str) -> Decimal:
    """`value` (Decimal, int or numeric string; None = nothing) as a finite Decimal >= 0."""
    if isinstance(value, float):
        raise TypeError("money is Decimal, never float (STYLE.md)")
    try:
        amount = Decimal(0) if value is None else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise RuleViolation(
            rule_id, N_("Enter the amount in yuan, for example 20.00."), field=field
        )
    if amount < 0:
        raise RuleViolation(rule_id, N_("An amount cannot be negative."), field=field)
    return amount


def validate_item_fee(fee_standard: Decimal | None, fee_basis: str | None) -> None:
    """ITEM-3: an item that charges (fee > 0) states the fee's legal basis (收费依据).

    Free is the default (None or 0: 001 ch.5 服务承诺 十一) and then no basis is needed.
    """
    if _money(fee_standard, "fee_standard", "ITEM-3") > 0 and not (fee_basis or "").strip():
        raise RuleViolation(
            "ITEM-3",
            N_("An item that charges a fee must state the legal basis of the fee."),
            field="fee_basis",
        )


def validate_case_fee(charged: Decimal | None, published_fees: Iterable[Decimal | None]) -> Decimal:
    """CASE-9: the fee a case charges is one of its item's published amounts (or nothing).

    Returns the amount with 2 decimal places (0.00 for None). Charging nothing is always
    allowed: CASE-9 forbids charging what is not published (乱收费, 001 服务承诺 十一,
    000 办事公开制 三), and a waived fee charges nothing. Amounts are compared exactly, so
    50 and 50.00 are the same fee but 49.995 is not 50.00.
    """
    amount = _money(charged, "fee_charged", "CASE-9")
    published = {_money(fee, "fee_charged", "CASE-9") for fee in published_fees if fee is not None}
    published.discard(Decimal(0))
    if amount and amount not in published:
        if not published:
            raise RuleViolation(
                "CASE-9", N_("This item is free: no fee can be charged."), field="fee_charged"
            )
        raise RuleViolation(
            "CASE-9",
            N_("%(amount)s yuan is not a published fee of this item; "
               "it can only charge %(published)s yuan."),
            field="fee_charged",
            amount=amount.quantize(_CENT),
            published=" / ".join(str(fee.quantize(_CENT)) for fee in sorted(published)),
        )
    return amount.quantize(_CENT)


def case_fee_record(charged: Decimal | None, published_fees: Iterable[Decimal | None], *,
                    required: bool) -> tuple[Decimal | None, bool]:
    """CASE-9: what a case records of its fee, as (amount charged, waived).

    An item that publishes a fee has it collected, or waived (免收: 0 typed), and the two are
    kept apart from "nothing recorded" (None typed): `required` (delivery of a case whose fee
    nobody recorded at intake, issue #19) refuses None. An item without a published fee
    records nothing whatever is typed, 0 included: there is nothing to waive. Any other amount
    is refused by `validate_case_fee`.
    """
    published = [fee for fee in published_fees if fee]
    if charged is None or (isinstance(charged, str) and not charged.strip()):
        if required and published:
            raise RuleViolation(
                "CASE-9",
                N_("This item charges a fee: enter the fee collected (0 if it was waived)."),
                field="fee_charged",
            )
        return None, False
    amount = validate_case_fee(charged, published)
    if amount:
        return amount, False
    return None, bool(published)
