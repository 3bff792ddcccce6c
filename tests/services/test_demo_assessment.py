"""The demo's monthly assessments (SCORE-2/3): past months rated and confirmed by the
director, the current month open; running the demo again changes nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.demo import create_demo_center
from app.demo.assessment import create_demo_assessments
from models.assessment import MonthlyResult, PeerRating
from models.org import Window
from models.scoring import AssessmentMonth

TODAY = date(2026, 4, 18)


def test_score_3_demo_past_months_rated_and_confirmed_by_the_leader(app, db_session):
    create_demo_center(db_session, app.appbuilder.sm, "Demo#Pass1234")
    db_session.commit()
    assert create_demo_assessments(db_session, app.appbuilder.sm, TODAY) == 3
    db_session.commit()
    months = db_session.scalars(select(AssessmentMonth).order_by(AssessmentMonth.period)).all()
    assert [m.period.month for m in months] == [1, 2, 3]
    leader = app.appbuilder.sm.find_user(username="leader")
    assert all(m.state == "confirmed" and m.confirmed_by_id == leader.id for m in months)
    windows = db_session.scalar(select(func.count()).select_from(Window))
    assert db_session.scalar(select(func.count()).select_from(PeerRating)) == \
        3 * windows * (windows - 1)
    assert db_session.scalar(select(func.count()).select_from(MonthlyResult)) == 3 * windows
    assert create_demo_assessments(db_session, app.appbuilder.sm, TODAY) == 0
