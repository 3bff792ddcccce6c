"""The 外出登记 API's bodies (AB-2, ORG-2): a registration, a decision, a withdrawal, and what
each answers."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import Answer, Body, Day, Flag, RowId, Text, VersionedBody
from app.services.cover import TEXT_MAX
from models.leave import AWAY_REASONS


class AwayFiling(Body):
    """An errand or a meeting outside (AB-2): who, which day, which half-days, why, where."""

    staff_id = RowId(allow_none=True, description="a window head registers for the staff of "
                                                  "their window, Leadership for anyone; "
                                                  "default: yourself")
    day = Day(required=True)
    am = Flag(description="上午: out in the morning")
    pm = Flag(description="下午: out in the afternoon")
    reason = Text(choices=AWAY_REASONS, required=True)
    note = Text(TEXT_MAX, allow_none=True, description="where and what for")


class AwayDecision(VersionedBody):
    """The approver's note."""

    note = Text(TEXT_MAX, allow_none=True)


class AwayWithdrawal(VersionedBody):
    """Nothing but the version read."""


class AwaySummary(Answer):
    """The registration after the write: its state and version."""

    id = fields.Integer()
    staff_id = fields.Integer()
    day = fields.Date()
    am = fields.Boolean()
    pm = fields.Boolean()
    state = fields.String()
    version = fields.Integer()
