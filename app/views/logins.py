"""锁定账号 and 登录记录 — the locks after repeated wrong passwords and the login history, for
Admin (SEC-2, issue #18)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_appbuilder.actions import action
from flask_babel import gettext, lazy_gettext as _l

from app.context import local_datetime
from app.extensions import db
from app.services.logins import unlock
from app.views.base import DomainModelView, interface
from app.views.choices import label_of
from models.logins import (API_DOOR, EVERY_ACCOUNT, FORM_DOOR, LOGIN_FAILED, LOGIN_SUCCEEDED,
                           PASSWORD_DOOR, LoginAttempt, LoginLock)

LOGIN_RESULT_LABELS = {
    LOGIN_SUCCEEDED: _l("Logged in"),
    LOGIN_FAILED: _l("Wrong user name or password"),
}
LOGIN_DOOR_LABELS = {
    FORM_DOOR: _l("Login page"),
    API_DOOR: _l("API"),
    PASSWORD_DOOR: _l("Password change"),
}


def locked_name(name: str) -> str:
    """A lock's account name; a lock on a client address for every name says so."""
    return gettext("(every user name)") if name == EVERY_ACCOUNT else name


class LoginLockView(DomainModelView):
    """Locks in force: a user name locked from one client address, or a client address locked
    for every name, with their times; Admin unlocks them before the time is up.

    Only the list and the POST of an action are served: FAB's single-row action answers GET,
    and a state change must not ride on a link (FAB-NOTES, CSRF)."""

    datamodel = interface(LoginLock)
    record_name = _l("Locked account")
    class_permission_name = "LoginLock"
    method_permission_name = {"list": "read", "action_post": "write", "unlock": "write"}
    base_permissions = ["can_read", "can_write"]
    include_route_methods = {"list", "action_post"}
    label_columns = {
        "username": _l("User name typed"),
        "client_address": _l("Client address"),
        "failures": _l("Wrong passwords"),
        "locked_at": _l("Locked at"),
        "locked_until": _l("Locked until"),
    }
    list_columns = ["username", "client_address", "failures", "locked_at", "locked_until"]
    search_columns = ["username", "client_address"]
    formatters_columns = {"username": locked_name, "locked_at": local_datetime,
                          "locked_until": local_datetime}
    base_order = ("locked_at", "desc")

    @action("unlock", _l("Unlock"), _l("Unlock the selected accounts?"), "fa-unlock",
            single=False)
    def unlock(self, items):
        count = unlock(db.session, [item for item in items if item is not None])
        flash(gettext("%(count)d account(s) unlocked.", count=count), "success")
        return redirect(url_for(f"{self.endpoint}.list"))


class LoginAttemptView(DomainModelView):
    """登录记录 — every login whose password was checked, on the login page or the API: the
    user name typed, the client's address, when, and the result. Read only; kept
    AUTH_LOGIN_HISTORY_DAYS days."""

    datamodel = interface(LoginAttempt)
    record_name = _l("Login attempt")
    class_permission_name = "LoginAttempt"
    method_permission_name = {"list": "read"}
    base_permissions = ["can_read"]
    include_route_methods = {"list"}
    label_columns = {
        "at": _l("Time"),
        "username": _l("User name typed"),
        "client_address": _l("Client address"),
        "door": _l("Where"),
        "result": _l("Login result"),
    }
    list_columns = ["at", "username", "client_address", "door", "result"]
    search_columns = ["username", "client_address", "result", "at"]
    formatters_columns = {"at": local_datetime,
                          "door": lambda value: label_of(LOGIN_DOOR_LABELS, value),
                          "result": lambda value: label_of(LOGIN_RESULT_LABELS, value)}
    base_order = ("at", "desc")


def register_login_lock_view(appbuilder) -> None:
    """Beside FAB's user list, in its Security menu (Admin only: no other role is granted them)."""
    appbuilder.add_view(LoginLockView, "Locked accounts", label=_l("Locked accounts"),
                        icon="fa-lock", category="Security")
    appbuilder.add_view(LoginAttemptView, "Login history", label=_l("Login history"),
                        icon="fa-history", category="Security")
