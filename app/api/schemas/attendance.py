"""The attendance API's bodies (ATT-1..4): a clock import's answer, a month's query and rows."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import Answer, Query, QueryWhole
from app.rules.input import BUSINESS_YEARS, MAX_ROW_ID


class ClockImport(Answer):
    """Imported (clocks already there are skipped)."""

    rows = fields.Integer()
    added = fields.Integer()
    skipped = fields.Integer()


class ClockRowError(Answer):
    """A row of the file and what is wrong with it."""

    row = fields.Integer()
    message = fields.String()


class ClockImportRefusal(Answer):
    """An unreadable file, or rows with errors (by row); nothing was imported."""

    message = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                          required=True)
    errors = fields.List(fields.Nested(ClockRowError))


class AttendanceMonthQuery(Query):
    """The month, and a window to narrow it to."""

    year = QueryWhole(*BUSINESS_YEARS, required=True)
    month = QueryWhole(1, 12, required=True)
    window_id = QueryWhole(1, MAX_ROW_ID)


class StaffMonth(Answer):
    """One staff member's month: late, early, absent half-days, off-post, absence days."""

    staff_id = fields.Integer()
    name = fields.String()
    late = fields.Integer()
    early = fields.Integer()
    absent_half_days = fields.Integer()
    off_post_minutes = fields.List(fields.Integer())
    absence_days = fields.String()


class AttendanceMonth(Answer):
    """One entry per staff member in scope."""

    result = fields.List(fields.Nested(StaffMonth))
