"""The duty rota API's bodies (ROSTER-1/2): my duty days, a duty log, what they answer."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import Answer, Flag, Query, QueryDay, Text, VersionedBody
from app.services.roster import LOG_NOTE_MAX


class DutyLogEntry(VersionedBody):
    """值班日志 — what the duty person did (ROSTER-2)."""

    opened_hall = Flag()
    closed_up = Flag(description="lights, air-conditioning and windows off")
    cleaning_supervised = Flag()
    note = Text(LOG_NOTE_MAX, allow_none=True)


class DutyDaysQuery(Query):
    """From when to when (at most a year)."""

    start = QueryDay(description="first day (default today)")
    end = QueryDay(description="last day (default 31 days after start; at most a year after "
                               "it)")


class DutyShiftSummary(Answer):
    """A duty day as the rota's own endpoints answer it."""

    id = fields.Integer()
    day = fields.Date()
    staff_id = fields.Integer()
    staff_name = fields.String()
    substitute_id = fields.Integer(allow_none=True)
    substitute_name = fields.String(allow_none=True)
    log_written = fields.Boolean()
    version = fields.Integer()


class DutyDays(Answer):
    """The duty days."""

    result = fields.List(fields.Nested(DutyShiftSummary))
