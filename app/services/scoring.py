"""扣分/加分 — recording score events through the catalogue, and the frozen months (SCORE-1/3).

Every score event — manual (Office, with evidence) or automatic (generated from a fact, keyed by
`source_key` so re-running never duplicates) — is written here. A confirmed month is frozen: a
`before_flush` guard refuses any new, changed or deleted event of that month, whichever door
the change comes through, until Leadership reopens the month with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.rules.calendar import month_start
from app.rules.errors import N_, RuleViolation
from models.scoring import AssessmentMonth, DeductionItem, ScoreEvent

BONUS = "B"


def confirmed_periods(session: Session, periods) -> set[date]:
    """Which of `periods` (first days of months) are confirmed, hence frozen (SCORE-3)."""
    periods = sorted(set(periods))
    if not periods:
        return set()
    with session.no_autoflush:
        return set(session.scalars(select(AssessmentMonth.period).where(
            AssessmentMonth.period.in_(periods), AssessmentMonth.state == "confirmed")))


def ensure_month_open(session: Session, day: date) -> None:
    """SCORE-3: refuse a change to a month Leadership has confirmed (reopen it first)."""
    period = month_start(day)
    if confirmed_periods(session, [period]):
        raise RuleViolation("SCORE-3", N_("%(month)s is confirmed and frozen: reopen the month "
                                          "with a reason before changing its scores."),
                            field="day", month=period.strftime("%Y-%m"))


def _touched_periods(session: Session) -> set[date]:
    periods = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, ScoreEvent):
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if obj.period:
            periods.add(obj.period)
        history = obj.__class__.period.impl.get_history(obj._sa_instance_state,
                                                        obj._sa_instance_state.dict)
        periods.update(p for p in history.deleted or () if p)
    return periods


def _guard_frozen_months(session: Session, _flush_context, _instances) -> None:
    frozen = confirmed_periods(session, _touched_periods(session))
    if frozen:
        month = min(frozen)
        raise RuleViolation("SCORE-3", N_("%(month)s is confirmed and frozen: reopen the month "
                                          "with a reason before changing its scores."),
                            field="day", month=month.strftime("%Y-%m"))


def guard_frozen_months() -> None:
    """Install the SCORE-3 guard on every ORM session (idempotent; called by create_app)."""
    if not event.contains(Session, "before_flush", _guard_frozen_months):
        event.listen(Session, "before_flush", _guard_frozen_months)


@dataclass(frozen=True)
class EventInput:
    """What a score event says (SCORE-1); `points` is the magnitude, the sign comes from the
    category (a bonus adds, everything else takes off)."""

    item_id: int | None
    day: date | None
    points: Decimal | None
    window_id: int | None
    staff_id: int | None = None
    evidence: str | None = None


def check_points(item: DeductionItem, points: Decimal | None) -> Decimal:
    """SCORE-1: the points lie in the catalogue item's range (a fixed item: exactly its value)."""
    if points is None:
        return Decimal(item.points_min)
    value = Decimal(points)
    if not Decimal(item.points_min) <= value <= Decimal(item.points_max):
        if item.points_min == item.points_max:
            raise RuleViolation("SCORE-1", N_("This item is worth exactly %(points)s points."),
                                field="points", points=item.points_min)
        raise RuleViolation("SCORE-1", N_("This item is worth %(low)s to %(high)s points."),
                            field="points", low=item.points_min, high=item.points_max)
    return value


def signed(item: DeductionItem, magnitude: Decimal) -> Decimal:
    """A bonus (B) adds its points; every other category takes them off."""
    return magnitude if item.category == BONUS else -magnitude


def build_event(session: Session, values: EventInput, *, source: str = "manual",
                source_id: int | None = None, source_key: str | None = None,
                automatic: bool = False, recorded_by_id: int | None = None) -> ScoreEvent:
    """A new, checked score event (not yet added): catalogue item, points range, window, open
    month. The caller adds it inside its transaction."""
    item = session.get(DeductionItem, values.item_id) if values.item_id else None
    if item is None or not item.is_active:
        raise RuleViolation("SCORE-1", N_("Choose an item of the deduction catalogue."),
                            field="item_id")
    if values.day is None:
        raise RuleViolation("SCORE-1", N_("Give the day."), field="day")
    if values.window_id is None:
        raise RuleViolation("SCORE-1", N_("Choose the window."), field="window_id")
    magnitude = check_points(item, values.points)
    ensure_month_open(session, values.day)
    return ScoreEvent(item=item, category=item.category, day=values.day,
                      period=month_start(values.day), points=signed(item, magnitude),
                      window_id=values.window_id, staff_id=values.staff_id,
                      evidence=(values.evidence or "").strip() or None, source=source,
                      source_id=source_id, source_key=source_key, automatic=automatic,
                      recorded_by_id=recorded_by_id)


def item_by_code(session: Session, code: str) -> DeductionItem:
    """The catalogue item with `code` (the automatic generators name theirs by code)."""
    item = session.scalars(select(DeductionItem).where(DeductionItem.code == code)).first()
    if item is None:
        raise RuleViolation("SCORE-1", N_("The deduction catalogue has no item %(code)s."),
                            code=code)
    return item


__all__ = ["month_start", "confirmed_periods", "ensure_month_open", "guard_frozen_months",
           "EventInput", "check_points", "signed", "build_event", "item_by_code"]
