"""FAB's security manager and the security pages it serves: users and roles as users read them,
passwords (issue #18), the login form with its lockout and session generation (SEC-2), the API
login, and the audit of what is done to accounts."""

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
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import PermissionView, User
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

from app.permission_cache import GENERATION_KEY
from app.context import draws_frame, local_datetime
from app.error_messages import WRONG_LOGIN, api_error, error_texts, translated_refusal
from app.extensions import db
from app.request_context import remember_staff
from app.services.accounts import (account_changes, advance_generations, end_sessions,
                                   ends_sessions, new_account, session_generation,
                                   signed_in_user)
from app.services import org_queries
from app.services.audit import record_change
from app.services.logins import (ACCOUNT_LOCKED, CLIENT_LOCKED, Attempt, LockoutPolicy,
                                 account_name, client_key, login_refusal, record_attempt)
from app.services.passwords import common_passwords, password_problem
from app.services.transaction import Conflict
from models.logins import API_DOOR, FORM_DOOR, PASSWORD_DOOR
from models.types import utcnow


# ---- FAB's user and role pages as users read them (display only) ----------------------------
# Role names stay English in the database (ROLE_PERMISSIONS above); their translations are
# msgids listed in app/i18n.py (ROLE_MESSAGES). Like Superset, the security module holds the
# security views it customises: the views import this module, not the other way round.
def role_label(role) -> str:
    """A role's name as users read it (系统管理员, 窗口工作人员): the database keeps the
    English names that ROLE_PERMISSIONS and FAB's configuration use (app/i18n.py lists them)."""
    return gettext(role.name)


# Issue #20: FAB's permission and resource names (can_write, UserDBModelView) as Admin reads
# them on the role, permission and view pages; the stored names stay what FAB and
# ROLE_PERMISSIONS use. A name with no entry here is read through gettext: the menu entries'
# names ("All cases", "Base Permissions") are msgids already, ours or FAB's.
PERMISSION_LABELS = {
    "can_add": _l("add"), "can_confirm": _l("confirm"), "can_delete": _l("delete"),
    "can_download": _l("download"), "can_edit": _l("edit"), "can_get": _l("read through the API"),
    "can_list": _l("list"), "can_log": _l("write the log"), "can_rate": _l("rate"),
    "can_read": _l("read"), "can_record": _l("record"), "can_show": _l("show"),
    "can_this_form_get": _l("open the form"), "can_this_form_post": _l("send the form"),
    "can_userinfo": _l("see one's own account"), "can_write": _l("write"),
    "copyrole": _l("copy a role"), "menu_access": _l("menu entry"),
    "resetmypassword": _l("change one's own password"), "resetpasswords": _l("reset passwords"),
    "userinfoedit": _l("edit one's own account"),
}
RESOURCE_LABELS = {
    "AuditLog": _l("Audit log"), "AuthDBView": _l("Login page"),
    "AwayRegistration": _l("Errand registration"), "BackgroundJob": _l("Background jobs"),
    "Case": _l("Case"),
    "CaseSubTask": _l("Joint case part"), "Center": _l("Center"), "ClockExcuse": _l("补签单"),
    "Clock excuses": _l("补签单"),  # a menu entry's name from before the menu said 补签单
    "ClockRecord": _l("Clock record"), "Complaint": _l("Complaint"), "Dashboard": _l("Dashboard"),
    "DeductionItem": _l("Deduction item"), "Dereliction": _l("Dereliction"),
    "DutyShift": _l("Duty day"), "Handover": _l("Handover"), "Holiday": _l("Holiday"),
    "HomeView": _l("Home page"), "ItemMaterial": _l("Item material"),
    "LeaveOverview": _l("Leave overview"), "LeaveRequest": _l("Leave request"),
    "LocaleView": _l("Language switch"), "LoginAttempt": _l("Login attempt"),
    "LoginLock": _l("Login lock"), "Meeting": _l("Meeting"), "MenuApi": _l("Menu (API)"),
    "MonthlyAssessment": _l("Monthly assessment"), "MyWork": _l("My work"),
    "NoticeViolation": _l("One-time notice violation"), "OpenApi": _l("API description"),
    "PermissionModelView": _l("Base permissions"),
    "PermissionViewModelView": _l("Permissions on views and menus"), "Post": _l("Post"),
    "PublicGuideView": _l("Public service guide"), "PublicRatingView": _l("Public rating"),
    "ReferenceImport": _l("Reference data import"), "RefusalReport": _l("Refusal report"),
    "Report": _l("Reports"), "ResetMyPasswordView": _l("Change my password"),
    "ResetPasswordView": _l("Reset password"), "RoleModelView": _l("Roles"),
    "RuleSetting": _l("Rule setting"), "ScoreEvent": _l("Deduction or bonus"),
    "SecurityApi": _l("Login (API)"), "Semiannual": _l("Semi-annual assessment"),
    "ServiceItem": _l("Service item"), "Staff": _l("Staff"), "SwaggerView": _l("API documentation"),
    "UserDBModelView": _l("User accounts"), "UserGroupModelView": _l("User groups"),
    "UserInfoEditView": _l("Edit my account"), "UtilView": _l("Back link"),
    "ViewMenuModelView": _l("Views and menus"), "Window": _l("Window"),
    "WindowScore": _l("Window scores"),
}


def permission_label(permission) -> str:
    name = getattr(permission, "name", permission) or ""
    label = PERMISSION_LABELS.get(name)
    return str(label) if label is not None else gettext(name)


def resource_label(view_menu) -> str:
    name = getattr(view_menu, "name", view_menu) or ""
    label = RESOURCE_LABELS.get(name)
    return str(label) if label is not None else gettext(name)


def permission_view_label(permission_view) -> str:
    """`can_write on Case` as 办件：修改."""
    return gettext("%(resource)s: %(permission)s",
                   resource=resource_label(permission_view.view_menu),
                   permission=permission_label(permission_view.permission))


def permission_views_label(permission_views) -> str:
    labels = sorted(permission_view_label(pv) for pv in permission_views or [])
    return gettext(", ").join(labels)


def permissions_field():
    """The role form's permission choice, each read as 办件：修改 (issue #20)."""
    return QuerySelectMultipleField(
        _l("Permissions"),
        query_func=lambda: sorted(db.session.query(PermissionView).all(), key=permission_view_label),
        get_pk_func=lambda pv: pv.id,
        get_label=permission_view_label,
        widget=Select2ManyWidget(),
    )


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
                          "active": lambda active: gettext("Yes") if active else gettext("No"),
                          # issue #20: nobody (a user made by a command) reads empty, not "None"
                          "created_by": lambda user: user or "", "changed_by": lambda user: user or ""}
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
            if "permissions" in columns:  # issue #20: 办件：修改, not "can write on Case"
                values[columns.index("permissions")] = permission_views_label(
                    values[columns.index("permissions")])
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
    add_form_extra_fields = edit_form_extra_fields = {"permissions": permissions_field()}
    # FAB's search form offers the users, groups and every permission by stored name; the roles
    # are few and declared in code: searching by name is enough (issue #20).
    search_columns = ["name"]


def ordered_list(view_class, base_order, **attributes):
    """One of FAB's own list views with a default order (FAB gives none: PostgreSQL then lists
    the rows as they lie, another order after any change), under FAB's permission name."""
    return type(f"Bianmin{view_class.__name__}", (view_class,),
                {"class_permission_name": view_class.__name__, "base_order": base_order,
                 **attributes})


# Issue #20: FAB's group page has no labels of its own (its columns read "Name", "Label").
GROUP_LABELS = {"name": _l("Name"), "label": _l("Label"), "description": _l("Description"),
                "users": _l("Users"), "roles": _l("Roles")}


def group_roles_field():
    """The group form's role choice, each role by its translated name."""
    return QuerySelectMultipleField(
        GROUP_LABELS["roles"],
        query_func=lambda: sorted(current_app.appbuilder.sm.get_all_roles(), key=lambda role: role.id),
        get_pk_func=lambda role: role.id,
        get_label=role_label,
        widget=Select2ManyWidget(),
    )


# ---- SEC-2 and the session generation: the login form, logout, the API login ------------
# The session generation a login cookie (Flask's session) and an API token carry (issue #18).
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
    groupmodelview = ordered_list(UserGroupModelView, ("name", "asc"), label_columns=GROUP_LABELS,
                                  formatters_columns={"roles": translated_names},
                                  add_form_extra_fields={"roles": group_roles_field()},
                                  edit_form_extra_fields={"roles": group_roles_field()},
                                  search_columns=["name", "label"])
    # Issue #20: permission and resource names read in words (PERMISSION_LABELS).
    permissionmodelview = ordered_list(PermissionModelView, ("name", "asc"),
                                       formatters_columns={"name": permission_label})
    viewmenumodelview = ordered_list(ViewMenuModelView, ("name", "asc"),
                                     formatters_columns={"name": resource_label})
    permissionviewmodelview = ordered_list(
        PermissionViewModelView, ("id", "asc"),
        formatters_columns={"permission": permission_label, "view_menu": resource_label},
        # Its search would list every role, permission and view by stored name.
        search_exclude_columns=["role", "permission", "view_menu"])

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
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        # Issue #21: a page that draws the frame reads its center row with the user.
        found = signed_in_user(self.session, self.user_model, user_id, frame=draws_frame())
        if found is None or not found[0].is_active:
            return None
        user, generation, staff = found
        if cookie_session.get(GENERATION_KEY, 0) != generation:
            for key in ("_user_id", "_fresh", "_id", GENERATION_KEY):
                cookie_session.pop(key, None)
            return None
        # Issue #21: the user's Staff row came with the user (one statement instead of three).
        remember_staff(user, staff)
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


def staff_names(usernames) -> dict[str, str]:
    """Login name → the Staff member's name (org_queries.staff_names, in the request's session)."""
    return org_queries.staff_names(db.session, usernames)
