"""Reading the rule settings (规则设置) the administrator may change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.settings import RuleSetting, parse_setting


def setting_value(session: Session, key: str):
    """The typed current value of rule setting `key` (its default if the value is blank)."""
    row = session.scalars(select(RuleSetting).where(RuleSetting.key == key)).one()
    return parse_setting(row.value_type, row.value or row.default_value)
