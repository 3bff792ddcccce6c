"""Roles, their permission sets and the row-level window filter (ORG-2, PRIV-1).

Roles are data here, not clicks in the UI: `sync_roles()` makes the database roles exactly
what ROLE_PERMISSIONS says, every time the app starts and on `flask bianmin upgrade`.
Views and APIs of one domain share a `class_permission_name` (the resource) and map their
methods to read / write / delete, so a role grants a resource once for both doors.
"""

from __future__ import annotations

import secrets

import click
from flask import current_app, flash, g, has_request_context, redirect, request
from flask import session as cookie_session
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, Select2ManyWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import User
from flask_appbuilder.security.views import AuthDBView as FabAuthDBView
from flask_appbuilder.security.views import (
    PermissionModelView,
    PermissionViewModelView,
    RoleListWidget,
    RoleModelView,
    RoleShowWidget,
    UserDBModelView,
    UserGroupModelView,
    ViewMenuModelView,
)
from flask_appbuilder.security.views import ResetMyPasswordView as FabResetMyPasswordView
from flask_appbuilder.security.views import ResetPasswordView as FabResetPasswordView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_appbuilder.views import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, ValidationError
from wtforms.validators import DataRequired, EqualTo

from app.context import local_datetime
from app.error_messages import WRONG_LOGIN, api_error, error_texts, translated_refusal
from app.rules.complaints import is_complex, may_decide_outcome
from app.rules.errors import N_, RuleViolation
from app.rules.leave import APPROVER_POSITIONS
from app.services.accounts import (account_changes, advance_generations, end_sessions,
                                   ends_sessions, new_account, session_generation)
from app.services.audit import record_change
from app.services.logins import (ACCOUNT_LOCKED, CLIENT_LOCKED, Attempt, LockoutPolicy,
                                 account_name, client_key, login_refusal, record_attempt)
from app.services.passwords import common_passwords, password_problem
from app.services.transaction import Conflict
from models.logins import API_DOOR, FORM_DOOR, PASSWORD_DOOR
from models.types import utcnow

ADMIN, LEADERSHIP, OFFICE, SECTION_HEAD, WINDOW_HEAD, CLERK = (
    "Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk",
)
ROLES = (ADMIN, LEADERSHIP, OFFICE, SECTION_HEAD, WINDOW_HEAD, CLERK)
PUBLIC = "Public"  # FAB's role for visitors; the public pages need no permission

# Method → permission maps shared by every domain view and API.
VIEW_METHOD_PERMISSIONS = {
    "list": "read", "show": "read", "download": "read", "api_read": "read", "api_get": "read",
    "api": "read", "api_column_add": "write", "api_column_edit": "write", "api_readvalues": "read",
    "add": "write", "edit": "write", "api_create": "write", "api_update": "write",
    "delete": "delete", "api_delete": "delete",
}
API_METHOD_PERMISSIONS = {
    "get_list": "read", "get": "read", "info": "read",
    "post": "write", "put": "write", "delete": "delete",
}

READ = ("read",)
WRITE = ("read", "write")
ALL = ("read", "write", "delete")
# ROSTER-2: "log" writes a duty log (the service lets only that day's duty person or substitute).
DUTY_READ_LOG = ("read", "log")
DUTY_MANAGE = ("read", "write", "log")
# COMP-1: "record" registers a complaint (the office); "write" answers and decides it.
COMPLAINT_OFFICE = ("read", "write", "record")
# SCORE-6: Leadership reads every semi-annual entry and confirms the grades.
SEMIANNUAL_CONFIRM = ("read", "confirm")

# ORG-2: what each product role may do, per resource. Admin gets everything from FAB.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    LEADERSHIP: {
        "MonthlyAssessment": ("read", "confirm"),  # SCORE-3: confirms/reopens the month
        "NoticeViolation": READ, "Case": READ, "CaseSubTask": READ,
        "Center": READ, "Window": READ, "Staff": READ, "Post": READ, "ServiceItem": READ,
        "ItemMaterial": READ, "RuleSetting": READ, "Holiday": READ, "AuditLog": READ,
        "RefusalReport": READ,
        "Handover": READ,  # HAND-1: reads every handover
        "DutyShift": DUTY_READ_LOG,  # ROSTER-1/2: reads the rota, writes own duty logs
        "Meeting": READ,  # MEET-1: schedule, minutes, everyone's attendance
        "Attendance": READ, "ClockExcuse": WRITE,  # ATT: every staff member's month
        "LeaveRequest": WRITE, "LeaveOverview": READ,  # LEAVE-1..4
        "AwayRegistration": WRITE,  # AB-2: approves window heads' errands, sees every cover
        "Complaint": WRITE,  # COMP-2..4: decides complex complaints, confirms escalations
        "WindowScore": READ,  # SCORE-2/3: the month's window scores and their export
        "Semiannual": SEMIANNUAL_CONFIRM,  # SCORE-6: confirms the half-year's grades
        "Dashboard": READ,  # issue #12: the Leadership dashboard
    },
    OFFICE: {
        "MonthlyAssessment": ("read", "rate"),  # SCORE-2 M10: enters a window's ratings
        "NoticeViolation": READ, "Case": READ, "CaseSubTask": READ,
        "Center": READ, "Window": WRITE, "Staff": ALL, "Post": ALL, "ServiceItem": ALL,
        "ItemMaterial": ALL,
        "RuleSetting": READ, "Holiday": ALL,
        "RefusalReport": READ,
        "Handover": WRITE,  # HAND-1: creates for staff, confirms for those without login
        "DutyShift": DUTY_MANAGE,  # ROSTER-1/2: generates, edits, arranges substitutes
        "Meeting": WRITE,  # MEET-1: generates the month, records attendance and minutes
        "Attendance": READ, "ClockRecord": ("write",), "ClockExcuse": WRITE,  # ATT-1: imports, enters
        "LeaveRequest": WRITE, "LeaveOverview": READ,  # LEAVE-1..4
        "AwayRegistration": READ,  # AB-2: every window's errands and cover
        "Complaint": COMPLAINT_OFFICE,  # COMP-1..3: records, answers, decides
        "WindowScore": READ,  # SCORE-2/3: the month's window scores and their export
        "ReferenceImport": ("write",),  # IMPORT-1: imports windows, staff, service items
        "Semiannual": WRITE,  # SCORE-5: computes, enters 德/能, praises
        "Dashboard": READ,  # issue #12: the Leadership dashboard
    },
    SECTION_HEAD: {
        "MonthlyAssessment": READ,  # SCORE-2..4
        "NoticeViolation": READ, "Case": READ, "CaseSubTask": READ,
        "Center": READ, "Window": READ, "Staff": READ, "Post": READ, "ServiceItem": READ,
        "ItemMaterial": READ, "RuleSetting": READ, "Holiday": READ,
        "RefusalReport": WRITE,  # NEG-2: reviews
        "Handover": WRITE,  # HAND-1: own handovers
        "DutyShift": DUTY_READ_LOG,  # ROSTER-1/2: reads the rota, writes own duty logs
        "Meeting": READ,  # MEET-1: schedule, minutes, own attendance
        "Attendance": READ, "ClockExcuse": WRITE,  # ATT: own month, own 补签单
        "LeaveRequest": WRITE,  # LEAVE-1: own requests (approvers: LEAVE-2 by position)
        "AwayRegistration": WRITE,  # AB-2: registers own errands (Leadership approves)
        "Semiannual": READ,  # SCORE-5: own entry
    },
    WINDOW_HEAD: {
        "MonthlyAssessment": ("read", "rate"),  # SCORE-2 M10: rates the other windows
        "NoticeViolation": READ, "Case": WRITE, "CaseSubTask": WRITE,
        "Center": READ, "Window": READ, "Staff": READ, "Post": READ, "ServiceItem": READ,
        "ItemMaterial": READ,
        "RefusalReport": WRITE,  # NEG-1: files
        "Handover": WRITE,  # HAND-1: own handovers
        "DutyShift": DUTY_READ_LOG,  # ROSTER-1/2: reads the rota, writes own duty logs
        "Meeting": READ,  # MEET-1: schedule, minutes, own attendance
        "Attendance": READ, "ClockExcuse": WRITE,  # ATT: own month, own 补签单
        "LeaveRequest": WRITE,
        "AwayRegistration": WRITE,  # AB-2 / ORG-2: records and approves own window's cover
        "Semiannual": READ,  # SCORE-5: own entry (window head: the window's)
    },
    CLERK: {
        "MonthlyAssessment": READ,  # SCORE-2..4: own window's total, own events
        "Case": WRITE, "CaseSubTask": WRITE,
        "Center": READ, "Window": READ, "Staff": READ, "Post": READ, "ServiceItem": READ,
        "ItemMaterial": READ,
        "RefusalReport": WRITE,  # NEG-1: files
        "Handover": WRITE,  # HAND-1: own handovers
        "DutyShift": DUTY_READ_LOG,  # ROSTER-1/2: reads the rota, writes own duty logs
        "Meeting": READ,  # MEET-1: schedule, minutes, own attendance
        "Attendance": READ, "ClockExcuse": WRITE,  # ATT: own month, own 补签单
        "LeaveRequest": WRITE,
        "AwayRegistration": WRITE,  # AB-2: registers own errands (the window head approves)
        "Semiannual": READ,  # SCORE-5: own entry (window head: the window's)
    },
}

# SCORE-1, FAULT-1 (issue #11, deductions): the catalogue is Admin's reference data, Office
# records deductions, bonuses and derelictions, Leadership reads them all; every other role
# reads its own (clerk) or its window's (window head) — OwnScoreFilter below.
SCORE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    LEADERSHIP: {"DeductionItem": READ, "ScoreEvent": READ, "Dereliction": READ},
    OFFICE: {"DeductionItem": READ, "ScoreEvent": WRITE, "Dereliction": WRITE},
    SECTION_HEAD: {"ScoreEvent": READ, "Dereliction": READ},
    WINDOW_HEAD: {"ScoreEvent": READ, "Dereliction": READ},
    CLERK: {"ScoreEvent": READ, "Dereliction": READ},
}
for _role, _grants in SCORE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role].update(_grants)

# Issue #12: the printable reports (月度考核通报, the grade list as PDF) are Leadership's and
# the office's; every other role is refused (403).
REPORT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    LEADERSHIP: {"Report": READ},
    OFFICE: {"Report": READ},
}
for _role, _grants in REPORT_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role].update(_grants)
REPORT_ROLES = frozenset({LEADERSHIP, OFFICE, ADMIN})

# Every signed-in role may read its own profile, change its password and read the API spec.
SELF_SERVICE_PERMISSIONS = (
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
    ("can_get", "MenuApi"),
    ("can_get", "OpenApi"),
    ("can_show", "SwaggerView"),
)

# Every staff member's own corner (issue #10: my to-do list, my leave...), whatever their role.
# Issue #21: their own background jobs (large exports) and the jobs' files.
SELF_SERVICE_RESOURCES: dict[str, tuple[str, ...]] = {"MyWork": READ, "BackgroundJob": READ}

# PRIV-1: who sees applicants' personal data in full (besides the case's own window).
PERSONAL_DATA_ROLES = frozenset({OFFICE, LEADERSHIP})
# ORG-2: roles limited to their own window's records.
WINDOW_BOUND_ROLES = frozenset({WINDOW_HEAD, CLERK})


# ---- FAB's user and role pages as users read them (display only) ----------------------------
# Role names stay English in the database (ROLE_PERMISSIONS above); their translations are
# msgids listed in app/i18n.py (ROLE_MESSAGES). Like Superset, the security module holds the
# security views it customises: the views import this module, not the other way round.
def role_label(role) -> str:
    """A role's name as users read it (系统管理员, 窗口工作人员): the database keeps the
    English names that ROLE_PERMISSIONS and FAB's configuration use (app/i18n.py lists them)."""
    return gettext(role.name)


def translated_names(rows) -> str:
    """Roles (or groups, whose names may have a translation too) as one translated list; the
    separator is translated as well: "、" in Chinese, ", " in English. In id order: a user's
    roles come from an association table, in no fixed order on PostgreSQL."""
    if not rows:
        return ""
    return gettext(", ").join(gettext(row.name) for row in sorted(rows, key=lambda row: row.id))


def roles_field():
    """The user form's role choice, FAB's field with each role's translated name."""
    return QuerySelectMultipleField(
        UserDBModelView.label_columns["roles"],
        description=UserDBModelView.description_columns["roles"],
        query_func=lambda: sorted(current_app.appbuilder.sm.get_all_roles(),
                                  key=lambda role: role.id),  # FAB's query has no order
        get_pk_func=lambda role: role.id,
        get_label=role_label,
        widget=Select2ManyWidget(),
    )


# ---- Passwords (issue #18): at least 12 characters, not a common one, at every door --------
PASSWORD_POLICY = _l("At least 12 characters, with two capital letters, three small letters, "
                     "two digits and a sign; not one of the common passwords.")


def check_password_policy(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR (set by the security manager): FAB's user form, its
    password reset forms, our own password change, `flask fab create-admin` / `create-user` /
    `reset-password` (through `add_user` and `reset_password` below) and `bianmin demo
    --password` all check passwords with it (app/rules/passwords.py)."""
    problem = password_problem(password or "", common_passwords())
    if problem is not None:
        message, params = problem
        raise PasswordComplexityValidationError(gettext(message, **params))


class PasswordRefused(click.ClickException):
    """A password set outside a form (FAB's CLI commands) breaks the policy: the command
    stops with one line and exit status 1, nothing saved."""

    def show(self, file=None) -> None:
        click.echo(f"错误 / Error: {self.format_message()}", err=True)


def _new_password_fields(label, confirm_label):
    return (
        PasswordField(label, description=PASSWORD_POLICY,
                      validators=[DataRequired(), PasswordComplexityValidator()],
                      widget=BS3PasswordFieldWidget()),
        PasswordField(confirm_label, validators=[
            DataRequired(), EqualTo("password", message=_l("Passwords must match"))],
            widget=BS3PasswordFieldWidget()),
    )


class BianminUserDBModelView(UserDBModelView):
    """FAB's user list, with roles and "active" shown translated instead of `[Admin]`, `True`."""

    # A subclass would otherwise be a new permission resource, and the roles' grants on FAB's
    # (SELF_SERVICE_PERMISSIONS: a clerk's own profile) would no longer apply.
    class_permission_name = "UserDBModelView"
    record_name = _l("User account")  # the audit log's name for FAB's users (issue #18)

    formatters_columns = {"roles": translated_names, "groups": translated_names,
                          "active": lambda active: gettext("Yes") if active else gettext("No")}
    base_order = ("username", "asc")  # FAB's list has none: PostgreSQL's order would wander
    _password, _confirm = _new_password_fields(_l("Password"), _l("Confirm Password"))
    add_form_extra_fields = {**UserDBModelView.add_form_extra_fields, "roles": roles_field(),
                             "password": _password, "conf_password": _confirm}
    edit_form_extra_fields = {**(UserDBModelView.edit_form_extra_fields or {}), "roles": roles_field()}
    del _password, _confirm


class NewPasswordForm(DynamicForm):
    """An administrator's reset of a user's password (FAB's form, with the policy)."""

    password, conf_password = _new_password_fields(_l("New password"), _l("Confirm Password"))


def _is_current_password(form, field) -> None:
    """The current password, checked like a login (SEC-2): counted, slowed and locked from
    this address alike, so an open session cannot be used to guess it."""
    user = getattr(g, "user", None)
    if user is None or not user.is_authenticated:
        raise ValidationError(gettext("This is not your current password."))
    problem = current_app.appbuilder.sm.check_own_password(user, field.data or "")
    if problem:
        raise ValidationError(problem)


class MyPasswordForm(DynamicForm):
    """Changing one's own password needs the current one (issue #18): a session left open on
    a shared computer does not let someone else take the account over."""

    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(), _is_current_password],
                                     widget=BS3PasswordFieldWidget())
    password, conf_password = _new_password_fields(_l("New password"), _l("Confirm Password"))


class ResetMyPasswordView(FabResetMyPasswordView):
    """FAB's own password change with the current password asked first. Same class name as
    FAB's: the roles' grants (SELF_SERVICE_PERMISSIONS) name it."""

    form = MyPasswordForm
    form_title = _l("Change my password")

    def form_post(self, form) -> None:
        # The change ends every other session and token of the user (issue #18); this one
        # goes on (`_track_account_changes`).
        self.appbuilder.sm.reset_password(g.user.id, form.password.data)
        flash(as_unicode(self.message), "info")


class ResetPasswordView(FabResetPasswordView):
    """FAB's reset of a user's password by an administrator, with the policy; the reset ends
    every session and token of that user and is in the audit log (issue #18)."""

    form = NewPasswordForm

    def form_post(self, form) -> None:
        user = _user_of(request.args.get("pk"))
        if user is None:
            flash(gettext("No such user."), "danger")
            return
        self.appbuilder.sm.reset_password(user.id, form.password.data)
        flash(as_unicode(self.message), "info")


def _user_of(pk):
    try:
        return current_app.appbuilder.sm.get_user_by_id(int(pk))
    except (TypeError, ValueError, OverflowError):
        return None


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
    # The list names the roles only: FAB's list also printed each role's whole permission set,
    # hundreds of technical English names in one cell; they stay on each role's page. The
    # roles and their permissions are declared in code (ROLE_PERMISSIONS, sync_roles).
    list_columns = ["name"]
    formatters_columns = {"name": gettext}
    base_order = ("id", "asc")  # as declared; the translated names are not the stored ones


def ordered_list(view_class, base_order):
    """One of FAB's own list views with a default order (FAB gives none: PostgreSQL then lists
    the rows as they lie, another order after any change), under FAB's permission name."""
    return type(f"Bianmin{view_class.__name__}", (view_class,),
                {"class_permission_name": view_class.__name__, "base_order": base_order})


# ---- SEC-2 and the session generation: the login form, logout, the API login ------------
# The session generation a login cookie (Flask's session) and an API token carry (issue #18).
GENERATION_KEY = "_bianmin_generation"
GENERATION_CLAIM = "gen"
LOGIN_REFUSAL = "bianmin_login_refusal"  # g: why the login just tried was refused


def refusal_message(refusal) -> str:
    """SEC-2: why a login is refused, the same for every name typed (existing or not)."""
    if refusal.kind == ACCOUNT_LOCKED:
        return gettext("Too many wrong passwords for this user name from your computer: logging "
                       "in with it from here is locked until %(time)s. Wait, or ask an "
                       "administrator to unlock it.", time=local_datetime(refusal.until))
    if refusal.kind == CLIENT_LOCKED:
        return gettext("Too many failed logins from your computer: logging in from here is "
                       "locked until %(time)s. Wait, or ask an administrator to unlock it.",
                       time=local_datetime(refusal.until))
    return gettext("Too many failed logins from your computer: wait %(seconds)d seconds before "
                   "the next try.", seconds=refusal.seconds_left(utcnow()))


class AuthDBView(FabAuthDBView):
    """FAB's login form and logout (same class name: same endpoints and URLs).

    Login: a refused try (SEC-2) says why; the cookie gets the user's session generation.
    Logout (issue #18): only a POST with the page's CSRF token (the navbar's button) logs out
    — another site's link or image cannot; it ends every session and token of the user. A GET
    shows the button."""

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = LoginForm_db()
        if form.validate_on_submit():
            next_url = get_safe_redirect(request.args.get("next", ""))
            user = self.appbuilder.sm.auth_user_db(form.username.data, form.password.data)
            refusal = g.pop(LOGIN_REFUSAL, None)
            if refusal is not None:
                flash(refusal_message(refusal), "danger")
            elif not user:
                flash(as_unicode(self.invalid_login_message), "warning")
            if not user:
                return redirect(self.appbuilder.get_url_for_login_with(next_url))
            login_user(user, remember=False)
            cookie_session[GENERATION_KEY] = session_generation(self.appbuilder.sm.session,
                                                                user.id)
            return redirect(next_url)
        return self.render_template(self.login_template, title=self.title, form=form,
                                    appbuilder=self.appbuilder)

    @expose("/logout/", methods=["GET", "POST"])
    @no_cache
    def logout(self):
        if request.method != "POST":
            if not current_user.is_authenticated:
                return redirect(self.appbuilder.get_url_for_index)
            return self.render_template("bianmin/logout.html", title=gettext("Log out"),
                                        appbuilder=self.appbuilder)
        user = self._get_authenticated_user()
        if user is not None:
            end_sessions(self.appbuilder.sm.session, user.id, utcnow())
        logout_user()
        cookie_session.pop(GENERATION_KEY, None)
        if user is not None:
            self.appbuilder.sm.on_user_logout(user)
        return redirect(current_app.config.get("LOGOUT_REDIRECT_URL",
                                               self.appbuilder.get_url_for_index))


class SecurityApi(FabSecurityApi):
    """FAB's /api/v1/security (login, refresh), answering in the user's language and the
    documented JSON shape (app/error_messages.py, INPUT-1). Same class name as FAB's, so its
    endpoints keep their names (`SecurityApi.login`: the login limit and guards key on it).
    A login refused by SEC-2 answers 429 with why and a Retry-After, whatever name was
    typed; a wrong name or password 401, the same for existing and unknown names."""

    def response_400(self, message=None):
        return self.response(400, message=translated_refusal(message, 400))

    def response_401(self):
        refusal = g.pop(LOGIN_REFUSAL, None)
        if refusal is not None:
            return api_error(429, refusal_message(refusal),
                             headers=[("Retry-After", str(refusal.seconds_left(utcnow())))])
        return self.response(401, message=gettext(WRONG_LOGIN))

    def response_500(self, message=None):
        return self.response(500, message=error_texts(500)[0])


class BianminSecurityManager(SecurityManager):
    """FAB's security manager; the roles themselves are synced by `sync_roles`."""

    security_api = SecurityApi
    authdbview = AuthDBView
    resetmypasswordview = ResetMyPasswordView
    resetpasswordview = ResetPasswordView

    # FAB's user and role pages, with role names and "active" translated (above).
    userdbmodelview = BianminUserDBModelView
    rolemodelview = BianminRoleModelView
    groupmodelview = ordered_list(UserGroupModelView, ("name", "asc"))
    permissionmodelview = ordered_list(PermissionModelView, ("name", "asc"))
    viewmenumodelview = ordered_list(ViewMenuModelView, ("name", "asc"))
    permissionviewmodelview = ordered_list(PermissionViewModelView, ("id", "asc"))

    # FAB's "User's Statistics" chart loads Google's chart loader from gstatic (FAB-NOTES:
    # charts are online-only); the platform must work offline (tests/test_offline.py).
    userstatschartview = None

    def add_permissions_view(self, base_permissions, view_menu):
        """FAB deletes from `view_menu` every permission the view being registered does not
        declare, as if each resource had one view. Ours are shared: the case lists write
        "Case" while the ledger and the print view only read it, and the menu entries
        "Center" and "Staff" hold `menu_access` on their resources' names. So FAB tried, at
        every start, to delete the other views' permissions, and as Admin holds them all,
        refused with a warning ("Refused to delete permission view"). Given the permissions
        already there as well, it only adds what is missing; `remove_stale_permissions`
        deletes what no view declares any more, once every view is registered."""
        view_menu_row = self.find_view_menu(view_menu)
        existing = [pv.permission.name for pv in self.find_permissions_view_menu(view_menu_row)
                    if pv.permission] if view_menu_row else []
        super().add_permissions_view(list(dict.fromkeys([*base_permissions, *existing])), view_menu)

    def exist_permission_on_roles(self, view_name: str, permission_name: str,
                                  role_ids: list[int]) -> bool:
        """Whether one of the roles has the permission: FAB asks once for every button,
        action and link of a page (about 25 database queries a list page); here the roles'
        permissions are read once per request and answered from memory. Outside a request
        (CLI, role sync) every question goes to the database, as in FAB."""
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        cache = g.setdefault("_bianmin_role_permissions", {})
        key = tuple(sorted(role_ids))
        if key not in cache:
            cache[key] = self.role_permission_pairs(key)
        return (permission_name, view_name) in cache[key]

    def role_permission_pairs(self, role_ids) -> frozenset[tuple[str, str]]:
        """(permission, view or menu) of every permission the roles hold, in one query."""
        permission_view = self.permissionview_model
        rows = (self.session.query(self.permission_model.name, self.viewmenu_model.name)
                .select_from(permission_view)
                .join(self.permission_model, permission_view.permission)
                .join(self.viewmenu_model, permission_view.view_menu)
                .join(permission_view.role)
                .filter(self.role_model.id.in_(role_ids))
                .distinct().all())
        return frozenset((permission, view) for permission, view in rows)

    # ---- SEC-1, SEC-2: login limits and lockout (issue #9) ----------------------------

    def register_views(self):
        """FAB limits only its login form (AUTH_RATE_LIMITED); the API login
        (/api/v1/security/login) is limited here too (SEC-1), and both doors also draw on
        one shared budget, so alternating form and API gains an attacker nothing."""
        super().register_views()
        if self.is_auth_limited and getattr(self, "auth_view", None) is not None:
            security_api = self._security_api_view()
            for blueprint in (security_api.blueprint, self.auth_view.blueprint):
                self.limiter.shared_limit(self.auth_rate_limit, scope=LOGIN_LIMIT_SCOPE,
                                          methods=["POST"])(blueprint)

    def _security_api_view(self):
        return next(view for view in self.appbuilder.baseviews
                    if isinstance(view, self.security_api))

    def __init__(self, appbuilder):
        config = current_app.config
        # Issue #18: an unknown name is checked against a dummy hash made like real ones (FAB's
        # fixed dummy is scrypt even where another method is configured), so both take as long.
        config.setdefault("AUTH_DB_FAKE_PASSWORD_HASH_CHECK", generate_password_hash(
            secrets.token_hex(16), method=config.get("FAB_PASSWORD_HASH_METHOD", "scrypt")))
        config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", check_password_policy)
        track_account_changes()
        super().__init__(appbuilder)

    def auth_user_db(self, username, password):
        """SEC-2 on the form and the API alike (both call this): a try refused by a lock or
        the client's slowdown checks no password; every checked one is written to the login
        history, and a failure may lock the name from this client, or the client. Neither
        depends on whether the name exists (issue #18)."""
        if not has_request_context():
            return super().auth_user_db(username, password)
        policy = LockoutPolicy.from_config(current_app.config)
        now = utcnow()
        typed = (username or "").strip()
        # FAB also accepts the e-mail address as the username: both count as the account's name.
        known = (self.find_user(username=typed) or self.find_user(email=typed)) if typed else None
        account = account_name(typed, known.username if known else None)
        client = client_key(request.remote_addr)
        refusal = login_refusal(self.session, account, client, policy, now)
        if refusal is not None:
            g.setdefault(LOGIN_REFUSAL, refusal)
            return None
        user = super().auth_user_db(username, password)
        attempt = Attempt(typed=typed, account=account, client=client,
                          door=API_DOOR if request.path.startswith("/api/") else FORM_DOOR,
                          succeeded=user is not None)
        try:
            lock = record_attempt(self.session, attempt, policy, now)
        except Conflict:  # SQLite busy past its timeout: the login stands, uncounted
            lock = None
        if lock is not None:
            g.setdefault(LOGIN_REFUSAL, lock)
        return user

    def check_own_password(self, user, password: str) -> str | None:
        """Why `password` is refused as the signed-in user's current one (None: it is theirs).
        A try is refused by a lock or slowdown of SEC-2 and written to the login history."""
        policy = LockoutPolicy.from_config(current_app.config)
        now = utcnow()
        account, client = account_name(user.username), client_key(request.remote_addr)
        refusal = login_refusal(self.session, account, client, policy, now)
        if refusal is not None:
            return refusal_message(refusal)
        matches = check_password_hash(user.password or "", password)
        try:
            lock = record_attempt(self.session, Attempt(
                typed=user.username, account=account, client=client, door=PASSWORD_DOOR,
                succeeded=matches), policy, now)
        except Conflict:
            lock = None
        if matches:
            return None
        return refusal_message(lock) if lock else gettext("This is not your current password.")

    # ---- Issue #18: sessions and tokens end with the user's session generation -----------

    def create_login_manager(self, app):
        login_manager = super().create_login_manager(app)
        login_manager.user_loader(self.load_session_user)
        return login_manager

    def create_jwt_manager(self, app):
        jwt_manager = super().create_jwt_manager(app)
        jwt_manager.additional_claims_loader(self.token_claims)
        jwt_manager.token_in_blocklist_loader(self.token_revoked)
        return jwt_manager

    def load_session_user(self, user_id):
        """The login cookie's user, if the cookie is of the user's current session generation;
        a cookie from before a logout, a password change, a role change or a deactivation
        is logged out (its login keys removed from the session)."""
        user = self.load_user(user_id)
        if user is None:
            return None
        if cookie_session.get(GENERATION_KEY, 0) != session_generation(self.session, user.id):
            for key in ("_user_id", "_fresh", "_id", GENERATION_KEY):
                cookie_session.pop(key, None)
            return None
        return user

    def token_claims(self, identity) -> dict:
        """Every access and refresh token carries the user's session generation."""
        try:
            user_id = int(identity)
        except (TypeError, ValueError):
            return {}
        return {GENERATION_CLAIM: session_generation(self.session, user_id)}

    def token_revoked(self, _jwt_header, jwt_data) -> bool:
        """An access or refresh token of an older session generation than the user's is
        revoked: the API answers 401 "the login has expired" (app/guards.py)."""
        try:
            user_id = int(jwt_data["sub"])
        except (KeyError, TypeError, ValueError):
            return True
        return jwt_data.get(GENERATION_CLAIM, 0) != session_generation(self.session, user_id)

    # ---- Issue #18: passwords set outside a form keep the policy too ---------------------

    def add_user(self, username, first_name, last_name, email, role=None, password="",
                 hashed_password="", groups=None, commit=True):
        """FAB's `add_user` checks no password (`flask fab create-admin`, `create-user`)."""
        if password and not hashed_password:
            _refuse_weak(password)
        return super().add_user(username, first_name, last_name, email, role=role,
                                password=password, hashed_password=hashed_password,
                                groups=groups, commit=commit)

    def reset_password(self, userid, password):
        """FAB's `reset_password` checks nothing (`flask fab reset-password`, the demo)."""
        _refuse_weak(password)
        return super().reset_password(userid, password)


def _refuse_weak(password: str) -> None:
    try:
        check_password_policy(password)
    except PasswordComplexityValidationError as error:
        raise PasswordRefused(str(error)) from None


# ---- Issue #18: what is done to users is audited, and ends their sessions -----------------
_PENDING_GENERATIONS = "bianmin_session_generations"


def _track_account_changes(session: Session, _flush_context) -> None:
    """AUDIT-1 for FAB's users (issue #18): a created, changed or deleted user is one audit
    entry (who, when, before → after; a changed password as a mark, never its hash), whichever
    door made it — the user pages, the password forms, FAB's CLI, the demo. A changed
    password, role or group or a deactivation moves the user's session generation on: every
    session and token of theirs ends. The session that made its own change goes on (the new
    generation is put into its cookie once committed)."""
    ended = []
    for user in session.new:
        if isinstance(user, User):
            record_change(session, "create", "User", user.id, new_account(user))
    for user in session.dirty:
        if isinstance(user, User) and session.is_modified(user):
            changes = account_changes(user)
            if changes:
                record_change(session, "update", "User", user.id, changes)
                if ends_sessions(changes):
                    ended.append(user.id)
    for user in session.deleted:
        if isinstance(user, User):
            record_change(session, "delete", "User", user.id,
                          {"username": [user.username, None]})
    if not ended:
        return
    generations = advance_generations(session.connection(), ended, utcnow())
    mine = has_request_context() and cookie_session.get("_user_id")
    if mine and int(mine) in generations:
        session.info.setdefault(_PENDING_GENERATIONS, {})[int(mine)] = generations[int(mine)]


def _keep_own_session(session: Session) -> None:
    pending = session.info.pop(_PENDING_GENERATIONS, None)
    if pending and has_request_context():
        mine = cookie_session.get("_user_id")
        if mine and int(mine) in pending:
            cookie_session[GENERATION_KEY] = pending[int(mine)]


def _forget_pending(session: Session, *_args) -> None:
    session.info.pop(_PENDING_GENERATIONS, None)


def track_account_changes() -> None:
    """Install the account trail on every ORM session (idempotent; the security manager)."""
    for name, listener in (("after_flush", _track_account_changes),
                           ("after_commit", _keep_own_session),
                           ("after_rollback", _forget_pending)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


LOGIN_LIMIT_SCOPE = "login"


def ensure_roles(sm) -> None:
    """Create the declared roles that are missing (FAB adds new permissions to Admin)."""
    for role_name in (*ROLES, PUBLIC):
        if sm.find_role(role_name) is None:
            sm.add_role(role_name)


def sync_roles(sm, menu_entries) -> None:
    """Make the database roles exactly ROLE_PERMISSIONS (ORG-2); idempotent.

    `menu_entries` are (category, menu name, permission resource, action) of the registered
    views and links: a role that may do `action` on the resource sees the entry and category.
    """
    ensure_roles(sm)
    remove_stale_permissions(sm)
    for role_name in ROLES:
        role = sm.find_role(role_name)
        if role_name == ADMIN:
            role.permissions = _all_pvms(sm)
            continue
        granted = {**SELF_SERVICE_RESOURCES, **ROLE_PERMISSIONS.get(role_name, {})}
        wanted = set(SELF_SERVICE_PERMISSIONS)
        for resource, actions in granted.items():
            wanted.update((f"can_{action}", resource) for action in actions)
        for category, name, resource, action in menu_entries:
            if action in granted.get(resource, ()):
                wanted.add(("menu_access", name))
                if category:
                    wanted.add(("menu_access", category))
        pvms = [sm.add_permission_view_menu(perm, view) for perm, view in sorted(wanted)]
        role.permissions = [pvm for pvm in pvms if pvm is not None]
    # Exempt from transaction() (issue #9): runs at start-up and in `bianmin upgrade` on FAB's
    # security session, between FAB's own permission writes, which commit by themselves.
    sm.session.commit()


def remove_stale_permissions(sm) -> None:
    """Delete the permissions on a registered view's resource that no registered view
    declares any more (a method removed, a resource narrowed), first from every role.
    FAB did this per view while registering, which cannot work for shared resources
    (`BianminSecurityManager.add_permissions_view`); here it is done once, knowing them all.
    `menu_access` belongs to the menu, not to the views, and is left to FAB."""
    declared: dict[str, set[str]] = {}
    for view in sm.appbuilder.baseviews:
        declared.setdefault(view.class_permission_name, set()).update(view.base_permissions)
    roles = sm.get_all_roles()
    for pvm in sm.session.query(sm.permissionview_model).all():
        if pvm.permission is None or pvm.view_menu is None:
            continue
        permission, resource = pvm.permission.name, pvm.view_menu.name
        if resource not in declared or permission == "menu_access" or permission in declared[resource]:
            continue
        for role in roles:
            if pvm in role.permissions:
                role.permissions.remove(pvm)
        sm.session.delete(pvm)
    sm.session.flush()


def _all_pvms(sm) -> list:
    return sm.session.query(sm.permissionview_model).all()


def _user():
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated:
        return current_user
    from flask_jwt_extended import current_user as jwt_user

    try:
        return jwt_user if jwt_user and jwt_user.is_active else None
    except RuntimeError:  # no JWT in this request
        return None


def role_names(user=None) -> set[str]:
    user = user or _user()
    if user is None:
        return set()
    return {role.name for role in user.roles}


def current_staff():
    """The Staff row of the signed-in user, or None (cached for the request)."""
    if not has_request_context():
        return None
    if "bianmin_staff" not in g:
        from app.extensions import db
        from models.org import Staff

        user = _user()
        g.bianmin_staff = (
            db.session.query(Staff).filter_by(user_id=user.id).one_or_none() if user else None
        )
    return g.bianmin_staff


def current_actor():
    """The Actor (app.services.cases) of this request's user, signed in by session or JWT."""
    from app.services.cases import Actor

    user = _user()
    staff = current_staff()
    return Actor(username=user.username, user_id=user.id, staff_id=staff.id if staff else None)


def window_scope() -> int | None:
    """ORG-2: the only window whose records the user may touch, or None for all windows.

    A clerk or window head with no window sees nothing (-1 matches no row) rather than all.
    """
    roles = role_names()
    if not roles or roles - WINDOW_BOUND_ROLES:
        return None if roles else -1
    staff = current_staff()
    return staff.window_id if staff and staff.window_id else -1


def staff_names(usernames) -> dict[str, str]:
    """Login name → the Staff member's name, for pages that list who did what (a case's
    history and notes store the login name); users without a Staff row are left out."""
    from app.extensions import db
    from models.org import Staff

    usernames = set(usernames)
    if not usernames:
        return {}
    user = current_app.appbuilder.sm.user_model
    rows = (db.session.query(user.username, Staff.name).join(Staff, Staff.user_id == user.id)
            .filter(user.username.in_(usernames)))
    return dict(rows.all())


def may_see_personal_data(window_id: int | None = None, case=None) -> bool:
    """PRIV-1: staff of the record's window, Office and Leadership see personal data in full.

    AB-2: so does B on a case of A's that B covers (`case` given): B works the case in A's
    place and must reach the applicant; the masking returns with the cover's end."""
    roles = role_names()
    if roles & PERSONAL_DATA_ROLES:
        return True
    if case is not None:
        window_id = case.window_id
    staff = current_staff()
    if window_id and staff and staff.window_id == window_id:
        return True
    return case is not None and covers_case(case)


# --- ORG-2: a staff row's login and position decide who signs and who approves ---------------
# HAND-1 and ROSTER-2 let the office act for a staff member *without* a login; LEAVE-2 and
# ATT-4 route approvals by Staff.position. Who edits staff rows (the office: Staff, IMPORT-1)
# could otherwise unlink a colleague's login and sign for them, or make a colleague (or
# themselves) an approver (issue #18: four eyes). Only Admin, who keeps the logins and roles,
# does either.
STAFF_LINKING_ROLES = frozenset({ADMIN})
# LEAVE-2 / ATT-4: the positions that approve something (the town head is only informed).
APPROVING_POSITIONS = frozenset().union(*APPROVER_POSITIONS.values(), {"deputy_director"})


def staff_change_violation(old_user_id, new_user_id, old_position, new_position,
                           roles: set[str] | None = None, user_id: int | None = None,
                           new_row: bool | None = None):
    """ORG-2 (LEAVE-2, ATT-4, HAND-1): only an administrator links a login to a staff row or
    removes it, and only an administrator changes the position of a staff row — anyone's,
    their own included: a position decides what its holder approves, so whoever edits staff
    rows could otherwise grant approval rights alone (issue #18). A new row (the office's
    form, API or import) may name any position: it has no login, and the login that brings
    the position's rights is linked by an administrator. LEAVE-2 names a change to or from an
    approving position, ORG-2 any other. The RuleViolation to refuse the change with, or
    None. `new_row` defaults to "no position before" (old_position None)."""
    roles = role_names() if roles is None else roles
    if roles & STAFF_LINKING_ROLES:
        return None
    if old_user_id != new_user_id:
        return RuleViolation("ORG-2", N_("Only an administrator links a login to a staff member "
                                         "or removes it."), field="user")
    new_row = old_position is None if new_row is None else new_row
    if not new_row and old_position != new_position:
        rule = "LEAVE-2" if {old_position, new_position} & APPROVING_POSITIONS else "ORG-2"
        return RuleViolation(rule, N_("Only an administrator changes a staff member's position: "
                                      "it decides what they approve."), field="position")
    return None


def _new_user_id(staff, old_user_id):
    """The login a staff row is given in this flush: the relationship set by a form, else the
    column set directly, else unchanged."""
    from sqlalchemy import inspect

    state = inspect(staff)
    relation = state.attrs.user.history
    if relation.added:
        return getattr(relation.added[0], "id", None)
    if relation.deleted:
        return None
    column = state.attrs.user_id.history
    return column.added[0] if column.added else old_user_id


def _guard_staff_changes(session, _flush_context, _instances) -> None:
    """ORG-2 at every door (the staff page, the API, the reference import): a signed-in user's
    flush changing a login link or a position against `staff_change_violation` is refused.
    Outside a request (CLI, demo, jobs) nothing is checked."""
    from sqlalchemy import select

    from models.org import Staff

    changed = [obj for obj in (*session.new, *session.dirty) if isinstance(obj, Staff)]
    user = _user() if changed else None
    if user is None or role_names(user) & STAFF_LINKING_ROLES:
        return
    known = [obj.id for obj in changed if obj.id is not None]
    before = {}
    if known:  # the rows as stored: what this flush would change
        query = select(Staff.id, Staff.user_id, Staff.position).where(Staff.id.in_(known))
        before = {row.id: row for row in session.execute(query)}
    for staff in changed:
        old = before.get(staff.id)
        old_user_id, old_position = (old.user_id, old.position) if old else (None, None)
        violation = staff_change_violation(old_user_id, _new_user_id(staff, old_user_id),
                                           old_position, staff.position,
                                           roles=role_names(user), user_id=user.id,
                                           new_row=old is None)
        if violation is not None:
            raise violation


def guard_staff_changes() -> None:
    """Install the ORG-2 staff guard on every ORM session (idempotent; called by create_app)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", _guard_staff_changes):
        event.listen(Session, "before_flush", _guard_staff_changes)


# --- Permission policy: who may do what ----------------------------------------------------
# A role's write permission on a resource lets it change the resource; which change is whose
# is decided here, once, for every door (issue #9), not by role lists inside the views.
CASE_READING_ROLES = frozenset(ROLES)
REFUSAL_FILING_ROLES = frozenset({CLERK, WINDOW_HEAD, ADMIN})
REFUSAL_REVIEWING_ROLES = frozenset({SECTION_HEAD, ADMIN})
MEETING_RECORDING_ROLES = frozenset({OFFICE, ADMIN})
MEETING_ATTENDANCE_READING_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})


def may_read_cases(roles: set[str] | None = None) -> bool:
    """ORG-2: every staff role reads cases (its own window's or all of them); the public and a
    user without a product role do not, so their home page shows no case counts."""
    return bool((role_names() if roles is None else roles) & CASE_READING_ROLES)


def may_file_refusal_report(roles: set[str] | None = None) -> bool:
    """NEG-1: the refusing window (clerk, window head) files the report and informs the
    applicant of a correction; the section head, who reviews it, does not."""
    return bool((role_names() if roles is None else roles) & REFUSAL_FILING_ROLES)


ROTA_MANAGING_ROLES = frozenset({OFFICE, ADMIN})


def may_manage_rota(roles: set[str] | None = None) -> bool:
    """ROSTER-1/2: the general office keeps the duty order, generates and edits the rota,
    arranges substitutes and enters a duty log for a staff member without a login."""
    return bool((role_names() if roles is None else roles) & ROTA_MANAGING_ROLES)


def may_review_refusal_report(roles: set[str] | None = None) -> bool:
    """NEG-2: the approval section head reviews a refusal report and reports an important one
    to the deputy director; the window that refused does not review itself."""
    return bool((role_names() if roles is None else roles) & REFUSAL_REVIEWING_ROLES)


# --- AB-2: B covers A's unfinished cases while A is away --------------------------------------
def covered_staff() -> dict[int, str]:
    """AB-2: the staff (id → name) whose cases the signed-in user covers now, as B of their
    post while they are away in the half-day of now by the one definition of "away" (leave not
    yet reported back, an approved errand or meeting, absence: app/services/away.py,
    app/services/cover.py). One cover query per request, and only for the window-bound roles
    the cover widens."""
    if not has_request_context() or window_scope() is None:
        return {}
    if "bianmin_covered" not in g:
        from app.context import clock
        from app.extensions import db
        from app.services.cover import covered_staff as covered_on

        staff = current_staff()
        now = clock()
        g.bianmin_covered = covered_on(db.session, staff.id, now.today, now.now) if staff else {}
    return g.bianmin_covered


def covers_case(case) -> bool:
    """AB-2: the user reaches `case` by cover (not by their own window)."""
    from app.services.cover import is_covered_case

    return is_covered_case(case, covered_staff())


def case_scope_condition():
    """ORG-2 + AB-2 as one SQL condition on cases: own window, or a case the user covers;
    None for the roles that see every window."""
    from sqlalchemy import or_

    from app.services.cover import covered_cases_condition
    from models.cases import Case

    scope = window_scope()
    if scope is None:
        return None
    own = Case.window_id == scope
    cover = covered_cases_condition(covered_staff())
    return own if cover is None else or_(own, cover)


def may_reach_case(case) -> bool:
    """ORG-2 + AB-2 for one loaded case: the Python twin of `case_scope_condition`."""
    scope = window_scope()
    return scope is None or case.window_id == scope or covers_case(case)


# --- ORG-2 / AB-2: 外出登记 and the window head's approval of their window's cover -------------
AWAY_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})


def current_cover_actor():
    """The CoverActor (app.services.cover) of this request's user: a window head approves the
    cover of their own window, Leadership any other (app.rules.leave.may_approve_away)."""
    from app.services.cover import CoverActor

    user = _user()
    roles = role_names()
    return CoverActor(user_id=user.id if user else None, staff=current_staff(),
                      window_head=WINDOW_HEAD in roles, leadership=LEADERSHIP in roles)


def away_scope() -> tuple[str, int] | None:
    """ORG-2 for 外出登记 and the cover page: None (Office, Leadership, Admin: every window),
    ("window", id) for a window head, ("own", staff id) for anyone else; no Staff row: nothing."""
    roles = role_names()
    if roles & AWAY_ALL_ROLES:
        return None
    staff = current_staff()
    if staff is None:
        return ("own", -1)
    if WINDOW_HEAD in roles and staff.window_id:
        return ("window", staff.window_id)
    return ("own", staff.id)


def may_see_away_registration(registration) -> bool:
    """`away_scope` for one loaded registration."""
    scope = away_scope()
    if scope is None:
        return True
    kind, value = scope
    if kind == "window":
        return registration.staff.window_id == value
    return registration.staff_id == value
def may_record_meetings(roles: set[str] | None = None) -> bool:
    """MEET-1: the office generates the month's meetings, records attendance, writes minutes."""
    return bool((role_names() if roles is None else roles) & MEETING_RECORDING_ROLES)


def may_see_meeting_attendance(roles: set[str] | None = None) -> bool:
    """MEET-1: the office and leadership see everyone's meeting attendance; other staff
    their own."""
    return bool((role_names() if roles is None else roles) & MEETING_ATTENDANCE_READING_ROLES)
# ATT: who sees every staff member's attendance and who keeps the clock records.
ATTENDANCE_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})
CLOCK_KEEPING_ROLES = frozenset({OFFICE, ADMIN})


def may_see_all_attendance(roles: set[str] | None = None) -> bool:
    """ATT: Office and Leadership see every staff member's month; everyone else only their own."""
    return bool((role_names() if roles is None else roles) & ATTENDANCE_ALL_ROLES)


def attendance_scope() -> list[int] | None:
    """ATT: the staff ids whose attendance the user may see: None for all, else the user's own
    (an empty list for a login without a Staff row)."""
    if may_see_all_attendance():
        return None
    staff = current_staff()
    return [staff.id] if staff else []


def may_keep_clock_records(roles: set[str] | None = None) -> bool:
    """ATT-1: the office imports, enters and corrects clock records and off-post times."""
    return bool((role_names() if roles is None else roles) & CLOCK_KEEPING_ROLES)


def may_approve_clock_excuse(excuse=None) -> bool:
    """ATT-4: a 补签单 is approved by the deputy director — by position (Staff.position),
    whatever the login role; with `excuse`, not their own (app.services.attendance)."""
    from app.services.attendance import may_decide_excuse

    return may_decide_excuse(current_staff(), excuse)


class OwnWindowFilter(BaseFilter):
    """Row-level filter (ORG-2): a clerk or window head sees only their own window's rows.

    One class serves the ModelView and the ModelRestApi of a window-scoped model, because
    FAB's API does not inherit a view's base_filters (FAB-NOTES).
    AB-2: on cases it also lets B through to the unfinished cases of an A that B covers
    (`case_scope_condition`), on every page and API that lists, opens or acts on cases.
    """

    name = "Own window"
    arg_name = "own_window"

    def apply(self, query, value):
        scope = window_scope()
        if scope is None:
            return query
        from models.cases import Case

        if self.model is Case and self.column_name == "window_id":
            return query.filter(case_scope_condition())
        return query.filter(getattr(self.model, self.column_name) == scope)


def window_scoped_filters(column: str = "window_id") -> list:
    """The base_filters a window-scoped view or API declares."""
    return [[column, OwnWindowFilter, None]]


# --- HAND-1: handovers (工作交接) ---------------------------------------------------------------
# Office and Leadership read every handover; everyone else the ones they give or receive.
HANDOVER_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})
# Office registers handovers for anyone (and confirms for staff without login, app/rules/handover).
HANDOVER_OFFICE_ROLES = frozenset({OFFICE, ADMIN})


def may_create_handover_for(giver_id: int | None, roles: set[str] | None = None) -> bool:
    """HAND-1: the giver registers their own handover; the general office anyone's."""
    roles = role_names() if roles is None else roles
    if roles & HANDOVER_OFFICE_ROLES:
        return True
    staff = current_staff()
    return bool(staff and giver_id is not None and staff.id == giver_id)


def confirms_for_staff_without_login(roles: set[str] | None = None) -> bool:
    """HAND-1: only the general office confirms on behalf of a staff member without login
    (Admin confirms for nobody: a signature is a person's, not a superuser's)."""
    return OFFICE in (role_names() if roles is None else roles)


class OwnHandoverFilter(BaseFilter):
    """Row-level filter (HAND-1): the handovers one gives or receives; Office, Leadership and
    Admin see all. One class for the view and the API (FAB-NOTES)."""

    name = "Own handovers"
    arg_name = "own_handover"

    def apply(self, query, value):
        from sqlalchemy import or_

        if role_names() & HANDOVER_ALL_ROLES:
            return query
        staff = current_staff()
        if staff is None:
            return query.filter(self.model.id == -1)
        return query.filter(or_(self.model.giver_id == staff.id, self.model.receiver_id == staff.id))


def handover_filters() -> list:
    return [["id", OwnHandoverFilter, None]]
# --- Leave (LEAVE-1..3, AB-1): who may decide, file, report back, see ----------------------
# LEAVE-2: APPROVER_POSITIONS (app/rules/leave.py) names the positions holding each approver slot
LEAVE_OVERSIGHT_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})


def may_decide_leave(leave, staff) -> bool:
    """LEAVE-2: only a staff member whose position holds the request's approver position
    approves or rejects it — by position, not by login role — and never their own request."""
    if staff is None or leave is None:
        return False
    holders = APPROVER_POSITIONS.get(leave.approver_position, frozenset())
    return staff.position in holders and staff.id != leave.staff_id


def may_revoke_leave(leave, staff, leadership: bool) -> bool:
    """LEAVE-1 / ATT-3: an approved leave found obtained by deception is revoked by its
    approver — a holder of its approver position, as `may_decide_leave` — or by Leadership;
    never by the person whose leave it is."""
    if leave is None or (staff is not None and staff.id == leave.staff_id):
        return False
    return leadership or may_decide_leave(leave, staff)


def _is_requester(leave, staff, user_id) -> bool:
    return bool((staff is not None and staff.id == leave.staff_id)
                or (user_id is not None and leave.filed_by_id == user_id))


def may_cancel_leave(leave, staff, user_id) -> bool:
    """A pending request is cancelled by its requester (or whoever filed it for them)."""
    return _is_requester(leave, staff, user_id)


def may_report_back(leave, staff, office: bool) -> bool:
    """LEAVE-3 销假: the staff member reports back, or the general office on their behalf."""
    return office or (staff is not None and staff.id == leave.staff_id)


def may_excuse_overstay(leave, staff, office: bool) -> bool:
    """LEAVE-3 / ATT-3 逾期理由: the general office, to whom staff report back, accepts the reason
    of a late return at the 销假 (the days are then leave, not absence) — never for its own
    leave. Staff reporting back themselves give no such reason."""
    return office and not (staff is not None and staff.id == leave.staff_id)


def may_attach_certificate(leave, staff, user_id, office: bool) -> bool:
    """LEAVE-1: the requester (or the office filing for them) adds the sick-leave certificate."""
    return office or _is_requester(leave, staff, user_id)


def may_oversee_leave(roles: set[str] | None = None) -> bool:
    """Office and Leadership see every leave request, the yearly flags and all certificates."""
    return bool((role_names() if roles is None else roles) & LEAVE_OVERSIGHT_ROLES)


def may_see_leave(leave, staff, roles: set[str] | None = None, user_id=None) -> bool:
    """PRIV-1 for leave: the requester, the users of its approver position, Office and
    Leadership see a request (its reason, its certificate); clerks see only who is away."""
    if may_oversee_leave(roles):
        return True
    if staff is not None and (staff.id == leave.staff_id
                              or staff.position in APPROVER_POSITIONS.get(leave.approver_position,
                                                                          ())):
        return True
    return user_id is not None and leave.filed_by_id == user_id


def leave_leadership(roles: set[str] | None = None) -> bool:
    """AB-1: Leadership may override the A/B rule with a reason."""
    return bool((role_names() if roles is None else roles) & {LEADERSHIP, ADMIN})


def leave_office(roles: set[str] | None = None) -> bool:
    """Office files and reports back on behalf of staff (LEAVE-1/3)."""
    return bool((role_names() if roles is None else roles) & {OFFICE, ADMIN})


class LeaveRowFilter(BaseFilter):
    """Row filter of leave requests, for the view and the API alike (FAB-NOTES): Office and
    Leadership see all; everyone else their own requests and those routed to their position."""

    name = "Visible leave"
    arg_name = "visible_leave"

    def apply(self, query, value):
        from sqlalchemy import false, or_

        if may_oversee_leave():
            return query
        staff = current_staff()
        if staff is None:
            return query.filter(false())
        positions = [p for p, holders in APPROVER_POSITIONS.items() if staff.position in holders]
        conditions = [self.model.staff_id == staff.id]
        if positions:
            conditions.append(self.model.approver_position.in_(positions))
        user = _user()
        if user is not None:
            conditions.append(self.model.filed_by_id == user.id)
        return query.filter(or_(*conditions))


def leave_filters() -> list:
    return [["id", LeaveRowFilter, None]]


def current_leave_actor():
    """The LeaveActor (app.services.leave) of this request's user."""
    from app.services.leave import LeaveActor

    user = _user()
    roles = role_names()
    return LeaveActor(user_id=user.id if user else None, staff=current_staff(),
                      leadership=leave_leadership(roles), office=leave_office(roles))


# COMP-1..4 (投诉): ORG-2 — clerks cannot see complaints, window heads neither; the office
# records them, Office and Leadership answer and decide, Leadership confirms an escalation.
COMPLAINT_RECORDING_ROLES = frozenset({OFFICE, ADMIN})
ESCALATION_CONFIRMING_ROLES = frozenset({LEADERSHIP, ADMIN})
# COMP-2/3: the roles holding Complaint "write" (answer, decide); complex ones: the director.
COMPLAINT_DECIDING_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})


def may_record_complaints(roles: set[str] | None = None) -> bool:
    """COMP-1: the general office records every complaint."""
    return bool((role_names() if roles is None else roles) & COMPLAINT_RECORDING_ROLES)


def may_confirm_escalation(roles: set[str] | None = None) -> bool:
    """COMP-4: the app proposes the step; Leadership confirms it."""
    return bool((role_names() if roles is None else roles) & ESCALATION_CONFIRMING_ROLES)


def may_decide_complaint(complaint) -> bool:
    """COMP-2: who may post a complaint's outcome — the complaint writers (Office, Leadership)
    for a simple one, only the center's director (Staff.position) for a complex one (the
    service asks the same rule: app.services.complaints.check_outcome_decider)."""
    if not role_names() & COMPLAINT_DECIDING_ROLES:
        return False
    staff = current_staff()
    others = sum(1 for row in complaint.other_windows if row.window_id != complaint.window_id)
    return may_decide_outcome(is_complex(complaint.complexity, others),
                              staff.position if staff else None)
# --- SCORE-5/6: the semi-annual individual assessment (半年考核) ------------------------------
SEMIANNUAL_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})
SEMIANNUAL_OFFICE_ROLES = frozenset({OFFICE, ADMIN})
SEMIANNUAL_CONFIRMING_ROLES = frozenset({LEADERSHIP})  # as months: results are Leadership's (SCORE-3)


def may_manage_semiannual(roles: set[str] | None = None) -> bool:
    """SCORE-5: the office opens and computes the assessment, enters 德/能, accuracy, 廉,
    innovation and praise."""
    return bool((role_names() if roles is None else roles) & SEMIANNUAL_OFFICE_ROLES)


def may_confirm_semiannual(roles: set[str] | None = None) -> bool:
    """SCORE-6: Leadership confirms the grades (then frozen)."""
    return bool((role_names() if roles is None else roles) & SEMIANNUAL_CONFIRMING_ROLES)


def may_print_reports(roles: set[str] | None = None) -> bool:
    """Issue #12: Leadership and the office print the monthly notice and the grade list PDF."""
    return bool((role_names() if roles is None else roles) & REPORT_ROLES)


def semiannual_scope():
    """ORG-2 for the semi-annual entries: None (Office, Leadership, Admin: everyone),
    ("window", id) for a window head, else ("own", staff id) — a clerk or section head sees
    their own entry only; a login without a Staff row sees nothing (("own", -1))."""
    roles = role_names()
    if roles & SEMIANNUAL_ALL_ROLES:
        return None
    staff = current_staff()
    if staff is None:
        return ("own", -1)
    if WINDOW_HEAD in roles and staff.window_id:
        return ("window", staff.window_id)
    return ("own", staff.id)


def may_see_semiannual_entry(entry) -> bool:
    """The Python twin of `semiannual_scope` for one loaded entry."""
    scope = semiannual_scope()
    if scope is None:
        return True
    kind, value = scope
    if kind == "window":
        return entry.staff is not None and entry.staff.window_id == value
    return entry.staff_id == value


class SemiannualEntryFilter(BaseFilter):
    """Row filter of semi-annual entries for the view and the API alike (FAB-NOTES)."""

    name = "Visible semi-annual entries"
    arg_name = "visible_semiannual"

    def apply(self, query, value):
        from app.services.semiannual import entry_scope_condition

        condition = entry_scope_condition(semiannual_scope())
        return query if condition is None else query.filter(condition)


def semiannual_entry_filters() -> list:
    return [["id", SemiannualEntryFilter, None]]
# --- SCORE-1, FAULT-1: who records and who sees deductions, bonuses, derelictions ------------
SCORE_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, ADMIN})
SCORE_RECORDING_ROLES = frozenset({OFFICE, ADMIN})


def may_record_scores(roles: set[str] | None = None) -> bool:
    """SCORE-1/FAULT-1: the general office records deductions, bonuses and derelictions, runs
    the month's generation, corrects and deletes manual events."""
    return bool((role_names() if roles is None else roles) & SCORE_RECORDING_ROLES)


def may_see_all_scores(roles: set[str] | None = None) -> bool:
    """Office, Leadership (and Admin) see every window's and person's deductions."""
    return bool((role_names() if roles is None else roles) & SCORE_ALL_ROLES)


class OwnScoreFilter(BaseFilter):
    """Row filter of score events and derelictions, for the view and the API alike (FAB-NOTES):
    Office, Leadership and Admin see all; a window head their window's rows; everyone else
    (clerks, section heads) their own (staff_id = their Staff row); no Staff row, nothing."""

    name = "Visible scores"
    arg_name = "visible_scores"

    def apply(self, query, value):
        from sqlalchemy import false

        roles = role_names()
        if may_see_all_scores(roles):
            return query
        staff = current_staff()
        if staff is None:
            return query.filter(false())
        if WINDOW_HEAD in roles and staff.window_id:
            return query.filter(self.model.window_id == staff.window_id)
        return query.filter(self.model.staff_id == staff.id)


def score_filters() -> list:
    return [["id", OwnScoreFilter, None]]

# --- SCORE-2/3/4/7: the monthly assessment (月度考核) -------------------------------------------
ASSESSMENT_ALL_ROLES = frozenset({OFFICE, LEADERSHIP, SECTION_HEAD, ADMIN})
# SCORE-3: Leadership alone confirms (and reopens) a month — a decision of the director's
# office meeting (001 五), so not Admin's either.
MONTH_CONFIRMING_ROLES = frozenset({LEADERSHIP})
# SCORE-2 M10: a window head rates for their window; Office (and Admin) enter a window's sheet.
PEER_RATING_OFFICE_ROLES = frozenset({OFFICE, ADMIN})


def may_confirm_month(roles: set[str] | None = None) -> bool:
    """SCORE-3: only Leadership confirms or reopens a month."""
    return bool((role_names() if roles is None else roles) & MONTH_CONFIRMING_ROLES)


def assessment_scope() -> tuple[int | None, int | None]:
    """ORG-2 for scores: (window, staff) the user may see — (None, None) for Office,
    Leadership, section heads and Admin; (own window, None) for a window head; (own window,
    own staff id) for a clerk, who sees the window's totals but only their own events."""
    roles = role_names()
    if roles & ASSESSMENT_ALL_ROLES:
        return None, None
    staff = current_staff()
    if staff is None or not staff.window_id:
        return -1, -1
    if WINDOW_HEAD in roles:
        return staff.window_id, None
    return staff.window_id, staff.id


def peer_rater_windows(roles: set[str] | None = None) -> list[int] | None:
    """SCORE-2 M10: the windows the user rates for: None for any (Office, Admin), the own
    window for a window head, none otherwise."""
    roles = role_names() if roles is None else roles
    if roles & PEER_RATING_OFFICE_ROLES:
        return None
    staff = current_staff()
    if WINDOW_HEAD in roles and staff is not None and staff.window_id:
        return [staff.window_id]
    return []
# --- Dashboards (issue #12): which home page each role gets ----------------------------------
# "Dashboard" (read) in ROLE_PERMISSIONS opens the Leadership page; the home widgets below need
# no resource of their own: each shows only what its role already reads (ORG-2).
CENTER_DASHBOARD_ROLES = frozenset({LEADERSHIP, OFFICE, ADMIN})


def home_dashboard_kind(roles: set[str] | None = None) -> str | None:
    """The home dashboard of the signed-in user: "center" (Leadership, Office, Admin: the whole
    center), "window" (a window head: their window), "clerk" (their own queue and this month's
    score), or None (no dashboard: the plain counters)."""
    roles = role_names() if roles is None else roles
    if roles & CENTER_DASHBOARD_ROLES:
        return "center"
    if WINDOW_HEAD in roles:
        return "window"
    if CLERK in roles:
        return "clerk"
    return None
