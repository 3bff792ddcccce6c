"""Issue #18 "Sessions end": logging out is a POST with the page's CSRF token; logging out, a
password change or reset, a role change and deactivation end every session (a copied cookie)
and every API token (access and refresh) of that user; changing one's own password needs the
current one. Also: passwords of 12 characters at least and not common ones at every door
(the admin forms, the own form, the CLI), and everything done to users in the audit log."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, Actor, login, user_form

# The tests of login itself: `log_in` and `as_*` log in through the real login form.
pytestmark = pytest.mark.login_form

NEW_PASSWORD = "Fresh#Word34xy"
ELEVEN = "Abcdef#12gH"  # 11 characters, otherwise as complex as FAB asked
COMMON = "PAssword#2024"  # "password" with digits and a sign around it


# ---- helpers ---------------------------------------------------------------------------------
def signed_in(app, user, password=PASSWORD) -> Actor:
    client = app.test_client()
    assert login(client, user.username, password).status_code == 302
    assert client.get("/users/userinfo/").status_code == 200
    return Actor(client, user)


def copied_cookie(app, actor: Actor):
    """A second browser holding a copy of the actor's session cookie (as stolen)."""
    copy = app.test_client()
    copy.set_cookie("session", actor.client.get_cookie("session").value)
    assert copy.get("/users/userinfo/").status_code == 200, "the copy works before"
    return copy


def is_signed_in(client) -> bool:
    return client.get("/users/userinfo/").status_code == 200


def tokens(app, user, password=PASSWORD) -> dict:
    response = app.test_client().post("/api/v1/security/login", json={
        "username": user.username, "password": password, "provider": "db", "refresh": True})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def token_works(app, token: str) -> bool:
    response = app.test_client().get("/api/v1/window/",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 401), response.get_json()
    return response.status_code == 200


def refresh_works(app, refresh_token: str) -> bool:
    response = app.test_client().post("/api/v1/security/refresh",
                                      headers={"Authorization": f"Bearer {refresh_token}"})
    assert response.status_code in (200, 401), response.get_json()
    return response.status_code == 200


def edit_form(app, admin: Actor, user, **changes) -> dict:
    """FAB's user edit form as the page posts it, with `changes` (roles as role names)."""
    sm = app.appbuilder.sm
    roles = changes.pop("roles", [role.name for role in user.roles])
    form = {"first_name": user.first_name, "last_name": user.last_name,
            "username": user.username, "email": user.email, "active": "y",
            "roles": [str(sm.find_role(name).id) for name in roles]}
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


@pytest.fixture
def victim(make_user, window_a):
    return make_user("Clerk", window=window_a)


@pytest.fixture
def before(app, victim):
    """The victim signed in (a cookie, a copy of it elsewhere) and holding API tokens."""
    actor = signed_in(app, victim)
    return {"actor": actor, "copy": copied_cookie(app, actor), "tokens": tokens(app, victim)}


def assert_all_ended(app, before) -> None:
    assert not is_signed_in(before["copy"]), "the copied cookie still works"
    assert not token_works(app, before["tokens"]["access_token"]), "the access token still works"
    assert not refresh_works(app, before["tokens"]["refresh_token"]), "the refresh token works"


# ---- logout ----------------------------------------------------------------------------------
def test_logout_get_does_not_log_out(app, victim):
    """Issue #18: GET /logout/ logged out, so any page elsewhere could (an <img src>)."""
    actor = signed_in(app, victim)
    page = actor.get("/logout/")
    assert page.status_code == 200
    assert 'method="post"' in page.get_data(as_text=True)
    assert is_signed_in(actor.client)


def test_logout_post_without_the_csrf_token_is_refused(app, victim):
    actor = signed_in(app, victim)
    assert actor.client.post("/logout/").status_code == 400
    assert is_signed_in(actor.client)


def test_the_navbar_logs_out_with_a_form_not_a_link(app, victim):
    actor = signed_in(app, victim)
    page = actor.get("/").get_data(as_text=True)
    assert 'href="/logout/"' not in page
    form = re.search(r'<form id="logout-form" class="navbar-logout" method="post" '
                     r'action="/logout/">(.*?)</form>', page, re.S)
    assert form and 'name="csrf_token"' in form.group(1)
    assert '<button type="submit" form="logout-form"' in page


def test_a_cookie_copied_before_logout_is_rejected_after_it(app, before):
    actor = before["actor"]
    response = actor.post_form("/logout/", {}, form_url="/logout/")
    assert response.status_code == 302
    assert not is_signed_in(actor.client)
    assert_all_ended(app, before)


def test_logging_in_again_after_logout_works(app, victim, before):
    before["actor"].post_form("/logout/", {}, form_url="/logout/")
    again = signed_in(app, victim)
    assert is_signed_in(again.client)
    assert token_works(app, tokens(app, victim)["access_token"])


# ---- password change, reset, role change, deactivation -----------------------------------------
def test_changing_ones_password_needs_the_current_one(app, victim, db_session):
    from werkzeug.security import check_password_hash

    actor = signed_in(app, victim)
    page = actor.get("/resetmypassword/form").get_data(as_text=True)
    assert 'name="current_password"' in page
    for current in (None, "Not#TheOne123"):
        data = {"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD}
        if current:
            data["current_password"] = current
        response = actor.post_form("/resetmypassword/form", data)
        assert response.status_code == 200  # the form again, with the error
    assert "当前密码不正确" in response.get_data(as_text=True)
    db_session.expire_all()
    assert check_password_hash(app.appbuilder.sm.get_user_by_id(victim.id).password, PASSWORD)


def test_guessing_the_current_password_in_an_open_session_is_locked_like_a_login(
        app, victim, db_session):
    """SEC-2: the current password is checked like a login: 5 wrong ones lock the name from
    this address, and then not even the right one is tried."""
    from werkzeug.security import check_password_hash

    actor = signed_in(app, victim)
    for n in range(5):
        actor.post_form("/resetmypassword/form", {"current_password": f"Guess#{n}abcdEF",
                                                  "password": NEW_PASSWORD,
                                                  "conf_password": NEW_PASSWORD})
    response = actor.post_form("/resetmypassword/form", {
        "current_password": PASSWORD, "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert response.status_code == 200 and "已锁定" in response.get_data(as_text=True)
    db_session.expire_all()
    assert check_password_hash(app.appbuilder.sm.get_user_by_id(victim.id).password, PASSWORD)


def test_changing_ones_password_ends_every_other_session_and_token(app, victim, before):
    actor = before["actor"]
    response = actor.post_form("/resetmypassword/form", {
        "current_password": PASSWORD, "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(actor.client), "the session that changed the password goes on"
    assert_all_ended(app, before)
    assert token_works(app, tokens(app, victim, NEW_PASSWORD)["access_token"])


def test_an_administrators_password_reset_ends_every_session_and_token(app, victim, before,
                                                                       as_admin):
    response = as_admin.post_form(f"/resetpassword/form?pk={victim.id}",
                                  {"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert not is_signed_in(before["actor"].client)
    assert_all_ended(app, before)
    assert is_signed_in(signed_in(app, victim, NEW_PASSWORD).client)


def test_a_role_change_ends_every_session_and_token(app, victim, before, as_admin):
    response = as_admin.post_form(f"/users/edit/{victim.id}",
                                  edit_form(app, as_admin, victim, roles=["Office"]))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert not is_signed_in(before["actor"].client)
    assert_all_ended(app, before)


def test_deactivation_ends_every_session_and_token_and_reactivation_revives_none(
        app, victim, before, as_admin):
    response = as_admin.post_form(f"/users/edit/{victim.id}",
                                  edit_form(app, as_admin, victim, active=None))
    assert response.status_code == 302
    assert_all_ended(app, before)
    as_admin.post_form(f"/users/edit/{victim.id}", edit_form(app, as_admin, victim))
    assert app.appbuilder.sm.find_user(username=victim.username).active
    assert_all_ended(app, before)
    assert is_signed_in(signed_in(app, victim).client)


def test_editing_a_users_name_leaves_their_sessions_alone(app, victim, before, as_admin):
    as_admin.post_form(f"/users/edit/{victim.id}",
                       edit_form(app, as_admin, victim, first_name="改名"))
    assert is_signed_in(before["copy"])
    assert token_works(app, before["tokens"]["access_token"])


def test_a_token_of_a_former_session_generation_is_401_in_json(app, victim, before, as_admin):
    as_admin.post_form(f"/resetpassword/form?pk={victim.id}",
                       {"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    response = app.test_client().get("/api/v1/window/", headers={
        "Authorization": f"Bearer {before['tokens']['access_token']}"})
    assert response.status_code == 401
    assert response.get_json() == {"message": "登录已过期，请重新登录。"}


# ---- passwords: 12 characters at least, not a common one, at every door -----------------------
@pytest.mark.parametrize("password, message", [
    (ELEVEN, "密码至少 12 个字符"),
    (COMMON, "最常见的密码"),
    ("QWerty#123456", "最常见的密码"),
])
def test_the_policy_refuses_short_and_common_passwords(app, password, message):
    from flask_appbuilder.exceptions import PasswordComplexityValidationError

    validator = app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"]
    with app.test_request_context():
        with pytest.raises(PasswordComplexityValidationError, match=message):
            validator(password)
        validator(NEW_PASSWORD)
        validator(PASSWORD)


@pytest.mark.parametrize("password", [ELEVEN, COMMON])
def test_the_admin_user_form_refuses_short_and_common_passwords(app, as_admin, password):
    username = f"weak_{uuid.uuid4().hex[:6]}"
    response = as_admin.post_form("/users/add", user_form(app, username, password))
    assert response.status_code == 200
    assert app.appbuilder.sm.find_user(username=username) is None


@pytest.mark.parametrize("password", [ELEVEN, COMMON])
def test_the_admin_reset_refuses_short_and_common_passwords(app, as_admin, victim, db_session,
                                                            password):
    from werkzeug.security import check_password_hash

    response = as_admin.post_form(f"/resetpassword/form?pk={victim.id}",
                                  {"password": password, "conf_password": password})
    assert response.status_code == 200
    db_session.expire_all()
    assert check_password_hash(app.appbuilder.sm.get_user_by_id(victim.id).password, PASSWORD)


@pytest.mark.parametrize("password", [ELEVEN, COMMON])
def test_the_own_password_form_refuses_short_and_common_passwords(app, victim, db_session,
                                                                  password):
    from werkzeug.security import check_password_hash

    actor = signed_in(app, victim)
    response = actor.post_form("/resetmypassword/form", {
        "current_password": PASSWORD, "password": password, "conf_password": password})
    assert response.status_code == 200
    db_session.expire_all()
    assert check_password_hash(app.appbuilder.sm.get_user_by_id(victim.id).password, PASSWORD)


def fab(app, *args):
    from flask_appbuilder.cli import fab as fab_group

    return app.test_cli_runner().invoke(fab_group, list(args))


@pytest.mark.parametrize("password", [ELEVEN, COMMON])
def test_the_cli_refuses_short_and_common_passwords(app, victim, db_session, password):
    from werkzeug.security import check_password_hash

    username = f"cli_{uuid.uuid4().hex[:6]}"
    created = fab(app, "create-admin", "--username", username, "--firstname", "命令",
                  "--lastname", "行", "--email", f"{username}@example.org", "--password", password)
    assert created.exit_code == 1 and "错误 / Error" in created.output, created.output
    assert app.appbuilder.sm.find_user(username=username) is None
    reset = fab(app, "reset-password", "--username", victim.username, "--password", password)
    assert reset.exit_code == 1, reset.output
    db_session.expire_all()
    assert check_password_hash(app.appbuilder.sm.get_user_by_id(victim.id).password, PASSWORD)
    demo = app.test_cli_runner().invoke(args=["bianmin", "demo", "--password", password])
    assert demo.exit_code == 1
    assert app.appbuilder.sm.find_user(username="clerk") is None


def test_the_cli_creates_an_admin_with_a_good_password(app, db_session):
    username = f"cli_{uuid.uuid4().hex[:6]}"
    created = fab(app, "create-admin", "--username", username, "--firstname", "命令",
                  "--lastname", "行", "--email", f"{username}@example.org",
                  "--password", NEW_PASSWORD)
    assert created.exit_code == 0, created.output
    assert app.appbuilder.sm.find_user(username=username) is not None


# ---- AUDIT-1: everything an administrator does to users is in the audit log -------------------
def user_entries(db_session, user_id=None):
    from models.audit import AuditLog

    db_session.expire_all()
    query = select(AuditLog).where(AuditLog.model == "User").order_by(AuditLog.id)
    if user_id is not None:
        query = query.where(AuditLog.record_id == str(user_id))
    return db_session.scalars(query).all()


def test_audit_1_user_creation_is_audited_without_the_password(app, as_admin, db_session):
    username = f"new_{uuid.uuid4().hex[:6]}"
    assert as_admin.post_form("/users/add", user_form(app, username, NEW_PASSWORD)
                              ).status_code == 302
    user = app.appbuilder.sm.find_user(username=username)
    (entry,) = user_entries(db_session, user.id)
    changes = json.loads(entry.changes)
    assert (entry.action, entry.username, entry.user_id) == ("create", as_admin.user.username,
                                                              as_admin.user.id)
    assert changes["username"] == [None, username] and changes["roles"] == [None, "Clerk"]
    assert "password" not in changes and user.password not in entry.changes


def test_audit_1_role_change_reset_and_deactivation_are_audited(app, as_admin, victim,
                                                                db_session):
    as_admin.post_form(f"/users/edit/{victim.id}", edit_form(app, as_admin, victim,
                                                             roles=["Office"]))
    as_admin.post_form(f"/resetpassword/form?pk={victim.id}",
                       {"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    victim = app.appbuilder.sm.get_user_by_id(victim.id)
    as_admin.post_form(f"/users/edit/{victim.id}", edit_form(app, as_admin, victim, active=None))
    entries = user_entries(db_session, victim.id)
    assert [(e.action, e.username) for e in entries[-3:]] == [
        ("update", as_admin.user.username)] * 3
    roles, reset, deactivated = (json.loads(e.changes) for e in entries[-3:])
    assert roles == {"roles": ["Clerk", "Office"]}
    assert reset == {"password": ["******", "******"]}
    assert deactivated == {"active": [True, False]}
    hashed = app.appbuilder.sm.get_user_by_id(victim.id).password
    assert all(hashed not in e.changes and "pbkdf2" not in e.changes for e in entries)


def test_audit_1_the_audit_log_shows_user_changes_in_chinese(app, as_admin, victim, db_session):
    as_admin.post_form(f"/users/edit/{victim.id}", edit_form(app, as_admin, victim,
                                                             roles=["Office"]))
    entry = user_entries(db_session, victim.id)[-1]
    listing = as_admin.get("/auditlogview/list/").get_data(as_text=True)
    assert "用户账号" in listing
    page = as_admin.get(f"/auditlogview/show/{entry.id}").get_data(as_text=True)
    assert "用户账号" in page and "角色" in page
    assert "Office" not in page.split("audit-changes")[1]  # the role's name, translated


def test_audit_1_a_login_writes_no_audit_entry(app, victim, db_session):
    before = len(user_entries(db_session))
    signed_in(app, victim)
    assert len(user_entries(db_session)) == before


# ---- Log hygiene: no user names in the logs ----------------------------------------------------
def test_fab_logs_no_user_name_at_login_or_failed_login(app, victim, caplog):
    """Issue #18 item 9: FAB logged "Updated user <name>" at every login and "Login Failed for
    user: <typed>" at every failure."""
    import logging

    from app.logging_filters import UserNameFilter

    caplog.handler.addFilter(UserNameFilter())
    caplog.set_level(logging.DEBUG)
    signed_in(app, victim)
    login(app.test_client(), victim.username, "Wrong#Pass12ab")
    login(app.test_client(), "typed-a-secret-here", "Wrong#Pass12ab")
    fab_records = [r for r in caplog.records if r.name.startswith("flask_appbuilder.security")]
    assert any("Updated user" in r.getMessage() for r in fab_records), "FAB logged nothing?"
    assert victim.username not in caplog.text
    assert "typed-a-secret-here" not in caplog.text
