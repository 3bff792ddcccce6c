"""我的工作 — every signed-in staff member's own corner: the to-do list (待办) and links to
their attendance, leave, handovers and duty days (issue #10), whatever their login role."""

from __future__ import annotations

from datetime import timedelta

from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l

from app.context import today
from app.extensions import db
from app.request_context import current_staff
from app.services.meetings import meeting_attendance_of
from app.views.meetings import kind_label, status_label
from app.services.roster import duty_days_of
from app.services.todo import todo_rows

# kind → (heading, link to the record: a format string taking the record id)
TODO_KINDS = {
    "leave_approval": (_l("Leave requests waiting for my approval"), "/leaverequestview/show/{}"),
    "report_back": (_l("Leave I have not reported back from (销假)"), "/leaverequestview/show/{}"),
    "duty_log": (_l("Duty logs I owe"), "/dutyshiftview/log/{}"),
    "handover_confirm": (_l("Handovers waiting for my confirmation"), "/handoverview/show/{}"),
    "leave_filed_for_me": (_l("Leave filed on my behalf"), "/leaverequestview/show/{}"),
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
        staff, day = current_staff(), today()
        groups = [(kind, *TODO_KINDS[kind], rows)
                  for kind, rows in todo_rows(db.session, staff, day).items()]
        duty_days = meetings = []
        if staff is not None:
            # ROSTER-1: my duty days from a week back to six weeks ahead; MEET-1: my meetings
            # of the last month and the coming weeks.
            duty_days = duty_days_of(db.session, staff.id, day - timedelta(days=7),
                                     day + timedelta(days=42))
            meetings = meeting_attendance_of(db.session, staff.id, day - timedelta(days=31),
                                             day + timedelta(days=14))
        return self.render_template("bianmin/my_todo.html", staff=staff, groups=groups,
                                    duty_days=duty_days, meetings=meetings, today=day,
                                    kind_label=kind_label, status_label=status_label)
