"""半年考核 — computing, entering and confirming the semi-annual individual assessment
(SCORE-5/6/7).

Where each part's items come from (001 考核办法, RULES.md SCORE-5; the scale is ours where
001 gives none, noted per line):
- 德 / 能: entered by the office per person (`manual_de`, `manual_neng`).
- 勤 (15 = attendance 8 + meetings 2 + duty 5), the points the semi.* settings (`qin_points`):
  attendance — −semi.absence_half_day_points per half day of ATT-3 absence
  (`app.services.attendance.month_absences`; only months with clock records at all — a month
  never imported is no data, not everyone absent); −semi.leave_over_points once a year when
  the year's approved sick + personal leave (working days actually taken, public holidays and
  weekends not counted, as LEAVE-4 counts them) passes semi.leave_days_limit — in the half-year
  in which it passes; −semi.late_early_points for every semi.late_early_count late arrivals or
  early leaves of the half-year; −semi.empty_post_points for each empty post (空岗): an
  inspection's off-post record (离岗, `OffPostRecord`, the M8 finding) of at most the ATT-3
  limit — a longer one is already half a day of absence (ATT-3) and counts there once.
  Meetings (MEET-1 attendance, `app.services.meetings.m5_events`): late
  −semi.meeting_late_points, absent without reason −semi.meeting_absent_points. Duty: leaving
  the post on one's own duty day (an off-post record on a day one is on duty, ROSTER-1) is
  absence — half a day's points, counted under duty and not again under attendance; −1 per
  past duty day without its duty log (ROSTER-2).
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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, event, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.rules.errors import N_, RuleViolation
from app.rules.intake import DISSATISFIED
from app.rules.leave import leave_working_days
from app.rules.points import format_points
from app.rules.scoring import SEMIANNUAL_PARTS, grades, part_base, semiannual_score
from app.rules.semiannual import (KINDS, MANUAL_KINDS, PRAISE_POINTS, SUBITEMS, Applied,
                                  QinPoints, absence_deduction, breakdown, grade_category,
                                  late_early_deduction, leave_deduction, ontime_deduction)
from app.services.attendance import attendance_settings, month_absences
from app.services.calendar import load_calendar
from app.services.leave import APPROVED, PERSONAL, SICK, taken_period_of
from app.services.meetings import m5_events
from app.services.roster import missing_log_condition
from app.services.settings import setting_value
from models.attendance import ClockRecord, OffPostRecord
from models.cases import Case
from models.leave import LeaveRequest
from models.org import Staff
from models.roster import DutyShift
from models.scoring import ScoreEvent
from models.semiannual import SemiannualAssessment, SemiannualEntry, SemiannualItem

RULE = "SCORE-5"
#: SCORE-5 勤: points off per duty day without its duty log (ROSTER-2), within the duty 5.
MISSING_LOG_POINTS = Decimal("1")
#: SCORE-5 绩: points off per dissatisfied result (001: −1 to −2; the lower bound).
DISSATISFIED_POINTS = Decimal("1")


def part_maxima(session: Session) -> dict[str, Decimal]:
    """SCORE-5: each part's maximum, from the settings semi.part_<part>_max."""
    return {part: setting_value(session, f"semi.part_{part}_max") for part in SEMIANNUAL_PARTS}


def qin_points(session: Session) -> QinPoints:
    """SCORE-5 勤: the points of its attendance and meeting items, from the semi.* settings."""
    return QinPoints(
        absence_half_day=setting_value(session, "semi.absence_half_day_points"),
        leave_days_limit=setting_value(session, "semi.leave_days_limit"),
        leave_over=setting_value(session, "semi.leave_over_points"),
        late_early_count=setting_value(session, "semi.late_early_count"),
        late_early=setting_value(session, "semi.late_early_points"),
        empty_post=setting_value(session, "semi.empty_post_points"),
        meeting_late=setting_value(session, "semi.meeting_late_points"),
        meeting_absent=setting_value(session, "semi.meeting_absent_points"))


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


def own_staff_id(session: Session, user_id: int | None) -> int | None:
    """The staff member the signed-in user is (None for a login without a staff row)."""
    if user_id is None:
        return None
    return session.scalar(select(Staff.id).where(Staff.user_id == user_id))


def refuse_own_entry(session: Session, staff_id: int, user_id: int | None) -> None:
    """SCORE-5 (issue #18, four eyes): no one enters points, praise or innovation for their
    own entry — the office's entries of someone else are what the rule gives it."""
    if staff_id is not None and staff_id == own_staff_id(session, user_id):
        raise RuleViolation(RULE, N_("No one enters points, praise or innovation for their own "
                                     "entry: a colleague of the office does."),
                            field="staff")


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
    _load(session, assessment)
    for tie in excellent_ties(session, assessment):
        if tie.unresolved:
            raise RuleViolation(
                "SCORE-6", N_("%(count)s people are tied at %(total)s for the last %(seats)s "
                              "excellent seat(s): choose among them before confirming."),
                field="chosen", count=len(tie.entries), total=format_points(tie.total, score=True),
                seats=tie.seats_left)
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


def _months(start: date, end: date, today: date) -> list[date]:
    """The first days of the half-year's months that have begun by `today`."""
    return [date(start.year, month, 1) for month in range(start.month, end.month + 1)
            if date(start.year, month, 1) <= today]


def duty_days(session: Session, start: date, end: date, today: date) -> set[tuple[int, date]]:
    """ROSTER-1: (staff id, day) of everyone on duty on a past day of the period — the
    substitute when one was arranged."""
    owner = func.coalesce(DutyShift.substitute_id, DutyShift.staff_id)
    return {(staff_id, day) for staff_id, day in session.execute(select(owner, DutyShift.day).where(
        DutyShift.day >= start, DutyShift.day <= end, DutyShift.day < today))}


def _off_post_facts(session, start, end, today, with_data, points, facts) -> dict:
    """SCORE-5 勤 empty posts (attendance) and leaving during duty (duty), from the off-post
    records (离岗, an inspection's finding): each record counts once. On one's own duty day it
    is absence under duty (half a day's points); otherwise one over the ATT-3 limit is half a
    day of absence, already in the month's absence when the month has clock data (else added
    here); otherwise it is an empty post (空岗). Returns (staff id, month) → the duty records
    over the limit, which the month's absence must not count again."""
    limit = attendance_settings(session).off_post_limit_minutes
    on_duty = duty_days(session, start, end, today)
    counted_in_duty: dict[tuple[int, int], int] = defaultdict(int)
    rows = session.execute(select(OffPostRecord.id, OffPostRecord.staff_id, OffPostRecord.day,
                                  OffPostRecord.minutes).where(
        OffPostRecord.day >= start, OffPostRecord.day <= min(end, today))
        .order_by(OffPostRecord.day, OffPostRecord.id))
    for record_id, staff_id, day, minutes in rows:
        evidence = f"{day.isoformat()} {minutes // 60}:{minutes % 60:02d}"
        if (staff_id, day) in on_duty:
            facts[staff_id].append(Fact("duty_absence", -absence_deduction(
                1, points.absence_half_day), evidence, "off_post", record_id))
            if minutes > limit:
                counted_in_duty[(staff_id, day.month)] += 1
        elif minutes > limit:
            if day.month not in with_data:
                facts[staff_id].append(Fact("attendance_absence", -absence_deduction(
                    1, points.absence_half_day), evidence, "off_post", record_id))
        elif points.empty_post:
            facts[staff_id].append(Fact("empty_post", -points.empty_post, evidence, "off_post",
                                        record_id))
    return counted_in_duty


def _attendance_facts(session, start, end, today, points: QinPoints, facts) -> None:
    """SCORE-5 勤 attendance: absence per half day (months with clock data), every
    `late_early_count` late/early of the half-year, empty posts and leaving during duty."""
    with_data = months_with_clock_data(session, start, end)
    in_duty = _off_post_facts(session, start, end, today, with_data, points, facts)
    late_early: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for first in _months(start, end, today):
        if first.month not in with_data:
            continue
        for staff_id, summary in month_absences(session, first.year, first.month, today).items():
            half_days = int(summary.absence_days * 2) - in_duty.get((staff_id, first.month), 0)
            if half_days > 0 and points.absence_half_day:
                facts[staff_id].append(Fact(
                    "attendance_absence", -absence_deduction(half_days, points.absence_half_day),
                    f"{first:%Y-%m}: {half_days}", "attendance"))
            if summary.late_early:
                late_early[staff_id].append((first, summary.late_early))
    for staff_id, months in late_early.items():
        count = sum(number for _first, number in months)
        off = late_early_deduction(count, points.late_early_count, points.late_early)
        if off:
            text = " + ".join(f"{first:%Y-%m}: {number}" for first, number in months)
            facts[staff_id].append(Fact("late_early", -off, f"{text} = {count}", "attendance"))


def leave_days_through(session: Session, year: int, last: date,
                       calendar=None) -> dict[int, Decimal]:
    """SCORE-5 勤 (LEAVE-4's count): per staff id, the approved sick and personal leave days of
    `year` up to `last` — the working days actually taken (LEAVE-3 `taken_period`), public
    holidays and weekends not counted."""
    calendar = calendar or load_calendar(session)
    first = date(year, 1, 1)
    rows = session.scalars(select(LeaveRequest).where(
        LeaveRequest.state == APPROVED, LeaveRequest.kind.in_((PERSONAL, SICK)),
        LeaveRequest.start_day <= last,
        or_(LeaveRequest.end_day >= first, LeaveRequest.reported_back_on > first))
        .order_by(LeaveRequest.start_day, LeaveRequest.id))
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for leave in rows:
        period = taken_period_of(leave)
        if period is None:
            continue
        begin, end, half_start, half_end = period
        since, until = max(begin, first), min(end, last)
        if since > until:
            continue
        totals[leave.staff_id] += leave_working_days(since, until, calendar,
                                                     half_start and since == begin,
                                                     half_end and until == end)
    return dict(totals)


def _leave_facts(session, start, end, points: QinPoints, facts) -> None:
    """SCORE-5 勤 attendance: sick + personal leave over the limit in the year, deducted once —
    in the half-year in which the year's total passes the limit."""
    calendar = load_calendar(session)
    through = leave_days_through(session, start.year, end, calendar)
    before = (leave_days_through(session, start.year, start - timedelta(days=1), calendar)
              if start.month > 1 else {})
    for staff_id, days in through.items():
        off = leave_deduction(days, points.leave_days_limit, points.leave_over,
                              before.get(staff_id, Decimal(0)))
        if off:
            facts[staff_id].append(Fact("leave_over_limit", -off,
                                        f"{start.year}-01-01 – {end.isoformat()}: {days}",
                                        "leave"))


def _meeting_facts(session, start, end, today, points: QinPoints, facts) -> None:
    """SCORE-5 勤 meetings: each time late or absent without reason (MEET-1's attendance)."""
    for first in _months(start, end, today):
        for meeting_event in m5_events(session, first):
            late = meeting_event.status == "late"
            off = points.meeting_late if late else points.meeting_absent
            if off:
                facts[meeting_event.staff_id].append(Fact(
                    "meeting_late" if late else "meeting_absent", -off,
                    meeting_event.day.isoformat(), "meeting", meeting_event.meeting_id))


def _duty_facts(session, start, end, today, facts) -> None:
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
    points = qin_points(session)
    _attendance_facts(session, start, end, today, points, facts)
    _leave_facts(session, start, end, points, facts)
    _meeting_facts(session, start, end, today, points, facts)
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
    thresholds and 优秀 share. Leadership's choice among those tied for the last 优秀 seat
    (`SemiannualEntry.tie_chosen`) stands while the scale's scores stay as they were: a
    rescore that changes any total of the scale (or who is in it) clears it."""
    session.flush()  # new entries get their ids (the keys of the grading)
    bonus_cap, maxima = setting_value(session, "semi.bonus_cap"), part_maxima(session)
    totals: dict[str, dict[int, Decimal]] = defaultdict(dict)
    changed: set[str] = set()
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
        scale = grade_category(entry.staff_category)
        if entry.total is None or Decimal(entry.total) != score.total:
            changed.add(scale)
        _set(entry, "total", score.total)
        totals[scale][entry.id] = score.total
    share, thresholds = grade_settings(session)
    by_id = {entry.id: entry for entry in assessment.entries}
    for scale, scores in totals.items():
        chosen = {key for key in scores if by_id[key].tie_chosen}
        if chosen and (scale in changed or not _valid_choice(scores, share, thresholds, chosen)):
            for key in chosen:
                _set(by_id[key], "tie_chosen", False)
            chosen = set()
        for entry_id, grade in grades(scores, scale, share, thresholds, chosen=chosen).items():
            _set(by_id[entry_id], "grade", grade)
    session.flush()


def _valid_choice(scores, share, thresholds, chosen) -> bool:
    """SCORE-6: whether a stored choice still picks exactly the seats left from the tie."""
    try:
        grades(scores, "civil_servant", share, thresholds, chosen=chosen)
    except RuleViolation:
        return False
    return True


@dataclass(frozen=True)
class Tie:
    """SCORE-6: staff of one grade scale tied across the last 优秀 seat: their entries (by
    name), their total, the seats left for them and those Leadership chose (empty: undecided,
    the assessment cannot be confirmed)."""

    scale: str
    entries: list[SemiannualEntry]
    total: Decimal
    seats_left: int
    chosen: list[SemiannualEntry]

    @property
    def unresolved(self) -> bool:
        return not self.chosen


def excellent_ties(session: Session, assessment: SemiannualAssessment) -> list[Tie]:
    """SCORE-6: the ties across the last 优秀 seat of each grade scale, as `grades` reports
    them for the stored totals and choices."""
    share, thresholds = grade_settings(session)
    scales: dict[str, dict[int, SemiannualEntry]] = defaultdict(dict)
    for entry in assessment.entries:
        if entry.total is not None:
            scales[grade_category(entry.staff_category)][entry.id] = entry
    ties = []
    for scale in sorted(scales):
        entries = scales[scale]
        scores = {key: entry.total for key, entry in entries.items()}
        chosen = {key for key, entry in entries.items() if entry.tie_chosen}
        if not _valid_choice(scores, share, thresholds, chosen):
            chosen = set()
        result = grades(scores, scale, share, thresholds, chosen=chosen)
        if not result.tied:
            continue
        tied = sorted((entries[key] for key in result.tied), key=lambda e: (e.staff.name, e.staff_id))
        ties.append(Tie(scale, tied, Decimal(tied[0].total), result.seats_left,
                        [entry for entry in tied if entry.id in result.chosen]))
    return ties


#: SCORE-6: the longest reason a tie choice keeps (the page's field, the API's).
CHOICE_REASON_MAX = 1000


def choose_excellent(session: Session, assessment: SemiannualAssessment, staff_ids,
                     user_id: int | None, *, reason: str | None = None,
                     now: datetime | None = None) -> Tie:
    """SCORE-6: Leadership chooses who among those tied across the last 优秀 seat takes the
    seats left — exactly that many, all from one tie; nobody chooses in a tie they are part
    of. Stored on the entries (audited) until a recompute changes the scores, with who chose,
    when and why (issue #20: the grade list shows them beside the tie). The reason is
    required at every door — the page and the API alike (SCORE-6)."""
    ensure_draft(assessment)
    _load(session, assessment)
    wanted = set(staff_ids)
    ties = excellent_ties(session, assessment)
    tie = next((t for t in ties if wanted & {e.staff_id for e in t.entries}), None)
    if tie is None:
        raise RuleViolation("SCORE-6", N_("Choose among those tied for the last excellent "
                                          "seats."), field="chosen")
    members = {entry.staff_id: entry for entry in tie.entries}
    if not wanted <= set(members) or len(wanted) != tie.seats_left:
        raise RuleViolation("SCORE-6", N_("Choose exactly %(seats)s of those tied for the last "
                                          "excellent seats."), field="chosen",
                            seats=tie.seats_left)
    own = own_staff_id(session, user_id)
    if own is not None and own in members:
        raise RuleViolation("SCORE-6", N_("You are among those tied: another member of the "
                                          "leadership chooses."), field="chosen")
    reason = (reason or "").strip()[:CHOICE_REASON_MAX]
    if not reason:
        raise RuleViolation("SCORE-6", N_("Say why you chose them."), field="reason")
    for staff_id, entry in members.items():
        _set(entry, "tie_chosen", staff_id in wanted)
        _set(entry, "tie_chosen_by_id", user_id)
        _set(entry, "tie_chosen_at", now)
        _set(entry, "tie_choice_reason", reason)
    session.flush()
    rescore(session, assessment)
    return next(t for t in excellent_ties(session, assessment) if t.scale == tie.scale)


def _load(session: Session, assessment: SemiannualAssessment) -> None:
    session.scalars(select(SemiannualEntry).where(SemiannualEntry.assessment_id == assessment.id)
                    .options(selectinload(SemiannualEntry.items),
                             selectinload(SemiannualEntry.staff))).all()


def compute(session: Session, year: int, half: int, today: date,
            user_id: int | None = None, now: datetime | None = None,
            progress: Callable[[int, int | None], None] | None = None) -> SemiannualAssessment:
    """SCORE-5/6: (re)compute the half-year's draft for every active staff member (and anyone
    who already has an entry): computed items from the facts, manual items kept, then the
    parts, totals and grades. Opens the draft if there is none; a confirmed one is refused.
    `now` (the instant of the computation, shown as "computed at") is the caller's clock.
    `progress(done, total)` (a background job's bar, issue #21): the facts read, then each
    staff member, then the grades."""
    if now is None:
        raise TypeError("compute() needs the caller's `now`")
    assessment = find_assessment(session, year, half)
    if assessment is None:
        assessment = create_assessment(session, year, half, user_id)
    ensure_draft(assessment)
    _load(session, assessment)
    facts = collect_facts(session, year, half, today)
    entries = {entry.staff_id: entry for entry in assessment.entries}
    staff_rows = session.scalars(select(Staff).where(or_(
        Staff.is_active.is_(True), Staff.id.in_(list(entries) or [-1])))).all()
    steps = len(staff_rows) + 2  # the facts, each person, the grades
    for done, staff in enumerate(staff_rows, start=1):
        if progress is not None:
            progress(done, steps)
        if staff.assessed_elsewhere:  # SCORE-5: not on this grade list nor in its 优秀 share
            entry = entries.get(staff.id)
            if entry is not None:
                assessment.entries.remove(entry)
            continue
        entry = entries.get(staff.id)
        if entry is None:
            entry = SemiannualEntry(staff=staff, staff_category=staff.category,
                                    **{f"off_{p}": Decimal(0) for p in SEMIANNUAL_PARTS},
                                    innovation=Decimal(0), bonus_raw=Decimal(0))
            assessment.entries.append(entry)
        _set(entry, "staff_category", staff.category)
        _sync_items(entry, facts.get(staff.id, []))
    session.flush()
    if progress is not None:
        progress(steps - 1, steps)
    rescore(session, assessment)
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


def _changes(entry: SemiannualEntry, fields: dict[str, object], limits) -> bool:
    """Whether `fields` would change the entry's manual points or notes (a form or a client
    that sends an unchanged row back changes nothing)."""
    before = manual_values(entry)
    for kind in MANUAL_KINDS:
        if kind in fields and _checked_amount(kind, fields[kind], entry.staff_id,
                                              limits) != before[kind]:
            return True
    return "notes" in fields and (str(fields["notes"] or "").strip() or None) != entry.notes


def save_entries(session: Session, assessment: SemiannualAssessment,
                 values: dict[int, dict[str, object]], user_id: int | None) -> int:
    """SCORE-5: the office's 德/能/accuracy/reporting/廉/innovation points per person
    (magnitudes: points off, or innovation added) and notes; each kind is one manual item per person, replaced by
    the value entered (0 removes it). Returns the number of entries changed. Rescored at once."""
    ensure_draft(assessment)
    _load(session, assessment)
    entries = {entry.staff_id: entry for entry in assessment.entries}
    limits = manual_limits(part_maxima(session))
    own = own_staff_id(session, user_id)
    changed = 0
    for staff_id, fields in values.items():
        entry = entries.get(staff_id)
        if entry is None:
            raise RuleViolation(RULE, N_("This person has no entry in the assessment: compute "
                                         "it first."), field="staff")
        if staff_id == own and _changes(entry, fields, limits):
            refuse_own_entry(session, staff_id, user_id)
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
    refuse_own_entry(session, staff_id, user_id)
    item = SemiannualItem(part="bonus", kind=kind, points=PRAISE_POINTS[kind], manual=True,
                          evidence=evidence, source="manual", recorded_by_id=user_id)
    entry.items.append(item)
    session.flush()
    rescore(session, assessment)
    return item


def remove_praise(session: Session, item: SemiannualItem, user_id: int | None = None) -> None:
    """SCORE-5: take back a praise entered by mistake (draft only; not one's own)."""
    assessment = item.entry.assessment
    ensure_draft(assessment)
    if item.kind not in PRAISE_POINTS:
        raise RuleViolation(RULE, N_("Only a praise can be removed here."), field="kind")
    refuse_own_entry(session, item.entry.staff_id, user_id)
    item.entry.items.remove(item)
    session.flush()
    rescore(session, assessment)


# --- SCORE-7: the explanation -----------------------------------------------------------------
@dataclass
class PartExplanation:
    part: str
    maximum: Decimal
    base: Decimal  # what the part counts from: its maximum, for 绩 its four items (35)
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
        base = part_base(part, maxima)
        innovation = result.innovation if part == "ji" else Decimal(0)
        parts.append(PartExplanation(
            part, maximum, base, [i for i in entry.items if i.part == part],
            [a for a in result.applied if a.part == part], off, innovation,
            floored=off > base, capped=max(Decimal(0), base - off) + innovation > maximum,
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
# Issue #21: the kind of the background job that computes a half-year (SCORE-5/6), started by
# the page (app/views/semiannual.py, which runs it) and by the API (app/api/semiannual.py).
COMPUTE_JOB = "semiannual"


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
           "remove_praise", "choose_excellent", "excellent_ties", "qin_points",
           "leave_days_through", "refuse_own_entry", "explain", "rescore", "half_bounds", "find_assessment",
           "ontime_counts", "collect_facts", "manual_values", "entry_scope_condition",
           "guard_confirmed_assessments", "COMPUTE_JOB", "ensure_draft"]
