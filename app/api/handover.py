"""Handover API: read one's handovers, confirm one's side (HAND-1).

Row-filtered like the pages (app/security.OwnHandoverFilter): the giver and the receiver see
theirs, Office, Leadership and Admin all. Handovers are registered and changed on the pages;
the API confirms, carrying the version read (409 once someone else changed it).
"""

from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api.base import DomainApi, openapi, versioned_body
from app.api.schemas.common import PkPath
from app.api.schemas.handover import HandoverConfirmation, HandoverState
from app.context import clock
from app.extensions import db
from app.policy.handover import confirms_for_staff_without_login
from app.request_context import current_actor
from app.rules.errors import RuleViolation
from app.security import API_METHOD_PERMISSIONS, handover_filters
from app.services.handover import confirm_handover, is_valid
from app.services.transaction import check_version
from models.handover import Handover

HANDOVER_COLUMNS = ["id", "giver.id", "giver.name", "receiver.id", "receiver.name",
                    "leave_request.id", "created_at", "giver_confirmed_at", "giver_on_behalf",
                    "receiver_confirmed_at", "receiver_on_behalf"]
SHOW_COLUMNS = HANDOVER_COLUMNS + ["items", "documents", "tasks", "cases.id",
                                   "cases.number", "cases.item_name", "cases.deadline",
                                   "cases.note"]


class HandoverApi(DomainApi):
    """/api/v1/handover/ — one's handovers (all of them for Office and Leadership); confirm."""

    resource_name = "handover"
    class_permission_name = "Handover"
    datamodel = SQLAInterface(Handover)
    method_permission_name = {**API_METHOD_PERMISSIONS, "confirm": "write"}
    # HAND-1: no generic post/put/delete; a handover is confirmed through its own door.
    include_route_methods = {"get", "get_list", "info", "confirm"}
    base_filters = handover_filters()
    list_columns = HANDOVER_COLUMNS
    show_columns = SHOW_COLUMNS
    order_columns = ["created_at"]
    base_order = ("created_at", "desc")
    search_columns = ["created_at"]

    @expose("/<int:pk>/confirm", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Confirm one's side of a handover, as one's own user (HAND-1)",
             path=PkPath, body=HandoverConfirmation, optional=True, answer=HandoverState)
    def confirm(self, pk):
        """Confirm a handover as its giver or receiver (HAND-1)."""
        handover = self.datamodel.get(pk, self._base_filters)
        if handover is None:
            return self.response_404()
        try:
            body, seen = versioned_body(HandoverConfirmation, optional=True)
            side = body.get("side")
        except RuleViolation as violation:
            return self.refuse(violation)
        with self.unit_of_work() as saved:
            check_version(handover, seen)
            confirm_handover(db.session, handover, side, current_actor(), clock(),
                             confirms_for_staff_without_login(current_actor()))
        if not saved.ok:
            return saved.answer
        return self.response(200, id=handover.id, version=handover.version,
                             valid=is_valid(handover),
                             giver_confirmed=handover.giver_confirmed_at is not None,
                             receiver_confirmed=handover.receiver_confirmed_at is not None)
