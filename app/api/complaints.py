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

from app.api.actions import ActionApi
from app.api.base import openapi, request_body
from app.api.schemas.common import PkPath, TextRefusal
from app.api.schemas.complaints import (ComplaintAnswer, ComplaintEscalation, ComplaintOutcome,
                                        ComplaintRecord, ComplaintSummary)
from app.context import center_zone, clock
from app.extensions import db
from app.policy.complaints import may_confirm_escalation, may_record_complaints
from app.request_context import current_actor
from app.rules.errors import RuleViolation
from app.rules.privacy import mask_address, mask_phone
from app.security import API_METHOD_PERMISSIONS, may_see_personal_data
from app.services.complaints import (ComplaintInput, DirectorDecides, answer_complaint,
                                     confirm_escalation, decide_outcome, is_overdue,
                                     record_complaint)
from models.complaints import Complaint

LIST_COLUMNS = ["id", "received_on", "channel", "anonymous", "major", "window.id", "window.name",
                "staff.id", "staff.name", "case.id", "complexity", "promised_on", "due_on", "state",
                "answer_form", "answered_at", "outcome", "gravity", "about_attitude",
                "proposed_step", "confirmed_step"]
SHOW_COLUMNS = LIST_COLUMNS + ["received_at", "complainant_name", "complainant_contact",
                               "written_record", "content", "answer", "decided_at",
                               "step_confirmed_at"]


def _summary(complaint: Complaint) -> dict:
    return {"id": complaint.id, "version": complaint.version, "state": complaint.state,
            "complexity": complaint.complexity, "due_on": complaint.due_on.isoformat(),
            "overdue": is_overdue(complaint, clock().today), "outcome": complaint.outcome,
            "proposed_step": complaint.proposed_step, "confirmed_step": complaint.confirmed_step}


class ComplaintApi(ActionApi):
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
    summary = staticmethod(_summary)
    request_actor = staticmethod(current_actor)

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
    @openapi(summary="Record a complaint (COMP-1/2; Office)", body=ComplaintRecord,
             answer=ComplaintSummary)
    def record(self):
        """Record a complaint (COMP-1); its answer due date (COMP-2)."""
        if not may_record_complaints(current_actor()):
            return self.response_403()
        try:
            body = request_body(ComplaintRecord)
            received_on = body.pop("received_on", None)
            received_at = (datetime.combine(received_on, time(9, 0), tzinfo=center_zone())
                           if received_on is not None and received_on != clock().today else None)
            body["other_window_ids"] = body.get("other_window_ids") or []
            values = ComplaintInput(received_at=received_at, **body)
        except RuleViolation as violation:
            return self.refuse(violation)
        return self.run(lambda: record_complaint(db.session, values, current_actor(), clock()))

    @expose("/<int:pk>/answer", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Answer a complaint (COMP-2)", path=PkPath, body=ComplaintAnswer,
             answer=ComplaintSummary)
    def answer(self, pk):
        """Record the answer (COMP-2: a written complaint gets a written answer)."""
        return self.act_on(pk, ComplaintAnswer, lambda complaint, body, actor: answer_complaint(
            db.session, complaint, body["answer"], body["answer_form"], actor, clock()))

    @expose("/<int:pk>/outcome", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Decide a complaint verified or not (COMP-3, COMP-5; complex ones "
                          "the director, COMP-2)", path=PkPath, body=ComplaintOutcome,
             answer=ComplaintSummary, refusals={403: (
                 "A complex complaint, decided by someone else than the director (COMP-2); or "
                 "the user's role may not decide", TextRefusal)})
    def outcome(self, pk):
        """Decide the outcome (COMP-3): verified takes the M7 points by gravity; a complex
        complaint only by the director (COMP-2)."""
        return self.act_on(pk, ComplaintOutcome, lambda complaint, body, actor: decide_outcome(
            db.session, complaint, body["outcome"], body.get("gravity"),
            body.get("about_attitude", False), actor, clock()))

    @expose("/<int:pk>/escalation", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Confirm the escalation step of a verified complaint (COMP-4; "
                          "Leadership)", path=PkPath, body=ComplaintEscalation, optional=True,
             answer=ComplaintSummary)
    def escalation(self, pk):
        """Confirm the escalation step (COMP-4; Leadership only)."""
        if not may_confirm_escalation(current_actor()):
            return self.response_403()

        return self.act_on(pk, ComplaintEscalation, lambda complaint, body, actor:
                           confirm_escalation(db.session, complaint, body.get("step"), actor,
                                              clock(), leadership=True), optional=True)

    def answer_error(self, error):
        """COMP-2: someone else than the director deciding a complex complaint: 403 with the
        rule's message (nothing saved)."""
        if isinstance(error, DirectorDecides):
            return self.response(403, message=error.render(gettext))
        return super().answer_error(error)
