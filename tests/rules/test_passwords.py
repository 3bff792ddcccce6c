"""Issue #18: a password has at least 12 characters, is mixed, and is not a common one nor a
common one with digits and signs around it (app/rules/passwords.py, pure)."""

from __future__ import annotations

import pytest

from app.rules.passwords import TOO_COMMON, TOO_SHORT, TOO_SIMPLE, password_problem

COMMON = frozenset({"password", "qwerty", "dragon", "1qaz2wsx3edc", "abc"})


@pytest.mark.parametrize("password, problem", [
    ("Abcdef#12gH", TOO_SHORT),  # 11 characters passed FAB's default (10)
    ("", TOO_SHORT),
    ("PAssword#2024", TOO_COMMON),  # the word inside
    ("!!QWerty12345", TOO_COMMON),
    ("1QAZ2wsx3edc", TOO_COMMON),  # the list, whatever the case
    ("abcdefghijkl", TOO_SIMPLE),
    ("Abc#12defghijk", TOO_SIMPLE),  # one capital
    ("ABc#12defghij", None),
    ("Test#Pass12ab", None),  # the suite's own
    ("AB##1234567abc", None),  # "abc" is common, but shorter than 4: not a word inside
])
def test_passwords_need_twelve_characters_and_are_not_common(password, problem):
    found = password_problem(password, COMMON)
    assert (found[0] if found else None) == problem


def test_the_length_is_said_in_the_message():
    assert password_problem("short", COMMON) == (TOO_SHORT, {"length": 12})


def test_the_shipped_list_holds_thirty_thousand_common_passwords():
    from app.services.passwords import common_passwords

    words = common_passwords()
    assert len(words) >= 29_000
    assert {"password", "123456", "qwerty", "iloveyou"} <= words
    assert "test#pass12ab" not in words
