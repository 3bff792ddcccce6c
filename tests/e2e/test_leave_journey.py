"""The people journey of issue #10 in a real browser: a clerk files leave naming the post's B as
substitute (prefilled) and the handover created from the request (LEAVE-1), it goes to the
routed approver's to-do list and that approver approves it (LEAVE-2), the A/B partner's
overlapping request is refused naming the days (AB-1), and the request's handover is valid only
once the giver and the receiver have each confirmed it as their own user (HAND-1).

Screenshots go to artifacts/screenshots/leave-*.png.
"""

from __future__ import annotations


import pytest
from sqlalchemy import func, select

from app.context import today
from app.services.calendar import load_calendar
from models.handover import Handover
from models.leave import LeaveRequest
from models.org import Post, Staff
from tests.factories import PASSWORD, switch_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def pair(db_session, window_a, make_user):
    """A and B of one post at window 01, and a deputy director (Leadership by role)."""
    a_user = make_user("Clerk", username="a_clerk", window=window_a)
    b_user = make_user("Clerk", username="b_clerk", window=window_a)
    deputy = make_user("Leadership", username="deputy_e2e")
    staff = {user.username: db_session.scalars(select(Staff).where(Staff.user_id == user.id)).one()
             for user in (a_user, b_user, deputy)}
    staff["deputy_e2e"].position = "deputy_director"
    db_session.add(Post(window=window_a, name="受理岗", a_staff=staff["a_clerk"],
                        b_staff=staff["b_clerk"]))
    db_session.commit()
    return staff


def file_leave(page, first, last, reason):
    page.goto("/leaverequestview/file/")
    page.select_option("#kind", "personal")
    page.fill("#start_day", first.isoformat())
    page.fill("#end_day", last.isoformat())
    page.fill("#reason", reason)
    with page.expect_navigation():
        page.click("form button[type=submit]")


def test_leave_journey_routed_approval_ab_conflict_and_handover(
        page, db_session, pair, shot, browser_login, offline_check):
    calendar = load_calendar(db_session)
    first = calendar.add_working_days(today(), 10)
    last = calendar.add_working_days(first, 1)  # two working days: the director decides

    # LEAVE-1/2: A files; the request goes to the (deputy) director.
    browser_login(page, "a_clerk", PASSWORD)
    file_leave(page, first, last, "家中有事")
    shot(page, "leave-filed")
    request = db_session.scalars(select(LeaveRequest)).one()
    assert (request.state, request.approver_position) == ("pending", "director")
    assert "待审批" in page.locator("#leave-state").inner_text()
    # LEAVE-1: the post's B was the prefilled substitute; the handover A → B came with it.
    assert request.substitute_id == pair["b_clerk"].id
    handover = db_session.scalars(select(Handover)).one()
    assert (handover.giver_id, handover.receiver_id, handover.leave_request_id) == (
        pair["a_clerk"].id, pair["b_clerk"].id, request.id)

    # LEAVE-2: it waits on the deputy director's to-do list; she approves it.
    switch_user(page, browser_login, "deputy_e2e")
    assert page.locator(".badge-todo").inner_text().strip() == "1"
    page.goto("/my/")
    shot(page, "leave-approver-todo")
    with page.expect_navigation():
        page.click(f"a[href='/leaverequestview/show/{request.id}']")
    with page.expect_navigation():
        page.click("#leave-decide-form button.btn-success")
    shot(page, "leave-approved")
    db_session.expire_all()
    assert db_session.get(LeaveRequest, request.id).state == "approved"

    # AB-1: B asks for the same days; refused naming them, nothing saved.
    switch_user(page, browser_login, "b_clerk")
    file_leave(page, first, first, "同期请假")
    shot(page, "leave-ab-conflict-refused")
    assert first.isoformat() in page.content()
    assert db_session.scalar(select(func.count(LeaveRequest.id))) == 1

    # HAND-1: the request's handover A → B is valid only after both confirmed as themselves.
    switch_user(page, browser_login, "a_clerk")
    page.goto(f"/leaverequestview/show/{request.id}")
    with page.expect_navigation():
        page.click("#leave-handovers a")
    with page.expect_navigation():
        page.click("button[data-confirm=giver]")
    assert page.locator("[data-handover=awaiting]").count() == 1
    shot(page, "leave-handover-giver-confirmed")

    switch_user(page, browser_login, "b_clerk")
    page.goto(f"/handoverview/show/{handover.id}")
    assert page.locator("button[data-confirm=giver]").count() == 0  # not B's signature
    with page.expect_navigation():
        page.click("button[data-confirm=receiver]")
    assert page.locator("[data-handover=valid]").count() == 1
    shot(page, "leave-handover-valid")
    offline_check()
