"""Demo complaints (COMP-1..5): a year of them, verified ones with M7 events, one staff member
escalated to step 2 by Leadership, one open and overdue; idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.demo import create_demo_center
from app.demo.complaints import create_demo_complaints
from app.services.complaints import is_overdue
from models.complaints import Complaint
from models.scoring import ScoreEvent

TODAY = date(2026, 11, 23)


def test_comp_4_demo_complaints_with_one_escalation_to_step_2(app, db_session):
    sm = app.appbuilder.sm
    create_demo_center(db_session, sm, "Demo#Pass1234")
    db_session.commit()
    made = create_demo_complaints(db_session, sm, TODAY)
    db_session.commit()
    rows = db_session.scalars(select(Complaint)).all()
    assert made == len(rows) >= 30
    verified = [row for row in rows if row.outcome == "verified"]
    assert verified and any(row.complexity == "complex" for row in rows)
    events = db_session.scalar(select(func.count(ScoreEvent.id)).where(
        ScoreEvent.source == "complaint"))
    assert events >= len(verified)
    [escalated] = [row for row in rows if row.confirmed_step]
    assert escalated.confirmed_step == escalated.proposed_step == 2
    assert sum(is_overdue(row, TODAY) for row in rows) == 1
    assert create_demo_complaints(db_session, sm, TODAY) == 0  # idempotent
