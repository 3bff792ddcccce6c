"""The scoring journey of issue #11 in a real browser: Office records a complaint and verifies
it (COMP-1/3) → its M7 deduction appears, linked to the complaint (SCORE-1) → the month's
results are computed from the events (SCORE-2) → Leadership confirms the month (SCORE-3) → a
later change to that month is refused with the reason shown, and nothing is saved.

Screenshots go to artifacts/screenshots/assessment-*.png.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.context import today
from models.complaints import Complaint
from models.scoring import AssessmentMonth, ScoreEvent
from models.org import Staff
from tests.factories import PASSWORD, switch_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(db_session, window_a, make_user):
    clerk = make_user("Clerk", username="clerk_m7", window=window_a)
    make_user("Office", username="office_m7")
    make_user("Leadership", username="leader_m7")
    return db_session.scalars(select(Staff).where(Staff.user_id == clerk.id)).one()


def test_assessment_journey_complaint_to_frozen_month(page, db_session, window_a, people, shot,
                                                      browser_login, offline_check):
    last_month = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    received = last_month.replace(day=10)
    month = last_month.strftime("%Y-%m")

    # COMP-1: Office records a phone complaint about the clerk, received last month.
    browser_login(page, "office_m7", PASSWORD)
    page.goto("/complaintview/record/")
    page.fill("#received_on", received.isoformat())
    page.select_option("#channel", "phone")
    page.check("#anonymous")
    page.select_option("#window_id", str(window_a.id))
    page.select_option("#staff_id", str(people.id))
    page.fill("#content", "办事时态度生硬，推诿")
    page.fill("#promised_on", received.isoformat())
    with page.expect_navigation():
        page.click("form button[type=submit]")
    complaint = db_session.scalars(select(Complaint)).one()

    # COMP-3: verified, gravity 3 → an M7 deduction of −3 linked to the complaint.
    page.select_option("#complaint-outcome select[name=outcome]", "verified")
    page.select_option("#complaint-outcome select[name=gravity]", "3")
    with page.expect_navigation():
        page.click("#complaint-outcome button[type=submit]")
    shot(page, "assessment-complaint-verified")
    event = db_session.scalars(select(ScoreEvent).where(ScoreEvent.source == "complaint")).one()
    assert (event.category, event.points, event.source_id) == ("M7", Decimal("-3.0"), complaint.id)

    # SCORE-2: the month's results show the window's M7 at 7 of 10.
    switch_user(page, browser_login, "leader_m7")
    page.goto(f"/assessment/month/?month={month}")
    assert "97.0" in page.content()  # a score always with one decimal (app/rules/points.py)
    # SCORE-3: Leadership confirms; the month is frozen. SCORE-2 M10: nobody rated the window,
    # so the page lists it and asks for the reason.
    assert page.locator("#unrated-windows .unrated-window").count() == 1
    page.fill("#unrated-reason-input", "本月未组织互评")
    shot(page, "assessment-month-unrated")
    with page.expect_navigation():
        page.click("#confirm-form button[type=submit]")
    shot(page, "assessment-month-confirmed")
    db_session.expire_all()
    assert db_session.scalars(select(AssessmentMonth.state).where(
        AssessmentMonth.period == last_month)).one() == "confirmed"

    # A later change to that month is refused with the reason, and nothing changes.
    switch_user(page, browser_login, "office_m7")
    page.goto(f"/complaintview/show/{complaint.id}")
    page.select_option("#complaint-outcome select[name=outcome]", "not_verified")
    with page.expect_navigation():
        page.click("#complaint-outcome button[type=submit]")
    shot(page, "assessment-frozen-change-refused")
    assert month in page.content()  # "<month> is confirmed and frozen…"
    db_session.expire_all()
    assert db_session.scalar(select(func.count(ScoreEvent.id))) == 1
    assert db_session.get(Complaint, complaint.id).outcome == "verified"
    offline_check()
