"""The demo center's leave (请假) across the demo year: requests in every state (LEAVE-1..4, AB-1).

Rows are written directly (the past cannot be filed "in advance" through the service), with
the days and approver computed by the same rules (leave_working_days, approver_for). What it
makes, for the demo year (the year of `today`):
- approved, rejected, pending, cancelled, reported back, one overstayed (absence, LEAVE-3),
  one emergency request backfilled (补假), one approved leave over 3 days with its
  notification to the town head (LEAVE-2);
- AB-1: a refused request is never stored, so the demo shows the attempt as a rejected request
  whose note quotes the refusal, and one request filed over the clash by Leadership with a reason;
- LEAVE-1: every request names its substitute (the B of the post, `default_substitute`, else a
  colleague of the same unit) and its handover (HAND-1), signed by both for the decided ones, by
  the giver only for the pending one (it waits in the substitute's to-do); a request filed on
  someone's behalf has its notification to them, read.
Idempotent: nothing is added when leave requests exist already.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.leave import approver_for, informs_town_head, leave_working_days
from app.services.calendar import load_calendar
from app.services.handover import case_rows_for
from app.services.leave import REQUESTER, default_substitute, is_admin_only, overstay_of
from models.handover import Handover
from models.leave import LeaveNotification, LeaveRequest
from models.org import Staff

SEED = 20261010


def _user_staff(session: Session, sm, username: str) -> Staff | None:
    user = sm.find_user(username=username)
    return user and session.scalars(select(Staff).where(Staff.user_id == user.id)).first()


def _at(day: date) -> datetime:
    return datetime.combine(day, time(1, 30), tzinfo=timezone.utc)  # 09:30 in Shanghai


def _workday_on_or_after(calendar, day: date) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _substitute(session: Session, staff: Staff) -> Staff | None:
    """LEAVE-1: the post's B (or A), else the first active colleague of the same window or
    unit, else of the center, who is not an administrator-only login."""
    partner = default_substitute(session, staff)
    if partner is not None:
        return partner
    query = select(Staff).where(Staff.is_active.is_(True), Staff.id != staff.id)
    near = query.where(Staff.window_id == staff.window_id) if staff.window_id else query.where(
        Staff.unit == staff.unit)
    for candidates in (near, query):
        for colleague in session.scalars(candidates.order_by(Staff.id)):
            if not is_admin_only(colleague):
                return colleague
    return None


def _handover(session: Session, row: LeaveRequest, receiver: Staff) -> Handover:
    """HAND-1: the request's handover to its substitute, signed by both when it was decided,
    by the giver when it waits (the receiver's to-do)."""
    filed = row.filed_at
    giver_user = row.staff.user_id
    handover = Handover(giver_id=row.staff_id, receiver_id=receiver.id, leave_request_id=row.id,
                        items=row.handover_note, tasks="按时办结在办件，每日核对受理登记",
                        created_by_id=row.filed_by_id, created_at=filed,
                        giver_confirmed_at=filed, giver_confirmed_by_id=giver_user or row.filed_by_id,
                        giver_on_behalf=giver_user is None)
    if row.state != "pending":
        handover.receiver_confirmed_at = filed
        handover.receiver_confirmed_by_id = receiver.user_id or row.filed_by_id
        handover.receiver_on_behalf = receiver.user_id is None
    if row.state == "pending":
        handover.cases = case_rows_for(session, row.staff_id)
    session.add(handover)
    return handover


def generate_demo_leave(session: Session, sm, today: date) -> int:
    """The demo year's leave requests; returns how many were made."""
    if session.scalars(select(LeaveRequest).limit(1)).first() is not None:
        return 0
    users = {name: _user_staff(session, sm, name)
             for name in ("clerk", "winhead", "office", "leader", "deputy", "secretary")}
    if any(staff is None for staff in users.values()):
        return 0
    user_ids = {name: staff.user_id for name, staff in users.items()}
    others = session.scalars(select(Staff).where(Staff.user_id.is_(None), Staff.is_active.is_(True))
                             .order_by(Staff.id)).all()
    rng = random.Random(SEED)
    calendar = load_calendar(session)
    day_of_year = (today - date(today.year, 1, 1)).days
    # The finished requests lie in the demo year; early in a year, in the one before.
    year_start = date(today.year if day_of_year >= 240 else today.year - 1, 1, 1)
    made = []

    def leave(staff, kind, start_offset, length, state, *, half_end=False, emergency=False,
              decided_by="deputy", note=None, back=None, reason="家中有事", **extra):
        start = _workday_on_or_after(calendar, year_start + timedelta(days=start_offset))
        end = start
        for _ in range(length - 1):
            end = calendar.add_working_days(end, 1)
        days = leave_working_days(start, end, calendar, False, half_end)
        position = approver_for(days)
        approver = {"office_head": "office", "director": decided_by, "secretary": "secretary"}[position]
        substitute = extra.pop("substitute", None) or _substitute(session, staff)
        row = LeaveRequest(
            staff=staff, kind=kind, start_day=start, end_day=end, half_day_end=half_end,
            half_day_start=False, days=days, reason=reason, emergency=emergency,
            substitute=substitute, handover_note="在办件及窗口印章交顶岗人", approver_position=position,
            state=state, filed_by_id=extra.pop("filed_by_id", staff.user_id),
            # Filed three days ahead (an emergency on the day), never after the demo's today.
            filed_at=_at(min(start if emergency else start - timedelta(days=3), today)),
            **extra)
        if state in ("approved", "rejected"):
            row.decided_by_id = user_ids[approver]
            row.decided_at = _at(min(start - timedelta(days=2), today))
            row.decision_note = note
        if back is not None:
            row.reported_back_on = back(end)
            row.reported_back_at = _at(row.reported_back_on)
            row.overstay_days = sum(overstay_of(row, calendar).values(), Decimal(0))
        session.add(row)
        made.append(row)
        return row

    clerk, winhead = users["clerk"], users["winhead"]
    next_day = lambda end: calendar.add_working_days(end, 1)  # noqa: E731 — back on time
    # Earlier in the year: approved and reported back on time, a half day, a long leave.
    leave(clerk, "annual", 20, 2, "approved", back=next_day, substitute=winhead)
    leave(winhead, "personal", 45, 1, "approved", half_end=True,
          back=lambda end: end, decided_by="office")  # back for the afternoon, as planned
    leave(users["office"], "marriage", 70, 5, "approved", back=next_day,
                       reason="结婚")
    leave(clerk, "sick", 100, 1, "approved", emergency=True, back=next_day, reason="急性肠胃炎",
          certificate_name="诊断证明.pdf")  # 补假 (the certificate file itself is not in the demo)
    leave(winhead, "personal", 130, 2, "rejected", note="当周窗口业务高峰，请改期")
    # One overstayed: back three working days late without a reason (absence, LEAVE-3).
    leave(clerk, "personal", 160, 1, "approved",
          back=lambda end: calendar.add_working_days(end, 4))
    # AB-1: the attempt refused for the A/B clash, kept as rejected with the refusal quoted;
    # then one filed over the clash by Leadership with a reason.
    busy = leave(clerk, "annual", 200, 3, "approved", back=next_day)
    leave(winhead, "personal", 201, 1, "rejected", decided_by="deputy",
                  note="AB角冲突：A、B同日不在岗（%s），已退回" % busy.start_day.isoformat())
    leave(winhead, "bereavement", 202, 1, "approved", reason="奔丧", back=next_day,
          filed_by_id=user_ids["leader"], ab_override_reason="丧假不可推迟，由综合科临时顶岗",
          ab_override_by_id=user_ids["leader"], ab_override_at=_at(date(today.year, 1, 1)
                                                                    + timedelta(days=199)))
    # Someone without a login, filed by the office on their behalf.
    if others:
        leave(rng.choice(others), "personal", 230, 1, "approved", back=next_day,
              filed_by_id=user_ids["office"])
    # Around today: a cancelled one, a pending one, an approved one still running.
    now = (today - year_start).days
    leave(clerk, "personal", now + 10, 1, "cancelled")
    leave(winhead, "annual", now + 14, 2, "pending")
    leave(users["deputy"], "personal", now - 1, 3, "approved", decided_by="leader")
    session.flush()
    for row in made:
        if row.state == "approved" and informs_town_head(row.days):
            session.add(LeaveNotification(leave_request_id=row.id, recipient_position="town_head",
                                          created_at=row.decided_at))
        if row.substitute is not None:  # LEAVE-1 / HAND-1
            _handover(session, row, row.substitute)
        if row.filed_by_id != row.staff.user_id:  # LEAVE-1: filed on their behalf, made known
            session.add(LeaveNotification(leave_request_id=row.id, recipient_position=REQUESTER,
                                          recipient_staff_id=row.staff_id,
                                          created_at=row.filed_at, read_at=row.filed_at))
    session.flush()
    return len(made)


__all__ = ["generate_demo_leave"]
