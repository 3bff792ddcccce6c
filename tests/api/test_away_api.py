"""AB-2 / ORG-2: the 外出登记 API (/api/v1/away/) — the cover page's services, policy and rows
(app/api/away.py): the same scope through `AwayRowFilter` (FAB-NOTES: the API does not inherit
the page's row filter), the same 403 for another window's staff, rule refusals as Chinese 4xx
JSON, a cookie-borne write without its CSRF token refused, and every write in the audit log."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.rules.calendar import WorkCalendar
from models.audit import AuditLog
from models.leave import AwayRegistration
from tests.factories import bearer, staff_of

TODAY = date(2026, 11, 18)  # a Wednesday, and the app's clock
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    center_now(TODAY)


def ahead(n: int = 3) -> date:
    return WorkCalendar().add_working_days(TODAY, n)


@pytest.fixture
def people(app, make_user, window_a, window_b):
    """A clerk and the window head of window 01, a clerk and the head of window 02, Office."""
    users = {"clerk_a": make_user("Clerk", window=window_a),
             "head_a": make_user("WindowHead", window=window_a),
             "clerk_b": make_user("Clerk", window=window_b),
             "head_b": make_user("WindowHead", window=window_b),
             "office": make_user("Office"), "leadership": make_user("Leadership")}
    return {name: bearer(app, user) for name, user in users.items()} | {"users": users}


def register(client, headers, **body):
    return client.post("/api/v1/away/register", headers=headers,
                       json={"day": ahead().isoformat(), "am": True, "reason": "errand", **body})


def listed(client, headers) -> set[int]:
    response = client.get("/api/v1/away/?q=(page_size:100)", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {row["id"] for row in response.get_json()["result"]}


def test_ab_2_a_clerk_registers_own_errand_and_the_window_head_approves_it(app, people,
                                                                          db_session):
    client = app.test_client()
    filed = register(client, people["clerk_a"], note="县政务服务中心例会")
    assert filed.status_code == 201, filed.get_data(as_text=True)
    answer = filed.get_json()
    me = staff_of(db_session, people["users"]["clerk_a"])
    assert (answer["staff_id"], answer["state"], answer["am"], answer["pm"]) == (
        me.id, "pending", True, False)
    own = client.post(f"/api/v1/away/{answer['id']}/approve", headers=people["clerk_a"])
    assert own.status_code == 403  # ORG-2: never one's own
    approved = client.post(f"/api/v1/away/{answer['id']}/approve", headers=people["head_a"],
                           json={"version": answer["version"]})
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    db_session.expire_all()
    row = db_session.get(AwayRegistration, answer["id"])
    assert row.state == "approved" and row.decided_by_id == people["users"]["head_a"].id
    audited = db_session.scalars(select(AuditLog).where(
        AuditLog.record_id == str(answer["id"]), AuditLog.model == "AwayRegistration")).all()
    assert {entry.action for entry in audited} >= {"create", "update"}


def test_org_2_the_window_head_registers_for_own_window_approved_at_once(app, people,
                                                                        db_session):
    clerk = staff_of(db_session, people["users"]["clerk_a"])
    response = register(app.test_client(), people["head_a"], staff_id=clerk.id, pm=True)
    assert response.status_code == 201 and response.get_json()["state"] == "approved"


def test_org_2_another_window_is_403_and_nothing_is_saved(app, people, db_session):
    client = app.test_client()
    clerk = staff_of(db_session, people["users"]["clerk_a"])
    assert register(client, people["head_b"], staff_id=clerk.id).status_code == 403
    assert register(client, people["clerk_b"], staff_id=clerk.id).status_code == 403
    assert db_session.scalars(select(AwayRegistration)).all() == []


def test_org_2_the_api_lists_and_opens_the_rows_of_the_page_scope(app, people, db_session):
    """ORG-2: the clerk their own, the window head their window's, Office and Leadership all;
    a row outside the scope is 404 to read, approve or withdraw, as on the cover page."""
    client = app.test_client()
    own_a = register(client, people["clerk_a"]).get_json()["id"]
    own_b = register(client, people["clerk_b"]).get_json()["id"]
    head_a = staff_of(db_session, people["users"]["head_a"])
    by_head = register(client, people["leadership"], staff_id=head_a.id).get_json()["id"]
    assert listed(client, people["clerk_a"]) == {own_a}
    assert listed(client, people["head_a"]) == {own_a, by_head}
    assert listed(client, people["head_b"]) == {own_b}
    assert listed(client, people["office"]) == listed(client, people["leadership"]) == {
        own_a, own_b, by_head}
    assert client.get(f"/api/v1/away/{own_b}", headers=people["clerk_a"]).status_code == 404
    assert client.get(f"/api/v1/away/{own_a}", headers=people["head_a"]).status_code == 200
    for action in ("approve", "reject", "cancel"):
        refused = client.post(f"/api/v1/away/{own_a}/{action}", headers=people["head_b"])
        assert refused.status_code == 404, action
    db_session.expire_all()
    assert db_session.get(AwayRegistration, own_a).state == "pending"


def test_ab_2_the_person_withdraws_office_reads_only(app, people, db_session):
    client = app.test_client()
    answer = register(client, people["clerk_a"]).get_json()
    assert client.post(f"/api/v1/away/{answer['id']}/cancel",
                       headers=people["office"]).status_code == 403  # Office reads only
    assert client.post("/api/v1/away/register", headers=people["office"], json={
        "day": ahead().isoformat(), "am": True, "reason": "errand"}).status_code == 403
    done = client.post(f"/api/v1/away/{answer['id']}/cancel", headers=people["clerk_a"],
                       json={"version": answer["version"]})
    assert done.status_code == 200 and done.get_json()["state"] == "cancelled"
    again = client.post(f"/api/v1/away/{answer['id']}/cancel", headers=people["clerk_a"])
    assert again.status_code == 422  # AB-2: only a registration still running


def test_ab_2_a_stale_version_is_409(app, people):
    client = app.test_client()
    answer = register(client, people["clerk_a"]).get_json()
    stale = client.post(f"/api/v1/away/{answer['id']}/approve", headers=people["head_a"],
                        json={"version": answer["version"] + 3})
    assert stale.status_code == 409


@pytest.mark.parametrize("body, status, field", [
    ({"am": False}, 422, "am"),                                   # AB-2: no half-day
    ({"day": "2026-11-17"}, 422, "day"),                          # AB-2: a day past
    ({"day": "2026-11-21"}, 422, "day"),                          # AB-2: a Saturday
    ({"reason": "holiday"}, 422, "reason"),                       # AB-2: errand or meeting
    ({"day": "morgen"}, 400, "day"),                             # INPUT-1: no date
    ({"staff_id": 999999}, 422, "staff_id"),
    ({"colour": "red"}, 400, "_schema"),                         # INPUT-1: no unknown key
])
def test_ab_2_bad_input_is_a_chinese_4xx_under_its_field(app, people, body, status, field):
    response = register(app.test_client(), people["clerk_a"], **body)
    assert response.status_code == status, response.get_data(as_text=True)
    message = response.get_json()["message"]
    assert field in message and all(CJK.search(text) for text in message[field]), message


def test_ab_2_a_registered_half_day_is_refused_the_second_time(app, people):
    client = app.test_client()
    assert register(client, people["clerk_a"]).status_code == 201
    again = register(client, people["clerk_a"])
    assert again.status_code == 422 and CJK.search(again.get_json()["message"]["day"][0])


def test_ab_2_a_cookie_write_without_its_csrf_token_is_refused(log_in, window_a, db_session):
    clerk = log_in("Clerk", window=window_a)
    body = {"day": ahead().isoformat(), "am": True, "reason": "errand"}
    refused = clerk.client.post("/api/v1/away/register", json=body)
    assert refused.status_code == 400 and refused.is_json
    assert db_session.scalars(select(AwayRegistration)).all() == []
    done = clerk.client.post("/api/v1/away/register", json=body, headers=clerk.api_headers())
    assert done.status_code == 201


def test_ab_2_no_generic_writes(app, people):
    client = app.test_client()
    assert client.post("/api/v1/away/", headers=people["leadership"],
                       json={"day": ahead().isoformat()}).status_code in (404, 405)
    assert client.get("/api/v1/away/", headers={}).status_code == 401
