"""The case API's bodies (CASE-1..12): an intake, an action's parameters, a change of details,
and what each answers. Every text is bounded by the column it is stored in (INPUT-1)."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import (Answer, Body, Flag, Moment, PkPath, RowId, Text, VersionedBody,
                                    WholeNumber, amount_of, by_material, text_of)
from app.context import center_zone
from app.rules import case_states as cs
from app.rules.input import BUSINESS_YEARS, LIMIT_DAYS
from app.rules.intake import APPLICANT_KINDS, RATINGS
from models.cases import Case, CaseSubTask, NoticeMaterial

COPIES = (0, 99)  # as the intake form's NumberRange


def _copies() -> WholeNumber:
    return WholeNumber(*COPIES)


def _problem() -> Text:
    return text_of(NoticeMaterial.problem)


def _appointment(**kwargs) -> Moment:
    """CASE-8: an agreed appointment, this century."""
    return Moment(BUSINESS_YEARS, center_zone, description="the agreed appointment (CASE-8)",
                  **kwargs)


class CaseApplicant(Body):
    """申请人 — the applicant, a person or an organisation (CASE-1, PRIV-2)."""

    name = text_of(Case.applicant_name, allow_none=True)
    kind = Text(choices=APPLICANT_KINDS, allow_none=True, description="default: person")
    id_number = text_of(Case.applicant_id_number, allow_none=True)
    phone = text_of(Case.applicant_phone, allow_none=True)
    address = text_of(Case.applicant_address, allow_none=True)


class CaseSubTaskPlan(Body):
    """One participating window's part of a joint case (CASE-7)."""

    window_id = RowId(required=True)
    part = text_of(CaseSubTask.part, allow_none=True)
    promised_days = WholeNumber(*LIMIT_DAYS, required=True,
                                description="the part's limit in working days")


class CaseIntake(Body):
    """A case registered at the counter (CASE-1/2)."""

    item_id = RowId(required=True)
    case_class = Text(choices=cs.INTAKE_CLASSES, required=True)
    applicant = fields.Nested(CaseApplicant, allow_none=True)
    received = by_material(_copies(), "material id → copies received")
    defective = by_material(_problem(), "material id → what the applicant must correct")
    request = text_of(Case.request, allow_none=True)
    urgent = Flag(description="绿色通道, the green channel (CASE-8)")
    appointment_at = _appointment(allow_none=True)
    fee_amount = amount_of(Case.fee_amount, low=0, allow_none=True)
    return_reason = text_of(Case.return_reason, allow_none=True)
    competent_unit = text_of(Case.competent_unit, allow_none=True)
    consultation_note = text_of(Case.consultation_note, allow_none=True)
    sub_tasks = fields.List(fields.Nested(CaseSubTaskPlan), allow_none=True,
                            metadata={"description": "the parts of a joint case (CASE-7)"})


class CaseAction(VersionedBody):
    """The parameters of a CASE-4 action; each action reads some of them (others: 400)."""

    note = text_of(Case.decision_note, allow_none=True)
    reason = text_of(Case.extension_reason, allow_none=True)
    procedure = text_of(Case.suspension_procedure, allow_none=True)
    collector = text_of(Case.collector_name, allow_none=True)
    rating = Text(choices=RATINGS, allow_none=True)
    opinion = text_of(Case.satisfaction_opinion, allow_none=True)
    competent_unit = text_of(Case.competent_unit, allow_none=True)
    objected = Flag(null_keeps=True, description="the applicant objects (NEG-1)")
    extension_days = WholeNumber(*LIMIT_DAYS, allow_none=True)
    materials = fields.List(RowId(), allow_none=True)
    defective = by_material(_problem(), "material id → what the applicant must correct")
    received = by_material(_copies(), "material id → copies received")
    fee_amount = amount_of(Case.fee_amount, low=0, allow_none=True)  # deliver (CASE-9)


class CaseActionPath(PkPath):
    """The case and the action."""

    action = Text(choices=cs.ACTIONS, required=True)


class CaseDetailChange(VersionedBody):
    """What may change after intake (CASE-4); absent keys stay, null empties a text."""

    applicant_phone = text_of(Case.applicant_phone, allow_none=True)
    applicant_address = text_of(Case.applicant_address, allow_none=True)
    request = text_of(Case.request, allow_none=True)
    urgent = Flag(null_keeps=True, description="null keeps the flag as it is")
    appointment_at = _appointment(allow_none=True)


class CaseSummary(Answer):
    """The case's number, state, deadline, the actions its state now allows and its version
    (for the next write, issue #9); a change of details also names the `changed` columns."""

    id = fields.Integer()
    number = fields.String()
    state = fields.String()
    deadline = fields.Date(allow_none=True)
    actions = fields.List(fields.String())
    version = fields.Integer()
    changed = fields.List(fields.String())
