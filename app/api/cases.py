"""Case API: read the window's cases, register an intake, perform an action (CASE-1..12).

The same row filter as the views (ORG-2); the same service as the pages, so the same rules.
Applicants' ID numbers, phones and addresses are not in the API answers (PRIV-1).
"""

from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe

from app.api.base import WindowScopedApi, openapi, request_body, versioned_body
from app.api.schemas.cases import (CaseAction, CaseActionPath, CaseDetailChange, CaseIntake,
                                   CaseSummary)
from app.api.schemas.common import PkPath
from app.context import clock
from app.datamodel import BoundedCountInterface
from app.extensions import db
from app.request_context import current_actor
from app.rules import case_states as cs
from app.rules.errors import N_, RuleViolation
from app.rules.input import RULE, MalformedInput
from app.rules.intake import PERSON
from app.security import API_METHOD_PERMISSIONS, may_see_personal_data, window_scope
from app.services.cases import (CLEAR_APPOINTMENT, Applicant, CaseDetails, Intake, SubTaskPlan,
                                action_parameters, apply_action, available_actions,
                                register_intake, update_case_details)
from app.services.transaction import check_version
from models.cases import Case
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

    @expose("/intake", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Register a case at the counter (CASE-1/2)", body=CaseIntake,
             answer=CaseSummary, status=201)
    def intake(self):
        """Register a case (CASE-1/2); every value is bounded by its column (INPUT-1)."""
        try:
            intake = _intake_from_json(request_body(CaseIntake))
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
    @openapi(404, summary="Perform an action the case's state allows (CASE-4)",
             path=CaseActionPath, body=CaseAction, optional=True, answer=CaseSummary)
    def act(self, pk, action):
        """Perform a CASE-4 action; the JSON body carries its parameters (reason, days…)."""
        case = self.datamodel.get(pk, self._base_filters)
        if case is None:
            return self.response_404()
        try:
            if action not in cs.ACTIONS:
                raise MalformedInput(N_("Unknown action."), field="action")
            params, seen = versioned_body(CaseAction, optional=True)
            unknown = sorted(set(params) - action_parameters(action))
            if unknown:
                raise MalformedInput(N_("Unknown parameter for this action: %(names)s."),
                                     field="_schema", names=", ".join(unknown))
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
    @openapi(404, summary="Change the details a case may still change (CASE-4, PRIV-1/2)",
             path=PkPath, body=CaseDetailChange, answer=CaseSummary)
    def details(self, pk):
        """Change what may change after intake (CASE-4): applicant_phone, applicant_address,
        request, urgent, appointment_at (ISO 8601; null removes it). Absent keys stay."""
        case = self.datamodel.get(pk, self._base_filters)
        if case is None:
            return self.response_404()
        try:
            body, seen = versioned_body(CaseDetailChange)  # INPUT-1: unknown keys are 400
        except RuleViolation as violation:
            return self.refuse(violation)
        if set(body) & PERSONAL_KEYS and not may_see_personal_data(case=case):
            # PRIV-1: who sees the phone and address masked does not overwrite them.
            return self.response_403()
        changes = _details_from_json(body)
        with self.unit_of_work() as saved:
            check_version(case, seen)
            changed = update_case_details(db.session, case, changes, current_actor())
        if not saved.ok:
            return saved.answer
        return self.response(200, changed=changed, **_summary(case))


PERSONAL_KEYS = frozenset({"applicant_phone", "applicant_address"})


def _details_from_json(body: dict) -> CaseDetails:
    """The CaseDetailChange read as a CaseDetails: absent keys stay, a null text empties it,
    a null urgent keeps the flag, a null appointment removes it."""
    changes = CaseDetails()
    for key in ("applicant_phone", "applicant_address", "request"):
        if key in body:
            setattr(changes, key, body[key] or "")
    if body.get("urgent") is not None:
        changes.urgent = body["urgent"]
    if "appointment_at" in body:
        appointment = body["appointment_at"]
        changes.appointment_at = CLEAR_APPOINTMENT if appointment is None else appointment
    return changes


def _intake_from_json(body: dict) -> Intake:
    """The Intake a CaseIntake body describes; the windows of a joint case's parts must exist
    (422 under sub_tasks)."""
    applicant = body.get("applicant") or {}
    return Intake(
        item_id=body["item_id"], case_class=body["case_class"],
        applicant=Applicant(name=applicant.get("name") or "",
                            kind=applicant.get("kind") or PERSON,
                            id_number=applicant.get("id_number"), phone=applicant.get("phone"),
                            address=applicant.get("address")),
        received=body.get("received") or {}, defective=body.get("defective") or {},
        request=body.get("request"), urgent=body.get("urgent", False),
        appointment_at=body.get("appointment_at"), fee_amount=body.get("fee_amount"),
        return_reason=body.get("return_reason"), competent_unit=body.get("competent_unit"),
        consultation_note=body.get("consultation_note"),
        sub_tasks=[_sub_task(task) for task in body.get("sub_tasks") or []])


def _sub_task(task: dict) -> SubTaskPlan:
    """CASE-7: a part in an existing window."""
    if db.session.get(Window, task["window_id"]) is None:
        raise RuleViolation(RULE, N_("Choose an existing record."), field="sub_tasks")
    return SubTaskPlan(task["window_id"], task.get("part") or "", task["promised_days"])
