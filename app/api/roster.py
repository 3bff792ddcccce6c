"""Duty rota API: read the duty days, read my own, write a duty log (ROSTER-1/2).

Read-only generic routes (list, show); the one write is the duty log, through the same service
as the page (only that day's duty person or substitute; the Office for someone without a
login), 409 when the shift changed since the client read it. No generic post/put/delete.
"""

from __future__ import annotations

from datetime import timedelta

from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from app.api.base import DomainApi, openapi, query_args, versioned_body
from app.api.schemas.common import PkPath
from app.api.schemas.roster import DutyDays, DutyDaysQuery, DutyLogEntry, DutyShiftSummary
from app.context import clock
from app.extensions import db
from app.policy.roster import ON_BEHALF, duty_log_door
from app.request_context import current_actor, current_staff
from app.rules.errors import N_, RuleViolation
from app.rules.input import MalformedInput
from app.security import API_METHOD_PERMISSIONS
from app.services.roster import DutyLog, duty_days_of, write_duty_log
from app.services.transaction import check_version
from models.roster import DutyShift

SHIFT_COLUMNS = ["id", "day", "staff.id", "staff.name", "substitute.id", "substitute.name",
                 "substitute_arranged_at", "log_opened_hall", "log_closed_up",
                 "log_cleaning_supervised", "log_note", "log_written_at", "log_on_behalf"]
# "My duty days" reads at most a year at a time.
MAX_SPAN = timedelta(days=366)


def _shift_json(shift: DutyShift) -> dict:
    return {"id": shift.id, "day": shift.day.isoformat(), "staff_id": shift.staff_id,
            "staff_name": shift.staff.name, "substitute_id": shift.substitute_id,
            "substitute_name": shift.substitute.name if shift.substitute else None,
            "log_written": shift.has_log, "version": shift.version}


class DutyShiftApi(DomainApi):
    """/api/v1/dutyshift/ — the duty days (read), my duty days, a duty log (ROSTER-1/2)."""

    resource_name = "dutyshift"
    class_permission_name = "DutyShift"
    datamodel = SQLAInterface(DutyShift)
    method_permission_name = {**API_METHOD_PERMISSIONS, "log": "log", "mine": "read"}
    include_route_methods = {"get", "get_list", "info", "log", "mine"}
    list_columns = show_columns = SHIFT_COLUMNS
    order_columns = ["day"]
    base_order = ("day", "desc")
    search_columns = ["day", "staff", "substitute", "log_written_at"]

    @expose("/mine", methods=["GET"])
    @protect()
    @safe
    @openapi(summary="The signed-in staff member's duty days (ROSTER-1)", query=DutyDaysQuery,
             answer=DutyDays)
    def mine(self):
        """My duty days (as the duty person or the substitute) from `start` to `end`."""
        try:
            query = query_args(DutyDaysQuery)
            start = query.get("start") or clock().today
            end = query.get("end") or start + timedelta(days=31)
            if end < start or end - start > MAX_SPAN:
                raise MalformedInput(N_("Choose an end from the start to a year after it."),
                                     field="end")
        except RuleViolation as violation:
            return self.refuse(violation)
        staff = current_staff()
        shifts = duty_days_of(db.session, staff.id, start, end) if staff else []
        return self.response(200, result=[_shift_json(shift) for shift in shifts])

    @expose("/<int:pk>/log", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Write the duty log of a duty day (ROSTER-2)", path=PkPath,
             body=DutyLogEntry, answer=DutyShiftSummary)
    def log(self, pk):
        """Write the duty log of a duty day (ROSTER-2)."""
        shift = db.session.get(DutyShift, pk)
        if shift is None:
            return self.response_404()
        try:
            body, seen = versioned_body(DutyLogEntry)
            log = DutyLog(**body)
        except RuleViolation as violation:
            return self.refuse(violation)
        actor = current_actor()
        door = duty_log_door(shift, actor)  # ROSTER-2: one answer with the page and the service
        if door is None:
            return self.response_403()
        with self.unit_of_work() as saved:
            check_version(shift, seen)
            write_duty_log(db.session, shift, log, actor, clock(), on_behalf=door == ON_BEHALF)
        if not saved.ok:
            return saved.answer
        return self.response(200, **_shift_json(shift))
