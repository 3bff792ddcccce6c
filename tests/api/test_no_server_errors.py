"""INPUT-1 (issue #9): each 5xx the fuzzer found answers 4xx now, for every role that can ask."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.org import Window
from tests.api.conftest import ROLES

HUGE = 2**63  # one past BIGINT: OverflowError in SQLite's driver before
BEYOND_INTEGER = 2**31  # one past INTEGER: "integer out of range" on PostgreSQL before


def window_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Window.id)))


@pytest.mark.parametrize("role", ROLES)
def test_input_1_case_list_with_rows_answers_200_for_every_role(app, token_for, item, case_of, role):
    """The bounded-count list used to hand FAB unwrapped rows: 500 whenever a case matched."""
    case = case_of(item)
    response = app.test_client().get("/api/v1/case/", headers=token_for(role))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["count"] == 1 and body["result"][0]["number"] == case.number
    assert body["ids"] == [case.id]


@pytest.mark.parametrize("url", [f"/api/v1/case/{HUGE}", f"/api/v1/window/{HUGE}",
                                 f"/api/v1/center/{BEYOND_INTEGER}",
                                 f"/api/v1/service_item/{10**30}"])
def test_input_1_an_id_beyond_bigint_names_no_row(app, token_for, url):
    response = app.test_client().get(url, headers=token_for("Admin"))
    assert response.status_code == 404


@pytest.mark.parametrize("pk", [str(HUGE), str(BEYOND_INTEGER), "abc", "1e3"])
def test_input_1_a_write_to_an_impossible_pk_is_404(app, token_for, pk):
    """FAB's PUT and DELETE take `<pk>` as text: on PostgreSQL "abc" was a type error (500)."""
    client, headers = app.test_client(), token_for("Admin")
    assert client.put(f"/api/v1/window/{pk}", json={"name": "x"}, headers=headers).status_code == 404
    assert client.delete(f"/api/v1/window/{pk}", headers=headers).status_code == 404


def test_input_1_an_action_on_a_huge_case_id_is_404(app, token_for):
    response = app.test_client().post(f"/api/v1/case/{HUGE}/action/start", json={},
                                      headers=token_for("Clerk"))
    assert response.status_code == 404


def test_input_1_a_page_with_a_huge_id_is_404(as_admin):
    assert as_admin.get(f"/caseview/show/{HUGE}").status_code == 404
    assert as_admin.get(f"/caseview/act/{HUGE}/start").status_code == 404
    assert as_admin.get(f"/windowview/edit/{10**25}").status_code == 404


def test_input_1_the_generic_download_route_is_404(as_admin):
    assert as_admin.get("/caseview/download/x").status_code == 404


def test_input_1_nested_unknown_key_in_a_reference_is_422_and_saves_nothing(app, db_session, token_for, center):
    headers = token_for("Admin")
    response = app.test_client().post("/api/v1/window/", headers=headers, json={
        "center": {"id": center.id, "bogus": 1}, "number": "09", "name": "九号窗口", "department": "县民政局"})
    assert response.status_code == 422
    assert "center" in response.get_json()["message"]
    assert window_count(db_session) == 1  # window A, of the token's user


def test_input_1_a_reference_to_a_missing_row_is_422_and_saves_nothing(app, db_session, token_for, center):
    response = app.test_client().post("/api/v1/window/", headers=token_for("Admin"), json={
        "center": center.id + 1000, "number": "09", "name": "九号窗口", "department": "县民政局"})
    assert response.status_code == 422
    assert response.get_json()["message"]["center"] == ["请选择已有的记录。"]
    assert window_count(db_session) == 1  # window A, of the token's user


@pytest.mark.parametrize("field,value", [("name", "窗" * 101), ("name", "九号\x00窗口"),
                                         ("number", "1" * 11)])
def test_input_1_reference_data_text_is_bounded_by_its_column(app, db_session, token_for, center,
                                                              field, value):
    body = {"center": center.id, "number": "09", "name": "九号窗口", "department": "县民政局", field: value}
    response = app.test_client().post("/api/v1/window/", headers=token_for("Admin"), json=body)
    assert response.status_code == 422
    assert list(response.get_json()["message"]) == [field]
    assert window_count(db_session) == 1  # window A, of the token's user


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c",
                                   "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"])
def test_input_1_a_malformed_or_forged_jwt_is_401(app, token):
    response = app.test_client().get("/api/v1/case/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_input_1_no_token_at_all_is_401(app):
    assert app.test_client().get("/api/v1/case/").status_code == 401


def test_input_1_a_taken_unique_value_is_422_not_500(app, db_session, token_for, center):
    """Two staff with one employee number: the database refuses the second; the API says so."""
    client, headers = app.test_client(), token_for("Admin")
    body = {"name": "周八", "employee_no": "E-001", "unit": "office", "category": "civil_servant"}
    assert client.post("/api/v1/staff/", json=body, headers=headers).status_code == 201
    again = client.post("/api/v1/staff/", json={**body, "name": "吴九"}, headers=headers)
    assert again.status_code == 422
    assert again.get_json()["message"]["_schema"] == ["已有其他记录使用了该值，或所引用的记录不存在。"]


def test_input_1_the_openapi_document_declares_the_custom_case_routes(app, token_for):
    spec = app.test_client().get("/api/v1/_openapi", headers=token_for("Admin")).get_json()
    intake = spec["paths"]["/api/v1/case/intake"]["post"]
    ref = intake["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert body["required"] == ["case_class", "item_id"] and body["additionalProperties"] is False
    assert spec["components"]["schemas"]["CaseApplicant"]["properties"]["name"]["maxLength"] == 100
    act = spec["paths"]["/api/v1/case/{pk}/action/{action}"]["post"]
    assert {p["name"] for p in act["parameters"]} == {"pk", "action", "If-Match"}
    assert "CaseSummary" in spec["components"]["schemas"]


def test_input_1_deleting_a_row_still_referenced_is_4xx_and_keeps_it(app, db_session, token_for, window_a):
    """Window A has the token user's staff row: the delete is refused with a 409 naming what
    still uses it (SQLite runs with foreign keys on, like PostgreSQL), the window stays."""
    response = app.test_client().delete(f"/api/v1/window/{window_a.id}", headers=token_for("Clerk"))
    assert response.status_code in (403, 422)
    response = app.test_client().delete(f"/api/v1/window/{window_a.id}", headers=token_for("Admin"))
    assert response.status_code == 409, response.get_json()  # ORG-1: named, not deleted
    assert window_count(db_session) == 1


@pytest.mark.parametrize("query", [
    "(filters:!((col:window,opr:rel_o_m,value:3000000000)))",
    "(filters:!((col:window,opr:rel_o_m,value:abc)))",
    "(filters:!((col:window,opr:rel_o_m,value:99999999999999999999)))",
    "(filters:!((col:received_at,opr:gt,value:'9999999-01-01')))",
    "(filters:!((col:deadline,opr:gt,value:'abc')))",
    "(filters:!((col:number,opr:ct,value:'a%00b')))",
    "(page:99999999999,page_size:25)",
])
def test_input_1_list_filters_out_of_bounds_are_4xx(app, token_for, item, case_of, query):
    case_of(item)
    response = app.test_client().get(f"/api/v1/case/?q={query}", headers=token_for("Office"))
    assert 400 <= response.status_code < 500, (query, response.status_code)


@pytest.mark.parametrize("query", ["_flt_0_window=3000000000", "_flt_0_window=99999999999999999999",
                                   "_flt_2_number=a%00b"])
def test_input_1_page_list_filters_out_of_bounds_are_4xx(as_office, item, case_of, query):
    case_of(item)
    status = as_office.get(f"/caseview/list/?{query}").status_code
    assert 400 <= status < 500, (query, status)


def test_input_1_an_expired_token_or_an_access_token_at_refresh_is_401(app, token_for):
    from datetime import timedelta

    from flask_jwt_extended import create_access_token

    with app.test_request_context():
        expired = create_access_token(identity="1", expires_delta=timedelta(seconds=-60))
    client = app.test_client()
    response = client.get("/api/v1/case/", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert client.post("/api/v1/security/refresh", headers=token_for("Clerk")).status_code == 401


def test_input_1_an_api_login_without_its_provider_is_400(app, make_user):
    user = make_user("Clerk")
    response = app.test_client().post("/api/v1/security/login", json={
        "username": user.username, "password": "Test#Pass12ab", "refresh": False})
    assert response.status_code == 400 and "provider" in response.get_json()["message"]


@pytest.mark.parametrize("query", ["(page:4.7e)", "(page:1e)", "!(1,-)", "(a:4.729835667434708e)"])
def test_input_1_a_malformed_rison_number_is_400(app, token_for, query):
    """prison raises ValueError, not its ParserException, on a number cut short: FAB would 500."""
    for path in ("/api/v1/window/_info", "/api/v1/case/"):
        response = app.test_client().get(f"{path}?q={query}", headers=token_for("Office"))
        assert response.status_code == 400, (path, query, response.get_data(as_text=True))
