"""Passwords (issue #18): long enough, and not one that every guesser tries first.

Pure: the list of common passwords is passed in (app/services/passwords.py loads it).
"""

from __future__ import annotations

import re

from app.rules.errors import N_

MIN_PASSWORD_LENGTH = 12

TOO_SHORT = N_("A password has at least %(length)d characters.")
TOO_SIMPLE = N_("A password has at least two capital letters, three small letters, two digits "
                "and one sign such as # or !.")
TOO_COMMON = N_("This password is among the most common ones that every guesser tries "
                "first: choose another.")


# FAB's default complexity (two capitals, a sign, two digits, three small letters), checked with
# our own message: FAB's says "a minimal length of 10", where ours is 12.
_MIXED = re.compile(r"^(?=.*[A-Z].*[A-Z])(?=.*[^0-9a-zA-Z])(?=.*[0-9].*[0-9])(?=.*[a-z].*[a-z].*[a-z])")


def _core(password: str) -> str:
    """The word inside: digits and signs around it taken away ("Password#2024" → "password")."""
    return password.lower().strip("0123456789!@#$%^&*()_+-=[]{};:'\",.<>/?\\|`~ ")


def password_problem(password: str, common_passwords, min_length: int = MIN_PASSWORD_LENGTH):
    """The msgid saying why `password` is refused, with its parameters, or None.

    Refused: shorter than `min_length` (12); in `common_passwords` (lower-case), whatever the
    case of its letters; a common password of 4 or more characters with only digits and signs
    added before or after it ("PAssword#2024", "!!QWerty12345"); or without two capital
    letters, three small letters, two digits and a sign (the complexity FAB checked before).
    """
    if len(password) < min_length:
        return TOO_SHORT, {"length": min_length}
    lowered, core = password.lower(), _core(password)
    if lowered in common_passwords or (len(core) >= 4 and core in common_passwords):
        return TOO_COMMON, {}
    if not _MIXED.match(password):
        return TOO_SIMPLE, {}
    return None
