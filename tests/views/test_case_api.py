"""The case API: same rules and same window scope as the pages (CASE-1..12, ORG-2, PRIV-1)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models.cases import Case
from tests.factories import ID_NUMBER, csrf_headers, intake_body


def test_case_1_clerk_registers_a_case_through_the_api(log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.client.post("/api/v1/case/intake", json=intake_body(item), headers=csrf_headers(clerk))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["state"] == "accepted" and body["number"].startswith("BC-") and "start" in body["actions"]


def test_priv_2_api_bad_phone_answers_422_with_the_field_and_saves_nothing(log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    body = intake_body(item, applicant={"name": "赵六", "id_number": ID_NUMBER, "phone": "12345"})
    response = clerk.client.post("/api/v1/case/intake", json=body, headers=csrf_headers(clerk))
    assert response.status_code == 422
    assert "applicant_phone" in response.get_json()["message"]
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Case.id))) == 0


def test_case_4_api_wrong_transition_is_422_and_changes_nothing(log_in, db_session, window_a, item, case_of):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    response = clerk.client.post(f"/api/v1/case/{case.id}/action/deliver", json={"collector": "x"},
                                 headers=csrf_headers(clerk))
    assert response.status_code == 422
    db_session.expire_all()
    assert db_session.get(Case, case.id).state == "accepted"
    ok = clerk.client.post(f"/api/v1/case/{case.id}/action/start", json={}, headers=csrf_headers(clerk))
    assert ok.status_code == 200 and ok.get_json()["state"] == "in_progress"


def test_org_2_api_clerk_of_another_window_sees_no_case_and_cannot_act(log_in, db_session, window_b, item, case_of):
    case = case_of(item)
    other = log_in("Clerk", window=window_b)
    listing = other.client.get("/api/v1/case/").get_json()
    assert listing["count"] == 0 and listing["result"] == []
    assert other.client.get(f"/api/v1/case/{case.id}").status_code == 404
    response = other.client.post(f"/api/v1/case/{case.id}/action/start", json={}, headers=csrf_headers(other))
    assert response.status_code == 404
    intake = other.client.post("/api/v1/case/intake", json=intake_body(item), headers=csrf_headers(other))
    assert intake.status_code == 404


def test_priv_1_api_answers_carry_no_id_number_or_phone(log_in, db_session, window_a, item, case_of):
    case = case_of(item)
    text = log_in("Office").client.get(f"/api/v1/case/{case.id}").get_data(as_text=True)
    assert case.number in text and ID_NUMBER not in text and "13912345678" not in text


def test_api_write_with_the_session_cookie_but_no_csrf_token_is_refused(log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.client.post("/api/v1/case/intake", json=intake_body(item))
    assert response.status_code == 400
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Case.id))) == 0


def test_neg_1_api_refusal_without_the_objection_answer_is_422(log_in, db_session, window_a,
                                                                item, case_of):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    url = f"/api/v1/case/{case.id}/action/refuse"
    response = clerk.client.post(url, json={"note": "不符合条件"}, headers=csrf_headers(clerk))
    assert response.status_code == 422 and "objected" in response.get_json()["message"]
    db_session.expire_all()
    assert db_session.get(Case, case.id).state == "accepted"
    response = clerk.client.post(url, json={"note": "不符合条件", "objected": True},
                                 headers=csrf_headers(clerk))
    assert response.status_code == 200 and response.get_json()["state"] == "decided_refused"


# --- INPUT-1: the intake and action bodies are typed and bounded (issue #9) ----------------
def post_intake(clerk, body):
    return clerk.client.post("/api/v1/case/intake", json=body, headers=csrf_headers(clerk))


def assert_nothing_saved(db_session):
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Case.id))) == 0


@pytest.mark.parametrize("overrides,field", [
    ({"fee_amount": 1e30}, "fee_amount"),
    ({"fee_amount": "NaN"}, "fee_amount"),
    ({"appointment_at": "1900-01-02T09:00:00"}, "appointment_at"),
    ({"appointment_at": "9999-12-31T09:00:00+08:00"}, "appointment_at"),
    ({"appointment_at": "next tuesday"}, "appointment_at"),
    ({"applicant": {"name": "赵" * 10_000}}, "applicant_name"),
    ({"applicant": {"name": "赵\x00六"}}, "applicant_name"),
    ({"request": "x" * 10_001}, "request"),
    ({"item_id": 10**30}, "item_id"),
])
def test_input_1_api_intake_out_of_bounds_is_422_under_the_field(log_in, db_session, window_a,
                                                                 item, overrides, field):
    clerk = log_in("Clerk", window=window_a)
    response = post_intake(clerk, intake_body(item, **overrides))
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["message"]) == [field]
    assert_nothing_saved(db_session)


@pytest.mark.parametrize("overrides,field", [
    ({"applicant": {"name": "赵六", "bogus": 1}}, "applicant"),
    ({"bogus": 1}, "_schema"),
    ({"applicant": "赵六"}, "applicant"),
    ({"received": {"abc": 1}}, "received"),
    ({"received": {"1": "two"}}, "received"),
    ({"urgent": "yes"}, "urgent"),
    ({"sub_tasks": [{"window_id": 1, "promised_days": 1, "x": 2}]}, "sub_tasks"),
    ({"item_id": "1"}, "item_id"),
])
def test_input_1_api_intake_of_the_wrong_shape_is_400_with_the_field(log_in, db_session, window_a,
                                                                     item, overrides, field):
    clerk = log_in("Clerk", window=window_a)
    response = post_intake(clerk, intake_body(item, **overrides))
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["message"]
    assert_nothing_saved(db_session)


def test_input_1_api_intake_naming_a_missing_item_is_404(log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    assert post_intake(clerk, intake_body(item, item_id=item.id + 999)).status_code == 404
    assert_nothing_saved(db_session)


def test_input_1_api_joint_part_in_a_missing_window_is_422(log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    body = intake_body(item, case_class="joint",
                       sub_tasks=[{"window_id": window_a.id + 999, "part": "核查", "promised_days": 2}])
    response = post_intake(clerk, body)
    assert response.status_code == 422 and "sub_tasks" in response.get_json()["message"]
    assert_nothing_saved(db_session)


@pytest.mark.parametrize("action,body,status", [
    ("start", {"bogus": 1}, 400),
    ("start", {"note": 5}, 400),
    ("start", {"note": "x" * 10_001}, 422),
    ("start", {"note": "核\x00查"}, 422),
    ("start", [1, 2], 400),
])
def test_input_1_api_action_bodies_are_typed_and_bounded(log_in, db_session, window_a, item,
                                                         case_of, action, body, status):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    response = clerk.client.post(f"/api/v1/case/{case.id}/action/{action}", json=body,
                                 headers=csrf_headers(clerk))
    assert response.status_code == status, response.get_json()
    db_session.expire_all()
    assert db_session.get(Case, case.id).state == "accepted"


def test_input_1_api_an_appointment_this_century_is_kept(log_in, db_session, window_a, item):
    clerk = log_in("Clerk", window=window_a)
    response = post_intake(clerk, intake_body(item, appointment_at="2026-11-05T09:30:00"))
    assert response.status_code == 201
    db_session.expire_all()
    appointment = db_session.scalars(select(Case)).one().appointment_at
    assert appointment.astimezone(ZoneInfo("Asia/Shanghai")).hour == 9


def test_case_1_the_intake_answer_matches_its_documented_schema(log_in, db_session, window_a, item):
    """INPUT-1: CaseSummary is closed (additionalProperties false), so each key the intake
    answers — the version for the next write included — must be one of its properties."""
    clerk = log_in("Clerk", window=window_a)
    body = clerk.client.post("/api/v1/case/intake", json=intake_body(item),
                             headers=csrf_headers(clerk)).get_json()
    spec = clerk.client.get("/api/v1/_openapi", headers=csrf_headers(clerk)).get_json()
    schema = spec["components"]["schemas"]["CaseSummary"]
    assert set(body) <= set(schema["properties"]), set(body) - set(schema["properties"])
    assert "version" in body and "changed" in schema["properties"]
