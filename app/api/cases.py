"""Case API: read the window's cases, register an intake, perform an action (CASE-1..12).

The same row filter as the views (ORG-2); the same service as the pages, so the same rules.
Applicants' ID numbers, phones and addresses are not in the API answers (PRIV-1).
"""

from __future__ import annotations

from datetime import datetime

from flask_appbuilder.api import expose, protect, safe
from marshmallow import Schema, fields

from app.api.base import WindowScopedApi, json_body, openapi, versioned_body
from app.context import center_zone, clock
from app.datamodel import BoundedCountInterface, column_checks
from app.extensions import db
from app.rules import case_states as cs
from app.rules.errors import N_, RuleViolation
from app.rules.input import (BUSINESS_YEARS, LIMIT_DAYS, RULE, MalformedInput, validate_day,
                             validate_integer, validate_kind, validate_object, validate_row_id)
from app.rules.intake import PERSON
from app.security import API_METHOD_PERMISSIONS, current_actor, may_see_personal_data, window_scope
from app.services.cases import (CLEAR_APPOINTMENT, Applicant, CaseDetails, Intake, SubTaskPlan,
                                action_parameters, apply_action, available_actions,
                                register_intake, update_case_details)
from app.services.transaction import check_version
from models.cases import Case, CaseSubTask, NoticeMaterial
from models.catalogue import ServiceItem
from models.org import Window

CASE_COLUMNS = ["id", "number", "case_class", "state", "item.id", "item.name", "window.id",
                "window.name", "applicant_name", "received_at", "accepted_at", "deadline",
                "decided_at", "delivered_at", "urgent", "appointment_at", "extended",
                "suspended_days", "satisfaction"]


def _summary(case: Case) -> dict:
    return {"id": case.id, "number": case.number, "state": case.state,
            "deadline": case.deadline.isoformat() if case.deadline else None,
            "actions": available_actions(case), "version": case.version}


class CaseSummary(Schema):
    """What an intake or an action answers: the case's number, state, deadline, the actions
    its state now allows and its version (for the next write, issue #9); a change of details
    also names the `changed` columns (the OpenAPI component of those answers)."""

    id = fields.Integer()
    number = fields.String()
    state = fields.String()
    deadline = fields.Date(allow_none=True)
    actions = fields.List(fields.String())
    version = fields.Integer()
    changed = fields.List(fields.String())


class CaseApi(WindowScopedApi):
    """/api/v1/case/ — clerks and window heads read and act on their own window's cases."""

    resource_name = "case"
    class_permission_name = "Case"
    datamodel = BoundedCountInterface(Case)
    method_permission_name = {**API_METHOD_PERMISSIONS, "intake": "write", "act": "write",
                              "details": "write"}
    # CASE-4: no generic post/put/delete; a case changes only through the service's doors.
    include_route_methods = {"get", "get_list", "info", "intake", "act", "details"}
    list_columns = show_columns = CASE_COLUMNS
    order_columns = ["number", "received_at", "deadline"]
    base_order = ("received_at", "desc")  # as the case list; FAB adds the id as tie-break
    search_columns = ["number", "state", "case_class", "window", "item", "received_at", "deadline"]
    openapi_spec_component_schemas = (CaseSummary,)

    @expose("/intake", methods=["POST"])
    @protect()
    @safe
    @openapi(404)
    def intake(self):
        """Register a case (CASE-1/2); every value is bounded by its column (INPUT-1).
        ---
        post:
          summary: Register a case at the counter (CASE-1/2)
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties: false
                  required: [item_id, case_class]
                  properties:
                    item_id: {type: integer, minimum: 1}
                    case_class:
                      type: string
                      enum: [consultation, supplement, returned, accepted, transferred, joint]
                    applicant:
                      type: object
                      additionalProperties: false
                      properties:
                        name: {type: string, maxLength: 100}
                        kind: {type: string, enum: [person, organisation]}
                        id_number: {type: string, maxLength: 30}
                        phone: {type: string, maxLength: 30}
                        address: {type: string, maxLength: 200}
                    received:
                      description: material id → copies received
                      type: object
                      additionalProperties: {type: integer, minimum: 0, maximum: 99}
                    defective:
                      description: material id → what the applicant must correct
                      type: object
                      additionalProperties: {type: string, maxLength: 200}
                    request: {type: string, maxLength: 10000}
                    urgent: {type: boolean}
                    appointment_at: {type: string, format: date-time}
                    fee_amount: {type: number, minimum: 0, maximum: 99999999.99}
                    return_reason: {type: string, maxLength: 10000}
                    competent_unit: {type: string, maxLength: 200}
                    consultation_note: {type: string, maxLength: 10000}
                    sub_tasks:
                      type: array
                      items:
                        type: object
                        additionalProperties: false
                        required: [window_id, promised_days]
                        properties:
                          window_id: {type: integer, minimum: 1}
                          part: {type: string, maxLength: 200}
                          promised_days: {type: integer, minimum: 0, maximum: 999}
          responses:
            201:
              description: The case, its state and the actions it now allows
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/CaseSummary'
        """
        try:
            intake = _intake_from_json(json_body(_INTAKE_KEYS, required=("item_id",
                                                                           "case_class")))
        except RuleViolation as violation:
            return self.refuse(violation)
        item = db.session.get(ServiceItem, intake.item_id)
        scope = window_scope()
        if item is None or (scope is not None and item.window_id != scope):
            return self.response_404()
        with self.unit_of_work() as saved:
            case = register_intake(db.session, intake, current_actor(), clock())
        if not saved.ok:
            return saved.answer
        return self.response(201, **_summary(case))

    @expose("/<int:pk>/action/<action>", methods=["POST"])
    @protect()
    @safe
    @openapi(404, version="the case")
    def act(self, pk, action):
        """Perform a CASE-4 action; the JSON body carries its parameters (reason, days…).
        ---
        post:
          summary: Perform an action the case's state allows (CASE-4)
          parameters:
          - in: path
            name: pk
            required: true
            schema: {type: integer, minimum: 1}
          - in: path
            name: action
            required: true
            schema:
              type: string
              enum: [request_supplement, receive_materials, accept, start, extend, suspend,
                     resume, approve, refuse, forward, deliver, close, return_case, transfer,
                     withdraw]
          requestBody:
            required: false
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties: false
                  properties:
                    note: {type: string, maxLength: 10000}
                    reason: {type: string, maxLength: 10000}
                    procedure: {type: string, maxLength: 100}
                    collector: {type: string, maxLength: 100}
                    rating: {type: string, enum: [satisfied, basically_satisfied, dissatisfied]}
                    opinion: {type: string, maxLength: 10000}
                    competent_unit: {type: string, maxLength: 200}
                    objected: {type: boolean}
                    extension_days: {type: integer, minimum: 0, maximum: 999}
                    materials:
                      type: array
                      items: {type: integer, minimum: 1}
                    defective:
                      type: object
                      additionalProperties: {type: string, maxLength: 200}
                    received:
                      type: object
                      additionalProperties: {type: integer, minimum: 0, maximum: 99}
          responses:
            200:
              description: The case after the action
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/CaseSummary'
        """
        case = self.datamodel.get(pk, self._base_filters)
        if case is None:
            return self.response_404()
        try:
            if action not in cs.ACTIONS:
                raise MalformedInput(N_("Unknown action."), field="action")
            body, seen = versioned_body(_ACTION_KEYS, optional=True)
            unknown = sorted(set(body) - action_parameters(action))
            if unknown:
                raise MalformedInput(N_("Unknown parameter for this action: %(names)s."),
                                     field="_schema", names=", ".join(unknown))
            params = action_params_from_json(body)
        except RuleViolation as violation:
            return self.refuse(violation)
        # Two clerks acting at once (issue #9): the version read here, or the one the client
        # read, must still be the case's when its UPDATE runs; the other one gets 409.
        with self.unit_of_work() as saved:
            check_version(case, seen)
            apply_action(db.session, case, action, current_actor(), clock(), **params)
        if not saved.ok:
            return saved.answer
        return self.response(200, **_summary(case))

    @expose("/<int:pk>/details", methods=["POST"])
    @protect()
    @safe
    @openapi(404, version="the case")
    def details(self, pk):
        """Change what may change after intake (CASE-4): applicant_phone, applicant_address,
        request, urgent, appointment_at (ISO 8601; null removes it). Absent keys stay.
        ---
        post:
          summary: Change the details a case may still change (CASE-4, PRIV-1/2)
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
                    applicant_phone: {type: [string, "null"], maxLength: 30}
                    applicant_address: {type: [string, "null"], maxLength: 200}
                    request: {type: [string, "null"], maxLength: 2000}
                    urgent: {type: boolean}
                    appointment_at: {type: [string, "null"], format: date-time}
          responses:
            200:
              description: The case after the change
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/CaseSummary'
        """
        case = self.datamodel.get(pk, self._base_filters)
        if case is None:
            return self.response_404()
        try:
            body, seen = versioned_body(DETAIL_KEYS)  # INPUT-1: unknown keys are 400
        except RuleViolation as violation:
            return self.refuse(violation)
        if set(body) & PERSONAL_KEYS and not may_see_personal_data(case=case):
            # PRIV-1: who sees the phone and address masked does not overwrite them.
            return self.response_403()
        try:
            changes = _details_from_json(body)
        except RuleViolation as violation:
            return self.refuse(violation)
        with self.unit_of_work() as saved:
            check_version(case, seen)
            changed = update_case_details(db.session, case, changes, current_actor())
        if not saved.ok:
            return saved.answer
        return self.response(200, changed=changed, **_summary(case))


DETAIL_KEYS = frozenset({"applicant_phone", "applicant_address", "request", "urgent",
                         "appointment_at"})
PERSONAL_KEYS = frozenset({"applicant_phone", "applicant_address"})


def _details_from_json(body: dict) -> CaseDetails:
    """The JSON body as a CaseDetails, typed and bounded like an intake (INPUT-1): texts as
    strings (null empties them), urgent a boolean, the appointment an ISO time this century
    (in the center's zone when it names none) or null to remove it."""
    checks = column_checks(Case)
    changes = CaseDetails()
    for key in ("applicant_phone", "applicant_address", "request"):
        if key in body:
            value = body[key]
            setattr(changes, key, "" if value is None else _text(value, key, checks) or "")
    if body.get("urgent") is not None:  # null keeps the flag as it is
        changes.urgent = validate_kind(body["urgent"], bool, "urgent")
    if "appointment_at" in body:
        appointment = _appointment(body["appointment_at"])
        changes.appointment_at = CLEAR_APPOINTMENT if appointment is None else appointment
    return changes


# --- Reading a JSON body within bounds (INPUT-1) ----------------------------------------------
_INTAKE_KEYS = frozenset({"item_id", "case_class", "applicant", "received", "defective", "request",
                          "urgent", "appointment_at", "fee_amount", "return_reason",
                          "competent_unit", "consultation_note", "sub_tasks"})
_APPLICANT_KEYS = frozenset({"name", "kind", "id_number", "phone", "address"})
_SUB_TASK_KEYS = frozenset({"window_id", "part", "promised_days"})
COPIES = (0, 99)  # as the intake form's NumberRange


def _intake_from_json(body) -> Intake:
    """The Intake a JSON body describes: every value typed and bounded by its column, or a
    RuleViolation under its field (MalformedInput for a wrong shape)."""
    body = validate_object(body, _INTAKE_KEYS, "_schema")
    applicant = validate_object(body.get("applicant"), _APPLICANT_KEYS, "applicant")
    case = column_checks(Case)
    fee = body.get("fee_amount")
    if isinstance(fee, (bool, dict, list)):
        raise MalformedInput(N_("Enter an amount."), field="fee_amount")
    return Intake(
        item_id=validate_row_id(validate_kind(_required(body, "item_id"), int, "item_id"), "item_id"),
        case_class=_text(_required(body, "case_class"), "case_class", case),
        applicant=Applicant(
            name=_text(applicant.get("name"), "applicant_name", case) or "",
            kind=_text(applicant.get("kind"), "applicant_kind", case) or PERSON,
            id_number=_text(applicant.get("id_number"), "applicant_id_number", case),
            phone=_text(applicant.get("phone"), "applicant_phone", case),
            address=_text(applicant.get("address"), "applicant_address", case)),
        received=_copies(body.get("received"), "received"),
        defective=_problems(body.get("defective"), "defective"),
        request=_text(body.get("request"), "request", case),
        urgent=bool(validate_kind(body.get("urgent"), bool, "urgent")),
        appointment_at=_appointment(body.get("appointment_at")),
        fee_amount=case["fee_amount"](None if fee == "" else fee, "fee_amount"),
        return_reason=_text(body.get("return_reason"), "return_reason", case),
        competent_unit=_text(body.get("competent_unit"), "competent_unit", case),
        consultation_note=_text(body.get("consultation_note"), "consultation_note", case),
        sub_tasks=_sub_tasks(body.get("sub_tasks")),
    )


def _required(body: dict, key: str):
    if body.get(key) in (None, ""):
        raise MalformedInput(N_("This field is required."), field=key)
    return body[key]


def _text(value, field: str, checks: dict, column: str | None = None) -> str | None:
    validate_kind(value, str, field)
    return checks[column or field](value, field)


def _appointment(value) -> datetime | None:
    """CASE-8: an agreed appointment, this century (a naive time is the center's wall clock)."""
    if value in (None, ""):
        return None
    validate_kind(value, str, "appointment_at")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RuleViolation(RULE, N_("Enter a date and time such as 2026-11-02T09:30."),
                            field="appointment_at") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=center_zone())
    return validate_day(moment, "appointment_at", BUSINESS_YEARS)


def _by_material(value, field: str, read) -> dict:
    """A JSON object keyed by material ids ("12": …), its values read by `read`."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedInput(N_("Send an object here."), field=field)
    result = {}
    for key, item in value.items():
        if not (isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 19):
            raise MalformedInput(N_("Unknown keys: %(keys)s."), field=field, keys=str(key))
        result[validate_row_id(int(key), field)] = read(item, field)
    return result


def _copies(value, field: str) -> dict[int, int]:
    return _by_material(value, field, lambda v, f: validate_integer(validate_kind(v, int, f), f, COPIES)
                        or 0)


def _problems(value, field: str) -> dict[int, str]:
    problem = column_checks(NoticeMaterial)["problem"]
    return _by_material(value, field, lambda v, f: problem(validate_kind(v, str, f), f))


def _sub_tasks(value) -> list[SubTaskPlan]:
    """CASE-7 parts: an existing window, a described part, a limit in working days."""
    validate_kind(value, list, "sub_tasks")
    part = column_checks(CaseSubTask)["part"]
    plans = []
    for raw in value or []:
        task = validate_object(raw, _SUB_TASK_KEYS, "sub_tasks")
        window_id = validate_row_id(validate_kind(_required(task, "window_id"), int, "sub_tasks"),
                                    "sub_tasks")
        if db.session.get(Window, window_id) is None:
            raise RuleViolation(RULE, N_("Choose an existing record."), field="sub_tasks")
        days = validate_kind(_required(task, "promised_days"), int, "sub_tasks")
        plans.append(SubTaskPlan(window_id, part(validate_kind(task.get("part"), str, "sub_tasks"),
                                                 "sub_tasks") or "",
                                 validate_integer(days, "sub_tasks", LIMIT_DAYS)))
    return plans


# What each action parameter is and which column bounds it (CASE-4/5/10/11/12, NEG-1).
_ACTION_TEXT = {"note": (Case, "decision_note"), "reason": (Case, "extension_reason"),
                "procedure": (Case, "suspension_procedure"), "collector": (Case, "collector_name"),
                "rating": (Case, "satisfaction"), "opinion": (Case, "satisfaction_opinion"),
                "competent_unit": (Case, "competent_unit")}
_ACTION_KEYS = frozenset(_ACTION_TEXT) | {"objected", "extension_days", "materials", "defective",
                                          "received"}


def action_params_from_json(params) -> dict:
    """The parameters of a CASE-4 action, typed and bounded (unknown keys refused)."""
    params = validate_object(params, _ACTION_KEYS, "_schema")
    result = {}
    for key, (model, column) in _ACTION_TEXT.items():
        if key in params:
            result[key] = _text(params[key], key, column_checks(model), column)
    if "objected" in params:
        result["objected"] = validate_kind(params["objected"], bool, "objected")
    if params.get("extension_days") is not None:
        result["extension_days"] = validate_integer(
            validate_kind(params["extension_days"], int, "extension_days"), "extension_days",
            LIMIT_DAYS)
    if "materials" in params:
        result["materials"] = [validate_row_id(m, "materials")
                               for m in validate_kind(params["materials"], list, "materials") or []]
    if "defective" in params:
        result["defective"] = _problems(params["defective"], "defective")
    if "received" in params:
        result["received"] = _copies(params["received"], "received")
    return result
