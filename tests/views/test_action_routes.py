"""INPUT-1 (issue #18): FAB's action routes — `/<view>/action/<name>/<pk>` and
`/<view>/action_post` on every CRUD view, its security views included — answered 500 to an
action the view does not have (12 views, anonymously too with the CSRF token of /login/) and
to a row that does not exist. Each is now 4xx with our error page (app/guards.py)."""

from __future__ import annotations

import re

import pytest

from tests.factories import csrf_token

ROLES = ["Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk", None]
UNKNOWN = "no_such_action"
MISSING_ROW = 2_000_000_000


def action_routes(app) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.endpoint.endswith((".action", ".action_post")))


def client_and_token(app, role, log_in, window_a):
    """The role's client (anonymous for None) and a valid CSRF token from a page it sees, so
    that an answer is the route's, not the CSRF check's."""
    if role is None:
        client = app.test_client()
        return client, csrf_token(client.get("/login/").get_data(as_text=True))
    actor = log_in(role, window=window_a if role in ("WindowHead", "Clerk") else None)
    return actor.client, actor.api_headers()["X-CSRFToken"]


def assert_refused_with_our_page(response, what: str) -> None:
    assert 400 <= response.status_code < 500, (what, response.status_code)
    page = response.get_data(as_text=True)
    assert re.search(r'class="error-page" data-status="4\d\d"', page), what


def test_input_1_the_walk_finds_every_view_with_action_routes(app):
    """Not vacuous: the twelve views of the issue (and more) serve action routes."""
    routes = action_routes(app)
    for view in ("users", "roles", "groups", "permissions", "viewmenus", "permissionviews",
                 "serviceitemview", "itemmaterialview", "centerview", "windowview",
                 "rulesettingview", "holidayview", "staffview", "loginlockview"):
        assert f"/{view}/action_post" in routes, view
    assert len(routes) >= 27


@pytest.mark.parametrize("role", ROLES)
def test_input_1_an_unknown_action_is_4xx_on_every_action_route_for_every_role(
        app, log_in, window_a, role):
    client, token = client_and_token(app, role, log_in, window_a)
    for route in action_routes(app):
        if route.endswith("/action_post"):
            answers = {
                "unknown": client.post(route, data={"csrf_token": token, "action": UNKNOWN,
                                                    "rowid": ["1"]}),
                "no action field": client.post(route, data={"csrf_token": token,
                                                            "rowid": ["1"]}),
            }
        else:
            url = route.replace("<string:name>", UNKNOWN).replace("<pk>", "1")
            answers = {"GET": client.get(url), "POST": client.post(url, data={"csrf_token": token})}
        for what, response in answers.items():
            assert_refused_with_our_page(response, f"{role} {route} {what}")


def test_input_1_a_known_action_on_a_missing_row_is_404(app, as_admin):
    """FAB handed None to the action (`resetpasswords` read `item.id`): 500 before."""
    token = as_admin.api_headers()["X-CSRFToken"]
    single = as_admin.client.post(f"/users/action/resetpasswords/{MISSING_ROW}",
                                  data={"csrf_token": token})
    assert_refused_with_our_page(single, "resetpasswords")
    assert single.status_code == 404
    for rowid in (str(MISSING_ROW), "abc", "99999999999999999999"):
        many = as_admin.client.post("/loginlockview/action_post", data={
            "csrf_token": token, "action": "unlock", "rowid": [rowid]})
        assert_refused_with_our_page(many, f"unlock {rowid}")


def test_input_1_a_known_action_on_an_existing_row_still_runs(app, as_admin):
    """The guard only refuses: FAB's reset-password action still leads to its form."""
    token = as_admin.api_headers()["X-CSRFToken"]
    response = as_admin.client.post(f"/users/action/resetpasswords/{as_admin.user.id}",
                                    data={"csrf_token": token})
    assert response.status_code == 302
    assert "resetpassword" in response.headers["Location"].lower()


def test_input_1_an_action_a_user_may_not_run_keeps_fabs_refusal(app, as_clerk):
    """No row is read for a user without the action's permission: the answer is FAB's own,
    whether the row exists or not (nothing tells which rows exist)."""
    token = as_clerk.api_headers()["X-CSRFToken"]
    answers = [as_clerk.client.post(f"/users/action/resetpasswords/{pk}",
                                    data={"csrf_token": token}).status_code
               for pk in (as_clerk.user.id, MISSING_ROW)]
    assert answers[0] == answers[1] and answers[0] < 500
