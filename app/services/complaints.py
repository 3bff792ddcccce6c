"""投诉 — record, answer and decide complaints; their M7 deductions and escalation (COMP-1..5).

One function per use case; the caller's transaction() commits. Every change is audited
(Complaint.__audited__, AUDIT-1). The complainant's name and contact are personal data
(PRIV-1): nothing here logs them.

A verified complaint's deductions are score events keyed `complaint:<id>:window:<window>`
(SCORE-1): deciding again updates or removes them, never duplicates them, and the SCORE-3
guard refuses them in a month Leadership has confirmed. They fall in the month the complaint
was received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor, Clock
from app.policy.complaints import complaint_is_complex
from app.rules.complaints import answer_due, escalation_step, may_decide_outcome
from app.rules.errors import N_, RuleViolation
from app.rules.privacy import mask_personal_text
from app.services.calendar import load_calendar
from app.services.scoring import (EventInput, build_event, check_points, ensure_month_open,
                                  item_by_code, month_start, signed)
from app.services.settings import setting_value
from models.cases import Case
from models.complaints import (ANSWER_FORMS, CHANNELS, GRAVITIES, OUTCOMES, Complaint,
                               ComplaintWindow)
from models.org import Staff, Window
from models.scoring import ScoreEvent
from models.types import center_zone

SOURCE = "complaint"
SERIOUS = "serious"
ITEM_BY_GRAVITY = "M7-complaint"
ITEM_SERIOUS = "M7-complaint-serious"


@dataclass
class ComplaintInput:
    """What the office records of a complaint (COMP-1)."""

    channel: str | None
    window_id: int | None
    content: str | None
    anonymous: bool = False
    complainant_name: str | None = None
    complainant_contact: str | None = None
    major: bool = False
    written_record: bool = False
    staff_id: int | None = None
    case_id: int | None = None
    complex: bool = False
    other_window_ids: list[int] = field(default_factory=list)
    promised_on: date | None = None
    received_at: datetime | None = None


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _local_day(instant: datetime) -> date:
    return instant.astimezone(center_zone()).date()


def record_complaint(session: Session, data: ComplaintInput, actor: Actor,
                     clock: Clock) -> Complaint:
    """COMP-1: record a complaint (anonymous allowed; a major matter must be written);
    COMP-2: its answer is due on the promised date (simple) or within the rule setting's
    working days (complex, or two or more windows: the director's)."""
    if data.channel not in CHANNELS:
        raise RuleViolation("COMP-1", N_("Choose the channel the complaint came by."),
                            field="channel")
    window = session.get(Window, data.window_id) if data.window_id else None
    if window is None:
        raise RuleViolation("COMP-1", N_("Choose the window the complaint concerns."),
                            field="window_id")
    content = _text(data.content)
    if content is None:
        raise RuleViolation("COMP-1", N_("Write down what the complaint says."), field="content")
    name, contact = _text(data.complainant_name), _text(data.complainant_contact)
    if data.anonymous:
        name = contact = None
    elif name is None:
        raise RuleViolation("COMP-1", N_("Give the complainant's name, or record the complaint "
                                         "as anonymous."), field="complainant_name")
    written = data.channel in ("letter", "online") or bool(data.written_record)
    if data.major and not written:
        raise RuleViolation("COMP-1", N_("A complaint about a major matter must be written: by "
                                         "letter, online, or taken down in a written record."),
                            field="major")
    staff = None
    if data.staff_id is not None:
        staff = session.get(Staff, data.staff_id)
        if staff is None:
            raise RuleViolation("COMP-1", N_("Choose an existing staff member."),
                                field="staff_id")
    if data.case_id is not None and session.get(Case, data.case_id) is None:
        raise RuleViolation("COMP-1", N_("Choose an existing case."), field="case_id")
    others = []
    for window_id in dict.fromkeys(data.other_window_ids or ()):
        if window_id == window.id:
            continue
        if session.get(Window, window_id) is None:
            raise RuleViolation("COMP-1", N_("Choose the window the complaint concerns."),
                                field="other_window_ids")
        others.append(window_id)
    received_at = data.received_at or clock.now
    received_on = _local_day(received_at) if data.received_at else clock.today
    if received_on > clock.today:
        raise RuleViolation("COMP-1", N_("A complaint cannot be received in the future."),
                            field="received_at")
    complex_case = bool(data.complex or others)
    promised = None if complex_case else data.promised_on
    if promised is not None and promised < received_on:
        raise RuleViolation("COMP-2", N_("The promised answer date cannot be before the day the "
                                         "complaint was received."), field="promised_on")
    due = answer_due(received_on, complex_case, load_calendar(session), promised_on=promised,
                     limit_days=int(setting_value(session, "comp.complex_answer_days")))
    complaint = Complaint(
        received_at=received_at, received_on=received_on, channel=data.channel,
        anonymous=bool(data.anonymous), complainant_name=name, complainant_contact=contact,
        major=bool(data.major), written_record=bool(data.written_record), window=window,
        staff=staff, case_id=data.case_id, content=content,
        complexity="complex" if complex_case else "simple", promised_on=promised, due_on=due,
        state="open", about_attitude=False, recorded_by_id=actor.user_id)
    complaint.other_windows = [ComplaintWindow(window_id=window_id) for window_id in others]
    session.add(complaint)
    session.flush()
    return complaint


def answer_complaint(session: Session, complaint: Complaint, text: str | None,
                     form: str | None, actor: Actor, clock: Clock) -> Complaint:
    """COMP-2: the answer; a written complaint gets a written answer, an oral one may be
    answered orally. Answered, the complaint leaves the open list (closed once decided)."""
    if complaint.state != "open":
        raise RuleViolation("COMP-2", N_("This complaint is already answered."), field="answer")
    answer = _text(text)
    if answer is None:
        raise RuleViolation("COMP-2", N_("Write down the answer given."), field="answer")
    if form not in ANSWER_FORMS:
        raise RuleViolation("COMP-2", N_("Choose how the answer was given."),
                            field="answer_form")
    if complaint.written and form != "written":
        raise RuleViolation("COMP-2", N_("A written complaint gets a written answer."),
                            field="answer_form")
    complaint.answer, complaint.answer_form = answer, form
    complaint.answered_at, complaint.answered_by_id = clock.now, actor.user_id
    complaint.state = "closed" if complaint.outcome else "answered"
    session.flush()
    return complaint


def _event_targets(complaint: Complaint) -> list[tuple[int, int | None]]:
    """(window, staff) of each deduction: the window and staff concerned, and each further
    window the complaint concerns (without a staff member)."""
    targets = [(complaint.window_id, complaint.staff_id)]
    targets += [(row.window_id, None) for row in complaint.other_windows
                if row.window_id != complaint.window_id]
    return targets


def event_key(complaint: Complaint, window_id: int) -> str:
    return f"complaint:{complaint.id}:window:{window_id}"


def complaint_events(session: Session, complaint: Complaint) -> list[ScoreEvent]:
    """COMP-3: the score events a complaint brought (its M7 deductions)."""
    if complaint.id is None:
        return []
    return list(session.scalars(select(ScoreEvent).where(
        ScoreEvent.source == SOURCE, ScoreEvent.source_id == complaint.id)
        .order_by(ScoreEvent.id)))


def _evidence(complaint: Complaint) -> str:
    # PRIV-1: the complaint's text may quote a phone or ID number; the evidence masks them.
    excerpt = mask_personal_text(complaint.content or "")[:200]
    return f"#{complaint.id} {complaint.received_on.isoformat()}: {excerpt}"


def sync_events(session: Session, complaint: Complaint, actor: Actor | None = None) -> None:
    """COMP-3: the M7 deductions of a verified complaint against its staff and window(s);
    none for any other outcome. Idempotent: existing events are updated or removed."""
    existing = {event.source_key: event for event in complaint_events(session, complaint)}
    wanted: dict[str, tuple[int, int | None]] = {}
    if complaint.outcome == "verified":
        wanted = {event_key(complaint, window_id): (window_id, staff_id)
                  for window_id, staff_id in _event_targets(complaint)}
    for key, event in existing.items():
        if key not in wanted:
            ensure_month_open(session, event.day)
            session.delete(event)
    if not wanted:
        return
    serious = complaint.gravity == SERIOUS
    item = item_by_code(session, ITEM_SERIOUS if serious else ITEM_BY_GRAVITY)
    magnitude = None if serious else Decimal(complaint.gravity)
    points = signed(item, check_points(item, magnitude))
    day = complaint.received_on
    for key, (window_id, staff_id) in wanted.items():
        event = existing.get(key)
        if event is None:
            session.add(build_event(
                session, EventInput(item_id=item.id, day=day, points=magnitude,
                                    window_id=window_id, staff_id=staff_id,
                                    evidence=_evidence(complaint)),
                source=SOURCE, source_id=complaint.id, source_key=key, automatic=True,
                recorded_by_id=actor.user_id if actor else None))
            continue
        values = {"item_id": item.id, "category": item.category, "points": points, "day": day,
                  "period": month_start(day), "window_id": window_id, "staff_id": staff_id}
        changed = {name: value for name, value in values.items()
                   if getattr(event, name) != value}
        if changed:
            ensure_month_open(session, event.day)
            ensure_month_open(session, day)
            for name, value in changed.items():
                setattr(event, name, value)
            event.item = item


def _verified_of_year(session: Session, staff_id: int, year: int) -> list[Complaint]:
    return list(session.scalars(select(Complaint).where(
        Complaint.staff_id == staff_id, Complaint.outcome == "verified",
        Complaint.received_on >= date(year, 1, 1), Complaint.received_on <= date(year, 12, 31))
        .order_by(Complaint.received_at, Complaint.id)))


def verified_in_year(session: Session, complaint: Complaint) -> int:
    """COMP-4: the verified complaints about the complaint's staff member in its calendar
    year, up to and including this one."""
    if complaint.staff_id is None or complaint.outcome != "verified":
        return 0
    rows = _verified_of_year(session, complaint.staff_id, complaint.received_on.year)
    return next((n for n, row in enumerate(rows, start=1) if row.id == complaint.id), len(rows))


def _repropose(session: Session, staff_id: int | None, year: int) -> None:
    """COMP-4: the proposed step of each of the staff member's complaints of the year (the
    n-th verified one proposes step n, up to 3); a confirmed step stays as confirmed."""
    if staff_id is None:
        return
    session.flush()
    rows = _verified_of_year(session, staff_id, year)
    for n, row in enumerate(rows, start=1):
        if row.proposed_step != escalation_step(n):
            row.proposed_step = escalation_step(n)
    unverified = session.scalars(select(Complaint).where(
        Complaint.staff_id == staff_id, Complaint.proposed_step.is_not(None),
        Complaint.outcome.is_distinct_from("verified"),
        Complaint.received_on >= date(year, 1, 1), Complaint.received_on <= date(year, 12, 31)))
    for row in unverified:
        row.proposed_step = None


class DirectorDecides(RuleViolation):
    """COMP-2: the outcome of a complex complaint is the director's: anyone else is refused
    (403 in the API, next to the outcome on the page)."""


def actor_position(session: Session, actor: Actor) -> str | None:
    """The position (Staff.position) of the person acting: their Staff row, by the actor's
    staff id or else by their login."""
    if actor.staff_id is not None:
        return session.scalar(select(Staff.position).where(Staff.id == actor.staff_id))
    if actor.user_id is None:
        return None
    return session.scalar(select(Staff.position).where(Staff.user_id == actor.user_id)
                          .order_by(Staff.id).limit(1))


def check_outcome_decider(session: Session, complaint: Complaint, actor: Actor) -> None:
    """COMP-2: a complex complaint "goes to the director": only the center's director posts
    its outcome (verified or not); Office still records, answers and tracks it."""
    if not may_decide_outcome(complaint_is_complex(complaint), actor_position(session, actor)):
        raise DirectorDecides("COMP-2", N_("A complex complaint, or one concerning two or more "
                                           "windows, is decided by the center's director."),
                              field="outcome")


def decide_outcome(session: Session, complaint: Complaint, outcome: str | None,
                   gravity: str | None, about_attitude: bool, actor: Actor,
                   clock: Clock) -> Complaint:
    """COMP-3: verified (查实) or not verified — for a complex complaint by the director only
    (COMP-2). A verified complaint takes its M7 points by gravity (2..5, or "serious": 10)
    from the staff and window(s), proposes the COMP-4 step, and when about language or
    attitude triggers the COMP-5 exclusions. Deciding again updates or removes the deductions
    (never duplicates them)."""
    check_outcome_decider(session, complaint, actor)
    if outcome not in OUTCOMES:
        raise RuleViolation("COMP-3", N_("Choose verified or not verified."), field="outcome")
    if outcome == "verified" and gravity not in GRAVITIES:
        raise RuleViolation("COMP-3", N_("Choose the gravity of the verified complaint."),
                            field="gravity")
    if complaint.confirmed_step is not None and outcome != "verified":
        raise RuleViolation("COMP-4", N_("Leadership has confirmed the escalation of this "
                                         "complaint: it stays verified."), field="outcome")
    complaint.outcome = outcome
    complaint.gravity = gravity if outcome == "verified" else None
    complaint.about_attitude = bool(about_attitude) if outcome == "verified" else False
    complaint.decided_at, complaint.decided_by_id = clock.now, actor.user_id
    if complaint.state == "answered":
        complaint.state = "closed"
    sync_events(session, complaint, actor)
    _repropose(session, complaint.staff_id, complaint.received_on.year)
    session.flush()
    return complaint


def confirm_escalation(session: Session, complaint: Complaint, step: int | None, actor: Actor,
                       clock: Clock, leadership: bool) -> Complaint:
    """COMP-4: Leadership confirms the proposed step (or another of 1..3) for a verified
    complaint about a staff member."""
    if not leadership:
        raise RuleViolation("COMP-4", N_("Only Leadership confirms an escalation step."),
                            field="step")
    if complaint.outcome != "verified" or complaint.staff_id is None:
        raise RuleViolation("COMP-4", N_("Only a verified complaint about a staff member is "
                                         "escalated."), field="step")
    step = complaint.proposed_step if step is None else step
    if step not in (1, 2, 3):
        raise RuleViolation("COMP-4", N_("Choose step 1, 2 or 3."), field="step")
    complaint.confirmed_step = step
    complaint.step_confirmed_by_id, complaint.step_confirmed_at = actor.user_id, clock.now
    session.flush()
    return complaint


def is_overdue(complaint: Complaint, today: date) -> bool:
    """COMP-2: not answered and its due date has passed."""
    return complaint.state == "open" and complaint.due_on < today


def attitude_exclusions(session: Session, start: date, end: date) -> tuple[set[int], set[int]]:
    """COMP-5: (staff ids, window ids) with a verified complaint about language or attitude
    received between `start` and `end` (inclusive): those staff leave the quarter's 服务明星,
    those windows the month's 满意窗口. The window is the one the complaint concerns (its
    staff member's), not the further windows of a complex complaint."""
    rows = session.execute(select(Complaint.staff_id, Complaint.window_id).where(
        Complaint.outcome == "verified", Complaint.about_attitude.is_(True),
        Complaint.received_on >= start, Complaint.received_on <= end)).all()
    return ({staff for staff, _ in rows if staff is not None}, {window for _, window in rows})


__all__ = ["ComplaintInput", "record_complaint", "answer_complaint", "decide_outcome",
           "DirectorDecides", "actor_position", "check_outcome_decider",
           "confirm_escalation", "sync_events", "complaint_events", "verified_in_year",
           "is_overdue", "attitude_exclusions",
           "event_key"]
