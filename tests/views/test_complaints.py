"""投诉 pages and API: COMP-1..4 through both doors; ORG-2 (no clerk or window head sees a
complaint); PRIV-1 (the complainant's contact masked for roles without access)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.services.cases import Actor
from app.services.complaints import ComplaintInput, decide_outcome, record_complaint
from models.complaints import Complaint
from models.org import Staff
from models.scoring import ScoreEvent
from tests.factories import center_today, clock_on

PHONE = "13912345678"


@pytest.fixture
def staff(db_session, window_a):
    row = Staff(name="王五", window=window_a)
    db_session.add(row)
    db_session.commit()
    return row


@pytest.fixture
def complaint(db_session, window_a, staff):
    row = record_complaint(db_session, ComplaintInput(
        channel="phone", window_id=window_a.id, content="窗口人员态度生硬",
        complainant_name="张三", complainant_contact=PHONE, staff_id=staff.id),
        Actor(username="seed"), clock_on(center_today()))
    db_session.commit()
    return row


@pytest.mark.parametrize("role, status", [
    ("Office", 200), ("Leadership", 200), ("Admin", 200),
    ("Clerk", 403), ("WindowHead", 403), ("SectionHead", 403)])
def test_org_2_only_office_leadership_and_admin_see_complaints(
        role, status, log_in, window_a, complaint):
    """ORG-2: clerks cannot see complaints; window heads neither (pages and API alike)."""
    actor = log_in(role, window=window_a if role in ("Clerk", "WindowHead") else None)
    pages = ["/complaintview/list/", f"/complaintview/show/{complaint.id}",
             "/complaintview/overdue/", "/api/v1/complaint/", f"/api/v1/complaint/{complaint.id}"]
    for url in pages:
        code = actor.get(url).status_code
        assert code == status or (status == 403 and code in (302, 401, 403, 404)), (url, code)


def test_comp_1_office_records_a_complaint_on_the_page(as_office, db_session, window_a, staff):
    response = as_office.post_form("/complaintview/record/", {
        "channel": "in_person", "window_id": str(window_a.id), "staff_id": str(staff.id),
        "complainant_name": "李四", "complainant_contact": PHONE, "content": "排队时被呵斥"},
        follow_redirects=True)
    assert response.status_code == 200
    row = db_session.scalars(select(Complaint)).one()
    assert (row.channel, row.state, row.staff_id) == ("in_person", "open", staff.id)


def test_comp_1_a_major_phone_complaint_is_refused_on_the_page(as_office, db_session, window_a):
    page = as_office.post_form("/complaintview/record/", {
        "channel": "phone", "window_id": str(window_a.id), "anonymous": "y", "major": "y",
        "content": "重大事项"}).get_data(as_text=True)
    assert "must be written" in page or "书面" in page
    assert db_session.scalar(select(func.count(Complaint.id))) == 0


def test_comp_1_leadership_does_not_record(as_leadership):
    assert as_leadership.get("/complaintview/record/").status_code in (302, 403)


def test_priv_1_contact_in_full_for_office_masked_for_admin(as_office, as_admin, complaint):
    assert PHONE in as_office.get(f"/complaintview/show/{complaint.id}").get_data(as_text=True)
    page = as_admin.get(f"/complaintview/show/{complaint.id}").get_data(as_text=True)
    assert PHONE not in page and "139****5678" in page
    data = as_admin.get(f"/api/v1/complaint/{complaint.id}").get_json()["result"]
    assert data["complainant_contact"] == "139****5678"
    data = as_office.get(f"/api/v1/complaint/{complaint.id}").get_json()["result"]
    assert data["complainant_contact"] == PHONE


def test_comp_3_verifying_on_the_page_creates_the_m7_event(as_office, db_session, complaint):
    url = f"/complaintview/outcome/{complaint.id}"
    response = as_office.post_form(url, {"version": complaint.version, "outcome": "verified",
                                         "gravity": "4"},
                                   form_url=f"/complaintview/show/{complaint.id}")
    assert response.status_code == 302
    event = db_session.scalars(select(ScoreEvent)).one()
    assert event.source_id == complaint.id and str(event.points) == "-4.0"


def test_comp_4_only_leadership_confirms_the_escalation(
        as_office, as_leadership, db_session, complaint):
    decide_outcome(db_session, complaint, "verified", "2", True, Actor(username="seed"),
                   clock_on(center_today()))
    db_session.commit()
    show = f"/complaintview/show/{complaint.id}"
    assert "complaint-escalation" not in as_office.get(show).get_data(as_text=True)
    refused = as_office.post_form(f"/complaintview/escalation/{complaint.id}",
                                  {"version": complaint.version}, form_url=show)
    assert refused.status_code == 403
    assert as_leadership.api_headers()  # session warmed
    response = as_leadership.post_form(f"/complaintview/escalation/{complaint.id}",
                                       {"version": complaint.version, "step": "1"},
                                       form_url=show)
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Complaint, complaint.id).confirmed_step == 1


def test_comp_2_overdue_list_flags_a_passed_due_date(as_office, db_session, window_a):
    old = record_complaint(db_session, ComplaintInput(
        channel="phone", window_id=window_a.id, content="未答复", anonymous=True),
        Actor(username="seed"), clock_on(date(2026, 1, 5)))
    db_session.commit()
    page = as_office.get("/complaintview/overdue/").get_data(as_text=True)
    assert f"/complaintview/show/{old.id}" in page and 'data-complaint="overdue"' in page


def test_comp_2_api_records_answers_and_a_stale_version_is_409(as_office, db_session, window_a):
    headers = as_office.api_headers()
    created = as_office.client.post("/api/v1/complaint/record", headers=headers, json={
        "channel": "letter", "window_id": window_a.id, "content": "来信投诉", "anonymous": True,
        "complex": True})
    assert created.status_code == 200, created.get_json()
    body = created.get_json()
    assert body["complexity"] == "complex" and body["state"] == "open"
    oral = as_office.client.post(f"/api/v1/complaint/{body['id']}/answer", headers=headers,
                                 json={"answer": "电话答复", "answer_form": "oral"})
    assert oral.status_code == 422  # COMP-2: a letter gets a written answer
    stale = as_office.client.post(f"/api/v1/complaint/{body['id']}/answer", headers=headers,
                                  json={"version": body["version"] + 5, "answer": "书面答复",
                                        "answer_form": "written"})
    assert stale.status_code == 409
    ok = as_office.client.post(f"/api/v1/complaint/{body['id']}/answer", headers=headers,
                               json={"version": body["version"], "answer": "书面答复",
                                     "answer_form": "written"})
    assert ok.status_code == 200 and ok.get_json()["state"] == "answered"


def test_comp_1_api_bad_input_is_4xx(as_office, window_a):
    headers = as_office.api_headers()
    for body in [{"channel": "fax", "window_id": window_a.id, "content": "x", "anonymous": True},
                 {"channel": "phone", "window_id": "one", "content": "x"},
                 {"unknown": 1}, ["not", "an", "object"],
                 {"channel": "phone", "window_id": window_a.id, "content": "x", "anonymous": True,
                  "promised_on": "2026-13-01"}]:
        code = as_office.client.post("/api/v1/complaint/record", headers=headers,
                                     json=body).status_code
        assert 400 <= code < 500, (body, code)


def test_comp_4_api_escalation_is_leadership_only(as_office, as_leadership, db_session,
                                                   complaint):
    decide_outcome(db_session, complaint, "verified", "3", False, Actor(username="seed"),
                   clock_on(center_today()))
    db_session.commit()
    url = f"/api/v1/complaint/{complaint.id}/escalation"
    assert as_office.client.post(url, headers=as_office.api_headers(), json={}).status_code == 403
    response = as_leadership.client.post(url, headers=as_leadership.api_headers(), json={})
    assert response.status_code == 200 and response.get_json()["confirmed_step"] == 1


def test_comp_1_the_complaint_register_exports_without_the_complainant(as_office, db_session,
                                                                       window_a):
    """Issue #12: 投诉台帐 as .xlsx for Office; PRIV-1: no complainant name, contact or text."""
    from io import BytesIO

    from openpyxl import load_workbook

    from models.complaints import Complaint

    db_session.add(Complaint(received_on=date(2026, 10, 12), channel="phone", window=window_a,
                             content="态度生硬，推诿扯皮", complainant_name="李四",
                             complainant_contact="13912345678", due_on=date(2026, 10, 12)))
    db_session.commit()
    response = as_office.get("/complaintview/export.xlsx?month=2026-10")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert len(list(sheet.iter_rows())) == 2 and sheet.freeze_panes == "A2"
    assert not any(text in cell for cell in cells for text in ("李四", "13912345678", "推诿"))
    assert as_office.get("/complaintview/export.xlsx?month=2026-13").status_code == 400


def test_comp_1_the_open_complaints_page_exports_a_chosen_month_and_state(as_office, db_session,
                                                                          window_a):
    """COMP-1 × issue #12: the register's export form on the open complaints page sends its
    month and state; left empty, they mean every month and every state."""
    from io import BytesIO

    from openpyxl import load_workbook

    for day, state in ((date(2026, 9, 3), "closed"), (date(2026, 10, 12), "open"),
                       (date(2026, 10, 20), "closed")):
        db_session.add(Complaint(received_on=day, channel="phone", window=window_a, content="x",
                                 due_on=day, state=state))
    db_session.commit()
    page = as_office.get("/complaintview/overdue/").get_data(as_text=True)
    assert 'id="complaint-export"' in page and 'name="month"' in page and 'name="state"' in page

    def rows(query: str) -> int:
        response = as_office.get(f"/complaintview/export.xlsx?{query}")
        assert response.status_code == 200, query
        return len(list(load_workbook(BytesIO(response.data)).active.iter_rows())) - 1

    assert rows("month=&state=") == 3
    assert rows("month=2026-10&state=") == 2
    assert rows("month=2026-10&state=closed") == 1


@pytest.fixture
def complex_complaint(db_session, window_a, window_b, staff):
    """COMP-2: a complaint concerning two windows (complex: the director's)."""
    row = record_complaint(db_session, ComplaintInput(
        channel="letter", window_id=window_a.id, content="两个窗口互相推诿",
        anonymous=True, staff_id=staff.id, other_window_ids=[window_b.id]),
        Actor(username="seed"), clock_on(date(2026, 11, 2)))
    db_session.commit()
    return row


def test_comp_2_office_cannot_post_the_outcome_of_a_complex_complaint_at_any_door(
        as_office, as_leadership, db_session, complex_complaint):
    """COMP-2: the outcome form is not offered (the policy), a forged POST and the API are
    refused with the rule's message, nothing is saved; Office still answers it; a Leadership
    login that is not the director is refused too."""
    show = f"/complaintview/show/{complex_complaint.id}"
    page = as_office.get(show).get_data(as_text=True)
    assert 'id="complaint-outcome"' not in page and 'id="complaint-director-decides"' in page
    assert "由中心主任决定" in page and 'id="complaint-answer"' in page
    forged = as_office.post_form(f"/complaintview/outcome/{complex_complaint.id}",
                                 {"version": complex_complaint.version, "outcome": "verified",
                                  "gravity": "3"}, form_url=show)
    assert forged.status_code == 200 and "由中心主任决定" in forged.get_data(as_text=True)
    for actor in (as_office, as_leadership):
        api = actor.client.post(f"/api/v1/complaint/{complex_complaint.id}/outcome",
                                json={"outcome": "verified", "gravity": "3"},
                                headers=actor.api_headers())
        assert api.status_code == 403 and "由中心主任决定" in api.get_json()["message"]
    db_session.expire_all()
    assert db_session.get(Complaint, complex_complaint.id).outcome is None
    assert db_session.scalar(select(func.count(ScoreEvent.id))) == 0
    answered = as_office.client.post(f"/api/v1/complaint/{complex_complaint.id}/answer",
                                     json={"answer": "已转中心主任", "answer_form": "written"},
                                     headers=as_office.api_headers())
    assert answered.status_code == 200


def test_comp_2_the_director_decides_a_complex_complaint_on_the_page_and_the_api(
        log_in, db_session, complex_complaint, window_a, window_b):
    director = log_in("Leadership")
    db_session.scalars(select(Staff).where(Staff.user_id == director.user.id)).one().position = \
        "director"
    db_session.commit()
    show = f"/complaintview/show/{complex_complaint.id}"
    assert 'id="complaint-outcome"' in director.get(show).get_data(as_text=True)
    response = director.post_form(f"/complaintview/outcome/{complex_complaint.id}",
                                  {"version": complex_complaint.version, "outcome": "verified",
                                   "gravity": "2"}, form_url=show)
    assert response.status_code == 302
    assert {e.window_id for e in db_session.scalars(select(ScoreEvent))} == {window_a.id,
                                                                            window_b.id}
    api = director.client.post(f"/api/v1/complaint/{complex_complaint.id}/outcome",
                               json={"outcome": "not_verified"}, headers=director.api_headers())
    assert api.status_code == 200 and api.get_json()["outcome"] == "not_verified"
