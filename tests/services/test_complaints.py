"""投诉 services: COMP-1 recording (anonymous, major matters written), COMP-2 due dates and
overdue flags, COMP-3 verified → M7 deductions (idempotent, SCORE-3 frozen months), COMP-4
escalation per staff member and year, COMP-5 exclusions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actor import Actor
from app.rules.errors import RuleViolation
from app.services.complaints import (ComplaintInput, answer_complaint, attitude_exclusions,
                                     complaint_events, confirm_escalation, decide_outcome,
                                     is_overdue, record_complaint)
from app.services.complaint_queries import open_complaints
from models.audit import AuditLog
from models.org import Staff
from models.scoring import AssessmentMonth, ScoreEvent
from tests.factories import clock_on

OFFICE = Actor(username="office")
DAY = date(2026, 3, 10)


@pytest.fixture
def staff(db_session, window_a):
    row = Staff(name="王五", window=window_a)
    db_session.add(row)
    db_session.commit()
    return row


def record(db_session, window, day=DAY, **values):
    data = dict(channel="phone", window_id=window.id, content="态度生硬", anonymous=True)
    data.update(values)
    complaint = record_complaint(db_session, ComplaintInput(**data), OFFICE, clock_on(day))
    db_session.commit()
    return complaint


def decide(db_session, complaint, outcome="verified", gravity="3", attitude=False, day=DAY,
           actor=OFFICE):
    decide_outcome(db_session, complaint, outcome, gravity, attitude, actor, clock_on(day))
    db_session.commit()
    return complaint


@pytest.fixture
def director(db_session):
    """中心主任: the position that decides complex complaints (COMP-2)."""
    row = Staff(name="周主任", unit="leadership", position="director")
    db_session.add(row)
    db_session.commit()
    return Actor(username="leader", staff_id=row.id)


def test_comp_1_an_anonymous_complaint_is_recorded_without_name_or_contact(db_session, window_a):
    complaint = record(db_session, window_a, complainant_name="张三",
                       complainant_contact="13912345678")
    assert complaint.anonymous and complaint.complainant_contact is None
    assert complaint.state == "open" and complaint.due_on == DAY  # simple: on the spot


def test_comp_1_a_named_complaint_needs_the_name(db_session, window_a):
    with pytest.raises(RuleViolation) as caught:
        record(db_session, window_a, anonymous=False)
    assert (caught.value.rule_id, caught.value.field) == ("COMP-1", "complainant_name")


def test_comp_1_a_major_matter_must_be_written(db_session, window_a):
    with pytest.raises(RuleViolation) as caught:
        record(db_session, window_a, channel="phone", major=True)
    assert (caught.value.rule_id, caught.value.field) == ("COMP-1", "major")
    db_session.rollback()
    assert record(db_session, window_a, channel="letter", major=True).major
    assert record(db_session, window_a, channel="in_person", major=True, written_record=True).written


def test_comp_2_a_complex_complaint_is_due_in_15_working_days_across_a_holiday(
        db_session, window_a):
    # 2025-09-26 (Fri): National Day 10-01..10-08 off, 09-28 and 10-11 worked.
    complaint = record(db_session, window_a, day=date(2025, 9, 26), complex=True)
    assert complaint.complexity == "complex" and complaint.due_on == date(2025, 10, 23)


def test_comp_2_two_windows_make_a_complaint_complex(db_session, window_a, window_b):
    complaint = record(db_session, window_a, other_window_ids=[window_b.id, window_a.id])
    assert complaint.complexity == "complex"
    assert [row.window_id for row in complaint.other_windows] == [window_b.id]


def test_comp_2_simple_promised_date_and_overdue_flag(db_session, window_a):
    complaint = record(db_session, window_a, promised_on=date(2026, 3, 12))
    assert complaint.due_on == date(2026, 3, 12)
    assert not is_overdue(complaint, date(2026, 3, 12))
    assert is_overdue(complaint, date(2026, 3, 13))
    assert open_complaints(db_session, date(2026, 3, 13), only_overdue=True) == [complaint]
    answer_complaint(db_session, complaint, "已电话答复", "oral", OFFICE, clock_on(date(2026, 3, 13)))
    db_session.commit()
    assert complaint.state == "answered" and not is_overdue(complaint, date(2026, 3, 20))
    assert open_complaints(db_session, date(2026, 3, 13)) == []


def test_comp_2_a_written_complaint_gets_a_written_answer(db_session, window_a):
    complaint = record(db_session, window_a, channel="letter")
    with pytest.raises(RuleViolation) as caught:
        answer_complaint(db_session, complaint, "口头答复", "oral", OFFICE, clock_on(DAY))
    assert (caught.value.rule_id, caught.value.field) == ("COMP-2", "answer_form")
    answer_complaint(db_session, complaint, "书面答复", "written", OFFICE, clock_on(DAY))
    assert complaint.state == "answered"


def events(db_session, complaint):
    return complaint_events(db_session, complaint)


def test_comp_3_verified_creates_the_linked_m7_event_and_re_deciding_never_duplicates(
        db_session, window_a, staff):
    complaint = record(db_session, window_a, staff_id=staff.id)
    decide(db_session, complaint, gravity="3")
    decide(db_session, complaint, gravity="3")
    [event] = events(db_session, complaint)
    assert (event.category, event.points, event.staff_id, event.window_id) == \
        ("M7", Decimal("-3.0"), staff.id, window_a.id)
    assert (event.source, event.source_id, event.automatic) == ("complaint", complaint.id, True)
    assert event.period == date(2026, 3, 1)
    decide(db_session, complaint, gravity="serious")
    [event] = events(db_session, complaint)
    assert event.points == Decimal("-10.0") and event.item.code == "M7-complaint-serious"
    decide(db_session, complaint, outcome="not_verified", gravity=None)
    assert events(db_session, complaint) == []
    assert complaint.proposed_step is None


def test_comp_3_a_multi_window_complaint_deducts_every_window_concerned(
        db_session, window_a, window_b, staff, director):
    complaint = record(db_session, window_a, staff_id=staff.id, other_window_ids=[window_b.id])
    decide(db_session, complaint, gravity="2", actor=director)  # COMP-2: the director's
    rows = {(event.window_id, event.staff_id) for event in events(db_session, complaint)}
    assert rows == {(window_a.id, staff.id), (window_b.id, None)}


def test_comp_3_not_verified_creates_no_event(db_session, window_a, staff):
    complaint = record(db_session, window_a, staff_id=staff.id)
    decide(db_session, complaint, outcome="not_verified", gravity=None)
    assert db_session.scalar(select(func.count(ScoreEvent.id))) == 0
    assert complaint.proposed_step is None


def test_comp_3_answered_and_decided_complaint_is_closed_and_audited(db_session, window_a):
    complaint = record(db_session, window_a)
    answer_complaint(db_session, complaint, "当场答复", "oral", OFFICE, clock_on(DAY))
    decide(db_session, complaint, outcome="not_verified", gravity=None)
    assert complaint.state == "closed"
    actions = db_session.scalars(select(AuditLog.action).where(
        AuditLog.model == "Complaint", AuditLog.record_id == str(complaint.id))
        .order_by(AuditLog.id)).all()
    assert actions[0] == "create" and "update" in actions


def test_score_3_a_frozen_month_refuses_a_verification_that_adds_its_event(
        db_session, window_a, staff):
    """COMP-3 × SCORE-3: verifying a complaint of a confirmed month is refused, nothing saved."""
    complaint = record(db_session, window_a, staff_id=staff.id)
    db_session.add(AssessmentMonth(period=date(2026, 3, 1), state="confirmed"))
    db_session.commit()
    with pytest.raises(RuleViolation) as caught:
        decide_outcome(db_session, complaint, "verified", "3", False, OFFICE,
                       clock_on(date(2026, 4, 2)))
    assert caught.value.rule_id == "SCORE-3" and "2026-03" in caught.value.render()
    db_session.rollback()
    assert db_session.get(type(complaint), complaint.id).outcome is None
    assert db_session.scalar(select(func.count(ScoreEvent.id))) == 0


def test_comp_4_escalation_counts_verified_complaints_of_the_staff_member_in_the_year(
        db_session, window_a, make_window, staff):
    other = Staff(name="李四", window=window_a)
    db_session.add(other)
    db_session.commit()
    last_year = record(db_session, window_a, day=date(2025, 12, 30), staff_id=staff.id)
    decide(db_session, last_year, day=date(2025, 12, 30))
    not_verified = record(db_session, window_a, staff_id=staff.id)
    decide(db_session, not_verified, outcome="not_verified", gravity=None)
    someone_else = record(db_session, window_a, staff_id=other.id)
    decide(db_session, someone_else)
    first = record(db_session, window_a, day=date(2026, 3, 11), staff_id=staff.id)
    decide(db_session, first, day=date(2026, 3, 11))
    second = record(db_session, window_a, day=date(2026, 3, 12), staff_id=staff.id)
    decide(db_session, second, day=date(2026, 3, 12))
    assert (last_year.proposed_step, first.proposed_step, second.proposed_step) == (1, 1, 2)
    assert someone_else.proposed_step == 1 and not_verified.proposed_step is None
    decide(db_session, first, outcome="not_verified", gravity=None)
    assert (first.proposed_step, second.proposed_step) == (None, 1)


def test_comp_4_only_leadership_confirms_the_step(db_session, window_a, staff):
    complaint = decide(db_session, record(db_session, window_a, staff_id=staff.id))
    with pytest.raises(RuleViolation) as caught:
        confirm_escalation(db_session, complaint, None, OFFICE, clock_on(DAY), leadership=False)
    assert caught.value.rule_id == "COMP-4"
    confirm_escalation(db_session, complaint, None, Actor(username="leader"), clock_on(DAY),
                       leadership=True)
    db_session.commit()
    assert complaint.confirmed_step == 1 and complaint.step_confirmed_at is not None
    with pytest.raises(RuleViolation):  # confirmed: it stays verified
        decide_outcome(db_session, complaint, "not_verified", None, False, OFFICE, clock_on(DAY))


def test_comp_5_attitude_exclusions_in_the_period(db_session, window_a, window_b, staff):
    decide(db_session, record(db_session, window_a, staff_id=staff.id), attitude=True)
    decide(db_session, record(db_session, window_b), attitude=False)  # not about attitude
    unverified = record(db_session, window_b)
    decide(db_session, unverified, outcome="not_verified", gravity=None, attitude=True)
    assert attitude_exclusions(db_session, date(2026, 3, 1), date(2026, 3, 31)) == \
        ({staff.id}, {window_a.id})
    assert attitude_exclusions(db_session, date(2026, 4, 1), date(2026, 6, 30)) == (set(), set())


# --- COMP-2: a complex complaint is decided by the director ---------------------------------------
@pytest.mark.parametrize("marked", ["complex", "two windows"])
def test_comp_2_only_the_director_posts_the_outcome_of_a_complex_complaint(
        db_session, window_a, window_b, staff, director, marked):
    values = {"complex": True} if marked == "complex" else {"other_window_ids": [window_b.id]}
    complaint = record(db_session, window_a, staff_id=staff.id, **values)
    deputy = Staff(name="副主任", unit="leadership", position="deputy_director")
    db_session.add(deputy)
    db_session.commit()
    for actor in (OFFICE, Actor(username="deputy", staff_id=deputy.id),
                  Actor(username="clerk", staff_id=staff.id)):
        with pytest.raises(RuleViolation) as caught:
            decide_outcome(db_session, complaint, "verified", "3", False, actor, clock_on(DAY))
        assert (caught.value.rule_id, caught.value.field) == ("COMP-2", "outcome")
        db_session.rollback()
    assert complaint.outcome is None and events(db_session, complaint) == []
    # Office still answers and tracks it; the director decides it.
    answer_complaint(db_session, complaint, "已转中心主任处理", "oral", OFFICE, clock_on(DAY))
    decide(db_session, complaint, "not_verified", None, actor=director)
    assert (complaint.outcome, complaint.state) == ("not_verified", "closed")


def test_comp_2_the_director_is_found_by_the_login_too(db_session, window_a, make_user):
    """COMP-2: an actor without a staff id (a job, the demo) is the director through the
    Staff row of its login."""
    user = make_user("Leadership", username="leader_wu")
    db_session.scalars(select(Staff).where(Staff.user_id == user.id)).one().position = "director"
    complaint = record(db_session, window_a, complex=True)
    decide(db_session, complaint, "not_verified", None,
           actor=Actor(username="leader_wu", user_id=user.id))
    assert complaint.outcome == "not_verified"


def test_comp_2_office_still_decides_a_simple_complaint(db_session, window_a, staff):
    complaint = record(db_session, window_a, staff_id=staff.id)
    decide(db_session, complaint, "not_verified", None)
    assert complaint.outcome == "not_verified"
