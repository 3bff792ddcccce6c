"""The leave API's bodies (LEAVE-1..3, AB-1, HAND-1): a request filed, a decision, reporting
back, a cancellation, a revocation, and what each answers."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import Answer, Body, Day, Flag, RowId, Text, VersionedBody
from app.services.leave import TEXT_MAX
from models.leave import LEAVE_KINDS


def _text(**kwargs) -> Text:
    """A leave's free text: at most what the service stores (TEXT_MAX)."""
    return Text(TEXT_MAX, allow_none=True, **kwargs)


class LeaveFiling(Body):
    """A leave request (LEAVE-1): who, which kind, from when to when, who stands in and the
    handover (`handover_id` of the requester's, or `new_handover`)."""

    staff_id = RowId(allow_none=True, description="Office/Leadership file for others; "
                                                  "default: yourself")
    kind = Text(choices=LEAVE_KINDS, required=True)
    start_day = Day(required=True)
    end_day = Day(required=True)
    half_day_start = Flag(description="begins in the afternoon")
    half_day_end = Flag(description="ends at noon")
    reason = _text()
    emergency = Flag(description="filed afterwards (补假)")
    substitute_id = RowId(allow_none=True, description="顶岗人 (LEAVE-1), by default the B "
                                                       "of the post")
    handover_note = _text()
    handover_id = RowId(allow_none=True, description="a handover the requester gives (HAND-1)")
    new_handover = Flag(description="create the handover from the request")
    ab_override_reason = _text(description="Leadership only (AB-1)")


class LeaveDecision(VersionedBody):
    """The approver's note; Leadership's reason to override AB-1."""

    note = _text()
    ab_override_reason = _text(description="Leadership only (AB-1)")


class LeaveReportBack(VersionedBody):
    """销假: the day the person was back at work (LEAVE-3)."""

    returned_on = Day(required=True)
    reason = _text(description="why the return was late (Office only)")


class LeaveCancellation(VersionedBody):
    """Nothing but the version read."""


class LeaveRevocation(VersionedBody):
    """Why the leave is revoked."""

    reason = _text(description="how the leave was obtained by deception (required)")


class LeaveSummary(Answer):
    """The request after the write: its state, days, approver position and version."""

    id = fields.Integer()
    state = fields.String()
    days = fields.String(metadata={"description": "working days, a decimal (0.5 steps)"})
    approver_position = fields.String(allow_none=True)
    version = fields.Integer()
    overstay_days = fields.String(allow_none=True)
