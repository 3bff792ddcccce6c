"""API fixtures: a bearer token per role, obtained through FAB's real API login."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.views.test_cases import case_of, item  # noqa: F401  (fixtures)

ROLES = ("Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk")
WINDOW_ROLES = {"WindowHead", "Clerk"}


def api_token(client, username: str) -> str:
    response = client.post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db", "refresh": True})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


@pytest.fixture
def token_for(app, make_user, window_a):
    """`token_for("Clerk")` → the Authorization header of a fresh user of that role (window
    roles in window A)."""

    def make(role: str) -> dict:
        user = make_user(role, window=window_a if role in WINDOW_ROLES else None)
        return {"Authorization": f"Bearer {api_token(app.test_client(), user.username)}"}

    return make
