"""The semi-annual assessment API's bodies (SCORE-5/6): a half-year computed, the office's
entries per person, the confirmation, the ties across the last 优秀 seat and Leadership's
choice among them, and what each answers."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import (Answer, Body, Items, Points, Query, QueryWhole, RowId,
                                    Text, VersionedBody, WholeNumber)
from app.rules.input import BUSINESS_YEARS
from app.rules.semiannual import MANUAL_KINDS
from app.services.semiannual import CHOICE_REASON_MAX

MAX_ENTRIES = 1000  # a center's staff, with room; a longer list is no entry form
NOTES_MAX = 2000  # as the entry page keeps (app/services/semiannual.py save_entries)
HALVES = (1, 2)


class HalfYear(Body):
    """The half-year: its year and 1 or 2."""

    year = WholeNumber(*BUSINESS_YEARS, required=True)
    half = WholeNumber(choices=HALVES, required=True)


class HalfYearVersioned(VersionedBody, HalfYear):
    """The half-year and the version of its assessment the client read."""


class _PerPerson(Body):
    """A person's row of the entry page: a refused value is named as the page names its
    field, `<kind>_<staff id>` (SCORE-5)."""

    @staticmethod
    def error_field(item, field: str) -> str | None:
        staff_id = item.get("staff_id") if isinstance(item, dict) else None
        known = field in MANUAL_KINDS or field == "notes"
        if known and isinstance(staff_id, int) and not isinstance(staff_id, bool):
            return f"{field}_{staff_id}"
        return None


SemiannualEntry = type("SemiannualEntry", (_PerPerson,), {
    "__doc__": ("One person's entries (SCORE-5): the entry page's fields, as magnitudes in "
                "steps of 0.1 (0 removes one; a kind left out is unchanged)."),
    "staff_id": RowId(required=True),
    **{kind: Points(metadata={"description": {
        "wrong_result": "points off 绩's accuracy (at most 10)",
        "reporting": "points off 信息报送 reporting (at most 5)",
        "innovation": "points added for innovation (at most the part maximum)",
    }.get(kind, "points off (at most the part maximum of the settings)")})
       for kind in MANUAL_KINDS},
    "notes": Text(NOTES_MAX, allow_none=True)})


class SemiannualEntries(HalfYearVersioned):
    """The office's entries of a draft half-year, per person (SCORE-5)."""

    entries = fields.List(fields.Nested(SemiannualEntry), required=True,
                          validate=Items(MAX_ENTRIES))


class SemiannualChoice(HalfYearVersioned):
    """Those Leadership chooses for the last 优秀 seat(s) (SCORE-6): exactly as many as there
    are seats left, all from one tie."""

    staff_ids = fields.List(RowId(), required=True, validate=Items(MAX_ENTRIES, 1))
    reason = Text(CHOICE_REASON_MAX, allow_none=True,
                  description="why they were chosen: required (SCORE-6)")


class HalfYearQuery(Query):
    """The half-year, in the query string."""

    year = QueryWhole(*BUSINESS_YEARS, required=True)
    half = QueryWhole(choices=HALVES, required=True)


class SemiannualSummary(Answer):
    """The assessment after the write: its state and how many entries it has."""

    id = fields.Integer()
    version = fields.Integer()
    year = fields.Integer()
    half = fields.Integer()
    state = fields.String()
    entries = fields.Integer()


class SemiannualEntriesSaved(SemiannualSummary):
    """The assessment after the entries, and how many people's entries changed."""

    changed = fields.Integer()


class SemiannualTie(Answer):
    """A tie across the last 优秀 seat of one grade scale (SCORE-6): the tied staff, those
    Leadership chose (empty: undecided, confirming is refused)."""

    scale = fields.String()
    total = fields.String()
    seats_left = fields.Integer()
    staff_ids = fields.List(fields.Integer())
    chosen = fields.List(fields.Integer())
    resolved = fields.Boolean()
    reason = fields.String(allow_none=True)  # why Leadership chose them (SCORE-6)
    chosen_by_id = fields.Integer(allow_none=True)  # the user who chose
    chosen_at = fields.DateTime(allow_none=True)


class SemiannualTies(Answer):
    """Each grade scale's tie, if any."""

    ties = fields.List(fields.Nested(SemiannualTie))


class SemiannualChosen(SemiannualSummary):
    """The assessment and its ties after the choice."""

    ties = fields.List(fields.Nested(SemiannualTie))
