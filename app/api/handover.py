"""Handover API: read one's handovers, confirm one's side (HAND-1).

Row-filtered like the pages (app/security.OwnHandoverFilter): the giver and the receiver see
theirs, Office, Leadership and Admin all. Handovers are registered and changed on the pages;
the API confirms, carrying the version read (409 once someone else changed it).
"""

from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api.actions import ActionApi
from app.api.base import openapi
from app.api.schemas.common import PkPath
from app.api.schemas.handover import HandoverConfirmation, HandoverState
from app.context import clock
from app.extensions import db
from app.policy.handover import confirms_for_staff_without_login
from app.request_context import current_actor
from app.security import API_METHOD_PERMISSIONS, handover_filters
from app.services.handover import confirm_handover, is_valid
from models.handover import Handover

HANDOVER_COLUMNS = ["id", "giver.id", "giver.name", "receiver.id", "receiver.name",
                    "leave_request.id", "created_at", "giver_confirmed_at", "giver_on_behalf",
                    "receiver_confirmed_at", "receiver_on_behalf"]
SHOW_COLUMNS = HANDOVER_COLUMNS + ["items", "documents", "tasks", "cases.id",
                                   "cases.number", "cases.item_name", "cases.deadline",
                                   "cases.note"]


def _summary(handover: Handover) -> dict:
    return {"id": handover.id, "version": handover.version, "valid": is_valid(handover),
            "giver_confirmed": handover.giver_confirmed_at is not None,
            "receiver_confirmed": handover.receiver_confirmed_at is not None}


class HandoverApi(ActionApi):
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
    summary = staticmethod(_summary)
    request_actor = staticmethod(current_actor)

    @expose("/<int:pk>/confirm", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Confirm one's side of a handover, as one's own user (HAND-1)",
             path=PkPath, body=HandoverConfirmation, optional=True, answer=HandoverState)
    def confirm(self, pk):
        """Confirm a handover as its giver or receiver (HAND-1)."""
        return self.act_on(pk, HandoverConfirmation, lambda handover, body, actor: confirm_handover(
            db.session, handover, body.get("side"), actor, clock(),
            confirms_for_staff_without_login(actor)), optional=True)
