"""The handover API's bodies (HAND-1): a confirmation and what it answers."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import Answer, Text, VersionedBody
from app.rules.handover import SIDES


class HandoverConfirmation(VersionedBody):
    """Which side the user confirms."""

    side = Text(choices=SIDES, allow_none=True,
                description="default: the side the user may confirm")


class HandoverState(Answer):
    """The handover's confirmations after this one."""

    id = fields.Integer()
    version = fields.Integer()
    valid = fields.Boolean()
    giver_confirmed = fields.Boolean()
    receiver_confirmed = fields.Boolean()
