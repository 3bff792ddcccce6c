"""AB-2: while A is on approved leave, B (even at another window) reaches A's unfinished cases —
pages and API alike — through the one row-level filter of app/security.py; they return to A when
A reports back (LEAVE-3). Written like tests/views/test_window_scope.py (ORG-2)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from app.actor import Actor as CaseActor
from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake
from models.cases import Case
from models.leave import LeaveRequest
from models.org import Post, Staff
from tests.factories import clock_on, published_fee, residence_permit_item

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def item(db_session, window_a):
    return residence_permit_item(db_session, window_a, "C-001")


@pytest.fixture
def staff_a(db_session, window_a):
    """A: the 户籍 post's primary at window 01 (no login needed)."""
    row = Staff(name="甲角张三", unit="window", window=window_a)
    db_session.add(row)
    db_session.commit()
    return row


@pytest.fixture
def b_user(log_in, window_b):
    """B: a clerk who sits at window 02, backup of A's post at window 01."""
    return log_in("Clerk", window=window_b)


@pytest.fixture
def staff_b(db_session, b_user):
    return db_session.scalars(select(Staff).filter_by(user_id=b_user.user.id)).one()


@pytest.fixture
def post(db_session, window_a, staff_a, staff_b):
    row = Post(window=window_a, name="户籍", a_staff=staff_a, b_staff=staff_b)
    db_session.add(row)
    db_session.commit()
    return row


@pytest.fixture
def case_of(db_session, item):
    def make(staff, state_after=()):
        case = register_intake(
            db_session,
            Intake(item_id=item.id, case_class="accepted",
                   applicant=Applicant(name="赵六", id_number=ID_NUMBER, phone="13912345678",
                                       address="江苏省南通市崇川区人民路1号"),
                   received={m.id: m.copies for m in item.materials},
                   fee_amount=published_fee(item)),  # CASE-9: as the intake form prefills it
            CaseActor(username="seed", staff_id=staff.id if staff else None),
            clock_on(TODAY))
        for action, params in state_after:
            apply_action(db_session, case, action, CaseActor(username="seed"),
                         clock_on(TODAY), **params)
        db_session.commit()
        return case
    return make


@pytest.fixture
def leave_of(db_session):
    def make(staff, state="approved", start=-1, end=2, reported_back=None):
        today = TODAY
        row = LeaveRequest(staff=staff, kind="personal", start_day=today + timedelta(days=start),
                           end_day=today + timedelta(days=end), days=Decimal("3"),
                           approver_position="director", state=state,
                           reported_back_on=reported_back)
        db_session.add(row)
        db_session.commit()
        return row
    return make


def api_ids(actor) -> set[int]:
    body = actor.client.get("/api/v1/case/?q=(page_size:100)").get_json()
    assert body["count"] == len(body["result"])
    return {row["id"] for row in body["result"]}


def reaches(actor, case) -> bool:
    """Opens the case's page and its API row (both doors must agree)."""
    page = actor.get(f"/caseview/show/{case.id}").status_code
    api = actor.client.get(f"/api/v1/case/{case.id}").status_code
    assert (page == 200) == (api == 200), (page, api)
    assert page in (200, 404) and api in (200, 404)
    return page == 200


def test_ab_2_before_the_leave_b_at_another_window_gets_404(b_user, post, staff_a, case_of):
    case = case_of(staff_a)
    assert not reaches(b_user, case)
    assert case.id not in api_ids(b_user)
    headers = b_user.api_headers()
    response = b_user.client.post(f"/api/v1/case/{case.id}/action/start", json={}, headers=headers)
    assert response.status_code == 404


def test_ab_2_during_approved_leave_b_sees_a_cases_in_queue_page_and_api(b_user, post, staff_a,
                                                                       case_of, leave_of):
    case = case_of(staff_a)
    leave_of(staff_a)
    assert reaches(b_user, case)
    assert case.id in api_ids(b_user)
    queue = b_user.get("/casequeue/list/").get_data(as_text=True)
    assert case.number in queue
    assert "甲角张三" in queue  # the badge: which cases are there by cover (代A角 <name>)
    assert case.number in b_user.get("/caseview/list/").get_data(as_text=True)


def test_ab_2_b_acts_on_covered_case_through_api_and_page(b_user, post, staff_a, case_of,
                                                          leave_of, db_session):
    first, second = case_of(staff_a), case_of(staff_a)
    leave_of(staff_a)
    headers = b_user.api_headers()
    response = b_user.client.post(f"/api/v1/case/{first.id}/action/start",
                                  json={"version": first.version}, headers=headers)
    assert response.status_code == 200, response.get_json()
    page = b_user.post_form(f"/caseview/act/{second.id}/start", {"note": "代岗办理",
                                                                 "version": second.version})
    assert page.status_code == 302, page.get_data(as_text=True)
    db_session.expire_all()
    for case in (first, second):
        row = db_session.get(Case, case.id)
        assert row.state == cs.IN_PROGRESS
        # B started it in A's place: it stays A's, so B keeps it while covering (AB-2).
        assert row.handler_id == staff_a.id
    assert reaches(b_user, first)


@pytest.mark.parametrize("state", ["pending", "rejected", "cancelled"])
def test_ab_2_leave_not_approved_gives_b_nothing(b_user, post, staff_a, case_of, leave_of, state):
    case = case_of(staff_a)
    leave_of(staff_a, state=state)
    assert not reaches(b_user, case)
    assert case.id not in api_ids(b_user)


def test_ab_2_leave_not_yet_started_gives_b_nothing(b_user, post, staff_a, case_of, leave_of):
    case = case_of(staff_a)
    leave_of(staff_a, start=1, end=3)
    assert not reaches(b_user, case)


def test_ab_2_overstayed_leave_still_covered_until_reported_back(b_user, post, staff_a, case_of,
                                                                 leave_of, db_session):
    """LEAVE-3: an approved leave runs until 销假, even past its end day."""
    case = case_of(staff_a)
    leave = leave_of(staff_a, start=-5, end=-2)
    assert reaches(b_user, case)
    leave.reported_back_on = TODAY
    db_session.commit()
    assert not reaches(b_user, case)
    assert case.id not in api_ids(b_user)
    headers = b_user.api_headers()
    response = b_user.client.post(f"/api/v1/case/{case.id}/action/start", json={}, headers=headers)
    assert response.status_code == 404


def test_ab_2_only_a_cases_not_the_rest_of_a_window(b_user, post, staff_a, case_of, leave_of,
                                                   db_session, window_a):
    colleague = Staff(name="同窗口李四", unit="window", window=window_a)
    db_session.add(colleague)
    db_session.commit()
    mine, theirs, nobody = case_of(staff_a), case_of(colleague), case_of(None)
    # Received by A but handled by the colleague: the colleague's, not A's.
    handed = case_of(staff_a)
    handed.handler_id = colleague.id
    db_session.commit()
    leave_of(staff_a)
    assert api_ids(b_user) == {mine.id}
    for case in (theirs, nobody, handed):
        assert not reaches(b_user, case)


def test_ab_2_closed_cases_are_not_covered(b_user, post, staff_a, case_of, leave_of):
    closed = case_of(staff_a, state_after=[
        ("start", {}), ("approve", {"note": "准予"}), ("deliver", {"collector": "赵六"}),
        ("close", {})])
    assert closed.state == cs.CLOSED
    decided = case_of(staff_a, state_after=[("start", {}), ("approve", {"note": "准予"})])
    leave_of(staff_a)
    assert not reaches(b_user, closed)
    assert reaches(b_user, decided)  # decided, still to deliver: B delivers it


def test_ab_2_someone_who_is_not_b_of_the_post_gets_nothing(log_in, window_b, post, staff_a,
                                                            case_of, leave_of):
    case = case_of(staff_a)
    leave_of(staff_a)
    other = log_in("Clerk", window=window_b)
    assert not reaches(other, case)


def test_ab_2_priv_1_b_covering_sees_the_applicant_data_in_full(b_user, post, staff_a, case_of,
                                                                leave_of):
    """PRIV-1 decided for AB-2: B works the case in A's place and must reach the applicant, so
    B sees the personal data in full while covering (and reaches nothing once A is back)."""
    case = case_of(staff_a)
    leave_of(staff_a)
    page = b_user.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert ID_NUMBER in page and "13912345678" in page
    headers = b_user.api_headers()
    response = b_user.client.post(f"/api/v1/case/{case.id}/details",
                                  json={"applicant_phone": "13812345678"}, headers=headers)
    assert response.status_code == 200, response.get_json()


def test_ab_2_print_views_follow_the_cover(b_user, post, staff_a, case_of, leave_of):
    case = case_of(staff_a)
    assert b_user.get(f"/print/case/{case.id}/acceptance").status_code == 404
    leave_of(staff_a)
    assert b_user.get(f"/print/case/{case.id}/acceptance").status_code == 200


def test_ab_2_home_page_counts_include_covered_cases(b_user, post, staff_a, case_of, leave_of, app):
    from app.views.index import case_counts

    case_of(staff_a)
    case_of(staff_a)
    leave_of(staff_a)
    with app.test_request_context():
        from flask_login import login_user

        login_user(b_user.user)
        assert case_counts()["open"] == 2


def test_ab_2_cover_costs_one_query_per_request_not_one_per_row(b_user, post, staff_a, case_of,
                                                               leave_of, app):
    from app.extensions import db

    leave_of(staff_a)

    def cover_queries(url):
        seen = []

        def record(conn, cursor, statement, parameters, context, executemany):
            # The cover query joins posts; the navbar's 待办 count (销假 owed) does not.
            if "leave_request" in statement and "post" in statement:
                seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = b_user.get(url)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert response.status_code == 200
        return len(seen)

    case_of(staff_a)
    one = (cover_queries("/casequeue/list/"), cover_queries("/api/v1/case/"))
    for _ in range(4):
        case_of(staff_a)
    five = (cover_queries("/casequeue/list/"), cover_queries("/api/v1/case/"))
    assert one == five == (1, 1)


# --- AB-2 / ORG-2: away is not only leave; the window head approves the cover (issue #16) -----
from app.rules.calendar import WorkCalendar  # noqa: E402
from models.leave import AwayRegistration  # noqa: E402

TODAY = date(2026, 11, 18)  # a Wednesday, and the app's clock: one result on any day (#17)


@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    center_now(TODAY)


def working_day_ahead(n: int = 3) -> date:
    return WorkCalendar().add_working_days(TODAY, n)


@pytest.fixture
def head(log_in, window_a):
    """The window head of window 01 (A's window)."""
    return log_in("WindowHead", window=window_a)


def registration_of(db_session, staff, day, state="approved"):
    row = AwayRegistration(staff=staff, day=day, am=True, pm=True, reason="errand", state=state)
    db_session.add(row)
    db_session.commit()
    return row


def test_ab_2_while_a_is_out_on_an_approved_errand_b_reaches_a_cases(
        b_user, post, staff_a, case_of, db_session):
    """AB-2: an errand (外出登记) approved for today, whichever half of it now is, is "away" as
    leave is: B at another window reaches A's cases; once it is withdrawn, no longer."""
    case = case_of(staff_a)
    assert not reaches(b_user, case)
    errand = registration_of(db_session, staff_a, TODAY)
    assert reaches(b_user, case) and case.id in api_ids(b_user)
    errand.state = "cancelled"
    db_session.commit()
    assert not reaches(b_user, case)


def test_ab_2_a_pending_errand_is_no_cover(b_user, post, staff_a, case_of, db_session):
    case = case_of(staff_a)
    registration_of(db_session, staff_a, TODAY, state="pending")
    assert not reaches(b_user, case)


def test_org_2_the_window_head_records_an_errand_of_own_window_approved_at_once(
        head, staff_a, post, db_session):
    day = working_day_ahead()
    response = head.post_form("/cover/register", {
        "staff_id": str(staff_a.id), "day": day.isoformat(), "am": "y", "reason": "meeting",
        "note": "县政务服务中心例会"}, form_url="/cover/")
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db_session.scalars(select(AwayRegistration)).one()
    assert (row.staff_id, row.day, row.am, row.pm, row.state) == (staff_a.id, day, True, False,
                                                                  "approved")
    page = head.get("/cover/").get_data(as_text=True)
    assert 'id="cover-posts"' in page and "户籍" in page and f'data-registration="{row.id}"' in page


def test_org_2_a_clerk_registers_own_errand_the_window_head_approves_it(
        log_in, head, window_a, db_session):
    clerk = log_in("Clerk", window=window_a)
    me = db_session.scalars(select(Staff).filter_by(user_id=clerk.user.id)).one()
    day = working_day_ahead()
    assert clerk.post_form("/cover/register", {
        "staff_id": str(me.id), "day": day.isoformat(), "pm": "y", "reason": "errand"},
        form_url="/cover/").status_code == 302
    row = db_session.scalars(select(AwayRegistration)).one()
    assert row.state == "pending"
    token = clerk.api_headers()["X-CSRFToken"]
    refused = clerk.client.post(f"/cover/decide/{row.id}/approve", data={"csrf_token": token})
    assert refused.status_code == 403  # never one's own
    page = head.get("/cover/").get_data(as_text=True)
    assert f"/cover/decide/{row.id}/approve" in page
    response = head.client.post(f"/cover/decide/{row.id}/approve",
                                data={"csrf_token": head.api_headers()["X-CSRFToken"],
                                      "version": str(row.version)})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(AwayRegistration, row.id).state == "approved"


def test_org_2_the_head_of_another_window_is_refused_with_403(log_in, window_b, staff_a, post,
                                                             db_session):
    """ORG-2: the window head approves the B cover of their own window only: another window's
    head can neither record nor approve an errand of window 01 (403), and nothing changes."""
    other = log_in("WindowHead", window=window_b)
    pending = registration_of(db_session, staff_a, working_day_ahead(), state="pending")
    token = other.api_headers()["X-CSRFToken"]
    assert other.client.post(f"/cover/decide/{pending.id}/approve",
                             data={"csrf_token": token}).status_code == 403
    assert other.client.post("/cover/register", data={
        "csrf_token": token, "staff_id": str(staff_a.id),
        "day": working_day_ahead().isoformat(), "am": "y", "reason": "errand"}).status_code == 403
    db_session.expire_all()
    assert [row.state for row in db_session.scalars(select(AwayRegistration))] == ["pending"]
    assert f"data-registration=\"{pending.id}\"" not in other.get("/cover/").get_data(as_text=True)


def test_org_2_office_reads_the_cover_page_but_records_nothing(log_in, staff_a, post):
    office = log_in("Office")
    page = office.get("/cover/")
    assert page.status_code == 200 and "cover-register-form" not in page.get_data(as_text=True)
    response = office.client.post("/cover/register", data={
        "csrf_token": office.api_headers()["X-CSRFToken"], "staff_id": str(staff_a.id),
        "day": working_day_ahead().isoformat(), "am": "y", "reason": "errand"})
    assert response.status_code == 403


def test_ab_2_home_counts_covered_cases_and_the_queue_only_the_own_window(b_user, post, staff_a,
                                                                          case_of, leave_of):
    """AB-2: B's home counters count A's cases B covers; B's queue cards (CASE-6/8) count
    B's own window only — both from the one statement of the home page (issue #21)."""
    import re

    case_of(staff_a)
    case_of(staff_a)
    leave_of(staff_a)
    html = b_user.get("/").get_data(as_text=True)
    counts = html.split('class="case-counts"', 1)[1].split("</p>", 1)[0]
    assert re.findall(r'class="badge">(\d+)<', counts)[0] == "2"
    assert b_user.get("/home/data").get_json()["queue"]["open"] == 0


def test_ab_2_the_case_scope_kept_for_a_request_is_its_users_only(app, b_user, post, staff_a,
                                                                  case_of, leave_of):
    """The scope, the cover and the home counts are kept on flask.g for one user and day
    (issue #21): what was kept for another user, or another day, is never served (ORG-2,
    AB-2: never another user's rows or counts)."""
    from flask import g
    from flask_login import login_user
    from sqlalchemy import false

    from app.context import today
    from app.security import case_scope_condition, covered_staff
    from app.services.case_queries import OpenCaseCounts
    from app.views.index import case_counts

    case_of(staff_a)
    case_of(None)  # window 01's, nobody's: not covered
    leave_of(staff_a)
    with app.test_request_context():
        login_user(b_user.user)
        day, someone_else = today(), b_user.user.id + 1000
        g.bianmin_case_scope = ((someone_else, day), false())
        g.bianmin_covered = ((someone_else, day), {})
        g.bianmin_open_counts = ((someone_else, day), (OpenCaseCounts(9, 9, 9, 9, 9, 9), None))
        assert case_counts()["open"] == 1  # A's case B covers, not the kept counts
        assert case_scope_condition() is g.bianmin_case_scope[1]  # now kept for B
        assert staff_a.id in covered_staff()
        yesterday = day - timedelta(days=1)
        g.bianmin_open_counts = ((b_user.user.id, yesterday), (OpenCaseCounts(9, 9, 9, 9, 9, 9), None))
        assert case_counts()["open"] == 1


def test_ab_2_the_cover_column_asks_for_the_cover_once_per_page(b_user, post, staff_a, case_of,
                                                                 leave_of, monkeypatch):
    """AB-2 代A角 <name>: the work queue's cover column asks for the request's cover once per
    page, not once per row (issue #21 P1), and still names A on each covered case."""
    from app.security import filters
    from app.views import derived

    leave_of(staff_a)
    asked = []
    real = filters.covered_staff

    def counted():
        asked.append(1)
        return real()

    monkeypatch.setattr(filters, "covered_staff", counted)
    monkeypatch.setattr(derived, "covered_staff", counted)

    def page_asks():
        asked.clear()
        html = b_user.get("/casequeue/list/").get_data(as_text=True)
        return len(asked), html.count("甲角张三")

    case_of(staff_a)
    one = page_asks()
    for _ in range(4):
        case_of(staff_a)
    five = page_asks()
    assert five[1] == 5 and one[1] == 1
    assert five[0] == one[0] == 2  # the row filter's scope and the column, once each
