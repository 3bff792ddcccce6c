"""身份信息校验 — resident ID numbers and phone numbers as PRIV-2 accepts them.

Bad input raises `RuleViolation("PRIV-2", ...)`, a `ValueError`, so a form shows the message
and nothing is saved. The messages never repeat the value entered: exception text can end up
in logs, and personal data must not (PRIV-1).
"""

from __future__ import annotations

import re
from datetime import date

from app.rules.errors import N_, RuleViolation

# Chinese input methods often produce full-width characters (０-９, Ｘ, －, （）, ＋) and the
# ideographic space: map the whole full-width ASCII block to ASCII before any check.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# GB 11643-1999 §5: check digit by ISO 7064 MOD 11-2 over the 17-digit body.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum) mod 11

# PRIV-2: the first two digits of the address code are a province of GB/T 2260: 华北 11–15,
# 东北 21–23, 华东 31–37, 中南 41–46, 西南 50–54, 西北 61–65, and 81/82/83 for the residence
# permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证, GB 11643 numbering). 71
# (台湾省) is in GB/T 2260 but no mainland number is issued under it. Only the province is
# checked: county codes change (撤县设区) while the numbers issued under them stay valid.
ID_PROVINCES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55),
     *range(61, 66), 81, 82, 83])


def _clean(value: str | None) -> str:
    return (value or "").translate(_HALF_WIDTH).strip()


def id_check_digit(body: str) -> str:
    """GB 11643 校验码: the 18th character for a 17-digit body (ISO 7064 MOD 11-2)."""
    return _ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str | None, *, today: date | None = None,
                        field: str | None = None) -> str:
    """PRIV-2: a 居民身份证号码 (GB 11643-1999), checked and returned as 18 upper-case characters.

    Only outer whitespace is stripped (and full-width characters made ASCII); inner spaces or
    hyphens are refused rather than guessed at. A lower-case x check digit is accepted. Of the
    address code (first six digits, GB/T 2260) only the province is checked (`ID_PROVINCES`):
    county codes are abolished over time while the numbers issued under them stay valid.

    Raises `RuleViolation` (a `ValueError`) for a blank value, a length other than 18, a
    non-digit in the first 17, a first two digits that are no province, a birth date
    (characters 7–14) that is not a real date from 1900 on — or, when `today` is given, one
    after it — and a wrong check digit.
    """
    text = _clean(value).upper()

    def refuse(message: str, **params) -> RuleViolation:
        return RuleViolation("PRIV-2", message, field=field, **params)

    if not text:
        raise refuse(N_("Enter the resident ID number."))
    if len(text) != 18:
        raise refuse(N_("A resident ID number has 18 characters, not %(length)s."),
                     length=len(text))
    body, check = text[:17], text[17]
    if not body.isascii() or not body.isdigit():
        raise refuse(N_("The first 17 characters of a resident ID number must be digits."))
    if check not in "0123456789X":
        raise refuse(N_("The last character of a resident ID number must be a digit or X."))
    if int(body[:2]) not in ID_PROVINCES:
        raise refuse(N_("The first two digits of the resident ID number are not a province code."))
    try:
        birth = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or (today is not None and birth > today):
        raise refuse(N_("Characters 7 to 14 of the resident ID number are not a valid birth date."))
    if id_check_digit(body) != check:
        # The expected digit is not shown: a wrong check digit usually means another
        # character was mistyped, and "should end in 7" would invite fixing the wrong one.
        raise refuse(N_("The resident ID number does not pass its check digit; "
                        "please check every character."))
    return text


# Mainland mobile numbers: 11 digits, 13x–19x; the country code +86 / 0086 / 86 may precede.
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")
# Landlines: area code 010 or 02x followed by an 8-digit local number; other area codes are
# 4 digits (0 + 3) followed by 7 or 8 digits. A local number never starts with 0 or 1.
_LANDLINE = re.compile(r"(010|02\d)([2-9]\d{7})|(0[3-9]\d\d)([2-9]\d{6,7})")
# An extension (分机) after the last hyphen or after 转 / 分机 / ext / x / #, up to 6 digits.
_EXTENSION = re.compile(r"(?P<main>.*\d)\s*(?:-|转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6})", re.I)
_SEPARATORS = re.compile(r"[\s\-()]")


def _landline(text: str) -> str | None:
    match = _LANDLINE.fullmatch(_SEPARATORS.sub("", text))
    if match is None:
        return None
    area, local = (match[1], match[2]) if match[1] else (match[3], match[4])
    return f"{area}-{local}"


def normalize_phone(value: str | None, *, field: str | None = None) -> str:
    """PRIV-2: a mainland phone number in one stored form.

    Mobile (手机): 11 digits from 13x to 19x, optionally after +86 / 0086 / 86 and with spaces
    or hyphens between groups → ``13912345678``. Landline (固定电话) with its area code,
    optionally in parentheses → ``010-12345678`` / ``0513-8123456``, plus ``-ext`` when an
    extension follows a hyphen, 转, 分机, ext, x or #.

    Hotlines (12345…), 400/800 numbers and foreign numbers are refused on purpose: the number
    is the applicant's own contact and the key of the public progress lookup. Raises
    `RuleViolation` (a `ValueError`) for a blank or malformed number.
    """
    text = _clean(value)
    if not text:
        raise RuleViolation("PRIV-2", N_("Enter the phone number."), field=field)
    mobile = _MOBILE.fullmatch(_SEPARATORS.sub("", text))
    if mobile:
        return mobile[1]
    # "0513-8123456-12" could be read as an 8-digit local number plus nothing; a trailing
    # short group is an extension by the usual 区号-号码-分机 writing, so try that reading first.
    extension = _EXTENSION.fullmatch(text)
    if extension and (number := _landline(extension["main"])):
        return f"{number}-{extension['ext']}"
    if number := _landline(text):
        return number
    raise RuleViolation(
        "PRIV-2",
        N_("Enter a mainland mobile number (11 digits starting with 13 to 19) "
           "or a landline with its area code, for example 0513-81234567."),
        field=field,
    )


# --- 统一社会信用代码 (GB 32100-2015): the "ID number" of an organisation applicant ------------
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(body: str) -> str:
    """The 18th character of a unified social credit code from its first 17 (GB 32100-2015)."""
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(body, _CREDIT_WEIGHTS))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(value: str | None, *, field: str | None = None) -> str:
    """PRIV-2: an organisation's 统一社会信用代码, checked and returned as 18 upper-case characters.

    The code uses digits and upper-case letters without I, O, S, V and Z; the last character
    is a check character over the first 17. Raises `RuleViolation` with a readable message.
    """
    text = _clean(value).upper()
    if not text:
        raise RuleViolation("PRIV-2", N_("Enter the unified social credit code."), field=field)
    if len(text) != 18:
        raise RuleViolation("PRIV-2", N_("A unified social credit code has 18 characters, not "
                                         "%(length)s."), field=field, length=len(text))
    if any(c not in _CREDIT_CHARS for c in text):
        raise RuleViolation("PRIV-2", N_("A unified social credit code uses only digits and "
                                         "upper-case letters other than I, O, S, V and Z."),
                            field=field)
    if credit_code_check_char(text[:17]) != text[17]:
        raise RuleViolation("PRIV-2", N_("The unified social credit code does not pass its "
                                         "check character; please check every character."),
                            field=field)
    return text


# --- Finding a case by its applicant (issue #19) ----------------------------------------------
APPLICANT_ID_NUMBER = "id_number"
APPLICANT_PHONE = "phone"
APPLICANT_NAME = "name"
APPLICANT_NAME_MAX = 100  # the column's size (service_case.applicant_name)


def applicant_search_key(value: str | None, *, field: str | None = None) -> tuple[str, str]:
    """PRIV-1/PRIV-2: what a staff member typed to find an applicant's cases, as the stored form
    of one column: ``("id_number", <18 characters>)`` for a resident ID number or a unified
    social credit code (both kept in the applicant_id_number column), ``("phone", <number>)``
    for a phone number in the form `normalize_phone` stores, ``("name", <name>)`` for what
    holds no digit: the applicant's (or organisation's) name as the intake stores it.

    The ID number is matched whole, never by a prefix: 18 characters passing their check
    digit, or nothing. The name too is matched whole (赵六, never every 赵): a search finds one
    applicant, it does not list people. A phone may be typed with spaces, hyphens or +86.
    Raises `RuleViolation` with a message that never repeats the value (it could reach a log).
    """
    text = _clean(value)
    if not text:
        raise RuleViolation("PRIV-2", N_("Enter the applicant's name, phone number or whole ID "
                                         "number."), field=field)
    if not any(c.isdigit() for c in text):
        # A name holds no digit; an ID number, a credit code and a phone always do. Kept as
        # typed (check_applicant stores the name stripped, nothing else).
        name = (value or "").strip()
        if len(name) > APPLICANT_NAME_MAX or any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise RuleViolation("PRIV-2", N_("Enter the applicant's whole name as registered "
                                             "(at most %(max)s characters)."),
                                field=field, max=APPLICANT_NAME_MAX)
        return APPLICANT_NAME, name
    compact = _SEPARATORS.sub("", text).upper()
    if len(compact) == 18:  # no phone has 18 characters
        for normalize in (normalize_id_number, normalize_credit_code):
            try:
                return APPLICANT_ID_NUMBER, normalize(compact)
            except RuleViolation:
                continue
        raise RuleViolation("PRIV-2", N_("This is no valid ID number or unified social credit "
                                         "code (18 characters with a check digit); please check "
                                         "every character."), field=field)
    try:
        return APPLICANT_PHONE, normalize_phone(text)
    except RuleViolation:
        raise RuleViolation(
            "PRIV-2", N_("Enter a whole ID number (18 characters) or a phone number: a mainland "
                         "mobile (11 digits) or a landline with its area code."),
            field=field) from None
