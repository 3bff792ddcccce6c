"""The demo's semi-annual assessment (SCORE-5/6): the first half computed from the demo's
meetings, with the office's entries and praises, confirmed — and left alone on a second run."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.demo import create_demo_center
from app.demo.meetings import create_demo_meetings
from app.demo.semiannual import create_demo_semiannual
from models.org import Staff
from models.semiannual import SemiannualAssessment, SemiannualEntry, SemiannualItem

TODAY = date(2026, 8, 3)


def test_score_5_demo_semiannual_assessment_is_graded_and_confirmed(app, db_session):
    create_demo_center(db_session, app.appbuilder.sm, "Demo#Pass1234")
    db_session.commit()
    create_demo_meetings(db_session, date(2026, 6, 30))
    db_session.commit()
    first = create_demo_semiannual(db_session, TODAY)
    db_session.commit()
    assessment = db_session.get(SemiannualAssessment, first)
    assert (assessment.year, assessment.half, assessment.state) == (2026, 1, "confirmed")
    entries = db_session.scalars(select(SemiannualEntry)).all()
    assert len(entries) == db_session.scalar(select(func.count()).select_from(Staff))
    assert all(e.grade and e.total is not None for e in entries)
    kinds = set(db_session.scalars(select(SemiannualItem.kind)))
    assert {"manual_de", "manual_neng", "innovation", "praise_written", "meeting_absent"} <= kinds
    excellent = sum(e.grade == "excellent" for e in entries)
    assert 0 < excellent <= len(entries) * 0.2 + 1
    items = db_session.scalar(select(func.count()).select_from(SemiannualItem))
    assert create_demo_semiannual(db_session, TODAY) == first
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(SemiannualItem)) == items
