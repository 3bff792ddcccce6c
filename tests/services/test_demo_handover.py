"""Demo handovers (HAND-1): some valid, one awaiting the demo window head; idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.demo import create_demo_center
from app.demo.cases import generate_demo_cases
from app.demo.handover import create_demo_handovers
from app.services.handover import handovers_awaiting, is_valid
from models.handover import Handover
from models.org import Staff

TODAY = date(2026, 11, 23)


def test_hand_1_demo_handovers_valid_and_one_awaiting_the_window_head(app, db_session):
    sm = app.appbuilder.sm
    create_demo_center(db_session, sm, "Demo#Pass1234")
    generate_demo_cases(db_session, 200, today=TODAY, zone="Asia/Shanghai")
    db_session.commit()
    assert create_demo_handovers(db_session, sm, TODAY) == 3
    db_session.commit()
    rows = db_session.scalars(select(Handover)).all()
    assert sum(is_valid(row) for row in rows) == 2
    assert all(row.giver_on_behalf and row.receiver_on_behalf for row in rows if is_valid(row))
    winhead = db_session.scalars(select(Staff).where(
        Staff.user_id == sm.find_user(username="winhead").id)).one()
    awaiting = handovers_awaiting(db_session, winhead.id)
    assert len(awaiting) == 1 and awaiting[0].giver_confirmed_at is not None
    assert create_demo_handovers(db_session, sm, TODAY) == 0  # idempotent
