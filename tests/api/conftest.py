"""API fixtures: a bearer token per role (tests.factories.bearer: made as FAB's API login
makes it, without the login request; the tests of the API login itself post to it)."""

from __future__ import annotations

import pytest

from tests.factories import bearer

ROLES = ("Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk")
WINDOW_ROLES = {"WindowHead", "Clerk"}


@pytest.fixture
def token_for(app, make_user, window_a):
    """`token_for("Clerk")` → the Authorization header of a fresh user of that role (window
    roles in window A)."""

    def make(role: str) -> dict:
        user = make_user(role, window=window_a if role in WINDOW_ROLES else None)
        return bearer(app, user)

    return make
