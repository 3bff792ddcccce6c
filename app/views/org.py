"""Organisation views (ORG-1): center, windows, staff."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from app.extensions import db
from app.policy.org import may_mark_assessed_elsewhere, staff_change_violation
from app.request_context import current_actor
from app.rules.errors import N_, RuleViolation
from app.services.checks import POST_RULE_CHECKS, STAFF_RULE_CHECKS
from app.views.base import DomainModelView, WindowScopedModelView, interface
from app.views.choices import (POSITION_LABELS, STAFF_CATEGORY_LABELS, STAFF_UNIT_LABELS,
                               label_of)
from app.views.fields import select_field
from models.org import Center, Post, Staff, Window

CENTER_LABELS = {
    "name": _l("Center name"),
    "address": _l("Address"),
    "service_phone": _l("Service phone"),
    "complaint_phone": _l("Complaint phone"),
    "opening_hours": _l("Opening hours"),
}
WINDOW_LABELS = {
    "center": _l("Center"),
    "number": _l("Window number"),
    "name": _l("Window name"),
    "department": _l("Stationed department"),
    "description": _l("Description"),
    "is_active": _l("Active"),
    "clocks_in": _l("Clocks in (attendance derived every month)"),
}
STAFF_LABELS = {
    "name": _l("Name"),
    "employee_no": _l("Employee number"),
    "user": _l("Login user"),
    "unit": _l("Unit"),
    "window": _l("Window"),
    "position": _l("Position"),
    "category": _l("Staff category"),
    "phone": _l("Phone"),
    "is_active": _l("Active"),
    "clocks_in": _l("Clocks in"),  # issue #20: FAB's generated "Clocks In" was English
    "assessed_elsewhere": _l("Assessed elsewhere (not on the center's semi-annual grade list)"),
}


class CenterView(DomainModelView):
    """便民服务中心 — the center's public contact data (GUIDE-1)."""

    datamodel = interface(Center)
    record_name = _l("Center")
    class_permission_name = "Center"
    label_columns = CENTER_LABELS
    list_columns = ["name", "address", "service_phone", "complaint_phone"]
    add_columns = edit_columns = show_columns = [
        "name", "address", "service_phone", "complaint_phone", "opening_hours",
    ]
    # The first center is the one the pages work for (app.context); without an order
    # PostgreSQL lists the rows as they lie, which changes after an edit.
    base_order = ("id", "asc")


class WindowView(DomainModelView):
    """窗口 — the windows and their stationed departments (ORG-1)."""

    datamodel = interface(Window)
    record_name = _l("Window")
    class_permission_name = "Window"
    label_columns = WINDOW_LABELS
    list_columns = ["number", "name", "department", "is_active"]
    add_columns = edit_columns = show_columns = [
        "center", "number", "name", "department", "description", "is_active",
    ]
    search_columns = ["number", "name", "department", "is_active"]
    base_order = ("number", "asc")


class StaffView(WindowScopedModelView):
    """工作人员 — staff; clerks and window heads see their own window's colleagues (ORG-2)."""

    datamodel = interface(Staff)
    record_name = _l("Staff member")
    class_permission_name = "Staff"
    label_columns = STAFF_LABELS
    list_columns = ["name", "employee_no", "unit", "window", "position", "phone", "is_active"]
    add_columns = edit_columns = [
        "name", "employee_no", "user", "unit", "window", "position", "category", "phone",
        "is_active", "clocks_in", "assessed_elsewhere",
    ]
    show_columns = add_columns
    description_columns = {
        "assessed_elsewhere": _l("For example the center's leadership, assessed by the town: "
                                 "left out of the semi-annual grade list and its excellent "
                                 "share. Only an administrator changes it."),
    }
    search_columns = ["name", "employee_no", "unit", "window", "is_active"]
    formatters_columns = {
        "unit": lambda value: label_of(STAFF_UNIT_LABELS, value),
        "category": lambda value: label_of(STAFF_CATEGORY_LABELS, value),
        "position": lambda value: label_of(POSITION_LABELS, value),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "unit": select_field(_l("Unit"), STAFF_UNIT_LABELS),
        "position": select_field(_l("Position"), POSITION_LABELS, default="staff"),
        "category": select_field(_l("Staff category"), STAFF_CATEGORY_LABELS),
    }
    rule_checks = STAFF_RULE_CHECKS
    base_order = ("name", "asc")

    def pre_add(self, item):
        """ORG-2: a new staff row gets its login from an administrator only (the session guard
        refuses it at every door; here the message is the user's language, not FAB's)."""
        violation = staff_change_violation(None, item.user.id if item.user else None, None,
                                           item.position, current_actor().roles)
        if violation is not None:
            raise ValueError(violation.render(gettext))
        self._check_assessed_elsewhere(item)

    def pre_update(self, item):
        self._check_assessed_elsewhere(item)

    @staticmethod
    def _check_assessed_elsewhere(item):
        """SCORE-5: who is assessed elsewhere decides who is on the grade list and how many
        优秀 seats there are: only an administrator marks it (the form shows it to everyone
        who edits staff; the API does not carry it)."""
        if may_mark_assessed_elsewhere(current_actor()):
            return
        history = inspect(item).attrs.assessed_elsewhere.history
        before = history.deleted[0] if history.deleted else (False if item.id is None
                                                              else item.assessed_elsewhere)
        if bool(item.assessed_elsewhere) != bool(before):
            db.session.rollback()  # nothing of the form is saved, whatever flushes next
            raise ValueError(RuleViolation(
                "SCORE-5", N_("Only an administrator marks who is assessed elsewhere."),
                field="assessed_elsewhere").render(gettext))


POST_LABELS = {
    "window": _l("Window"),
    "name": _l("Post name"),
    "a_staff": _l("A (primary)"),
    "b_staff": _l("B (backup)"),
}


class PostView(WindowScopedModelView):
    """岗位 — posts and their A/B staff (AB-1); clerks see their own window's posts."""

    datamodel = interface(Post)
    record_name = _l("Post")
    class_permission_name = "Post"
    label_columns = POST_LABELS
    list_columns = ["window", "name", "a_staff", "b_staff"]
    add_columns = edit_columns = show_columns = ["window", "name", "a_staff", "b_staff"]
    search_columns = ["window", "name", "a_staff", "b_staff"]
    rule_checks = POST_RULE_CHECKS
    base_order = ("window_id", "asc")
