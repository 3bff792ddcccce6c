"""输入边界 — pure bounds checks of what a form or an API body may carry (INPUT-1, issue #9).

Every value a user types is bounded by the column it lands in: text by the column's length
(and never a NUL byte, which PostgreSQL refuses outright), numbers by the column's type or
precision, dates by a sane range of years. A value out of bounds is a `RuleViolation` with a
clear message next to its field, raised before anything is written, so bad input never reaches
the database as a 500.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from app.rules.errors import N_, RuleViolation

RULE = "INPUT-1"
# Unbounded TEXT columns still get a ceiling: a note of 10,000 characters is a page of A4
# several times over, and a megabyte body would only be stored to be printed nowhere.
TEXT_MAX_LENGTH = 10_000
# A row id in a URL or a body fits the id columns, all INTEGER: PostgreSQL casts the bound
# value to the column's 32-bit type and fails beyond it ("integer out of range"), SQLite's
# driver overflows past 64 bits. Either was a 500 (issue #9).
MAX_ROW_ID = 2**31 - 1
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
# Appointments and other dates of the center's business (CASE-8): this century only.
BUSINESS_YEARS = (2000, 2099)
# Any other stored date (reference data such as holidays or a legal basis' date).
RECORD_YEARS = (1900, 2199)
# A time limit typed in working days (a joint part, an extension): statutory limits are
# weeks, so a thousand working days (four years) is already absurd, and larger ones would
# walk the calendar for minutes.
LIMIT_DAYS = (0, 999)


class MalformedInput(RuleViolation):
    """INPUT-1: the request is not of the expected shape (a wrong type, an unknown key): the
    API answers 400, not 422, since no business value was even read."""

    def __init__(self, message: str, field: str | None = None, **params):
        super().__init__(RULE, message, field=field, **params)


def validate_object(value, allowed: set[str] | frozenset[str], field: str) -> dict:
    """INPUT-1: a JSON object whose keys are all among `allowed` (None reads as empty)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedInput(N_("Send an object here."), field=field)
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        # A few names are enough to correct the call; a body of a million keys is not echoed.
        shown = unknown[:10] + (["…"] if len(unknown) > 10 else [])
        raise MalformedInput(N_("Unknown keys: %(keys)s."), field=field, keys=", ".join(shown))
    return value


def validate_text(value, max_length: int | None, field: str) -> str | None:
    """INPUT-1: text of at most `max_length` characters (TEXT_MAX_LENGTH when the column has
    no length) and without NUL bytes; None and "" pass (requiredness is another rule's)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise RuleViolation(RULE, N_("Enter text."), field=field)
    if "\x00" in value:
        raise RuleViolation(RULE, N_("The text contains a NUL character, which cannot be "
                                     "stored."), field=field)
    limit = max_length or TEXT_MAX_LENGTH
    if len(value) > limit:
        raise RuleViolation(RULE, N_("Enter at most %(max)s characters (%(length)s entered)."),
                            field=field, max=limit, length=len(value))
    return value


def clean_file_name(name: str | None, default: str, max_length: int) -> str:
    """INPUT-1 (issue #18): the name an uploaded file is shown and downloaded under — the last
    part of whatever path the browser sent (`C:\\fakepath\\证明.pdf`), without control
    characters (a NUL byte, which PostgreSQL refuses and no HTTP header may carry; a newline
    or tab) and surrounding blanks, at most `max_length` characters keeping the extension;
    `default` when nothing is left."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf", "Cs")).strip()
    if len(base) > max_length:
        stem, dot, suffix = base.rpartition(".")
        keep = f"{dot}{suffix}" if dot and stem and len(suffix) < 10 else ""
        base = base[:max_length - len(keep)] + keep
    return base or default


def validate_integer(value, field: str, bounds: tuple[int, int] = INT32) -> int | None:
    """INPUT-1: a whole number the column can hold (32-bit INTEGER by default)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleViolation(RULE, N_("Enter a whole number."), field=field)
    low, high = bounds
    if not low <= value <= high:
        raise RuleViolation(RULE, N_("Enter a number between %(low)s and %(high)s."),
                            field=field, low=low, high=high)
    return value


def validate_row_id(value, field: str) -> int:
    """INPUT-1: a reference to a row is a positive whole number its INTEGER id column holds."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROW_ID:
        raise RuleViolation(RULE, N_("Choose an existing record."), field=field)
    return value


def validate_decimal(value, precision: int | None, scale: int | None, field: str) -> Decimal | None:
    """INPUT-1: a finite amount with at most `scale` decimals and `precision` digits in all,
    as NUMERIC(precision, scale) stores it (NUMERIC(10, 2): up to 99,999,999.99)."""
    if value is None:
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleViolation(RULE, N_("Enter an amount."), field=field) from None
    if isinstance(value, bool) or not amount.is_finite():
        raise RuleViolation(RULE, N_("Enter an amount."), field=field)
    # The size first: quantizing a huge amount would exceed Decimal's own precision.
    integer_digits = (precision or 30) - (scale or 0)
    if abs(amount) >= Decimal(10) ** integer_digits:
        raise RuleViolation(RULE, N_("Enter an amount below %(limit)s."), field=field,
                            limit=f"{10 ** integer_digits:,}")
    if scale is not None and amount != amount.quantize(Decimal(1).scaleb(-scale)):
        raise RuleViolation(RULE, N_("Enter an amount with at most %(scale)s decimal places."),
                            field=field, scale=scale)
    return amount


def validate_day(value, field: str, years: tuple[int, int] = RECORD_YEARS) -> date | datetime | None:
    """INPUT-1: a date (or an instant) whose year lies within `years` (inclusive)."""
    if value is None:
        return None
    if not isinstance(value, date):
        raise RuleViolation(RULE, N_("Enter a date."), field=field)
    first, last = years
    if not first <= value.year <= last:
        raise RuleViolation(RULE, N_("Enter a date between the years %(first)s and %(last)s."),
                            field=field, first=first, last=last)
    return value
