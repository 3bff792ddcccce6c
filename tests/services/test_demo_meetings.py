"""The demo year's meetings (MEET-1): held ones have attendance and minutes, deterministic,
and running the demo again adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from app.demo import create_demo_center
from app.demo.meetings import create_demo_meetings
from app.services.meetings import m5_events
from models.meetings import Meeting, MeetingAttendance
from models.org import Staff

TODAY = date(2026, 3, 18)


def test_meet_1_demo_meetings_up_to_today_with_attendance_and_minutes(app, db_session):
    create_demo_center(db_session, app.appbuilder.sm, "Demo#Pass1234")
    db_session.commit()
    assert create_demo_meetings(db_session, TODAY) > 0
    db_session.commit()
    meetings = db_session.scalars(select(Meeting).order_by(Meeting.day)).all()
    assert meetings[0].day.month == 1 and meetings[-1].day.month == 3
    held = [m for m in meetings if m.day <= TODAY]
    assert all(m.minutes and m.attendance for m in held)
    assert not any(m.attendance for m in meetings if m.day > TODAY)
    staff = db_session.scalar(select(func.count()).select_from(Staff))
    assert all(len(m.attendance) == staff for m in held)
    statuses = Counter(db_session.scalars(select(MeetingAttendance.status)))
    assert statuses["present"] > statuses["late"] > 0
    assert statuses["absent_excused"] > 0 and statuses["absent_unexcused"] > 0
    assert m5_events(db_session, date(2026, 2, 1))
    # Again: nothing added, nothing changed.
    rows = db_session.scalar(select(func.count()).select_from(MeetingAttendance))
    assert create_demo_meetings(db_session, TODAY) == 0
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(MeetingAttendance)) == rows
    assert db_session.scalar(select(func.count()).select_from(Meeting)) == len(meetings)
