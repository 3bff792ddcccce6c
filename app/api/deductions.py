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
from app.api.base import DomainApi, openapi, request_body
from app.api.schemas.deductions import ScoreEventRecord, ScoreEventSummary
from app.context import clock
from app.extensions import db
from app.policy.scores import may_record_scores
from app.request_context import current_actor
from app.rules.errors import RuleViolation
from app.security import API_METHOD_PERMISSIONS, score_filters
from app.services.deductions import record_manual_event
from app.services.scoring import EventInput
from models.deductions import Dereliction
from models.scoring import ScoreEvent

EVENT_COLUMNS = ["id", "day", "period", "window.id", "window.name", "staff.id", "staff.name",
                 "category", "item.code", "points", "evidence", "source", "source_id",
                 "automatic", "confirmed", "recorded_at"]


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

    @expose("/record", methods=["POST"])
    @protect()
    @safe
    @openapi(summary="Record a manual deduction or bonus (SCORE-1)", body=ScoreEventRecord,
             answer=ScoreEventSummary, status=201)
    def record(self):
        """Record a manual deduction or bonus with evidence (Office; SCORE-1)."""
        if not may_record_scores(current_actor()):
            return self.response_403()
        try:
            values = EventInput(**request_body(ScoreEventRecord))
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
