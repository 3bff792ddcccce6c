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

from flask import url_for
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.api.base import DomainApi, openapi, query_args, request_body, versioned_body
from app.api.jobs import JobQueued, queued_answer
from app.api.schemas.semiannual import (HalfYear, HalfYearQuery, HalfYearVersioned,
                                        SemiannualChoice, SemiannualChosen, SemiannualEntries,
                                        SemiannualEntriesSaved, SemiannualSummary, SemiannualTies)
from app.context import clock
from app.extensions import db
from app.policy.semiannual import may_confirm_semiannual, may_manage_semiannual
from app.request_context import current_actor
from app.rules.errors import N_, RuleViolation
from app.rules.input import MalformedInput
from app.rules.scoring import assessment_bonus_eligible
from app.security import API_METHOD_PERMISSIONS, semiannual_entry_filters
from app.services.semiannual import (COMPUTE_JOB, choose_excellent, confirm,
                                     create_assessment, ensure_draft, excellent_ties,
                                     find_assessment, save_entries)
from app.services.transaction import check_version
from models.semiannual import SemiannualEntry
from models.types import utcnow

ENTRY_COLUMNS = ["id", "assessment.id", "assessment.year", "assessment.half",
                 "assessment.state", "staff.id", "staff.name", "staff_category",
                 "de", "neng", "qin", "ji", "lian", "bonus", "total", "grade"]
SHOW_COLUMNS = ENTRY_COLUMNS + ["off_de", "off_neng", "off_qin", "off_ji", "off_lian",
                                "innovation", "bonus_raw", "notes", "tie_chosen"]


def _entry_values(items) -> dict[int, dict[str, object]]:
    """SCORE-5: the body's `entries` as `save_entries` takes them (staff id → fields); the
    points' range and step are checked by the service as on the page."""
    values: dict[int, dict[str, object]] = {}
    for item in items:
        staff_id = item.pop("staff_id")
        if staff_id in values:
            raise MalformedInput(N_("Each person once."), field="entries")
        values[staff_id] = item
    return values


def _assessment_json(assessment) -> dict:
    return {"id": assessment.id, "version": assessment.version, "year": assessment.year,
            "half": assessment.half, "state": assessment.state,
            "entries": len(assessment.entries)}


def _ties_json(ties) -> list[dict]:
    """SCORE-6: each tie across the last 优秀 seat — scale, total, seats left, the tied staff
    ids and those Leadership chose (empty: undecided, confirming is refused), with who
    chose, when and why."""
    return [{"scale": tie.scale, "total": str(tie.total), "seats_left": tie.seats_left,
             "staff_ids": [entry.staff_id for entry in tie.entries],
             "chosen": [entry.staff_id for entry in tie.chosen], "resolved": not tie.unresolved,
             **_choice_json(tie)}
            for tie in ties]


def _choice_json(tie) -> dict:
    """SCORE-6: who chose, when and why (the same record the grade list shows)."""
    chosen = tie.chosen[0] if tie.chosen else None
    return {"reason": chosen.tie_choice_reason if chosen else None,
            "chosen_by_id": chosen.tie_chosen_by_id if chosen else None,
            "chosen_at": chosen.tie_chosen_at.isoformat() if chosen and chosen.tie_chosen_at
            else None}


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
    @openapi(summary="Queue the computation of a half-year's draft semi-annual assessment "
                     "(SCORE-5/6) as a background job", body=HalfYear, answer=JobQueued,
             status=202, description=(
                 "The computation reads a half-year of cases, scores, attendance and leave for "
                 "every person: like the page, it runs as a background job (issue #21). The "
                 "draft is opened first if the half-year has none (SCORE-5); a confirmed one "
                 "is refused (422, SCORE-6). Poll `status_url` (GET /api/v1/jobs/<id>): a "
                 "computation already running (OPS-1) or a concurrent change ends the job "
                 "`failed` with a message saying who and since when."))
    def compute(self):
        """(Re)compute a half-year's draft assessment (SCORE-5/6) in the background: 202 with
        the job id and its status URL; the same job as the page's compute button."""
        if not may_manage_semiannual(current_actor()):
            return self.response_403()
        try:
            body = request_body(HalfYear)
            year, half = body["year"], body["half"]
        except RuleViolation as violation:
            return self.refuse(violation)
        with self.unit_of_work() as saved:
            assessment = find_assessment(db.session, year, half)
            if assessment is None:
                assessment = create_assessment(db.session, year, half, current_actor().user_id)
            ensure_draft(assessment)
        if not saved.ok:
            return saved.answer
        # OPS-1: the instant of the request is what the caller saw (the page's `opened_at`):
        # a computation finished since is not run again, the job says by whom and when.
        return queued_answer(self, COMPUTE_JOB, {
            "assessment": assessment.id, "seen": utcnow().isoformat(),
            "back": url_for("SemiannualView.show", pk=assessment.id)})

    @expose("/entries", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Enter the office's points per person in a draft semi-annual "
                          "assessment (SCORE-5)", body=SemiannualEntries,
             answer=SemiannualEntriesSaved, description=(
                 "Each value replaces the person's previous value of its kind (0 removes it); a "
                 "kind left out is unchanged. 德, 能, 廉 and innovation are bounded by the part "
                 "maxima of the settings. The parts, totals and grades are recomputed at once."))
    def entries(self):
        """The office's entries of a draft half-year, per person (SCORE-5)."""
        if not may_manage_semiannual(current_actor()):
            return self.response_403()
        try:
            body, seen = versioned_body(SemiannualEntries)
            year, half = body["year"], body["half"]
            values = _entry_values(body["entries"])
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
    @openapi(404, summary="Confirm the semi-annual grades of a half-year, as Leadership "
                          "(SCORE-6)", body=HalfYearVersioned, answer=SemiannualSummary)
    def confirm(self):
        """Confirm a half-year's grades; the assessment is frozen afterwards (SCORE-6)."""
        if not may_confirm_semiannual(current_actor()):
            return self.response_403()
        try:
            body, seen = versioned_body(HalfYearVersioned)
            year, half = body["year"], body["half"]
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
    @openapi(404, summary="The ties across the last excellent seat of a half-year (SCORE-6)",
             query=HalfYearQuery, answer=SemiannualTies)
    def ties(self):
        """The ties across the last 优秀 seat of a half-year (SCORE-6)."""
        if not may_confirm_semiannual(current_actor()) and not may_manage_semiannual(current_actor()):
            return self.response_403()
        try:
            query = query_args(HalfYearQuery)
            year, half = query["year"], query["half"]
        except RuleViolation as violation:
            return self.refuse(violation)
        assessment = find_assessment(db.session, year, half)
        if assessment is None:
            return self.response_404()
        return self.response(200, ties=_ties_json(excellent_ties(db.session, assessment)))

    @expose("/choose", methods=["POST"])
    @protect()
    @safe
    @openapi(404, summary="Choose who among those tied takes the last excellent seat(s), as "
                          "Leadership (SCORE-6)", body=SemiannualChoice, answer=SemiannualChosen,
             description=("Exactly as many staff as there are seats left, all from one tie; "
                          "nobody chooses in a tie they are part of; the reason is required and "
                          "recorded with who chose and when. The choice stands until a "
                          "recompute changes the scores."))
    def choose(self):
        """Leadership chooses among those tied for the last 优秀 seat(s) (SCORE-6)."""
        if not may_confirm_semiannual(current_actor()):
            return self.response_403()
        try:
            body, seen = versioned_body(SemiannualChoice)
            year, half, staff_ids = body["year"], body["half"], body["staff_ids"]
            reason = body.get("reason")
        except RuleViolation as violation:
            return self.refuse(violation)
        assessment = find_assessment(db.session, year, half)
        if assessment is None:
            return self.response_404()
        with self.unit_of_work() as saved:
            check_version(assessment, seen)
            # SCORE-6: who chose, when and why, as the page records them (migration 0037).
            choose_excellent(db.session, assessment, staff_ids, current_actor().user_id,
                             reason=reason, now=clock().now)
        if not saved.ok:
            return saved.answer
        return self.response(200, ties=_ties_json(excellent_ties(db.session, assessment)),
                             **_assessment_json(assessment))
