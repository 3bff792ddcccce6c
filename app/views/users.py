"""FAB's user and role pages as users read them: role names and "active" translated.

Role names stay English in the database (ROLE_PERMISSIONS, FAB's configuration); their
translations are msgids listed in app/i18n.py (ROLE_MESSAGES).
"""

from __future__ import annotations

from flask import current_app
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.security.views import (RoleListWidget, RoleModelView, RoleShowWidget,
                                             UserDBModelView)
from flask_babel import gettext

from app.views.base import yes_no


def role_label(role) -> str:
    """A role's name as users read it (系统管理员, 窗口工作人员): the database keeps the
    English names that ROLE_PERMISSIONS and FAB's configuration use (app/i18n.py lists them)."""
    return gettext(role.name)


def translated_names(rows) -> str:
    """Roles (or groups, whose names may have a translation too) as one translated list; the
    separator is translated as well: "、" in Chinese, ", " in English."""
    return gettext(", ").join(gettext(row.name) for row in rows) if rows else ""


def roles_field():
    """The user form's role choice, FAB's field with each role's translated name."""
    return QuerySelectMultipleField(
        UserDBModelView.label_columns["roles"],
        description=UserDBModelView.description_columns["roles"],
        query_func=lambda: current_app.appbuilder.sm.get_all_roles(),
        get_pk_func=lambda role: role.id,
        get_label=role_label,
        widget=Select2ManyWidget(),
    )


class BianminUserDBModelView(UserDBModelView):
    """FAB's user list, with roles and "active" shown translated instead of `[Admin]`, `True`."""

    # A subclass would otherwise be a new permission resource, and the roles' grants on FAB's
    # (SELF_SERVICE_PERMISSIONS: a clerk's own profile) would no longer apply.
    class_permission_name = "UserDBModelView"

    formatters_columns = {"roles": translated_names, "groups": translated_names, "active": yes_no}
    add_form_extra_fields = {**UserDBModelView.add_form_extra_fields, "roles": roles_field()}
    edit_form_extra_fields = {**(UserDBModelView.edit_form_extra_fields or {}), "roles": roles_field()}


class BianminRoleListWidget(RoleListWidget):
    template = "bianmin/role_list.html"


class BianminRoleShowWidget(RoleShowWidget):
    """FAB's role page prints the stored name and ignores formatters_columns: the name is
    translated on its way in. (FAB also looks the name up among FAB_ROLES' built-in roles,
    which this platform does not use: its roles are synced by app.security.sync_roles.)"""

    def __init__(self, **kwargs):
        columns, values = kwargs.get("include_columns") or [], kwargs.get("value_columns")
        if "name" in columns and values is not None:
            values = list(values)
            values[columns.index("name")] = gettext(values[columns.index("name")])
            kwargs["value_columns"] = values
        super().__init__(**kwargs)


class BianminRoleModelView(RoleModelView):
    """FAB's role list and page, with the role names translated (display only)."""

    class_permission_name = "RoleModelView"

    list_widget = BianminRoleListWidget
    show_widget = BianminRoleShowWidget
    formatters_columns = {"name": gettext}
