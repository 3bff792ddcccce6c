"""会议与学习 — generating meetings, recording attendance and minutes, M5 events (MEET-1,
AUDIT-1, SCORE-2 M5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actor import Actor
from app.rules.errors import RuleViolation
from app.services.audit import audit_actor
from app.services.meetings import (attendance_sheet, generate_month, m5_events,
                                   meeting_attendance_of, record_attendance, write_minutes)
from app.services.transaction import Conflict, transaction
from models.audit import AuditLog
from models.meetings import Meeting, MeetingAttendance
from models.org import Staff
from models.settings import Holiday, RuleSetting
from tests.factories import clock_on

D = date.fromisoformat
ACTOR = Actor(username="office")


@pytest.fixture
def staff(db_session, window_a):
    people = [Staff(name=name, unit="window", window=window_a) for name in ("张三", "李四", "王五")]
    people.append(Staff(name="赵六", unit="office"))
    people.append(Staff(name="离职者", unit="office", is_active=False))
    db_session.add_all(people)
    db_session.commit()
    return people


def meetings(db_session):
    return db_session.scalars(select(Meeting).order_by(Meeting.day, Meeting.kind)).all()


def generate(db_session, month="2026-10-01"):
    with transaction(db_session):
        return generate_month(db_session, D(month))


def test_meet_1_generating_a_month_makes_its_schedule_once(db_session):
    result = generate(db_session)
    assert [(m.kind, m.day.isoformat()) for m in result.added][:3] == [
        ("weekly", "2026-10-09"), ("study", "2026-10-10"), ("weekly", "2026-10-16")]
    assert len(result.added) == 7 and {m.starts_at for m in result.added} == {"15:00"}
    again = generate(db_session)
    assert (again.added, again.removed, again.kept) == ([], 0, 7)
    assert len(meetings(db_session)) == 7


def test_meet_1_regenerating_drops_unrecorded_meetings_the_schedule_lost_and_keeps_recorded(
        db_session, staff):
    generate(db_session)
    by_day = {(m.kind, m.day): m for m in meetings(db_session)}
    with transaction(db_session):
        record_attendance(db_session, by_day[("weekly", D("2026-10-16"))], {}, ACTOR,
                          clock_on(D("2026-10-16")))
        # The office closes both Fridays afterwards (a local closure).
        db_session.add_all([Holiday(day=D("2026-10-16"), kind="holiday", name="停电"),
                            Holiday(day=D("2026-10-23"), kind="holiday", name="停电")])
    result = generate(db_session)
    days = [(m.kind, m.day.isoformat()) for m in meetings(db_session)]
    assert ("weekly", "2026-10-16") in days  # recorded: kept, and no second one that week
    assert ("weekly", "2026-10-15") not in days
    assert ("weekly", "2026-10-23") not in days  # unrecorded: dropped, moved to Thursday
    assert ("weekly", "2026-10-22") in days
    assert result.removed == 1


def test_meet_1_schedule_follows_the_settings(db_session):
    with transaction(db_session):
        for key, value in (("meet.weekday", "1"), ("meet.time", "09:30"),
                           ("meet.study_days", "15")):
            db_session.scalars(select(RuleSetting).where(RuleSetting.key == key)).one().value = value
    result = generate(db_session, "2026-11-01")
    assert [m.day.isoformat() for m in result.added if m.kind == "study"] == ["2026-11-16"]
    assert [m.day.weekday() for m in result.added if m.kind == "weekly"] == [0] * 5
    assert {m.starts_at for m in result.added} == {"09:30"}


def test_meet_1_bad_study_days_setting_is_a_rule_violation_and_nothing_is_made(db_session):
    with transaction(db_session):
        db_session.scalars(select(RuleSetting).where(
            RuleSetting.key == "meet.study_days")).one().value = "10,40"
    with pytest.raises(RuleViolation):
        generate(db_session)
    assert meetings(db_session) == []


def test_meet_1_attendance_sheet_lists_every_active_staff_present_by_default(db_session, staff):
    generate(db_session)
    meeting = meetings(db_session)[0]
    sheet = attendance_sheet(db_session, meeting)
    assert [row.name for row in sheet] == ["张三", "李四", "王五", "赵六"]
    assert {row.status for row in sheet} == {"present"} and not any(r.recorded for r in sheet)


def test_meet_1_attendance_recorded_in_one_go(db_session, staff):
    generate(db_session)
    meeting = meetings(db_session)[0]
    zhang, li, wang, zhao, _ = staff
    with audit_actor("cli:test"), transaction(db_session):
        written = record_attendance(db_session, meeting, {
            li.id: ("late", "堵车"), wang.id: ("absent_excused", "病假（已批准）"),
            zhao.id: ("absent_unexcused", None)}, ACTOR, clock_on(meeting.day))
    assert len(written) == 4
    rows = {r.staff_id: (r.status, r.reason) for r in meeting.attendance}
    assert rows == {zhang.id: ("present", None), li.id: ("late", None),
                    wang.id: ("absent_excused", "病假（已批准）"), zhao.id: ("absent_unexcused", None)}
    # AUDIT-1: each attendance row is in the trail.
    assert db_session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.model == "MeetingAttendance")) == 4
    # Recording again with one change rewrites only that row.
    with transaction(db_session):
        written = record_attendance(db_session, meeting, {
            li.id: ("present", None), wang.id: ("absent_excused", "病假（已批准）"),
            zhao.id: ("absent_unexcused", None)}, ACTOR, clock_on(meeting.day))
    assert [r.staff_id for r in written] == [li.id]


def test_meet_1_absence_with_reason_without_the_reason_is_refused_and_nothing_saved(
        db_session, staff):
    generate(db_session)
    meeting = meetings(db_session)[0]
    wang = staff[2]
    with pytest.raises(RuleViolation) as error:
        with transaction(db_session):
            record_attendance(db_session, meeting, {wang.id: ("absent_excused", " ")}, ACTOR,
                              clock_on(meeting.day))
    assert error.value.field == f"reason_{wang.id}"
    assert db_session.scalar(select(func.count()).select_from(MeetingAttendance)) == 0


def test_meet_1_attendance_is_not_recorded_before_the_meeting_nor_for_unknown_staff(
        db_session, staff):
    generate(db_session)
    meeting = meetings(db_session)[0]
    with pytest.raises(RuleViolation, match="on or after the meeting day"):
        record_attendance(db_session, meeting, {}, ACTOR, clock_on(D("2026-10-08")))
    with pytest.raises(RuleViolation, match="active staff"):
        record_attendance(db_session, meeting, {staff[4].id: ("late", None)}, ACTOR,
                          clock_on(meeting.day))
    with pytest.raises(RuleViolation):
        record_attendance(db_session, meeting, {staff[0].id: ("asleep", None)}, ACTOR,
                          clock_on(meeting.day))


def test_meet_1_minutes_are_written_after_the_meeting_with_who_and_when(db_session, make_user):
    user = make_user("Office")
    generate(db_session)
    meeting = meetings(db_session)[0]
    actor = Actor(username=user.username, user_id=user.id)
    with pytest.raises(RuleViolation):
        write_minutes(db_session, meeting, "例会", "内容", actor, clock_on(D("2026-10-01")))
    with pytest.raises(RuleViolation) as error:
        write_minutes(db_session, meeting, "例会", "  ", actor, clock_on(meeting.day))
    assert error.value.field == "minutes"
    with pytest.raises(Conflict):
        write_minutes(db_session, meeting, "例会", "内容", actor, clock_on(meeting.day),
                      seen_version=meeting.version + 1)
    with transaction(db_session):
        write_minutes(db_session, meeting, " 十月第二周例会 ", "一、通报办件情况。", actor,
                      clock_on(meeting.day), seen_version=meeting.version)
    assert (meeting.topic, meeting.minutes, meeting.minutes_by_id) == (
        "十月第二周例会", "一、通报办件情况。", user.id)
    assert meeting.minutes_at is not None


def test_meet_1_score_m5_events_of_the_month(db_session, staff, window_a, item_points):
    """MEET-1 → SCORE-2 M5: late and unexcused absence cost their catalogue items' points."""
    generate(db_session)
    first, second = meetings(db_session)[:2]
    zhang, li, wang, zhao, _ = staff
    with transaction(db_session):
        record_attendance(db_session, first, {li.id: ("late", None),
                                              zhao.id: ("absent_unexcused", None)},
                          ACTOR, clock_on(first.day))
        record_attendance(db_session, second, {wang.id: ("absent_excused", "公差"),
                                               li.id: ("late", None)}, ACTOR, clock_on(second.day))
    events = m5_events(db_session, D("2026-10-31"))
    assert [(e.staff_id, e.window_id, e.points, e.meeting_id, e.status) for e in events] == [
        (li.id, window_a.id, Decimal("1"), first.id, "late"),
        (zhao.id, None, Decimal("2"), first.id, "absent_unexcused"),
        (li.id, window_a.id, Decimal("1"), second.id, "late")]
    assert m5_events(db_session, D("2026-10-31")) == events  # reading twice: the same events
    assert m5_events(db_session, D("2026-11-01")) == []
    item_points("M5-absent", 3)  # Admin edits the catalogue: the next reading follows it
    assert [e.points for e in m5_events(db_session, D("2026-10-01"))] == [
        Decimal("1"), Decimal("3"), Decimal("1")]


def test_meet_1_own_attendance_lists_the_schedule_with_the_staff_members_status(db_session, staff):
    generate(db_session)
    first = meetings(db_session)[0]
    li = staff[1]
    with transaction(db_session):
        record_attendance(db_session, first, {li.id: ("late", None)}, ACTOR, clock_on(first.day))
    own = meeting_attendance_of(db_session, li.id, D("2026-10-01"), D("2026-10-16"))
    assert [(o.day.isoformat(), o.kind, o.status) for o in own] == [
        ("2026-10-09", "weekly", "late"), ("2026-10-10", "study", None),
        ("2026-10-16", "weekly", None)]
