"""个人信息保护 — masking applicants' personal data wherever it is not shown in full (PRIV-1).

PRIV-1 (000 保密制度, 003 保守秘密): ID number, phone and address are shown in full only to the
case's window, Office and Leadership, masked elsewhere, and never written to logs. Who sees what
is decided by the caller; these functions only mask. Each accepts None or "" and returns it
unchanged, and masks a malformed value rather than passing it through.
"""

from __future__ import annotations

import re

# Patterns shared by the single-value maskers and the free-text scan (ASCII digits only).
_ID = r"[0-9]{17}[0-9Xx]"
_MOBILE = r"(?:(?:\+|00)?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}"
_LANDLINE = r"(?P<area>\(?0(?:10|2[0-9]|[3-9][0-9]{2})\)?[ -]?)(?P<local>[2-9][0-9]{6,7})"

# In free text a match must not sit inside a longer digit run (order numbers, timestamps).
_PERSONAL = re.compile(
    rf"(?<![0-9])(?:(?P<id>{_ID})|(?P<mobile>{_MOBILE})|{_LANDLINE})(?![0-9])"
)
_MOBILE_ONLY = re.compile(_MOBILE)
_LANDLINE_ONLY = re.compile(rf"{_LANDLINE}(?P<ext>[^0-9]+[0-9]{{1,6}})?")


def _mask_digits(text: str, keep: set[int]) -> str:
    """Replace every digit of `text` by '*' except those whose index counted from the right
    (0 = last digit) is in `keep`; other characters (+, spaces, hyphens) stay."""
    total = sum(c.isdigit() for c in text)
    out, seen = [], 0
    for c in text:
        if c.isdigit():
            out.append(c if total - 1 - seen in keep else "*")
            seen += 1
        else:
            out.append(c)
    return "".join(out)


def mask_id_number(value: str | None) -> str | None:
    """PRIV-1: ``3201**********1234`` — the first 4 (province and city) and last 4 kept.

    A value too short for that (not a valid ID) keeps a quarter at each end, so at least half
    of it is always hidden.
    """
    if not value:
        return value
    keep = 4 if len(value) >= 16 else len(value) // 4
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[len(value) - keep:]


def _mask_mobile(text: str) -> str:
    # 139****5678: the 4 digits before the last 4 are hidden; any +86 prefix stays.
    return _mask_digits(text, keep=set(range(4)) | set(range(8, len(text))))


def _mask_landline(match: re.Match) -> str:
    # 0513-******67: the area code is no secret; the local number keeps its last 2 digits.
    local = match["local"]
    return match["area"] + "*" * (len(local) - 2) + local[-2:]


def mask_phone(value: str | None) -> str | None:
    """PRIV-1: mobile ``139****5678`` (first 3 and last 4 kept), landline ``0513-******67``
    (area code and last 2 kept, an extension hidden); anything else keeps only its last 2 digits."""
    if not value:
        return value
    if _MOBILE_ONLY.fullmatch(value):
        return _mask_mobile(value)
    if match := _LANDLINE_ONLY.fullmatch(value):
        extension = match["ext"] or ""
        return _mask_landline(match) + _mask_digits(extension, keep=set())
    return _mask_digits(value, keep={0, 1})


def mask_address(value: str | None) -> str | None:
    """PRIV-1: the first 6 characters (province and city, e.g. 江苏省南京市) then ``****``.

    A short address keeps at most half its characters; the fixed ``****`` hides the length.
    """
    if not value:
        return value
    return value[: min(6, len(value) // 2)] + "****"


def _mask_match(match: re.Match) -> str:
    if match["id"]:
        return mask_id_number(match["id"])
    if match["mobile"]:
        return _mask_mobile(match["mobile"])
    return _mask_landline(match)


def mask_personal_text(text: str | None) -> str | None:
    """PRIV-1: `text` with every ID number, mobile and landline number in it masked.

    For the logging filter, so personal data never reaches a log. It errs on the side of
    masking: any 17 digits + digit/X and any 1[3-9] + 9 digits not inside a longer digit run
    is masked, checked or not. Addresses and names cannot be recognised in free text: code must
    not put them in log messages in the first place.
    """
    if not text:
        return text
    return _PERSONAL.sub(_mask_match, text)
