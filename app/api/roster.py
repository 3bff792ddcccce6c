"""Duty rota API: read the duty days, read my own, write a duty log (ROSTER-1/2).

Read-only generic routes (list, show); the one write is the duty log, through the same service
as the page (only that day's duty person or substitute; the Office for someone without a
login), 409 when the shift changed since the client read it. No generic post/put/delete.
"""

from __future__ import annotations

from datetime import timedelta

from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from marshmallow import Schema, fields

from app.api.base import DomainApi, body_flag, openapi, query_day, versioned_body
from app.context import clock
from app.extensions import db
from app.rules.errors import N_, RuleViolation
from app.rules.input import MalformedInput, validate_kind
from app.security import API_METHOD_PERMISSIONS, current_actor, current_staff, may_manage_rota
from app.services.roster import DutyLog, duty_days_of, may_write_log, write_duty_log
from app.services.transaction import check_version
from models.roster import DutyShift

SHIFT_COLUMNS = ["id", "day", "staff.id", "staff.name", "substitute.id", "substitute.name",
                 "substitute_arranged_at", "log_opened_hall", "log_closed_up",
                 "log_cleaning_supervised", "log_note", "log_written_at", "log_on_behalf"]
LOG_KEYS = frozenset({"opened_hall", "closed_up", "cleaning_supervised", "note"})
# "My duty days" reads at most a year at a time.
MAX_SPAN = timedelta(days=366)


def _shift_json(shift: DutyShift) -> dict:
    return {"id": shift.id, "day": shift.day.isoformat(), "staff_id": shift.staff_id,
            "staff_name": shift.staff.name, "substitute_id": shift.substitute_id,
            "substitute_name": shift.substitute.name if shift.substitute else None,
            "log_written": shift.has_log, "version": shift.version}


class DutyShiftSummary(Schema):
    """A duty day as the rota's own endpoints answer it."""

    id = fields.Integer()
    day = fields.Date()
    staff_id = fields.Integer()
    staff_name = fields.String()
    substitute_id = fields.Integer(allow_none=True)
    substitute_name = fields.String(allow_none=True)
    log_written = fields.Boolean()
    version = fields.Integer()


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
    openapi_spec_component_schemas = (DutyShiftSummary,)

    @expose("/mine", methods=["GET"])
    @protect()
    @safe
    @openapi()
    def mine(self):
        """My duty days (as the duty person or the substitute) from `start` to `end`.
        ---
        get:
          summary: The signed-in staff member's duty days (ROSTER-1)
          parameters:
          - in: query
            name: start
            required: false
            schema: {type: string, format: date}
            description: first day (default today)
          - in: query
            name: end
            required: false
            schema: {type: string, format: date}
            description: last day (default 31 days after start; at most a year after it)
          responses:
            200:
              description: The duty days
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: array
                        items:
                          $ref: '#/components/schemas/DutyShiftSummary'
        """
        try:
            start = query_day("start") or clock().today
            end = query_day("end") or start + timedelta(days=31)
            if end < start or end - start > MAX_SPAN:
                raise MalformedInput(N_("Choose an end from the start to a year after it."),
                                     field="end")
        except MalformedInput as violation:
            return self.refuse(violation)
        staff = current_staff()
        shifts = duty_days_of(db.session, staff.id, start, end) if staff else []
        return self.response(200, result=[_shift_json(shift) for shift in shifts])

    @expose("/<int:pk>/log", methods=["POST"])
    @protect()
    @safe
    @openapi(404, version="the duty day")
    def log(self, pk):
        """Write the duty log of a duty day (ROSTER-2).
        ---
        post:
          summary: Write the duty log of a duty day (ROSTER-2)
          parameters:
          - in: path
            name: pk
            required: true
            schema: {type: integer, minimum: 1}
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties: false
                  properties:
                    opened_hall: {type: boolean}
                    closed_up: {type: boolean, description: "lights, air-conditioning and windows off"}
                    cleaning_supervised: {type: boolean}
                    note: {type: [string, "null"], maxLength: 2000}
          responses:
            200:
              description: The duty day with its log
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/DutyShiftSummary'
        """
        shift = db.session.get(DutyShift, pk)
        if shift is None:
            return self.response_404()
        try:
            body, seen = versioned_body(LOG_KEYS)
            log = _log_from_json(body)
        except RuleViolation as violation:
            return self.refuse(violation)
        actor = current_actor()
        own = may_write_log(shift, actor)
        if not own and not may_manage_rota():
            return self.response_403()
        with self.unit_of_work() as saved:
            check_version(shift, seen)
            write_duty_log(db.session, shift, log, actor, clock(), on_behalf=not own)
        if not saved.ok:
            return saved.answer
        return self.response(200, **_shift_json(shift))


def _log_from_json(body: dict) -> DutyLog:
    """The duty log a JSON body describes: booleans and a bounded note (INPUT-1)."""
    note = validate_kind(body.get("note"), str, "note")
    return DutyLog(opened_hall=body_flag(body, "opened_hall"),
                   closed_up=body_flag(body, "closed_up"),
                   cleaning_supervised=body_flag(body, "cleaning_supervised"), note=note)
