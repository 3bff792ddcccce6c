"""The deductions API's bodies (SCORE-1): a manual deduction or bonus, and what it answers."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import Answer, Body, Day, RowId, amount_of, text_of
from models.scoring import DeductionItem, ScoreEvent


class ScoreEventRecord(Body):
    """A manual deduction or bonus with its evidence (SCORE-1; Office)."""

    item_id = RowId(required=True, description="the item of the deduction catalogue")
    day = Day(required=True)
    points = amount_of(DeductionItem.points_max, low=0, allow_none=True, load_default=None,
                       description="the magnitude, within the item's range; the item's fixed "
                                   "value when absent")
    window_id = RowId(required=True)
    staff_id = RowId(allow_none=True)
    evidence = text_of(ScoreEvent.evidence, required=True)


class ScoreEventSummary(Answer):
    """The event recorded: its category and signed points."""

    id = fields.Integer()
    category = fields.String()
    points = fields.String()
    day = fields.Date()
