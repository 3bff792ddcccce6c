"""外出登记 API (AB-2, ORG-2): read the registrations one may see, register an errand or a
meeting outside, approve / reject it (the window head of the person's window, Leadership),
withdraw it.

The same services (app/services/cover.py) and policy (app/policy/away.py) as the cover page
(app/views/leave.CoverView), and the same rows: `AwayRowFilter` applies the page's scope
(`registration_scope_condition`) to every route, since FAB's API does not inherit a view's
filters (FAB-NOTES). A row outside the scope is 404; a row in it that the policy keeps from the
user (approving one's own, withdrawing another's) 403, as on the page.
"""

from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api.actions import ActionApi
from app.api.base import openapi, request_body
from app.api.schemas.away import AwayDecision, AwayFiling, AwaySummary, AwayWithdrawal
from app.api.schemas.common import PkPath
from app.context import clock
from app.extensions import db
from app.policy.away import may_approve, may_cancel, may_register_for
from app.rules.errors import N_, RuleViolation
from app.security import API_METHOD_PERMISSIONS, away_filters, current_cover_actor
from app.services.cover import AwayInput, cancel_away, decide_away, register_away
from models.leave import AwayRegistration
from models.org import Staff

AWAY_COLUMNS = ["id", "staff.id", "staff.name", "day", "am", "pm", "reason", "note", "state",
                "filed_at", "decided_at", "decision_note", "version"]


def _summary(registration: AwayRegistration) -> dict:
    return {"id": registration.id, "staff_id": registration.staff_id,
            "day": registration.day.isoformat(), "am": registration.am, "pm": registration.pm,
            "state": registration.state, "version": registration.version}


class AwayApi(ActionApi):
    """/api/v1/away/ — 外出登记: Office, Leadership and Admin see all; a window head their
    window's; anyone else their own (ORG-2)."""

    resource_name = "away"
    class_permission_name = "AwayRegistration"
    datamodel = SQLAInterface(AwayRegistration)
    method_permission_name = {**API_METHOD_PERMISSIONS, "register": "write", "approve": "write",
                              "reject": "write", "cancel": "write"}
    # No generic post/put/delete: a registration is written through the service only (AB-2).
    include_route_methods = {"get", "get_list", "info", "register", "approve", "reject",
                             "cancel"}
    base_filters = away_filters()
    list_columns = show_columns = AWAY_COLUMNS
    order_columns = ["day", "filed_at", "state"]
    base_order = ("day", "desc")
    search_columns = ["state", "reason", "day", "staff"]
    summary = staticmethod(_summary)
    request_actor = staticmethod(current_cover_actor)

    @expose("/register", methods=["POST"])
    @protect()
    @safe
    @openapi(summary="Register an errand or a meeting outside (AB-2; ORG-2)", body=AwayFiling,
             answer=AwaySummary, status=201)
    def register(self):
        """外出登记 (AB-2): today or a later working day, the morning and/or the afternoon.
        Registered by its approver (the window head of the person's window, Leadership) it is
        approved at once and B covers; by the person it waits for the window head. Another
        window's staff: 403 (ORG-2)."""
        actor = current_cover_actor()
        try:
            body = request_body(AwayFiling)
            staff_id = body.get("staff_id")
            if staff_id is None:
                if actor.staff is None:
                    raise RuleViolation("AB-2", N_("Your login is not linked to a staff "
                                                   "member."), field="staff_id")
                staff_id = actor.staff.id
        except RuleViolation as violation:
            return self.refuse(violation)
        person = db.session.get(Staff, staff_id)
        if person is not None and not may_register_for(person, actor):
            return self.response_403()  # ORG-2: another window's staff, as on the page
        values = AwayInput(staff_id=staff_id, day=body["day"], am=body.get("am", False),
                           pm=body.get("pm", False), reason=body["reason"],
                           note=body.get("note"))
        return self.run(lambda: register_away(db.session, values, actor, clock()), 201)

    def _decide(self, pk, approve: bool):
        return self.act_on(pk, AwayDecision, lambda registration, body, actor: decide_away(
            db.session, registration, approve, body.get("note"), actor, clock()),
            optional=True, may=may_approve)

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Approve a registration: B covers meanwhile (ORG-2, AB-2)",
             path=PkPath, body=AwayDecision, optional=True, answer=AwaySummary)
    def approve(self, pk):
        """The window head of the person's window (or Leadership) approves a pending
        registration; never their own (403)."""
        return self._decide(pk, True)

    @expose("/<int:pk>/reject", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Reject a registration (ORG-2, AB-2)", path=PkPath,
             body=AwayDecision, optional=True, answer=AwaySummary)
    def reject(self, pk):
        """The window head of the person's window (or Leadership) rejects a pending one."""
        return self._decide(pk, False)

    @expose("/<int:pk>/cancel", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Withdraw a registration still running (AB-2)", path=PkPath,
             body=AwayWithdrawal, optional=True, answer=AwaySummary)
    def cancel(self, pk):
        """The person, whoever registered it, or its approver withdraws a registration before
        its day is over; B's cover ends with it. Anyone else who sees it: 403."""
        return self.act_on(pk, AwayWithdrawal, lambda registration, _body, actor: cancel_away(
            db.session, registration, actor, clock()), optional=True, may=may_cancel)
