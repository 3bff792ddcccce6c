"""FAB's user and role pages as users read them: role names and "active" translated.

Role names stay English in the database (ROLE_PERMISSIONS, FAB's configuration); their
translations are msgids listed in app/i18n.py (ROLE_MESSAGES).
"""

from __future__ import annotations

from flask_appbuilder.security.views import RoleListWidget, RoleModelView, UserDBModelView
from flask_babel import gettext

from app.views.base import yes_no


def role_label(role) -> str:
    """A role's name as users read it (系统管理员, 窗口工作人员): the database keeps the
    English names that ROLE_PERMISSIONS and FAB's configuration use (app/i18n.py lists them)."""
    return gettext(role.name)


def role_labels(roles) -> str:
    # The list separator is translated too: "、" in Chinese, ", " in English.
    return gettext(", ").join(role_label(role) for role in roles) if roles else ""


class BianminUserDBModelView(UserDBModelView):
    """FAB's user list, with roles and "active" shown translated instead of `[Admin]`, `True`."""

    # A subclass would otherwise be a new permission resource, and the roles' grants on FAB's
    # (SELF_SERVICE_PERMISSIONS: a clerk's own profile) would no longer apply.
    class_permission_name = "UserDBModelView"

    formatters_columns = {"roles": role_labels, "groups": role_labels, "active": yes_no}


class BianminRoleListWidget(RoleListWidget):
    template = "bianmin/role_list.html"


class BianminRoleModelView(RoleModelView):
    """FAB's role list and page, with the role names translated (display only)."""

    class_permission_name = "RoleModelView"

    list_widget = BianminRoleListWidget
    formatters_columns = {"name": gettext}
