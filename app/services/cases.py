"""办件服务 — intake, state transitions, notices and sub-tasks of a case (CASE-1..12, NOTICE-1).

Every decision is taken by a rule function of `app/rules/`; this module loads what they
need, applies their answer to the rows and records who did it. Views, the API, the CLI and
the demo generator all go through here, so no door skips a rule. The caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from inspect import Parameter, signature
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.actor import Actor, Clock
from app.rules import case_states as cs
from app.rules import notices as nt
from app.rules.catalogue import IMMEDIATE, case_fee_record, default_limit_for_kind
from app.rules.deadlines import (case_deadline, deadline_after_resume, extended_deadline,
                                 suspended_working_days)
from app.rules.errors import N_, RuleViolation
from app.rules.identity import normalize_credit_code, normalize_id_number, normalize_phone
from app.rules.intake import APPLICANT_KINDS, PERSON
from app.rules.intake import (MaterialRequirement, blocking_materials, format_case_number,
                              joint_parts_done, materials_to_correct, missing_materials,
                              one_time_notice_timing, one_time_notice_violations, validate_intake,
                              validate_satisfaction, validate_sub_task_deadline)
from app.services.audit import audit_actor
from app.services.calendar import load_calendar
from app.services.settings import setting_value
from models.cases import (Case, CaseAnnotation, CaseMaterial, CaseNotice, CaseNumberSequence,
                          CaseSubTask, CaseTransition, NoticeMaterial, NoticeViolation)
from models.catalogue import ServiceItem
from models.org import Staff

CASE_NUMBER_PREFIX = "BC"
INTAKE = "intake"  # the pseudo-action of the first transition


@dataclass
class Applicant:
    """申请人 — person or organisation (CASE-1); validated by `check_applicant` (PRIV-2)."""

    name: str
    kind: str = PERSON
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass
class SubTaskPlan:
    """One participating window's part of a joint case (CASE-7)."""

    window_id: int
    part: str
    promised_days: int


@dataclass
class Intake:
    """What the clerk enters at the counter (CASE-1/2)."""

    item_id: int
    case_class: str
    applicant: Applicant
    received: dict[int, int] = field(default_factory=dict)  # material id → copies
    defective: dict[int, str] = field(default_factory=dict)  # material id → what to correct
    request: str | None = None
    urgent: bool = False
    appointment_at: datetime | None = None
    fee_amount: Decimal | None = None
    return_reason: str | None = None
    competent_unit: str | None = None
    consultation_note: str | None = None
    first_contact_id: int | None = None
    sub_tasks: list[SubTaskPlan] = field(default_factory=list)


# --- Applicants (PRIV-2) -----------------------------------------------------------------
def check_applicant(applicant: Applicant, today: date | None = None) -> Applicant:
    """PRIV-2: the applicant's ID number (or credit code) and phone, normalised or refused.

    `today` (the center's day of the intake) refuses an ID number born after it."""
    if not (applicant.name or "").strip():
        raise RuleViolation("CASE-1", N_("Enter the applicant's name."), field="applicant_name")
    if applicant.kind not in APPLICANT_KINDS:
        raise RuleViolation("CASE-1", N_("The applicant is a person or an organisation."),
                            field="applicant_kind")
    id_number = applicant.id_number
    if id_number:
        if applicant.kind == PERSON:
            id_number = normalize_id_number(id_number, today=today, field="applicant_id_number")
        else:
            id_number = normalize_credit_code(id_number, field="applicant_id_number")
    phone = normalize_phone(applicant.phone, field="applicant_phone") if applicant.phone else None
    return Applicant(name=applicant.name.strip(), kind=applicant.kind, id_number=id_number,
                     phone=phone, address=(applicant.address or "").strip() or None)


# --- Numbers (CASE-1) --------------------------------------------------------------------
def allocate_case_number(session: Session, year: int, prefix: str = CASE_NUMBER_PREFIX) -> str:
    """CASE-1: the next 受理编号 of `year`, unique even when two clerks register at once.

    The counter row is created if missing (a concurrent creator may win: then its row is
    used), then incremented with one UPDATE … RETURNING, which serialises the writers.
    """
    table = CaseNumberSequence.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(table).values(prefix=prefix, year=year, last_value=0)
                        .on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(table).values(prefix=prefix, year=year, last_value=0)
                        .on_conflict_do_nothing())
    elif session.get(CaseNumberSequence, (prefix, year)) is None:
        session.execute(insert(table).values(prefix=prefix, year=year, last_value=0))
    value = session.execute(
        update(table).where(table.c.prefix == prefix, table.c.year == year)
        .values(last_value=table.c.last_value + 1).returning(table.c.last_value)
    ).scalar_one()
    return format_case_number(year, value, prefix)


# --- Intake (CASE-1/2/7/8/9, NOTICE-1) ---------------------------------------------------
def requirements_of(item: ServiceItem) -> list[MaterialRequirement]:
    return [MaterialRequirement(m.id, m.name, m.form != "copy", m.copies, m.mandatory)
            for m in item.materials]


def intake_shortfall(item: ServiceItem, received: dict[int, int],
                     defective: dict[int, str]) -> list[MaterialRequirement]:
    """CASE-2/NOTICE-1: what stops `item` being accepted with these materials (the mandatory
    ones missing or to correct), and so what the 补充件's one-time notice would list
    together with the defective optional ones: `materials_to_correct` of the same facts."""
    required = requirements_of(item)
    if not blocking_materials(required, received, defective):
        return []
    return materials_to_correct(required, received, defective)


def register_intake(session: Session, intake: Intake, actor: Actor, clock: Clock) -> Case:
    """CASE-1/2: register what came to the counter as a case of the chosen class.

    受理件/联办件 start the clock (CASE-3); 补充件 issue the one-time notice listing every
    missing or defective material (NOTICE-1); 退回件 a return notice with its reason; 转办件
    record the competent unit; 咨询件 go to the consultation register.
    """
    item = session.get(ServiceItem, intake.item_id)
    if item is None or not item.is_active:
        raise RuleViolation("CASE-1", N_("Choose an active service item."), field="item")
    applicant = check_applicant(intake.applicant, clock.today)
    fee, fee_waived = _case_fee(intake.fee_amount, item, required=False)
    required = requirements_of(item)
    to_correct = materials_to_correct(required, intake.received, intake.defective)
    # CASE-2: a mandatory material handed in with something to correct stops an acceptance
    # as a missing one does; a 补充件's notice lists both (NOTICE-1).
    facts = {cs.CLASS_SUPPLEMENT: to_correct,
             cs.CLASS_ACCEPTED: blocking_materials(required, intake.received, intake.defective),
             cs.CLASS_JOINT: blocking_materials(required, intake.received, intake.defective)}
    validate_intake(intake.case_class,
                    facts.get(intake.case_class, missing_materials(required, intake.received)),
                    return_reason=intake.return_reason, competent_unit=intake.competent_unit)
    if intake.case_class == cs.CLASS_JOINT and not intake.sub_tasks:
        raise RuleViolation("CASE-7", N_("A joint case needs at least one participating window."),
                            field="sub_tasks")
    case = Case(
        number=allocate_case_number(session, clock.today.year),
        case_class=intake.case_class, state=cs.initial_state_for_class(intake.case_class),
        item=item, window_id=item.window_id, request=intake.request,
        applicant_kind=applicant.kind, applicant_name=applicant.name,
        applicant_id_number=applicant.id_number, applicant_phone=applicant.phone,
        applicant_address=applicant.address,
        first_contact_id=intake.first_contact_id or actor.staff_id, clerk_id=actor.staff_id,
        received_at=clock.now, urgent=bool(intake.urgent), appointment_at=intake.appointment_at,
        fee_amount=fee, fee_waived=fee_waived, return_reason=intake.return_reason,
        competent_unit=intake.competent_unit, consultation_note=intake.consultation_note,
    )
    session.add(case)
    _add_received(case, item, intake.received, clock)
    if case.state == cs.ACCEPTED:
        _start_clock(session, case, clock)
    if intake.case_class == cs.CLASS_JOINT:
        _plan_sub_tasks(session, case, intake.sub_tasks, clock)
    if intake.case_class == cs.CLASS_SUPPLEMENT:
        _issue_one_time_notice(session, case, to_correct, intake.defective, actor, clock)
    if intake.case_class == cs.CLASS_RETURNED:
        _issue(case, nt.RETURN, actor, clock, text=intake.return_reason)
    _record(case, INTAKE, None, case.state, actor, clock)
    session.flush()
    return case


def _add_received(case: Case, item: ServiceItem, received: dict[int, int], clock: Clock) -> None:
    by_id = {m.id: m for m in item.materials}
    for material_id, copies in received.items():
        if copies and material_id in by_id:
            case.materials.append(CaseMaterial(material_id=material_id, copies=copies,
                                               name=by_id[material_id].name,
                                               received_at=clock.now))


def _start_clock(session: Session, case: Case, clock: Clock) -> None:
    """CASE-3: acceptance time, limit from the item's kind, deadline in working days."""
    case.accepted_at, case.accepted_on = clock.now, clock.today
    case.promised_days = default_limit_for_kind(case.item.kind, case.item.promised_days)
    case.deadline = case_deadline(clock.today, case.promised_days, load_calendar(session))
    case.original_deadline = case.deadline


def _plan_sub_tasks(session: Session, case: Case, plans: list[SubTaskPlan], clock: Clock) -> None:
    """CASE-7: each participating window's part, with a limit inside the lead deadline."""
    calendar = load_calendar(session)
    for plan in plans:
        if not (plan.part or "").strip():
            raise RuleViolation("CASE-7", N_("Describe each participating window's part."),
                                field="sub_tasks")
        deadline = case_deadline(clock.today, plan.promised_days, calendar)
        validate_sub_task_deadline(deadline, case.deadline)
        case.sub_tasks.append(CaseSubTask(window_id=plan.window_id, part=plan.part.strip(),
                                          promised_days=plan.promised_days, deadline=deadline))


def _issue(case: Case, kind: str, actor: Actor, clock: Clock, text: str | None = None) -> CaseNotice:
    notice = CaseNotice(kind=kind, issued_at=clock.now, issued_on=clock.today,
                        staff_id=actor.staff_id, text=text)
    case.notices.append(notice)
    return notice


def _issue_one_time_notice(session: Session, case: Case, materials: list[MaterialRequirement],
                           defective: dict[int, str], actor: Actor, clock: Clock) -> CaseNotice:
    """NOTICE-1: one notice listing every material still required; a later notice asking for
    one the first did not list is recorded against the first notice's issuer."""
    earlier = [n for n in case.notices if n.kind == nt.ONE_TIME]
    notice = _issue(case, nt.ONE_TIME, actor, clock)
    received_on = _materials_received_on(case, clock)
    if received_on is not None:
        timing = one_time_notice_timing(received_on, clock.today,
                                        setting_value(session, "notice.max_days"),
                                        load_calendar(session))
        notice.due_on, notice.late = timing.due_on, timing.late
    for m in materials:
        notice.materials.append(NoticeMaterial(material_id=m.id, name=m.name,
                                               problem=defective.get(m.id)))
    asked = {m.id for m in materials}
    first_listed = [{nm.material_id for nm in n.materials} for n in earlier]
    unlisted = one_time_notice_violations(first_listed, asked)
    if unlisted:
        session.flush()  # the new notice needs its id
        first = earlier[0]
        for m in materials:
            if m.id in unlisted:
                session.add(NoticeViolation(case=case, notice_id=notice.id,
                                            staff_id=first.staff_id, window_id=case.window_id,
                                            material_name=m.name, found_on=clock.today))
    return notice


def _materials_received_on(case: Case, clock: Clock) -> date | None:
    """NOTICE-1: the day of the latest materials received (the application, or a supplement),
    in the center's time zone — the one `clock.now` carries. None for a consultation that
    received nothing: the notice's clock starts only with an application."""
    received = [m.received_at for m in case.materials if m.received_at is not None]
    if case.case_class != cs.CLASS_CONSULTATION:
        received.append(case.received_at or clock.now)
    if not received:
        return None
    return max(received).astimezone(clock.now.tzinfo).date()


def _record(case: Case, action: str, source: str | None, target: str, actor: Actor,
            clock: Clock, note: str | None = None) -> None:
    case.transitions.append(CaseTransition(action=action, from_state=source, to_state=target,
                                           at=clock.now, user_id=actor.user_id,
                                           username=actor.username, note=note))


# --- Transitions (CASE-4/5/7/11/12) ------------------------------------------------------
def available_actions(case: Case, parts: Iterable | None = None) -> list[str]:
    """CASE-4: the buttons to show for `case`; a joint case is decided only when every
    sub-task is done (CASE-7).

    `parts`: the case's parts as the caller already read them (anything with a `done_on`:
    the rows of case_queries.case_parts), so a page that lists them reads them once (issue
    #21 P1); None loads `case.sub_tasks`."""
    actions = cs.allowed_actions(case.state, extended=case.extended)
    if case.is_joint and not joint_parts_done(
            t.done_on is not None for t in (case.sub_tasks if parts is None else parts)):
        actions = [a for a in actions if a not in (cs.APPROVE, cs.REFUSE, cs.FORWARD)]
    return actions


def apply_action(session: Session, case: Case, action: str, actor: Actor, clock: Clock,
                 **params) -> Case:
    """CASE-4: perform `action` on `case` if the transition table allows it.

    `params` carry what the action needs (reason, days, procedure, collector, materials…).
    A broken rule raises RuleViolation before anything is changed.
    """
    if not cs.is_editable(case.state):
        raise RuleViolation("CASE-4", N_("A closed case cannot be changed, only annotated."))
    target = cs.next_state(case.state, action, extended=case.extended)
    if action not in available_actions(case):
        raise RuleViolation("CASE-7", N_("A joint case is decided only when every participating "
                                         "window has finished its part."))
    handler = _HANDLERS.get(action)
    note = handler(session, case, actor, clock, **params) if handler else None
    if note is None and action not in cs.ACTIONS_WITH_OWN_TEXT:
        note = params.get("note")  # the clerk's note on a step with no text of its own
    source = case.state
    case.state = target
    _record(case, action, source, target, actor, clock, note)
    session.flush()
    return case


def _text(params: dict, key: str, rule_id: str, message: str) -> str:
    value = (params.get(key) or "").strip()
    if not value:
        raise RuleViolation(rule_id, message, field=key)
    return value


def _on_request_supplement(session, case, actor, clock, *, materials=(), defective=None, **_):
    """NOTICE-1: the materials still required, from the item's checklist."""
    requirements = {m.id: m for m in requirements_of(case.item)}
    chosen = [requirements[i] for i in materials if i in requirements]
    if not chosen:
        raise RuleViolation("NOTICE-1", N_("A one-time notice must list at least one material."),
                            field="materials")
    _issue_one_time_notice(session, case, chosen, defective or {}, actor, clock)
    return None


def _on_receive_materials(session, case, actor, clock, *, received=None, **_):
    _add_received(case, case.item, received or {}, clock)
    return None


def _on_accept(session, case, actor, clock, **_):
    """CASE-2/3: accepted only with every mandatory material in hand; the clock starts."""
    received: dict[int, int] = {}
    for m in case.materials:
        if m.material_id:
            received[m.material_id] = received.get(m.material_id, 0) + m.copies
    validate_intake(cs.CLASS_ACCEPTED, missing_materials(requirements_of(case.item), received))
    _start_clock(session, case, clock)
    return None


def _on_start(session, case, actor, clock, **_):
    staff = session.get(Staff, actor.staff_id) if actor.staff_id else None
    owner = case.handler_id or case.clerk_id
    if owner is not None and staff is not None and staff.window_id not in (None, case.window_id):
        # AB-2: B of another window starts A's case in A's place; it stays A's, so B keeps
        # reaching it while covering and it returns to A when A reports back.
        case.handler_id = owner
        return None
    case.handler_id = actor.staff_id
    return None


def _on_extend(session, case, actor, clock, *, reason=None, extension_days=None, **_):
    """CASE-5: once, for a stated reason, within the rule setting; the new deadline binds."""
    try:
        days = int(extension_days)
    except (TypeError, ValueError):
        raise RuleViolation("CASE-5", N_("Enter the extension in working days."),
                            field="extension_days") from None
    case.deadline = extended_deadline(
        case.deadline, days, setting_value(session, "case.max_extension_days"),
        1 if case.extended else 0, reason or "", load_calendar(session),
        max_extensions=setting_value(session, "case.max_extensions"), requested_on=clock.today)
    case.extended, case.extension_days, case.extension_reason = True, days, reason.strip()
    _issue(case, nt.EXTENSION, actor, clock, text=case.extension_reason)
    return case.extension_reason


def _on_suspend(session, case, actor, clock, *, procedure=None, reason=None, **_):
    """CASE-12: a special procedure stops the clock; the applicant is told in writing."""
    procedure = _text({"procedure": procedure}, "procedure", "CASE-12",
                      N_("Name the special procedure (hearing, inspection, expert review…)."))
    reason = _text({"reason": reason}, "reason", "CASE-12", N_("Give the reason for the suspension."))
    if clock.today > case.deadline:
        raise RuleViolation("CASE-12", N_("A case cannot be suspended after its deadline."),
                            field="suspended_on")
    case.suspended_on, case.suspension_procedure, case.suspension_reason = clock.today, procedure, reason
    _issue(case, nt.SPECIAL_PROCEDURE, actor, clock, text=f"{procedure}: {reason}")
    return reason


def _on_resume(session, case, actor, clock, **_):
    """CASE-12: the deadline moves by the working days spent suspended."""
    calendar = load_calendar(session)
    days = suspended_working_days(case.suspended_on, clock.today, calendar)
    case.deadline = deadline_after_resume(case.deadline, case.suspended_on, clock.today, calendar)
    case.suspended_days = (case.suspended_days or 0) + days
    case.suspended_on = None
    return None


def _decide(session, case, actor, clock, *, note=None, **_):
    case.decided_at, case.decided_on = clock.now, clock.today
    case.decision_note = (note or "").strip() or None
    if case.handler_id is None:
        case.handler_id = actor.staff_id
    return case.decision_note


def _on_refuse(session, case, actor, clock, *, note=None, objected=None, **params):
    """A refusal states its reason (不予许可决定书 gives reasons, 行政许可法 第三十八条) and
    whether the applicant still objects after the explanation (NEG-1: then the window files
    a refusal report; one missing is a dereliction, NEG-3)."""
    _text({"note": note}, "note", "CASE-4", N_("A refusal needs its reason."))
    if not isinstance(objected, bool):
        raise RuleViolation("NEG-1", N_("Record whether the applicant still objects after "
                                        "the explanation."), field="objected")
    case.applicant_objected = objected
    return _decide(session, case, actor, clock, note=note, **params)


def _case_fee(amount, item: ServiceItem, *, required: bool) -> tuple[Decimal | None, bool]:
    """CASE-9 for a case's `fee_amount` (the field the intake and delivery forms call it):
    (amount, waived) as `case_fee_record` answers, its refusal under the field's name."""
    try:
        return case_fee_record(amount, item.published_fees, required=required)
    except RuleViolation as violation:
        raise RuleViolation(violation.rule_id, violation.message, field="fee_amount",
                            **violation.params) from None


def still_required(case: Case) -> list[tuple[str, str | None]]:
    """NOTICE-1: what the applicant still has to bring — the latest one-time notice's
    materials not received since it was issued, as (name, what to correct); without a notice,
    the mandatory materials short of their copies."""
    notices = [n for n in case.notices if n.kind == nt.ONE_TIME]
    if not notices:
        received: dict[int, int] = {}
        for m in case.materials:
            if m.material_id:
                received[m.material_id] = received.get(m.material_id, 0) + m.copies
        return [(m.name, None) for m in missing_materials(requirements_of(case.item), received)]
    notice = notices[-1]
    since = {m.material_id for m in case.materials
             if m.received_at is not None and m.received_at > notice.issued_at}
    return [(m.name, m.problem) for m in notice.materials if m.material_id not in since]


def fee_asked_at_delivery(case: Case) -> bool:
    """CASE-9: delivery asks for the fee collected when the case's item publishes one."""
    return bool(case.item.published_fees)


def fee_recorded(case: Case) -> bool:
    """CASE-9: the case's fee is known — an amount collected, or waived (免收)."""
    return case.fee_amount is not None or bool(case.fee_waived)


def _on_deliver(session, case, actor, clock, *, collector=None, rating=None, opinion=None,
                fee_amount=None, **_):
    """CASE-4/10/11: 送达 with the receipt and who collected; the clerk may record the rating.

    CASE-9 (issue #19): the fee collected at delivery is one of the item's published fees, or
    0 for a waived fee (免收, recorded as waived). A case of an item that publishes a fee
    is not delivered without it unless its fee was recorded at intake; a fee given at
    delivery replaces the one of the intake."""
    case.collector_name = _text({"collector": collector}, "collector", "CASE-10",
                                N_("Enter who collected the result."))
    if fee_amount is not None or not fee_recorded(case):
        fee, waived = _case_fee(fee_amount, case.item, required=True)
        if fee is not None or waived:
            case.fee_amount, case.fee_waived = fee, waived
    case.delivered_at = clock.now
    _issue(case, nt.DELIVERY, actor, clock, text=case.collector_name)
    if rating:
        record_satisfaction(case, rating, opinion, "clerk", allow_state=True)
    return None


def _on_withdraw(session, case, actor, clock, **_):
    """CASE-6: a running case withdrawn (撤回) keeps the overdue days it had reached; the
    withdrawal day ends its count as a decision would (SCORE-M3). A suspended case's clock
    was stopped on time (CASE-12), and one not yet accepted has none."""
    if case.deadline is not None and cs.clock_running(case.state):
        case.withdrawn_on = clock.today
    return None


def _on_close(session, case, actor, clock, **_):
    case.closed_at = clock.now
    return None


def _on_return(session, case, actor, clock, *, reason=None, **_):
    case.return_reason = _text({"reason": reason}, "reason", "CASE-2",
                               N_("A returned case needs the reason for the return."))
    _issue(case, nt.RETURN, actor, clock, text=case.return_reason)
    return case.return_reason


def _on_transfer(session, case, actor, clock, *, competent_unit=None, **_):
    case.competent_unit = _text({"competent_unit": competent_unit}, "competent_unit", "CASE-2",
                                N_("A transferred case needs the competent unit the applicant "
                                   "is guided to."))
    return case.competent_unit


_HANDLERS = {
    cs.REQUEST_SUPPLEMENT: _on_request_supplement,
    cs.RECEIVE_MATERIALS: _on_receive_materials,
    cs.ACCEPT: _on_accept,
    cs.START: _on_start,
    cs.EXTEND: _on_extend,
    cs.SUSPEND: _on_suspend,
    cs.RESUME: _on_resume,
    cs.APPROVE: _decide,
    cs.REFUSE: _on_refuse,
    cs.FORWARD: _decide,
    cs.DELIVER: _on_deliver,
    cs.CLOSE: _on_close,
    cs.RETURN_CASE: _on_return,
    cs.TRANSFER: _on_transfer,
    cs.WITHDRAW: _on_withdraw,
}


# --- After the decision (CASE-7/11) and annotations (CASE-4) -----------------------------
def record_satisfaction(case: Case, rating: str, opinion: str | None, source: str,
                        allow_state: bool = False) -> Case:
    """CASE-11: the applicant's rating on delivery, once (by the clerk or on the public page)."""
    if not allow_state and case.delivered_at is None:
        raise RuleViolation("CASE-11", N_("A case is rated when its result has been delivered."),
                            field="rating")
    if case.satisfaction:
        raise RuleViolation("CASE-11", N_("This case has already been rated."), field="rating")
    case.satisfaction, case.satisfaction_opinion = validate_satisfaction(rating, opinion)
    case.satisfaction_source = source
    return case


def complete_sub_task(sub_task: CaseSubTask, actor: Actor, clock: Clock, note: str | None = None):
    """CASE-7: a participating window finishes its part."""
    if sub_task.done_on is not None:
        raise RuleViolation("CASE-7", N_("This part is already done."))
    if sub_task.case.state not in (cs.ACCEPTED, cs.IN_PROGRESS, cs.EXTENDED, cs.SUSPENDED):
        raise RuleViolation("CASE-7", N_("Only a joint case being handled has open parts."))
    sub_task.done_at, sub_task.done_on = clock.now, clock.today
    sub_task.done_by, sub_task.note = actor.username, (note or "").strip() or None
    return sub_task


def annotate(case: Case, text: str, actor: Actor, clock: Clock) -> CaseAnnotation:
    """CASE-4: a note on any case, the closed ones included."""
    text = (text or "").strip()
    if not text:
        raise RuleViolation("CASE-4", N_("Write the note."), field="text")
    annotation = CaseAnnotation(at=clock.now, username=actor.username, text=text)
    case.annotations.append(annotation)
    return annotation


def staff_actor(session: Session, user) -> Actor:
    """The Actor of a login user (its Staff row, if it has one)."""
    staff_id = session.scalar(select(Staff.id).where(Staff.user_id == user.id))
    return Actor(username=user.username, user_id=user.id, staff_id=staff_id)


# --- Deadline history (CASE-5/12, NOTICE-2 reprints) ---------------------------------------
@dataclass(frozen=True)
class NoticeDeadlines:
    """The deadline of a case around an extension or special-procedure notice (CASE-3/5/12)."""

    before: date | None  # before the extension, or when the special procedure began
    after: date | None  # after the extension, or after the case resumed
    resumed_on: date | None = None  # the special procedure ended (CASE-12)


def deadlines_around_notice(case: Case, notice: CaseNotice | None, calendar,
                            zone: ZoneInfo) -> NoticeDeadlines:
    """The deadline before and after `notice` (延期办结 or 特别程序告知), replayed from the
    acceptance deadline through the stored transitions with the rule functions the actions
    use, so a reprint shows what the applicant was told even after a later step moved the
    deadline. Days of instants are the center's (`zone`)."""
    if notice is None or case.original_deadline is None:
        return NoticeDeadlines(case.original_deadline, case.deadline)
    # The transition recorded with the notice (same action, same instant).
    anchor = cs.EXTEND if notice.kind == nt.EXTENSION else cs.SUSPEND
    deadline, suspended_on, before = case.original_deadline, None, None
    for t in case.transitions:
        if before is None and t.action == anchor and t.at >= notice.issued_at:
            before = deadline
        if t.action == cs.EXTEND:
            deadline = calendar.add_working_days(deadline, case.extension_days or 0)
            if before is not None and notice.kind == nt.EXTENSION:
                return NoticeDeadlines(before, deadline)
        elif t.action == cs.SUSPEND:
            suspended_on = t.at.astimezone(zone).date()
        elif t.action == cs.RESUME and suspended_on is not None:
            resumed_on = t.at.astimezone(zone).date()
            deadline = deadline_after_resume(deadline, suspended_on, resumed_on, calendar)
            suspended_on = None
            if before is not None and notice.kind == nt.SPECIAL_PROCEDURE:
                return NoticeDeadlines(before, deadline, resumed_on)
    if before is None:  # no transition matches the notice: show the case as it stands
        return NoticeDeadlines(None, case.deadline)
    return NoticeDeadlines(before, None)



# --- Details changed after intake (CASE-4, PRIV-2) ----------------------------------------
KEEP = None  # a CaseDetails field left at KEEP is not part of the change
# Free text with no column size (request) is still bounded: a paste of a whole document
# would make the case page and its prints unreadable.
REQUEST_MAX_CHARS = 2000


@dataclass
class CaseDetails:
    """What a user may change after intake: applicant phone and address, request, urgency
    (green channel) and appointment. A field left at KEEP stays as it is; "" clears a text."""

    applicant_phone: str | None = KEEP
    applicant_address: str | None = KEEP
    request: str | None = KEEP
    urgent: bool | None = KEEP
    appointment_at: datetime | None | object = KEEP


CLEAR_APPOINTMENT = object()  # CaseDetails.appointment_at: remove the appointment


def _bounded_text(value: str, field: str, limit: int) -> str | None:
    text = value.strip()
    if len(text) > limit:
        raise RuleViolation("CASE-4", N_("At most %(limit)s characters."), field=field,
                            limit=limit)
    return text or None


def _detail_values(changes: CaseDetails) -> dict:
    """The new column values of `changes`, validated (PRIV-2 phone, column sizes)."""
    values: dict = {}
    if changes.applicant_phone is not KEEP:
        phone = changes.applicant_phone.strip()
        values["applicant_phone"] = (normalize_phone(phone, field="applicant_phone")
                                     if phone else None)
    if changes.applicant_address is not KEEP:
        limit = Case.__table__.c.applicant_address.type.length
        values["applicant_address"] = _bounded_text(changes.applicant_address,
                                                    "applicant_address", limit)
    if changes.request is not KEEP:
        values["request"] = _bounded_text(changes.request, "request", REQUEST_MAX_CHARS)
    if changes.urgent is not KEEP:
        values["urgent"] = bool(changes.urgent)
    if changes.appointment_at is CLEAR_APPOINTMENT:
        values["appointment_at"] = None
    elif changes.appointment_at is not KEEP:
        if changes.appointment_at.tzinfo is None:
            raise RuleViolation("CASE-8", N_("Give the appointment with its time zone."),
                                field="appointment_at")
        values["appointment_at"] = changes.appointment_at
    return values


def update_case_details(session: Session, case: Case, changes: CaseDetails,
                        actor: Actor) -> list[str]:
    """CASE-4: change the details a case may still change, only while it is not closed.

    The phone is normalised or refused (PRIV-2) and texts kept within their column sizes;
    nothing is changed when one value is refused. The names of the changed columns are
    returned; the audit trail (AUDIT-1, Case.__audited__) records each before and after,
    under the signed-in user or, outside a request (CLI), under `actor`.
    """

    if not cs.is_editable(case.state):
        raise RuleViolation("CASE-4", N_("A closed case cannot be changed, only annotated."))
    changed = []
    for name, value in _detail_values(changes).items():
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    with audit_actor(actor.username):
        session.flush()
    return changed


__all__ = ["Actor", "Clock", "Applicant", "Intake", "SubTaskPlan", "IMMEDIATE",
           "allocate_case_number", "register_intake", "intake_shortfall", "fee_asked_at_delivery",
           "fee_recorded", "still_required",
           "apply_action", "available_actions",
           "record_satisfaction", "complete_sub_task", "annotate", "check_applicant",
           "staff_actor", "requirements_of", "NoticeDeadlines", "deadlines_around_notice",
           "CaseDetails", "KEEP", "CLEAR_APPOINTMENT", "update_case_details"]


def action_parameters(action: str) -> frozenset[str]:
    """CASE-4: the parameters `action` reads (its handler's keyword-only arguments, and the
    free `note` of an action with no text of its own), so a door can refuse any other by
    name instead of letting it fail somewhere inside the handler."""
    handler = _HANDLERS.get(action)
    own = frozenset() if handler is None else frozenset(
        name for name, parameter in signature(handler).parameters.items()
        if parameter.kind is Parameter.KEYWORD_ONLY)
    return own if action in cs.ACTIONS_WITH_OWN_TEXT else own | {"note"}
