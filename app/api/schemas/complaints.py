"""The complaint API's bodies (COMP-1..5): a complaint recorded, answered, decided, its
escalation confirmed, and what each answers."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import (Answer, Body, Day, Flag, Items, RowId, Text, VersionedBody,
                                    WholeNumber, text_of)
from app.rules.input import BUSINESS_YEARS
from models.complaints import ANSWER_FORMS, CHANNELS, GRAVITIES, OUTCOMES, Complaint

MAX_OTHER_WINDOWS = 50


class ComplaintRecord(Body):
    """A complaint as the office records it (COMP-1): by which channel, about which window."""

    channel = Text(choices=CHANNELS, required=True)
    window_id = RowId(required=True)
    content = text_of(Complaint.content, required=True)
    anonymous = Flag()
    complainant_name = text_of(Complaint.complainant_name, allow_none=True)
    complainant_contact = text_of(Complaint.complainant_contact, allow_none=True)
    major = Flag(description="a major matter must be written")
    written_record = Flag(description="taken down in writing (in person, phone)")
    staff_id = RowId(allow_none=True)
    case_id = RowId(allow_none=True)
    complex = Flag(description="to the director (COMP-2)")
    other_window_ids = fields.List(RowId(), allow_none=True, validate=Items(MAX_OTHER_WINDOWS),
                                   metadata={"description": "the further windows concerned "
                                                            "(COMP-2)"})
    promised_on = Day(BUSINESS_YEARS, allow_none=True)
    received_on = Day(BUSINESS_YEARS, allow_none=True, description="default today")


class ComplaintAnswer(VersionedBody):
    """The answer given (COMP-2: a written complaint gets a written answer)."""

    answer = text_of(Complaint.answer, required=True)
    answer_form = Text(choices=ANSWER_FORMS, required=True)


class ComplaintOutcome(VersionedBody):
    """Verified or not (COMP-3); a verified one's gravity (the M7 points)."""

    outcome = Text(choices=OUTCOMES, required=True)
    gravity = Text(choices=GRAVITIES, allow_none=True)
    about_attitude = Flag(description="language or attitude (COMP-5)")


class ComplaintEscalation(VersionedBody):
    """The escalation step Leadership confirms (COMP-4)."""

    step = WholeNumber(choices=(1, 2, 3), allow_none=True,
                       description="default: the proposed step")


class ComplaintSummary(Answer):
    """The complaint after the write: its state, due date, outcome and steps."""

    id = fields.Integer()
    version = fields.Integer()
    state = fields.String()
    complexity = fields.String()
    due_on = fields.Date()
    overdue = fields.Boolean()
    outcome = fields.String(allow_none=True)
    proposed_step = fields.Integer(allow_none=True)
    confirmed_step = fields.Integer(allow_none=True)
