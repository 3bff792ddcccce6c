"""考勤 API: import a clock export (multipart upload → the row errors as JSON), read a month
(ATT-1..4). Same services and the same scope as the pages: everyone reads their own month,
Office and Leadership all; only the office imports."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from app import context
from app.api.base import RuleAnswers, openapi, query_int, uploaded_file
from app.extensions import db
from app.rules.errors import RuleViolation
from app.rules.input import BUSINESS_YEARS, MAX_ROW_ID
from app.security import attendance_scope, current_actor
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
    @openapi()
    def import_file(self):
        """Import a clock export, all of it or nothing (ATT-1).
        ---
        post:
          summary: Import a clock export (CSV or .xlsx; columns employee_no, clocked_at)
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    file:
                      type: string
                      format: binary
                  required: [file]
          responses:
            200:
              description: Imported (clocks already there are skipped)
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      rows: {type: integer}
                      added: {type: integer}
                      skipped: {type: integer}
            409:
              description: Another import ran at the same time; nothing was imported
            422:
              description: An unreadable file, or rows with errors (by row); nothing imported
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      message:
                        type: object
                        properties:
                          file: {type: array, items: {type: string}}
                      errors:
                        type: array
                        items:
                          type: object
                          properties:
                            row: {type: integer}
                            message: {type: string}
        """
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
    @openapi(422)
    def month(self):
        """A month's attendance per staff member: late, early, absent half-days, off-post, days.
        ---
        get:
          summary: A month's attendance (own only, unless Office or Leadership)
          parameters:
          - in: query
            name: year
            required: true
            schema: {type: integer, minimum: 2000, maximum: 2099}
          - in: query
            name: month
            required: true
            schema: {type: integer, minimum: 1, maximum: 12}
          - in: query
            name: window_id
            schema: {type: integer, minimum: 1, maximum: 2147483647}
          responses:
            200:
              description: One entry per staff member in scope
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: array
                        items:
                          type: object
                          properties:
                            staff_id: {type: integer}
                            name: {type: string}
                            late: {type: integer}
                            early: {type: integer}
                            absent_half_days: {type: integer}
                            off_post_minutes: {type: array, items: {type: integer}}
                            absence_days: {type: string}
        """
        try:
            year = query_int("year", BUSINESS_YEARS, required=True)
            month = query_int("month", (1, 12), required=True)
            window_id = query_int("window_id", (1, MAX_ROW_ID))
            rows = window_month(db.session, year, month, context.today(), window_id=window_id,
                                staff_ids=attendance_scope())
        except RuleViolation as violation:
            return self.refuse(violation)
        return self.response(200, result=[{
            "staff_id": staff.id, "name": staff.name, "late": m.late, "early": m.early,
            "absent_half_days": m.absent_half_days,
            "off_post_minutes": [minutes for _day, minutes in m.off_post],
            "absence_days": str(m.absence_days)} for staff, m in rows])
