"""SCORE-1: score events go through the catalogue (points within the item's range, the sign by
category); SCORE-3: a confirmed month is frozen for every change to its events."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.rules.errors import RuleViolation
from app.services.scoring import EventInput, build_event, item_by_code
from models.scoring import SCORE_CATEGORIES, AssessmentMonth, DeductionItem, ScoreEvent

DAY = date(2026, 10, 13)


def test_score_2_the_catalogue_is_seeded_with_every_category(db_session):
    categories = set(db_session.scalars(select(DeductionItem.category)))
    assert categories == set(SCORE_CATEGORIES) - {"M10"}  # M10 is the mutual rating
    assert item_by_code(db_session, "M7-complaint").points_max == Decimal(5)


def test_score_1_points_outside_the_items_range_are_refused(db_session, window_a):
    complaint = item_by_code(db_session, "M7-complaint")
    with pytest.raises(RuleViolation) as caught:
        build_event(db_session, EventInput(complaint.id, DAY, Decimal(6), window_a.id))
    assert (caught.value.rule_id, caught.value.field) == ("SCORE-1", "points")
    event = build_event(db_session, EventInput(complaint.id, DAY, Decimal(3), window_a.id))
    assert event.points == Decimal(-3) and event.category == "M7"
    bonus = build_event(db_session, EventInput(item_by_code(db_session, "B-banner").id, DAY,
                                               None, window_a.id))
    assert bonus.points == Decimal(2) and bonus.period == date(2026, 10, 1)


def test_score_3_a_confirmed_month_refuses_new_changed_and_deleted_events(db_session, window_a):
    item = item_by_code(db_session, "M9-untidy")
    event = build_event(db_session, EventInput(item.id, DAY, None, window_a.id))
    db_session.add(event)
    db_session.add(AssessmentMonth(period=date(2026, 10, 1), state="confirmed"))
    db_session.commit()
    with pytest.raises(RuleViolation) as caught:
        build_event(db_session, EventInput(item.id, DAY, None, window_a.id))
    assert caught.value.rule_id == "SCORE-3"
    event.evidence = "补记"
    with pytest.raises(RuleViolation):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.get(ScoreEvent, event.id))
    with pytest.raises(RuleViolation):
        db_session.flush()
    db_session.rollback()
    moved = db_session.get(ScoreEvent, event.id)
    moved.period, moved.day = date(2026, 11, 1), date(2026, 11, 2)  # moving out is a change too
    with pytest.raises(RuleViolation):
        db_session.flush()
    db_session.rollback()
    assert db_session.scalar(select(func.count(ScoreEvent.id))) == 1
