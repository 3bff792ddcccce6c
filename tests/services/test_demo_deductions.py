"""The demo's deductions (SCORE-1, FAULT-1): manual events with evidence, the automatic
generation of every month, a few derelictions — and a second run adds nothing twice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.demo.deductions import create_demo_deductions
from models.deductions import Dereliction
from models.org import Staff
from models.scoring import ScoreEvent


def test_score_1_fault_1_demo_deductions_are_repeatable(db_session, window_a, window_b):
    db_session.add_all([Staff(name=f"员工{i}", window=w, unit="window")
                        for i, w in enumerate([window_a, window_b] * 3)])
    db_session.commit()
    today = date(2026, 11, 30)
    counts = create_demo_deductions(db_session, today)
    assert counts["manual"] > 10 and counts["derelictions"] >= 3
    manual = db_session.scalar(select(func.count(ScoreEvent.id)).where(
        ScoreEvent.source == "manual"))
    assert manual == counts["manual"]
    assert all(e.evidence for e in db_session.scalars(select(ScoreEvent)))
    total = db_session.scalar(select(func.count(ScoreEvent.id)))
    again = create_demo_deductions(db_session, today)
    assert again["manual"] == 0 and again["derelictions"] == 0 and again["automatic"] == 0
    assert db_session.scalar(select(func.count(ScoreEvent.id))) == total
    assert db_session.scalar(select(func.count(Dereliction.id))) == counts["derelictions"]
