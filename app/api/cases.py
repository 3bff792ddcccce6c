"""Case API: read the window's cases, register an intake, perform an action (CASE-1..12).

The same row filter as the views (ORG-2); the same service as the pages, so the same rules.
Applicants' ID numbers, phones and addresses are not in the API answers (PRIV-1).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext

from app.api.base import WindowScopedApi, expected_version
from app.extensions import db
from app.rules import case_states as cs
from app.rules.errors import RuleViolation
from app.context import center_zone
from app.rules.intake import PERSON
from app.security import API_METHOD_PERMISSIONS, current_actor, may_see_personal_data, window_scope
from app.services.cases import (CLEAR_APPOINTMENT, Applicant, CaseDetails, Intake, SubTaskPlan,
                                action_parameters, apply_action, available_actions,
                                register_intake, update_case_details)
from app.services.transaction import check_version
from app.views.cases import BoundedCountInterface, clock
from models.cases import Case
from models.catalogue import ServiceItem

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
    search_columns = ["number", "state", "case_class", "window", "item", "received_at", "deadline"]

    @expose("/intake", methods=["POST"])
    @protect()
    @safe
    def intake(self):
        """Register a case (CASE-1/2). Body: item_id, case_class, applicant{…}, received{id: copies}."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message=gettext("Send a JSON object."))
        try:
            intake = _intake_from_json(body)
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            if isinstance(error, RuleViolation):
                return self.refuse(error)
            return self.response_400(message=gettext("Malformed request: %(error)s", error=str(error)))
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
    def act(self, pk, action):
        """Perform a CASE-4 action; the JSON body carries its parameters (reason, days…)."""
        case = self.datamodel.get(pk, self._base_filters)
        if case is None:
            return self.response_404()
        if action not in cs.ACTIONS:
            return self.response_400(message=gettext("Unknown action."))
        params = request.get_json(silent=True) or {}
        if not isinstance(params, dict):
            return self.response_400(message=gettext("Send a JSON object."))
        seen = expected_version(params)
        unknown = sorted(set(params) - action_parameters(action))
        if unknown:
            return self.response_400(message=gettext(
                "Unknown parameter for this action: %(names)s.", names=", ".join(unknown)))
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
    def details(self, pk):
        """Change what may change after intake (CASE-4): applicant_phone, applicant_address,
        request, urgent, appointment_at (ISO 8601; null removes it). Absent keys stay."""
        case = self.datamodel.get(pk, self._base_filters)
        if case is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message=gettext("Send a JSON object."))
        seen = expected_version(body)
        unknown = sorted(set(body) - set(DETAIL_KEYS))
        if unknown:
            return self.response_400(message=gettext("Unknown fields: %(names)s",
                                                     names=", ".join(map(str, unknown))))
        if set(body) & PERSONAL_KEYS and not may_see_personal_data(case.window_id):
            # PRIV-1: who sees the phone and address masked does not overwrite them.
            return self.response_403()
        try:
            changes = _details_from_json(body)
        except (TypeError, ValueError) as error:
            return self.response_400(message=gettext("Malformed request: %(error)s", error=str(error)))
        with self.unit_of_work() as saved:
            check_version(case, seen)
            changed = update_case_details(db.session, case, changes, current_actor())
        if not saved.ok:
            return saved.answer
        return self.response(200, changed=changed, **_summary(case))


DETAIL_KEYS = ("applicant_phone", "applicant_address", "request", "urgent", "appointment_at")
PERSONAL_KEYS = frozenset({"applicant_phone", "applicant_address"})


def _details_from_json(body: dict) -> CaseDetails:
    """The JSON body as a CaseDetails: texts as strings, urgent a boolean, the appointment an
    ISO time (in the center's zone when it names none) or null to remove it."""
    changes = CaseDetails()
    for key in ("applicant_phone", "applicant_address", "request"):
        if key in body:
            value = body[key]
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{key} must be a string")
            setattr(changes, key, value or "")
    if "urgent" in body:
        if not isinstance(body["urgent"], bool):
            raise TypeError("urgent must be true or false")
        changes.urgent = body["urgent"]
    if "appointment_at" in body:
        value = body["appointment_at"]
        if value in (None, ""):
            changes.appointment_at = CLEAR_APPOINTMENT
        else:
            appointment = datetime.fromisoformat(str(value))
            changes.appointment_at = (appointment if appointment.tzinfo
                                      else appointment.replace(tzinfo=center_zone()))
    return changes


def _intake_from_json(body: dict) -> Intake:
    applicant = body.get("applicant") or {}
    if not isinstance(applicant, dict):
        raise TypeError("applicant must be an object")
    appointment = body.get("appointment_at")
    fee = body.get("fee_amount")
    return Intake(
        item_id=int(body["item_id"]), case_class=str(body["case_class"]),
        applicant=Applicant(name=str(applicant.get("name") or ""),
                            kind=str(applicant.get("kind") or PERSON),
                            id_number=applicant.get("id_number"), phone=applicant.get("phone"),
                            address=applicant.get("address")),
        received={int(k): int(v) for k, v in (body.get("received") or {}).items()},
        defective={int(k): str(v) for k, v in (body.get("defective") or {}).items()},
        request=body.get("request"), urgent=bool(body.get("urgent")),
        appointment_at=datetime.fromisoformat(appointment) if appointment else None,
        fee_amount=Decimal(str(fee)) if fee not in (None, "") else None,
        return_reason=body.get("return_reason"), competent_unit=body.get("competent_unit"),
        consultation_note=body.get("consultation_note"),
        sub_tasks=[SubTaskPlan(int(t["window_id"]), str(t.get("part") or ""), int(t["promised_days"]))
                   for t in body.get("sub_tasks") or []],
    )
