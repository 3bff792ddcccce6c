"""Issue #21 P1: permissions and the menu are computed once per user and kept
(app/permission_cache.py) — and never shown to another user, and computed afresh when the
user's roles change (the session generation advances, issue #18)."""

from __future__ import annotations

import pytest

from app.permission_cache import MENUS, PERMISSIONS, TODO, clear
from tests.conftest import login


@pytest.fixture(autouse=True)
def _empty_caches():
    """Entries of earlier tests' users (SQLite reuses their ids) are not this test's."""
    clear()

RULE_SETTINGS = 'href="/rulesettingview/list/"'


def test_issue_21_each_user_sees_their_own_menu_from_the_cache(log_in, window_a):
    admin = log_in("Admin")
    clerk = log_in("Clerk", window=window_a)
    for _ in range(2):  # the second round is served from the cache
        assert RULE_SETTINGS in admin.client.get("/").get_data(as_text=True)
        assert RULE_SETTINGS not in clerk.client.get("/").get_data(as_text=True)
        assert clerk.client.get("/rulesettingview/list/").status_code in (302, 403)
    assert {key[0][0] for key in MENUS._data} >= {admin.user.id, clerk.user.id}


def test_issue_21_a_role_change_is_seen_at_once(app, db_session, log_in, window_a):
    clerk = log_in("Clerk", window=window_a)
    assert RULE_SETTINGS not in clerk.client.get("/").get_data(as_text=True)
    sm = app.appbuilder.sm
    user = db_session.get(sm.user_model, clerk.user.id)
    user.roles.append(sm.find_role("Admin"))
    db_session.commit()
    # The role change ended the old login (issue #18); the new one has the new menu.
    assert clerk.client.get("/").status_code in (200, 302)
    assert login(clerk.client, clerk.user.username).status_code == 302
    assert RULE_SETTINGS in clerk.client.get("/").get_data(as_text=True)
    assert clerk.client.get("/rulesettingview/list/").status_code == 200


def test_issue_21_a_role_permission_edit_empties_the_cache(app, db_session, log_in):
    admin = log_in("Admin")
    admin.client.get("/")
    assert PERMISSIONS._data and MENUS._data
    db_session.add(app.appbuilder.sm.role_model(name="Issue21Temp"))
    db_session.flush()
    assert not PERMISSIONS._data and not MENUS._data
    db_session.rollback()


def test_issue_21_the_to_do_count_is_per_user_and_dropped_after_their_post(log_in, window_a):
    clerk = log_in("Clerk", window=window_a)
    clerk.client.get("/")
    mine = [key for key in TODO._data if key[0][0] == clerk.user.id]
    assert mine
    clerk.client.post("/lang/nowhere")  # any POST of the user
    assert not [key for key in TODO._data if key[0][0] == clerk.user.id]


def test_issue_21_a_post_with_nobody_signed_in_loads_no_user_for_the_to_do_count(
        app, monkeypatch, log_in, window_a):
    """The after-request hook dropping the user's kept to-do count asks for the user only
    where one can be signed in (a user loaded, in the session, or a remember cookie): a
    public lookup's POST makes no anonymous user; a signed-in user's POST still drops it."""
    import re

    manager = app.login_manager
    made = []
    anonymous = manager.anonymous_user
    monkeypatch.setattr(manager, "anonymous_user", lambda: made.append(1) or anonymous())
    client = app.test_client()
    page = client.get("/guide/progress").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    made.clear()
    answer = client.post("/guide/progress", data={"number": "X-1", "phone": "13800000000",
                                                  "csrf_token": token})
    assert answer.status_code == 200
    assert made == []
    clerk = log_in("Clerk", window=window_a)
    clerk.client.get("/")
    assert [key for key in TODO._data if key[0][0] == clerk.user.id]
    clerk.client.post("/lang/nowhere")
    assert not [key for key in TODO._data if key[0][0] == clerk.user.id]
