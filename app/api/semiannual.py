"""Semi-annual assessment API: the entries (one person's half-year), read only and
row-filtered like the pages, each with `assessment_bonus_eligible` beside its grade (SCORE-6:
false for the lowest grade); compute a draft and confirm it (SCORE-5/6).

Rows: a clerk or section head reads their own entry, a window head the window's staff, Office
and Leadership everyone (app/security.SemiannualEntryFilter). The office's entries and praises
are made on the pages (app/views/semiannual.py); no generic writes here.
"""

from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api.base import DomainApi, json_body, versioned_body
from app.context import clock
from app.extensions import db
from app.rules.errors import N_, RuleViolation
from app.rules.input import BUSINESS_YEARS, MalformedInput, validate_integer
from app.rules.scoring import assessment_bonus_eligible
from app.security import (API_METHOD_PERMISSIONS, current_actor, may_confirm_semiannual,
                          may_manage_semiannual, semiannual_entry_filters)
from app.services.semiannual import compute, confirm, find_assessment
from app.services.transaction import check_version
from models.semiannual import SemiannualEntry

ENTRY_COLUMNS = ["id", "assessment.id", "assessment.year", "assessment.half",
                 "assessment.state", "staff.id", "staff.name", "staff_category",
                 "de", "neng", "qin", "ji", "lian", "bonus", "total", "grade"]
SHOW_COLUMNS = ENTRY_COLUMNS + ["off_de", "off_neng", "off_qin", "off_ji", "off_lian",
                                "innovation", "bonus_raw", "notes"]


YEAR_HALF = frozenset({"year", "half"})


def _year_half(body) -> tuple[int, int]:
    if body.get("year") is None or body.get("half") is None:
        raise MalformedInput(N_("Give the year and the half-year (1 or 2)."), field="_schema")
    year = validate_integer(body["year"], "year", BUSINESS_YEARS)
    half = validate_integer(body["half"], "half", (1, 2))
    return year, half


def _assessment_json(assessment) -> dict:
    return {"id": assessment.id, "version": assessment.version, "year": assessment.year,
            "half": assessment.half, "state": assessment.state,
            "entries": len(assessment.entries)}


class SemiannualApi(DomainApi):
    """/api/v1/semiannual/ — semi-annual entries (row-filtered); compute; confirm."""

    resource_name = "semiannual"
    class_permission_name = "Semiannual"
    datamodel = SQLAInterface(SemiannualEntry)
    method_permission_name = {**API_METHOD_PERMISSIONS, "compute": "write",
                              "confirm": "confirm"}
    include_route_methods = {"get", "get_list", "info", "compute", "confirm"}
    base_filters = semiannual_entry_filters()
    list_columns = ENTRY_COLUMNS
    show_columns = SHOW_COLUMNS
    order_columns = ["total", "staff_category"]
    base_order = ("assessment_id", "desc")  # the latest half-year first
    search_columns = ["staff_category", "grade"]

    @staticmethod
    def _with_bonus(row) -> None:
        """SCORE-6: beside the grade, whether it allows the assessment bonus (考核奖金): false
        for the lowest grade (不称职/不合格), null while ungraded."""
        if isinstance(row, dict) and "grade" in row:
            row["assessment_bonus_eligible"] = assessment_bonus_eligible(row["grade"])

    def pre_get(self, data) -> None:
        super().pre_get(data)
        self._with_bonus(data.get("result"))

    def pre_get_list(self, data) -> None:
        super().pre_get_list(data)
        for row in data.get("result") or ():
            self._with_bonus(row)

    @expose("/compute", methods=["POST"])
    @protect()
    @safe
    def compute(self):
        """(Re)compute a half-year's draft assessment (SCORE-5/6).
        ---
        post:
          summary: Compute the draft semi-annual assessment of a half-year (SCORE-5/6)
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties: false
                  required: [year, half]
                  properties:
                    year: {type: integer, minimum: 2000, maximum: 2099}
                    half: {type: integer, enum: [1, 2]}
          responses:
            200:
              description: The assessment after computing
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      id: {type: integer}
                      version: {type: integer}
                      year: {type: integer}
                      half: {type: integer}
                      state: {type: string}
                      entries: {type: integer}
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            409:
              description: Someone else is changing the assessment
            422:
              $ref: '#/components/responses/422'
        """
        if not may_manage_semiannual():
            return self.response_403()
        try:
            year, half = _year_half(json_body(YEAR_HALF))
        except RuleViolation as violation:
            return self.refuse(violation)
        now = clock()
        with self.unit_of_work() as saved:
            assessment = compute(db.session, year, half, now.today, current_actor().user_id,
                                 now.now)
        if not saved.ok:
            return saved.answer
        return self.response(200, **_assessment_json(assessment))

    @expose("/confirm", methods=["POST"])
    @protect()
    @safe
    def confirm(self):
        """Confirm a half-year's grades; the assessment is frozen afterwards (SCORE-6).
        ---
        post:
          summary: Confirm the semi-annual grades of a half-year, as Leadership (SCORE-6)
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties: false
                  required: [year, half]
                  properties:
                    year: {type: integer, minimum: 2000, maximum: 2099}
                    half: {type: integer, enum: [1, 2]}
                    version: {type: integer, description: "the assessment's version the client read (409 if it moved on)"}
          responses:
            200:
              description: The confirmed assessment
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      id: {type: integer}
                      version: {type: integer}
                      year: {type: integer}
                      half: {type: integer}
                      state: {type: string}
                      entries: {type: integer}
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
            409:
              description: Someone changed the assessment since the client read it
            422:
              $ref: '#/components/responses/422'
        """
        if not may_confirm_semiannual():
            return self.response_403()
        try:
            body, seen = versioned_body(YEAR_HALF)
            year, half = _year_half(body)
        except RuleViolation as violation:
            return self.refuse(violation)
        assessment = find_assessment(db.session, year, half)
        if assessment is None:
            return self.response_404()
        with self.unit_of_work() as saved:
            check_version(assessment, seen)
            confirm(db.session, assessment, current_actor().user_id, clock().now)
        if not saved.ok:
            return saved.answer
        return self.response(200, **_assessment_json(assessment))
