"""半年考核 — computing, entering and confirming the semi-annual individual assessment
(SCORE-5/6/7).

Where each part's items come from (001 考核办法, RULES.md SCORE-5; the scale is ours where
001 gives none, noted per line):
- 德 / 能: entered by the office per person (`manual_de`, `manual_neng`).
- 勤 (15 = attendance 8 + meetings 2 + duty 5): −1 per absence day of ATT-3
  (`app.services.attendance.month_absences`, half days as ½; only months with clock records
  at all — a month never imported is no data, not everyone absent); meetings as M5 counts them
  (`app.services.meetings.m5_events`: the points of the catalogue items M5-late and
  M5-absent); −1 per past duty day without its duty log (ROSTER-2).
- 绩 (40): on-time rate of the cases the person decided in the half-year (handler, decided
  on ≤ deadline), −semi.ontime_per_point per percentage point below 100%, within 10; −1 per
  case the applicant rated dissatisfied, within 10; accuracy entered by the office
  (`wrong_result`, −1 to −2 per wrong result), within 10; 信息报送 reporting entered by the
  office (`reporting`, 001 gives no scale), within 5; innovation (+5 per proven improvement)
  entered by the office — the part capped at its maximum by `semiannual_score`.
- 廉: the person's M6 integrity score events of the half-year (their points), and the office's
  manual entry.
- Bonus: praises by kind (`PRAISE_POINTS`), capped at semi.bonus_cap.
The part maxima are the settings semi.part_*_max (seeded with `app.rules.scoring.SEMIANNUAL_PARTS`,
德15 能15 勤15 绩40 廉15): the score, its explanation and the office's entry limits all read them.

Facts are read for every person at once (GROUP BY handler, one query per source, one call per
month for attendance and meetings), never one query per person. A draft is recomputed at will:
computed items are updated in place (unchanged ones untouched, so the audit trail shows only
real changes), the office's manual items are kept. A confirmed assessment is frozen.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import case, event, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.rules.errors import N_, RuleViolation
from app.rules.intake import DISSATISFIED
from app.rules.scoring import SEMIANNUAL_PARTS, grades, semiannual_score
from app.rules.semiannual import (KINDS, MANUAL_KINDS, PRAISE_POINTS, SUBITEMS, Applied,
                                  breakdown, grade_category, ontime_deduction)
from app.services.settings import setting_value
from models.attendance import ClockRecord
from models.cases import Case
from models.org import Staff
from models.roster import DutyShift
from models.scoring import ScoreEvent
from models.semiannual import SemiannualAssessment, SemiannualEntry, SemiannualItem

RULE = "SCORE-5"
#: SCORE-5 勤: points off per ATT-3 absence day (001 gives 8 points for attendance, no scale).
ABSENCE_DAY_POINTS = Decimal("1")
#: SCORE-5 勤: points off per duty day without its duty log (ROSTER-2), within the duty 5.
MISSING_LOG_POINTS = Decimal("1")
#: SCORE-5 绩: points off per dissatisfied result (001: −1 to −2; the lower bound).
DISSATISFIED_POINTS = Decimal("1")


def part_maxima(session: Session) -> dict[str, Decimal]:
    """SCORE-5: each part's maximum, from the settings semi.part_<part>_max."""
    return {part: setting_value(session, f"semi.part_{part}_max") for part in SEMIANNUAL_PARTS}


def manual_limits(maxima) -> dict[str, Decimal]:
    """SCORE-5: the most the office may enter per person for each manual kind (a part's
    maximum, or the accuracy or reporting sub-item's)."""
    return {"manual_de": maxima["de"], "manual_neng": maxima["neng"],
            "wrong_result": SUBITEMS["accuracy"][1], "reporting": SUBITEMS["reporting"][1],
            "manual_lian": maxima["lian"], "innovation": maxima["ji"]}


def half_bounds(year: int, half: int) -> tuple[date, date]:
    """The first and last day of half-year `half` (1: January–June, 2: July–December)."""
    if half not in (1, 2):
        raise RuleViolation(RULE, N_("The half-year is 1 or 2."), field="half")
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1),
                                                                    date(year, 12, 31))


# --- The assessment ---------------------------------------------------------------------------
def find_assessment(session: Session, year: int, half: int) -> SemiannualAssessment | None:
    return session.scalars(select(SemiannualAssessment).where(
        SemiannualAssessment.year == year, SemiannualAssessment.half == half)).one_or_none()


def create_assessment(session: Session, year: int, half: int,
                      user_id: int | None = None) -> SemiannualAssessment:
    """SCORE-5: open the draft assessment of a half-year (one per half-year)."""
    half_bounds(year, half)
    if find_assessment(session, year, half) is not None:
        raise RuleViolation(RULE, N_("This half-year already has its assessment."), field="half")
    assessment = SemiannualAssessment(year=year, half=half, state="draft", created_by_id=user_id)
    session.add(assessment)
    session.flush()
    return assessment


def ensure_draft(assessment: SemiannualAssessment) -> None:
    """SCORE-6: a confirmed assessment is frozen — no recompute, entry or praise changes it."""
    if assessment.state != "draft":
        raise RuleViolation("SCORE-6", N_("This assessment is confirmed and can no longer be "
                                          "changed."), field="state")


def confirm(session: Session, assessment: SemiannualAssessment, user_id: int | None,
            now: datetime) -> SemiannualAssessment:
    """SCORE-6: Leadership confirms the computed grades; the assessment is frozen from then on."""
    ensure_draft(assessment)
    if assessment.computed_at is None:
        raise RuleViolation("SCORE-6", N_("Compute the assessment before confirming it."),
                            field="state")
    assessment.state = "confirmed"
    assessment.confirmed_by_id = user_id
    assessment.confirmed_at = now
    session.flush()
    return assessment


# --- The facts, for everyone at once ------------------------------------------------------------
@dataclass(frozen=True)
class Fact:
    """One computed item of a person (SCORE-7 evidence: the month, day, case or event)."""

    kind: str
    points: Decimal  # signed
    evidence: str
    source: str
    source_id: int | None = None

    @property
    def key(self):
        return (self.kind, self.source, self.source_id, self.evidence)


def months_with_clock_data(session: Session, start: date, end: date) -> set[int]:
    """The months of the half-year with any clock record: only those count for 勤's attendance
    ("from the data where it exists") — a month never imported would make everyone absent."""
    month = func.extract("month", ClockRecord.day)
    return {int(m) for m in session.scalars(select(month).where(
        ClockRecord.day >= start, ClockRecord.day <= end).group_by(month))}


def _attendance_facts(session, start, end, today, facts) -> None:
    from app.services.attendance import month_absences

    with_data = months_with_clock_data(session, start, end)
    for month in range(start.month, end.month + 1):
        first = date(start.year, month, 1)
        if first > today:
            break
        if month not in with_data:
            continue
        for staff_id, summary in month_absences(session, start.year, month, today).items():
            if summary.absence_days > 0:
                facts[staff_id].append(Fact(
                    "attendance_absence", -summary.absence_days * ABSENCE_DAY_POINTS,
                    f"{first:%Y-%m}: {summary.absence_days}", "attendance"))


def _meeting_facts(session, start, end, today, facts) -> None:
    from app.services.meetings import m5_events

    for month in range(start.month, end.month + 1):
        first = date(start.year, month, 1)
        if first > today:
            break
        for event in m5_events(session, first):
            kind = "meeting_late" if event.status == "late" else "meeting_absent"
            facts[event.staff_id].append(Fact(kind, -Decimal(event.points),
                                              event.day.isoformat(), "meeting", event.meeting_id))


def _duty_facts(session, start, end, today, facts) -> None:
    from app.services.roster import missing_log_condition

    owner = func.coalesce(DutyShift.substitute_id, DutyShift.staff_id)
    rows = session.execute(select(owner, DutyShift.id, DutyShift.day).where(
        missing_log_condition(today), DutyShift.day >= start, DutyShift.day <= end)
        .order_by(DutyShift.day, DutyShift.id))
    for staff_id, shift_id, day in rows:
        if staff_id is not None:
            facts[staff_id].append(Fact("duty_log_missing", -MISSING_LOG_POINTS, day.isoformat(),
                                        "duty", shift_id))


def ontime_counts(session: Session, start: date, end: date) -> dict[int, tuple[int, int]]:
    """SCORE-5: per handler, (cases decided from `start` to `end`, of them decided on or
    before their deadline) — one GROUP BY."""
    on_time = func.sum(case((Case.decided_on <= Case.deadline, 1), else_=0))
    rows = session.execute(select(Case.handler_id, func.count(Case.id), on_time).where(
        Case.handler_id.is_not(None), Case.decided_on >= start, Case.decided_on <= end,
        Case.deadline.is_not(None)).group_by(Case.handler_id))
    return {handler: (int(decided), int(timely or 0)) for handler, decided, timely in rows}


def _case_facts(session, start, end, facts) -> None:
    per_point = setting_value(session, "semi.ontime_per_point")
    for staff_id, (decided, timely) in ontime_counts(session, start, end).items():
        off, rate = ontime_deduction(decided, timely, per_point)
        if off > 0:
            facts[staff_id].append(Fact("ontime_rate", -off, f"{timely}/{decided} = {rate}%",
                                        "case"))
    rows = session.execute(select(Case.handler_id, Case.id, Case.number).where(
        Case.handler_id.is_not(None), Case.satisfaction == DISSATISFIED,
        Case.decided_on >= start, Case.decided_on <= end).order_by(Case.decided_on, Case.id))
    for staff_id, case_id, number in rows:
        facts[staff_id].append(Fact("dissatisfied", -DISSATISFIED_POINTS, number, "case", case_id))


def _integrity_facts(session, start, end, facts) -> None:
    rows = session.execute(select(ScoreEvent.staff_id, ScoreEvent.id, ScoreEvent.day,
                                  ScoreEvent.points, ScoreEvent.evidence).where(
        ScoreEvent.category == "M6", ScoreEvent.staff_id.is_not(None),
        ScoreEvent.period >= start, ScoreEvent.period <= end, ScoreEvent.points < 0)
        .order_by(ScoreEvent.day, ScoreEvent.id))
    for staff_id, event_id, day, points, evidence in rows:
        text = f"{day.isoformat()} {evidence}" if evidence else day.isoformat()
        facts[staff_id].append(Fact("integrity", Decimal(points), text[:500], "score_event",
                                    event_id))


def collect_facts(session: Session, year: int, half: int, today: date) -> dict[int, list[Fact]]:
    """SCORE-5: every person's computed items of the half-year, as the facts stand on `today`."""
    start, end = half_bounds(year, half)
    facts: dict[int, list[Fact]] = defaultdict(list)
    if start > today:
        return facts
    _attendance_facts(session, start, end, today, facts)
    _meeting_facts(session, start, end, today, facts)
    _duty_facts(session, start, end, today, facts)
    _case_facts(session, start, end, facts)
    _integrity_facts(session, start, end, facts)
    return facts


# --- Computing ---------------------------------------------------------------------------------
def _sync_items(entry: SemiannualEntry, facts: list[Fact]) -> None:
    """Computed items as the facts say now: unchanged ones kept, changed points updated,
    vanished facts removed, new ones added; manual items untouched."""
    wanted = {fact.key: fact for fact in facts}
    for item in list(entry.items):
        if item.manual:
            continue
        key = (item.kind, item.source, item.source_id, item.evidence)
        fact = wanted.pop(key, None)
        if fact is None:
            entry.items.remove(item)
        elif item.points != fact.points:
            item.points = fact.points
    for fact in facts:
        if fact.key in wanted:
            entry.items.append(SemiannualItem(
                part=KINDS[fact.kind][0], kind=fact.kind, points=fact.points,
                evidence=fact.evidence, source=fact.source, source_id=fact.source_id,
                manual=False))


def _set(entry, name, value) -> None:
    """Assign only when different, so an unchanged entry is not updated (nor audited)."""
    if getattr(entry, name) != value:
        setattr(entry, name, value)


def grade_settings(session: Session) -> tuple[Decimal, tuple[Decimal, Decimal, Decimal]]:
    """SCORE-6: the 优秀 share (the setting is a percentage) and the three thresholds."""
    share = setting_value(session, "grade.excellent_share") / Decimal(100)
    thresholds = tuple(setting_value(session, key) for key in
                       ("grade.excellent", "grade.competent", "grade.basic"))
    return share, thresholds


def rescore(session: Session, assessment: SemiannualAssessment) -> None:
    """SCORE-5/6: every entry's parts, bonus and total from its stored items, then the grades
    per grade scale (civil servants; institution and other staff) with the settings'
    thresholds and 优秀 share."""
    session.flush()  # new entries get their ids (the keys of the grading)
    bonus_cap, maxima = setting_value(session, "semi.bonus_cap"), part_maxima(session)
    totals: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for entry in assessment.entries:
        result = breakdown((item.kind, item.points) for item in entry.items)
        score = semiannual_score(result.deductions, innovation=result.innovation,
                                 bonus=result.bonus, bonus_cap=bonus_cap, part_maxima=maxima)
        for part in SEMIANNUAL_PARTS:
            _set(entry, f"off_{part}", result.deductions[part])
            _set(entry, part, score.parts[part])
        _set(entry, "innovation", result.innovation)
        _set(entry, "bonus_raw", result.bonus)
        _set(entry, "bonus", score.bonus)
        _set(entry, "total", score.total)
        totals[grade_category(entry.staff_category)][entry.id] = score.total
    share, thresholds = grade_settings(session)
    by_id = {entry.id: entry for entry in assessment.entries}
    for scale, scores in totals.items():
        for entry_id, grade in grades(scores, scale, share, thresholds).items():
            _set(by_id[entry_id], "grade", grade)
    session.flush()


def _load(session: Session, assessment: SemiannualAssessment) -> None:
    session.scalars(select(SemiannualEntry).where(SemiannualEntry.assessment_id == assessment.id)
                    .options(selectinload(SemiannualEntry.items),
                             selectinload(SemiannualEntry.staff))).all()


def compute(session: Session, year: int, half: int, today: date,
            user_id: int | None = None, now: datetime | None = None) -> SemiannualAssessment:
    """SCORE-5/6: (re)compute the half-year's draft for every active staff member (and anyone
    who already has an entry): computed items from the facts, manual items kept, then the
    parts, totals and grades. Opens the draft if there is none; a confirmed one is refused."""
    assessment = find_assessment(session, year, half)
    if assessment is None:
        assessment = create_assessment(session, year, half, user_id)
    ensure_draft(assessment)
    _load(session, assessment)
    facts = collect_facts(session, year, half, today)
    entries = {entry.staff_id: entry for entry in assessment.entries}
    staff_rows = session.scalars(select(Staff).where(or_(
        Staff.is_active.is_(True), Staff.id.in_(list(entries) or [-1])))).all()
    for staff in staff_rows:
        entry = entries.get(staff.id)
        if entry is None:
            entry = SemiannualEntry(staff=staff, staff_category=staff.category,
                                    **{f"off_{p}": Decimal(0) for p in SEMIANNUAL_PARTS},
                                    innovation=Decimal(0), bonus_raw=Decimal(0))
            assessment.entries.append(entry)
        _set(entry, "staff_category", staff.category)
        _sync_items(entry, facts.get(staff.id, []))
    session.flush()
    rescore(session, assessment)
    if now is None:
        from app.context import clock

        now = clock().now
    assessment.computed_at = now
    session.flush()
    return assessment


# --- The office's entries ---------------------------------------------------------------------
def manual_values(entry: SemiannualEntry) -> dict[str, Decimal]:
    """The office's manual points per kind of an entry, as magnitudes (for the form)."""
    values = {kind: Decimal(0) for kind in MANUAL_KINDS}
    for item in entry.items:
        if item.manual and item.kind in values:
            values[item.kind] += abs(item.points)
    return values


def _checked_amount(kind: str, value, staff_id: int, limits: dict[str, Decimal]) -> Decimal:
    field = f"{kind}_{staff_id}"
    try:
        amount = Decimal(str(value if value not in (None, "") else 0).strip())
    except ArithmeticError:
        raise RuleViolation(RULE, N_("Enter a number of points."), field=field) from None
    if not amount.is_finite() or amount < 0 or amount > limits[kind] \
            or amount != amount.quantize(Decimal("0.1")):
        raise RuleViolation(RULE, N_("Enter between 0 and %(limit)s points, in steps of 0.1."),
                            field=field, limit=limits[kind])
    return amount


def save_entries(session: Session, assessment: SemiannualAssessment,
                 values: dict[int, dict[str, object]], user_id: int | None) -> int:
    """SCORE-5: the office's 德/能/accuracy/reporting/廉/innovation points per person
    (magnitudes: points off, or innovation added) and notes; each kind is one manual item per person, replaced by
    the value entered (0 removes it). Returns the number of entries changed. Rescored at once."""
    ensure_draft(assessment)
    _load(session, assessment)
    entries = {entry.staff_id: entry for entry in assessment.entries}
    limits = manual_limits(part_maxima(session))
    changed = 0
    for staff_id, fields in values.items():
        entry = entries.get(staff_id)
        if entry is None:
            raise RuleViolation(RULE, N_("This person has no entry in the assessment: compute "
                                         "it first."), field="staff")
        before = manual_values(entry)
        touched = False
        for kind in MANUAL_KINDS:
            if kind not in fields:
                continue
            amount = _checked_amount(kind, fields[kind], staff_id, limits)
            if amount == before[kind]:
                continue
            touched = True
            for item in [i for i in entry.items if i.manual and i.kind == kind]:
                entry.items.remove(item)
            if amount:
                sign = 1 if kind == "innovation" else -1
                entry.items.append(SemiannualItem(
                    part=KINDS[kind][0], kind=kind, points=sign * amount, manual=True,
                    evidence=(fields.get("evidence") or None), source="manual",
                    recorded_by_id=user_id))
        if "notes" in fields:
            notes = (str(fields["notes"] or "").strip() or None)
            if notes is not None and len(notes) > 2000:
                raise RuleViolation(RULE, N_("The notes are too long."), field=f"notes_{staff_id}")
            if notes != entry.notes:
                entry.notes = notes
                touched = True
        changed += touched
    session.flush()
    rescore(session, assessment)
    return changed


def add_praise(session: Session, assessment: SemiannualAssessment, staff_id: int, kind: str,
               evidence: str, user_id: int | None) -> SemiannualItem:
    """SCORE-5 受奖附加: a praise of one person, by kind (its points fixed by the kind), with
    its evidence (who praised, when, the document)."""
    ensure_draft(assessment)
    if kind not in PRAISE_POINTS:
        raise RuleViolation(RULE, N_("Choose the kind of praise."), field="kind")
    evidence = (evidence or "").strip()
    if not evidence:
        raise RuleViolation(RULE, N_("Describe the praise (who, when, the document)."),
                            field="evidence")
    if len(evidence) > 500:
        raise RuleViolation(RULE, N_("The evidence is too long."), field="evidence")
    _load(session, assessment)
    entry = next((e for e in assessment.entries if e.staff_id == staff_id), None)
    if entry is None:
        raise RuleViolation(RULE, N_("This person has no entry in the assessment: compute it "
                                     "first."), field="staff")
    item = SemiannualItem(part="bonus", kind=kind, points=PRAISE_POINTS[kind], manual=True,
                          evidence=evidence, source="manual", recorded_by_id=user_id)
    entry.items.append(item)
    session.flush()
    rescore(session, assessment)
    return item


def remove_praise(session: Session, item: SemiannualItem) -> None:
    """SCORE-5: take back a praise entered by mistake (draft only)."""
    assessment = item.entry.assessment
    ensure_draft(assessment)
    if item.kind not in PRAISE_POINTS:
        raise RuleViolation(RULE, N_("Only a praise can be removed here."), field="kind")
    item.entry.items.remove(item)
    session.flush()
    rescore(session, assessment)


# --- SCORE-7: the explanation -----------------------------------------------------------------
@dataclass
class PartExplanation:
    part: str
    maximum: Decimal
    items: list[SemiannualItem]
    applied: list[Applied]
    off: Decimal  # points off after the sub-item caps
    innovation: Decimal
    floored: bool  # the deductions exceeded the part: it stops at zero
    capped: bool  # 绩 with innovation would exceed its maximum
    score: Decimal


@dataclass
class Explanation:
    entry: SemiannualEntry
    parts: list[PartExplanation]
    praises: list[SemiannualItem]
    bonus_raw: Decimal
    bonus_cap: Decimal
    bonus: Decimal
    total: Decimal


def explain(session: Session, entry: SemiannualEntry) -> Explanation:
    """SCORE-7: every part of a person's half-year with the items behind it, the sub-item caps,
    the floor at zero and the 绩 cap — recomputed from the items by the same rule functions, so
    what is shown adds up to the stored score."""
    result = breakdown((item.kind, item.points) for item in entry.items)
    bonus_cap, maxima = setting_value(session, "semi.bonus_cap"), part_maxima(session)
    score = semiannual_score(result.deductions, innovation=result.innovation,
                             bonus=result.bonus, bonus_cap=bonus_cap, part_maxima=maxima)
    parts = []
    for part, maximum in maxima.items():
        off = result.deductions[part]
        innovation = result.innovation if part == "ji" else Decimal(0)
        parts.append(PartExplanation(
            part, maximum, [i for i in entry.items if i.part == part],
            [a for a in result.applied if a.part == part], off, innovation,
            floored=off > maximum, capped=max(Decimal(0), maximum - off) + innovation > maximum,
            score=score.parts[part]))
    return Explanation(entry, parts, [i for i in entry.items if i.part == "bonus"],
                       result.bonus, bonus_cap, score.bonus, score.total)


# --- SCORE-6: the frozen confirmed assessment, whatever the door -----------------------------------
def _assessment_ids(session: Session) -> set[int]:
    ids = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, SemiannualItem):
            entry = obj.entry
            ids.add(entry.assessment_id if entry is not None else None)
        elif isinstance(obj, SemiannualEntry):
            ids.add(obj.assessment_id if obj.assessment_id is not None else
                    getattr(obj.assessment, "id", None))
        elif isinstance(obj, SemiannualAssessment) and obj not in session.new:
            ids.add(obj.id)
    ids.discard(None)
    return ids


def _guard_confirmed(session: Session, _flush_context, _instances) -> None:
    """Refuse any change to the entries and items of an assessment confirmed in the database
    (or to the confirmed assessment itself); the confirming flush passes, since the stored
    state is still "draft" then."""
    with session.no_autoflush:
        ids = _assessment_ids(session)
        if not ids:
            return
        confirmed = session.execute(select(SemiannualAssessment.id).where(
            SemiannualAssessment.id.in_(ids), SemiannualAssessment.state == "confirmed")).first()
    if confirmed is not None:
        raise RuleViolation("SCORE-6", N_("This assessment is confirmed and can no longer be "
                                          "changed."), field="state")


def guard_confirmed_assessments() -> None:
    """Install the SCORE-6 freeze on every ORM session (idempotent; called by create_app)."""
    if not event.contains(Session, "before_flush", _guard_confirmed):
        event.listen(Session, "before_flush", _guard_confirmed)


# --- Scope (ORG-2): whose entries a user sees -----------------------------------------------------
def entry_scope_condition(scope):
    """SQL condition on SemiannualEntry for a scope from app.security.semiannual_scope():
    None (all), ("window", id) or ("own", staff id)."""
    if scope is None:
        return None
    kind, value = scope
    if kind == "window":
        return SemiannualEntry.staff_id.in_(select(Staff.id).where(Staff.window_id == value))
    return SemiannualEntry.staff_id == value


__all__ = ["compute", "create_assessment", "confirm", "save_entries", "add_praise",
           "remove_praise", "explain", "rescore", "half_bounds", "find_assessment",
           "ontime_counts", "collect_facts", "manual_values", "entry_scope_condition",
           "guard_confirmed_assessments"]
