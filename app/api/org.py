"""Organisation API: center, windows, staff (ORG-1, ORG-2)."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api.base import DomainApi, WindowScopedApi
from app.services.checks import POST_RULE_CHECKS, STAFF_RULE_CHECKS
from models.org import Center, Post, Staff, Window


class CenterApi(DomainApi):
    resource_name = "center"
    class_permission_name = "Center"
    datamodel = SQLAInterface(Center)
    base_order = ("id", "asc")  # the first center is the one the pages work for
    list_columns = show_columns = [
        "id", "name", "address", "service_phone", "complaint_phone", "opening_hours",
    ]
    add_columns = edit_columns = list_columns[1:]


class WindowApi(DomainApi):
    resource_name = "window"
    class_permission_name = "Window"
    datamodel = SQLAInterface(Window)
    base_order = ("number", "asc")
    list_columns = show_columns = ["id", "number", "name", "department", "description", "is_active"]
    add_columns = edit_columns = ["center", "number", "name", "department", "description", "is_active"]


class StaffApi(WindowScopedApi):
    resource_name = "staff"
    class_permission_name = "Staff"
    datamodel = SQLAInterface(Staff)
    base_order = ("name", "asc")
    rule_checks = STAFF_RULE_CHECKS
    list_columns = show_columns = [
        "id", "name", "employee_no", "unit", "window.id", "window.name", "position",
        "category", "phone", "is_active",
    ]
    add_columns = edit_columns = [
        "name", "employee_no", "unit", "window", "position", "category", "phone", "is_active",
    ]
    # PRIV-1: the filters the staff page offers; FAB's default (every column) would make the
    # staff phone a search key nobody audits.
    search_columns = ["name", "employee_no", "unit", "window", "is_active"]


class PostApi(WindowScopedApi):
    """岗位 — posts with their A and B staff (AB-1)."""

    resource_name = "post"
    class_permission_name = "Post"
    datamodel = SQLAInterface(Post)
    base_order = ("window_id", "asc")
    rule_checks = POST_RULE_CHECKS
    list_columns = show_columns = [
        "id", "window.id", "window.name", "name", "a_staff.id", "a_staff.name", "b_staff.id",
        "b_staff.name",
    ]
    add_columns = edit_columns = ["window", "name", "a_staff", "b_staff"]
