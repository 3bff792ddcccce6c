"""Semi-annual assessment API: the entries (one person's half-year), read only and
row-filtered like the pages, each with `assessment_bonus_eligible` beside its grade (SCORE-6:
false for the lowest grade); compute a draft, the office's entries per person (德/能, accuracy,
信息报送 reporting, 廉, innovation, notes — the entry page's, through the same service), and
confirm it (SCORE-5/6).

Rows: a clerk or section head reads their own entry, a window head the window's staff, Office
and Leadership everyone (app/security.SemiannualEntryFilter). Praises are recorded on the pages
(app/views/semiannual.py); no generic writes here.
"""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from marshmallow import INCLUDE, Schema, fields

from app.api.base import DomainApi, json_body, openapi, versioned_body
from app.context import clock
from app.extensions import db
from app.rules.errors import N_, RuleViolation
from app.rules.input import (BUSINESS_YEARS, MalformedInput, validate_integer, validate_object,
                             validate_row_id, validate_text)
from app.rules.scoring import assessment_bonus_eligible
from app.rules.semiannual import MANUAL_KINDS
from app.security import (API_METHOD_PERMISSIONS, current_actor, may_confirm_semiannual,
                          may_manage_semiannual, semiannual_entry_filters)
from app.services.jobs import SEMIANNUAL, JobBusy, exclusive_job
from app.services.semiannual import (choose_excellent, compute, confirm, excellent_ties,
                                     find_assessment, save_entries)
from app.services.transaction import check_version
from models.semiannual import SemiannualEntry

ENTRY_COLUMNS = ["id", "assessment.id", "assessment.year", "assessment.half",
                 "assessment.state", "staff.id", "staff.name", "staff_category",
                 "de", "neng", "qin", "ji", "lian", "bonus", "total", "grade"]
SHOW_COLUMNS = ENTRY_COLUMNS + ["off_de", "off_neng", "off_qin", "off_ji", "off_lian",
                                "innovation", "bonus_raw", "notes", "tie_chosen"]
#: SCORE-5: what one person's entry may carry — the page's fields, by the same names.
ENTRY_KEYS = frozenset({"staff_id", *MANUAL_KINDS, "notes"})
MAX_ENTRIES = 1000  # a center's staff, with room; a longer list is no entry form


YEAR_HALF = frozenset({"year", "half"})


def _year_half(body) -> tuple[int, int]:
    if body.get("year") is None or body.get("half") is None:
        raise MalformedInput(N_("Give the year and the half-year (1 or 2)."), field="_schema")
    year = validate_integer(body["year"], "year", BUSINESS_YEARS)
    half = validate_integer(body["half"], "half", (1, 2))
    return year, half


def _entry_values(items) -> dict[int, dict[str, object]]:
    """SCORE-5: the body's `entries` as `save_entries` takes them (staff id → fields); the
    points are JSON numbers, their range and step checked by the service as on the page."""
    if not isinstance(items, list) or len(items) > MAX_ENTRIES:
        raise MalformedInput(N_("Send a list of entries."), field="entries")
    values: dict[int, dict[str, object]] = {}
    for item in items:
        item = validate_object(item, ENTRY_KEYS, "entries")
        staff_id = validate_row_id(item.get("staff_id"), "staff_id")
        if staff_id in values:
            raise MalformedInput(N_("Each person once."), field="entries")
        fields = {}
        for kind in MANUAL_KINDS:
            if kind not in item:
                continue
            value = item[kind]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise RuleViolation("SCORE-5", N_("Enter a number of points."),
                                    field=f"{kind}_{staff_id}")
            fields[kind] = value
        if "notes" in item:
            fields["notes"] = validate_text(item["notes"], 2000, f"notes_{staff_id}")
        values[staff_id] = fields
    return values


class SemiannualSummary(Schema):
    """What computing, entering and confirming a half-year answer (the OpenAPI component);
    open, as the entries' answer adds how many people's entries `changed`."""

    class Meta:
        unknown = INCLUDE

    id = fields.Integer()
    version = fields.Integer()
    year = fields.Integer()
    half = fields.Integer()
    state = fields.String()
    entries = fields.Integer()


def _assessment_json(assessment) -> dict:
    return {"id": assessment.id, "version": assessment.version, "year": assessment.year,
            "half": assessment.half, "state": assessment.state,
            "entries": len(assessment.entries)}


def _ties_json(ties) -> list[dict]:
    """SCORE-6: each tie across the last 优秀 seat — scale, total, seats left, the tied staff
    ids and those Leadership chose (empty: undecided, confirming is refused)."""
    return [{"scale": tie.scale, "total": str(tie.total), "seats_left": tie.seats_left,
             "staff_ids": [entry.staff_id for entry in tie.entries],
             "chosen": [entry.staff_id for entry in tie.chosen], "resolved": not tie.unresolved}
            for tie in ties]


def _staff_ids(value) -> list[int]:
    if not isinstance(value, list) or not value or len(value) > MAX_ENTRIES:
        raise MalformedInput(N_("Send a list of staff ids."), field="staff_ids")
    return [validate_row_id(item, "staff_ids") for item in value]


class SemiannualTie(Schema):
    """A tie across the last 优秀 seat of one grade scale (SCORE-6)."""

    scale = fields.String()
    total = fields.String()
    seats_left = fields.Integer()
    staff_ids = fields.List(fields.Integer())
    chosen = fields.List(fields.Integer())
    resolved = fields.Boolean()


class SemiannualApi(DomainApi):
    """/api/v1/semiannual/ — semi-annual entries (row-filtered); compute; the office's
    entries; confirm."""

    resource_name = "semiannual"
    class_permission_name = "Semiannual"
    datamodel = SQLAInterface(SemiannualEntry)
    method_permission_name = {**API_METHOD_PERMISSIONS, "compute": "write",
                              "entries": "write", "confirm": "confirm", "ties": "read",
                              "choose": "confirm"}
    include_route_methods = {"get", "get_list", "info", "compute", "entries", "confirm",
                             "ties", "choose"}
    base_filters = semiannual_entry_filters()
    list_columns = ENTRY_COLUMNS
    show_columns = SHOW_COLUMNS
    order_columns = ["total", "staff_category"]
    base_order = ("assessment_id", "desc")  # the latest half-year first
    search_columns = ["staff_category", "grade"]
    openapi_spec_component_schemas = (SemiannualSummary, SemiannualTie)

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
    @openapi()
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
                    $ref: '#/components/schemas/SemiannualSummary'
            409:
              description: >-
                Someone else is changing the assessment, or computing it right now (the
                message says who and since when); nothing was computed
        """
        if not may_manage_semiannual():
            return self.response_403()
        try:
            year, half = _year_half(json_body(YEAR_HALF))
        except RuleViolation as violation:
            return self.refuse(violation)
        now = clock()
        try:  # OPS-1: one computation at a time (page and API)
            with exclusive_job(db.session, SEMIANNUAL, started_by=current_actor().username,
                               subject=f"{year}-H{half}", run_date=now.today) as run, \
                    run.watch(self.unit_of_work()) as saved:
                assessment = compute(db.session, year, half, now.today, current_actor().user_id,
                                     now.now)
        except JobBusy as busy:
            return self.job_busy(busy)
        if not saved.ok:
            return saved.answer
        return self.response(200, **_assessment_json(assessment))

    @expose("/entries", methods=["POST"])
    @protect()
    @safe
    @openapi(404, version="the assessment")
    def entries(self):
        """The office's entries of a draft half-year, per person (SCORE-5).
        ---
        post:
          summary: Enter the office's points per person in a draft semi-annual assessment (SCORE-5)
          description: >-
            The entry page's fields by the same names, as magnitudes in steps of 0.1: points
            off 德 (manual_de), 能 (manual_neng), 绩's accuracy (wrong_result, at most 10) and
            信息报送 reporting (reporting, at most 5), 廉 (manual_lian); innovation added
            (innovation). Each replaces the person's previous value of its kind (0 removes
            it); a kind left out is unchanged. 德, 能, 廉 and innovation are bounded by the part
            maxima of the settings. The parts, totals and grades are recomputed at once.
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties: false
                  required: [year, half, entries]
                  properties:
                    year: {type: integer, minimum: 2000, maximum: 2099}
                    half: {type: integer, enum: [1, 2]}
                    entries:
                      type: array
                      maxItems: 1000
                      items:
                        type: object
                        additionalProperties: false
                        required: [staff_id]
                        properties:
                          staff_id: {type: integer, minimum: 1}
                          manual_de: {type: number, minimum: 0}
                          manual_neng: {type: number, minimum: 0}
                          wrong_result: {type: number, minimum: 0, maximum: 10}
                          reporting: {type: number, minimum: 0, maximum: 5}
                          manual_lian: {type: number, minimum: 0}
                          innovation: {type: number, minimum: 0}
                          notes: {type: string, maxLength: 2000}
          responses:
            200:
              description: The assessment after the entries, and how many people's entries changed
              content:
                application/json:
                  schema:
                    allOf:
                    - $ref: '#/components/schemas/SemiannualSummary'
                    - {type: object, properties: {changed: {type: integer}}}
            409:
              description: Someone changed the assessment or an entry since the client read it
        """
        if not may_manage_semiannual():
            return self.response_403()
        try:
            body, seen = versioned_body(YEAR_HALF | {"entries"})
            year, half = _year_half(body)
            values = _entry_values(body.get("entries"))
        except RuleViolation as violation:
            return self.refuse(violation)
        assessment = find_assessment(db.session, year, half)
        if assessment is None:
            return self.response_404()
        with self.unit_of_work() as saved:
            check_version(assessment, seen)
            changed = save_entries(db.session, assessment, values, current_actor().user_id)
        if not saved.ok:
            return saved.answer
        return self.response(200, changed=changed, **_assessment_json(assessment))

    @expose("/confirm", methods=["POST"])
    @protect()
    @safe
    @openapi(404, version="the assessment")
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
          responses:
            200:
              description: The confirmed assessment
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/SemiannualSummary'
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

    @expose("/ties", methods=["GET"])
    @protect()
    @safe
    @openapi(404)
    def ties(self):
        """The ties across the last 优秀 seat of a half-year (SCORE-6).
        ---
        get:
          summary: The ties across the last excellent seat of a half-year (SCORE-6)
          parameters:
          - {in: query, name: year, required: true, schema: {type: integer}}
          - {in: query, name: half, required: true, schema: {type: integer, enum: [1, 2]}}
          responses:
            200:
              description: Each grade scale's tie, if any
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      ties:
                        type: array
                        items: {$ref: '#/components/schemas/SemiannualTie'}
        """
        if not may_confirm_semiannual() and not may_manage_semiannual():
            return self.response_403()
        try:
            year, half = _year_half({key: request.args.get(key, type=int)
                                     for key in ("year", "half")})
        except RuleViolation as violation:
            return self.refuse(violation)
        assessment = find_assessment(db.session, year, half)
        if assessment is None:
            return self.response_404()
        return self.response(200, ties=_ties_json(excellent_ties(db.session, assessment)))

    @expose("/choose", methods=["POST"])
    @protect()
    @safe
    @openapi(404, version="the assessment")
    def choose(self):
        """Leadership chooses among those tied for the last 优秀 seat(s) (SCORE-6).
        ---
        post:
          summary: Choose who among those tied takes the last excellent seat(s), as Leadership (SCORE-6)
          description: >-
            Exactly as many staff as there are seats left, all from one tie; nobody chooses in
            a tie they are part of. The choice stands until a recompute changes the scores.
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties: false
                  required: [year, half, staff_ids]
                  properties:
                    year: {type: integer, minimum: 2000, maximum: 2099}
                    half: {type: integer, enum: [1, 2]}
                    staff_ids: {type: array, items: {type: integer, minimum: 1}, minItems: 1}
          responses:
            200:
              description: The assessment and its ties after the choice
              content:
                application/json:
                  schema:
                    allOf:
                    - $ref: '#/components/schemas/SemiannualSummary'
                    - type: object
                      properties:
                        ties:
                          type: array
                          items: {$ref: '#/components/schemas/SemiannualTie'}
        """
        if not may_confirm_semiannual():
            return self.response_403()
        try:
            body, seen = versioned_body(YEAR_HALF | {"staff_ids"})
            year, half = _year_half(body)
            staff_ids = _staff_ids(body.get("staff_ids"))
        except RuleViolation as violation:
            return self.refuse(violation)
        assessment = find_assessment(db.session, year, half)
        if assessment is None:
            return self.response_404()
        with self.unit_of_work() as saved:
            check_version(assessment, seen)
            choose_excellent(db.session, assessment, staff_ids, current_actor().user_id)
        if not saved.ok:
            return saved.answer
        return self.response(200, ties=_ties_json(excellent_ties(db.session, assessment)),
                             **_assessment_json(assessment))
