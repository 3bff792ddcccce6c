"""The monthly assessment API's bodies (SCORE-2/3/4): a month's results, its confirmation and
reopening, a window's ratings of the others (M10)."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import Answer, Body, Items, RowId, Text, VersionedBody, WholeNumber
from app.rules.assessment import PEER_CRITERIA, RATING_RANGE

REASON_MAX = 2000  # as the month page keeps (app/views/assessment.py)
MAX_RATINGS = 200


class MonthConfirmation(VersionedBody):
    """Leadership confirms a finished month (SCORE-3)."""

    unrated_reason = Text(REASON_MAX, allow_none=True, description=(
        "why windows nobody rated are confirmed without their rating (SCORE-2 M10; required "
        "when there are such windows)"))


class MonthReopening(VersionedBody):
    """Leadership reopens a confirmed month, with a reason (SCORE-3, audited)."""

    reason = Text(REASON_MAX, allow_none=True, description="required (SCORE-3)")


PeerRating = type("PeerRating", (Body,), {
    "__doc__": "One window's rating of another, per criterion (SCORE-2 M10).",
    "rated_window_id": RowId(required=True),
    **{name: WholeNumber(*RATING_RANGE, required=True) for name in PEER_CRITERIA}})


class PeerRatings(Body):
    """A window's ratings of the other windows for a month (SCORE-2 M10)."""

    rater_window_id = RowId(required=True)
    ratings = fields.List(fields.Nested(PeerRating), required=True, validate=Items(MAX_RATINGS))


class MonthRow(Answer):
    """A window's month: total, points by category, rank, flags, the mutual rating."""

    window_id = fields.Integer()
    window = fields.String()
    total = fields.String()
    categories = fields.Dict(keys=fields.String(), values=fields.String())
    rank = fields.Integer(allow_none=True)
    red_flag = fields.Boolean()
    satisfied = fields.Boolean()
    peer_mean = fields.String(allow_none=True)
    peer_missing = fields.Boolean()
    peer_imputed = fields.Boolean()


class MonthState(Answer):
    """The month's state (open, confirmed) and its version (for the next write)."""

    month = fields.String()
    state = fields.String()
    version = fields.Integer(allow_none=True)


class MonthResults(MonthState):
    """The month's state and the rows of the windows the user may see."""

    rows = fields.List(fields.Nested(MonthRow))


class RatingsSaved(Answer):
    """How many ratings were saved."""

    saved = fields.Integer()
