"""Reading the rule settings (规则设置) the administrator may change, and checking a new value."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from app.rules.settings import Note, check_setting, setting_notes
from app.services.core_reads import core_execute
from app.services.transaction_memo import forget_on_write
from models.settings import RuleSetting, parse_setting


_READ = "bianmin_rule_settings"  # session.info: (value type, text) by key, for one transaction
_TABLE = RuleSetting.__table__
_ALL_SETTINGS = select(_TABLE.c.key, _TABLE.c.value_type, _TABLE.c.value, _TABLE.c.default_value)


def setting_value(session: Session, key: str):
    """The typed current value of rule setting `key` (its default if the value is blank).

    Issue #21: the settings are read in one statement, once per transaction of `session`
    (the dashboard read thirteen of them one by one); the read is forgotten when the
    transaction ends and when the session writes a setting."""
    stored = session.info.get(_READ)
    if stored is None:
        stored = {key: (value_type, value or default) for key, value_type, value, default
                  in core_execute(session, _ALL_SETTINGS)}
        session.info[_READ] = stored
    if key not in stored:
        raise NoResultFound(f"no rule setting {key!r}")
    return parse_setting(*stored[key])


def setting_texts(session: Session, keys) -> tuple:
    """The stored (value type, text) of each of `keys`, from the read `setting_value` makes:
    what their typed values are made of, so that a value computed from them alone may be kept
    by these texts (issue #21 P1: the work hours of a day, parsed from ten settings)."""
    stored = session.info.get(_READ)
    if stored is None:
        setting_value(session, keys[0])  # the transaction's one read
        stored = session.info[_READ]
    for key in keys:
        if key not in stored:
            raise NoResultFound(f"no rule setting {key!r}")
    return tuple(stored[key] for key in keys)


forget_on_write(_READ, (RuleSetting,))


def current_values(session: Session) -> dict[str, object]:
    """Every setting's typed value as `setting_value` reads it; one whose stored text no longer
    reads is left out (the cross checks then do not compare with it)."""
    values = {}
    for row in session.scalars(select(RuleSetting)):
        try:
            values[row.key] = parse_setting(row.value_type, row.value or row.default_value)
        except (ValueError, ArithmeticError):
            continue
    return values


def check_new_value(session: Session, setting: RuleSetting, text: str,
                    max_request_bytes: int | None):
    """INPUT-1 and the setting's own rule (app/rules/settings.py): `text` read as the setting's
    type and within its bounds, given the other settings' current values and the request size
    limit (MAX_CONTENT_LENGTH). Returns the typed value; raises RuleViolation when out of
    bounds, another ValueError (or ArithmeticError) when it does not read as the type."""
    check_setting(setting.key, _signed(setting.value_type, text), current_values(session),
                  max_request_bytes=max_request_bytes)
    return parse_setting(setting.value_type, text)


def _signed(value_type: str, text: str):
    """`text` as `parse_setting` reads it, except that a negative number reads too: the
    bounds then refuse it naming the range (every lower bound is 0 or more) instead of
    calling it unreadable."""
    if value_type in ("int", "decimal"):
        try:
            return int(text.strip()) if value_type == "int" else Decimal(text.strip())
        except (ValueError, ArithmeticError):
            pass
    return parse_setting(value_type, text)


def stored_text(value) -> str:
    """A checked value as the setting stores it: a number in positional notation ("1E+1" is
    stored as "10"), a time as HH:MM."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def notes_after_saving(session: Session, key: str) -> list[Note]:
    """SCORE-2/5: what a saved setting leaves to do (maxima that no longer add up to 100)."""
    return setting_notes(key, current_values(session))
