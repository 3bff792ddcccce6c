"""会议与学习 pages: Office generates the month, records attendance and minutes; every role
reads the schedule and its own attendance (MEET-1, ORG-2)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.actor import Actor
from app.services.meetings import generate_month, record_attendance
from app.services.transaction import transaction
from models.meetings import Meeting, MeetingAttendance
from tests.factories import clock_on, staff_of

D = date.fromisoformat


@pytest.fixture
def october(db_session):
    with transaction(db_session):
        generate_month(db_session, D("2026-10-01"))
    return db_session.scalars(select(Meeting).order_by(Meeting.day, Meeting.kind)).all()


def test_meet_1_office_generates_the_month_from_the_schedule_page(as_office, db_session):
    page = as_office.get("/meetingview/month/?month=2026-10").get_data(as_text=True)
    assert "meeting-generate-form" in page
    response = as_office.post_form("/meetingview/generate", {"month": "2026-10"},
                                   form_url="/meetingview/month/?month=2026-10",
                                   follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-day="2026-10-09"' in html
    assert len(db_session.scalars(select(Meeting)).all()) == 7
    as_office.post_form("/meetingview/generate", {"month": "2026-10"},
                        form_url="/meetingview/month/?month=2026-10")
    assert len(db_session.scalars(select(Meeting)).all()) == 7  # idempotent


def test_meet_1_a_bad_month_generates_nothing(as_office, db_session):
    response = as_office.post_form("/meetingview/generate", {"month": "2026-13"},
                                   form_url="/meetingview/month/", follow_redirects=True)
    assert response.status_code == 200
    assert db_session.scalars(select(Meeting)).all() == []


def test_meet_1_office_records_the_attendance_sheet(as_office, log_in, window_a, db_session,
                                                    october):
    clerk = staff_of(db_session, log_in("Clerk", window=window_a).user)
    late = staff_of(db_session, log_in("WindowHead", window=window_a).user)
    meeting = october[0]
    url = f"/meetingview/attendance/{meeting.id}"
    page = as_office.get(url).get_data(as_text=True)
    assert f'name="status_{clerk.id}"' in page and f'name="reason_{late.id}"' in page
    # An absence with reason without the reason: the message stands in its row, nothing saved.
    response = as_office.post_form(url, {f"status_{clerk.id}": "absent_excused",
                                         f"status_{late.id}": "late"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "field-error" in html
    assert db_session.scalars(select(MeetingAttendance)).all() == []
    response = as_office.post_form(url, {f"status_{clerk.id}": "absent_excused",
                                         f"reason_{clerk.id}": "病假（已批准）",
                                         f"status_{late.id}": "late"}, follow_redirects=True)
    assert response.status_code == 200
    db_session.expire_all()
    rows = {r.staff_id: (r.status, r.reason) for r in db_session.scalars(select(MeetingAttendance))}
    assert rows[clerk.id] == ("absent_excused", "病假（已批准）")
    assert rows[late.id] == ("late", None)
    assert {status for status, _ in rows.values()} == {"present", "late", "absent_excused"}


def test_meet_1_two_saves_from_the_same_stale_sheet_the_second_is_told_to_reload(
        as_office, log_in, window_a, db_session, october):
    """MEET-1, issue #9: the sheet carries the meeting's version; each save moves it, so a
    second save from a page opened before the first one overwrites nothing."""
    clerk = staff_of(db_session, log_in("Clerk", window=window_a).user)
    meeting = october[0]
    url = f"/meetingview/attendance/{meeting.id}"
    page = as_office.get(url).get_data(as_text=True)
    assert f'name="version" value="{meeting.version}"' in page
    opened = str(meeting.version)
    first = as_office.post_form(url, {f"status_{clerk.id}": "late", "version": opened})
    assert first.status_code == 302
    second = as_office.post_form(url, {f"status_{clerk.id}": "absent_unexcused",
                                       "version": opened})
    html = second.get_data(as_text=True)
    assert second.status_code == 200 and "reload-link" in html
    assert f'name="version" value="{opened}"' in html  # still the stale page: no silent retry
    db_session.expire_all()
    rows = {r.staff_id: r.status for r in db_session.scalars(select(MeetingAttendance))}
    assert rows[clerk.id] == "late"
    assert db_session.get(Meeting, meeting.id).version == int(opened) + 1
    fresh = as_office.get(url).get_data(as_text=True)
    assert f'name="version" value="{int(opened) + 1}"' in fresh


def test_meet_1_office_writes_the_minutes(as_office, db_session, october):
    meeting = october[0]
    url, opened = f"/meetingview/minutes/{meeting.id}", meeting.version
    response = as_office.post_form(url, {"topic": "十月第二周例会", "minutes": "一、通报办件情况。",
                                         "version": opened}, follow_redirects=True)
    assert response.status_code == 200 and "一、通报办件情况。" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Meeting, meeting.id).topic == "十月第二周例会"
    # A form opened before that save is refused (issue #9).
    response = as_office.post_form(url, {"topic": "旧", "minutes": "旧", "version": opened})
    assert response.status_code == 200 and "reload-link" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Meeting, meeting.id).topic == "十月第二周例会"


@pytest.mark.parametrize("role", ["Clerk", "WindowHead", "SectionHead", "Leadership"])
def test_meet_1_only_office_records_other_roles_get_403(role, log_in, window_a, db_session,
                                                         october):
    actor = log_in(role, window=window_a if role in ("Clerk", "WindowHead") else None)
    meeting = october[0]
    assert actor.get(f"/meetingview/attendance/{meeting.id}").status_code == 403
    assert actor.get(f"/meetingview/minutes/{meeting.id}").status_code == 403
    token = actor.api_headers()["X-CSRFToken"]
    assert actor.client.post("/meetingview/generate", data={"month": "2026-11",
                                                            "csrf_token": token}).status_code == 403
    assert actor.client.post(f"/meetingview/attendance/{meeting.id}",
                             data={"csrf_token": token}).status_code == 403
    assert db_session.scalars(select(MeetingAttendance)).all() == []
    assert actor.get("/meetingview/month/?month=2026-10").status_code == 200
    assert actor.get(f"/meetingview/show/{meeting.id}").status_code == 200


def test_meet_1_staff_see_their_own_attendance_only(as_clerk, as_leadership, log_in, window_a,
                                                    db_session, october):
    clerk = staff_of(db_session, as_clerk.user)
    other = staff_of(db_session, log_in("Clerk", window=window_a).user)
    meeting = october[0]
    with transaction(db_session):
        record_attendance(db_session, meeting, {clerk.id: ("late", None),
                                                other.id: ("absent_unexcused", None)},
                          Actor(username="office"), clock_on(meeting.day))
    html = as_clerk.get(f"/meetingview/show/{meeting.id}").get_data(as_text=True)
    assert f'data-staff="{clerk.id}"' in html and f'data-staff="{other.id}"' not in html
    month = as_clerk.get("/meetingview/month/?month=2026-10").get_data(as_text=True)
    assert "meeting-generate-form" not in month
    html = as_leadership.get(f"/meetingview/show/{meeting.id}").get_data(as_text=True)
    assert f'data-staff="{clerk.id}"' in html and f'data-staff="{other.id}"' in html


def test_meet_1_api_lists_meetings_read_only(as_clerk, db_session, october):
    response = as_clerk.get("/api/v1/meeting/")
    assert response.status_code == 200 and response.get_json()["count"] == 7
    meeting = october[0]
    assert as_clerk.get(f"/api/v1/meeting/{meeting.id}").get_json()["result"]["kind"] == "weekly"
    headers = as_clerk.api_headers()
    assert as_clerk.client.post("/api/v1/meeting/", json={"kind": "study", "day": "2026-10-11",
                                                          "starts_at": "15:00"},
                                headers=headers).status_code in (404, 405)
    assert as_clerk.client.delete(f"/api/v1/meeting/{meeting.id}",
                                  headers=headers).status_code in (404, 405)
