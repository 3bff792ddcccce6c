"""SCORE-1: manual deductions and bonuses (range, evidence, audit), the month's automatic
generation from the facts (CASE-6 overdue days, NOTICE-1 violations, NEG-3 / FAULT-1.7
refusals without report, ATT-3 off-post time, MEET-1 meeting attendance) — idempotent, updated
and removed with its sources, frozen in a confirmed month (SCORE-3); FAULT-1 derelictions."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.actor import Actor
from app.rules.errors import RuleViolation
from app.services.deductions import (DerelictionInput, correct_event, generate_month,
                                     record_dereliction, record_manual_event, remove_event)
from app.services.scoring import EventInput, item_by_code
from app.services.transaction import transaction
from models.attendance import ClockRecord, OffPostRecord
from models.audit import AuditLog
from models.cases import Case, CaseNotice, NoticeViolation
from models.org import Staff
from models.scoring import AssessmentMonth, ScoreEvent
from tests.factories import clock_on, residence_permit_item

D = date.fromisoformat
TODAY = D("2026-11-30")
OFFICE = Actor(username="office", user_id=None)


@pytest.fixture
def clerk(db_session, window_a):
    row = Staff(name="张三", window=window_a, unit="window")
    db_session.add(row)
    db_session.commit()
    return row


@pytest.fixture
def service_item(db_session, window_a):
    return residence_permit_item(db_session, window_a, "D-001")


@pytest.fixture
def make_case(db_session, service_item, window_a, clerk):
    from app.services.calendar import refresh_work_days

    refresh_work_days(db_session, TODAY)  # CASE-6 counts working days in SQL (work_day)
    db_session.commit()
    counter = iter(range(1, 1000))

    def make(deadline, state="accepted", decided_on=None, withdrawn_on=None, **extra):
        case = Case(number=f"BC-2026-{next(counter):06d}", case_class="accepted", state=state,
                    item_id=service_item.id, window_id=window_a.id, applicant_name="赵六",
                    deadline=D(deadline), decided_on=decided_on and D(decided_on),
                    withdrawn_on=withdrawn_on and D(withdrawn_on), handler_id=clerk.id, **extra)
        db_session.add(case)
        db_session.commit()
        return case

    return make


def generate(db_session, month="2026-10", today=TODAY):
    year, number = map(int, month.split("-"))
    with transaction(db_session):
        return generate_month(db_session, year, number, today)


def automatic(db_session, source=None) -> dict[str, ScoreEvent]:
    query = select(ScoreEvent).where(ScoreEvent.automatic.is_(True))
    if source:
        query = query.where(ScoreEvent.source == source)
    db_session.expire_all()
    return {e.source_key: e for e in db_session.scalars(query)}


# --- Manual events (SCORE-1) ---------------------------------------------------------------------
def test_score_1_a_point_outside_the_items_range_is_refused_at_the_points_field(
        db_session, window_a, clerk):
    item = item_by_code(db_session, "M7-complaint-serious")  # automatic: not by hand
    with pytest.raises(RuleViolation) as caught:
        record_manual_event(db_session, EventInput(item.id, D("2026-10-13"), None, window_a.id,
                                                   clerk.id, "x"), OFFICE, clock_on(TODAY))
    assert caught.value.field == "item_id"
    filing = item_by_code(db_session, "M4-notice-filing")  # 1 to 5
    with pytest.raises(RuleViolation) as caught:
        record_manual_event(db_session, EventInput(filing.id, D("2026-10-13"), Decimal(6),
                                                   window_a.id, clerk.id, "抽查"),
                            OFFICE, clock_on(TODAY))
    assert (caught.value.rule_id, caught.value.field) == ("SCORE-1", "points")
    assert "1" in caught.value.render() and "5" in caught.value.render()
    with pytest.raises(RuleViolation) as caught:  # evidence is required for a manual event
        record_manual_event(db_session, EventInput(filing.id, D("2026-10-13"), Decimal(3),
                                                   window_a.id, clerk.id, "  "),
                            OFFICE, clock_on(TODAY))
    assert caught.value.field == "evidence"


def test_score_1_the_staff_member_must_work_at_the_window(db_session, window_a, window_b, clerk):
    item = item_by_code(db_session, "M9-untidy")
    with pytest.raises(RuleViolation) as caught:
        record_manual_event(db_session, EventInput(item.id, D("2026-10-13"), None, window_b.id,
                                                   clerk.id, "卫生检查"), OFFICE, clock_on(TODAY))
    assert caught.value.field == "staff_id"


def test_score_1_manual_event_is_recorded_corrected_and_deleted_with_reason_audited(
        db_session, window_a, clerk):
    item = item_by_code(db_session, "M4-notice-filing")
    with transaction(db_session):
        event = record_manual_event(db_session, EventInput(item.id, D("2026-10-13"), Decimal(2),
                                                           window_a.id, clerk.id, "抽查记录1"),
                                    OFFICE, clock_on(TODAY))
    assert event.points == Decimal(-2) and event.source == "manual" and not event.automatic
    with transaction(db_session):
        correct_event(db_session, event, Decimal(4), "抽查记录1（复核）", OFFICE,
                      seen_version=event.version)
    assert event.points == Decimal(-4)
    with pytest.raises(RuleViolation) as caught:
        remove_event(db_session, event, "", OFFICE)
    assert caught.value.field == "reason"
    db_session.rollback()
    event_id = event.id
    with transaction(db_session):
        remove_event(db_session, db_session.get(ScoreEvent, event_id), "重复录入", OFFICE)
    assert db_session.get(ScoreEvent, event_id) is None
    trail = db_session.scalars(select(AuditLog).where(AuditLog.model == "ScoreEvent",
                                                      AuditLog.record_id == str(event_id))
                               .order_by(AuditLog.id)).all()
    assert [entry.action for entry in trail][0] == "create"
    assert trail[-1].action == "delete" and "重复录入" in trail[-1].changes


def test_score_3_manual_changes_in_a_confirmed_month_are_refused(db_session, window_a, clerk):
    item = item_by_code(db_session, "M9-untidy")
    with transaction(db_session):
        event = record_manual_event(db_session, EventInput(item.id, D("2026-10-13"), None,
                                                           window_a.id, clerk.id, "卫生检查"),
                                    OFFICE, clock_on(TODAY))
        db_session.add(AssessmentMonth(period=D("2026-10-01"), state="confirmed"))
    for change in (lambda: correct_event(db_session, event, None, "改", OFFICE),
                   lambda: remove_event(db_session, event, "删", OFFICE),
                   lambda: record_manual_event(db_session, EventInput(
                       item.id, D("2026-10-14"), None, window_a.id, None, "再记"), OFFICE,
                       clock_on(TODAY))):
        with pytest.raises(RuleViolation) as caught:
            change()
        assert caught.value.rule_id == "SCORE-3"
        db_session.rollback()


# --- Automatic generation --------------------------------------------------------------------------
def test_case_6_overdue_working_days_of_the_month_one_m3_event_per_case(db_session, make_case):
    late = make_case("2026-10-20", state="decided_approved", decided_on="2026-10-23")  # 21,22,23
    running = make_case("2026-10-28")  # 29, 30 in October (31 is a Saturday)
    make_case("2026-10-20", state="decided_approved", decided_on="2026-10-20")  # on time
    withdrawn = make_case("2026-10-26", state="withdrawn", withdrawn_on="2026-10-28")  # 27, 28
    old = make_case("2026-09-29", state="decided_approved", decided_on="2026-10-13")
    result = generate(db_session)
    events = automatic(db_session, "case")
    points = {e.source_id: e.points for e in events.values()}
    assert points[late.id] == Decimal(-3)
    assert points[running.id] == Decimal(-2)
    assert points[withdrawn.id] == Decimal(-2)  # CASE-6: the withdrawal keeps its days
    assert old.id in points and points[old.id] < 0  # only October's share of its days
    assert len(points) == 4 and result.added >= 4
    assert all(e.category == "M3" and e.window_id == late.window_id
               and e.staff_id == late.handler_id for e in events.values())


def test_score_1_generation_is_idempotent_and_follows_its_sources(db_session, make_case):
    """CASE-6: a case decided earlier has fewer overdue days; decided in time, none."""
    late = make_case("2026-10-20", state="decided_approved", decided_on="2026-10-23")
    generate(db_session)
    first = {k: (e.id, e.points) for k, e in automatic(db_session).items()}
    again = generate(db_session)
    assert again.added == again.updated == again.removed == 0
    assert {k: (e.id, e.points) for k, e in automatic(db_session).items()} == first
    late.decided_on = D("2026-10-21")
    db_session.commit()
    generate(db_session)
    assert [e.points for e in automatic(db_session, "case").values()] == [Decimal(-1)]
    late.decided_on = D("2026-10-20")
    db_session.commit()
    result = generate(db_session)
    assert result.removed == 1 and automatic(db_session, "case") == {}


def test_score_3_a_confirmed_month_is_skipped_by_the_generation(db_session, make_case):
    make_case("2026-10-20", state="decided_approved", decided_on="2026-10-23")
    db_session.add(AssessmentMonth(period=D("2026-10-01"), state="confirmed"))
    db_session.commit()
    result = generate(db_session)
    assert result.skipped and automatic(db_session) == {}
    november = generate(db_session, "2026-11")  # other months are not affected
    assert not november.skipped


def test_notice_1_a_violation_found_in_the_month_is_an_m2_deduction(db_session, make_case, clerk):
    case = make_case("2026-10-20", state="decided_approved", decided_on="2026-10-19")
    notice = CaseNotice(case_id=case.id, kind="one_time", issued_on=D("2026-10-09"),
                        staff_id=clerk.id)
    db_session.add(notice)
    db_session.flush()
    violation = NoticeViolation(case_id=case.id, notice_id=notice.id, staff_id=clerk.id,
                                window_id=case.window_id, material_name="户口簿",
                                found_on=D("2026-10-15"))
    db_session.add(violation)
    db_session.commit()
    generate(db_session)
    [event] = automatic(db_session, "notice_violation").values()
    assert (event.category, event.points, event.staff_id) == ("M2", Decimal(-2), clerk.id)
    db_session.delete(violation)
    db_session.commit()
    generate(db_session)
    assert automatic(db_session, "notice_violation") == {}


def test_neg_3_fault_1_7_a_refusal_without_report_is_an_m2_deduction(db_session, make_case):
    refused = make_case("2026-10-20", state="decided_refused", decided_on="2026-10-16",
                        applicant_objected=True)
    generate(db_session)
    [event] = automatic(db_session, "refusal").values()
    assert event.source_id == refused.id and event.points == Decimal(-2)
    refused.applicant_objected = False  # corrected: no report was due
    db_session.commit()
    generate(db_session)
    assert automatic(db_session, "refusal") == {}


# November 2026: Mon 2nd … Fri 6th are working days; winter hours 08:00–11:30 / 14:00–17:30.
NOV_WEEK = [D(f"2026-11-0{d}") for d in range(2, 7)]
NOV_TODAY = D("2026-11-07")


@pytest.fixture
def week_clocks(db_session, window_a):
    """Two staff of window A: 李四 clocks in and out of every half-day of the week (so every
    day has clock data, ATT-2); `clock(person, day, am=True, pm=True)` clocks someone else in."""
    from app.services.attendance import import_clock_file

    present = Staff(name="李四", window=window_a, unit="window", employee_no="2001")
    person = Staff(name="王五", window=window_a, unit="window", employee_no="2002")
    db_session.add_all([present, person])
    db_session.commit()
    lines: list[str] = []

    def clock(staff, day, am=True, pm=True):
        times = (["07:55", "11:31"] if am else []) + (["13:58", "17:31"] if pm else [])
        lines.extend(f"{staff.employee_no},x,{day} {t}" for t in times)

    for day in NOV_WEEK:
        clock(present, day)

    def load():
        body = ("employee_no,name,clocked_at\n" + "\n".join(lines) + "\n").encode()
        assert import_clock_file(db_session, "clock.csv", body, None).ok
        db_session.commit()

    return person, clock, load


def m8_of(db_session, staff) -> list[ScoreEvent]:
    db_session.expire_all()
    return list(db_session.scalars(select(ScoreEvent).where(
        ScoreEvent.category == "M8", ScoreEvent.staff_id == staff.id,
        ScoreEvent.automatic.is_(True)).order_by(ScoreEvent.day)))


def test_score_2_m8_three_days_away_morning_and_afternoon_cost_2_each_not_4(
        db_session, week_clocks):
    """SCORE-2 M8: −2 for each DAY away half a day or more: three whole days without a clock
    (morning and afternoon absent, ATT-2) are −6, not −12; a day with one absent half-day
    is −2; the points are the catalogue item's; a rerun changes nothing (SCORE-1)."""
    person, clock, load = week_clocks
    clock(person, NOV_WEEK[3], am=True, pm=False)  # Thursday: the afternoon away
    clock(person, NOV_WEEK[4])  # Friday at work all day
    load()
    generate(db_session, "2026-11", NOV_TODAY)
    events = m8_of(db_session, person)
    assert [(e.day, e.points) for e in events] == [
        (NOV_WEEK[0], Decimal(-2)), (NOV_WEEK[1], Decimal(-2)), (NOV_WEEK[2], Decimal(-2)),
        (NOV_WEEK[3], Decimal(-2))]
    assert sum(e.points for e in events[:3]) == Decimal(-6)
    assert item_by_code(db_session, "M8-off-post").points_min == Decimal(2)
    again = generate(db_session, "2026-11", NOV_TODAY)
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    assert [e.id for e in m8_of(db_session, person)] == [e.id for e in events]


def test_score_2_m8_off_post_morning_and_afternoon_of_three_days_is_minus_6(
        db_session, week_clocks):
    """SCORE-2 M8 / ATT-3: off post over 2 hours in the morning and again in the afternoon,
    three days running: one day away each, −2 each, −6 in all (not −12); exactly 2 hours is
    not over the limit; the evidence names the day and both times."""
    person, clock, load = week_clocks
    for day in NOV_WEEK:
        clock(person, day)
    load()
    for day in NOV_WEEK[:3]:
        db_session.add_all([OffPostRecord(staff_id=person.id, day=day, minutes=150),
                            OffPostRecord(staff_id=person.id, day=day, minutes=130)])
    db_session.add(OffPostRecord(staff_id=person.id, day=NOV_WEEK[3], minutes=120))
    db_session.commit()
    generate(db_session, "2026-11", NOV_TODAY)
    events = m8_of(db_session, person)
    assert [(e.day, e.points, e.source) for e in events] == [
        (day, Decimal(-2), "off_post") for day in NOV_WEEK[:3]]
    assert sum(e.points for e in events) == Decimal(-6)
    assert events[0].evidence == "2026-11-02 · 2:30 · 2:10"
    generate(db_session, "2026-11", NOV_TODAY)
    assert len(m8_of(db_session, person)) == 3  # SCORE-1: never duplicated


def test_score_2_m8_a_day_absent_and_off_post_is_still_one_day(db_session, week_clocks):
    """SCORE-2 M8: a morning absent and an afternoon off post over the limit, the same day:
    one day away, −2."""
    person, clock, load = week_clocks
    for day in NOV_WEEK:
        clock(person, day, am=day != NOV_WEEK[1])
    load()
    db_session.add(OffPostRecord(staff_id=person.id, day=NOV_WEEK[1], minutes=180))
    db_session.commit()
    generate(db_session, "2026-11", NOV_TODAY)
    [event] = m8_of(db_session, person)
    assert (event.day, event.points, event.source) == (NOV_WEEK[1], Decimal(-2), "attendance")
    assert event.evidence == "2026-11-03 · 1/2 · 3:00"


def test_meet_1_late_at_a_meeting_is_an_m5_deduction_removed_when_corrected(db_session, clerk):
    from app.services.meetings import generate_month as generate_meetings
    from app.services.meetings import record_attendance

    with transaction(db_session):
        generate_meetings(db_session, D("2026-10-01"))
    from models.meetings import Meeting

    meeting = db_session.scalars(select(Meeting).order_by(Meeting.day)).first()
    with transaction(db_session):
        record_attendance(db_session, meeting, {clerk.id: ("late", None)}, OFFICE,
                          clock_on(meeting.day))
    generate(db_session)
    [event] = automatic(db_session, "meeting").values()
    assert (event.category, event.points, event.staff_id) == ("M5", Decimal(-1), clerk.id)
    with transaction(db_session):
        record_attendance(db_session, meeting, {clerk.id: ("present", None)}, OFFICE,
                          clock_on(meeting.day))
    result = generate(db_session)
    assert result.removed == 1 and automatic(db_session, "meeting") == {}


# --- SCORE-2: the catalogue is the one home of an automatic item's points ----------------------
def test_score_2_case_6_editing_the_m3_item_changes_the_next_overdue_deduction(
        db_session, make_case, item_points):
    late = make_case("2026-10-20", state="decided_approved", decided_on="2026-10-23")  # 3 days
    generate(db_session)
    assert [e.points for e in automatic(db_session, "case").values()] == [Decimal(-3)]
    item_points("M3-overdue-day", 2)  # Admin: 2 points per overdue working day
    result = generate(db_session)
    [event] = automatic(db_session, "case").values()
    assert (event.source_id, event.points, result.updated) == (late.id, Decimal(-6), 1)


def test_score_2_att_3_editing_the_m8_item_changes_the_next_off_post_deduction(
        db_session, clerk, item_points):
    db_session.add(ClockRecord(staff_id=clerk.id, day=D("2026-10-12"),
                               clocked_at=datetime(2026, 10, 12, 0, 5, tzinfo=timezone.utc),
                               second_of_day=8 * 3600 + 300))
    db_session.add(OffPostRecord(staff_id=clerk.id, day=D("2026-10-13"), minutes=150))
    db_session.commit()
    item_points("M8-off-post", 3)
    generate(db_session)
    events = automatic(db_session, "attendance")
    # one event per day away (SCORE-2 M8), each the item's new points
    assert events and {e.points for e in events.values()} == {Decimal(-3)}
    assert len({(e.staff_id, e.day) for e in events.values()}) == len(events)


def test_score_2_meet_1_editing_the_m5_item_changes_the_next_meeting_deduction(
        db_session, clerk, item_points):
    from app.services.meetings import generate_month as generate_meetings
    from app.services.meetings import record_attendance
    from models.meetings import Meeting

    with transaction(db_session):
        generate_meetings(db_session, D("2026-10-01"))
    late, absent = db_session.scalars(select(Meeting).order_by(Meeting.day).limit(2)).all()
    with transaction(db_session):
        record_attendance(db_session, late, {clerk.id: ("late", None)}, OFFICE,
                          clock_on(late.day))
        record_attendance(db_session, absent, {clerk.id: ("absent_unexcused", None)}, OFFICE,
                          clock_on(absent.day))
    item_points("M5-late", "1.5")
    item_points("M5-absent", 4)
    generate(db_session)
    events = automatic(db_session, "meeting").values()
    assert {e.item.code: e.points for e in events} == {"M5-late": Decimal("-1.5"),
                                                       "M5-absent": Decimal(-4)}


def test_score_2_an_automatic_item_of_zero_points_generates_nothing(db_session, make_case,
                                                                    item_points):
    make_case("2026-10-20", state="decided_approved", decided_on="2026-10-23")
    item_points("M3-overdue-day", 0)
    generate(db_session)
    assert automatic(db_session, "case") == {}


# --- FAULT-1 ---------------------------------------------------------------------------------------
def test_fault_1_a_dereliction_is_recorded_with_kind_sanction_and_evidence(db_session, clerk,
                                                                          make_case):
    case = make_case("2026-10-20")
    with pytest.raises(RuleViolation) as caught:
        record_dereliction(db_session, DerelictionInput(clerk.id, 11, D("2026-10-13"),
                                                        "criticism", "x"), OFFICE,
                           clock_on(TODAY))
    assert caught.value.field == "kind"
    with pytest.raises(RuleViolation) as caught:
        record_dereliction(db_session, DerelictionInput(clerk.id, 2, D("2026-10-13"),
                                                        "criticism", "x", "NO-SUCH"), OFFICE,
                           clock_on(TODAY))
    assert caught.value.field == "case_number"
    with transaction(db_session):
        row = record_dereliction(db_session, DerelictionInput(
            clerk.id, 2, D("2026-10-13"), "criticism", "申请人二次来访", case.number),
            OFFICE, clock_on(TODAY))
    assert (row.window_id, row.case_id, row.sanction) == (clerk.window_id, case.id, "criticism")
    assert db_session.scalars(select(AuditLog).where(AuditLog.model == "Dereliction")).first()


# --- CLI ---------------------------------------------------------------------------------------------
def test_score_1_cli_generates_a_month_and_refuses_a_bad_one(app, db_session, make_case):
    make_case("2026-10-20", state="decided_approved", decided_on="2026-10-23")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bianmin", "deductions", "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "2026-10" in result.output and "added" in result.output
    again = runner.invoke(args=["bianmin", "deductions", "--month", "2026-10"])
    assert "0 added" in again.output
    bad = runner.invoke(args=["bianmin", "deductions", "--month", "2026-13"])
    assert bad.exit_code == 1
    assert len(bad.output.strip().splitlines()) == 1 and "2026-13" in bad.output
