"""The demo's leave: every state, an overstay, a backfilled emergency request, an A/B override
and a town-head notification (LEAVE-1..4, AB-1)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.demo import create_demo_center
from app.demo.leave import generate_demo_leave
from app.services.leave import yearly_flag_rows
from models.handover import Handover
from models.leave import LeaveNotification, LeaveRequest


def test_leave_demo_covers_every_state_and_case(app, db_session):
    """LEAVE-1..4: every state, and each request with its substitute and handover."""
    create_demo_center(db_session, app.appbuilder.sm, "Demo#Pass1234")
    made = generate_demo_leave(db_session, app.appbuilder.sm, date(2026, 11, 30))
    db_session.commit()
    rows = db_session.scalars(select(LeaveRequest)).all()
    assert made == len(rows) >= 12
    assert {r.state for r in rows} == {"pending", "approved", "rejected", "cancelled"}
    assert any(r.overstay_days for r in rows) and any(r.emergency for r in rows)
    assert any(r.ab_override_reason for r in rows)
    assert any("AB角" in (r.decision_note or "") for r in rows if r.state == "rejected")
    assert db_session.scalars(select(LeaveNotification)).all()
    assert any(r.absence for r in yearly_flag_rows(db_session, 2026))
    # LEAVE-1: every request names its substitute and its handover (HAND-1).
    handovers = {h.leave_request_id: h for h in db_session.scalars(select(Handover))}
    for r in rows:
        assert r.substitute is not None and r.substitute_id != r.staff_id and r.substitute.is_active
        assert handovers[r.id].giver_id == r.staff_id
        assert handovers[r.id].receiver_id == r.substitute_id
    assert generate_demo_leave(db_session, app.appbuilder.sm, date(2026, 11, 30)) == 0
