"""INPUT-1 (issue #9): every error answer under /api/ is JSON with a `message` in the users'
language, in the one documented shape (app/error_messages.py) — `{field: [text]}` for 400 and
422, a text for every other status — whoever produces it: Werkzeug (an unknown address, a
wrong method, a body past MAX_CONTENT_LENGTH), Flask-WTF (a cookie-borne write without its
CSRF token), Flask-JWT-Extended (a bad token), FAB (no login, no permission, a missing row,
its query parsing) or our own routes (409)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask_jwt_extended import create_access_token
from werkzeug.datastructures import FileStorage

from app.error_messages import (API_CSRF_ERROR, BAD_ARGUMENTS, FAB_MESSAGES, LOGIN_EXPIRED,
                                NO_SUCH_RECORD, NOT_LOGGED_IN)
from app.services.transaction import Conflict
from models.attendance import ClockRecord
from tests.factories import translated

MB = 1024 * 1024
# What Werkzeug, FAB and Flask-JWT-Extended answered before, in English.
ENGLISH = {"Not found", "Forbidden", "Not authorized", "Method Not Allowed", "Token has expired",
           "Missing Authorization Header", "Request Entity Too Large", "Not a valid rison argument",
           "Not a valid rison/json argument", "The CSRF token is missing."}


def assert_error(response, status: int, allowed_english=()) -> list[str]:
    """The answer's status, JSON shape by status, and its texts (none of them English
    defaults)."""
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    assert response.is_json, response.get_data()[:300]
    message = response.get_json()["message"]
    if status in (400, 422):
        assert isinstance(message, dict) and message, message
        assert all(isinstance(texts, list) and texts and all(isinstance(t, str) for t in texts)
                   for texts in message.values()), message
        texts = [text for field_texts in message.values() for text in field_texts]
    else:
        assert isinstance(message, str) and message, message
        texts = [message]
    assert not ENGLISH & set(texts), texts
    return texts


@pytest.fixture(autouse=True)
def _app_context(app):
    """`translated` reads the catalogue of the app."""
    with app.app_context():
        yield


@pytest.fixture
def admin(token_for):
    return token_for("Admin")


# --- 401 ---------------------------------------------------------------------------------------
def test_input_1_no_login_is_401_with_a_translated_message(app):
    response = app.test_client().get("/api/v1/window/")
    assert assert_error(response, 401) == [translated(NOT_LOGGED_IN)]


def test_input_1_a_forged_or_expired_token_is_401_with_a_translated_message(app, make_user):
    user = make_user("Office")
    with app.test_request_context():
        expired = create_access_token(identity=str(user.id), expires_delta=timedelta(seconds=-60))
    client = app.test_client()
    response = client.get("/api/v1/window/", headers={"Authorization": f"Bearer {expired}"})
    assert assert_error(response, 401) == [translated(LOGIN_EXPIRED)]
    response = client.get("/api/v1/window/", headers={"Authorization": "Bearer not.a.token"})
    assert assert_error(response, 401) == [translated(NOT_LOGGED_IN)]


# --- 403, 404, 405 -----------------------------------------------------------------------------
def test_input_1_no_permission_is_403_with_the_pages_text(app, token_for, window_a):
    response = app.test_client().post("/api/v1/window/", headers=token_for("Clerk"),
                                      json={"number": "09", "name": "九号窗口"})
    assert assert_error(response, 403) == [translated("No permission")]


@pytest.mark.parametrize("path", ["/api/v1/window/999999", "/api/v1/window/99999999999999"])
def test_input_1_a_missing_row_is_404_with_a_translated_message(app, admin, path):
    response = app.test_client().get(path, headers=admin)
    assert assert_error(response, 404) == [translated(NO_SUCH_RECORD)]


def test_input_1_an_unknown_address_is_404_with_a_translated_message(app, admin):
    response = app.test_client().get("/api/v1/nothing-here/", headers=admin)
    assert assert_error(response, 404) == [translated("Page not found")]


def test_input_1_a_wrong_method_is_405_with_a_translated_message_and_allow(app, admin):
    response = app.test_client().get("/api/v1/complaint/record", headers=admin)
    assert assert_error(response, 405) == [translated("Method not allowed")]
    assert "POST" in response.headers["Allow"]


# --- 409 -----------------------------------------------------------------------------------------
def test_input_1_a_stale_version_is_409_with_a_text(app, admin, window_a):
    response = app.test_client().put(f"/api/v1/window/{window_a.id}", headers=admin,
                                     json={"name": "九号窗口", "version": window_a.version + 5})
    assert assert_error(response, 409) == [Conflict().render(translated)]


def test_org_1_a_row_still_in_use_is_409_with_a_text(app, admin, window_a, make_user):
    make_user("Clerk", window=window_a)  # window A has staff
    response = app.test_client().delete(f"/api/v1/window/{window_a.id}", headers=admin)
    [text] = assert_error(response, 409)
    assert text  # names what still uses the window (ORG-1)


# --- 413 -----------------------------------------------------------------------------------------
def test_input_1_a_json_body_past_the_limit_is_413(app, admin, one_mb_limit, db_session):
    response = app.test_client().post("/api/v1/complaint/record", headers=admin,
                                      json={"content": "长" * MB})
    assert assert_error(response, 413) == [translated("Request larger than %(mb)s MB", mb="1")]


@pytest.mark.parametrize("path", ["/api/v1/clock_record/import"])
def test_input_1_an_upload_past_the_limit_is_413_not_a_form_error(app, token_for, one_mb_limit,
                                                                  db_session, path):
    """Werkzeug refuses the whole body and the form's own limits with one exception type:
    past MAX_CONTENT_LENGTH is 413, whatever the route's reading of the file says."""
    data = b"employee_no,clocked_at\n" + b"1001,2026-11-02 08:07\n" * 60_000
    assert len(data) > MB
    response = app.test_client().post(path, headers=token_for("Office"),
                                      data={"file": (io.BytesIO(data), "c.csv")},
                                      content_type="multipart/form-data")
    assert assert_error(response, 413) == [translated("Request larger than %(mb)s MB", mb="1")]
    assert db_session.query(ClockRecord).count() == 0


def test_input_1_an_upload_without_a_length_past_the_limit_is_413_not_a_500(app, token_for,
                                                                            one_mb_limit):
    """Sent in chunks (gunicorn passes such a body on), the upload is found too long only
    while the route reads it, inside FAB's `@safe`, which answers any exception with 500:
    the 413 must come through."""
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(b"x" * (2 * MB)), filename="c.csv")})
    response = app.test_client().post(
        "/api/v1/clock_record/import", headers={**token_for("Office"),
                                                "Transfer-Encoding": "chunked"},
        input_stream=io.BytesIO(body), content_type=f"multipart/form-data; boundary={boundary}",
        environ_overrides={"wsgi.input_terminated": True})
    assert assert_error(response, 413) == [translated("Request larger than %(mb)s MB", mb="1")]


def test_input_1_the_default_limit_refuses_a_body_before_reading_it(app, admin):
    """32 MB by default (config.py, MAX_REQUEST_MB): a body that says it is larger is refused
    from its Content-Length, before a byte is read."""
    response = app.test_client().post(
        "/api/v1/complaint/record", headers=admin, input_stream=io.BytesIO(b"{}"),
        content_type="application/json", environ_overrides={"CONTENT_LENGTH": str(33 * MB)})
    assert assert_error(response, 413) == [translated("Request larger than %(mb)s MB", mb="32")]


# --- 400 and 422: {field: [text]} ----------------------------------------------------------------
def test_input_1_a_cookie_write_without_its_csrf_token_is_400_under_schema(log_in):
    office = log_in("Office")
    response = office.client.post("/api/v1/complaint/record", json={"channel": "phone"})
    assert assert_error(response, 400) == [translated(API_CSRF_ERROR)]
    assert list(response.get_json()["message"]) == ["_schema"]


@pytest.mark.parametrize("query,field,msgid", [
    ("(page:4.7e)", "q", FAB_MESSAGES["Not a valid rison argument"]),
    ("(a b)", "_schema", FAB_MESSAGES["Not a valid rison/json argument"]),
])
def test_input_1_a_query_that_does_not_parse_is_400_under_its_field(app, admin, query, field,
                                                                    msgid):
    response = app.test_client().get(f"/api/v1/window/?q={query}", headers=admin)
    assert assert_error(response, 400) == [translated(msgid)]
    assert list(response.get_json()["message"]) == [field]


def test_input_1_fabs_other_refusals_lead_with_a_translated_sentence(app, admin):
    """FAB's dynamic texts (a filter on a column it does not filter) keep their detail after
    a translated lead."""
    response = app.test_client().get(
        "/api/v1/window/?q=(filters:!((col:nonexistent,opr:eq,value:1)))", headers=admin)
    [text] = assert_error(response, 400)
    lead = translated(BAD_ARGUMENTS, detail="")
    assert text.startswith(lead) and "nonexistent" in text


def test_input_1_a_broken_rule_is_422_under_its_field(app, admin, center):
    response = app.test_client().post("/api/v1/window/", headers=admin, json={
        "number": "0" * 50, "name": "九号窗口", "department": "县民政局", "center": center.id})
    assert_error(response, 422)
    assert "number" in response.get_json()["message"]


# --- FAB's API login and its schemas ----------------------------------------------------------
def test_input_1_the_api_login_refuses_in_the_users_language(app, make_user):
    """FAB's /api/v1/security/login answered "Not authorized", "Request payload is not JSON"
    and marshmallow's "Missing data for required field.": now ours, translated."""
    from app.error_messages import MARSHMALLOW_MESSAGES, WRONG_LOGIN

    user = make_user("Office")
    client = app.test_client()
    wrong = client.post("/api/v1/security/login", json={
        "username": user.username, "password": "not-the-password", "provider": "db"})
    assert assert_error(wrong, 401) == [translated(WRONG_LOGIN)]
    not_json = client.post("/api/v1/security/login", data="username=x",
                           content_type="text/plain")
    assert_error(not_json, 400)
    missing = client.post("/api/v1/security/login", json={"password": "x", "provider": "db"})
    assert assert_error(missing, 400) == [
        translated(MARSHMALLOW_MESSAGES["Missing data for required field."])]
    assert list(missing.get_json()["message"]) == ["username"]


def test_input_1_a_generic_post_missing_a_field_is_refused_in_the_users_language(admin, app):
    """FAB's generic POST validates with marshmallow: its fixed texts come translated, under
    their fields."""
    from app.error_messages import MARSHMALLOW_MESSAGES

    response = app.test_client().post("/api/v1/window/", json={"name": None}, headers=admin)
    texts = assert_error(response, 422)
    assert translated(MARSHMALLOW_MESSAGES["Field may not be null."]) in texts, texts
    assert not set(MARSHMALLOW_MESSAGES) & set(texts), texts
