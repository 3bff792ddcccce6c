"""Attacks on the people and score pages and APIs (rosters, leave, attendance, handovers,
complaints, deductions, the monthly and semi-annual assessments, dashboards), tried with the
test client as a signed-in user of a low role: reading another person's or window's records
(IDOR: pages, API show/list with rison filters, exports, printable pages and PDFs), acting for
someone else, FAB's generic doors, forged forms without the CSRF token, extra fields in bodies
(mass assignment), and personal data where it must be masked.

Each test names the rule it attacks (ORG-2, PRIV-1, LEAVE-2, HAND-1, ROSTER-2, ATT-1/4,
SCORE-1/2/3/5, COMP-1, SEC for CSRF); each asserts the refusal *and* that nothing changed.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import prison
import pytest
from sqlalchemy import func, select

from app.roles import OFFICE
from app.actor import Actor
from app.rules.calendar import WorkCalendar
from app.services.complaints import ComplaintInput, record_complaint
from app.services.deductions import DerelictionInput, record_dereliction, record_manual_event
from app.services.handover import HandoverContent, create_handover
from app.services.scoring import EventInput, item_by_code
from app.services.semiannual import compute
from app.services.transaction import transaction
from models.assessment import PeerRating
from models.attendance import ClockExcuse, ClockRecord
from models.audit import AuditLog
from models.complaints import Complaint
from models.deductions import Dereliction
from models.handover import Handover
from models.leave import LeaveRequest
from models.org import Staff
from models.roster import DutyShift
from models.scoring import AssessmentMonth, ScoreEvent
from models.semiannual import SemiannualAssessment, SemiannualEntry, SemiannualItem
from tests.factories import bearer, clock_on, request_today, staff_form, staff_of

PDF = b"%PDF-1.4\n%certificate of the victim\n"
PHONE = "13912345678"
SEMI_TODAY = date(2026, 7, 10)
SEMI_NOW = datetime(2026, 7, 10, 2, tzinfo=timezone.utc)


TODAY = date(2026, 11, 18)  # a Wednesday, and the app's clock: one result on any day (#17)


@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    center_now(TODAY)


def today(app) -> date:
    return TODAY


def workday(app, n: int) -> date:
    return WorkCalendar().add_working_days(today(app), n)


def api(actor, method: str, url: str, body=None, **kwargs):
    """An API call riding on the session cookie, with a valid CSRF header: a refusal is the
    route's, never the token's."""
    return actor.client.open(url, method=method, json=body, headers=actor.api_headers(), **kwargs)


def rison(value) -> str:
    return prison.dumps(value)


def count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


# --- The world: two windows, a victim at window B, attackers at window A ---------------------
@pytest.fixture
def world(app, db_session, log_in, window_a, window_b):
    """Attackers: a clerk and the window head of window A. Victims: a clerk of window B (with a
    sick leave and its certificate, a clock record, a handover, a duty day, a deduction, a
    dereliction, a semi-annual entry) and a colleague of window B. Office (office head),
    Leadership (director). Complaints about windows A and B with the complainant's contact."""
    actors = {"clerk": log_in("Clerk", window=window_a),
              "head": log_in("WindowHead", window=window_a),
              "victim": log_in("Clerk", window=window_b),
              "colleague": log_in("Clerk", window=window_b),
              "office": log_in("Office"), "director": log_in("Leadership")}
    staff = {name: staff_of(db_session, actor) for name, actor in actors.items()}
    staff["office"].position = "office_head"
    staff["director"].position = "director"
    db_session.commit()
    victim, colleague = staff["victim"], staff["colleague"]

    # LEAVE-1: the victim's sick leave with a certificate (routed to the director, LEAVE-2).
    body = {"kind": "sick", "start_day": workday(app, 5).isoformat(),
            "end_day": workday(app, 6).isoformat(), "reason": "住院手术 SECRET-REASON",
            "substitute_id": colleague.id, "new_handover": True}
    filed = api(actors["victim"], "POST", "/api/v1/leave/file", body)
    assert filed.status_code == 200, filed.get_json()
    leave_id = filed.get_json()["id"]
    uploaded = actors["victim"].client.post(
        f"/api/v1/leave/{leave_id}/certificate", data={"file": (io.BytesIO(PDF), "诊断.pdf")},
        content_type="multipart/form-data", headers=actors["victim"].api_headers())
    assert uploaded.status_code == 200, uploaded.get_json()

    day = request_today(app)
    # ATT-1: one clock of the victim's; ATT-4: a pending 补签单.
    clock = ClockRecord(staff_id=victim.id, clocked_at=datetime(day.year, day.month, day.day, 0, 7,
                                                                tzinfo=timezone.utc),
                        day=day, second_of_day=8 * 3600 + 7 * 60, source="manual", note="x")
    excuse = ClockExcuse(staff_id=victim.id, day=day, half="am", reason="meeting",
                         state="pending")
    # ROSTER-2: yesterday's duty day of the victim, no log yet.
    shift = DutyShift(day=day - timedelta(days=1), staff_id=victim.id)
    db_session.add_all([clock, excuse, shift])
    db_session.commit()

    seed = Actor(username="seed", roles=frozenset({OFFICE}))
    with transaction(db_session):
        # HAND-1: the victim hands over to the colleague (both of window B, both with logins).
        handover = create_handover(db_session, victim.id, colleague.id,
                                   HandoverContent(items="钥匙 SECRET-ITEMS", documents=None,
                                                   tasks=None), seed, clock_on(day))
        # SCORE-1: a deduction of window B's victim; FAULT-1: a dereliction.
        event = record_manual_event(db_session, EventInput(
            item_by_code(db_session, "M9-untidy").id, date(2026, 10, 13), None, window_b.id,
            victim.id, "检查记录 SECRET-EVIDENCE"), seed, clock_on(date(2026, 11, 30)))
        dereliction = record_dereliction(db_session, DerelictionInput(
            victim.id, 1, date(2026, 10, 13), "reminder", "态度生硬 SECRET-FAULT"), seed,
            clock_on(date(2026, 11, 30)))
        # COMP-1: complaints about each window, with the complainant's contact (PRIV-1).
        complaint_a = record_complaint(db_session, ComplaintInput(
            channel="phone", window_id=window_a.id, content="窗口A态度生硬",
            complainant_name="张三丰", complainant_contact=PHONE), seed, clock_on(day))
        complaint_b = record_complaint(db_session, ComplaintInput(
            channel="phone", window_id=window_b.id, content="窗口B态度生硬",
            complainant_name="李四光", complainant_contact=PHONE), seed, clock_on(day))
    with transaction(db_session):
        semi = compute(db_session, 2026, 1, SEMI_TODAY, now=SEMI_NOW)
    entry = db_session.scalars(select(SemiannualEntry).where(
        SemiannualEntry.staff_id == victim.id)).one()
    return {"actors": actors, "staff": staff, "leave_id": leave_id, "clock_id": clock.id,
            "excuse_id": excuse.id, "shift_id": shift.id, "handover_id": handover.id,
            "event_id": event.id, "dereliction_id": dereliction.id,
            "complaint_a": complaint_a.id, "complaint_b": complaint_b.id,
            "semi_id": semi.id, "entry_id": entry.id, "window_a": window_a.id,
            "window_b": window_b.id}


# --- IDOR: another person's leave, certificate, attendance, handover, scores -----------------
ATTACKERS = ("clerk", "head")


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_org_2_priv_1_another_persons_leave_is_not_found_on_any_door(world, attacker):
    """PRIV-1 (leave): a clerk or a window head of another window opens neither the request,
    its certificate, nor finds it through the API list with a rison filter on its id."""
    actor, leave_id = world["actors"][attacker], world["leave_id"]
    assert actor.get(f"/leaverequestview/show/{leave_id}").status_code == 404
    assert actor.get(f"/leaverequestview/certificate_file/{leave_id}").status_code == 404
    assert actor.get(f"/api/v1/leave/{leave_id}").status_code == 404
    query = rison({"filters": [{"col": "staff", "opr": "rel_o_m",
                                "value": world["staff"]["victim"].id}]})
    listed = actor.get(f"/api/v1/leave/?q={query}").get_json()
    assert listed["count"] == 0 and listed["result"] == []
    page = actor.get(f"/leaverequestview/list/?_flt_0_staff={world['staff']['victim'].id}")
    assert "SECRET-REASON" not in page.get_data(as_text=True)
    for url in ("/leaveoverview/all/", "/leaveoverview/export.xlsx", "/leaveoverview/flags/"):
        assert actor.get(url).status_code in (302, 403), url
    victim = world["actors"]["victim"]  # the doors are open to their owner
    assert victim.get(f"/leaverequestview/certificate_file/{leave_id}").data == PDF


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_org_2_another_persons_attendance_month_is_not_found(world, attacker):
    """ATT (ORG-2): the month of someone else — page, API, export — is refused or narrowed to
    the attacker's own row, whatever `window_id` or staff id is asked for."""
    actor, victim = world["actors"][attacker], world["staff"]["victim"]
    assert actor.get(f"/attendance/person/{victim.id}").status_code == 404
    own = staff_of_actor(actor)
    month = actor.get(f"/api/v1/attendance/month?year=2026&month=1&window_id={world['window_b']}")
    assert [row["staff_id"] for row in month.get_json()["result"]] in ([], [own])
    export = actor.get(f"/attendance/export.xlsx?window_id={world['window_b']}")
    assert export.status_code == 200 and victim.name.encode() not in xlsx_text(export.data)
    listing = actor.get("/clockexcuses/").get_data(as_text=True)
    assert victim.name not in listing
    office = world["actors"]["office"]
    assert office.get(f"/attendance/person/{victim.id}").status_code == 200


def staff_of_actor(actor) -> int:
    from app.extensions import db

    return db.session.scalars(select(Staff.id).where(Staff.user_id == actor.user.id)).one()


def xlsx_text(data: bytes) -> bytes:
    """The text of an .xlsx (its shared strings and sheets), to search for a name."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return b"".join(book.read(name) for name in book.namelist() if name.endswith(".xml"))


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_hand_1_another_persons_handover_is_not_found(world, attacker):
    actor, pk = world["actors"][attacker], world["handover_id"]
    assert actor.get(f"/handoverview/show/{pk}").status_code == 404
    assert actor.get(f"/handoverview/change/{pk}").status_code == 404
    assert actor.get(f"/api/v1/handover/{pk}").status_code == 404
    query = rison({"filters": [{"col": "created_at", "opr": "gt", "value": "2000-01-01"}]})
    assert actor.get(f"/api/v1/handover/?q={query}").get_json()["count"] == 0
    assert "SECRET-ITEMS" not in actor.get("/handoverview/list/").get_data(as_text=True)
    assert "SECRET-ITEMS" in world["actors"]["colleague"].get(
        f"/handoverview/show/{pk}").get_data(as_text=True)


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_org_2_another_windows_deduction_and_dereliction_are_not_found(world, attacker):
    """SCORE-1/FAULT-1 (ORG-2): window B's deduction and dereliction, by page, API show and a
    rison filter on window B's id."""
    actor = world["actors"][attacker]
    event_id, dereliction_id, window_b = (world["event_id"], world["dereliction_id"],
                                          world["window_b"])
    assert actor.get(f"/scoreeventview/show/{event_id}").status_code == 404
    assert actor.get(f"/derelictionview/show/{dereliction_id}").status_code == 404
    assert actor.get(f"/api/v1/score_event/{event_id}").status_code == 404
    assert actor.get(f"/api/v1/dereliction/{dereliction_id}").status_code == 404
    for resource in ("score_event", "dereliction"):
        query = rison({"filters": [{"col": "window", "opr": "rel_o_m", "value": window_b}]})
        assert actor.get(f"/api/v1/{resource}/?q={query}").get_json()["count"] == 0
    for url in (f"/scoreeventview/list/?_flt_0_window={window_b}",
                f"/derelictionview/list/?_flt_0_window={window_b}"):
        html = actor.get(url).get_data(as_text=True)
        assert "SECRET-EVIDENCE" not in html and "SECRET-FAULT" not in html
    victim = world["actors"]["victim"]
    assert "SECRET-EVIDENCE" in victim.get(f"/scoreeventview/show/{event_id}").get_data(
        as_text=True)


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_org_2_another_windows_monthly_scores_and_explanations_are_not_found(world, attacker):
    """SCORE-2/7 (ORG-2): window B's explanation page, the results API (narrowed to the own
    window), the person page of B's clerk, the window scores and their export."""
    actor, window_b, victim = world["actors"][attacker], world["window_b"], world["staff"]["victim"]
    assert actor.get(f"/assessment/window/{window_b}/?month=2026-10").status_code == 404
    assert actor.get(f"/assessment/person/{victim.id}/?year=2026").status_code == 404
    rows = actor.get("/api/v1/assessment/results/2026-10").get_json()["rows"]
    assert {row["window_id"] for row in rows} <= {world["window_a"]}
    for url in ("/windowscores/", "/windowscores/export.xlsx?month=2026-10"):
        assert actor.get(url).status_code in (302, 403), url


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_org_2_another_persons_semiannual_entry_and_explanation_are_not_found(world, attacker):
    actor, entry_id, semi_id = world["actors"][attacker], world["entry_id"], world["semi_id"]
    victim = world["staff"]["victim"]
    assert actor.get(f"/semiannualview/explain/{entry_id}").status_code == 404
    assert actor.get(f"/api/v1/semiannual/{entry_id}").status_code == 404
    query = rison({"filters": [{"col": "grade", "opr": "neq", "value": "x"}]})
    ids = {row["id"] for row in actor.get(f"/api/v1/semiannual/?q={query}").get_json()["result"]}
    assert entry_id not in ids
    for url in (f"/semiannualview/show/{semi_id}", f"/semiannualview/print/{semi_id}"):
        assert victim.name not in actor.get(url).get_data(as_text=True), url
    assert actor.get(f"/reports/semiannual/{semi_id}/grades.pdf").status_code in (302, 403)
    assert world["actors"]["victim"].get(f"/semiannualview/explain/{entry_id}").status_code == 200


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_org_2_complaints_and_reports_refused_to_window_roles(world, attacker):
    """COMP-1 (ORG-2): clerks and window heads see no complaint — not even their own window's
    — on any door; the printable reports are Leadership's and the office's."""
    actor = world["actors"][attacker]
    for pk in (world["complaint_a"], world["complaint_b"]):
        assert actor.get(f"/complaintview/show/{pk}").status_code in (302, 403)
        assert actor.get(f"/api/v1/complaint/{pk}").status_code == 403
    for url in ("/complaintview/list/", "/complaintview/overdue/?all=1",
                "/complaintview/export.xlsx", "/api/v1/complaint/",
                "/reports/month/2026-10/notice", "/reports/month/2026-10/notice.pdf",
                f"/dashboard/data?window={world['window_b']}", "/dashboard/"):
        assert actor.get(url).status_code in (302, 401, 403), url


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_org_2_home_data_stays_on_the_own_window_whatever_is_asked(world, attacker):
    actor = world["actors"][attacker]
    for query in (f"window={world['window_b']}", f"window_id={world['window_b']}"):
        data = actor.get(f"/home/data?{query}").get_json()
        assert data["window_id"] == world["window_a"]
        for key in ("windows", "ranking", "overdue_by_window", "attendance_by_window"):
            assert {row.get("id", row.get("window_id")) for row in data.get(key, [])} <= {
                world["window_a"]}, key


# --- IDOR through FAB's _info: related rows of other people and windows ----------------------
@pytest.mark.parametrize("attacker", ATTACKERS)
@pytest.mark.parametrize("resource", ["leave", "handover", "score_event", "dereliction",
                                      "semiannual", "dutyshift", "meeting", "case"])
def test_org_2_api_info_lists_no_related_rows_of_apis_without_generic_writes(
        world, attacker, resource, db_session, app):
    """ORG-2/PRIV-1: FAB's `_info` answers the add and edit columns of an API with every row of
    each related model — every leave request (whose and when), every case number of every
    window — even where the API has no generic add or edit. Those APIs answer none."""
    actor = world["actors"][attacker]
    response = actor.get(f"/api/v1/{resource}/_info")
    assert response.status_code == 200
    body = response.get_json()
    assert body.get("add_columns", []) == [] and body.get("edit_columns", []) == []
    text = json.dumps(body, ensure_ascii=False)
    assert world["staff"]["victim"].name not in text


# --- Acting for others -----------------------------------------------------------------------
def test_leave_2_nobody_but_the_routed_position_decides(world, db_session):
    """LEAVE-2: the office head (another position), the victim's colleague, a window head —
    none approves the director's request, by page or API; the victim not her own either."""
    leave_id = world["leave_id"]
    for name in ("office", "colleague", "head", "clerk", "victim"):
        actor = world["actors"][name]
        assert api(actor, "POST", f"/api/v1/leave/{leave_id}/approve", {}).status_code in (403, 404)
        page = actor.client.post(f"/leaverequestview/decide/{leave_id}/approve",
                                 data={"version": "2", "csrf_token": token_of(actor)})
        assert page.status_code in (403, 404), name
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).state == "pending"


def token_of(actor) -> str:
    return actor.api_headers()["X-CSRFToken"]


def test_leave_2_an_approver_does_not_approve_own_leave(world, app, db_session):
    """LEAVE-2: the director files a request routed to the director's slot: still 403."""
    director = world["actors"]["director"]
    body = {"kind": "personal", "start_day": workday(app, 10).isoformat(),
            "end_day": workday(app, 11).isoformat(),
            "substitute_id": world["staff"]["office"].id, "new_handover": True}
    leave_id = api(director, "POST", "/api/v1/leave/file", body).get_json()["id"]
    assert api(director, "POST", f"/api/v1/leave/{leave_id}/approve", {}).status_code == 403
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).state == "pending"


def test_leave_1_a_clerk_files_no_leave_for_someone_else_and_no_override(world, app, db_session):
    """LEAVE-1/AB-1: a clerk names another staff member, or sends Leadership's override."""
    clerk, victim = world["actors"]["clerk"], world["staff"]["victim"]
    before = count(db_session, LeaveRequest)
    body = {"kind": "personal", "start_day": workday(app, 20).isoformat(),
            "end_day": workday(app, 20).isoformat()}
    for_victim = api(clerk, "POST", "/api/v1/leave/file", {**body, "staff_id": victim.id})
    assert for_victim.status_code == 422
    assert api(clerk, "POST", "/api/v1/leave/file",
               {**body, "ab_override_reason": "我说了算"}).status_code == 403
    page = clerk.post_form("/leaverequestview/file/", {**body, "staff_id": str(victim.id)})
    assert page.status_code == 200  # the form again, with the choice refused
    assert count(db_session, LeaveRequest) == before


def test_leave_1_mass_assignment_state_approver_and_version_are_refused(world, app, db_session):
    """LEAVE-1/2: extra fields in the filing body (state, approver, approver_position, decided
    ones) are 400, never applied; a decision body with a state is 400 too."""
    clerk = world["actors"]["clerk"]
    before = count(db_session, LeaveRequest)
    body = {"kind": "personal", "start_day": workday(app, 20).isoformat(),
            "end_day": workday(app, 20).isoformat()}
    for extra in ({"state": "approved"}, {"approver_position": "office_head"},
                  {"decided_by_id": clerk.user.id}, {"days": "0.5"}, {"version": 7},
                  {"filed_by_id": 1}):
        response = api(clerk, "POST", "/api/v1/leave/file", {**body, **extra})
        assert response.status_code == 400, extra
    assert count(db_session, LeaveRequest) == before
    director = world["actors"]["director"]
    response = api(director, "POST", f"/api/v1/leave/{world['leave_id']}/reject",
                   {"state": "approved"})
    assert response.status_code == 400
    db_session.expire_all()
    assert db_session.get(LeaveRequest, world["leave_id"]).state == "pending"


def test_leave_3_nobody_reports_back_or_cancels_for_someone_else(world, db_session):
    leave_id = world["leave_id"]
    for name in ("clerk", "head", "colleague", "director"):
        actor = world["actors"][name]
        assert api(actor, "POST", f"/api/v1/leave/{leave_id}/cancel", {}).status_code in (403, 404)
        cert = actor.client.post(f"/api/v1/leave/{leave_id}/certificate",
                                 data={"file": (io.BytesIO(PDF), "fake.pdf")},
                                 content_type="multipart/form-data", headers=actor.api_headers())
        assert cert.status_code in (403, 404), name
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).state == "pending"


def test_hand_1_nobody_confirms_for_a_party_with_a_login(world, db_session):
    """HAND-1: the office, Leadership, the clerk of another window — nobody confirms the
    victim's or the colleague's side; the victim does not confirm the colleague's."""
    pk = world["handover_id"]
    for name in ("office", "director", "clerk", "head"):
        actor = world["actors"][name]
        for side in ("giver", "receiver"):
            response = api(actor, "POST", f"/api/v1/handover/{pk}/confirm", {"side": side})
            assert response.status_code in (403, 404, 422), (name, side)
            page = actor.client.post(f"/handoverview/confirm/{pk}/{side}",
                                     data={"csrf_token": token_of(actor)})
            assert page.status_code in (302, 403, 404)
    victim = world["actors"]["victim"]
    assert api(victim, "POST", f"/api/v1/handover/{pk}/confirm",
               {"side": "receiver"}).status_code == 422
    db_session.expire_all()
    handover = db_session.get(Handover, pk)
    assert handover.giver_confirmed_at is None and handover.receiver_confirmed_at is None


def test_hand_1_a_clerk_registers_no_handover_for_someone_else(world, db_session):
    clerk, victim, colleague = (world["actors"]["clerk"], world["staff"]["victim"],
                                world["staff"]["colleague"])
    before = count(db_session, Handover)
    response = clerk.post_form("/handoverview/create/", {"giver_id": str(victim.id),
                                                         "receiver_id": str(colleague.id)})
    assert response.status_code in (200, 403)
    assert count(db_session, Handover) == before


def test_roster_2_nobody_writes_the_duty_log_of_another_persons_day(world, db_session):
    """ROSTER-2: the clerk of window A, the victim's colleague and the office (the victim has
    a login) write no log of the victim's duty day, by page or API."""
    pk = world["shift_id"]
    body = {"opened_hall": True, "closed_up": True, "cleaning_supervised": True, "note": "伪造"}
    for name in ("clerk", "colleague", "office", "director"):
        actor = world["actors"][name]
        assert api(actor, "POST", f"/api/v1/dutyshift/{pk}/log", body).status_code in (403, 422)
        page = actor.client.post(f"/dutyshiftview/log/{pk}", data={
            "opened_hall": "y", "closed_up": "y", "cleaning_supervised": "y", "note": "伪造",
            "version": "1", "csrf_token": token_of(actor)})
        assert page.status_code in (200, 403), name
    db_session.expire_all()
    assert db_session.get(DutyShift, pk).log_written_at is None


def test_roster_1_a_clerk_neither_reassigns_nor_arranges_substitutes(world, db_session):
    clerk, pk = world["actors"]["clerk"], world["shift_id"]
    me = staff_of_actor(clerk)
    for url, data in ((f"/dutyshiftview/reassign/{pk}", {"staff": str(me), "version": "1"}),
                      (f"/dutyshiftview/substitute/{pk}", {"substitute": str(me), "version": "1"}),
                      ("/dutyshiftview/generate", {"year": "2026", "month": "12", "mode": "day"}),
                      ("/dutyshiftview/order", {f"pos_{me}": "1"})):
        response = clerk.client.post(url, data={**data, "csrf_token": token_of(clerk)})
        assert response.status_code in (302, 403), url
    db_session.expire_all()
    shift = db_session.get(DutyShift, pk)
    assert shift.staff_id == world["staff"]["victim"].id and shift.substitute_id is None


def test_att_1_only_the_office_imports_enters_and_corrects_clocks(world, db_session):
    """ATT-1: clerks, window heads and Leadership neither import (page, API), enter, correct
    clock records nor record off-post time; IMPORT-1: nor import reference data."""
    world["staff"]["victim"].employee_no = "7001"
    db_session.commit()
    csv = "employee_no,clocked_at\n7001,2026-11-02 08:07\n"
    before = count(db_session, ClockRecord)
    for name in ("clerk", "head", "director"):
        actor = world["actors"][name]
        token = token_of(actor)
        for url in ("/clockrecords/import/", "/imports/staff/", "/imports/windows/",
                    "/imports/items/"):
            response = actor.client.post(url, content_type="multipart/form-data", data={
                "file": (io.BytesIO(csv.encode()), "c.csv"), "csrf_token": token})
            assert response.status_code in (302, 403), (name, url)
        response = actor.client.post("/api/v1/clock_record/import",
                                     data={"file": (io.BytesIO(csv.encode()), "c.csv")},
                                     content_type="multipart/form-data",
                                     headers=actor.api_headers())
        assert response.status_code == 403, name
        for url, data in (("/clockrecords/enter/", {"staff_id": str(world["staff"]["victim"].id),
                                                    "clocked_at": "2026-11-02T08:00"}),
                          (f"/clockrecords/correct/{world['clock_id']}", {"remove": "y"}),
                          ("/clockrecords/offpost/", {"staff_id": str(world["staff"]["victim"].id),
                                                      "day": "2026-11-02", "minutes": "300"})):
            response = actor.client.post(url, data={**data, "csrf_token": token})
            assert response.status_code in (302, 403), (name, url)
    assert count(db_session, ClockRecord) == before


def test_att_4_no_one_files_a_clock_excuse_for_someone_else_or_approves_without_the_position(
        world, db_session):
    """ATT-4: a clerk files no 补签单 in the victim's name; only the deputy director decides."""
    clerk, victim = world["actors"]["clerk"], world["staff"]["victim"]
    before = count(db_session, ClockExcuse)
    response = clerk.client.post("/clockexcuses/file/", data={
        "staff_id": str(victim.id), "day": "2026-11-02", "half": "am", "reason": "meeting",
        "csrf_token": token_of(clerk)})
    assert response.status_code in (200, 403)
    assert count(db_session, ClockExcuse) == before
    for name in ("clerk", "office", "director"):
        actor = world["actors"][name]
        response = actor.client.post(f"/clockexcuses/decide/{world['excuse_id']}",
                                     data={"approve": "1", "csrf_token": token_of(actor)})
        assert response.status_code == 403, name
    db_session.expire_all()
    assert db_session.get(ClockExcuse, world["excuse_id"]).state == "pending"


def test_att_4_the_deputy_director_does_not_approve_own_clock_excuse(world, db_session):
    """ATT-4 (like LEAVE-2): the approver never decides their own 补签单."""
    director = world["actors"]["director"]
    me = world["staff"]["director"]
    me.position = "deputy_director"
    excuse = ClockExcuse(staff_id=me.id, day=date(2026, 11, 2), half="am", reason="errand",
                         state="pending")
    db_session.add(excuse)
    db_session.commit()
    response = director.client.post(f"/clockexcuses/decide/{excuse.id}",
                                     data={"approve": "1", "csrf_token": token_of(director)})
    assert response.status_code in (302, 403)
    db_session.expire_all()
    assert db_session.get(ClockExcuse, excuse.id).state == "pending"
    # The victim's 补签单 the deputy director does decide (the door itself is open to them).
    response = director.client.post(f"/clockexcuses/decide/{world['excuse_id']}",
                                    data={"approve": "1", "csrf_token": token_of(director)})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(ClockExcuse, world["excuse_id"]).state == "approved"


def test_score_2_a_window_head_rates_neither_its_own_window_nor_as_another(world, db_session,
                                                                          app):
    """SCORE-2 M10: a window head rates for their own window only, and never itself; a clerk
    rates for none (page and API)."""
    head, clerk = world["actors"]["head"], world["actors"]["clerk"]
    scores = {"attitude": 100, "efficiency": 100, "quality": 100, "integrity": 100}
    as_b = {"rater_window_id": world["window_b"],
            "ratings": [{"rated_window_id": world["window_a"], **scores}]}
    self_rating = {"rater_window_id": world["window_a"],
                   "ratings": [{"rated_window_id": world["window_a"], **scores}]}
    month = request_today(app).strftime("%Y-%m")
    assert api(head, "POST", f"/api/v1/assessment/rate/{month}", as_b).status_code == 403
    assert api(head, "POST", f"/api/v1/assessment/rate/{month}", self_rating).status_code == 422
    assert api(clerk, "POST", f"/api/v1/assessment/rate/{month}", self_rating).status_code == 403
    page = head.client.post("/assessment/rate/", data={
        "month": month, "rater": str(world["window_b"]), "csrf_token": token_of(head),
        **{f"{k}_{world['window_a']}": "100" for k in scores}})
    assert page.status_code in (403, 404)
    page = head.client.post("/assessment/rate/", data={
        "month": month, "rater": str(world["window_a"]), "csrf_token": token_of(head),
        **{f"{k}_{world['window_a']}": "100" for k in scores}})
    assert page.status_code in (200, 302)
    assert count(db_session, PeerRating) == 0


def test_score_3_only_leadership_confirms_or_reopens_a_month(world, db_session, log_in):
    """SCORE-3: the office, window heads, clerks and Admin neither confirm nor reopen."""
    admin = log_in("Admin")
    for actor in (world["actors"]["office"], world["actors"]["head"], world["actors"]["clerk"],
                  admin):
        assert api(actor, "POST", "/api/v1/assessment/confirm/2026-10", {}).status_code == 403
        assert api(actor, "POST", "/api/v1/assessment/reopen/2026-10",
                   {"reason": "x"}).status_code == 403
        for url in ("/assessment/confirm", "/assessment/reopen"):
            response = actor.client.post(url, data={"month": "2026-10", "reason": "x",
                                                    "csrf_token": token_of(actor)})
            assert response.status_code in (302, 403), url
    assert count(db_session, AssessmentMonth) == 0


def test_score_5_only_the_office_enters_semiannual_points_and_only_leadership_confirms(
        world, db_session):
    """SCORE-5/6: clerks, window heads and Leadership enter no points or praise; the office and
    clerks confirm no grades (page and API)."""
    victim, entry_id = world["staff"]["victim"], world["entry_id"]
    before = count(db_session, SemiannualItem)
    entries = {"year": 2026, "half": 1, "entries": [{"staff_id": victim.id, "de": 15}]}
    for name in ("clerk", "head", "director"):
        actor = world["actors"][name]
        assert api(actor, "POST", "/api/v1/semiannual/entries", entries).status_code == 403
        assert api(actor, "POST", "/api/v1/semiannual/compute",
                   {"year": 2026, "half": 1}).status_code == 403
        praise = {"kind": "written", "evidence": "x"}
        for url, data in ((f"/semiannualview/entries/{world['semi_id']}",
                           {f"de_{victim.id}": "15"}),
                          (f"/semiannualview/praise/{entry_id}", praise)):
            response = actor.client.post(url, data={**data, "csrf_token": token_of(actor)})
            assert response.status_code in (302, 403), (name, url)
    for name in ("office", "clerk", "head"):
        actor = world["actors"][name]
        assert api(actor, "POST", "/api/v1/semiannual/confirm",
                   {"year": 2026, "half": 1}).status_code == 403
    assert count(db_session, SemiannualItem) == before
    assert db_session.get(SemiannualAssessment, world["semi_id"]).state == "draft"


def test_score_1_only_the_office_records_corrects_or_removes_deductions(world, db_session):
    event_id = world["event_id"]
    before = count(db_session, ScoreEvent)
    item = item_by_code(db_session, "M9-untidy")
    for name in ("clerk", "head", "director"):
        actor = world["actors"][name]
        body = {"item_id": item.id, "day": "2026-10-13", "window_id": world["window_b"],
                "evidence": "伪造"}
        assert api(actor, "POST", "/api/v1/score_event/record", body).status_code == 403
        for url, data in ((f"/scoreeventview/correct/{event_id}", {"points": "1", "evidence": "x"}),
                          (f"/scoreeventview/remove/{event_id}", {"reason": "x"}),
                          ("/scoreeventview/generate", {"month": "2026-10"}),
                          ("/derelictionview/record/", {"staff_id": "1", "kind": "1"})):
            response = actor.client.post(url, data={**data, "csrf_token": token_of(actor)})
            assert response.status_code in (302, 403, 404), (name, url)
    assert count(db_session, ScoreEvent) == before
    assert count(db_session, Dereliction) == 1


def test_score_1_the_office_records_no_bonus_with_extra_fields(world, db_session):
    """Mass assignment: an office body naming the source, automatic flag or a confirmed
    state is 400, never applied (SCORE-1)."""
    office = world["actors"]["office"]
    item = item_by_code(db_session, "M9-untidy")
    body = {"item_id": item.id, "day": "2026-10-13", "window_id": world["window_b"],
            "evidence": "抽查"}
    before = count(db_session, ScoreEvent)
    for extra in ({"automatic": True}, {"source": "case"}, {"category": "B"},
                  {"recorded_by_id": 1}, {"period": "2026-01-01"}):
        response = api(office, "POST", "/api/v1/score_event/record", {**body, **extra})
        assert response.status_code == 400, extra
    assert count(db_session, ScoreEvent) == before


def test_comp_1_complaint_writes_refused_to_window_roles(world, db_session):
    """COMP-1..4: clerks and window heads neither record nor answer nor decide a complaint."""
    before = count(db_session, Complaint)
    for name in ("clerk", "head"):
        actor = world["actors"][name]
        body = {"channel": "phone", "window_id": world["window_b"], "content": "伪造",
                "anonymous": True}
        assert api(actor, "POST", "/api/v1/complaint/record", body).status_code == 403
        pk = world["complaint_a"]
        assert api(actor, "POST", f"/api/v1/complaint/{pk}/outcome",
                   {"outcome": "not_verified"}).status_code == 403
        response = actor.client.post(f"/complaintview/outcome/{pk}", data={
            "outcome": "not_verified", "csrf_token": token_of(actor)})
        assert response.status_code in (302, 403)
    db_session.expire_all()
    assert count(db_session, Complaint) == before
    assert db_session.get(Complaint, world["complaint_a"]).outcome is None


# --- FAB's generic doors on the new views ----------------------------------------------------
GENERIC_VIEWS = ("leaverequestview", "handoverview", "dutyshiftview", "complaintview",
                 "scoreeventview", "derelictionview", "semiannualview")
GENERIC_APIS = ("leave", "handover", "dutyshift", "complaint", "score_event", "dereliction",
                "semiannual", "meeting")


@pytest.mark.parametrize("name", ["clerk", "office", "director"])
def test_org_2_generic_fab_doors_of_people_and_score_views_are_closed(world, name, db_session):
    """FAB's /add, /edit, /delete, /action_post and the API's POST/PUT/DELETE on leave,
    handovers, duty days, complaints, score events, derelictions and semi-annual entries:
    404/405 for every role, nothing changed."""
    actor = world["actors"][name]
    token = token_of(actor)
    pks = {"leaverequestview": world["leave_id"], "handoverview": world["handover_id"],
           "dutyshiftview": world["shift_id"], "complaintview": world["complaint_a"],
           "scoreeventview": world["event_id"], "derelictionview": world["dereliction_id"],
           "semiannualview": world["semi_id"]}
    forged = {"state": "approved", "csrf_token": token, "points": "-99"}
    for view in GENERIC_VIEWS:
        pk = pks[view]
        for method, url in (("GET", f"/{view}/add"), ("POST", f"/{view}/add"),
                            ("POST", f"/{view}/edit/{pk}"), ("GET", f"/{view}/delete/{pk}"),
                            ("POST", f"/{view}/delete/{pk}"), ("POST", f"/{view}/action_post"),
                            ("GET", f"/{view}/download/{pk}"), ("GET", f"/{view}/api/read")):
            status = actor.client.open(url, method=method, data=forged).status_code
            assert status in (404, 405), f"{method} {url}: {status}"
    api_pks = {"leave": world["leave_id"], "handover": world["handover_id"],
               "dutyshift": world["shift_id"], "complaint": world["complaint_a"],
               "score_event": world["event_id"], "dereliction": world["dereliction_id"],
               "semiannual": world["entry_id"], "meeting": 1}
    for resource in GENERIC_APIS:
        pk = api_pks[resource]
        for method, url in (("POST", f"/api/v1/{resource}/"), ("PUT", f"/api/v1/{resource}/{pk}"),
                            ("DELETE", f"/api/v1/{resource}/{pk}")):
            status = api(actor, method, url, {"state": "approved", "points": -99}).status_code
            assert status in (404, 405), f"{method} {url}: {status}"
    db_session.expire_all()
    assert db_session.get(LeaveRequest, world["leave_id"]).state == "pending"
    assert db_session.get(ScoreEvent, world["event_id"]).points == Decimal("-1")
    # Two handovers: the world's and the one the sick leave created (LEAVE-1).
    assert count(db_session, Dereliction) == 1 and count(db_session, Handover) == 2


# --- CSRF ------------------------------------------------------------------------------------
def test_sec_page_posts_without_the_csrf_token_are_refused_and_change_nothing(world, db_session):
    """SEC (CSRF): each page write of these domains, sent by the very user allowed to make it
    but without the token, is refused and saves nothing."""
    director, office, victim = (world["actors"]["director"], world["actors"]["office"],
                                world["actors"]["victim"])
    leave_id, pk = world["leave_id"], world["handover_id"]
    attempts = [
        (director, f"/leaverequestview/decide/{leave_id}/approve", {"version": "2"}),
        (victim, f"/leaverequestview/cancel/{leave_id}", {"version": "2"}),
        (victim, f"/handoverview/confirm/{pk}/giver", {"version": "1"}),
        (victim, f"/dutyshiftview/log/{world['shift_id']}",
         {"opened_hall": "y", "closed_up": "y", "cleaning_supervised": "y", "version": "1"}),
        (office, f"/scoreeventview/remove/{world['event_id']}", {"reason": "x", "version": "1"}),
        (office, "/scoreeventview/generate", {"month": "2026-10"}),
        (office, f"/complaintview/outcome/{world['complaint_a']}",
         {"outcome": "not_verified", "version": "1"}),
        (office, "/clockrecords/enter/", {"staff_id": str(world["staff"]["victim"].id),
                                          "clocked_at": "2026-11-02T08:00", "note": "x"}),
        (office, f"/semiannualview/compute/{world['semi_id']}", {}),
        (director, "/assessment/confirm", {"month": "2026-10"}),
    ]
    before = {model: count(db_session, model) for model in (ScoreEvent, ClockRecord, AuditLog)}
    for actor, url, data in attempts:
        response = actor.client.post(url, data=data)
        assert response.status_code in (200, 302, 400), url  # a form again, or refused
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).state == "pending"
    handover = db_session.get(Handover, pk)
    assert handover.giver_confirmed_at is None
    assert db_session.get(DutyShift, world["shift_id"]).log_written_at is None
    assert db_session.get(Complaint, world["complaint_a"]).outcome is None
    assert count(db_session, AssessmentMonth) == 0
    assert {model: count(db_session, model) for model in before} == before


def test_sec_api_writes_on_the_session_cookie_need_the_token_even_beside_a_bearer_header(
        world, db_session, app):
    """SEC (CSRF): an API write riding on the session cookie without the X-CSRFToken header is
    refused — also when it carries a junk "Authorization: Bearer" header, which once earned the
    exemption meant for JWT clients while FAB still served the cookie's user. A real JWT client
    (no session) needs no token."""
    director, leave_id = world["actors"]["director"], world["leave_id"]
    url = f"/api/v1/leave/{leave_id}/approve"
    assert director.client.post(url, json={}).status_code == 400
    junk = director.client.post(url, json={}, headers={"Authorization": "Bearer junk"})
    assert junk.status_code in (400, 401, 422)
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).state == "pending"
    jwt_client = app.test_client()
    response = jwt_client.post(url, json={}, headers=bearer(app, director.user))
    assert response.status_code == 200
    db_session.expire_all()
    assert db_session.get(LeaveRequest, leave_id).state == "approved"


def test_leave_1_mass_assignment_extra_form_fields_are_ignored(world, app, db_session):
    """LEAVE-1/2: the filing page ignores fields it does not have (state, approver position,
    filer): the request is pending, routed by its length, filed by the clerk."""
    clerk = world["actors"]["clerk"]
    me = staff_of_actor(clerk)
    day = workday(app, 30)
    response = clerk.post_form("/leaverequestview/file/", {
        "staff_id": str(me), "kind": "personal", "start_day": day.isoformat(),
        "end_day": day.isoformat(), "half_day_end": "y", "state": "approved",
        "substitute_id": str(world["staff"]["head"].id),
        "approver_position": "secretary", "filed_by_id": "1", "decided_by_id": "1",
        "version": "9"})
    assert response.status_code == 302
    leave = db_session.scalars(select(LeaveRequest).where(LeaveRequest.staff_id == me)).one()
    assert (leave.state, leave.approver_position, leave.filed_by_id, leave.decided_by_id) == (
        "pending", "office_head", clerk.user.id, None)


# --- PRIV-1: the complainant's contact -------------------------------------------------------
def test_priv_1_complainant_contact_masked_in_audit_trail_and_exports(world, db_session, log_in):
    """PRIV-1: Admin reads the audit trail but not the complainant's phone; the complaint
    register export has no complainant nor contact, whoever downloads it."""
    admin = log_in("Admin")
    entries = db_session.scalars(select(AuditLog).where(AuditLog.model == "Complaint")).all()
    assert entries
    for entry in entries:
        assert PHONE not in admin.get(f"/auditlogview/show/{entry.id}").get_data(as_text=True)
    page = admin.get("/auditlogview/list/").get_data(as_text=True)
    assert PHONE not in page
    for name in ("office", "director"):
        export = world["actors"][name].get("/complaintview/export.xlsx")
        assert export.status_code == 200
        text = xlsx_text(export.data)
        assert PHONE.encode() not in text and "张三丰".encode() not in text
    shown = admin.get(f"/api/v1/complaint/{world['complaint_a']}").get_json()["result"]
    assert shown["complainant_contact"] != PHONE and PHONE[-4:] in shown["complainant_contact"]


def test_priv_1_complainant_contact_never_reaches_the_log(world, caplog, log_in):
    """PRIV-1: reading and exporting complaints logs no phone number."""
    import logging

    caplog.set_level(logging.DEBUG)
    office = world["actors"]["office"]
    office.get(f"/complaintview/show/{world['complaint_a']}")
    office.get(f"/api/v1/complaint/{world['complaint_a']}")
    office.get("/complaintview/export.xlsx")
    assert PHONE not in caplog.text


# --- Acting for others through the staff records (ORG-2, LEAVE-2, HAND-1) ---------------------
def test_leave_2_the_office_does_not_promote_itself_to_approver(world, db_session):
    """LEAVE-2: an office user raising their own position to director (page or API) is refused,
    so the director's requests stay the director's; someone else's too (issue #18: only an
    administrator changes positions, tests/views/test_staff_positions.py)."""
    office, me = world["actors"]["office"], world["staff"]["office"]
    page = office.post_form(f"/staffview/edit/{me.id}", staff_form(me, position="director"),
                            follow_redirects=True)
    assert page.status_code == 200 and "alert-danger" in page.get_data(as_text=True)
    response = api(office, "PUT", f"/api/v1/staff/{me.id}", {"position": "director"})
    assert response.status_code == 422, response.get_json()
    db_session.expire_all()
    assert db_session.get(Staff, me.id).position == "office_head"
    assert api(office, "POST", f"/api/v1/leave/{world['leave_id']}/approve", {}).status_code == 403
    assert db_session.get(LeaveRequest, world["leave_id"]).state == "pending"
    colleague = world["staff"]["colleague"]
    response = api(office, "PUT", f"/api/v1/staff/{colleague.id}", {"position": "deputy_director"})
    assert response.status_code == 422, response.get_json()


def test_leave_2_the_office_does_not_promote_itself_through_the_staff_import(world, db_session):
    """IMPORT-1 × LEAVE-2: the office's own row in a staff import with a new position: refused,
    nothing imported."""
    office, me = world["actors"]["office"], world["staff"]["office"]
    me.employee_no = "9001"
    db_session.commit()
    csv = f"name,employee_no,unit,position\n{me.name},9001,office,director\n新人,9002,office,staff\n"
    response = office.post_form("/imports/staff/", {"file": (io.BytesIO(csv.encode()), "s.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 200
    db_session.expire_all()
    assert db_session.get(Staff, me.id).position == "office_head"
    assert db_session.scalar(select(func.count()).select_from(Staff).where(
        Staff.employee_no == "9002")) == 0


def test_hand_1_the_office_does_not_unlink_a_login_to_sign_for_its_owner(world, db_session):
    """HAND-1: the office confirms only for staff *without* a login; taking the victim's login
    off her staff row (to then sign "on her behalf") is refused — and linking one's own login to
    someone else's row as well. An administrator keeps the logins."""
    office, victim = world["actors"]["office"], world["staff"]["victim"]
    page = office.post_form(f"/staffview/edit/{victim.id}", staff_form(victim, user=""),
                            follow_redirects=True)
    assert page.status_code == 200
    db_session.expire_all()
    assert db_session.get(Staff, victim.id).user_id == world["actors"]["victim"].user.id
    response = api(office, "POST", f"/api/v1/handover/{world['handover_id']}/confirm",
                   {"side": "giver"})
    assert response.status_code == 422
    added = office.post_form("/staffview/add", {
        "name": "冒名", "unit": "office", "position": "staff", "category": "civil_servant",
        "user": str(world["actors"]["director"].user.id), "is_active": "y"})
    assert added.status_code in (200, 302)
    assert db_session.scalar(select(func.count()).select_from(Staff).where(
        Staff.name == "冒名")) == 0
    db_session.expire_all()
    assert db_session.get(Handover, world["handover_id"]).giver_confirmed_at is None


def test_org_2_an_administrator_still_links_logins_and_sets_positions(world, db_session, log_in):
    """The guard's other side: Admin, who manages logins, unlinks and relinks a login."""
    admin, victim = log_in("Admin"), world["staff"]["victim"]
    response = admin.post_form(f"/staffview/edit/{victim.id}", staff_form(victim, user=""))
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Staff, victim.id).user_id is None


# --- SCORE-4: the stars page tells no one else's complaint ------------------------------------
def test_org_2_stars_page_names_no_one_elses_complaint_or_deductions(world, db_session):
    """SCORE-4/COMP-5 × ORG-2: the victim left out of the quarter's service stars for a verified
    attitude complaint: the office reads why; a clerk and the window head of another window read
    neither her name with the reason nor the deduction counts of other windows' stars (the
    stars and their results are the award list: shown to all)."""
    from app.services.complaints import decide_outcome

    victim = world["staff"]["victim"]
    seed = Actor(username="seed", roles=frozenset({OFFICE}))
    with transaction(db_session):
        complaint = record_complaint(db_session, ComplaintInput(
            channel="phone", window_id=world["window_b"], staff_id=victim.id, content="态度差",
            anonymous=True), seed, clock_on(date(2026, 10, 14)))
        decide_outcome(db_session, complaint, "verified", "2", True, seed,
                       clock_on(date(2026, 10, 20)))
    url = "/assessment/stars/?year=2026&quarter=4"
    office_page = world["actors"]["office"].get(url).get_data(as_text=True)
    exclusions = office_page.split('id="star-exclusions"')[1].split("</p>")[0]
    assert victim.name in exclusions
    for name in ATTACKERS:
        page = world["actors"][name].get(url).get_data(as_text=True)
        assert "star-exclusions" not in page, name
        row = page.split(f'data-staff="{victim.id}"')[1].split("</tr>")[0]
        assert row.rstrip().endswith("<td>—</td>"), (name, row)
