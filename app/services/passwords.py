"""The common passwords a new password must not be (issue #18, app/rules/passwords.py).

The list is zxcvbn's (the `zxcvbn` package, a dependency): the 30,000 most frequent passwords
of Xato's corpus of ten million leaked passwords — the first that every guesser tries.
Upgrading the package updates it. Read once per process, and only when a password is set.
"""

from __future__ import annotations

from functools import lru_cache

from app.rules.passwords import MIN_PASSWORD_LENGTH, password_problem

__all__ = ["MIN_PASSWORD_LENGTH", "common_passwords", "password_problem"]


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The common passwords, lower-case."""
    # zxcvbn builds its matchers from every word list when imported: loaded on first use only.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])
