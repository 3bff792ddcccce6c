"""考勤 API: import a clock export (multipart upload → the row errors as JSON), read a month
(ATT-1..4). Same services and the same scope as the pages: everyone reads their own month,
Office and Leadership all; only the office imports."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from app import context
from app.api.base import RuleAnswers, summary_of, openapi, query_args, uploaded_file
from app.api.schemas.attendance import (AttendanceMonth, AttendanceMonthQuery, ClockImport,
                                        ClockImportRefusal)
from app.extensions import db
from app.request_context import current_actor
from app.rules.errors import RuleViolation
from app.security import attendance_scope
from app.services.attendance import import_clock_file, window_month
from app.services.table_files import ImportLimits


class ClockRecordApi(RuleAnswers, BaseApi):
    """/api/v1/clock_record/ — the office imports clock exports (ATT-1). Every refusal is JSON
    like the other APIs' (INPUT-1): `{"message": {"file": [text]}}`, with the row errors as a
    list under `errors` when rows are wrong."""

    resource_name = "clock_record"
    class_permission_name = "ClockRecord"
    method_permission_name = {"import_file": "write"}
    base_permissions = ["can_write"]
    allow_browser_login = True

    @expose("/import", methods=["POST"])
    @protect()
    @safe
    @openapi(summary="Import a clock export (CSV or .xlsx; columns employee_no, clocked_at)",
             upload="file", answer=ClockImport,
             conflict="Another import ran at the same time; nothing was imported",
             refusals={422: (summary_of(ClockImportRefusal), ClockImportRefusal)})
    def import_file(self):
        """Import a clock export, all of it or nothing (ATT-1)."""
        try:
            upload = uploaded_file("file")
        except RuleViolation as violation:
            return self.refuse(violation)
        limits = ImportLimits.from_config(current_app.config)  # INPUT-1, issue #18
        data = upload.read(limits.file_bytes + 1)
        with self.unit_of_work() as saved:
            result = import_clock_file(db.session, upload.filename, data,
                                       current_actor().user_id, limits=limits)
        if not saved.ok:
            return saved.answer
        if not result.ok:
            summary = gettext("Nothing was imported: %(count)s rows have errors. Correct them "
                              "and import the file again.", count=result.error_count)
            return self.response(
                422, message={"file": [summary]},
                errors=[{"row": e.row, "message": e.render(gettext)} for e in result.errors])
        return self.response(200, rows=result.rows, added=result.added, skipped=result.skipped)


class AttendanceApi(RuleAnswers, BaseApi):
    """/api/v1/attendance/ — a month's absence days and why, per staff member (ATT-2/3/4)."""

    resource_name = "attendance"
    class_permission_name = "Attendance"
    method_permission_name = {"month": "read"}
    base_permissions = ["can_read"]
    allow_browser_login = True

    @expose("/month", methods=["GET"])
    @protect()
    @safe
    @openapi(422, summary="A month's attendance (own only, unless Office or Leadership)",
             query=AttendanceMonthQuery, answer=AttendanceMonth)
    def month(self):
        """A month's attendance per staff member: late, early, absent half-days, off-post, days."""
        try:
            query = query_args(AttendanceMonthQuery)
            rows = window_month(db.session, query["year"], query["month"], context.today(),
                                window_id=query.get("window_id"), staff_ids=attendance_scope())
        except RuleViolation as violation:
            return self.refuse(violation)
        return self.response(200, result=[{
            "staff_id": staff.id, "name": staff.name, "late": m.late, "early": m.early,
            "absent_half_days": m.absent_half_days,
            "off_post_minutes": [minutes for _day, minutes in m.off_post],
            "absence_days": str(m.absence_days)} for staff, m in rows])
