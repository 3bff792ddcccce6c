"""The reads the pages share, one function per domain (issue #17): what each selects, and an
order that holds on PostgreSQL too (`unordered_reversed`: a list leaning on the order rows were
stored in fails on SQLite as well)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from app.services import (catalogue_queries, complaint_queries, leave_queries, meeting_queries,
                          semiannual_queries)
from app.services.semiannual import entry_scope_condition
from models.catalogue import ServiceItem
from models.complaints import Complaint
from models.leave import LeaveRequest
from models.meetings import Meeting, MeetingAttendance
from models.org import Staff
from models.scoring import DeductionItem
from models.semiannual import SemiannualAssessment, SemiannualEntry
from tests.factories import rewritten

TODAY = date(2026, 10, 20)


def item(window, code, name="居住证办理", active=True) -> ServiceItem:
    return ServiceItem(code=code, name=name, window=window, kind="promised", promised_days=5,
                       statutory_days=15, is_active=active)


def staff(db_session, *names, window=None) -> list[Staff]:
    rows = [Staff(name=name, unit="window" if window else "office", window=window)
            for name in names]
    db_session.add_all(rows)
    db_session.commit()
    return rows


# --- catalogue ---------------------------------------------------------------------------------
def test_guide_1_the_guide_lists_active_items_of_active_windows_by_window_then_code(
        db_session, make_window, unordered_reversed):
    second, first, closed = make_window("02"), make_window("01"), make_window("03")
    closed.is_active = False
    rows = [item(second, "B-1"), item(first, "A-2"), item(first, "A-1"),
            item(first, "A-0", active=False), item(closed, "C-1")]
    db_session.add_all(rows)
    db_session.commit()
    assert [i.code for i in catalogue_queries.guide_items(db_session)] == ["A-1", "A-2", "B-1"]


def test_guide_1_the_guide_search_matches_name_code_window_or_department(db_session,
                                                                         make_window):
    police = make_window("01", department="县公安局")
    tax = make_window("02", name="税务窗口", department="县税务局")
    db_session.add_all([item(police, "P-1", name="居住证办理"), item(tax, "T-1", name="发票代开")])
    db_session.commit()

    def codes(text):
        return [i.code for i in catalogue_queries.guide_items(db_session, text)]

    assert codes("居住证") == ["P-1"]
    assert codes("T-") == ["T-1"]
    assert codes("税务窗口") == ["T-1"]
    assert codes("公安") == ["P-1"]


def test_case_1_intake_offers_the_active_items_of_the_clerks_window_by_code(
        db_session, window_a, window_b, unordered_reversed):
    db_session.add_all([item(window_a, "A-2"), item(window_b, "B-1"), item(window_a, "A-1"),
                        item(window_a, "A-0", active=False)])
    db_session.commit()
    assert [i.code for i in catalogue_queries.intake_items(db_session, window_a.id)] == [
        "A-1", "A-2"]
    assert [i.code for i in catalogue_queries.intake_items(db_session)] == ["A-1", "A-2", "B-1"]


def test_score_1_deduction_items_in_catalogue_order_automatic_ones_only_when_asked(
        db_session, unordered_reversed):
    def deduction(code, sort_order, automatic=False, active=True):
        return DeductionItem(code=code, category="M1", description=code, points_min=Decimal(1),
                             points_max=Decimal(1), automatic=automatic, is_active=active,
                             sort_order=sort_order)

    tie = deduction("Q-TIE-1", 9000)
    db_session.add_all([deduction("Q-LATER", 9001), deduction("Q-AUTO", 9000, automatic=True),
                        tie, deduction("Q-TIE-2", 9000), deduction("Q-OFF", 9000, active=False)])
    db_session.commit()
    rewritten(db_session, tie)

    def ours(manual_only):
        return [i.code for i in catalogue_queries.deduction_items(db_session, manual_only)
                if i.code.startswith("Q-")]

    try:
        assert ours(True) == ["Q-TIE-1", "Q-TIE-2", "Q-LATER"]
        assert ours(False) == ["Q-AUTO", "Q-TIE-1", "Q-TIE-2", "Q-LATER"]
    finally:  # deduction_item is kept between tests (the seeded catalogue): ours go again
        db_session.query(DeductionItem).filter(DeductionItem.code.like("Q-%")).delete(
            synchronize_session=False)
        db_session.commit()


# --- complaints --------------------------------------------------------------------------------
def test_comp_2_open_complaints_by_due_date_the_overdue_ones_alone_when_asked(
        db_session, window_a, window_b, unordered_reversed):
    def complaint(due, window=window_a, state="open"):
        return Complaint(received_on=due - timedelta(days=5), channel="phone", window=window,
                         content="态度不好", due_on=due, state=state)

    late, tie_1, tie_2, answered, other = rows = [
        complaint(TODAY - timedelta(days=2)), complaint(TODAY + timedelta(days=3)),
        complaint(TODAY + timedelta(days=3)), complaint(TODAY - timedelta(days=9),
                                                        state="answered"),
        complaint(TODAY - timedelta(days=1), window=window_b)]
    db_session.add_all(rows)
    db_session.commit()
    rewritten(db_session, tie_1)
    assert complaint_queries.open_complaints(db_session, TODAY) == [late, other, tie_1, tie_2]
    assert complaint_queries.open_complaints(db_session, TODAY, only_overdue=True) == [
        late, other]
    assert complaint_queries.open_complaints(db_session, TODAY, window_id=window_a.id,
                                             limit=2) == [late, tie_1]
    assert answered not in complaint_queries.open_complaints(db_session, TODAY)


# --- leave -------------------------------------------------------------------------------------
def test_hand_1_live_leave_requests_latest_start_first(db_session, window_a, unordered_reversed):
    me, other = staff(db_session, "甲", "乙", window=window_a)

    def leave(person, start, state):
        return LeaveRequest(staff_id=person.id, kind="personal", start_day=start, end_day=start,
                            days=Decimal(1), approver_position="director", state=state)

    early, tie_1, tie_2, rejected, others = rows = [
        leave(me, TODAY, "approved"), leave(me, TODAY + timedelta(days=7), "pending"),
        leave(me, TODAY + timedelta(days=7), "approved"),
        leave(me, TODAY + timedelta(days=9), "rejected"), leave(other, TODAY, "pending")]
    db_session.add_all(rows)
    db_session.commit()
    assert leave_queries.live_requests(db_session, me.id) == [tie_2, tie_1, early]
    assert leave_queries.live_requests(db_session) == [tie_2, tie_1, others, early]
    assert leave_queries.live_requests(db_session, me.id, limit=1) == [tie_2]


# --- meetings ----------------------------------------------------------------------------------
def test_meet_1_ones_own_attendance_by_meeting(db_session, window_a):
    me, other = staff(db_session, "甲", "乙", window=window_a)
    first, second, third = meetings = [Meeting(kind="weekly", day=TODAY + timedelta(days=i),
                                               starts_at="15:00") for i in range(3)]
    db_session.add_all(meetings)
    db_session.flush()
    mine = MeetingAttendance(meeting_id=first.id, staff_id=me.id, status="late")
    db_session.add_all([mine, MeetingAttendance(meeting_id=second.id, staff_id=other.id),
                        MeetingAttendance(meeting_id=third.id, staff_id=me.id)])
    db_session.commit()
    assert meeting_queries.attendance_of(db_session, me.id, [first.id, second.id]) == {
        first.id: mine}
    assert meeting_queries.attendance_of(db_session, me.id, []) == {}


# --- semi-annual -------------------------------------------------------------------------------
def test_score_6_entries_in_grade_list_order_within_the_scope(db_session, window_a, window_b,
                                                              unordered_reversed):
    low, high, namesake_1, namesake_2, contract = (
        staff(db_session, "王五", "李四", window=window_a)
        + staff(db_session, "张三", "张三", window=window_b) + staff(db_session, "赵六"))
    assessment = SemiannualAssessment(year=2026, half=1)
    db_session.add(assessment)
    db_session.flush()

    def entry(person, total, category="civil_servant"):
        return SemiannualEntry(assessment_id=assessment.id, staff_id=person.id,
                               staff_category=category, total=Decimal(total))

    db_session.add_all([entry(contract, "99", "contract"), entry(namesake_2, "90"),
                        entry(low, "80"), entry(namesake_1, "90"), entry(high, "95")])
    db_session.commit()
    everyone = semiannual_queries.entries(db_session, assessment.id)
    assert [e.staff for e in everyone] == [high, namesake_1, namesake_2, low, contract]
    window = semiannual_queries.entries(db_session, assessment.id,
                                        entry_scope_condition(("window", window_a.id)))
    assert [e.staff for e in window] == [high, low]


def test_score_5_names_of_the_active_staff_assessed_elsewhere(db_session, unordered_reversed):
    director, deputy, gone, clerk = staff(db_session, "王五", "李四", "张三", "赵六")
    for person in (director, deputy, gone):
        person.assessed_elsewhere = True
    gone.is_active = False
    db_session.commit()
    assert semiannual_queries.assessed_elsewhere_names(db_session) == ["李四", "王五"]
