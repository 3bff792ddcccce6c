"""The rule checks a record's values pass before FAB writes them, shared by the views and the
API so that both doors apply the same rules (issue #9: the API imports no views).

Each check takes the submitted values as a dict (form data or JSON body) and raises
`RuleViolation` naming the field; the view flashes it, the API answers 4xx with it.
"""

from __future__ import annotations

from app.rules.catalogue import validate_item_fee, validate_item_limits
from app.rules.errors import N_, RuleViolation
from app.rules.identity import normalize_phone
from models.org import POSITIONS


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


def check_staff_position(values: dict) -> None:
    """LEAVE-2 / ATT-4: a position from the fixed list (approvals route by it)."""
    if values.get("position") and values["position"] not in POSITIONS:
        raise RuleViolation("LEAVE-2", N_("Unknown position."), field="position")


STAFF_RULE_CHECKS = (check_phone, check_staff_window, check_staff_position)


def _row_id(value):
    """A related row as the form (an object) or the API (an id) hands it in."""
    return getattr(value, "id", value)


def check_post_pair(values: dict) -> None:
    """AB-1: a post's A and B are two different people (one cannot back oneself up)."""
    a_staff, b_staff = _row_id(values.get("a_staff")), _row_id(values.get("b_staff"))
    if a_staff and b_staff and a_staff == b_staff:
        raise RuleViolation("AB-1", N_("A post's A and B must be two different people."),
                            field="b_staff")


POST_RULE_CHECKS = (check_post_pair,)


def check_item_limits(values: dict) -> None:
    """ITEM-3: promised limit ≤ statutory limit."""
    validate_item_limits(values.get("promised_days"), values.get("statutory_days"))


def check_item_fee(values: dict) -> None:
    """ITEM-3: an item with a fee states its legal basis."""
    validate_item_fee(values.get("fee_standard"), values.get("fee_basis"))


ITEM_RULE_CHECKS = (check_item_limits, check_item_fee)
