"""我的工作 — every signed-in staff member's own corner: the to-do list (待办) and links to
their attendance, leave, handovers and duty days (issue #10), whatever their login role."""

from __future__ import annotations

from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l

from app.context import today
from app.extensions import db
from app.security import current_staff
from app.services.todo import todo_rows

# kind → (heading, link to the record: a format string taking the record id)
TODO_KINDS = {
    "leave_approval": (_l("Leave requests waiting for my approval"), "/leaverequestview/show/{}"),
    "report_back": (_l("Leave I have not reported back from (销假)"), "/leaverequestview/show/{}"),
}


class MyWorkView(BaseView):
    """待办 — what waits for me: approvals, confirmations, a duty log, a 销假."""

    route_base = "/my"
    default_view = "todo"
    class_permission_name = "MyWork"
    method_permission_name = {"todo": "read"}
    base_permissions = ["can_read"]

    @expose("/")
    @has_access
    def todo(self):
        staff = current_staff()
        groups = [(kind, *TODO_KINDS[kind], rows)
                  for kind, rows in todo_rows(db.session, staff, today()).items()]
        return self.render_template("bianmin/my_todo.html", staff=staff, groups=groups)
