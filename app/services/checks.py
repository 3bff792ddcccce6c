"""The rule checks a record's values pass before FAB writes them, shared by the views and the
API so that both doors apply the same rules (issue #9: the API imports no views).

Each check takes the submitted values as a dict (form data or JSON body) and raises
`RuleViolation` naming the field; the view flashes it, the API answers 4xx with it.
"""

from __future__ import annotations

from app.rules.catalogue import validate_item_fee, validate_item_limits
from app.rules.errors import N_, RuleViolation
from app.rules.identity import normalize_phone


def check_phone(values: dict) -> None:
    """PRIV-2: a phone, when given, has the mainland format."""
    if values.get("phone"):
        try:
            normalize_phone(values["phone"])
        except RuleViolation as violation:
            violation.field = "phone"
            raise


def check_staff_window(values: dict) -> None:
    """ORG-1: window staff belong to one window; office staff to none."""
    if values.get("unit") == "window" and not values.get("window"):
        raise RuleViolation("ORG-1", N_("Window staff must belong to a window."), field="window")


STAFF_RULE_CHECKS = (check_phone, check_staff_window)


def check_item_limits(values: dict) -> None:
    """ITEM-3: promised limit ≤ statutory limit."""
    validate_item_limits(values.get("promised_days"), values.get("statutory_days"))


def check_item_fee(values: dict) -> None:
    """ITEM-3: an item with a fee states its legal basis."""
    validate_item_fee(values.get("fee_standard"), values.get("fee_basis"))


ITEM_RULE_CHECKS = (check_item_limits, check_item_fee)
