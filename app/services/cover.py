"""代A角 — B covers A's unfinished cases while A is away (AB-2); 外出登记 and the window head's
approval of the cover of their own window (ORG-2).

A is "covered" now when A is away in the half-day of now by the one definition of
app/services/away.py — on approved leave (until the 销假, overstay included), out on an
approved errand or meeting registration or 补签单, or absent (a begun working half-day without a
clock of theirs, on a day with clock data) — and A is the A staff of a post whose B staff is the
one asking. The cover ends as soon as A is no longer away. "A's cases" are those A handles
(经办人), or received (受理人) when nobody handles them yet, and that are not closed (办结归档).

The row-level filter of app/security/filters.py asks `covered_staff` once per request and widens the
own-window condition with `covered_cases_condition`; nothing here knows about requests.

外出登记 (`AwayRegistration`): the window head records an errand or a meeting outside of
someone of their window (approved at once: the window head approves the B cover of their own
window, ORG-2), or the person registers it and the window head approves or rejects it; never
for another window (`app.rules.leave.may_approve_away`, asked here for every door, 403 on the
page). Every change is audited (AUDIT-1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session, joinedload

from app.rules import case_states as cs
from app.rules.errors import N_, RuleViolation
from app.policy.away import may_approve, may_cancel, may_register_for
from app.rules.leave import HALVES
from app.services.away import (AwayRow, AwayWhen, away_rows, away_when, staff_away_condition)
from app.services.calendar import load_calendar
from app.services.core_reads import core_execute
from app.services.transaction import check_version, transaction
from models.cases import Case
from models.leave import AWAY_REASONS, AwayRegistration
from models.org import Post, Staff

PENDING, APPROVED, REJECTED, CANCELLED = "pending", "approved", "rejected", "cancelled"
TEXT_MAX = 2000
AHEAD_DAYS = 366  # a registration is for today or a day of the coming year


def covered_staff(session: Session, b_staff_id: int, day: date,
                  now: datetime | None = None) -> dict[int, str]:
    """AB-2: A staff id → name of everyone `b_staff_id` covers — A away on `day` (any half of
    it), or with `now`, in the half-day of now (one query for the cover; the clock data, work
    hours and calendar of the day are read by `away_when` when they matter)."""
    when = away_when(session, day, now, half_now=True)
    return covered_staff_when(session, b_staff_id, when)


@lru_cache(maxsize=32)
def _covered_statement(when: AwayWhen):
    """The cover query of `when` (a value: the day and its half-days, clock data, noon), B as
    a bind parameter — built once per `when`, which changes a few times a day, instead of on
    every request (issue #21: building the one definition of away cost more than running it).
    Only the statement is kept, never a result."""
    b_staff = bindparam("b_staff_id")
    return (select(Staff.id, Staff.name)
            .join(Post, Post.a_staff_id == Staff.id)
            .where(Post.b_staff_id == b_staff, Post.a_staff_id != b_staff,
                   staff_away_condition(when))
            .distinct())


def covered_staff_when(session: Session, b_staff_id: int, when: AwayWhen) -> dict[int, str]:
    rows = core_execute(session, _covered_statement(when), {"b_staff_id": b_staff_id}).all()
    return {staff_id: name for staff_id, name in rows}


def owned_by_condition(staff_ids):
    """The cases the staff handle (经办人), or received (受理人) while nobody handles them."""
    staff_ids = list(staff_ids)
    return or_(Case.handler_id.in_(staff_ids),
               and_(Case.handler_id.is_(None), Case.clerk_id.in_(staff_ids)))


def unfinished_condition():
    """Not yet archived (办结归档): B may still have to deliver a decided case."""
    return Case.state != cs.CLOSED


def covered_cases_condition(staff_ids):
    """AB-2: the unfinished cases of the covered staff (SQL); None when nobody is covered."""
    if not staff_ids:
        return None
    return and_(owned_by_condition(staff_ids), unfinished_condition())


def case_owner_id(case: Case) -> int | None:
    """Whose case it is: its handler, else its receiving clerk."""
    return case.handler_id if case.handler_id is not None else case.clerk_id


def is_covered_case(case: Case, staff_ids) -> bool:
    """The Python twin of `covered_cases_condition` for one loaded case."""
    return bool(staff_ids) and case_owner_id(case) in staff_ids and cs.is_editable(case.state)


def open_cases_of(session: Session, staff_id: int) -> list[Case]:
    """The unfinished cases a staff member owns, by deadline (the handover list, HAND-1)."""
    return list(session.scalars(
        select(Case).where(owned_by_condition([staff_id]), unfinished_condition())
        .order_by(Case.deadline.is_(None), Case.deadline, Case.received_at, Case.id)))


# --- ORG-2 / AB-2: 外出登记 and the window head's approval -------------------------------------
@dataclass(frozen=True)
class CoverActor:
    """Who acts on a registration: the login user, their Staff row, and whether they are a
    window head or Leadership (the approvers, ORG-2)."""

    user_id: int | None
    staff: Staff | None = None
    window_head: bool = False
    leadership: bool = False


@dataclass(frozen=True)
class AwayInput:
    """What the 外出登记 form gives: who, which day, which half-days, why, where."""

    staff_id: int | None
    day: date | None
    am: bool = False
    pm: bool = False
    reason: str | None = None
    note: str | None = None


def _text(value) -> str | None:
    value = value.strip() if isinstance(value, str) else value
    return value[:TEXT_MAX] if value else None


def register_away(session: Session, values: AwayInput, actor: CoverActor, clock) -> AwayRegistration:
    """AB-2 外出登记: someone out on an official errand or at a meeting outside on the morning
    and/or afternoon of a working day, today or later (a past half-day missed is a 补签单,
    ATT-4). Recorded by its approver (the window head of the person's window, Leadership) it is
    approved at once — B covers from then on; registered by the person it waits for the window
    head. Refused: another window's staff (ORG-2), no half-day, a day past or not worked, a
    half-day registered already."""
    with transaction(session):
        person = session.get(Staff, values.staff_id) if values.staff_id else None
        if person is None or not person.is_active:
            raise RuleViolation("AB-2", N_("Choose an active staff member."), field="staff_id")
        if not may_register_for(person, actor):
            raise RuleViolation("ORG-2", N_("A window head registers and approves the errands "
                                            "of their own window only."), field="staff_id")
        day = values.day
        if day is None or day < clock.today or day > clock.today + timedelta(days=AHEAD_DAYS):
            raise RuleViolation("AB-2", N_("Give today or a later day (a half-day already "
                                           "missed is excused by a 补签单)."), field="day")
        if not load_calendar(session).is_working_day(day):
            raise RuleViolation("AB-2", N_("This is no working day: nobody needs cover."),
                                field="day")
        halves = [half for half in HALVES if getattr(values, half)]
        if not halves:
            raise RuleViolation("AB-2", N_("Choose the morning, the afternoon or both."),
                                field="am")
        if values.reason not in AWAY_REASONS:
            raise RuleViolation("AB-2", N_("Choose an official errand or a meeting."),
                                field="reason")
        taken = session.scalars(select(AwayRegistration).where(
            AwayRegistration.staff_id == person.id, AwayRegistration.day == day,
            AwayRegistration.state.in_((PENDING, APPROVED)))).all()
        if any(getattr(other, half) for other in taken for half in halves):
            raise RuleViolation("AB-2", N_("This half-day is registered already."), field="day")
        registration = AwayRegistration(
            staff=person, day=day, am="am" in halves, pm="pm" in halves, reason=values.reason,
            note=_text(values.note), state=PENDING, filed_by_id=actor.user_id,
            filed_at=clock.now)
        session.add(registration)
        if may_approve(registration, actor):
            registration.state = APPROVED
            registration.decided_by_id, registration.decided_at = actor.user_id, clock.now
        session.flush()
    return registration


def decide_away(session: Session, registration: AwayRegistration, approve: bool,
                note: str | None, actor: CoverActor, clock, seen_version=None) -> AwayRegistration:
    """ORG-2 / AB-2: the window head of the person's window (or Leadership) approves a pending
    registration — B covers that person's queue those half-days — or rejects it."""
    with transaction(session):
        check_version(registration, seen_version)
        if not may_approve(registration, actor):
            raise RuleViolation("ORG-2", N_("The window head approves the cover of their own "
                                            "window only, never their own errand."))
        if registration.state != PENDING:
            raise RuleViolation("AB-2", N_("Only a pending registration is approved or "
                                           "rejected."))
        if registration.day < clock.today:
            raise RuleViolation("AB-2", N_("This day is over."))
        registration.state = APPROVED if approve else REJECTED
        registration.decided_by_id, registration.decided_at = actor.user_id, clock.now
        registration.decision_note = _text(note)
        session.flush()
    return registration


def cancel_away(session: Session, registration: AwayRegistration, actor: CoverActor, clock,
                seen_version=None) -> AwayRegistration:
    """AB-2: a registration not needed after all is withdrawn before its day is over (by the
    person, whoever registered it, or its approver); B's cover ends with it."""
    with transaction(session):
        check_version(registration, seen_version)
        if not may_cancel(registration, actor):
            raise RuleViolation("ORG-2", N_("Only the person, whoever registered it or the window "
                                            "head withdraws a registration."))
        if registration.state not in (PENDING, APPROVED) or registration.day < clock.today:
            raise RuleViolation("AB-2", N_("Only a registration still running is withdrawn."))
        registration.state = CANCELLED
        session.flush()
    return registration


def registration_scope_condition(scope):
    """ORG-2 for 外出登记 as SQL on AwayRegistration, for a scope of app.policy.away.away_scope:
    None (every row), ("window", id) the registrations of that window's staff, ("own", staff
    id) that person's. The row filter of the API (app.security.AwayRowFilter) and the cover
    page's list (`registrations`) both use it, so the two doors show the same rows (FAB-NOTES)."""
    if scope is None:
        return None
    kind, value = scope
    if kind == "window":
        return AwayRegistration.staff_id.in_(select(Staff.id).where(Staff.window_id == value))
    return AwayRegistration.staff_id == value


def registrations(session: Session, first: date, scope=None,
                  limit: int = 200) -> list[AwayRegistration]:
    """The registrations from `first` on within `scope` (`registration_scope_condition`)."""
    query = (select(AwayRegistration).join(Staff, Staff.id == AwayRegistration.staff_id)
             .where(AwayRegistration.day >= first)
             .options(joinedload(AwayRegistration.staff)))
    condition = registration_scope_condition(scope)
    if condition is not None:
        query = query.where(condition)
    return list(session.scalars(query.order_by(AwayRegistration.day, Staff.name,
                                               AwayRegistration.id).limit(limit)))


@dataclass(frozen=True)
class PostCover:
    """One post now: its A and B, why each is away in the half-day of now (empty: present),
    and who answers for the post's queue — A, B covering A (代A角), or nobody (both away)."""

    post: Post
    a_reason: str | None
    b_reason: str | None

    @property
    def state(self) -> str:
        if self.post.a_staff_id is None or self.a_reason is None:
            return "a"
        if self.post.b_staff_id is not None and self.b_reason is None:
            return "b"
        return "nobody"


def window_cover(session: Session, day: date, now: datetime | None = None,
                 window_id: int | None = None) -> list[PostCover]:
    """AB-2 / ORG-2 本窗口顶岗: the posts of a window (None: every window) and who answers for
    each now, by the one definition of away (the half-day of `now`)."""
    when = away_when(session, day, now, half_now=True)
    reasons = {row.staff.id: _first_reason(row) for row in away_rows(session, day, when=when)}
    query = select(Post).options(joinedload(Post.a_staff), joinedload(Post.b_staff),
                                 joinedload(Post.window))
    if window_id is not None:
        query = query.where(Post.window_id == window_id)
    posts = session.scalars(query.order_by(Post.window_id, Post.name, Post.id)).all()
    return [PostCover(post, reasons.get(post.a_staff_id), reasons.get(post.b_staff_id))
            for post in posts]


def _first_reason(row: AwayRow) -> str:
    return next(iter(row.reasons.values()))


__all__ = ["covered_staff", "covered_staff_when", "owned_by_condition", "unfinished_condition",
           "covered_cases_condition", "case_owner_id", "is_covered_case", "open_cases_of",
           "CoverActor", "AwayInput",
           "register_away", "decide_away", "cancel_away", "registration_scope_condition",
           "registrations", "PostCover",
           "window_cover"]
