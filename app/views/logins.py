"""锁定账号 — the accounts locked after repeated wrong passwords, for Admin (SEC-2)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_appbuilder.actions import action
from flask_babel import gettext, lazy_gettext as _l

from app.extensions import db
from app.services.logins import unlock
from app.views.base import DomainModelView, interface
from models.logins import LoginLock


class LoginLockView(DomainModelView):
    """Locked accounts with their lock times; Admin unlocks them before the time is up.

    Only the list and the POST of an action are served: FAB's single-row action answers GET,
    and a state change must not ride on a link (FAB-NOTES, CSRF)."""

    datamodel = interface(LoginLock)
    record_name = _l("Locked account")
    class_permission_name = "LoginLock"
    method_permission_name = {"list": "read", "action_post": "write", "unlock": "write"}
    base_permissions = ["can_read", "can_write"]
    include_route_methods = {"list", "action_post"}
    label_columns = {
        "username": _l("User"),
        "failures": _l("Wrong passwords"),
        "locked_at": _l("Locked at"),
        "locked_until": _l("Locked until"),
    }
    list_columns = ["username", "failures", "locked_at", "locked_until"]
    search_columns = ["username"]
    base_order = ("locked_at", "desc")

    @action("unlock", _l("Unlock"), _l("Unlock the selected accounts?"), "fa-unlock",
            single=False)
    def unlock(self, items):
        count = unlock(db.session, [item for item in items if item is not None])
        flash(gettext("%(count)d account(s) unlocked.", count=count), "success")
        return redirect(url_for(f"{self.endpoint}.list"))


def register_login_lock_view(appbuilder) -> None:
    """Beside FAB's user list, in its Security menu (Admin only: no other role is granted it)."""
    appbuilder.add_view(LoginLockView, "Locked accounts", label=_l("Locked accounts"),
                        icon="fa-lock", category="Security")
