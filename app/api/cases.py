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

from app.api.base import WindowScopedApi
from app.context import clock
from app.datamodel import BoundedCountInterface
from app.extensions import db
from app.rules import case_states as cs
from app.rules.errors import RuleViolation
from app.security import API_METHOD_PERMISSIONS, current_actor, window_scope
from app.services.cases import (Applicant, Intake, SubTaskPlan, apply_action, available_actions,
                                register_intake)
from models.cases import Case
from models.catalogue import ServiceItem

CASE_COLUMNS = ["id", "number", "case_class", "state", "item.id", "item.name", "window.id",
                "window.name", "applicant_name", "received_at", "accepted_at", "deadline",
                "decided_at", "delivered_at", "urgent", "appointment_at", "extended",
                "suspended_days", "satisfaction"]


def _summary(case: Case) -> dict:
    return {"id": case.id, "number": case.number, "state": case.state,
            "deadline": case.deadline.isoformat() if case.deadline else None,
            "actions": available_actions(case)}


class CaseApi(WindowScopedApi):
    """/api/v1/case/ — clerks and window heads read and act on their own window's cases."""

    resource_name = "case"
    class_permission_name = "Case"
    datamodel = BoundedCountInterface(Case)
    method_permission_name = {**API_METHOD_PERMISSIONS, "intake": "write", "act": "write"}
    include_route_methods = {"get", "get_list", "info", "intake", "act"}
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
        try:
            case = register_intake(db.session, intake, current_actor(), clock())
            db.session.commit()
        except RuleViolation as violation:
            return self.refuse(violation)
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
        try:
            apply_action(db.session, case, action, current_actor(), clock(),
                         **{k: v for k, v in params.items() if isinstance(k, str)})
            db.session.commit()
        except RuleViolation as violation:
            return self.refuse(violation)
        except TypeError:
            db.session.rollback()
            return self.response_400(message=gettext("Malformed request."))
        return self.response(200, **_summary(case))


def _intake_from_json(body: dict) -> Intake:
    applicant = body.get("applicant") or {}
    if not isinstance(applicant, dict):
        raise TypeError("applicant must be an object")
    appointment = body.get("appointment_at")
    fee = body.get("fee_amount")
    return Intake(
        item_id=int(body["item_id"]), case_class=str(body["case_class"]),
        applicant=Applicant(name=str(applicant.get("name") or ""),
                            kind=str(applicant.get("kind") or "person"),
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
