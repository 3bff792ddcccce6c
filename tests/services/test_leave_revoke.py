"""Leave obtained by deception (以欺骗手段获得的假) is revoked (LEAVE-1, ATT-3): by its approver or
Leadership, with a reason, audited; its days as taken become absence in the attendance
derivation, the yearly flags (LEAVE-4) and the deductions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.rules.errors import RuleViolation
from app.services.attendance import month_absences
from app.services.calendar import refresh_work_days
from app.services.deductions import generate_month
from app.services.leave import (LeaveActor, LeaveInput, NotYourDecision, decide_leave, file_leave,
                                revoke_leave, yearly_flag_rows, yearly_leave_totals)
from app.services.transaction import Conflict, transaction
from models.attendance import AttendanceDay
from models.audit import AuditLog
from models.leave import LeaveNotification, LeaveRequest
from models.org import Staff
from models.scoring import ScoreEvent
from tests.factories import clock_on, clocks_on_time

FILED = date(2026, 11, 2)  # a Monday
TODAY = date(2026, 12, 1)
LATER = clock_on(TODAY)


@pytest.fixture
def org(db_session, window_a):
    """A clerk who takes leave, a colleague who clocks every day (so November has clock data),
    and one staff member per approver position."""
    people = {}
    for key, position in [("clerk", "staff"), ("colleague", "staff"), ("director", "director"),
                          ("deputy", "deputy_director"), ("secretary", "secretary"),
                          ("office_head", "office_head")]:
        people[key] = Staff(name=f"员工{key}", unit="window", window=window_a, position=position)
        db_session.add(people[key])
    db_session.commit()
    refresh_work_days(db_session, TODAY)
    db_session.commit()
    return people


def by(staff, **roles) -> LeaveActor:
    return LeaveActor(user_id=None, staff=staff, **roles)


def approved(db_session, org, start, end, **extra) -> LeaveRequest:
    clerk = org["clerk"]
    leave = file_leave(db_session, LeaveInput(clerk.id, "personal", start, end, reason="探亲",
                                              substitute_id=org["colleague"].id,
                                              new_handover=True, **extra),
                       by(clerk), clock_on(FILED))
    approver = org["director"] if leave.approver_position == "director" else org["secretary"]
    return decide_leave(db_session, leave, True, None, by(approver), clock_on(FILED))


def test_leave_1_att_3_its_approver_revokes_a_leave_obtained_by_deception_its_days_are_absence(
        db_session, org):
    """The director approved 张三's 事假 of 3–4 November; found obtained by deception, the
    director revokes it saying how. The two days are absence (旷工) — in the month, the stored
    days, the yearly flags (naming the request) and the deductions — and no more 事假."""
    clerk = org["clerk"]
    clocks_on_time(db_session, org["colleague"], date(2026, 11, 1), date(2026, 11, 30))
    leave = approved(db_session, org, date(2026, 11, 3), date(2026, 11, 4))
    assert month_absences(db_session, 2026, 11, TODAY)[clerk.id].absent_half_days == 2 * 19
    assert yearly_leave_totals(db_session, 2026)[clerk.id].personal == 2
    revoke_leave(db_session, leave, "假称家人住院，实为外出旅游", by(org["director"]), LATER,
                 seen_version=leave.version)
    assert (leave.state, leave.revoke_reason, leave.revoked_at) == (
        "revoked", "假称家人住院，实为外出旅游", LATER.now)
    month = month_absences(db_session, 2026, 11, TODAY)[clerk.id]
    assert month.absent_half_days == 2 * 21  # every working day of November, the leave's too
    stored = dict(db_session.execute(select(AttendanceDay.day, AttendanceDay.absent_days).where(
        AttendanceDay.staff_id == clerk.id)).all())
    assert stored == {date(2026, 11, 3): Decimal(1), date(2026, 11, 4): Decimal(1)}
    assert clerk.id not in yearly_leave_totals(db_session, 2026)
    [row] = [r for r in yearly_flag_rows(db_session, 2026) if r.staff.id == clerk.id]
    assert (row.personal, row.absence) == (Decimal(0), Decimal(2))
    with transaction(db_session):
        generate_month(db_session, 2026, 11, TODAY)
    events = db_session.scalars(select(ScoreEvent).where(ScoreEvent.staff_id == clerk.id,
                                                         ScoreEvent.source == "attendance"))
    assert list(events)
    trail = db_session.scalars(select(AuditLog).where(
        AuditLog.model == "LeaveRequest", AuditLog.record_id == str(leave.id))
        .order_by(AuditLog.id)).all()
    assert "revoked" in trail[-1].changes and "实为外出旅游" in trail[-1].changes


def test_leave_1_att_3_a_revoked_leave_is_absence_without_clock_data_too_and_causes_the_flag(
        db_session, org):
    """LEAVE-4: a 事假 of 8 working days (9–18 November) revoked by the party secretary who
    approved it; no clock of anyone has been imported for those days (ATT-2 no data), yet the
    leave records make them absence: over 7 days, the year's bonus is cancelled, caused by that
    request."""
    clerk = org["clerk"]
    leave = approved(db_session, org, date(2026, 11, 9), date(2026, 11, 18))
    assert leave.approver_position == "secretary"
    revoke_leave(db_session, leave, "伪造病历", by(org["secretary"]), LATER)
    assert month_absences(db_session, 2026, 11, TODAY)[clerk.id].absence_days == 8
    [row] = [r for r in yearly_flag_rows(db_session, 2026) if r.staff.id == clerk.id]
    assert row.absence == 8 and "year_bonus_cancelled" in row.flags
    assert row.causes["year_bonus_cancelled"] == [leave.id]
    # The town head, told of the approval (over 3 days), is told of the revocation.
    events = db_session.scalars(select(LeaveNotification.event).where(
        LeaveNotification.leave_request_id == leave.id).order_by(LeaveNotification.id)).all()
    assert events == ["approved", "revoked"]


def test_score_2_m8_a_revoked_leave_costs_its_days_in_a_month_without_any_clock_record(
        db_session, org):
    """SCORE-2 M8 / ATT-2: November has no clock record of anyone (no data), yet the revoked
    leave's 3 days are absence by the leave records themselves: the automatic deductions charge
    each of them once (M8, per day), and nobody else is charged for the missing data."""
    clerk = org["clerk"]
    leave = approved(db_session, org, date(2026, 11, 9), date(2026, 11, 11))
    revoke_leave(db_session, leave, "伪造病历", by(org["director"]), LATER)
    with transaction(db_session):
        generate_month(db_session, 2026, 11, TODAY)
    m8 = db_session.scalars(select(ScoreEvent).where(ScoreEvent.category == "M8")
                            .order_by(ScoreEvent.day, ScoreEvent.id)).all()
    days = [event.day for event in m8]
    staff = {event.staff_id for event in m8}
    assert days == [date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 11)]
    assert staff == {clerk.id}


def test_leave_1_leadership_revokes_too(db_session, org):
    leave = approved(db_session, org, date(2026, 11, 3), date(2026, 11, 3))
    revoke_leave(db_session, leave, "伪造证明", by(org["office_head"], leadership=True), LATER)
    assert leave.state == "revoked"


@pytest.mark.parametrize("who", ["colleague", "office_head", "clerk", "clerk_leadership"])
def test_leave_1_nobody_else_revokes_a_leave(db_session, org, who):
    """Neither a colleague, nor Office, nor the requester — not even a requester in
    Leadership: never one's own leave."""
    leave = approved(db_session, org, date(2026, 11, 3), date(2026, 11, 3))
    actor = by(org["clerk"], leadership=True) if who == "clerk_leadership" else by(org[who])
    with pytest.raises(NotYourDecision):
        revoke_leave(db_session, leave, "骗假", actor, LATER)
    db_session.rollback()
    assert db_session.get(LeaveRequest, leave.id).state == "approved"


def test_leave_1_only_an_approved_leave_is_revoked_once_with_a_reason(db_session, org):
    clerk, director = org["clerk"], org["director"]
    pending = file_leave(db_session, LeaveInput(clerk.id, "personal", date(2026, 11, 5),
                                                date(2026, 11, 5),
                                                substitute_id=org["colleague"].id,
                                                new_handover=True), by(clerk), clock_on(FILED))
    with pytest.raises(RuleViolation, match="approved") as refused:
        revoke_leave(db_session, pending, "骗假", by(director), LATER)
    assert refused.value.rule_id == "LEAVE-1"
    db_session.rollback()
    leave = approved(db_session, org, date(2026, 11, 3), date(2026, 11, 3))
    for reason in (None, "", "   "):
        with pytest.raises(RuleViolation) as refused:
            revoke_leave(db_session, leave, reason, by(director), LATER)
        assert (refused.value.rule_id, refused.value.field) == ("LEAVE-1", "reason")
        db_session.rollback()
    assert db_session.get(LeaveRequest, leave.id).state == "approved"
    revoke_leave(db_session, leave, "骗假", by(director), LATER)
    with pytest.raises(RuleViolation, match="already"):
        revoke_leave(db_session, leave, "再次", by(director), LATER)


def test_leave_1_a_stale_version_is_refused(db_session, org):
    leave = approved(db_session, org, date(2026, 11, 3), date(2026, 11, 3))
    seen = leave.version
    leave.reason = "改了"
    db_session.commit()
    with pytest.raises(Conflict):
        revoke_leave(db_session, leave, "骗假", by(org["director"]), LATER, seen_version=seen)
    db_session.rollback()
    assert db_session.get(LeaveRequest, leave.id).state == "approved"
