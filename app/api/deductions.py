"""Deductions API: score events (read, row-filtered; Office records a manual one) and
dereliction records (read) — SCORE-1, FAULT-1.

The same row filter as the pages (OwnScoreFilter: Office and Leadership all, a window head the
window's, everyone else their own) and the same service, so the same rules. No generic writes:
an event is recorded through POST /record (the catalogue's range, the evidence, the frozen
months of SCORE-3).
"""

from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from marshmallow import Schema, fields

from app.api.base import DomainApi, body_day, body_row_id, json_body, openapi
from app.context import clock
from app.extensions import db
from app.rules.errors import N_, RuleViolation
from app.rules.input import MalformedInput, validate_decimal, validate_text
from app.security import API_METHOD_PERMISSIONS, current_actor, may_record_scores, score_filters
from app.services.deductions import record_manual_event
from app.services.scoring import EventInput
from models.deductions import Dereliction
from models.scoring import ScoreEvent

EVENT_COLUMNS = ["id", "day", "period", "window.id", "window.name", "staff.id", "staff.name",
                 "category", "item.code", "points", "evidence", "source", "source_id",
                 "automatic", "confirmed", "recorded_at"]
RECORD_KEYS = frozenset({"item_id", "day", "points", "window_id", "staff_id", "evidence"})


class ScoreEventSummary(Schema):
    """What recording an event answers."""

    id = fields.Integer()
    category = fields.String()
    points = fields.String()
    day = fields.Date()


def _event_from_json(body: dict) -> EventInput:
    """The JSON body as an EventInput, each value typed and bounded (INPUT-1)."""
    points = body.get("points")
    if points is not None and (isinstance(points, bool) or not isinstance(points, (int, float, str))):
        raise MalformedInput(N_("Enter an amount."), field="points")
    return EventInput(
        item_id=body_row_id(body, "item_id"), day=body_day(body, "day"),
        points=validate_decimal(points, 5, 1, "points"),
        window_id=body_row_id(body, "window_id"), staff_id=body_row_id(body, "staff_id"),
        evidence=validate_text(body.get("evidence"), 10000, "evidence"))


class ScoreEventApi(DomainApi):
    """/api/v1/score_event/ — deductions and bonuses, each role's visible ones (SCORE-1)."""

    resource_name = "score_event"
    class_permission_name = "ScoreEvent"
    datamodel = SQLAInterface(ScoreEvent)
    base_filters = score_filters()
    method_permission_name = {**API_METHOD_PERMISSIONS, "record": "write"}
    include_route_methods = {"get", "get_list", "info", "record"}
    list_columns = show_columns = EVENT_COLUMNS
    order_columns = ["day", "points"]
    search_columns = ["period", "day", "window", "staff", "category", "automatic", "source"]
    base_order = ("day", "desc")
    openapi_spec_component_schemas = (ScoreEventSummary,)

    @expose("/record", methods=["POST"])
    @protect()
    @safe
    @openapi()
    def record(self):
        """Record a manual deduction or bonus with evidence (Office; SCORE-1).
        ---
        post:
          summary: Record a manual deduction or bonus (SCORE-1)
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties: false
                  required: [item_id, day, window_id, evidence]
                  properties:
                    item_id: {type: integer, minimum: 1}
                    day: {type: string, format: date}
                    points: {type: number, minimum: 0, maximum: 9999.9,
                             description: "magnitude; the item's fixed value when absent"}
                    window_id: {type: integer, minimum: 1}
                    staff_id: {type: integer, minimum: 1}
                    evidence: {type: string, maxLength: 10000}
          responses:
            201:
              description: The event recorded
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/ScoreEventSummary'
        """
        if not may_record_scores():
            return self.response_403()
        try:
            values = _event_from_json(json_body(RECORD_KEYS))
        except RuleViolation as violation:
            return self.refuse(violation)
        with self.unit_of_work() as saved:
            event = record_manual_event(db.session, values, current_actor(), clock())
        if not saved.ok:
            return saved.answer
        return self.response(201, id=event.id, category=event.category,
                             points=str(event.points), day=event.day.isoformat())


class DerelictionApi(DomainApi):
    """/api/v1/dereliction/ — dereliction records (FAULT-1), read only, row-filtered."""

    resource_name = "dereliction"
    class_permission_name = "Dereliction"
    datamodel = SQLAInterface(Dereliction)
    base_filters = score_filters()
    include_route_methods = {"get", "get_list", "info"}
    list_columns = show_columns = ["id", "day", "staff.id", "staff.name", "window.id",
                                   "window.name", "kind", "sanction", "evidence", "case.id",
                                   "case.number", "recorded_at"]
    order_columns = ["day"]
    search_columns = ["day", "staff", "window", "kind", "sanction"]
    base_order = ("day", "desc")
