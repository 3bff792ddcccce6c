"""Organisation API: center, windows, staff (ORG-1, ORG-2)."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api.base import DomainApi, WindowScopedApi
from app.services.checks import STAFF_RULE_CHECKS
from models.org import Center, Staff, Window


class CenterApi(DomainApi):
    resource_name = "center"
    class_permission_name = "Center"
    datamodel = SQLAInterface(Center)
    list_columns = show_columns = [
        "id", "name", "address", "service_phone", "complaint_phone", "opening_hours",
    ]
    add_columns = edit_columns = list_columns[1:]


class WindowApi(DomainApi):
    resource_name = "window"
    class_permission_name = "Window"
    datamodel = SQLAInterface(Window)
    list_columns = show_columns = ["id", "number", "name", "department", "description", "is_active"]
    add_columns = edit_columns = ["center", "number", "name", "department", "description", "is_active"]


class StaffApi(WindowScopedApi):
    resource_name = "staff"
    class_permission_name = "Staff"
    datamodel = SQLAInterface(Staff)
    rule_checks = STAFF_RULE_CHECKS
    list_columns = show_columns = [
        "id", "name", "employee_no", "unit", "window.id", "window.name", "post", "category",
        "phone", "is_active",
    ]
    add_columns = edit_columns = [
        "name", "employee_no", "unit", "window", "post", "category", "phone", "is_active",
    ]
