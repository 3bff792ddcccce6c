"""请假 services: filing, routed approval, 销假, A/B cover and the yearly flags
(LEAVE-1..4, AB-1, AUDIT-1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.roles import OFFICE
from app.policy.leave import may_decide_leave
from app.rules.errors import RuleViolation
from app.services.leave import (Certificate, LeaveActor, LeaveInput, NotYourDecision,
                                absence_days_by_staff, approval_queue, attach_certificate,
                                away_on, cancel_leave, decide_leave, file_leave,
                                overstay_days_in, report_back, yearly_flag_rows,
                                yearly_leave_totals)
from models.audit import AuditLog
from models.leave import LeaveNotification, LeaveRequest
from models.org import Post, Staff
from tests.factories import clock_on, clocks_on_time

TODAY = date(2026, 11, 2)  # a Monday
NOW = clock_on(TODAY)
PDF = b"%PDF-1.4\n%fake certificate\n"


@pytest.fixture
def org(db_session, window_a):
    """Two clerks A and B of one post, a third clerk, and one staff member per approver position."""
    people = {}
    for key, position in [("a", "staff"), ("b", "staff"), ("c", "staff"),
                          ("office_head", "office_head"), ("director", "director"),
                          ("deputy", "deputy_director"), ("secretary", "secretary"),
                          ("town_head", "town_head")]:
        people[key] = Staff(name=f"员工{key}", unit="window", window=window_a, position=position)
        db_session.add(people[key])
    db_session.flush()
    db_session.add(Post(window=window_a, name="受理岗", a_staff=people["a"], b_staff=people["b"]))
    db_session.commit()
    return people


def actor(staff=None, **roles) -> LeaveActor:
    return LeaveActor(user_id=None, staff=staff, **roles)


def colleague(db_session, staff) -> Staff:
    """LEAVE-1: a substitute for `staff` — the first other active staff member."""
    return db_session.scalars(select(Staff).where(Staff.id != staff.id, Staff.is_active.is_(True))
                              .order_by(Staff.id)).first()


def request_of(staff, start, end, kind="personal", clock=NOW, substitute=None, **kwargs):
    """LEAVE-1: a request naming its substitute and a handover created from it, unless told."""
    override = kwargs.pop("ab_override_reason", None)
    by = kwargs.pop("by", None)
    kwargs.setdefault("substitute_id", substitute.id if substitute is not None else None)
    kwargs.setdefault("new_handover", kwargs.get("handover_id") is None)
    values = LeaveInput(staff_id=staff.id, kind=kind, start_day=start, end_day=end, **kwargs)
    return values, by or actor(staff), clock, override


def file(db_session, staff, start, end, **kwargs):
    values, by, clock, override = request_of(staff, start, end,
                                             substitute=colleague(db_session, staff), **kwargs)
    return file_leave(db_session, values, by, clock, ab_override_reason=override)


def approve(db_session, leave, staff, **kwargs):
    return decide_leave(db_session, leave, True, None, actor(staff, **kwargs), NOW)


# --- LEAVE-1 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["personal", "sick", "marriage", "bereavement", "annual"])
def test_leave_1_kinds_are_filed_and_routed(db_session, org, kind):
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), kind=kind)
    assert (leave.kind, leave.state, leave.days, leave.approver_position) == (
        kind, "pending", Decimal(1), "director")


def test_leave_1_unknown_kind_refused(db_session, org):
    with pytest.raises(RuleViolation, match="kind"):
        file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), kind="holiday")


def test_leave_1_half_day_counts_half_and_goes_to_the_office_head(db_session, org):
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), half_day_start=True)
    assert (leave.days, leave.approver_position) == (Decimal("0.5"), "office_head")


def test_leave_1_across_holidays_counts_working_days_only(db_session, org):
    """2026-09-28..2026-10-09 crosses National Day (10-01..10-07): 5 working days of 12."""
    leave = file(db_session, org["c"], date(2026, 9, 28), date(2026, 10, 9),
                 clock=clock_on(date(2026, 9, 1)))
    assert leave.days == Decimal(5) and leave.approver_position == "secretary"


def test_leave_1_a_period_of_no_working_day_is_refused(db_session, org):
    with pytest.raises(RuleViolation, match="no working day"):
        file(db_session, org["c"], date(2026, 11, 7), date(2026, 11, 8))  # a weekend


def test_leave_1_written_in_advance_a_past_start_is_refused(db_session, org):
    with pytest.raises(RuleViolation, match="in advance") as refused:
        file(db_session, org["c"], date(2026, 10, 30), date(2026, 10, 30))
    assert refused.value.field == "start_day"


def test_leave_1_emergency_backfilled_request_keeps_its_flag(db_session, org):
    leave = file(db_session, org["c"], date(2026, 10, 30), date(2026, 10, 30), emergency=True)
    assert leave.emergency and leave.state == "pending"


def test_leave_1_att_3_approving_a_backfilled_request_turns_the_stored_absence_into_leave(
        db_session, org):
    """LEAVE-1 补假: phoned in for Thursday 10-29 and Friday 10-30, written on Monday 11-02; the
    nightly job had stored both days absent. The approval derives the requester's stored days
    of the leave again in the same transaction — nobody else's — so LEAVE-4 counts leave."""
    from app.services.attendance import derive_range
    from models.attendance import AttendanceDay

    person = org["c"]
    leave = file(db_session, person, date(2026, 10, 29), date(2026, 10, 30), emergency=True)
    clocks_on_time(db_session, org["a"], date(2026, 10, 26), date(2026, 11, 1))  # clock data
    derive_range(db_session, date(2026, 10, 26), date(2026, 11, 1), TODAY)
    db_session.commit()

    def stored(day):
        return {row.staff_id: (row.am_status, row.pm_status) for row in db_session.scalars(
            select(AttendanceDay).where(AttendanceDay.day == day))}
    before = stored(date(2026, 10, 29))
    assert before[person.id] == ("absent", "absent")
    assert set(absence_days_by_staff(db_session, 2026)[person.id]) >= {date(2026, 10, 29),
                                                                       date(2026, 10, 30)}
    approve(db_session, leave, org["director"])
    db_session.rollback()  # what the approval wrote was committed with it
    for day in (date(2026, 10, 29), date(2026, 10, 30)):
        assert stored(day)[person.id] == ("leave", "leave")
    after = stored(date(2026, 10, 29))
    assert {k: v for k, v in after.items() if k != person.id} == {
        k: v for k, v in before.items() if k != person.id}
    absent = absence_days_by_staff(db_session, 2026).get(person.id, {})
    assert date(2026, 10, 29) not in absent and date(2026, 10, 30) not in absent
    assert yearly_leave_totals(db_session, 2026)[person.id].personal == Decimal(2)


def test_leave_1_rejecting_a_backfilled_request_leaves_the_stored_absence(db_session, org):
    from app.services.attendance import derive_range
    from models.attendance import AttendanceDay

    leave = file(db_session, org["c"], date(2026, 10, 29), date(2026, 10, 29), emergency=True)
    clocks_on_time(db_session, org["a"], date(2026, 10, 29), date(2026, 10, 29))  # clock data
    derive_range(db_session, date(2026, 10, 29), date(2026, 10, 29), TODAY)
    db_session.commit()
    decide_leave(db_session, leave, False, "未附说明", actor(org["director"]), NOW)
    row = db_session.scalars(select(AttendanceDay).where(
        AttendanceDay.staff_id == org["c"].id, AttendanceDay.day == date(2026, 10, 29))).one()
    assert (row.am_status, row.pm_status) == ("absent", "absent")


def test_leave_1_substitute_must_be_another_active_staff_member(db_session, org):
    with pytest.raises(RuleViolation, match="substitute"):
        file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), substitute_id=org["c"].id)
    org["a"].is_active = False
    db_session.commit()
    with pytest.raises(RuleViolation, match="substitute"):
        file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), substitute_id=org["a"].id)
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4),
                 substitute_id=org["b"].id)
    assert leave.substitute_id == org["b"].id


def test_leave_1_overlap_with_own_request_is_refused_naming_its_dates(db_session, org):
    file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 6))
    with pytest.raises(RuleViolation) as refused:
        file(db_session, org["c"], date(2026, 11, 6), date(2026, 11, 10))
    assert "2026-11-04" in str(refused.value) and "2026-11-06" in str(refused.value)


def test_leave_1_morning_and_afternoon_of_one_day_do_not_overlap(db_session, org):
    file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), half_day_end=True)
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), half_day_start=True)
    assert leave.days == Decimal("0.5")


def test_leave_1_cancelled_request_no_longer_overlaps(db_session, org):
    first = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4))
    cancel_leave(db_session, first, actor(org["c"]), NOW)
    assert first.state == "cancelled"
    assert file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4)).state == "pending"


def test_leave_1_only_own_leave_unless_office(db_session, org):
    with pytest.raises(RuleViolation, match="yourself"):
        file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), by=actor(org["a"]))
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4),
                 by=LeaveActor(user_id=None, staff=org["office_head"], office=True))
    assert leave.staff_id == org["c"].id


def test_leave_1_sick_leave_needs_its_certificate_before_approval(db_session, org, tmp_path):
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), kind="sick")
    with pytest.raises(RuleViolation, match="certificate"):
        approve(db_session, leave, org["director"])
    attach_certificate(db_session, leave, Certificate(PDF, "诊断证明.pdf"), str(tmp_path),
                       actor(org["c"]))
    assert approve(db_session, leave, org["director"]).state == "approved"


def test_leave_1_form_refuses_a_sick_leave_without_certificate(db_session, org):
    values, by, clock, _ = request_of(org["c"], date(2026, 11, 4), date(2026, 11, 4), kind="sick",
                                      substitute=org["a"])
    with pytest.raises(RuleViolation) as refused:
        file_leave(db_session, values, by, clock, require_certificate=True)
    assert refused.value.field == "certificate"


# --- LEAVE-2 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("start,end,half,position", [
    (date(2026, 11, 4), date(2026, 11, 4), True, "office_head"),
    (date(2026, 11, 4), date(2026, 11, 6), False, "director"),
    (date(2026, 11, 4), date(2026, 11, 9), False, "secretary"),
])
def test_leave_2_routing_by_length(db_session, org, start, end, half, position):
    leave = file(db_session, org["c"], start, end, half_day_end=half)
    assert leave.approver_position == position


@pytest.mark.parametrize("approver,allowed", [
    ("director", True), ("deputy", True), ("office_head", False), ("secretary", False),
    ("town_head", False), ("a", False)])
def test_leave_2_only_the_routed_position_approves_incl_deputy_director(db_session, org, approver,
                                                                       allowed):
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 5))
    assert may_decide_leave(leave, org[approver]) is allowed
    if allowed:
        assert approve(db_session, leave, org[approver]).state == "approved"
    else:
        with pytest.raises(NotYourDecision):
            approve(db_session, leave, org[approver])
        assert leave.state == "pending"


def test_leave_2_self_approval_is_refused(db_session, org):
    leave = file(db_session, org["deputy"], date(2026, 11, 4), date(2026, 11, 5))
    assert not may_decide_leave(leave, org["deputy"])
    with pytest.raises(NotYourDecision):
        approve(db_session, leave, org["deputy"])
    assert approve(db_session, leave, org["director"]).state == "approved"


def test_leave_2_rejection_needs_a_note(db_session, org):
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), half_day_end=True)
    with pytest.raises(RuleViolation, match="why"):
        decide_leave(db_session, leave, False, " ", actor(org["office_head"]), NOW)
    decide_leave(db_session, leave, False, "窗口人手不足", actor(org["office_head"]), NOW)
    assert (leave.state, leave.decision_note) == ("rejected", "窗口人手不足")


def test_leave_2_town_head_notified_of_a_leave_over_3_days_on_approval(db_session, org):
    short = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 6))
    approve(db_session, short, org["director"])
    long = file(db_session, org["c"], date(2026, 11, 9), date(2026, 11, 13))
    assert db_session.scalars(select(LeaveNotification)).all() == []
    approve(db_session, long, org["secretary"])
    notes = db_session.scalars(select(LeaveNotification)).all()
    assert [(n.leave_request_id, n.recipient_position) for n in notes] == [(long.id, "town_head")]


def test_leave_2_approver_queue_lists_routed_pending_requests(db_session, org):
    two_days = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 5))
    own = file(db_session, org["deputy"], date(2026, 11, 4), date(2026, 11, 5))
    file(db_session, org["a"], date(2026, 11, 4), date(2026, 11, 4), half_day_end=True)
    assert approval_queue(db_session, org["deputy"]) == [two_days]
    assert approval_queue(db_session, org["director"]) == [two_days, own]
    assert approval_queue(db_session, org["a"]) == []


# --- AB-1 ------------------------------------------------------------------------------------
def test_ab_1_refused_naming_the_days_when_the_partner_is_away(db_session, org):
    file(db_session, org["a"], date(2026, 12, 2), date(2026, 12, 4))
    with pytest.raises(RuleViolation) as refused:
        file(db_session, org["b"], date(2026, 12, 3), date(2026, 12, 8))
    assert refused.value.rule_id == "AB-1"
    assert "2026-12-03、2026-12-04" in str(refused.value)
    assert db_session.scalars(select(LeaveRequest).where(
        LeaveRequest.staff_id == org["b"].id)).all() == []


def test_ab_1_no_clash_with_someone_outside_the_post(db_session, org):
    file(db_session, org["a"], date(2026, 12, 2), date(2026, 12, 4))
    assert file(db_session, org["c"], date(2026, 12, 3), date(2026, 12, 4)).state == "pending"


def test_ab_1_override_by_leadership_only_with_reason(db_session, org):
    file(db_session, org["a"], date(2026, 12, 2), date(2026, 12, 4))
    with pytest.raises(RuleViolation, match="Only Leadership"):
        file(db_session, org["b"], date(2026, 12, 3), date(2026, 12, 3),
             ab_override_reason="急事", by=actor(org["b"], office=True))
    leave = file(db_session, org["b"], date(2026, 12, 3), date(2026, 12, 3),
                 ab_override_reason="家中急事，由综合岗临时顶岗",
                 by=LeaveActor(user_id=None, staff=org["director"], leadership=True))
    assert leave.ab_override_reason == "家中急事，由综合岗临时顶岗" and leave.ab_override_at
    audited = db_session.scalars(select(AuditLog).where(AuditLog.model == "LeaveRequest",
                                                        AuditLog.record_id == str(leave.id))).all()
    assert audited, "AUDIT-1: the override is in the trail"


def test_ab_1_checked_again_on_approval(db_session, org):
    """Both filed while neither was away yet is impossible; a pending partner request counts."""
    mine = file(db_session, org["b"], date(2026, 12, 3), date(2026, 12, 3))
    # The partner's request was filed with an override; approving B's own is refused again.
    file(db_session, org["a"], date(2026, 12, 3), date(2026, 12, 3), ab_override_reason="必需",
         by=LeaveActor(user_id=None, staff=org["director"], leadership=True))
    with pytest.raises(RuleViolation, match="2026-12-03"):
        approve(db_session, mine, org["director"])
    decide_leave(db_session, mine, True, None, LeaveActor(None, org["director"], leadership=True),
                 NOW, ab_override_reason="领导同意")
    assert mine.state == "approved" and mine.ab_override_reason == "领导同意"


def test_ab_1_a_partner_who_left_the_center_is_no_partner(db_session, org):
    """AB-1: A's approved leave clashes with B's request while A works here; once A has left
    the center (inactive), the post's A slot is vacant — as on a post without an A — and B's
    leave passes at approval and at filing, whatever A's old requests say."""
    mine = file(db_session, org["b"], date(2026, 12, 3), date(2026, 12, 3))
    theirs = file(db_session, org["a"], date(2026, 12, 2), date(2026, 12, 4),
                  ab_override_reason="必需",
                  by=LeaveActor(user_id=None, staff=org["director"], leadership=True))
    approve(db_session, theirs, org["director"])
    with pytest.raises(RuleViolation, match="2026-12-03"):
        approve(db_session, mine, org["director"])
    org["a"].is_active = False
    db_session.commit()
    assert approve(db_session, mine, org["director"]).state == "approved"
    assert mine.ab_override_reason is None
    assert file(db_session, org["b"], date(2026, 12, 4), date(2026, 12, 4)).state == "pending"


# --- LEAVE-3 ---------------------------------------------------------------------------------
def test_leave_3_report_back_closes_the_leave(db_session, org):
    leave = file(db_session, org["c"], date(2026, 11, 3), date(2026, 11, 4))
    approve(db_session, leave, org["director"])
    report_back(db_session, leave, date(2026, 11, 5), None, actor(org["c"]), clock_on(date(2026, 11, 5)))
    assert (leave.reported_back_on, leave.overstay_days) == (date(2026, 11, 5), Decimal(0))
    with pytest.raises(RuleViolation, match="already"):
        report_back(db_session, leave, date(2026, 11, 5), None, actor(org["c"]),
                    clock_on(date(2026, 11, 5)))


def test_leave_3_overstay_without_reason_counts_as_absence(db_session, org):
    leave = file(db_session, org["c"], date(2026, 11, 3), date(2026, 11, 4))
    approve(db_session, leave, org["director"])
    later = clock_on(date(2026, 11, 12))
    report_back(db_session, leave, date(2026, 11, 10), None,
                LeaveActor(None, org["office_head"], office=True), later)
    # 11-05, 11-06 and 11-09 (Monday) were working days after the end day.
    assert leave.overstay_days == Decimal(3)
    assert overstay_days_in(db_session, org["c"].id, date(2026, 11, 1), date(2026, 11, 30)) == 3
    assert overstay_days_in(db_session, org["c"].id, date(2026, 11, 6), date(2026, 11, 6)) == 1
    assert absence_days_by_staff(db_session, 2026)[org["c"].id] == {
        date(2026, 11, 5): leave.id, date(2026, 11, 6): leave.id, date(2026, 11, 9): leave.id}


def office(staff) -> LeaveActor:
    return LeaveActor(None, staff, office=True)


def test_leave_3_late_return_with_a_reason_the_office_accepts_is_no_overstay(db_session, org):
    leave = file(db_session, org["c"], date(2026, 11, 3), date(2026, 11, 4))
    approve(db_session, leave, org["director"])
    report_back(db_session, leave, date(2026, 11, 6), "航班取消", office(org["office_head"]),
                clock_on(date(2026, 11, 6)))
    assert leave.overstay_days == 0 and leave.report_back_reason == "航班取消"


@pytest.mark.parametrize("who", ["self", "office_self"])
def test_leave_3_att_3_only_the_office_accepts_a_reason_for_coming_back_late(db_session, org,
                                                                            who):
    """LEAVE-3: staff report back to the general office; a reason given by the person
    themselves (or by an Office member for their own leave) does not excuse the overstay."""
    person = org["c"] if who == "self" else org["office_head"]
    leave = file(db_session, person, date(2026, 11, 3), date(2026, 11, 4))
    approve(db_session, leave, org["director"])
    by = actor(person) if who == "self" else office(person)
    with pytest.raises(RuleViolation, match="general office") as refused:
        report_back(db_session, leave, date(2026, 11, 6), "航班取消", by,
                    clock_on(date(2026, 11, 6)))
    assert refused.value.field == "reason"  # the API's name of it
    assert leave.reported_back_on is None
    report_back(db_session, leave, date(2026, 11, 6), None, by, clock_on(date(2026, 11, 6)))
    assert leave.overstay_days == Decimal(1)


def test_leave_3_a_reason_on_time_or_early_needs_no_office(db_session, org):
    leave = file(db_session, org["c"], date(2026, 11, 3), date(2026, 11, 5))
    approve(db_session, leave, org["director"])
    report_back(db_session, leave, date(2026, 11, 4), "提前返岗", actor(org["c"]),
                clock_on(date(2026, 11, 4)))
    assert (leave.overstay_days, leave.report_back_reason) == (Decimal(0), "提前返岗")


def test_leave_3_the_afternoon_of_a_noon_end_day_is_a_late_return_too(db_session, org):
    """Back the next morning after a leave that was to end at noon: the afternoon was missed,
    so only the general office accepts a reason for it."""
    leave = file(db_session, org["c"], date(2026, 11, 3), date(2026, 11, 4), half_day_end=True)
    approve(db_session, leave, org["director"])
    with pytest.raises(RuleViolation, match="general office"):
        report_back(db_session, leave, date(2026, 11, 5), "堵车", actor(org["c"]),
                    clock_on(date(2026, 11, 5)))
    report_back(db_session, leave, date(2026, 11, 5), "堵车", office(org["office_head"]),
                clock_on(date(2026, 11, 5)))
    assert leave.overstay_days == 0


@pytest.mark.parametrize("back, overstay", [
    (date(2026, 11, 5), Decimal("0.5")),  # the afternoon of 11-04 only
    (date(2026, 11, 6), Decimal("1.5")),  # and Thursday 11-05
])
def test_leave_3_att_3_an_afternoon_overstayed_after_a_noon_end_counts_half_a_day(
        db_session, org, back, overstay):
    """LEAVE-3 / ATT-3: a leave Tuesday 11-03 to Wednesday 11-04 at noon, reported back late
    without reason: the afternoon of 11-04 is absence in attendance, so the overstay counts it
    as ½ — on the request, in the overstay totals and in LEAVE-4's absence days, which name
    the request."""
    from app.services.attendance import derive_range
    from models.attendance import AttendanceDay

    person = org["c"]
    leave = file(db_session, person, date(2026, 11, 3), date(2026, 11, 4), half_day_end=True)
    approve(db_session, leave, org["director"])
    report_back(db_session, leave, back, None, actor(person), clock_on(back))
    assert leave.overstay_days == overstay
    assert overstay_days_in(db_session, person.id, date(2026, 11, 1), date(2026, 11, 30)) \
        == overstay
    derive_range(db_session, date(2026, 11, 3), back - timedelta(days=1), back)  # no clocks
    db_session.commit()
    absent = db_session.scalars(select(AttendanceDay.absent_days).where(
        AttendanceDay.staff_id == person.id)).all()
    assert sum(absent, Decimal(0)) == overstay  # attendance finds the same half days absent
    row = next(r for r in yearly_flag_rows(db_session, 2026) if r.staff.id == person.id)
    assert row.absence == overstay
    assert absence_days_by_staff(db_session, 2026)[person.id][date(2026, 11, 4)] == leave.id


def test_att_3_leave_3_an_accepted_reason_makes_the_overstay_leave_and_the_stored_days_follow(
        db_session, org):
    """ATT-3: a leave of October overstayed into November; the nightly job had stored the
    overstayed days as absent. The general office accepts the reason at the 销假: those days
    are derived again as leave at once, so LEAVE-4 counts them as 事假, not as absence."""
    from app.services.attendance import derive_range
    from models.attendance import AttendanceDay

    person = org["c"]
    leave = file(db_session, person, date(2026, 10, 29), date(2026, 10, 30), emergency=True)
    approve(db_session, leave, org["director"])
    clocks_on_time(db_session, org["a"], date(2026, 10, 29), date(2026, 11, 4))  # clock data
    derive_range(db_session, date(2026, 10, 29), date(2026, 11, 4), date(2026, 11, 5))
    db_session.commit()
    stored = lambda: {row.day: (row.am_status, row.pm_status) for row in db_session.scalars(  # noqa: E731
        select(AttendanceDay).where(AttendanceDay.staff_id == person.id))}
    assert stored()[date(2026, 11, 2)] == ("absent", "absent")
    assert absence_days_by_staff(db_session, 2026)[person.id]
    report_back(db_session, leave, date(2026, 11, 5), "家人住院", office(org["office_head"]),
                clock_on(date(2026, 11, 5)))
    days = stored()
    assert {days[d] for d in (date(2026, 10, 30), date(2026, 11, 2), date(2026, 11, 3),
                              date(2026, 11, 4))} == {("leave", "leave")}
    assert other_staff_days_untouched(db_session, person)
    assert person.id not in absence_days_by_staff(db_session, 2026)
    totals = yearly_leave_totals(db_session, 2026)[person.id]
    assert totals.personal == Decimal(5)  # 10-29, 10-30 planned; 11-02..04 excused


def other_staff_days_untouched(db_session, person) -> bool:
    """The re-derivation of one person's 销假 writes that person's days only."""
    from models.attendance import AttendanceDay

    others = db_session.scalars(select(AttendanceDay.day).where(
        AttendanceDay.staff_id != person.id, AttendanceDay.day == date(2026, 11, 2))).all()
    return len(others) == 7  # the other seven staff of `org`, as the first derivation left them


def test_audit_1_the_office_accepting_a_late_return_is_in_the_audit_trail(db_session, org):
    from app.services.audit import audit_actor

    leave = file(db_session, org["c"], date(2026, 11, 3), date(2026, 11, 4))
    approve(db_session, leave, org["director"])
    with audit_actor("综合科张"):
        report_back(db_session, leave, date(2026, 11, 6), "航班取消", office(org["office_head"]),
                    clock_on(date(2026, 11, 6)))
    changes = db_session.scalars(select(AuditLog.changes).where(
        AuditLog.model == "LeaveRequest", AuditLog.record_id == str(leave.id),
        AuditLog.username == "综合科张")).all()
    assert any("航班取消" in change and "report_back_reason" in change for change in changes)


def test_leave_3_only_own_or_office_reports_back_and_only_approved(db_session, org):
    leave = file(db_session, org["c"], date(2026, 11, 3), date(2026, 11, 4))
    with pytest.raises(RuleViolation, match="approved"):
        report_back(db_session, leave, date(2026, 11, 5), None, actor(org["c"]), NOW)
    approve(db_session, leave, org["director"])
    with pytest.raises(NotYourDecision):
        report_back(db_session, leave, date(2026, 11, 5), None, actor(org["a"]), NOW)


def test_leave_3_away_today_until_reported_back(db_session, org):
    leave = file(db_session, org["c"], date(2026, 11, 3), date(2026, 11, 5))
    approve(db_session, leave, org["director"])
    assert away_on(db_session, date(2026, 11, 4)) == [leave]
    report_back(db_session, leave, date(2026, 11, 4), None, actor(org["c"]),
                clock_on(date(2026, 11, 4)))
    assert away_on(db_session, date(2026, 11, 4)) == []


def test_cancel_only_pending_and_only_by_the_requester(db_session, org):
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4))
    with pytest.raises(NotYourDecision):
        cancel_leave(db_session, leave, actor(org["a"]), NOW)
    approve(db_session, leave, org["director"])
    with pytest.raises(RuleViolation, match="pending"):
        cancel_leave(db_session, leave, actor(org["c"]), NOW)


# --- LEAVE-4 ---------------------------------------------------------------------------------
def _approved(db_session, staff, kind, start, end, **extra):
    leave = LeaveRequest(staff_id=staff.id, kind=kind, start_day=start, end_day=end,
                         days=Decimal(0), approver_position="secretary", state="approved", **extra)
    db_session.add(leave)
    db_session.commit()
    return leave


def test_leave_4_yearly_totals_count_the_year_part_only(db_session, org):
    _approved(db_session, org["c"], "personal", date(2025, 12, 29), date(2026, 1, 9))
    _approved(db_session, org["c"], "sick", date(2026, 3, 2), date(2026, 3, 3), half_day_end=True)
    _approved(db_session, org["c"], "annual", date(2026, 4, 1), date(2026, 4, 3))
    totals = yearly_leave_totals(db_session, 2026)[org["c"].id]
    # 2026-01-01..02 are the New Year holiday; 01-04 (Sunday) is a working day in 2026.
    assert (totals.personal, totals.sick) == (Decimal(6), Decimal("1.5"))


def test_leave_4_flags_page_numbers_and_causes(db_session, org):
    """事假 31 days → one month's bonus; 病假 over 30 → no awards; overstay 8 → year bonus."""
    personal = _approved(db_session, org["c"], "personal", date(2026, 3, 2), date(2026, 4, 14))
    sick = _approved(db_session, org["a"], "sick", date(2026, 5, 6), date(2026, 6, 30))
    over = _approved(db_session, org["b"], "annual", date(2026, 7, 1), date(2026, 7, 1),
                     reported_back_on=date(2026, 7, 14), overstay_days=Decimal(8))
    rows = {row.staff.id: row for row in yearly_flag_rows(db_session, 2026)}
    c, a, b = rows[org["c"].id], rows[org["a"].id], rows[org["b"].id]
    assert c.personal == Decimal(31) and c.flags == {"bonus_withheld_one_month"}
    assert c.causes == {"bonus_withheld_one_month": [personal.id]}
    assert a.sick > 30 and a.flags == {"not_eligible_for_awards"}
    assert a.causes["not_eligible_for_awards"] == [sick.id]
    assert (b.absence, b.longest_absence_run) == (Decimal(8), 8)
    assert b.flags == {"year_bonus_cancelled"} and b.causes["year_bonus_cancelled"] == [over.id]


def test_leave_4_absence_source_is_injectable(db_session, org):
    days = {date(2026, 6, d): None for d in (1, 2, 3, 4, 5, 8, 9, 10)}
    rows = yearly_flag_rows(db_session, 2026, absence_source=lambda s, y: {org["c"].id: days})
    assert rows[0].flags == {"year_bonus_cancelled"} and rows[0].absence == 8


def test_audit_1_leave_changes_are_audited(db_session, org):
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4))
    approve(db_session, leave, org["director"])
    actions = db_session.scalars(select(AuditLog.action).where(
        AuditLog.model == "LeaveRequest", AuditLog.record_id == str(leave.id))).all()
    assert len(actions) >= 2


def test_leave_4_attendance_absences_count_in_the_yearly_flags_half_days_as_half(db_session, org):
    """ATT-2/3 → LEAVE-4: the derived absence days (stored by the nightly derivation) count,
    a half-day absence as ½; over 7 days cancels the year's bonus."""
    from models.attendance import AttendanceDay

    person = org["c"]
    whole = [date(2026, 3, d) for d in (2, 3, 4, 5, 6, 9, 10)]  # 7 working days
    for day in whole:
        db_session.add(AttendanceDay(staff_id=person.id, day=day, am_status="absent",
                                     pm_status="absent", late_early=0, absent_days=Decimal(1)))
    db_session.add(AttendanceDay(staff_id=person.id, day=date(2026, 3, 11), am_status="absent",
                                 pm_status="ok", late_early=0, absent_days=Decimal("0.5")))
    db_session.commit()
    row = next(r for r in yearly_flag_rows(db_session, 2026) if r.staff.id == person.id)
    assert row.absence == Decimal("7.5")
    assert "year_bonus_cancelled" in row.flags
    assert absence_days_by_staff(db_session, 2026)[person.id][date(2026, 3, 11)] is None


@pytest.mark.parametrize("half_start, half_end, back, counted, first, last", [
    (False, False, date(2026, 3, 4), Decimal(2), date(2026, 3, 2), date(2026, 3, 3)),
    (True, False, date(2026, 3, 3), Decimal("0.5"), date(2026, 3, 2), date(2026, 3, 2)),
    (False, False, date(2026, 3, 2), Decimal(0), None, None),
    (False, True, date(2026, 3, 6), Decimal(4), date(2026, 3, 2), date(2026, 3, 5)),
])
def test_leave_4_a_leave_cut_short_by_an_early_report_back_counts_the_days_taken(
        db_session, org, half_start, half_end, back, counted, first, last):
    """LEAVE-4: 事假 planned Monday 3-02 to Monday 3-09 (6 working days, 5.5 ending at noon),
    back early: the working days from the start to the day before the 销假 count — half of
    the first day if it began at noon; nothing if back on the first day."""
    leave = _approved(db_session, org["c"], "personal", date(2026, 3, 2), date(2026, 3, 9),
                      half_day_start=half_start, half_day_end=half_end, reported_back_on=back,
                      overstay_days=Decimal(0))
    planned = Decimal(6) - (Decimal("0.5") if half_start else 0) - (Decimal("0.5") if half_end
                                                                      else 0)
    row = next(r for r in yearly_flag_rows(db_session, 2026) if r.staff.id == org["c"].id)
    assert row.personal == counted
    assert [(c.request_id, c.first, c.last, c.days, c.planned, c.why) for c in row.counted] == [
        (leave.id, first, last, counted, planned, "cut_short")]


def test_leave_4_a_report_back_at_the_planned_noon_counts_the_whole_leave(db_session, org):
    _approved(db_session, org["c"], "personal", date(2026, 3, 2), date(2026, 3, 4),
              half_day_end=True, reported_back_on=date(2026, 3, 4), overstay_days=Decimal(0))
    totals = yearly_leave_totals(db_session, 2026)[org["c"].id]
    assert (totals.personal, totals.counted) == (Decimal("2.5"), [])


def test_leave_4_att_3_an_excused_overstay_adds_its_working_days_an_unexcused_one_is_absence(
        db_session, org):
    """病假 Thursday 3-05 to Friday 3-06, back Wednesday 3-11: with the reason the office
    accepted, Monday and Tuesday are sick leave too (4 days); without, they are 2 days of
    absence and the sick leave stays 2."""
    excused = _approved(db_session, org["c"], "sick", date(2026, 3, 5), date(2026, 3, 6),
                        reported_back_on=date(2026, 3, 11), report_back_reason="复查",
                        overstay_days=Decimal(0))
    _approved(db_session, org["a"], "sick", date(2026, 3, 5), date(2026, 3, 6),
              reported_back_on=date(2026, 3, 11), overstay_days=Decimal(2))
    rows = {row.staff.id: row for row in yearly_flag_rows(db_session, 2026)}
    c, a = rows[org["c"].id], rows[org["a"].id]
    assert (c.sick, c.absence) == (Decimal(4), Decimal(0))
    assert [(x.request_id, x.first, x.last, x.planned, x.why) for x in c.counted] == [
        (excused.id, date(2026, 3, 5), date(2026, 3, 10), Decimal(2), "excused_overstay")]
    assert (a.sick, a.absence, a.counted) == (Decimal(2), Decimal(2), [])


def test_leave_4_an_excused_overstay_into_the_new_year_counts_in_the_new_year(db_session, org):
    _approved(db_session, org["c"], "personal", date(2026, 12, 28), date(2026, 12, 31),
              reported_back_on=date(2027, 1, 6), report_back_reason="大雪封路",
              overstay_days=Decimal(0))
    from app.services.calendar import load_calendar

    assert yearly_leave_totals(db_session, 2026)[org["c"].id].personal == Decimal(4)
    # 2027-01-01..05, as the calendar knows them (New Year's Day, a weekend, 01-04 and 01-05).
    calendar = load_calendar(db_session)
    expected = sum(calendar.is_working_day(date(2027, 1, d)) for d in range(1, 6))
    assert yearly_leave_totals(db_session, 2027)[org["c"].id].personal == expected >= 2


# --- LEAVE-1: substitute and handover, both required (issue #16 item 9) -----------------------
from app.services.handover import HandoverContent, create_handover  # noqa: E402
from app.services.leave import (acknowledge, default_substitute, filed_for_notices,  # noqa: E402
                                handovers_of)
from app.services.todo import todo_rows  # noqa: E402
from app.actor import Actor as CaseActor  # noqa: E402
from models.handover import Handover  # noqa: E402


def bare(staff, start, end, **kwargs) -> LeaveInput:
    return LeaveInput(staff_id=staff.id, kind="personal", start_day=start, end_day=end, **kwargs)


def test_leave_1_the_default_substitute_is_the_b_of_the_post_or_its_a(db_session, org):
    assert default_substitute(db_session, org["a"]) == org["b"]
    assert default_substitute(db_session, org["b"]) == org["a"]
    assert default_substitute(db_session, org["c"]) is None
    org["b"].is_active = False
    assert default_substitute(db_session, org["a"]) is None


def test_leave_1_a_request_without_substitute_is_refused_naming_the_default(db_session, org):
    with pytest.raises(RuleViolation) as refused:
        file_leave(db_session, bare(org["a"], date(2026, 11, 4), date(2026, 11, 4),
                                    new_handover=True), actor(org["a"]), NOW)
    assert (refused.value.rule_id, refused.value.field) == ("LEAVE-1", "substitute_id")
    assert org["b"].name in str(refused.value)
    assert db_session.scalars(select(LeaveRequest)).all() == []


def test_leave_1_an_administrator_only_login_is_no_substitute(app, db_session, org, make_user):
    admin = make_user("Admin")
    admin_staff = db_session.scalars(select(Staff).where(Staff.user_id == admin.id)).one()
    with pytest.raises(RuleViolation, match="substitute"):
        file_leave(db_session, bare(org["c"], date(2026, 11, 4), date(2026, 11, 4),
                                    substitute_id=admin_staff.id, new_handover=True),
                   actor(org["c"]), NOW)


def test_leave_1_a_request_without_handover_is_refused(db_session, org):
    with pytest.raises(RuleViolation) as refused:
        file_leave(db_session, bare(org["a"], date(2026, 11, 4), date(2026, 11, 4),
                                    substitute_id=org["b"].id), actor(org["a"]), NOW)
    assert (refused.value.rule_id, refused.value.field) == ("LEAVE-1", "handover_id")


def test_leave_1_hand_1_the_handover_created_from_the_request_goes_to_the_substitute(
        db_session, org):
    leave = file_leave(db_session, bare(org["a"], date(2026, 11, 4), date(2026, 11, 4),
                                        substitute_id=org["b"].id, new_handover=True,
                                        handover_note="窗口印章一枚"), actor(org["a"]), NOW)
    (handover,) = handovers_of(db_session, leave)
    assert (handover.giver_id, handover.receiver_id, handover.items) == (
        org["a"].id, org["b"].id, "窗口印章一枚")
    assert handover.giver_confirmed_at is None  # HAND-1: each signs as their own user


def test_leave_1_hand_1_an_own_handover_is_named_once(db_session, org):
    def own_handover(giver):
        return create_handover(db_session, giver.id, org["b"].id, HandoverContent(items="公章"),
                               CaseActor(username="seed", roles=frozenset({OFFICE})), NOW)

    mine, theirs = own_handover(org["a"]), own_handover(org["c"])
    db_session.commit()
    with pytest.raises(RuleViolation, match="handover"):  # someone else's handover
        file_leave(db_session, bare(org["a"], date(2026, 11, 4), date(2026, 11, 4),
                                    substitute_id=org["b"].id, handover_id=theirs.id),
                   actor(org["a"]), NOW)
    first = file_leave(db_session, bare(org["a"], date(2026, 11, 4), date(2026, 11, 4),
                                        substitute_id=org["b"].id, handover_id=mine.id),
                       actor(org["a"]), NOW)
    assert handovers_of(db_session, first) == [mine]
    with pytest.raises(RuleViolation, match="handover"):  # already named by a running request
        file_leave(db_session, bare(org["a"], date(2026, 11, 5), date(2026, 11, 5),
                                    substitute_id=org["b"].id, handover_id=mine.id),
                   actor(org["a"]), NOW)
    cancel_leave(db_session, first, actor(org["a"]), NOW)
    again = file_leave(db_session, bare(org["a"], date(2026, 11, 5), date(2026, 11, 5),
                                        substitute_id=org["b"].id, handover_id=mine.id),
                       actor(org["a"]), NOW)
    assert handovers_of(db_session, again) == [mine]
    assert db_session.scalar(select(func.count(Handover.id))) == 2  # none created


# --- LEAVE-1 / issue #18: four eyes on a leave filed on someone's behalf -------------------------
@pytest.fixture
def logins(db_session, org, make_user, window_a):
    """Logins for the clerk C, the director and the deputy director of `org`."""
    for key in ("c", "director", "deputy"):
        user = make_user("Clerk" if key == "c" else "Leadership")
        db_session.delete(db_session.scalars(select(Staff).where(Staff.user_id == user.id)).one())
        db_session.flush()
        org[key].user_id = user.id
    db_session.commit()
    return {key: LeaveActor(user_id=org[key].user_id, staff=org[key],
                            leadership=key != "c") for key in ("c", "director", "deputy")}


def test_leave_1_a_leave_filed_on_behalf_is_not_approved_by_who_filed_it(db_session, org,
                                                                        logins):
    """The director files a two-day leave for clerk C (routed to the director's slot): the
    director may not approve it (LEAVE-1), nor does it wait in the director's queue; the
    deputy director approves it. C is notified until C acknowledges it."""
    values, _, clock, _ = request_of(org["c"], date(2026, 11, 4), date(2026, 11, 5),
                                     substitute=org["a"])
    leave = file_leave(db_session, values, logins["director"], clock)
    assert leave.approver_position == "director" and leave.filed_by_id == org["director"].user_id
    assert approval_queue(db_session, org["director"]) == []
    assert approval_queue(db_session, org["deputy"]) == [leave]
    for approving in (True, False):
        with pytest.raises(RuleViolation) as refused:
            decide_leave(db_session, leave, approving, "不行", logins["director"], NOW)
        assert refused.value.rule_id == "LEAVE-1"
    assert leave.state == "pending"
    # The person it was filed for is told: a notification in their to-do.
    (notice,) = filed_for_notices(db_session, org["c"])
    assert (notice.leave_request_id, notice.recipient_staff_id) == (leave.id, org["c"].id)
    assert [row.record_id for row in todo_rows(db_session, org["c"], TODAY)["leave_filed_for_me"]] \
        == [leave.id]
    assert acknowledge(db_session, leave, org["c"], NOW) == 1
    assert filed_for_notices(db_session, org["c"]) == []
    assert decide_leave(db_session, leave, True, None, logins["deputy"], NOW).state == "approved"


def test_leave_1_own_leave_filed_by_oneself_notifies_nobody(db_session, org, logins):
    values, _, clock, _ = request_of(org["c"], date(2026, 11, 4), date(2026, 11, 5),
                                     substitute=org["a"])
    leave = file_leave(db_session, values, logins["c"], clock)
    assert filed_for_notices(db_session, org["c"]) == []
    assert approve(db_session, leave, org["director"]).state == "approved"


# --- LEAVE-2 / LEAVE-1: a slot whose only holder may not decide goes one level up ----------
def test_leave_2_the_only_office_head_filing_for_someone_routes_it_to_the_directors(db_session,
                                                                                   org):
    """The only office head files half a day for C on C's behalf: the office head's slot has
    nobody else (LEAVE-1 four eyes), so it goes up to the directors, who decide it."""
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), half_day_end=True,
                 by=LeaveActor(user_id=None, staff=org["office_head"], office=True))
    assert (leave.days, leave.approver_position) == (Decimal("0.5"), "director")
    assert approval_queue(db_session, org["office_head"]) == []
    assert approval_queue(db_session, org["deputy"]) == [leave]
    assert approve(db_session, leave, org["deputy"]).state == "approved"


def test_leave_2_a_second_office_head_keeps_the_request_in_the_office_heads_slot(db_session,
                                                                                  org, window_a):
    other = Staff(name="员工office2", unit="office", position="office_head")
    db_session.add(other)
    db_session.commit()
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), half_day_end=True,
                 by=LeaveActor(user_id=None, staff=org["office_head"], office=True))
    assert leave.approver_position == "office_head"
    assert approval_queue(db_session, other) == [leave]


def test_leave_2_the_only_office_heads_own_half_day_goes_to_the_directors(db_session, org):
    """Nobody decides their own leave (LEAVE-2): the only office head's goes up too."""
    leave = file(db_session, org["office_head"], date(2026, 11, 4), date(2026, 11, 4),
                 half_day_end=True)
    assert leave.approver_position == "director"
    assert approval_queue(db_session, org["director"]) == [leave]


def test_leave_2_the_only_secretary_filing_for_someone_routes_it_to_the_directors(db_session,
                                                                                 org):
    """At the top there is no level up: the secretary's slot without another holder goes to
    the nearest level below that has one — the directors."""
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 10),
                 by=LeaveActor(user_id=None, staff=org["secretary"], leadership=True))
    assert leave.approver_position == "director"
    assert approve(db_session, leave, org["director"]).state == "approved"
    assert leave.days > Decimal(3)  # still over 3 days: the town head is told (LEAVE-2)
    assert "town_head" in db_session.scalars(
        select(LeaveNotification.recipient_position)
        .where(LeaveNotification.leave_request_id == leave.id)).all()


def test_leave_2_an_inactive_holder_does_not_count(db_session, org):
    org["director"].is_active = False
    db_session.commit()
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 5),
                 by=LeaveActor(user_id=None, staff=org["deputy"], leadership=True))
    assert leave.approver_position == "secretary"


# --- AB-1 per half-day at filing (issue #16 item 8) --------------------------------------------
def test_ab_1_a_morning_and_b_afternoon_of_one_day_is_allowed(db_session, org):
    file(db_session, org["a"], date(2026, 12, 8), date(2026, 12, 8), half_day_end=True)
    leave = file(db_session, org["b"], date(2026, 12, 8), date(2026, 12, 8), half_day_start=True)
    assert leave.state == "pending" and leave.days == Decimal("0.5")


def test_ab_1_both_away_the_same_half_day_is_refused_naming_it(db_session, org):
    file(db_session, org["a"], date(2026, 12, 7), date(2026, 12, 8), half_day_end=True)
    with pytest.raises(RuleViolation) as refused:
        file(db_session, org["b"], date(2026, 12, 7), date(2026, 12, 9))
    assert refused.value.rule_id == "AB-1"
    assert "2026-12-07、2026-12-08 上午" in str(refused.value)
    with pytest.raises(RuleViolation, match="2026-12-08 上午"):
        file(db_session, org["b"], date(2026, 12, 8), date(2026, 12, 8), half_day_end=True)
    assert file(db_session, org["b"], date(2026, 12, 8), date(2026, 12, 9),
                half_day_start=True).state == "pending"


def test_leave_1_hand_1_a_handover_note_alone_creates_the_handover_from_it(db_session, org):
    leave = file_leave(db_session, bare(org["a"], date(2026, 11, 4), date(2026, 11, 4),
                                        substitute_id=org["b"].id, handover_note="档案柜钥匙"),
                       actor(org["a"]), NOW)
    assert [h.items for h in handovers_of(db_session, leave)] == ["档案柜钥匙"]


# --- LEAVE-1 / LEAVE-2 at decision time: the routed slot's holders changed after filing ----------
def test_leave_2_a_new_holder_of_the_routed_position_decides_a_request_filed_before(db_session,
                                                                                     org):
    """Approval is by position (LEAVE-2): the office head who left the post no longer decides
    a half day filed while they held it; the one appointed after does."""
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), half_day_end=True)
    assert leave.approver_position == "office_head"
    org["office_head"].position = "staff"
    new_head = Staff(name="员工office_new", unit="office", position="office_head")
    db_session.add(new_head)
    db_session.commit()
    assert approval_queue(db_session, org["office_head"]) == []
    with pytest.raises(NotYourDecision):
        approve(db_session, leave, org["office_head"])
    assert approval_queue(db_session, new_head) == [leave]
    assert approve(db_session, leave, new_head).state == "approved"


def test_leave_1_leave_2_the_filer_left_as_the_only_holder_the_level_up_decides(db_session, org,
                                                                                logins):
    """LEAVE-1 four eyes at decision time: the director files two days for C (the deputy,
    free, holds the slot); the deputy then leaves. The director — the filer — is now the
    slot's only holder and may not decide it: as `route_approver` does at filing, the
    secretary (one level up) decides it now, and it waits in the secretary's queue."""
    values, _, clock, _ = request_of(org["c"], date(2026, 11, 4), date(2026, 11, 5),
                                     substitute=org["a"])
    leave = file_leave(db_session, values, logins["director"], clock)
    assert leave.approver_position == "director"
    org["deputy"].is_active = False
    db_session.commit()
    assert approval_queue(db_session, org["director"]) == []
    with pytest.raises(RuleViolation) as refused:
        decide_leave(db_session, leave, True, None, logins["director"], NOW)
    assert refused.value.rule_id == "LEAVE-1"
    assert approval_queue(db_session, org["secretary"]) == [leave]
    assert approve(db_session, leave, org["secretary"]).state == "approved"


def test_leave_2_the_requester_become_the_only_holder_does_not_decide_own_leave(db_session, org):
    """LEAVE-2 (nobody decides their own leave) at decision time: C files half a day (the
    office head's); then C becomes the office head and the office head leaves the post. C may
    not decide it; the directors (one level up, as `route_approver`) do."""
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), half_day_end=True)
    assert leave.approver_position == "office_head"
    org["c"].position, org["office_head"].position = "office_head", "staff"
    db_session.commit()
    assert approval_queue(db_session, org["c"]) == []
    with pytest.raises(NotYourDecision):
        approve(db_session, leave, org["c"])
    assert not may_decide_leave(leave, org["c"])
    assert approval_queue(db_session, org["director"]) == [leave]
    assert approval_queue(db_session, org["deputy"]) == [leave]
    assert approval_queue(db_session, org["secretary"]) == []  # the nearest level up only
    assert approve(db_session, leave, org["deputy"]).state == "approved"


def test_leave_2_a_vacant_routed_position_keeps_the_request_until_someone_is_appointed(
        db_session, org):
    """As `route_approver` at filing: a slot nobody holds is a vacancy, not a reason to go up —
    the request waits for the appointment (and the appointed one decides it)."""
    leave = file(db_session, org["c"], date(2026, 11, 4), date(2026, 11, 4), half_day_end=True)
    org["office_head"].is_active = False
    db_session.commit()
    assert approval_queue(db_session, org["director"]) == []
    with pytest.raises(NotYourDecision):
        approve(db_session, leave, org["director"])
    org["office_head"].is_active = True
    db_session.commit()
    assert approve(db_session, leave, org["office_head"]).state == "approved"
