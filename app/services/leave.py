"""请假 — filing, routed approval, 销假 and the yearly flags of leave (RULES.md §7 LEAVE-1..4, AB-1).

Every decision is a rule function of app/rules/leave.py (approver_for, informs_town_head,
uncovered_halves, leave_working_days, yearly_flags); this module loads what they need, writes the
rows (audited by the session, AUDIT-1) and opens one `transaction()` per call (a caller's outer
block joins it). Who may decide a request is app.policy.leave.may_decide_leave, asked here too so
no door can forget it.

Design decisions (documented for the merger):
- AB-1 is checked at filing and again at approval; a Leadership user may pass a reason that
  overrides the refusal (stored with who and when). Without a clash the reason is not stored.
- The town head (镇长) is informed on approval of a leave over `leave.director_max_days`
  (a LeaveNotification for "town_head"): the town head learns of leave that is granted.
- LEAVE-1 certificate: a sick leave needs its certificate before it is approved; the web form
  asks for it at filing, the API uploads it to the filed request (POST …/certificate).
- Cancelling: the requester (the staff member's own login) or whoever filed it for them.
- Revoking (LEAVE-1, ATT-3 以欺骗手段): an approved leave only, by a holder of its approver
  position or Leadership (never its requester), with a reason; state "revoked" with who, when
  and why. Its days as taken are absence from then on, also on days without clock data (the
  leave record, not a clock, says the person was away); the town head is told if they were
  told of the approval.
- LEAVE-1 substitute and handover, both required at filing at every door (page, API; the
  demo writes both): the substitute (顶岗人) is an active colleague — not the requester, not a
  login that is only an administrator — prefilled with `default_substitute` (the B of the
  requester's post, or the A when the requester is the B); the handover (HAND-1) is one of the
  requester's own handovers not named by another running request, or one created from the
  request (`new_handover`, or a handover note given: giver the requester, receiver the
  substitute, the note as its items, the requester's unfinished cases listed). Requests of
  before keep what they had.
- LEAVE-1 / issue #18 four eyes: a leave filed on someone's behalf is approved (or rejected) by
  someone other than whoever filed it — RuleViolation LEAVE-1 at every door, the buttons are
  not shown and the request is not in the filer's approval queue; another holder of the
  routed position decides it. The person it was filed for is notified (a LeaveNotification
  "requester" to them, in their to-do until they acknowledge it).
- LEAVE-2 with LEAVE-1, when the routed position has no such other holder (the center's only
  office head files for a clerk, or takes half a day): the request is routed at filing to the
  next level up that has one, at the top to the directors (`route_approver`); the stored
  approver is what the pages show. RULES.md names no fallback: without it nobody could decide.
  The same holds at decision time (`app.policy.leave.deciding_slot`, `may_decide_now`): when
  the routed slot's holders change after filing so that none of them may decide the request
  (its free holder leaves the post; the requester or the filer becomes its only holder), the
  slot `route_approver` gives with the current holders decides it — its queue lists it, its
  holders see it (PRIV-1) and decide it; a vacancy still waits for the appointment.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from decimal import Decimal
from pathlib import Path

from sqlalchemy import and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from app.actor import Actor
from app.policy.leave import (may_attach_certificate, may_cancel_leave, may_decide_leave,
                              may_excuse_overstay, may_report_back, may_revoke_leave)
from app.rules.errors import N_, RuleViolation
from app.rules.input import clean_file_name
from app.rules.leave import (APPROVER_POSITIONS, approver_for, approver_slots, informs_town_head,
                             leave_working_days, overstay, overstay_excused, route_approver,
                             taken_period, uncovered_halves, yearly_flags)
from app.services.attendance import derive_range, stored_month_absences
from app.services.away import active_staff_condition
from app.services.away import away_on  # noqa: F401 — re-exported: the leave service's "away today"
from app.services.calendar import load_calendar
from app.services.handover import HandoverContent, create_handover
from app.services.settings import setting_value
from app.services.transaction import check_version, transaction
from models.attendance import AttendanceDay
from models.handover import Handover
from models.leave import FILED, LEAVE_KINDS, REVOKED, LeaveNotification, LeaveRequest
from models.org import Post, Staff

log = logging.getLogger(__name__)

PENDING, APPROVED, REJECTED, CANCELLED = "pending", "approved", "rejected", "cancelled"
ACTIVE_STATES = (PENDING, APPROVED)  # a request that still occupies its days
PERSONAL, SICK = "personal", "sick"
TOWN_HEAD = "town_head"
REQUESTER = "requester"  # LEAVE-1: the notification to whom a leave was filed for
ADMIN_ROLE = "Admin"  # FAB's administrator role (AUTH_ROLE_ADMIN): no colleague to stand in
HALF_LABELS = {"am": "上午", "pm": "下午"}
# LEAVE-1 certificate types, recognised by their first bytes, not by the file's name.
CERTIFICATE_TYPES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
TEXT_MAX = 2000


class NotYourDecision(Exception):
    """LEAVE-2: the user is not the routed approver of this request (the doors answer 403)."""


@dataclass(frozen=True)
class LeaveInput:
    """What a leave form or the API gives (LEAVE-1)."""

    staff_id: int
    kind: str
    start_day: date
    end_day: date
    half_day_start: bool = False
    half_day_end: bool = False
    reason: str | None = None
    emergency: bool = False
    substitute_id: int | None = None
    handover_note: str | None = None
    handover_id: int | None = None  # LEAVE-1/HAND-1: an existing handover of the requester
    new_handover: bool = False  # ... or one created from the request


@dataclass(frozen=True)
class Certificate:
    """An uploaded certificate (LEAVE-1): its bytes and the name the user gave it."""

    data: bytes
    filename: str


@dataclass(frozen=True)
class LeaveActor:
    """Who acts: the login user, their Staff row (if any), and whether they are Leadership
    (AB-1 override) or Office (files and reports back on behalf of others)."""

    user_id: int | None
    staff: Staff | None = None
    leadership: bool = False
    office: bool = False


def _clean(text):
    text = text.strip() if isinstance(text, str) else text
    return text or None


def _slots(start: date, end: date, half_start: bool, half_end: bool) -> tuple[int, int]:
    """The leave as half-day slots (morning = even, afternoon = odd), both ends included."""
    return (start.toordinal() * 2 + (1 if half_start else 0),
            end.toordinal() * 2 + (0 if half_end else 1))


def days_text(days) -> str:
    """AB-1's days as the message names them: 2026-12-03、2026-12-04 — or, given (day, half)
    pairs, the half-days: 2026-12-08 上午、2026-12-09 (a day clashing in both halves is named
    alone)."""
    days = list(days)
    if not days or isinstance(days[0], date):
        return "、".join(day.isoformat() for day in days)
    halves: dict[date, list[str]] = defaultdict(list)
    for day, half in days:
        halves[day].append(half)
    return "、".join(day.isoformat() if len(found) == 2 else f"{day.isoformat()} {HALF_LABELS[found[0]]}"
                    for day, found in sorted(halves.items()))


def away_period(leave: LeaveRequest) -> tuple[date, date, bool, bool]:
    """AB-1: the planned half-days a request keeps its person away, as (first day, last day,
    half_day_start, half_day_end): up to the end day, or to the day before they reported back
    early (the whole of that day) — `is_away` (app/services/away.py) within the plan."""
    end, half_end = leave.end_day, bool(leave.half_day_end)
    if leave.reported_back_on is not None and leave.reported_back_on <= end:
        end = max(leave.start_day, leave.reported_back_on - timedelta(days=1))
        half_end = False
    return leave.start_day, end, bool(leave.half_day_start), half_end


# --- LEAVE-1 / AB-1 checks -----------------------------------------------------------------
def _check_overlap(session: Session, values: LeaveInput, exclude_id: int | None = None) -> None:
    """LEAVE-1: one person, one leave at a time: a pending or approved request of the same
    person over any of the same half days is refused, naming its dates."""
    mine = _slots(values.start_day, values.end_day, values.half_day_start, values.half_day_end)
    query = select(LeaveRequest).where(
        LeaveRequest.staff_id == values.staff_id, LeaveRequest.state.in_(ACTIVE_STATES),
        LeaveRequest.start_day <= values.end_day, LeaveRequest.end_day >= values.start_day)
    if exclude_id is not None:
        query = query.where(LeaveRequest.id != exclude_id)
    for other in session.scalars(query):
        theirs = _slots(other.start_day, other.end_day, other.half_day_start, other.half_day_end)
        if mine[0] <= theirs[1] and theirs[0] <= mine[1]:
            raise RuleViolation(
                "LEAVE-1", N_("This overlaps another leave request of the same person "
                              "(%(start)s to %(end)s)."), field="start_day",
                start=other.start_day.isoformat(), end=other.end_day.isoformat())


def ab_conflict_halves(session: Session, staff_id: int, start: date, end: date, calendar,
                       exclude_id: int | None = None, half_day_start: bool = False,
                       half_day_end: bool = False) -> list[tuple[date, str]]:
    """AB-1: the (working day, half) pairs of `start`..`end` (with its half days) in which a
    post of `staff_id` would have neither its A nor its B present (the partner's pending or
    approved leave) — judged per half-day, `uncovered_halves`.

    A partner no longer active (`Staff.is_active` off: left the center) is no partner, as on
    a post without a B: their old requests clash with nobody (互为AB角的人员不得同期休假 binds two
    people at work), and refusing the remaining person's every leave would not fill the vacant
    slot — naming a new partner on the post does. As in app/services/away.py, an inactive
    person is away from nobody's view."""
    posts = session.scalars(select(Post).where(
        or_(Post.a_staff_id == staff_id, Post.b_staff_id == staff_id))).all()
    partners = {post.b_staff_id if post.a_staff_id == staff_id else post.a_staff_id
                for post in posts} - {None, staff_id}
    if not partners:
        return []
    query = select(LeaveRequest).where(
        LeaveRequest.staff_id.in_(partners), active_staff_condition(),
        LeaveRequest.state.in_(ACTIVE_STATES),
        LeaveRequest.start_day <= end, LeaveRequest.end_day >= start)
    if exclude_id is not None:
        query = query.where(LeaveRequest.id != exclude_id)
    periods = [away_period(leave) for leave in session.scalars(query)]
    return uncovered_halves((start, end, half_day_start, half_day_end), periods, calendar)


def _check_ab(session: Session, leave: LeaveRequest, calendar, override_reason, actor: LeaveActor,
              now) -> None:
    """AB-1: refused naming the half-days, unless Leadership overrides with a reason."""
    halves = ab_conflict_halves(session, leave.staff_id, leave.start_day, leave.end_day,
                                calendar, exclude_id=leave.id,
                                half_day_start=bool(leave.half_day_start),
                                half_day_end=bool(leave.half_day_end))
    if not halves or leave.ab_override_reason:
        return
    reason = _clean(override_reason)
    if reason is None:
        raise RuleViolation(
            "AB-1", N_("The post would have neither its A nor its B present on %(days)s: "
                       "the A/B partner is away then."), field="start_day",
            days=days_text(halves))
    if not actor.leadership:
        raise RuleViolation("AB-1", N_("Only Leadership may override the A/B rule."),
                            field="ab_override_reason")
    leave.ab_override_reason = reason[:TEXT_MAX]
    leave.ab_override_by_id = actor.user_id
    leave.ab_override_at = now


# --- LEAVE-1: substitute (顶岗人) and handover (HAND-1) ------------------------------------------
def default_substitute(session: Session, staff: Staff | None) -> Staff | None:
    """LEAVE-1: the substitute a request names by default — the B of the requester's post (the
    first post they are A of), or its A when they are only a B; None without an active partner."""
    if staff is None:
        return None
    posts = session.scalars(select(Post).where(
        or_(Post.a_staff_id == staff.id, Post.b_staff_id == staff.id))
        .order_by(Post.a_staff_id != staff.id, Post.id)).all()
    for post in posts:
        partner = post.b_staff if post.a_staff_id == staff.id else post.a_staff
        if partner is not None and partner.id != staff.id and partner.is_active:
            return partner
    return None


def is_admin_only(staff: Staff) -> bool:
    """A staff row whose login is an administrator's and nothing else: a technical account,
    no colleague to stand in at a post (LEAVE-1)."""
    roles = {role.name for role in staff.user.roles} if staff.user is not None else set()
    return roles == {ADMIN_ROLE}


def _check_substitute(session: Session, values: LeaveInput, staff: Staff) -> Staff:
    """LEAVE-1: the request names its substitute: an active colleague, not the requester and
    not a login that is only an administrator."""
    if values.substitute_id is None:
        default = default_substitute(session, staff)
        if default is not None:
            raise RuleViolation("LEAVE-1", N_("Name a substitute (顶岗人): by default the B of "
                                              "the post, %(name)s."), field="substitute_id",
                                name=default.name)
        raise RuleViolation("LEAVE-1", N_("Name a substitute (顶岗人)."), field="substitute_id")
    substitute = session.get(Staff, values.substitute_id)
    if (substitute is None or not substitute.is_active or substitute.id == staff.id
            or is_admin_only(substitute)):
        raise RuleViolation("LEAVE-1", N_("The substitute must be another active staff "
                                          "member."), field="substitute_id")
    return substitute


def linkable_handovers(session: Session, staff_id: int | None = None) -> list[Handover]:
    """LEAVE-1 / HAND-1: the handovers a request may name — given by `staff_id` (None: by
    anyone active) and named by no pending or approved request yet; newest first."""
    query = (select(Handover).outerjoin(LeaveRequest, Handover.leave_request_id == LeaveRequest.id)
             .join(Staff, Staff.id == Handover.giver_id)
             .where(Staff.is_active.is_(True),
                    or_(Handover.leave_request_id.is_(None),
                        LeaveRequest.state.not_in(ACTIVE_STATES)))
             .options(joinedload(Handover.giver), joinedload(Handover.receiver)))
    if staff_id is not None:
        query = query.where(Handover.giver_id == staff_id)
    return list(session.scalars(query.order_by(Handover.created_at.desc(),
                                               Handover.id.desc()).limit(200)))


def _check_handover(session: Session, values: LeaveInput, staff: Staff) -> Handover | None:
    """LEAVE-1 / HAND-1: the request names a handover — one of the requester's own not named by
    another running request — or asks for one created from it (`new_handover`, or a handover
    note to be its items). Returns the one to link, None to create one."""
    if values.handover_id is None:
        if values.new_handover or _clean(values.handover_note):  # its items: the note
            return None
        raise RuleViolation("LEAVE-1", N_("Name the handover (工作交接): choose one of the "
                                          "requester's or create it from this request."),
                            field="handover_id")
    if values.new_handover:
        raise RuleViolation("LEAVE-1", N_("Choose a handover or create one, not both."),
                            field="handover_id")
    handover = session.get(Handover, values.handover_id)
    linked = handover.leave_request if handover is not None else None
    if (handover is None or handover.giver_id != staff.id
            or (linked is not None and linked.state in ACTIVE_STATES)):
        raise RuleViolation("LEAVE-1", N_("Choose a handover the requester gives that no other "
                                          "request names."), field="handover_id")
    return handover


def handovers_of(session: Session, leave: LeaveRequest) -> list[Handover]:
    """LEAVE-1: the handovers a request names (HAND-1), oldest first."""
    return list(session.scalars(select(Handover).where(Handover.leave_request_id == leave.id)
                                .order_by(Handover.created_at, Handover.id)))


def _settings_days(session: Session) -> tuple[Decimal, Decimal]:
    return (Decimal(str(setting_value(session, "leave.office_head_max_days"))),
            Decimal(str(setting_value(session, "leave.director_max_days"))))


def may_file_for(actor: LeaveActor, staff: Staff) -> bool:
    """LEAVE-1: everyone files their own leave; Office (and Leadership, who may override AB-1)
    files on behalf of staff, also of staff without a login."""
    if actor.office or actor.leadership:
        return True
    return actor.staff is not None and actor.staff.id == staff.id


def file_leave(session: Session, values: LeaveInput, actor: LeaveActor, clock,
               certificate: Certificate | None = None, attachment_dir: str | None = None,
               ab_override_reason: str | None = None,
               require_certificate: bool = False) -> LeaveRequest:
    """LEAVE-1/2, AB-1: file a leave request, routed to its approver by its working days.

    Refused: an unknown kind; a start before today unless `emergency` (补假, kept on the
    request); no working day in the period (holidays and weekends are not counted); no
    substitute, or one who is not another active colleague; no handover (an own one not named
    by another running request, or `new_handover`); an overlap with the person's own pending
    or approved request; an A/B clash (AB-1, per half-day) unless Leadership gives a reason.
    `require_certificate` (the web form) refuses a sick leave filed without its certificate.
    Filed on someone's behalf, the person is notified (LEAVE-1).
    """
    with transaction(session):
        staff = session.get(Staff, values.staff_id)
        if staff is None or not staff.is_active:
            raise RuleViolation("LEAVE-1", N_("Choose an active staff member."), field="staff_id")
        if not may_file_for(actor, staff):
            raise RuleViolation("LEAVE-1", N_("You may file leave only for yourself."),
                                field="staff_id")
        if values.kind not in LEAVE_KINDS:
            raise RuleViolation("LEAVE-1", N_("Choose a kind of leave."), field="kind")
        if values.end_day < values.start_day:
            raise RuleViolation("LEAVE-1", N_("A leave cannot end before it starts."),
                                field="end_day")
        if values.start_day < clock.today and not values.emergency:
            raise RuleViolation(
                "LEAVE-1", N_("Leave is requested in advance; a leave that has already begun "
                              "is filed as an emergency request (补假)."), field="start_day")
        substitute = _check_substitute(session, values, staff)
        handover = _check_handover(session, values, staff)
        if values.kind == SICK and require_certificate and certificate is None:
            raise RuleViolation("LEAVE-1", N_("A sick leave needs a certificate from a "
                                              "designated hospital."), field="certificate")
        calendar = load_calendar(session)
        days = leave_working_days(values.start_day, values.end_day, calendar,
                                  values.half_day_start, values.half_day_end)
        if days <= 0:
            raise RuleViolation("LEAVE-1", N_("This period has no working day: there is "
                                              "nothing to take leave from."), field="end_day")
        _check_overlap(session, values)
        office_max, director_max = _settings_days(session)
        leave = LeaveRequest(
            staff_id=staff.id, kind=values.kind, start_day=values.start_day,
            end_day=values.end_day, half_day_start=bool(values.half_day_start),
            half_day_end=bool(values.half_day_end), days=days,
            reason=_clean(values.reason), emergency=bool(values.emergency),
            substitute_id=values.substitute_id, handover_note=_clean(values.handover_note),
            approver_position=_route(session, approver_for(days, office_max, director_max),
                                     staff, actor), state=PENDING,
            filed_by_id=actor.user_id, filed_at=clock.now)
        session.add(leave)
        _check_ab(session, leave, calendar, ab_override_reason, actor, clock.now)
        session.flush()
        if handover is not None:
            handover.leave_request_id = leave.id
        else:  # HAND-1: created from the request, the requester's open cases listed
            create_handover(session, staff.id, substitute.id,
                            HandoverContent(items=leave.handover_note),
                            Actor(username="", user_id=actor.user_id,
                                  staff_id=actor.staff.id if actor.staff else None),
                            clock, leave_request_id=leave.id)
        if filed_on_behalf(leave, actor):
            session.add(LeaveNotification(leave_request_id=leave.id, recipient_position=REQUESTER,
                                          recipient_staff_id=staff.id, event=FILED,
                                          created_at=clock.now))
        session.flush()
        if certificate is not None:
            attach_certificate(session, leave, certificate, attachment_dir, actor)
    return leave


def _route(session: Session, slot: str, staff: Staff, actor: LeaveActor) -> str:
    """LEAVE-2 / LEAVE-1: `slot`, or where `route_approver` sends it when its holders may not
    decide this request — the person taking the leave and whoever files it are left out."""
    excluded = {staff.id} | ({actor.staff.id} if actor.staff is not None else set())
    approving = frozenset().union(*APPROVER_POSITIONS.values())
    holders = session.execute(select(Staff.position, Staff.id)
                              .where(Staff.is_active.is_(True), Staff.position.in_(approving))
                              ).all()
    return route_approver(slot, {position for position, _ in holders},
                          {position for position, staff_id in holders
                           if staff_id not in excluded})


def approver_holders(session: Session) -> frozenset[tuple[str, int, int | None]]:
    """LEAVE-2: (position, staff id, login id) of the active staff in approver positions, as
    they are now — what `app.policy.leave.deciding_slot` routes a request by at decision time."""
    approving = frozenset().union(*APPROVER_POSITIONS.values())
    return frozenset(tuple(row) for row in session.execute(
        select(Staff.position, Staff.id, Staff.user_id)
        .where(Staff.is_active.is_(True), Staff.position.in_(approving))))


def may_decide_now(session: Session, leave: LeaveRequest, staff: Staff | None) -> bool:
    """LEAVE-2 / LEAVE-1 at decision time: `staff` holds the slot the request was routed to
    (no read) — or, for a pending request whose routed slot nobody may decide any more (its
    holders changed after filing), the slot `deciding_slot` gives with today's holders."""
    if may_decide_leave(leave, staff):
        return True
    if staff is None or leave is None or leave.state != PENDING \
            or not approver_slots(staff.position):
        return False
    return may_decide_leave(leave, staff, approver_holders(session))


def _nobody_free_in_routed_slot():
    """SQL, of a LeaveRequest row: no active staff member other than its requester and its
    filer holds the slot it was routed to — the rows `deciding_slot` may send elsewhere."""
    holder = aliased(Staff)
    holds = or_(*(and_(LeaveRequest.approver_position == slot,
                       holder.position.in_(sorted(positions)))
                  for slot, positions in APPROVER_POSITIONS.items()))
    return ~exists().where(holder.is_active.is_(True), holds, holder.id != LeaveRequest.staff_id,
                           or_(LeaveRequest.filed_by_id.is_(None), holder.user_id.is_(None),
                               holder.user_id != LeaveRequest.filed_by_id))


def rerouted_to(session: Session, staff: Staff | None) -> list[int]:
    """LEAVE-2 / LEAVE-1: the pending requests routed to another slot at filing that `staff`'s
    slot decides now (`deciding_slot`): their ids, for the row filter (PRIV-1: the one who
    decides it sees it). No read for staff holding no approver slot; one while no request is
    stuck (the common case)."""
    positions = approver_positions(staff)
    if not positions:
        return []
    stuck = session.scalars(select(LeaveRequest).where(
        LeaveRequest.state == PENDING, LeaveRequest.staff_id != staff.id,
        LeaveRequest.approver_position.not_in(positions), _nobody_free_in_routed_slot())).all()
    if not stuck:
        return []
    holders = approver_holders(session)
    return [leave.id for leave in stuck if may_decide_leave(leave, staff, holders)]


def filed_on_behalf(leave: LeaveRequest, actor: LeaveActor) -> bool:
    """LEAVE-1: the request is filed by someone else than the person taking the leave."""
    return actor.staff is None or actor.staff.id != leave.staff_id


def decided_by_filer(leave: LeaveRequest, actor: LeaveActor) -> bool:
    """LEAVE-1 / issue #18: `actor` filed this leave on someone else's behalf — so they do not
    decide it (the request page asks the same before it shows the buttons)."""
    return (leave.filed_by_id is not None and leave.filed_by_id == actor.user_id
            and (actor.staff is None or actor.staff.id != leave.staff_id))


# --- LEAVE-2: routed approval --------------------------------------------------------------
def decide_leave(session: Session, leave: LeaveRequest, approve: bool, note: str | None,
                 actor: LeaveActor, clock, seen_version=None,
                 ab_override_reason: str | None = None) -> LeaveRequest:
    """LEAVE-2: the routed approver (app.policy.leave.may_decide_leave) approves or rejects a
    pending request; never their own. Approval re-checks AB-1 and the sick-leave certificate
    (LEAVE-1), informs the town head of a leave over `leave.director_max_days` and, for a
    leave already begun (an emergency request backfilled, LEAVE-1), derives the requester's
    stored attendance days of its period again (ATT-3), as the 销假 does. A rejection changes
    no stored day: a pending request was never leave. Only a pending request is cancelled, so
    no cancellation changes stored days either."""

    with transaction(session):
        check_version(leave, seen_version)
        if not may_decide_now(session, leave, actor.staff):
            raise NotYourDecision()
        if decided_by_filer(leave, actor):
            raise RuleViolation("LEAVE-1", N_("A leave filed on someone's behalf is approved by "
                                              "someone other than the person who filed it."))
        if leave.state != PENDING:
            raise RuleViolation("LEAVE-2", N_("Only a pending request is approved or rejected."))
        note = _clean(note)
        if approve:
            if leave.kind == SICK and not leave.certificate_path:
                raise RuleViolation("LEAVE-1", N_("A sick leave needs a certificate from a "
                                                  "designated hospital."), field="certificate")
            _check_ab(session, leave, load_calendar(session), ab_override_reason, actor,
                      clock.now)
            _check_overlap(session, LeaveInput(leave.staff_id, leave.kind, leave.start_day,
                                               leave.end_day, leave.half_day_start,
                                               leave.half_day_end), exclude_id=leave.id)
        elif note is None:
            raise RuleViolation("LEAVE-2", N_("Say why the request is rejected."),
                                field="decision_note")
        leave.state = APPROVED if approve else REJECTED
        leave.decided_by_id, leave.decided_at = actor.user_id, clock.now
        leave.decision_note = note[:TEXT_MAX] if note else None
        if approve:
            _, director_max = _settings_days(session)
            if informs_town_head(leave.days, director_max):
                session.add(LeaveNotification(leave_request_id=leave.id,
                                              recipient_position=TOWN_HEAD, created_at=clock.now))
        session.flush()
        if approve and leave.start_day < clock.today:
            # LEAVE-1 补假: a request approved after its first day turns that stored absence
            # into leave now; the nightly job re-derives only the recent months.
            derive_range(session, leave.start_day, leave.end_day, clock.today,
                         staff_ids=[leave.staff_id])
    return leave


def cancel_leave(session: Session, leave: LeaveRequest, actor: LeaveActor, clock,
                 seen_version=None) -> LeaveRequest:
    """A pending request is withdrawn by its requester (or whoever filed it for them)."""

    with transaction(session):
        check_version(leave, seen_version)
        if not may_cancel_leave(leave, actor.staff, actor.user_id):
            raise NotYourDecision()
        if leave.state != PENDING:
            raise RuleViolation("LEAVE-2", N_("Only a pending request can be cancelled."))
        leave.state = CANCELLED
        session.flush()
    return leave


# --- LEAVE-1 / ATT-3: leave obtained by deception is revoked ------------------------------
def revoke_leave(session: Session, leave: LeaveRequest, reason: str | None, actor: LeaveActor,
                 clock, seen_version=None) -> LeaveRequest:
    """LEAVE-1 / ATT-3 以欺骗手段获得的假: an approved leave found to have been obtained by
    deception is revoked by its approver (a holder of its approver position) or Leadership
    (app.policy.leave.may_revoke_leave), with a reason; never by its own requester. The request
    keeps who revoked it, when and why (audited, AUDIT-1); the town head, told of its approval,
    is told of the revocation. Its days as taken (LEAVE-3 `taken_period`) are no leave any more:
    they count as absence (旷工) in attendance — even on a day without clock data (ATT-2) —, in
    LEAVE-4 and the deductions, and no more as 事假/病假. The requester's stored attendance days
    of those days are derived again in the same transaction, so LEAVE-4 reads them at once."""

    with transaction(session):
        check_version(leave, seen_version)
        if not may_revoke_leave(leave, actor.staff, actor.leadership):
            raise NotYourDecision()
        if leave.state == REVOKED:
            raise RuleViolation("LEAVE-1", N_("This leave is already revoked."))
        if leave.state != APPROVED:
            raise RuleViolation("LEAVE-1", N_("Only an approved leave is revoked."))
        reason = _clean(reason)
        if reason is None:
            raise RuleViolation("LEAVE-1", N_("Say how the leave was obtained by deception."),
                                field="reason")
        leave.state = REVOKED
        leave.revoked_at, leave.revoked_by_id = clock.now, actor.user_id
        leave.revoke_reason = reason[:TEXT_MAX]
        _, director_max = _settings_days(session)
        if informs_town_head(leave.days, director_max):
            session.add(LeaveNotification(leave_request_id=leave.id, recipient_position=TOWN_HEAD,
                                          event=REVOKED, created_at=clock.now))
        session.flush()
        taken = taken_period_of(leave)
        if taken is not None and taken[0] < clock.today:
            derive_range(session, taken[0], taken[1], clock.today, staff_ids=[leave.staff_id])
    return leave


# --- LEAVE-3: 销假 --------------------------------------------------------------------------
def overstay_of(leave: LeaveRequest, calendar,
                returned_on: date | None = None) -> dict[date, Decimal]:
    """LEAVE-3 / ATT-3: `overstay` of a loaded request — each overstayed working day with the
    part of it overstayed (½ for the afternoon of an end day that ended at noon)."""
    return overstay(leave.end_day, leave.half_day_end, returned_on or leave.reported_back_on,
                    calendar)


def late_return(leave: LeaveRequest, returned_on: date, calendar) -> bool:
    """LEAVE-3: back after the planned return — working days after the end day passed, or the
    afternoon of an end day that was to end at noon (a working day)."""
    return bool(overstay_of(leave, calendar, returned_on))


def report_back(session: Session, leave: LeaveRequest, returned_on: date, reason: str | None,
                actor: LeaveActor, clock, seen_version=None) -> LeaveRequest:
    """LEAVE-3 销假: the person (or Office for them) reports the day they were back at work;
    the approved leave is closed. Back after the end day without a reason is overstay: its
    working days are stored and count as absence (ATT-3). A reason for a late return is
    accepted by the general office only (app.policy.leave.may_excuse_overstay): the days up to the
    销假 are then leave of the request's kind (`taken_period`), for attendance and LEAVE-4 —
    the audit trail (AUDIT-1) keeps who accepted it. The person's stored attendance days of
    the leave are derived again, so LEAVE-4 reads the 销假 at once."""

    with transaction(session):
        check_version(leave, seen_version)
        if not may_report_back(leave, actor.staff, actor.office):
            raise NotYourDecision()
        if leave.state != APPROVED:
            raise RuleViolation("LEAVE-3", N_("Only an approved leave is reported back."))
        if leave.reported_back_on is not None:
            raise RuleViolation("LEAVE-3", N_("This leave is already reported back."))
        if returned_on is None:
            raise RuleViolation("LEAVE-3", N_("Give the day of return."), field="returned_on")
        if returned_on < leave.start_day or returned_on > clock.today:
            raise RuleViolation("LEAVE-3", N_("The day of return lies between the leave's first "
                                              "day and today."), field="returned_on")
        reason = _clean(reason)
        calendar = load_calendar(session)
        if (reason is not None and late_return(leave, returned_on, calendar)
                and not may_excuse_overstay(leave, actor.staff, actor.office)):
            raise RuleViolation(
                "LEAVE-3", N_("The reason for coming back late is accepted by the general office "
                              "(综合科) at the 销假: report back there, or report back without a "
                              "reason and the days after the leave count as absence."),
                field="reason")
        over = overstay_of(leave, calendar, returned_on)
        leave.reported_back_on, leave.reported_back_at = returned_on, clock.now
        leave.report_back_reason = reason[:TEXT_MAX] if reason else None
        # ATT-3: half days as attendance counts them (Numeric(5, 1) keeps the ½).
        leave.overstay_days = sum(over.values(), Decimal(0)) if reason is None else Decimal(0)
        session.flush()
        _derive_attendance_again(session, leave, clock.today)
    return leave


def _derive_attendance_again(session: Session, leave: LeaveRequest, today: date) -> None:
    """ATT-3: when the 销假 changes the days taken — an early return makes the days from it to
    the end day work days, an excused overstay makes those after the end day leave — the
    person's stored attendance days between the end day and the 销假 are derived again (the
    nightly job re-derives only the recent months; LEAVE-4 reads the stored days)."""
    if taken_period_of(leave) == _planned(leave):
        return
    back = leave.reported_back_on
    first, last = min(leave.end_day, back), max(leave.end_day, back - timedelta(days=1))
    derive_range(session, first, last, today, staff_ids=[leave.staff_id])


# --- LEAVE-1 certificates ------------------------------------------------------------------
def certificate_type(data: bytes) -> tuple[str, str] | None:
    """LEAVE-1: (MIME type, suffix) of a PDF, JPEG or PNG by its first bytes, else None."""
    for magic, mime, suffix in CERTIFICATE_TYPES:
        if data.startswith(magic):
            return mime, suffix
    return None


def attach_certificate(session: Session, leave: LeaveRequest, certificate: Certificate,
                       directory: str | None, actor: LeaveActor, seen_version=None) -> LeaveRequest:
    """LEAVE-1: store a sick-leave certificate under a random name in `directory`; checked by
    content (PDF/JPEG/PNG) and size (`leave.max_attachment_mb`). The file is removed again
    when the transaction fails."""

    if not directory:
        raise ValueError("no attachment directory configured")
    written: Path | None = None
    try:
        with transaction(session):
            check_version(leave, seen_version)
            if not may_attach_certificate(leave, actor.staff, actor.user_id, actor.office):
                raise NotYourDecision()
            if leave.state not in ACTIVE_STATES:
                raise RuleViolation("LEAVE-1", N_("A certificate is added to a pending or "
                                                  "approved request only."), field="certificate")
            limit = int(setting_value(session, "leave.max_attachment_mb"))
            if len(certificate.data) > limit * 1024 * 1024:
                raise RuleViolation("LEAVE-1", N_("The certificate is larger than %(mb)s MB."),
                                    field="certificate", mb=limit)
            kind = certificate_type(certificate.data)
            if kind is None:
                raise RuleViolation("LEAVE-1", N_("The certificate must be a PDF, JPEG or PNG "
                                                  "file."), field="certificate")
            folder = Path(directory)
            name = secrets.token_hex(16) + kind[1]
            try:
                folder.mkdir(parents=True, exist_ok=True)
                written = folder / name
                with open(written, "xb") as handle:
                    handle.write(certificate.data)
            except OSError as error:  # read-only, full, not a folder: INPUT-1, issue #18
                log.error("LEAVE_ATTACHMENT_DIR %s: a certificate cannot be stored (%s)",
                          folder, error.strerror or type(error).__name__)
                raise RuleViolation("LEAVE-1", N_("The certificate could not be stored: the "
                                                  "attachment folder is full or cannot be "
                                                  "written. Nothing was saved; please tell the "
                                                  "administrator."), field="certificate") from None
            old = leave.certificate_path
            leave.certificate_path = name
            leave.certificate_name = clean_file_name(certificate.filename, "certificate", 200)
            leave.certificate_type = kind[0]
            session.flush()
        written = None  # committed (or joined an outer block that will)
        if old:
            _remove_quietly(folder / old)
    finally:
        if written is not None:
            _remove_quietly(written)
    return leave


def certificate_file(leave: LeaveRequest, directory: str) -> Path | None:
    """The stored certificate's path, if there is one and it is a plain name in `directory`."""
    name = leave.certificate_path
    if not name or os.path.basename(name) != name:
        return None
    path = Path(directory) / name
    return path if path.is_file() else None


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


# --- Queries -------------------------------------------------------------------------------
def approver_positions(staff: Staff | None) -> tuple[str, ...]:
    """LEAVE-2: the approver positions a staff member holds ("director" also by the deputy)."""
    if staff is None:
        return ()
    return tuple(sorted(approver_slots(staff.position)))


def approval_queue(session: Session, staff: Staff | None) -> list[LeaveRequest]:
    """LEAVE-2: the pending requests routed to `staff`'s position, their own left out, with
    their requesters loaded in the same round trip (the navbar's 待办 count names them on every
    page an approver opens). The to-do list and its count are these rows (app/services/todo.py).

    A request of someone no longer active stays here: it still waits for a decision — a
    backfilled 补假 of days worked before leaving decides whether those days were leave or
    absence (ATT-3, LEAVE-4) — and nobody else can decide it; the queue page marks such a
    requester, so the approver may reject what has become moot.

    LEAVE-2 / LEAVE-1 at decision time: also the requests of another slot whose holders
    changed after filing so that none of them may decide it, when `deciding_slot` sends them
    to `staff`'s slot now (read in the same statement; the holders only when there are such)."""
    positions = approver_positions(staff)
    if not positions:
        return []
    query = select(LeaveRequest).where(LeaveRequest.state == PENDING,
                                       or_(LeaveRequest.approver_position.in_(positions),
                                           _nobody_free_in_routed_slot()),
                                       LeaveRequest.staff_id != staff.id)
    if staff.user_id is not None:  # LEAVE-1: not what they filed for someone else
        query = query.where(or_(LeaveRequest.filed_by_id.is_(None),
                                LeaveRequest.filed_by_id != staff.user_id))
    rows = list(session.scalars(query.options(joinedload(LeaveRequest.staff))
                                .order_by(LeaveRequest.start_day, LeaveRequest.id)))
    if all(leave.approver_position in positions for leave in rows):
        return rows
    holders = approver_holders(session)
    return [leave for leave in rows if leave.approver_position in positions
            or may_decide_leave(leave, staff, holders)]


def notifications_for(session: Session, staff: Staff | None) -> list[LeaveNotification]:
    """LEAVE-2 知会: the notifications for `staff`'s position, and (LEAVE-1) those of the leave
    filed on their behalf, newest first."""
    if staff is None:
        return []
    return list(session.scalars(
        select(LeaveNotification).where(or_(
            and_(LeaveNotification.recipient_staff_id.is_(None),
                 LeaveNotification.recipient_position == staff.position),
            LeaveNotification.recipient_staff_id == staff.id))
        .order_by(LeaveNotification.created_at.desc(), LeaveNotification.id.desc())))


def filed_for_notices(session: Session, staff: Staff | None) -> list[LeaveNotification]:
    """LEAVE-1: the leave filed on `staff`'s behalf they have not acknowledged yet (their
    to-do), oldest first, with the request loaded."""
    if staff is None:
        return []
    return list(session.scalars(_filed_for_statement(), {"filed_for_staff_id": staff.id}))


def filed_for_condition(staff_id):
    """LEAVE-1 in SQL: the notifications of leave filed on `staff_id`'s behalf, not yet
    acknowledged."""
    return and_(LeaveNotification.recipient_staff_id == staff_id,
                LeaveNotification.read_at.is_(None))


@lru_cache(maxsize=1)
def _filed_for_statement():
    """`filed_for_notices`' SELECT, built once with the person as a bind parameter (issue #21:
    the home page's 待办 asks it on every request)."""
    return (select(LeaveNotification)
            .where(filed_for_condition(bindparam("filed_for_staff_id")))
            .options(joinedload(LeaveNotification.leave_request))
            .order_by(LeaveNotification.created_at, LeaveNotification.id))


def acknowledge(session: Session, leave: LeaveRequest, staff: Staff | None, clock) -> int:
    """LEAVE-1: the person a leave was filed for has read that it was; returns how many of
    their notifications of it were marked."""
    if staff is None:
        return 0
    with transaction(session):
        notices = session.scalars(select(LeaveNotification).where(
            LeaveNotification.leave_request_id == leave.id,
            LeaveNotification.recipient_staff_id == staff.id,
            LeaveNotification.read_at.is_(None))).all()
        for notice in notices:
            notice.read_at = clock.now
        session.flush()
    return len(notices)


def filtered_requests(session: Session, state=None, kind=None, staff_id=None,
                      month: tuple[int, int] | None = None, limit: int = 500) -> list[LeaveRequest]:
    """All requests (Office, Leadership) by state, kind, staff and a month they touch."""
    query = filter_requests(select(LeaveRequest), state, kind, staff_id, month)
    return list(session.scalars(query.order_by(LeaveRequest.start_day.desc(),
                                               LeaveRequest.id.desc()).limit(limit)))


def filter_requests(query, state=None, kind=None, staff_id=None,
                    month: tuple[int, int] | None = None):
    """The filters of the leave register: the page and its Excel export (issue #12) alike."""
    if state:
        query = query.where(LeaveRequest.state == state)
    if kind:
        query = query.where(LeaveRequest.kind == kind)
    if staff_id:
        query = query.where(LeaveRequest.staff_id == staff_id)
    if month:
        first = date(month[0], month[1], 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        query = query.where(LeaveRequest.start_day <= last, LeaveRequest.end_day >= first)
    return query


# --- LEAVE-4 and ATT-3: days per year ------------------------------------------------------
def _year_part(period: tuple[date, date, bool, bool] | None, year: int,
               calendar) -> tuple[Decimal, date | None, date | None]:
    """The working days of a leave period that fall in `year` (a half day only at the period's
    real ends), with the first and last day of the period within the year."""
    if period is None:
        return Decimal(0), None, None
    first, last, half_start, half_end = period
    start, end = max(first, date(year, 1, 1)), min(last, date(year, 12, 31))
    if start > end:
        return Decimal(0), None, None
    return (leave_working_days(start, end, calendar, half_start and start == first,
                               half_end and end == last), start, end)


def _planned(leave: LeaveRequest) -> tuple[date, date, bool, bool]:
    return leave.start_day, leave.end_day, leave.half_day_start, leave.half_day_end


def taken_period_of(leave: LeaveRequest) -> tuple[date, date, bool, bool] | None:
    """LEAVE-3/4: `taken_period` of a loaded request — cut short by an early 销假, carried to
    the 销假 by an excused overstay."""
    return taken_period(*_planned(leave), leave.reported_back_on,
                        overstay_excused(leave.report_back_reason, leave.overstay_days))


@dataclass(frozen=True)
class CountedLeave:
    """LEAVE-4: a request whose counted days differ from its plan — the first and last working
    day of the year it counted (None when `days` is 0), against its planned days of the year,
    and why: "cut_short" (an early 销假) or "excused_overstay" (a late return whose reason the
    general office accepted)."""

    request_id: int
    kind: str
    first: date | None
    last: date | None
    days: Decimal
    planned: Decimal
    reported_back_on: date
    why: str


@dataclass
class LeaveTotals:
    """One person's approved 事假 and 病假 days of a year and the requests they come from."""

    personal: Decimal = Decimal(0)
    sick: Decimal = Decimal(0)
    personal_requests: list[int] = field(default_factory=list)
    sick_requests: list[int] = field(default_factory=list)
    counted: list[CountedLeave] = field(default_factory=list)  # those not counted as planned


def _counted(leave: LeaveRequest, year: int, calendar) -> tuple[Decimal, CountedLeave | None]:
    """LEAVE-4: the days a request counts in `year` — those actually taken (`taken_period`) —
    and, when they are not the planned ones, what was counted instead."""
    taken = taken_period_of(leave)
    days, first, last = _year_part(taken, year, calendar)
    if taken == _planned(leave):
        return days, None
    if days:  # name the working days it counted, not a weekend the 销假 came after
        while not calendar.is_working_day(first):
            first += timedelta(days=1)
        while not calendar.is_working_day(last):
            last -= timedelta(days=1)
    else:
        first = last = None
    planned = _year_part(_planned(leave), year, calendar)[0]
    why = "excused_overstay" if leave.reported_back_on > leave.end_day else "cut_short"
    return days, CountedLeave(leave.id, leave.kind, first, last, days, planned, leave.reported_back_on, why)


def yearly_leave_totals(session: Session, year: int, calendar=None) -> dict[int, LeaveTotals]:
    """LEAVE-4: per staff id, the approved personal and sick leave days falling in `year`: the
    working days actually taken (LEAVE-3 `taken_period`), so a leave cut short by an early
    销假 counts up to the day before it, and an excused overstay adds its working days."""
    calendar = calendar or load_calendar(session)
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = session.scalars(select(LeaveRequest).where(
        LeaveRequest.state == APPROVED, LeaveRequest.kind.in_((PERSONAL, SICK)),
        LeaveRequest.start_day <= last,
        or_(LeaveRequest.end_day >= first, LeaveRequest.reported_back_on > first))
        .order_by(LeaveRequest.start_day, LeaveRequest.id))
    totals: dict[int, LeaveTotals] = defaultdict(LeaveTotals)
    for leave in rows:
        days, counted = _counted(leave, year, calendar)
        if counted is not None and days != counted.planned:
            totals[leave.staff_id].counted.append(counted)
        if not days:
            continue
        entry = totals[leave.staff_id]
        if leave.kind == PERSONAL:
            entry.personal += days
            entry.personal_requests.append(leave.id)
        else:
            entry.sick += days
            entry.sick_requests.append(leave.id)
    return dict(totals)


def _overstayed_requests(session: Session, start: date, end: date, staff_id=None):
    query = select(LeaveRequest).where(
        LeaveRequest.overstay_days > 0, LeaveRequest.reported_back_on > start,
        LeaveRequest.end_day <= end)
    if staff_id is not None:
        query = query.where(LeaveRequest.staff_id == staff_id)
    return session.scalars(query.order_by(LeaveRequest.end_day, LeaveRequest.id))


def overstay_parts_in(session: Session, staff_id: int | None, start: date, end: date,
                      calendar=None) -> dict[int, dict[date, tuple[int, Decimal]]]:
    """LEAVE-3/ATT-3: per staff id, each overstayed working day in `start`..`end` with the
    leave request it comes from and the part overstayed (`overstay`: ½ for the afternoon of
    an end day that ended at noon, else 1)."""
    calendar = calendar or load_calendar(session)
    found: dict[int, dict[date, tuple[int, Decimal]]] = defaultdict(dict)
    for leave in _overstayed_requests(session, start, end, staff_id):
        for day, part in overstay_of(leave, calendar).items():
            if start <= day <= end:
                found[leave.staff_id][day] = (leave.id, part)
    return dict(found)


def overstay_dates_in(session: Session, staff_id: int | None, start: date, end: date,
                      calendar=None) -> dict[int, dict[date, int]]:
    """LEAVE-3/ATT-3: per staff id, each overstayed working day in `start`..`end` (wholly or
    by its afternoon) with the leave request it comes from."""
    return {person: {day: request for day, (request, _part) in days.items()}
            for person, days in overstay_parts_in(session, staff_id, start, end,
                                                  calendar).items()}


def overstay_days_in(session: Session, staff_id: int, start: date, end: date) -> Decimal:
    """ATT-3: overstaying leave without reason counts as absence — the overstayed working
    days of `staff_id` between `start` and `end` (both included), half days as ½ like the
    attendance derivation and the request's `overstay_days`."""
    days = overstay_parts_in(session, staff_id, start, end).get(staff_id, {})
    return sum((part for _request, part in days.values()), Decimal(0))


def half_overstay_days(session: Session, year: int, calendar=None) -> dict[int, set[date]]:
    """LEAVE-3/ATT-3: the days of `year` overstayed by their afternoon only (the end day of a
    leave that ended at noon) — ½ day of absence each, though a request names them."""
    parts = overstay_parts_in(session, None, date(year, 1, 1), date(year, 12, 31), calendar)
    return {person: {day for day, (_request, part) in days.items() if part == HALF_DAY}
            for person, days in parts.items()}


def absence_days_by_staff(session: Session, year: int, calendar=None) -> dict[int, dict[date, int | None]]:
    """LEAVE-4: per staff id, the absence (旷工) days of `year`, each with the leave request that
    caused it: overstayed leave (LEAVE-3), and the days the attendance derivation (ATT-2/3,
    the stored AttendanceDay rows of `flask bianmin nightly`) found absent — those map to None.
    A day with only half a day absent is in `half_absence_days` too."""
    days = overstay_dates_in(session, None, date(year, 1, 1), date(year, 12, 31), calendar)
    for staff_id, day in session.execute(
            select(AttendanceDay.staff_id, AttendanceDay.day)
            .where(AttendanceDay.day.between(date(year, 1, 1), date(year, 12, 31)),
                   AttendanceDay.absent_days > 0)):
        days.setdefault(staff_id, {}).setdefault(day, None)
    return days


HALF_DAY = Decimal("0.5")


def half_absence_days(session: Session, year: int) -> dict[int, set[date]]:
    """ATT-2: the days of `year` on which a staff member missed only half a day (½ day each)."""
    halves: dict[int, set[date]] = {}
    for staff_id, day in session.execute(
            select(AttendanceDay.staff_id, AttendanceDay.day)
            .where(AttendanceDay.day.between(date(year, 1, 1), date(year, 12, 31)),
                   AttendanceDay.absent_days == HALF_DAY)):
        halves.setdefault(staff_id, set()).add(day)
    return halves


def absence_total(absent: dict[date, int | None], halves: set[date],
                  overstay_halves: set[date] = frozenset()) -> Decimal:
    """LEAVE-4: the absence days of one person: a whole day each, half for a half-day absence
    found by the attendance derivation; an overstayed day, with its request, is whole unless
    only its afternoon was overstayed (`overstay_halves`, the noon end day of the leave)."""
    return sum((HALF_DAY if (day in halves and request is None) or day in overstay_halves
                else Decimal(1) for day, request in absent.items()), Decimal(0))


def longest_run(days, calendar) -> int:
    """The longest run of absence days that are consecutive working days."""
    best = run = 0
    previous = None
    for day in sorted(days):
        if previous is not None and calendar.add_working_days(previous, 1) == day:
            run += 1
        else:
            run = 1
        best, previous = max(best, run), day
    return best


def revoked_leave_days(session: Session, year: int) -> dict[int, dict[int, tuple[date, date]]]:
    """LEAVE-4 / ATT-3: per staff id, the leave requests revoked as obtained by deception with
    the first and last day of their taken period within `year` — absence days' causes."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    found: dict[int, dict[int, tuple[date, date]]] = defaultdict(dict)
    for leave in session.scalars(select(LeaveRequest).where(
            LeaveRequest.state == REVOKED, LeaveRequest.start_day <= last,
            or_(LeaveRequest.end_day >= first, LeaveRequest.reported_back_on > first))
            .order_by(LeaveRequest.start_day, LeaveRequest.id)):
        taken = taken_period_of(leave)
        if taken is not None and taken[0] <= last and taken[1] >= first:
            found[leave.staff_id][leave.id] = (max(taken[0], first), min(taken[1], last))
    return dict(found)


def month_rule_days(session: Session, year: int) -> dict[int, Decimal]:
    """LEAVE-4 / ATT-3: per staff id, the year's half days of absence the months add for 4 or
    more late/early and each off-post time over the limit — the months of the stored days
    summed as the month view sums them (`stored_month_absences`)."""
    months = stored_month_absences(session, date(year, 1, 1), date(year, 12, 31))
    return {staff_id: total for staff_id, total in (
        (staff_id, sum((m.rule_days for m in by_month.values()), Decimal(0)))
        for staff_id, by_month in months.items()) if total}


@dataclass
class YearFlags:
    """LEAVE-4: one person's year: days, flags and the requests behind each flag."""

    staff: Staff
    personal: Decimal
    sick: Decimal
    absence: Decimal
    longest_absence_run: int
    flags: set[str]
    causes: dict[str, list[int]]  # flag → leave request ids
    counted: list[CountedLeave] = field(default_factory=list)  # cut short or excused overstay
    rule_days: Decimal = Decimal(0)  # of `absence`: ATT-3's 4+ late/early and off-post halves


FLAG_SOURCES = {"bonus_withheld_one_month": "personal", "bonus_withheld_half_year": "personal",
                "not_eligible_for_awards": "sick", "year_bonus_cancelled": "absence",
                "dismissal_review": "absence"}


def yearly_flag_rows(session: Session, year: int, absence_source=None) -> list[YearFlags]:
    """LEAVE-4: every staff member with leave or absence in `year`, their flags (yearly_flags
    with the rule settings) and the requests causing each. `absence_source(session, year)`
    gives the absence days (default `absence_days_by_staff`). The absence (旷工) days are
    those of the attendance months (ATT-3, `month_rule_days`): the absent half days and the
    half days each month adds for 4+ late/early and off-post times over the limit — what the
    month view shows — with the overstays (LEAVE-3) of the requests; a revoked leave (LEAVE-1)
    is a cause of the days it made absent."""
    calendar = load_calendar(session)
    totals = yearly_leave_totals(session, year, calendar)
    absences = (absence_source or absence_days_by_staff)(session, year)
    halves = half_absence_days(session, year) if absence_source is None else {}
    overstay_halves = half_overstay_days(session, year, calendar) if absence_source is None else {}
    rule_days = month_rule_days(session, year) if absence_source is None else {}
    revoked = revoked_leave_days(session, year)
    thresholds = dict(
        personal_one_month=setting_value(session, "leave.personal_month_bonus_days"),
        personal_half_year=setting_value(session, "leave.personal_half_year_bonus_days"),
        sick_awards=setting_value(session, "leave.sick_award_days"),
        absence_bonus=setting_value(session, "leave.absence_bonus_days"),
        absence_run_dismissal=setting_value(session, "leave.absence_consecutive_dismissal_days"),
        absence_year_dismissal=setting_value(session, "leave.absence_yearly_dismissal_days"))
    ids = set(totals) | set(absences) | set(rule_days)
    staff_rows = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_(ids)))} if ids else {}
    rows = []
    for staff_id in sorted(ids, key=lambda i: (staff_rows[i].name, i)):
        entry = totals.get(staff_id, LeaveTotals())
        absent = absences.get(staff_id, {})
        run = longest_run(absent, calendar)
        extra = rule_days.get(staff_id, Decimal(0))
        absence = absence_total(absent, halves.get(staff_id, set()),
                                overstay_halves.get(staff_id, set())) + extra
        flags = yearly_flags(entry.personal, entry.sick, absence, run, **thresholds)
        deceived = {i for i, (first, last) in revoked.get(staff_id, {}).items()
                    if any(first <= day <= last for day in absent)}
        sources = {"personal": entry.personal_requests, "sick": entry.sick_requests,
                   "absence": sorted({i for i in absent.values() if i is not None} | deceived)}
        rows.append(YearFlags(staff_rows[staff_id], entry.personal, entry.sick,
                              absence, run, flags,
                              {flag: sources[FLAG_SOURCES[flag]] for flag in flags},
                              entry.counted, extra))
    return rows


__all__ = ["LeaveInput", "Certificate", "LeaveActor", "NotYourDecision", "file_leave",
           "decide_leave", "cancel_leave", "revoke_leave", "revoked_leave_days",
           "month_rule_days", "report_back", "attach_certificate",
           "certificate_file", "certificate_type", "approval_queue", "away_on",
           "notifications_for", "filtered_requests", "yearly_leave_totals",
           "overstay_days_in", "overstay_dates_in", "overstay_parts_in", "half_overstay_days",
           "overstay_of", "absence_days_by_staff", "half_absence_days",
           "absence_total", "yearly_flag_rows",
           "days_text", "may_file_for", "approver_positions", "late_return",
           "taken_period_of", "CountedLeave", "ab_conflict_halves", "default_substitute",
           "is_admin_only", "linkable_handovers", "handovers_of", "filed_on_behalf",
           "decided_by_filer", "filed_for_notices", "acknowledge", "REQUESTER",
           "approver_holders", "may_decide_now", "rerouted_to"]
