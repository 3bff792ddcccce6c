"""Complaint API: read complaints, record one, answer it, decide its outcome, confirm the
escalation (COMP-1..4).

Resource "Complaint" like the pages: Office and Leadership (and Admin) only — clerks and window
heads get 403 (ORG-2). The same service as the pages; a write carrying the version read answers
409 once someone else changed the complaint. The complainant's name and contact are shown in
full only to the roles of PRIV-1 (never listed).
"""

from __future__ import annotations

from datetime import datetime, time

from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext

from app.api.base import (DomainApi, body_day, body_flag, body_row_id, json_body, openapi,
                          versioned_body)
from app.context import center_zone, clock
from app.extensions import db
from app.rules.errors import N_, RuleViolation
from app.rules.input import (BUSINESS_YEARS, MalformedInput, validate_kind, validate_row_id,
                             validate_text)
from app.rules.privacy import mask_address, mask_phone
from app.security import (API_METHOD_PERMISSIONS, current_actor, may_confirm_escalation,
                          may_record_complaints, may_see_personal_data)
from app.services.complaints import (ComplaintInput, DirectorDecides, answer_complaint,
                                     confirm_escalation, decide_outcome, is_overdue,
                                     record_complaint)
from app.services.transaction import check_version
from models.complaints import Complaint

LIST_COLUMNS = ["id", "received_on", "channel", "anonymous", "major", "window.id", "window.name",
                "staff.id", "staff.name", "case.id", "complexity", "promised_on", "due_on", "state",
                "answer_form", "answered_at", "outcome", "gravity", "about_attitude",
                "proposed_step", "confirmed_step"]
SHOW_COLUMNS = LIST_COLUMNS + ["received_at", "complainant_name", "complainant_contact",
                               "written_record", "content", "answer", "decided_at",
                               "step_confirmed_at"]
RECORD_KEYS = frozenset({"channel", "window_id", "content", "anonymous", "complainant_name",
                         "complainant_contact", "major", "written_record", "staff_id", "case_id",
                         "complex", "other_window_ids", "promised_on", "received_on"})
TEXT_LIMIT = 10_000


def _summary(complaint: Complaint) -> dict:
    return {"id": complaint.id, "version": complaint.version, "state": complaint.state,
            "complexity": complaint.complexity, "due_on": complaint.due_on.isoformat(),
            "overdue": is_overdue(complaint, clock().today), "outcome": complaint.outcome,
            "proposed_step": complaint.proposed_step, "confirmed_step": complaint.confirmed_step}


class ComplaintApi(DomainApi):
    """/api/v1/complaint/ — complaints (Office, Leadership); record, answer, decide, escalate."""

    resource_name = "complaint"
    class_permission_name = "Complaint"
    datamodel = SQLAInterface(Complaint)
    method_permission_name = {**API_METHOD_PERMISSIONS, "record": "record", "answer": "write",
                              "outcome": "write", "escalation": "write"}
    # COMP-1..4: no generic post/put/delete; each change through its own door.
    include_route_methods = {"get", "get_list", "info", "record", "answer", "outcome",
                             "escalation"}
    list_columns = LIST_COLUMNS
    show_columns = SHOW_COLUMNS
    order_columns = ["received_on", "due_on"]
    base_order = ("received_on", "desc")
    search_columns = ["state", "outcome", "received_on", "due_on", "complexity", "channel"]

    def pre_get(self, data) -> None:
        """PRIV-1: the complainant's name and contact masked for roles without access."""
        super().pre_get(data)
        result = data.get("result")
        if not isinstance(result, dict):
            return
        item = self.datamodel.get(data["id"]) if "id" in data else None
        if item is not None:  # COMP-2: the further windows that made it complex
            result["other_window_ids"] = [row.window_id for row in item.other_windows]
        if not may_see_personal_data():
            result["complainant_name"] = mask_address(result.get("complainant_name"))
            result["complainant_contact"] = mask_phone(result.get("complainant_contact"))

    @expose("/record", methods=["POST"])
    @protect()
    @safe
    @openapi()
    def record(self):
        """Record a complaint (COMP-1); its answer due date (COMP-2).
        ---
        post:
          summary: Record a complaint (COMP-1/2; Office)
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties: false
                  required: [channel, window_id, content]
                  properties:
                    channel: {type: string, enum: [in_person, phone, letter, online]}
                    window_id: {type: integer, minimum: 1}
                    content: {type: string, maxLength: 10000}
                    anonymous: {type: boolean}
                    complainant_name: {type: [string, "null"], maxLength: 100}
                    complainant_contact: {type: [string, "null"], maxLength: 100}
                    major: {type: boolean, description: "a major matter must be written"}
                    written_record: {type: boolean, description: "taken down in writing (in person, phone)"}
                    staff_id: {type: [integer, "null"], minimum: 1}
                    case_id: {type: [integer, "null"], minimum: 1}
                    complex: {type: boolean, description: "to the director (COMP-2)"}
                    other_window_ids: {type: array, items: {type: integer, minimum: 1}, maxItems: 50}
                    promised_on: {type: [string, "null"], format: date}
                    received_on: {type: [string, "null"], format: date, description: "default today"}
          responses:
            200:
              description: The recorded complaint (id, version, state, due_on, overdue)
        """
        if not may_record_complaints():
            return self.response_403()
        try:
            body = json_body(RECORD_KEYS)
            others = body.get("other_window_ids") or []
            if not isinstance(others, list) or len(others) > 50:
                raise MalformedInput(N_("Send a list of window ids."), field="other_window_ids")
            received_on = body_day(body, "received_on", BUSINESS_YEARS)
            received_at = (datetime.combine(received_on, time(9, 0), tzinfo=center_zone())
                           if received_on is not None and received_on != clock().today else None)
            values = ComplaintInput(
                channel=validate_kind(body.get("channel"), str, "channel"),
                window_id=body_row_id(body, "window_id"),
                content=validate_text(body.get("content"), TEXT_LIMIT, "content"),
                anonymous=body_flag(body, "anonymous"),
                complainant_name=validate_text(body.get("complainant_name"), 100,
                                               "complainant_name"),
                complainant_contact=validate_text(body.get("complainant_contact"), 100,
                                                  "complainant_contact"),
                major=body_flag(body, "major"), written_record=body_flag(body, "written_record"),
                staff_id=body_row_id(body, "staff_id"), case_id=body_row_id(body, "case_id"),
                complex=body_flag(body, "complex"),
                other_window_ids=[validate_row_id(v, "other_window_ids") for v in others],
                promised_on=body_day(body, "promised_on", BUSINESS_YEARS), received_at=received_at)
        except RuleViolation as violation:
            return self.refuse(violation)
        with self.unit_of_work() as saved:
            complaint = record_complaint(db.session, values, current_actor(), clock())
        if not saved.ok:
            return saved.answer
        return self.response(200, **_summary(complaint))

    @expose("/<int:pk>/answer", methods=["POST"])
    @protect()
    @safe
    @openapi(404, version="the complaint")
    def answer(self, pk):
        """Record the answer (COMP-2: a written complaint gets a written answer).
        ---
        post:
          summary: Answer a complaint (COMP-2)
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
                  required: [answer, answer_form]
                  properties:
                    answer: {type: string, maxLength: 10000}
                    answer_form: {type: string, enum: [written, oral]}
          responses:
            200:
              description: The complaint after the answer
        """
        def parse(body):
            return (validate_text(body.get("answer"), TEXT_LIMIT, "answer"),
                    validate_kind(body.get("answer_form"), str, "answer_form"))

        return self._change(pk, frozenset({"answer", "answer_form"}), parse,
                            lambda c, v: answer_complaint(db.session, c, v[0], v[1],
                                                          current_actor(), clock()))

    @expose("/<int:pk>/outcome", methods=["POST"])
    @protect()
    @safe
    @openapi(404, version="the complaint")
    def outcome(self, pk):
        """Decide the outcome (COMP-3): verified takes the M7 points by gravity; a complex
        complaint only by the director (COMP-2).
        ---
        post:
          summary: Decide a complaint verified or not (COMP-3, COMP-5; complex ones the director, COMP-2)
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
                  required: [outcome]
                  properties:
                    outcome: {type: string, enum: [verified, not_verified]}
                    gravity: {type: [string, "null"], enum: ["2", "3", "4", "5", serious, null]}
                    about_attitude: {type: boolean, description: "language or attitude (COMP-5)"}
          responses:
            200:
              description: The complaint after the decision
            403:
              description: A complex complaint, decided by someone else than the director (COMP-2)
        """
        def parse(body):
            return (validate_kind(body.get("outcome"), str, "outcome"),
                    validate_kind(body.get("gravity"), str, "gravity"),
                    body_flag(body, "about_attitude"))

        return self._change(pk, frozenset({"outcome", "gravity", "about_attitude"}), parse,
                            lambda c, v: decide_outcome(db.session, c, v[0], v[1], v[2],
                                                        current_actor(), clock()))

    @expose("/<int:pk>/escalation", methods=["POST"])
    @protect()
    @safe
    @openapi(404, version="the complaint")
    def escalation(self, pk):
        """Confirm the escalation step (COMP-4; Leadership only).
        ---
        post:
          summary: Confirm the escalation step of a verified complaint (COMP-4; Leadership)
          parameters:
          - in: path
            name: pk
            required: true
            schema: {type: integer, minimum: 1}
          requestBody:
            required: false
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties: false
                  properties:
                    step: {type: [integer, "null"], enum: [1, 2, 3, null], description: "default the proposed step"}
          responses:
            200:
              description: The complaint after the confirmation
        """
        if not may_confirm_escalation():
            return self.response_403()

        def parse(body):
            step = body.get("step")
            if step is not None and (isinstance(step, bool) or not isinstance(step, int)):
                raise MalformedInput(N_("Choose step 1, 2 or 3."), field="step")
            return step

        return self._change(pk, frozenset({"step"}), parse,
                            lambda c, step: confirm_escalation(db.session, c, step,
                                                               current_actor(), clock(),
                                                               leadership=True),
                            optional=True)

    def answer_error(self, error):
        """COMP-2: someone else than the director deciding a complex complaint: 403 with the
        rule's message (nothing saved)."""
        if isinstance(error, DirectorDecides):
            return self.response(403, message=error.render(gettext))
        return super().answer_error(error)

    def _change(self, pk, keys, parse, write, optional=False):
        complaint = self.datamodel.get(pk)
        if complaint is None:
            return self.response_404()
        try:
            body, seen = versioned_body(keys, optional=optional)
            values = parse(body)
        except RuleViolation as violation:
            return self.refuse(violation)
        with self.unit_of_work() as saved:
            check_version(complaint, seen)
            write(complaint, values)
        if not saved.ok:
            return saved.answer
        return self.response(200, **_summary(complaint))
