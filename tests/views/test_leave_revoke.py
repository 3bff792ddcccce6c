"""Revoking a leave obtained by deception through its page and the API (LEAVE-1, ATT-3): the
button only for its approver and Leadership, the reason required next to its field, 403 for
anyone else, 409 on a stale version, 422 twice; and the attendance pages showing the days
without clock data (ATT-2)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.rules.calendar import WorkCalendar
from models.leave import LeaveRequest
from models.org import Staff
from tests.factories import staff_of

TODAY = date(2026, 11, 18)  # a Wednesday, and the app's clock: one result on any day (#17)


@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    center_now(TODAY)


@pytest.fixture
def people(log_in, db_session, window_a):
    actors = {"clerk": log_in("Clerk", window=window_a),
              "colleague": log_in("Clerk", window=window_a),
              "director": log_in("Office"),  # holds the approver position, not Leadership
              "leadership": log_in("Leadership")}
    staff_of(db_session, actors["director"].user).position = "director"
    db_session.commit()
    return actors


@pytest.fixture
def leave(app, db_session, people):
    """The clerk's approved one-day 事假, five working days ago."""
    day = TODAY
    calendar = WorkCalendar()
    for _ in range(5):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    row = LeaveRequest(staff_id=staff_of(db_session, people["clerk"].user).id, kind="personal",
                       start_day=day, end_day=day, days=Decimal(1),
                       approver_position="director", state="approved")
    db_session.add(row)
    db_session.commit()
    return row


def api_revoke(actor, leave_id, body):
    return actor.client.post(f"/api/v1/leave/{leave_id}/revoke", json=body,
                             headers=actor.api_headers())


def state_of(db_session, leave) -> str:
    db_session.expire_all()
    return db_session.get(LeaveRequest, leave.id).state


def test_leave_1_the_revoke_button_is_on_the_page_of_its_approver_and_leadership_only(
        people, leave):
    show = f"/leaverequestview/show/{leave.id}"
    for who in ("director", "leadership"):
        assert 'id="leave-revoke"' in people[who].get(show).get_data(as_text=True), who
    assert 'id="leave-revoke"' not in people["clerk"].get(show).get_data(as_text=True)
    assert people["clerk"].get(f"/leaverequestview/revoke/{leave.id}").status_code == 403
    # the colleague does not even see the request (PRIV-1)
    assert people["colleague"].get(f"/leaverequestview/revoke/{leave.id}").status_code == 404


def test_leave_1_revoke_form_shows_the_missing_reason_next_to_its_field_then_revokes(
        people, leave, db_session):
    director, url = people["director"], f"/leaverequestview/revoke/{leave.id}"
    response = director.post_form(url, {"version": leave.version, "reason": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="leave-revoke-form"' in html
    assert "field-error" in html and "请说明以何种欺骗手段获得该假" in html
    assert state_of(db_session, leave) == "approved"
    response = director.post_form(url, {"version": leave.version, "reason": "伪造病历"},
                                  follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="leave-revoked"' in html
    assert "已撤销（骗假）" in html and "伪造病历" in html
    assert state_of(db_session, leave) == "revoked"
    assert 'id="leave-revoke"' not in html  # no second revocation offered


def test_leave_1_api_revokes_for_its_approver_or_leadership_and_refuses_everyone_else(
        people, leave, db_session):
    assert api_revoke(people["clerk"], leave.id, {"reason": "自己撤"}).status_code == 403
    assert api_revoke(people["colleague"], leave.id, {"reason": "x"}).status_code == 404
    refused = api_revoke(people["director"], leave.id, {"reason": ""})
    assert refused.status_code == 422 and "reason" in refused.get_json()["message"]
    stale = api_revoke(people["leadership"], leave.id, {"reason": "骗假",
                                                        "version": leave.version + 1})
    assert stale.status_code == 409
    assert state_of(db_session, leave) == "approved"
    done = api_revoke(people["leadership"], leave.id, {"reason": "骗假",
                                                       "version": leave.version})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "revoked"
    again = api_revoke(people["director"], leave.id, {"reason": "再撤"})
    assert again.status_code == 422
    shown = people["director"].client.get(f"/api/v1/leave/{leave.id}").get_json()["result"]
    assert (shown["state"], shown["revoke_reason"]) == ("revoked", "骗假")


# --- ATT-2: the attendance pages show the days without clock data ------------------------------
MONTH = (2025, 3)  # a past month; nobody's clock imported


def test_att_2_attendance_pages_show_the_days_without_clock_data(as_office, as_clerk, db_session):
    clerk = db_session.scalar(select(Staff).where(Staff.user_id == as_clerk.user.id))
    query = f"year={MONTH[0]}&month={MONTH[1]}"
    overview = as_office.get(f"/attendance/?{query}").get_data(as_text=True)
    assert 'id="attendance-no-data"' in overview and "2025-03-03 – 2025-03-31" in overview
    person = as_clerk.get(f"/attendance/person/{clerk.id}?{query}").get_data(as_text=True)
    assert 'id="attendance-no-data"' in person
    assert 'class="half am no_data"' in person and "无打卡数据" in person
    assert 'class="half am absent"' not in person
