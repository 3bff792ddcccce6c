"""Monthly assessment API: the month's results (row-filtered, SCORE-2/3/4), Leadership's
confirm and reopen (SCORE-3), a window's mutual ratings (SCORE-2 M10).

The same services and policies as the pages (app/views/assessment.py): one rule, two doors.
"""

from __future__ import annotations

from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from app.api.base import RuleAnswers, openapi, request_body, versioned_body
from app.api.schemas.assessment import (MonthConfirmation, MonthReopening, MonthResults,
                                        MonthState, PeerRatings, RatingsSaved)
from app.api.schemas.common import MonthPath
from app.context import clock
from app.extensions import db
from app.policy.scores import may_confirm_month, peer_rater_windows
from app.request_context import current_actor
from app.rules.assessment import PEER_CRITERIA, parse_period
from app.rules.errors import N_, RuleViolation
from app.rules.input import MalformedInput
from app.security import assessment_scope
from app.services import assessment as svc

def _row(row) -> dict:
    return {"window_id": row.window_id, "window": row.window_name, "total": str(row.total),
            "categories": {k: str(v) for k, v in row.by_category.items()}, "rank": row.rank,
            "red_flag": row.red_flag, "satisfied": row.satisfied,
            "peer_mean": str(row.peer_mean) if row.peer_mean is not None else None,
            "peer_missing": row.peer_missing, "peer_imputed": row.peer_imputed}


class AssessmentApi(RuleAnswers, BaseApi):
    """/api/v1/assessment/ — SCORE-2/3/4 results, confirm/reopen, mutual ratings."""

    resource_name = "assessment"
    class_permission_name = "MonthlyAssessment"
    method_permission_name = {"results": "read", "confirm": "confirm", "reopen": "confirm",
                              "rate": "rate"}
    base_permissions = ["can_read", "can_confirm", "can_rate"]
    allow_browser_login = True
    openapi_spec_tag = "Assessment"

    def answer_error(self, error):
        """Issue #18: the second of two simultaneous confirmations or reopenings is a 409
        naming who did it and when (SCORE-3), not a 422 nor a 500."""
        if isinstance(error, svc.MonthDecided):
            return self.response(409, message=error.render(gettext))
        return super().answer_error(error)

    def _period(self, month):
        period = parse_period(month)
        if period is None:
            raise MalformedInput(N_("Give the month as YYYY-MM."), field="month")
        return period

    @expose("/results/<month>", methods=["GET"])
    @protect()
    @safe
    @openapi(summary="A month's results, ranking, red-flag and satisfied windows "
                     "(SCORE-2/3/4)", path=MonthPath, answer=MonthResults)
    def results(self, month):
        """The month's results of the windows the caller may see (SCORE-2/3/4)."""
        try:
            period = self._period(month)
        except RuleViolation as error:
            return self.refuse(error)
        state, rows = svc.month_results(db.session, period)
        scope_window, _staff = assessment_scope()
        if scope_window is not None:
            rows = [r for r in rows if r.window_id == scope_window]
        return self.response(200, month=period.strftime("%Y-%m"),
                             state=state.state if state else "open",
                             version=state.version if state else None,
                             rows=[_row(r) for r in rows])

    @expose("/confirm/<month>", methods=["POST"])
    @protect()
    @safe
    @openapi(summary="Confirm a month (Leadership, SCORE-3)", path=MonthPath,
             body=MonthConfirmation, optional=True, answer=MonthState,
             conflict="Someone else confirmed (the answer names who and when) or changed the "
                      "month meanwhile")
    def confirm(self, month):
        """Leadership confirms a finished month: results stored, events frozen (SCORE-3)."""
        if not may_confirm_month(current_actor()):
            return self.response_403()
        try:
            period = self._period(month)
            body, version = versioned_body(MonthConfirmation, optional=True)
            reason = body.get("unrated_reason")
        except RuleViolation as error:
            return self.refuse(error)
        now = clock()
        with self.unit_of_work() as saved:
            state = svc.confirm_month(db.session, period, current_actor().user_id, now.now,
                                      now.today, seen_version=version, unrated_reason=reason)
        if not saved.ok:
            return saved.answer
        return self.response(200, month=period.strftime("%Y-%m"), state=state.state,
                             version=state.version)

    @expose("/reopen/<month>", methods=["POST"])
    @protect()
    @safe
    @openapi(summary="Reopen a confirmed month with a reason (Leadership, SCORE-3)",
             path=MonthPath, body=MonthReopening, answer=MonthState,
             conflict="Someone else reopened (the answer names who and when) or changed the "
                      "month meanwhile")
    def reopen(self, month):
        """Leadership reopens a confirmed month with a reason (SCORE-3, audited)."""
        if not may_confirm_month(current_actor()):
            return self.response_403()
        try:
            period = self._period(month)
            body, version = versioned_body(MonthReopening)  # no reason: SCORE-3's own message
            reason = body.get("reason")
        except RuleViolation as error:
            return self.refuse(error)
        now = clock()
        with self.unit_of_work() as saved:
            state = svc.reopen_month(db.session, period, reason, current_actor().user_id,
                                     now.now, seen_version=version)
        if not saved.ok:
            return saved.answer
        return self.response(200, month=period.strftime("%Y-%m"), state=state.state,
                             version=state.version)

    @expose("/rate/<month>", methods=["POST"])
    @protect()
    @safe
    @openapi(summary="Rate the other windows (window head for their window, Office for any)",
             path=MonthPath, body=PeerRatings, answer=RatingsSaved,
             conflict="Rated concurrently elsewhere")
    def rate(self, month):
        """A window's ratings of the other windows for a month (SCORE-2 M10)."""
        allowed = peer_rater_windows(current_actor())
        if allowed == []:
            return self.response_403()
        try:
            period = self._period(month)
            body = request_body(PeerRatings)
            rater = body["rater_window_id"]
            ratings = {entry["rated_window_id"]: {name: entry[name] for name in PEER_CRITERIA}
                       for entry in body["ratings"]}
        except RuleViolation as error:
            return self.refuse(error)
        if allowed is not None and rater not in allowed:
            return self.response_403()
        now = clock()
        with self.unit_of_work() as saved:
            count = svc.record_peer_ratings(db.session, period, rater, ratings,
                                            current_actor().user_id, now.today, now.now)
        if not saved.ok:
            return saved.answer
        return self.response(200, saved=count)
