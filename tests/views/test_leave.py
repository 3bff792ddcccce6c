"""请假 pages and API: filing, routed approval by position (403 for anyone else), 销假, the row
filter, A/B override by Leadership, stale versions, certificates (type, size, who may download),
the flags page and who sees what (LEAVE-1..4, AB-1, PRIV-1)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.rules.calendar import WorkCalendar
from models.leave import LeaveNotification, LeaveRequest
from models.org import Staff
from models.settings import RuleSetting
from tests.factories import staff_of
from tests.leave_helpers import PDF, TODAY, api_file, api_post, substitute_id, two_days, upload

pytestmark = pytest.mark.usefixtures("leave_today")  # the app's clock on TODAY (#17)


@pytest.fixture
def people(leave_people):
    """The leave tests' people (tests/conftest.py `leave_people`)."""
    return leave_people


def workday(app, n: int):
    """The n-th working day after today (the tests' database has no holiday entries)."""
    today = TODAY
    return WorkCalendar().add_working_days(today, n)


# --- filing through the page -----------------------------------------------------------------
def test_leave_1_clerk_files_through_the_form_and_sees_it_in_my_requests(app, people, db_session):
    clerk = people["clerk"]
    start, end = workday(app, 3), workday(app, 3)
    response = clerk.post_form("/leaverequestview/file/", {
        "staff_id": staff_of(db_session, clerk.user).id, "kind": "personal",
        "start_day": start.isoformat(), "end_day": end.isoformat(), "half_day_end": "y",
        "reason": "看病", "substitute_id": staff_of(db_session, people["partner"].user).id,
    }, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="leave-request"' in html
    leave = db_session.scalars(select(LeaveRequest)).one()
    assert (leave.days, leave.approver_position, leave.filed_by_id) == (
        Decimal("0.5"), "office_head", clerk.user.id)
    assert f'data-leave="{leave.id}"' in clerk.get("/leaverequestview/mine/").get_data(as_text=True)


def test_leave_1_form_shows_the_rule_next_to_the_field(app, people):
    clerk = people["clerk"]
    response = clerk.post_form("/leaverequestview/file/", {
        "staff_id": "", "kind": "sick", "start_day": workday(app, 3).isoformat(),
        "end_day": workday(app, 3).isoformat()})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "field-error" in html


def test_leave_1_sick_leave_filed_with_certificate_through_the_form(app, people, db_session):
    clerk = people["clerk"]
    page = clerk.get("/leaverequestview/file/").get_data(as_text=True)
    from tests.factories import csrf_token

    response = clerk.client.post("/leaverequestview/file/", data={
        "csrf_token": csrf_token(page), "staff_id": str(staff_of(db_session, clerk.user).id),
        "kind": "sick", "start_day": workday(app, 3).isoformat(),
        "end_day": workday(app, 3).isoformat(), "substitute_id": str(substitute_id()),
        "handover_id": "new",
        "certificate": (io.BytesIO(PDF), "证明.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    leave = db_session.scalars(select(LeaveRequest)).one()
    assert leave.certificate_type == "application/pdf" and leave.certificate_name == "证明.pdf"


def test_leave_1_office_files_for_staff_without_login_recorded_as_such(app, people, db_session):
    office = people["office"]
    response = api_file(office, two_days(app, staff_id=people["nologin_id"]))
    assert response.status_code == 200, response.get_json()
    leave = db_session.get(LeaveRequest, response.get_json()["id"])
    assert leave.staff_id == people["nologin_id"] and leave.filed_by_id == office.user.id
    html = office.get(f"/leaverequestview/show/{leave.id}").get_data(as_text=True)
    # Issue #20: the person who filed it, by name, not by login.
    assert staff_of(db_session, office.user).name in html and office.user.username not in html


def test_leave_1_clerk_may_not_file_for_someone_else(app, people):
    response = api_file(people["clerk"], two_days(app, staff_id=people["nologin_id"]))
    assert response.status_code == 422


def test_leave_1_api_bad_input_is_4xx(app, people):
    clerk = people["clerk"]
    assert api_file(clerk, {"kind": "personal"}).status_code == 400
    assert api_file(clerk, {**two_days(app), "start_day": "2026-13-01"}).status_code == 400
    assert api_file(clerk, {**two_days(app), "colour": "red"}).status_code == 400
    assert api_file(clerk, {**two_days(app), "kind": "holiday"}).status_code == 422


# --- LEAVE-2: routed approval ----------------------------------------------------------------
def test_leave_2_only_the_routed_approver_sees_and_takes_the_action(app, people, db_session):
    leave_id = api_file(people["clerk"], two_days(app)).get_json()["id"]
    show = f"/leaverequestview/show/{leave_id}"
    assert "leave-decide-form" in people["deputy"].get(show).get_data(as_text=True)
    for other in ("office", "townhead"):
        assert "leave-decide-form" not in people[other].get(show).get_data(as_text=True)
        assert api_post(people[other], f"/api/v1/leave/{leave_id}/approve").status_code == 403
    page = people["office"].post_form(f"/leaverequestview/decide/{leave_id}/approve",
                                      {"version": 1}, form_url=show)
    assert page.status_code == 403
    response = people["deputy"].post_form(f"/leaverequestview/decide/{leave_id}/approve",
                                          {"version": 1}, form_url=show)
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).state == "approved"


def test_leave_2_approver_queue_page(app, people):
    leave_id = api_file(people["clerk"], two_days(app)).get_json()["id"]
    assert f'data-leave="{leave_id}"' in people["director"].get(
        "/leaverequestview/queue/").get_data(as_text=True)
    assert f'data-leave="{leave_id}"' not in people["office"].get(
        "/leaverequestview/queue/").get_data(as_text=True)


def test_leave_2_self_approval_refused_at_the_api(app, people):
    leave_id = api_file(people["deputy"], two_days(app)).get_json()["id"]
    assert api_post(people["deputy"], f"/api/v1/leave/{leave_id}/approve").status_code == 403
    assert api_post(people["director"], f"/api/v1/leave/{leave_id}/approve").status_code == 200


def test_leave_2_stale_version_is_409(app, people):
    leave_id = api_file(people["clerk"], two_days(app)).get_json()["id"]
    response = api_post(people["director"], f"/api/v1/leave/{leave_id}/reject",
                        {"version": 7, "note": "不行"})
    assert response.status_code == 409


def test_leave_2_town_head_sees_the_notification_of_a_long_leave(app, people, db_session):
    body = {"kind": "annual", "start_day": workday(app, 5).isoformat(),
            "end_day": workday(app, 9).isoformat()}
    leave_id = api_file(people["clerk"], body).get_json()["id"]
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).approver_position == "secretary"
    secretary = staff_of(db_session, people["director"].user)
    secretary.position = "secretary"
    db_session.commit()
    assert api_post(people["director"], f"/api/v1/leave/{leave_id}/approve").status_code == 200
    assert db_session.scalars(select(LeaveNotification)).one().leave_request_id == leave_id
    html = people["townhead"].get("/leaverequestview/notifications/").get_data(as_text=True)
    assert f"/leaverequestview/show/{leave_id}" in html
    assert "/leaverequestview/show/" not in people["office"].get(
        "/leaverequestview/notifications/").get_data(as_text=True)


def test_leave_1_leave_2_a_request_whose_only_holder_became_its_requester_goes_one_level_up(
        app, people, db_session):
    """LEAVE-2 / LEAVE-1 at decision time, through the pages and the API: the clerk files half
    a day (the office head's); then the clerk is made the office head and the office head
    moves to another post. The clerk may not decide their own request; the directors (one
    level up, as at filing) find it in their queue, open it (PRIV-1: the one who decides it
    sees it) and decide it; another clerk still does not see it."""
    body = {**two_days(app), "end_day": two_days(app)["start_day"], "half_day_end": True}
    leave_id = api_file(people["clerk"], body).get_json()["id"]
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).approver_position == "office_head"
    staff_of(db_session, people["clerk"].user).position = "office_head"
    staff_of(db_session, people["office"].user).position = "staff"
    db_session.commit()
    show = f"/leaverequestview/show/{leave_id}"
    assert "leave-decide-form" not in people["clerk"].get(show).get_data(as_text=True)
    assert api_post(people["clerk"], f"/api/v1/leave/{leave_id}/approve").status_code == 403
    assert people["partner"].get(show).status_code == 404
    queue = people["director"].get("/leaverequestview/queue/").get_data(as_text=True)
    assert f'data-leave="{leave_id}"' in queue
    assert "leave-decide-form" in people["deputy"].get(show).get_data(as_text=True)
    response = people["director"].post_form(f"/leaverequestview/decide/{leave_id}/approve",
                                            {"version": 1}, form_url=show)
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).state == "approved"


# --- row filter and PRIV-1 -------------------------------------------------------------------
def test_priv_1_row_filter_own_routed_or_all(app, people, db_session):
    mine = api_file(people["clerk"], two_days(app)).get_json()["id"]
    theirs = api_file(people["partner"], {**two_days(app), "start_day": workday(app, 20).isoformat(),
                                          "end_day": workday(app, 20).isoformat(),
                                          "half_day_end": True}).get_json()["id"]

    def ids(actor):
        return {row["id"] for row in actor.get("/api/v1/leave/").get_json()["result"]}

    assert ids(people["clerk"]) == {mine}
    assert ids(people["partner"]) == {theirs}
    assert ids(people["office"]) == ids(people["director"]) == {mine, theirs}  # all
    # A clerk holding the deputy director's position also sees what is routed to it.
    staff_of(db_session, people["partner"].user).position = "deputy_director"
    db_session.commit()
    assert ids(people["partner"]) == {mine, theirs}
    assert people["clerk"].get(f"/api/v1/leave/{theirs}").status_code == 404
    assert people["clerk"].get(f"/leaverequestview/show/{theirs}").status_code == 404


def test_priv_1_clerks_see_only_who_is_away_today(app, people, db_session):
    db_session.add(LeaveRequest(
        staff_id=staff_of(db_session, people["partner"].user).id, kind="sick",
        start_day=workday(app, 0) - timedelta(days=1), end_day=workday(app, 3),
        days=Decimal(3), reason="住院手术", approver_position="director", state="approved"))
    db_session.commit()
    html = people["clerk"].get("/leaverequestview/away/").get_data(as_text=True)
    assert staff_of(db_session, people["partner"].user).name in html
    assert "住院手术" not in html and "病假" not in html and "Sick" not in html


def test_leave_3_away_list_names_whom_the_dashboard_counts(app, people, db_session):
    """LEAVE-3: the "Away today" page and the dashboard's KPI read one rule — approved and
    begun, not reported back (an overstay stays, marked as owing its 销假); a pending request
    or an early 销假 keeps nobody away."""
    today = TODAY
    names = {}
    for key, state, first, last, back in [
            ("running", "approved", -1, 1, None), ("overstay", "approved", -5, -1, None),
            ("pending", "pending", 0, 0, None), ("back_early", "approved", -3, 2, 0)]:
        person = Staff(name=f"员工{key}", unit="window")
        db_session.add(person)
        db_session.add(LeaveRequest(
            staff=person, kind="personal", start_day=today + timedelta(days=first),
            end_day=today + timedelta(days=last), days=Decimal(1), approver_position="director",
            state=state, reported_back_on=back if back is None else today + timedelta(days=back)))
        names[key] = person.name
    db_session.commit()
    html = people["clerk"].get("/leaverequestview/away/").get_data(as_text=True)
    assert names["running"] in html and names["overstay"] in html
    assert names["pending"] not in html and names["back_early"] not in html
    assert html.count('class="label label-warning"') == 1  # the overstay's 销假 owed
    kpi = people["director"].get("/dashboard/data").get_json()["kpi"]
    assert kpi["away_today"] == html.count("<tr data-staff=") == 2


def test_leave_overview_pages_are_office_and_leadership_only(app, people):
    assert people["clerk"].get("/leaveoverview/all/").status_code in (302, 403)
    assert people["clerk"].get("/leaveoverview/flags/").status_code in (302, 403)
    assert people["office"].get("/leaveoverview/all/?state=pending&month=2026-13").status_code == 200
    assert people["director"].get("/leaveoverview/flags/?year=abc").status_code == 200


# --- AB-1 ------------------------------------------------------------------------------------
def test_ab_1_refusal_names_the_days_and_leadership_overrides_by_api(app, people, db_session):
    assert api_file(people["clerk"], two_days(app)).status_code == 200
    partner_id = staff_of(db_session, people["partner"].user).id
    refused = api_file(people["partner"], two_days(app))
    assert refused.status_code == 422
    assert workday(app, 5).isoformat() in str(refused.get_json()["message"])
    assert api_file(people["office"], two_days(app, staff_id=partner_id,
                                               ab_override_reason="急")).status_code == 403
    response = api_file(people["director"], two_days(app, staff_id=partner_id,
                                                     ab_override_reason="领导批准：临时调人顶岗"))
    assert response.status_code == 200, response.get_json()
    leave = db_session.get(LeaveRequest, response.get_json()["id"])
    assert leave.ab_override_reason and leave.ab_override_by_id == people["director"].user.id


def test_ab_1_form_shows_the_clash_and_the_override_field_to_leadership_only(app, people,
                                                                            db_session):
    api_file(people["clerk"], two_days(app))
    form = {"staff_id": staff_of(db_session, people["partner"].user).id, "kind": "personal",
            "start_day": workday(app, 5).isoformat(), "end_day": workday(app, 5).isoformat()}
    html = people["partner"].post_form("/leaverequestview/file/", form).get_data(as_text=True)
    assert workday(app, 5).isoformat() in html and "ab_override_reason" not in html
    page = people["director"].get("/leaverequestview/file/").get_data(as_text=True)
    assert 'name="ab_override_reason"' in page


# --- LEAVE-3 ---------------------------------------------------------------------------------
def test_leave_3_report_back_through_the_api_and_overstay_shown(app, people, db_session):
    staff_id = staff_of(db_session, people["clerk"].user).id
    today = TODAY
    cal = WorkCalendar()
    end = today - timedelta(days=10)
    while not cal.is_working_day(end):
        end -= timedelta(days=1)
    leave = LeaveRequest(staff_id=staff_id, kind="personal", start_day=end, end_day=end,
                         days=Decimal(1), approver_position="director", state="approved")
    db_session.add(leave)
    db_session.commit()
    response = api_post(people["clerk"], f"/api/v1/leave/{leave.id}/report-back",
                        {"returned_on": today.isoformat()})
    assert response.status_code == 200, response.get_json()
    expected = sum(1 for n in range(1, (today - end).days) if cal.is_working_day(end + timedelta(n)))
    assert Decimal(response.get_json()["overstay_days"]) == expected > 0
    html = people["clerk"].get(f"/leaverequestview/show/{leave.id}").get_data(as_text=True)
    assert 'id="leave-overstay"' in html
    assert api_post(people["partner"], f"/api/v1/leave/{leave.id}/report-back",
                    {"returned_on": today.isoformat()}).status_code == 404


def _past_leave(app, db_session, staff_id, working_days_ago: int, **extra) -> LeaveRequest:
    """An approved one-day 事假 `working_days_ago` working days before today."""
    today = TODAY
    cal, end = WorkCalendar(), today
    for _ in range(working_days_ago):
        end -= timedelta(days=1)
        while not cal.is_working_day(end):
            end -= timedelta(days=1)
    leave = LeaveRequest(staff_id=staff_id, kind="personal", start_day=end, end_day=end,
                         days=Decimal(1), approver_position="director", state="approved", **extra)
    db_session.add(leave)
    db_session.commit()
    return leave


def test_leave_3_att_3_office_accepts_a_late_return_at_the_report_back_page_audited(
        app, people, db_session):
    """LEAVE-3: the general office records the 销假 with the reason of a late return; no
    overstay is counted (ATT-3), and the audit trail names the office user who accepted it.
    The clerk's own page asks no reason and says where to give it; the API refuses one."""
    from models.audit import AuditLog

    staff_id = staff_of(db_session, people["clerk"].user).id
    leave = _past_leave(app, db_session, staff_id, 4)
    show = f"/leaverequestview/show/{leave.id}"
    clerk_page = people["clerk"].get(show).get_data(as_text=True)
    assert 'name="report_back_reason"' not in clerk_page
    assert 'id="leave-late-reason-help"' in clerk_page
    today = TODAY
    refused = api_post(people["clerk"], f"/api/v1/leave/{leave.id}/report-back",
                       {"returned_on": today.isoformat(), "reason": "航班取消"})
    assert refused.status_code == 422 and "综合科" in str(refused.get_json()["message"]["reason"])
    office_page = people["office"].get(show).get_data(as_text=True)
    assert 'name="report_back_reason"' in office_page
    people["office"].post_form(f"/leaverequestview/report_back/{leave.id}", {
        "version": leave.version, "returned_on": today.isoformat(),
        "report_back_reason": "航班取消"}, form_url=show)
    db_session.refresh(leave)
    assert (leave.reported_back_on, leave.overstay_days) == (today, Decimal(0))
    audit = db_session.scalars(select(AuditLog).where(
        AuditLog.model == "LeaveRequest", AuditLog.record_id == str(leave.id))).all()
    assert any(row.username == people["office"].user.username and "航班取消" in row.changes
               for row in audit)


def test_leave_4_flags_page_shows_the_days_a_cut_short_leave_counted(app, people, db_session):
    """LEAVE-4: a 事假 over the threshold, back early: the page counts the days taken and names
    them next to the request's link, with the days planned."""
    from datetime import date

    staff_id = staff_of(db_session, people["clerk"].user).id
    year = 2026
    leave = LeaveRequest(staff_id=staff_id, kind="personal", start_day=date(year, 3, 2),
                         end_day=date(year, 5, 29), days=Decimal(60), approver_position="secretary",
                         state="approved", reported_back_on=date(year, 3, 9),
                         overstay_days=Decimal(0))
    db_session.add(leave)
    db_session.commit()
    html = people["office"].get(f"/leaveoverview/flags/?year={year}").get_data(as_text=True)
    row = html[html.index(f'data-request="{leave.id}"'):]
    row = row[:row.index("</div>")]
    assert f"{year}-03-02" in row and f"{year}-03-06" in row
    assert f"/leaverequestview/show/{leave.id}" in row


def test_cancel_through_the_page_by_the_requester_only(app, people, db_session):
    leave_id = api_file(people["clerk"], two_days(app)).get_json()["id"]
    show = f"/leaverequestview/show/{leave_id}"
    assert people["director"].post_form(f"/leaverequestview/cancel/{leave_id}", {"version": 1},
                                        form_url=show).status_code == 403
    assert people["clerk"].post_form(f"/leaverequestview/cancel/{leave_id}", {"version": 1},
                                     form_url=show).status_code == 302
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).state == "cancelled"


# --- certificates ----------------------------------------------------------------------------
def test_leave_1_certificate_checked_by_content_and_size(app, people, db_session):
    leave_id = api_file(people["clerk"], two_days(app, kind="sick")).get_json()["id"]
    assert upload(people["clerk"], leave_id, b"<html>not a pdf</html>", "fake.pdf").status_code == 422
    db_session.execute(RuleSetting.__table__.update().where(
        RuleSetting.key == "leave.max_attachment_mb").values(value="1"))
    db_session.commit()
    too_big = PDF + b"0" * (1024 * 1024)
    assert upload(people["clerk"], leave_id, too_big).status_code == 422
    assert upload(people["clerk"], leave_id, b"\x89PNG\r\n\x1a\n....", "x.png").status_code == 200
    assert api_post(people["director"], f"/api/v1/leave/{leave_id}/approve").status_code == 200


def test_priv_1_certificate_served_to_requester_approver_office_only(app, people, log_in,
                                                                     db_session):
    leave_id = api_file(people["clerk"], two_days(app, kind="sick")).get_json()["id"]
    assert upload(people["clerk"], leave_id, PDF, "诊断.pdf").status_code == 200
    url = f"/leaverequestview/certificate_file/{leave_id}"
    for allowed in ("clerk", "director", "deputy", "office"):
        response = people[allowed].get(url)
        assert response.status_code == 200, allowed
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.data == PDF
    for denied in ("partner",):
        assert people[denied].get(url).status_code == 404
    stored = db_session.get(LeaveRequest, leave_id).certificate_path
    assert stored != "诊断.pdf" and len(stored) > 30


# --- LEAVE-1: substitute and handover at every door; four eyes (issues #16, #18) ---------------
def test_leave_1_the_form_prefills_the_post_b_and_a_handover_from_the_request(app, people,
                                                                            db_session):
    partner = staff_of(db_session, people["partner"].user)
    page = people["clerk"].get("/leaverequestview/file/").get_data(as_text=True)
    assert f'<option selected value="{partner.id}">' in page
    assert '<option selected value="new">' in page


def test_leave_1_the_api_refuses_a_request_without_substitute_or_handover(app, people,
                                                                         db_session):
    clerk = people["clerk"]
    bare = {**two_days(app), "new_handover": True}
    response = clerk.client.post("/api/v1/leave/file", json=bare, headers=clerk.api_headers())
    assert response.status_code == 422 and "substitute_id" in response.get_json()["message"]
    response = clerk.client.post("/api/v1/leave/file",
                                 json={**two_days(app), "substitute_id": substitute_id()},
                                 headers=clerk.api_headers())
    assert response.status_code == 422 and "handover_id" in response.get_json()["message"]
    assert db_session.scalars(select(LeaveRequest)).all() == []
    response = api_file(clerk, two_days(app))
    assert response.status_code == 200, response.get_json()
    leave = db_session.get(LeaveRequest, response.get_json()["id"])
    assert leave.substitute_id == substitute_id()


def test_leave_1_the_form_refuses_a_request_without_substitute(app, people, db_session):
    clerk = people["clerk"]
    response = clerk.post_form("/leaverequestview/file/", {
        "staff_id": staff_of(db_session, clerk.user).id, "kind": "personal",
        "start_day": workday(app, 3).isoformat(), "end_day": workday(app, 3).isoformat(),
        "substitute_id": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "field-error" in html and "顶岗人" in html
    assert db_session.scalars(select(LeaveRequest)).all() == []


def test_leave_1_a_leave_filed_on_behalf_is_approved_by_someone_else(app, people, db_session):
    """Issue #18: the director files a two-day leave for the clerk (routed to the director's
    slot) — the director cannot approve it, at the API (422) nor on the page (no button; the
    route refuses it too); the deputy director does. The clerk is notified and acknowledges."""
    director, clerk = people["director"], people["clerk"]
    me = staff_of(db_session, clerk.user)
    filed = api_file(director, two_days(app, staff_id=me.id))
    assert filed.status_code == 200, filed.get_json()
    leave_id = filed.get_json()["id"]
    refused = api_post(director, f"/api/v1/leave/{leave_id}/approve")
    assert refused.status_code == 422
    assert "提交人以外" in str(refused.get_json()), refused.get_json()  # LEAVE-1
    page = director.get(f"/leaverequestview/show/{leave_id}").get_data(as_text=True)
    assert 'id="leave-decide-form"' not in page and 'id="leave-filed-by-you"' in page
    director.post_form(f"/leaverequestview/decide/{leave_id}/approve", {"version": "1"},
                       form_url=f"/leaverequestview/show/{leave_id}")
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).state == "pending"
    assert f"/leaverequestview/show/{leave_id}" not in director.get(
        "/leaverequestview/queue/").get_data(as_text=True)
    # The clerk is told, in the to-do list, until acknowledged.
    todo = clerk.get("/my/").get_data(as_text=True)
    assert "todo-leave_filed_for_me" in todo and f"/leaverequestview/show/{leave_id}" in todo
    shown = clerk.get(f"/leaverequestview/show/{leave_id}").get_data(as_text=True)
    assert 'id="leave-acknowledge-form"' in shown
    assert clerk.post_form(f"/leaverequestview/acknowledge/{leave_id}", {},
                           form_url=f"/leaverequestview/show/{leave_id}").status_code == 302
    assert "todo-leave_filed_for_me" not in clerk.get("/my/").get_data(as_text=True)
    assert api_post(people["deputy"], f"/api/v1/leave/{leave_id}/approve").status_code == 200


def test_leave_2_the_only_office_heads_filing_goes_up_and_the_page_says_to_whom(app, people,
                                                                              db_session):
    """LEAVE-2 / LEAVE-1: the office head — the center's only one — files half a day for the
    clerk on the page. Its own slot would leave nobody to decide it, so it goes to the
    directors: the page says so when filed and on the request; the director approves it."""
    office, clerk = people["office"], people["clerk"]
    day = workday(app, 3)
    response = office.post_form("/leaverequestview/file/", {
        "staff_id": staff_of(db_session, clerk.user).id, "kind": "personal",
        "start_day": day.isoformat(), "end_day": day.isoformat(), "half_day_end": "y",
        "reason": "家中有事", "substitute_id": staff_of(db_session, people["partner"].user).id,
        "handover_id": "new"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "送审：主任" in html, html
    leave = db_session.scalars(select(LeaveRequest)).one()
    assert (leave.days, leave.approver_position) == (Decimal("0.5"), "director")
    shown = office.get(f"/leaverequestview/show/{leave.id}").get_data(as_text=True)
    assert "<th>审批人</th><td>主任</td>" in shown
    assert f"/leaverequestview/show/{leave.id}" in people["director"].get(
        "/leaverequestview/queue/").get_data(as_text=True)
    assert api_post(people["director"], f"/api/v1/leave/{leave.id}/approve").status_code == 200


def test_ab_2_the_away_list_names_who_is_out_and_why(app, people, db_session):
    """AB-2: the "Away today" list names a person out on an approved errand — not only leave."""
    from models.leave import AwayRegistration

    nologin = db_session.get(Staff, people["nologin_id"])
    db_session.add(AwayRegistration(staff=nologin, day=TODAY, am=True, pm=True,
                                    reason="errand", state="approved"))
    db_session.commit()
    html = people["clerk"].get("/leaverequestview/away/").get_data(as_text=True)
    assert f'data-staff="{nologin.id}"' in html and "away-errand" in html
