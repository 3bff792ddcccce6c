"""Leave API: read the requests a user may see, file, approve / reject (routed, LEAVE-2),
report back (LEAVE-3), cancel, upload the certificate (LEAVE-1), revoke a leave obtained by
deception (LEAVE-1, ATT-3); AB-1 override by Leadership.

The same row filter as the view (app.security.LeaveRowFilter); the same service as the pages.
"""

from __future__ import annotations

from flask import current_app
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api.actions import ActionApi
from app.api.base import form_version, openapi, request_body, uploaded_file
from app.api.schemas.common import PkPath
from app.api.schemas.leave import (LeaveCancellation, LeaveDecision, LeaveFiling,
                                   LeaveReportBack, LeaveRevocation, LeaveSummary)
from app.context import clock
from app.extensions import db
from app.policy.leave import may_revoke_leave
from app.rules.errors import N_, RuleViolation
from app.security import API_METHOD_PERMISSIONS, current_leave_actor, leave_filters
from app.services.leave import (Certificate, LeaveInput, NotYourDecision, attach_certificate,
                                cancel_leave, decide_leave, file_leave, may_decide_now,
                                report_back, revoke_leave)
from models.leave import LeaveRequest

LEAVE_COLUMNS = ["id", "staff.id", "staff.name", "kind", "start_day", "end_day", "half_day_start",
                 "half_day_end", "days", "reason", "emergency", "substitute.id", "substitute.name",
                 "approver_position", "state", "filed_at", "decided_at", "decision_note",
                 "ab_override_reason", "reported_back_on", "overstay_days", "handover_note",
                 "certificate_name", "revoked_at", "revoke_reason"]


def _summary(leave: LeaveRequest) -> dict:
    return {"id": leave.id, "state": leave.state, "days": str(leave.days),
            "approver_position": leave.approver_position, "version": leave.version,
            "overstay_days": str(leave.overstay_days) if leave.overstay_days is not None else None}


class LeaveApi(ActionApi):
    """/api/v1/leave/ — own requests, those routed to the user's position, or (Office,
    Leadership) all."""

    resource_name = "leave"
    class_permission_name = "LeaveRequest"
    datamodel = SQLAInterface(LeaveRequest)
    method_permission_name = {**API_METHOD_PERMISSIONS, "file": "write", "approve": "write",
                              "reject": "write", "report_back": "write", "cancel": "write",
                              "certificate": "write", "revoke": "write"}
    include_route_methods = {"get", "get_list", "info", "file", "approve", "reject",
                             "report_back", "cancel", "certificate", "revoke"}
    base_filters = leave_filters()
    list_columns = show_columns = LEAVE_COLUMNS
    order_columns = ["start_day", "end_day", "days", "filed_at"]
    base_order = ("start_day", "desc")
    search_columns = ["state", "kind", "staff", "start_day", "end_day"]

    summary = staticmethod(_summary)
    request_actor = staticmethod(current_leave_actor)
    forbidden_errors = (NotYourDecision,)

    @expose("/file", methods=["POST"])
    @protect()
    @safe
    @openapi(summary="File a leave request (LEAVE-1/2, AB-1)", body=LeaveFiling,
             answer=LeaveSummary)
    def file(self):
        """File a leave request (LEAVE-1); routed to its approver (LEAVE-2); AB-1 checked.
        It names a substitute and a handover (LEAVE-1): `handover_id` (one of the requester's,
        named by no other running request) or `new_handover: true` (created from the request,
        to the substitute, with the requester's unfinished cases)."""
        actor = current_leave_actor()
        try:
            body = request_body(LeaveFiling)
            staff_id = body.pop("staff_id", None)
            if staff_id is None:
                if actor.staff is None:
                    raise RuleViolation("LEAVE-1", N_("Your login is not linked to a staff "
                                                      "member."), field="staff_id")
                staff_id = actor.staff.id
            override = body.pop("ab_override_reason", None)
            values = LeaveInput(staff_id=staff_id, **body)
        except RuleViolation as violation:
            return self.refuse(violation)
        if not _may_override(override, actor):
            return self.response_403()
        return self.run(lambda: file_leave(db.session, values, actor, clock(),
                                           ab_override_reason=override))

    def _decide(self, pk, approve: bool):
        return self.act_on(pk, LeaveDecision, lambda leave, body, actor: decide_leave(
            db.session, leave, approve, body.get("note"), actor, clock(),
            ab_override_reason=body.get("ab_override_reason")),
            may=lambda leave, actor: may_decide_now(db.session, leave, actor.staff),
            may_send=lambda body, actor: _may_override(body.get("ab_override_reason"), actor))

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Approve a leave request (LEAVE-2; AB-1 and the certificate "
                          "re-checked)", path=PkPath, body=LeaveDecision, answer=LeaveSummary)
    def approve(self, pk):
        """Approve a pending request: only its routed approver position (LEAVE-2), never
        whoever filed it for someone else (LEAVE-1, 422)."""
        return self._decide(pk, True)

    @expose("/<int:pk>/reject", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Reject a leave request (LEAVE-2)", path=PkPath, body=LeaveDecision,
             answer=LeaveSummary)
    def reject(self, pk):
        """Reject a pending request with a note: only its routed approver position (LEAVE-2)."""
        return self._decide(pk, False)

    @expose("/<int:pk>/report-back", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Report back from an approved leave (LEAVE-3)", path=PkPath,
             body=LeaveReportBack, answer=LeaveSummary)
    def report_back(self, pk):
        """销假: the day the person was back at work (LEAVE-3); late without reason = overstay;
        a reason for a late return is accepted from Office only, never for its own leave (422)."""
        return self.act_on(pk, LeaveReportBack, lambda leave, body, actor: report_back(
            db.session, leave, body["returned_on"], body.get("reason"), actor, clock()))

    @expose("/<int:pk>/cancel", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Cancel a pending leave request", path=PkPath,
             body=LeaveCancellation, optional=True, answer=LeaveSummary)
    def cancel(self, pk):
        """Cancel a pending request (its requester only)."""
        return self.act_on(pk, LeaveCancellation, lambda leave, _body, actor: cancel_leave(
            db.session, leave, actor, clock()), optional=True)

    @expose("/<int:pk>/revoke", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Revoke a leave obtained by deception (LEAVE-1, ATT-3)", path=PkPath,
             body=LeaveRevocation, answer=LeaveSummary)
    def revoke(self, pk):
        """Revoke an approved leave found obtained by deception (LEAVE-1, ATT-3): its approver
        position or Leadership, never the requester (403); a reason is required (422); its days
        as taken become absence."""
        return self.act_on(pk, LeaveRevocation, lambda leave, body, actor: revoke_leave(
            db.session, leave, body.get("reason"), actor, clock()),
            may=lambda leave, actor: may_revoke_leave(leave, actor.staff, actor.leadership))

    @expose("/<int:pk>/certificate", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Upload the sick-leave certificate (LEAVE-1)", path=PkPath,
             upload="file", answer=LeaveSummary)
    def certificate(self, pk):
        """Upload the sick-leave certificate (LEAVE-1): PDF, JPEG or PNG by content, size limit
        `leave.max_attachment_mb`; the form's `version` is the version read (409)."""
        def attach(leave, upload, actor):
            certificate = Certificate(upload.read(), upload.filename)
            directory = current_app.config["LEAVE_ATTACHMENT_DIR"]
            attach_certificate(db.session, leave, certificate, directory, actor)

        return self.act_on(pk, None, attach,
                           read=lambda: (uploaded_file("file"), form_version()))


def _may_override(override, actor) -> bool:
    """AB-1: only Leadership sends the reason that overrides the AB rule."""
    return not override or actor.leadership
