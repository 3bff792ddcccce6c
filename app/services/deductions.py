"""扣分/加分 and 失职追究 — manual and automatic score events, dereliction records
(SCORE-1, FAULT-1; the facts of CASE-6, NOTICE-1, NEG-3, ATT-3, MEET-1).

Manual events are recorded by Office with evidence, through the catalogue (app.services.scoring
`build_event`: the item's range, the sign by category, the frozen months of SCORE-3).
Automatic events are generated per month from the facts, each keyed by `source_key`: running
the generation again finds its own events and updates them, adds what is new and deletes what
no longer qualifies — never a duplicate. Complaints (M7) write their own events (source
"complaint"); the generation here leaves them alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case as sql_case, func, select, true
from sqlalchemy.orm import Session, aliased

from app.actor import Actor, Clock
from app.rules.attendance import ABSENT
from app.rules.errors import N_, RuleViolation
from app.rules.input import BUSINESS_YEARS
from app.rules.scoring import days_away_from_post
from app.services.attendance import attendance_settings, compute_days, month_absences, month_bounds
from app.services.case_queries import RUNNING
from app.services.meetings import M5_ITEMS, m5_events
from app.services.refusals import missing_report_condition
from app.services.scoring import (EventInput, build_event, check_points, confirmed_periods,
                                  ensure_month_open, item_by_code, month_start, signed)
from app.services.settings import setting_value
from app.services.transaction import check_version
from models.cases import Case, NoticeViolation, WorkDay
from models.deductions import DERELICTION_KINDS, SANCTIONS, Dereliction
from models.org import Staff, Window
from models.scoring import DeductionItem, SCORE_CATEGORIES, ScoreEvent

MANUAL = "manual"
# The sources this generation owns (M7 "complaint" belongs to the complaints' service).
GENERATED_SOURCES = ("case", "notice_violation", "refusal", "attendance", "off_post", "meeting")
RULE = "SCORE-1"
ONE = Decimal(1)  # one time the catalogue item's points


# --- Manual events (SCORE-1): Office, with evidence --------------------------------------------
def _evidence(text: str | None, field_name: str = "evidence") -> str:
    value = (text or "").strip()
    if not value:
        raise RuleViolation(RULE, N_("Give the evidence: what happened and where it is recorded."),
                            field=field_name)
    return value


def _check_manual_item(item: DeductionItem | None) -> None:
    if item is not None and item.automatic:
        raise RuleViolation(RULE, N_("This item is generated from the records; choose an item "
                                     "recorded by hand."), field="item_id")


def _check_staff(session: Session, values: EventInput) -> None:
    """A person charged must work at the window charged (their current window)."""
    if values.staff_id is None:
        return
    staff = session.get(Staff, values.staff_id)
    if staff is None:
        raise RuleViolation(RULE, N_("Choose an existing staff member."), field="staff_id")
    if values.window_id is not None and staff.window_id != values.window_id:
        raise RuleViolation(RULE, N_("%(name)s does not work at this window."), field="staff_id",
                            name=staff.name)


def _check_not_own(session: Session, staff_id: int | None, actor: Actor) -> None:
    """SCORE-1 (four eyes, issue #18): nobody records, corrects or deletes a deduction or
    bonus of their own staff entry — a colleague of the office does."""
    if staff_id is None:
        return
    if actor.staff_id is not None and actor.staff_id == staff_id:
        own = True
    else:
        own = actor.user_id is not None and session.scalar(
            select(Staff.user_id).where(Staff.id == staff_id)) == actor.user_id
    if own:
        raise RuleViolation(RULE, N_("No one records, corrects or deletes a deduction or bonus "
                                     "of their own: a colleague of the office does it."),
                            field="staff_id")


def record_manual_event(session: Session, values: EventInput, actor: Actor,
                        clock: Clock) -> ScoreEvent:
    """SCORE-1: a deduction or bonus recorded by Office — a catalogue item recorded by hand,
    points within its range, the window (and optionally its staff member), the day, and the
    evidence; never about the recorder themselves. Refused in a confirmed month (SCORE-3).
    Audited by the session (AUDIT-1)."""
    _check_not_own(session, values.staff_id, actor)
    item = session.get(DeductionItem, values.item_id) if values.item_id else None
    _check_manual_item(item)
    if values.window_id is not None and session.get(Window, values.window_id) is None:
        raise RuleViolation(RULE, N_("Choose the window."), field="window_id")
    if values.day is not None and values.day > clock.today:
        raise RuleViolation(RULE, N_("The day cannot be in the future."), field="day")
    event = build_event(session, values, source=MANUAL, recorded_by_id=actor.user_id)
    _check_staff(session, values)
    event.evidence = _evidence(values.evidence)
    session.add(event)
    session.flush()
    return event


def _check_manual_event(event: ScoreEvent) -> None:
    if event.automatic:
        raise RuleViolation(RULE, N_("An automatic deduction follows its source record: correct "
                                     "the record and run the month's generation again."),
                            field="points")


def correct_event(session: Session, event: ScoreEvent, points: Decimal | None,
                  evidence: str | None, actor: Actor, seen_version=None) -> ScoreEvent:
    """SCORE-1: change a manual event's points (within the item's range) and evidence; the
    version the user read must still be the row's (issue #9); refused in a confirmed month
    and for one's own entry."""
    check_version(event, seen_version)
    _check_manual_event(event)
    _check_not_own(session, event.staff_id, actor)
    ensure_month_open(session, event.day)
    magnitude = check_points(event.item, points)
    event.points = signed(event.item, magnitude)
    event.evidence = _evidence(evidence)
    session.flush()
    return event


def remove_event(session: Session, event: ScoreEvent, reason: str | None, actor: Actor,
                 seen_version=None) -> None:
    """SCORE-1: delete a manual event with a reason (never one's own). The reason is written
    into the event first, so the audit trail's delete entry carries it (AUDIT-1)."""
    check_version(event, seen_version)
    _check_manual_event(event)
    _check_not_own(session, event.staff_id, actor)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(RULE, N_("Give the reason for deleting it."), field="reason")
    ensure_month_open(session, event.day)
    # Issue #20: the remover by name (the audit entry of the delete shows this text).
    staff = session.get(Staff, actor.staff_id) if actor.staff_id else None
    who = staff.name if staff is not None else actor.username
    event.evidence = f"{event.evidence or ''}\n[{who}: {reason}]".strip()
    session.flush()
    session.delete(event)
    session.flush()


# --- The catalogue (SCORE-2): Admin's reference data ------------------------------------------
def check_catalogue_item(values: dict) -> None:
    """SCORE-2: an item's category is one of M1..M9 or B (M10, the mutual rating, is no
    item), its points are magnitudes with min <= max."""
    if values.get("category") not in set(SCORE_CATEGORIES) - {"M10"}:
        raise RuleViolation("SCORE-2", N_("Choose a category M1 to M9 or B."), field="category")
    low, high = values.get("points_min"), values.get("points_max")
    if low is not None and Decimal(low) < 0:
        raise RuleViolation("SCORE-2", N_("Points are a magnitude: 0 or more."),
                            field="points_min")
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        raise RuleViolation("SCORE-2", N_("The lowest points cannot exceed the highest."),
                            field="points_max")


CATALOGUE_RULE_CHECKS = (check_catalogue_item,)


# --- Automatic events: the month's generation --------------------------------------------------
@dataclass(frozen=True)
class Wanted:
    """One automatic event the facts call for, before it is matched with the stored ones.
    `units` times the catalogue item's points is its magnitude (SCORE-2: the catalogue is the
    one home of item points; CASE-6: M3 counts one unit per overdue working day)."""

    key: str
    source: str
    source_id: int | None
    code: str
    window_id: int | None
    staff_id: int | None
    day: date
    units: Decimal
    evidence: str


@dataclass
class GenerationResult:
    period: date
    added: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0
    skipped: bool = False  # the month is confirmed (SCORE-3): nothing changed
    by_code: dict[str, int] = field(default_factory=dict)


def month_last(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _ym(first: date) -> str:
    return first.strftime("%Y-%m")


def _later_of(column, value):
    return sql_case((column > value, column), else_=value)


def _earlier_of(column, value):
    return sql_case((column < value, column), else_=value)


def overdue_in_month(session: Session, first: date, last: date, today: date):
    """CASE-6 → M3: (case id, number, window, handler or clerk, deadline, days) for every case
    with overdue working days inside the month: days d with deadline < d <= decision day (or
    withdrawal day, or today), first <= d <= last. Three indexed SQL queries — cases decided in
    or after the month, withdrawn ones, running ones — never the whole case table. By case
    number, so the month's events are created (and listed on one day) in that order."""
    before = first - timedelta(days=1)
    if today < first:
        return []
    rows = []
    for end_column, condition in (
        (Case.decided_on, and_(Case.decided_on >= first, Case.decided_on > Case.deadline)),
        (Case.withdrawn_on, and_(Case.withdrawn_on.is_not(None), Case.withdrawn_on >= first,
                                 Case.withdrawn_on > Case.deadline, Case.decided_on.is_(None))),
        (None, and_(Case.state.in_(RUNNING), Case.decided_on.is_(None),
                    Case.withdrawn_on.is_(None), Case.deadline < today)),
    ):
        end = end_column if end_column is not None else today
        high = _earlier_of(end, last) if end_column is not None else min(today, last)
        low = _later_of(Case.deadline, before)
        high_day, low_day = aliased(WorkDay), aliased(WorkDay)
        high_ordinal = select(high_day.ordinal).where(high_day.day == high).scalar_subquery()
        low_ordinal = select(low_day.ordinal).where(low_day.day == low).scalar_subquery()
        days = func.coalesce(high_ordinal - low_ordinal, 0)
        query = (select(Case.id, Case.number, Case.window_id,
                        func.coalesce(Case.handler_id, Case.clerk_id), Case.deadline,
                        days.label("days"))
                 .where(Case.deadline.is_not(None), Case.deadline < last, condition))
        rows.extend(row for row in session.execute(query) if row.days and row.days > 0)
    return sorted(rows, key=lambda row: row.number)


def _overdue(session: Session, first: date, last: date, today: date) -> list[Wanted]:
    """CASE-6 → M3: one event per case, the item M3-overdue-day's points × its overdue days."""
    wanted = []
    for case_id, number, window_id, staff_id, deadline, days in overdue_in_month(
            session, first, last, today):
        wanted.append(Wanted(f"M3:{case_id}:{_ym(first)}", "case", case_id, "M3-overdue-day",
                             window_id, staff_id, last if today > last else today,
                             Decimal(days), f"{number} · {deadline.isoformat()} · {days}"))
    return wanted


def _notice_violations(session: Session, first: date, last: date) -> list[Wanted]:
    """NOTICE-1 → M2: one deduction per one-time-notice violation found in the month."""
    rows = session.execute(
        select(NoticeViolation.id, NoticeViolation.window_id, NoticeViolation.staff_id,
               NoticeViolation.found_on, NoticeViolation.material_name, Case.number)
        .join(Case, NoticeViolation.case_id == Case.id)
        .where(NoticeViolation.found_on >= first, NoticeViolation.found_on <= last)
        .order_by(NoticeViolation.found_on, NoticeViolation.id))
    return [Wanted(f"M2N:{row.id}:{_ym(first)}", "notice_violation", row.id,
                   "M2-notice-violation", row.window_id, row.staff_id, row.found_on, ONE,
                   f"{row.number} · {row.material_name}") for row in rows]


def _refusals(session: Session, first: date, last: date) -> list[Wanted]:
    """NEG-3 / FAULT-1.7 → M2: a refusal decided in the month, objected, without report."""
    rows = session.execute(
        select(Case.id, Case.number, Case.window_id, func.coalesce(Case.handler_id, Case.clerk_id),
               Case.decided_on)
        .where(missing_report_condition(), Case.decided_on >= first, Case.decided_on <= last)
        .order_by(Case.decided_on, Case.id))
    return [Wanted(f"M2R:{case_id}:{_ym(first)}", "refusal", case_id, "M2-refusal-unreported",
                   window_id, staff_id, decided_on, ONE, number)
            for case_id, number, window_id, staff_id, decided_on in rows]


def _absent_halves(session: Session, first: date, last: date, today: date,
                   staff_ids: list[int]) -> dict[int, dict[date, int]]:
    """ATT-2: staff id → day → its absent half-days (1 or 2), for `staff_ids` only."""
    if not staff_ids:
        return {}
    halves: dict[int, dict[date, int]] = {}
    for result in compute_days(session, first, last, today, staff_ids):
        count = (result.am.status == ABSENT) + (result.pm.status == ABSENT)
        if count:
            halves.setdefault(result.staff_id, {})[result.day] = count
    return halves


def _hours(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _attendance(session: Session, first: date, last: date, today: date) -> list[Wanted]:
    """ATT-3 → M8 (SCORE-2 "−2 for each day on which the staff member left the post half a
    day or more"): the points of item M8-off-post once for each such day — an absent half-day
    or two, or an off-post time over the limit, whatever their number that day
    (`days_away_from_post`) — and once for the month's 4+ late/early (ATT-3: half a day of
    absence on no particular day). Keyed by person and day, so reruns never duplicate."""
    limit = attendance_settings(session).off_post_limit_minutes
    threshold = setting_value(session, "att.late_count_half_day_absence")
    months = month_absences(session, first.year, first.month, today)
    if not months:
        return []
    staff = dict(session.execute(select(Staff.id, Staff.window_id).where(
        Staff.id.in_(list(months)))).all())
    # Days without any clock record are no data (ATT-2) and bring no absent half-day here,
    # except the absence leave records make themselves (an overstay, a revoked leave).
    halves = _absent_halves(session, first, last, today, sorted(
        staff_id for staff_id, month in months.items() if month.absent_half_days))
    ym, wanted = _ym(first), []
    day = min(last, today - timedelta(days=1)) if today > first else first
    for staff_id, month in sorted(months.items()):
        window_id = staff.get(staff_id)
        absent = halves.get(staff_id, {})
        over = {}
        for off_day, minutes in month.off_post:
            if minutes > limit:
                over.setdefault(off_day, []).append(_hours(minutes))
        for away in days_away_from_post(absent, month.off_post, limit):
            facts = [f"{absent[away]}/2"] if away in absent else []
            facts += over.get(away, [])
            wanted.append(Wanted(f"M8D:{staff_id}:{away.isoformat()}",
                                 "attendance" if away in absent else "off_post", staff_id,
                                 "M8-off-post", window_id, staff_id, away, ONE,
                                 " · ".join([away.isoformat(), *facts])))
        if month.late_early >= threshold:
            wanted.append(Wanted(f"M8L:{staff_id}:{ym}", "attendance", staff_id, "M8-off-post",
                                 window_id, staff_id, day, ONE,
                                 f"{ym} · {month.late} + {month.early}"))
    return wanted


def _meetings(session: Session, first: date) -> list[Wanted]:
    """MEET-1 → M5: late (item M5-late), absent without reason (item M5-absent)."""
    codes = {"late": M5_ITEMS[0]}
    return [Wanted(f"M5:{event.attendance_id}:{_ym(first)}", "meeting", event.meeting_id,
                   codes.get(event.status, M5_ITEMS[1]), event.window_id, event.staff_id,
                   event.day, ONE, event.day.isoformat())
            for event in m5_events(session, first)]


def fact_sources(session: Session, first: date, today: date) -> tuple[Callable[[], list[Wanted]], ...]:
    """The five kinds of facts of the month that call for automatic events (SCORE-1), each a
    read of its own: overdue cases, notice violations, refusals without report, attendance,
    meetings."""
    last = month_last(first)
    return (lambda: _overdue(session, first, last, today),
            lambda: _notice_violations(session, first, last),
            lambda: _refusals(session, first, last),
            lambda: _attendance(session, first, last, today),
            lambda: _meetings(session, first))


def wanted_events(session: Session, first: date, today: date) -> list[Wanted]:
    """Every automatic event the facts of the month call for (SCORE-1)."""
    return [wanted for source in fact_sources(session, first, today) for wanted in source()]


def generate_month(session: Session, year: int, month: int, today: date,
                   progress: Callable[[int, int | None], None] | None = None) -> GenerationResult:
    """SCORE-1: the month's automatic deductions from the facts as they are now — added,
    updated or deleted so that the stored events are exactly what the facts call for; running
    it twice changes nothing. A confirmed month (SCORE-3) is skipped. The caller's transaction
    holds the whole month. `progress(done, total)` (a background job's bar, issue #21) is told
    each of the five kinds of facts read, then each event written."""
    first, _last = month_bounds(year, month)  # ATT-2's bounds check: a month of the business years
    result = GenerationResult(first)
    if confirmed_periods(session, [first]):
        result.skipped = True
        return result
    items: dict[str, DeductionItem] = {}
    existing = {event.source_key: event for event in session.scalars(
        select(ScoreEvent).where(ScoreEvent.period == first, ScoreEvent.automatic == true(),
                                 ScoreEvent.source.in_(GENERATED_SOURCES)))}
    sources = fact_sources(session, first, today)
    facts: list[Wanted] = []
    for step, source in enumerate(sources, start=1):
        facts.extend(source())
        if progress is not None:  # reading the facts: the first half of the bar
            progress(step, 2 * len(sources))
    for index, wanted in enumerate(facts, start=1):
        if progress is not None and index % 200 == 0:
            progress(len(facts) + index, 2 * len(facts))
        if wanted.code not in items:
            items[wanted.code] = item_by_code(session, wanted.code)
        item = items[wanted.code]
        magnitude = Decimal(item.points_min) * wanted.units
        if magnitude <= 0:
            continue  # an item of 0 points: nothing to explain (SCORE-7)
        values = dict(item_id=item.id, category=item.category, day=wanted.day,
                      period=month_start(wanted.day), points=signed(item, magnitude),
                      window_id=wanted.window_id, staff_id=wanted.staff_id,
                      evidence=wanted.evidence, source=wanted.source,
                      source_id=wanted.source_id)
        result.by_code[wanted.code] = result.by_code.get(wanted.code, 0) + 1
        event = existing.pop(wanted.key, None)
        if event is None:
            session.add(ScoreEvent(source_key=wanted.key, automatic=True, **values))
            result.added += 1
            continue
        changed = {name: value for name, value in values.items()
                   if getattr(event, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(event, name, value)
            result.updated += 1
        else:
            result.kept += 1
    for stale in existing.values():
        session.delete(stale)
        result.removed += 1
    session.flush()
    return result


def parse_month(text: str | None) -> tuple[int, int]:
    """"2026-10" → (2026, 10), or a RuleViolation under "month" (INPUT-1)."""
    parts = (text or "").strip().split("-")
    if len(parts) == 2 and all(part.isdigit() for part in parts) and len(parts[0]) == 4:
        year, month = int(parts[0]), int(parts[1])
        if BUSINESS_YEARS[0] <= year <= BUSINESS_YEARS[1] and 1 <= month <= 12:
            return year, month
    raise RuleViolation(RULE, N_("Give a month as YYYY-MM, e.g. 2026-10."), field="month")


def months_to_generate(today: date) -> list[tuple[int, int]]:
    """The nightly run: this month, and last month during the first week of this one (late
    corrections still arrive then, as for attendance)."""
    earlier = today - timedelta(days=7)
    return sorted({(today.year, today.month), (earlier.year, earlier.month)})


# --- Dereliction records (FAULT-1) ---------------------------------------------------------------
@dataclass(frozen=True)
class DerelictionInput:
    staff_id: int | None
    kind: int | None
    day: date | None
    sanction: str | None
    evidence: str | None
    case_number: str | None = None


def record_dereliction(session: Session, values: DerelictionInput, actor: Actor,
                       clock: Clock) -> Dereliction:
    """FAULT-1: a dereliction of a staff member — one of the ten kinds, the day, the sanction
    (reminder, criticism, notice of criticism, bonus deduction) and the evidence; the window is
    the staff member's. Audited by the session (AUDIT-1)."""
    rule = "FAULT-1"
    staff = session.get(Staff, values.staff_id) if values.staff_id else None
    if staff is None:
        raise RuleViolation(rule, N_("Choose the staff member."), field="staff_id")
    if values.kind not in DERELICTION_KINDS:
        raise RuleViolation(rule, N_("Choose one of the ten kinds of dereliction."), field="kind")
    if values.day is None:
        raise RuleViolation(rule, N_("Give the day."), field="day")
    if values.day > clock.today:
        raise RuleViolation(rule, N_("The day cannot be in the future."), field="day")
    if values.sanction not in SANCTIONS:
        raise RuleViolation(rule, N_("Choose the sanction."), field="sanction")
    case = None
    number = (values.case_number or "").strip()
    if number:
        case = session.scalars(select(Case).where(Case.number == number)).first()
        if case is None:
            raise RuleViolation(rule, N_("No case has the number %(number)s."),
                                field="case_number", number=number[:40])
    row = Dereliction(staff=staff, window_id=staff.window_id, kind=values.kind, day=values.day,
                      sanction=values.sanction, evidence=_evidence(values.evidence),
                      case=case, recorded_by_id=actor.user_id, recorded_at=clock.now)
    session.add(row)
    session.flush()
    return row


__all__ = ["record_manual_event", "correct_event", "remove_event", "generate_month",
           "overdue_in_month", "wanted_events", "GenerationResult", "Wanted", "parse_month",
           "months_to_generate", "record_dereliction", "DerelictionInput", "GENERATED_SOURCES",
           "MANUAL", "month_last", "check_catalogue_item", "CATALOGUE_RULE_CHECKS"]
