"""INPUT-1: bad input gets a clear error and nothing is saved — on every custom write route of
the API. A body that is not JSON (unparsable, or sent as another content type), a JSON array,
scalar or null, an unknown key, a missing field or a value of the wrong type answers 4xx with
a JSON `message` in the user's language, and no row of any table changes."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from flask_appbuilder import Model
from sqlalchemy import func, select

from app.roles import OFFICE
from app.actor import Actor as CaseActor
from app.services.cases import Applicant, Intake, register_intake
from app.services.complaints import ComplaintInput, record_complaint
from app.services.handover import HandoverContent, create_handover
from app.services.leave import LeaveActor, LeaveInput, file_leave
from models.org import Staff
from models.roster import DutyShift
from models.scoring import DeductionItem
from tests.factories import bearer, clock_on, residence_permit_item, translated

TODAY = date(2026, 11, 18)  # a Wednesday, and the app's clock: one result on any day (#17)


@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    center_now(TODAY)


MONTH = "2026-01"
NOT_JSON_TYPE = "Send the body as JSON, with the header Content-Type: application/json."


def fingerprint(session) -> dict:
    """Every table's row count and the sum of its versions: any insert, delete or update of a
    versioned row (and each change writes an audit row) changes it."""
    session.expire_all()
    prints = {}
    for table in Model.metadata.sorted_tables:
        columns = [func.count()]
        if "version" in table.c:
            columns.append(func.coalesce(func.sum(table.c.version), 0))
        prints[table.name] = tuple(session.execute(select(*columns).select_from(table)).one())
    return prints


# --- The bodies every JSON route refuses, whatever it expects ----------------------------------
JSON = "application/json"
MALFORMED = {
    "not JSON": dict(data=b'{"reason": "x"', content_type=JSON),
    "JSON as text/plain": dict(data=b'{"reason": "x"}', content_type="text/plain"),
    "a form post": dict(data={"reason": "x"}),
    "a JSON array": dict(json=[{"reason": "x"}]),
    "a JSON string": dict(json="reason"),
    "a JSON number": dict(json=7),
    "JSON null": dict(data=b"null", content_type=JSON),
    "an unknown key": dict(json={"bogus": 1}),
    "deeply nested JSON": dict(data=b"[" * 100_000 + b"]" * 100_000, content_type=JSON),
}


@dataclass
class Route:
    """A custom write route, who may call it, and bodies that break its contract."""

    role: str
    path: str
    wrong_types: list = field(default_factory=list)  # bodies with a value of the wrong type
    missing: list = field(default_factory=list)  # bodies without a required field
    body_optional: bool = False  # no body at all is a valid call (a confirm, a cancel)


def routes(ids) -> dict[str, Route]:
    day = (TODAY - timedelta(days=1)).isoformat()
    return {
        "assessment confirm": Route("Leadership", f"/api/v1/assessment/confirm/{MONTH}",
                                    [{"version": "one"}, {"version": [1]}], body_optional=True),
        "assessment reopen": Route("Leadership", f"/api/v1/assessment/reopen/{MONTH}",
                                   [{"reason": 5}, {"reason": "x", "version": "one"}], [{}]),
        "assessment rate": Route("Admin", f"/api/v1/assessment/rate/{MONTH}", [
            {"rater_window_id": "one", "ratings": []},
            {"rater_window_id": ids["window"], "ratings": {"a": 1}},
            {"rater_window_id": ids["window"], "ratings": [[1]]},
            {"rater_window_id": ids["window"], "ratings": [
                {"rated_window_id": ids["window"], "attitude": "high", "efficiency": 90,
                 "quality": 90, "integrity": 90}]}],
            [{"ratings": []}, {"rater_window_id": ids["window"]}]),
        "complaint record": Route("Admin", "/api/v1/complaint/record", [
            {"channel": "phone", "window_id": "one", "content": "x"},
            {"channel": 5, "window_id": ids["window"], "content": "x"},
            {"channel": "phone", "window_id": ids["window"], "content": ["x"]},
            {"channel": "phone", "window_id": ids["window"], "content": "x", "major": "yes"},
            {"channel": "phone", "window_id": ids["window"], "content": "x",
             "other_window_ids": "2"},
            {"channel": "phone", "window_id": ids["window"], "content": "x",
             "received_on": 20260105}],
            [{"channel": "phone", "window_id": ids["window"]},
             {"channel": "phone", "content": "x"}]),
        "complaint answer": Route("Admin", f"/api/v1/complaint/{ids['complaint']}/answer", [
            {"answer": 5, "answer_form": "written"},
            {"answer": "x", "answer_form": ["written"]},
            {"answer": "x", "answer_form": "written", "version": [1]}],
            [{"answer_form": "written"}, {"answer": "x"}]),
        "complaint outcome": Route("Admin", f"/api/v1/complaint/{ids['complaint']}/outcome", [
            {"outcome": 1}, {"outcome": "verified", "gravity": 3},
            {"outcome": "not_verified", "about_attitude": "no"}], [{}]),
        "complaint escalation": Route("Admin",
                                      f"/api/v1/complaint/{ids['complaint']}/escalation",
                                      [{"step": "one"}, {"step": 1.5}], body_optional=True),
        "leave file": Route("Admin", "/api/v1/leave/file", [
            {"staff_id": "me", "kind": "personal", "start_day": day, "end_day": day},
            {"kind": "personal", "start_day": 20260105, "end_day": day},
            {"kind": "personal", "start_day": day, "end_day": day, "half_day_start": "yes"},
            {"kind": ["personal"], "start_day": day, "end_day": day}],
            [{"kind": "personal", "start_day": day}, {"kind": "personal", "end_day": day}]),
        "leave approve": Route("Approver", f"/api/v1/leave/{ids['leave']}/approve",
                               [{"note": 5}, {"version": "one"}]),
        "leave reject": Route("Approver", f"/api/v1/leave/{ids['leave']}/reject",
                              [{"note": ["no"]}, {"ab_override_reason": 1}]),
        "leave report back": Route("Admin", f"/api/v1/leave/{ids['leave']}/report-back",
                                   [{"returned_on": 20260105}, {"returned_on": "tomorrow"},
                                    {"returned_on": day, "reason": 5}], [{"reason": "x"}]),
        "leave revoke": Route("Approver", f"/api/v1/leave/{ids['leave']}/revoke",
                              [{"reason": 5}, {"reason": ["骗假"]}, {"reason": "x", "version": "one"}],
                              [{}, {"reason": ""}]),
        "leave cancel": Route("Admin", f"/api/v1/leave/{ids['leave']}/cancel",
                              [{"version": "one"}, {"version": {"v": 1}}], body_optional=True),
        "semiannual compute": Route("Admin", "/api/v1/semiannual/compute",
                                    [{"year": "2026", "half": 1}, {"year": 2026, "half": "1"},
                                     {"year": 2026.5, "half": 1}],
                                    [{"year": 2026}, {"half": 1}]),
        "semiannual confirm": Route("Leadership", "/api/v1/semiannual/confirm",
                                    [{"year": 2026, "half": True},
                                     {"year": 2026, "half": 1, "version": "one"}],
                                    [{"year": 2026}, {"half": 2}]),
        "semiannual choose": Route("Leadership", "/api/v1/semiannual/choose",  # SCORE-6
                                   [{"year": 2026, "half": 1, "staff_ids": 5},
                                    {"year": 2026, "half": 1, "staff_ids": ["a"]},
                                    {"year": 2026, "half": 1, "staff_ids": [True]},
                                    {"year": 2026, "half": 1, "staff_ids": [1],
                                     "version": "one"}],
                                   [{"year": 2026, "half": 1}, {"half": 1, "staff_ids": [1]}]),
        "semiannual entries": Route("Admin", "/api/v1/semiannual/entries",
                                    [{"year": 2026, "half": 1, "entries": {"staff_id": 1}},
                                     {"year": 2026, "half": 1, "entries": [[1]]},
                                     {"year": 2026, "half": 1, "entries": [],
                                      "version": "one"},
                                     {"year": "2026", "half": 1, "entries": []}],
                                    [{"year": 2026, "entries": []},
                                     {"half": 1, "entries": []}]),
        "case intake": Route("Admin", "/api/v1/case/intake", [
            {"item_id": "one", "case_class": "accepted"},
            {"item_id": ids["item"], "case_class": 3},
            {"item_id": ids["item"], "case_class": "accepted", "urgent": "yes"},
            {"item_id": ids["item"], "case_class": "accepted", "applicant": ["赵六"]},
            {"item_id": ids["item"], "case_class": "accepted", "fee_amount": "twenty"},
            {"item_id": ids["item"], "case_class": "accepted", "sub_tasks": {"window_id": 1}}],
            [{"case_class": "accepted"}, {"item_id": ids["item"]}]),
        "case action": Route("Admin", f"/api/v1/case/{ids['case']}/action/extend", [
            {"extension_days": "five", "reason": "x"}, {"extension_days": 5, "reason": 5},
            {"extension_days": 5, "reason": "x", "version": "one"}], body_optional=True),
        "case details": Route("Admin", f"/api/v1/case/{ids['case']}/details", [
            {"urgent": "yes"}, {"request": 5}, {"appointment_at": "soon"},
            {"appointment_at": 20261102}]),
        "score event record": Route("Admin", "/api/v1/score_event/record", [
            {"item_id": ids["deduction_item"], "day": day, "window_id": ids["window"],
             "evidence": "x", "points": [1]},
            {"item_id": ids["deduction_item"], "day": 20260105, "window_id": ids["window"],
             "evidence": "x"},
            {"item_id": "M1", "day": day, "window_id": ids["window"], "evidence": "x"},
            {"item_id": ids["deduction_item"], "day": day, "window_id": ids["window"],
             "evidence": 5}],
            [{"day": day, "window_id": ids["window"], "evidence": "x"},
             {"item_id": ids["deduction_item"], "window_id": ids["window"], "evidence": "x"},
             {"item_id": ids["deduction_item"], "day": day, "evidence": "x"},
             {"item_id": ids["deduction_item"], "day": day, "window_id": ids["window"]}]),
        "handover confirm": Route("Admin", f"/api/v1/handover/{ids['handover']}/confirm",
                                  [{"side": 5}, {"side": ["giver"]}, {"version": "one"}],
                                  body_optional=True),
        "duty log": Route("Admin", f"/api/v1/dutyshift/{ids['shift']}/log", [
            {"opened_hall": "yes"}, {"note": 5}, {"closed_up": 1}]),
    }


@pytest.fixture
def rows(app, db_session, make_user, window_a, window_b):
    """One row for each route that acts on one: a case, a complaint, a pending leave request
    (and a user holding its approver position), a handover, a duty day."""
    item = residence_permit_item(db_session, window_a, "B-001")
    case = register_intake(db_session, Intake(
        item_id=item.id, case_class="accepted", applicant=Applicant(name="赵六"),
        received={m.id: m.copies for m in item.materials}), CaseActor(username="seed"),
        clock_on(TODAY))
    complaint = record_complaint(db_session, ComplaintInput(
        channel="phone", window_id=window_a.id, content="态度生硬", anonymous=True),
        CaseActor(username="seed"),
        clock_on(TODAY))
    clerk = make_user("Clerk", window=window_a)
    partner = make_user("Clerk", window=window_b)
    staff = {user.id: db_session.scalars(select(Staff).filter_by(user_id=user.id)).one()
             for user in (clerk, partner)}
    start = TODAY + timedelta(days=30)
    leave = file_leave(db_session, LeaveInput(staff_id=staff[clerk.id].id, kind="personal",
                                              start_day=start, end_day=start,
                                              substitute_id=staff[partner.id].id,
                                              new_handover=True),
                       LeaveActor(user_id=clerk.id, staff=staff[clerk.id]),
                       clock_on(TODAY))
    handover = create_handover(db_session, staff[clerk.id].id, staff[partner.id].id,
                               HandoverContent(items="公章一枚"),
                               CaseActor(username="seed", roles=frozenset({OFFICE})),
                               clock_on(TODAY))
    shift = DutyShift(day=TODAY, staff=staff[clerk.id])
    db_session.add(shift)
    db_session.commit()
    return {"item": item.id, "case": case.id, "complaint": complaint.id, "leave": leave.id,
            "approver_position": leave.approver_position, "handover": handover.id,
            "shift": shift.id, "window": window_a.id,
            "deduction_item": db_session.scalars(select(DeductionItem.id)).first()}


@pytest.fixture
def headers_for(app, db_session, make_user, window_a, rows):
    """The bearer header of a fresh user of `role`; "Approver" holds the leave's approver
    position (LEAVE-2), so the decision routes read the body instead of answering 403."""
    def make(role: str) -> dict:
        user = make_user("Office" if role == "Approver" else role,
                         window=window_a if role in {"Clerk", "WindowHead"} else None)
        if role == "Approver":
            from app.rules.leave import APPROVER_POSITIONS

            staff = db_session.scalars(select(Staff).filter_by(user_id=user.id)).one()
            staff.position = sorted(APPROVER_POSITIONS[rows["approver_position"]])[0]
            db_session.commit()
        return bearer(app, user)

    return make


def assert_refused(response, what, expected=None):
    assert 400 <= response.status_code < 500, (what, response.status_code,
                                               response.get_data(as_text=True)[:300])
    if expected is not None:
        assert response.status_code == expected, (what, response.get_json())
    assert response.is_json, (what, response.get_data(as_text=True)[:300])
    message = response.get_json().get("message")
    assert message, (what, response.get_json())
    return message


ROUTE_NAMES = list(routes({key: 1 for key in ("window", "complaint", "leave", "item", "case",
                                               "deduction_item", "handover", "shift")}))


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_input_1_every_json_route_refuses_bad_bodies_with_a_json_message(app, db_session, rows,
                                                                        headers_for, name):
    route = routes(rows)[name]
    headers = headers_for(route.role)
    client = app.test_client()
    before = fingerprint(db_session)
    requests = dict(MALFORMED)
    if not route.body_optional:
        requests["no body"] = dict()
    requests.update({f"wrong type {body}": dict(json=body) for body in route.wrong_types})
    requests.update({f"missing field {body}": dict(json=body) for body in route.missing})
    for what, kwargs in requests.items():
        response = client.post(route.path, headers=headers, **kwargs)
        shape_error = what in MALFORMED and what != "an unknown key" or what == "no body"
        assert_refused(response, what, 400 if shape_error else None)
        assert fingerprint(db_session) == before, what


def test_input_1_a_form_post_on_the_session_cookie_is_400_not_an_empty_body(log_in, db_session):
    """Flask-WTF reads the form of a cookie-borne write for its CSRF token, which empties the
    stream: the body must still count as sent — an optional body read as {} would confirm."""
    leadership = log_in("Leadership")
    before = fingerprint(db_session)
    response = leadership.client.post(f"/api/v1/assessment/confirm/{MONTH}",
                                      data={"version": "1"}, headers=leadership.api_headers())
    message = assert_refused(response, "a form post", 400)
    assert message == {"_schema": [translated(NOT_JSON_TYPE)]}
    assert fingerprint(db_session) == before


def test_input_1_the_refusal_names_what_is_wrong_in_the_users_language(app, rows, headers_for):
    client, headers = app.test_client(), headers_for("Admin")
    url = "/api/v1/complaint/record"
    assert client.post(url, headers=headers, data=b"{", content_type=JSON).get_json() == {
        "message": {"_schema": [translated("The body is not valid JSON.")]}}
    assert client.post(url, headers=headers, json=[1]).get_json() == {
        "message": {"_schema": ["请发送 JSON 对象。"]}}
    assert client.post(url, headers=headers).get_json() == {
        "message": {"_schema": ["请发送 JSON 对象。"]}}
    many = {f"k{i:02d}": i for i in range(30)}
    unknown = client.post(url, headers=headers, json=many).get_json()["message"]["_schema"][0]
    assert "k09" in unknown and "k10" not in unknown and "…" in unknown  # a few, not all 30


# --- FAB's generic add, edit and delete read their body the same way ----------------------------
@pytest.mark.parametrize("what", ["not JSON", "JSON as text/plain", "a form post", "a JSON array",
                                  "a JSON string", "JSON null", "deeply nested JSON"])
def test_input_1_generic_writes_refuse_a_body_that_is_no_json_object(app, db_session, token_for,
                                                                     window_a, what):
    client, headers = app.test_client(), token_for("Admin")
    before = fingerprint(db_session)
    for method, url in [("post", "/api/v1/window/"), ("put", f"/api/v1/window/{window_a.id}"),
                        ("delete", f"/api/v1/window/{window_a.id}")]:
        response = getattr(client, method)(url, headers=headers, **MALFORMED[what])
        assert_refused(response, (method, what), 400)
        assert fingerprint(db_session) == before, (method, what)


def test_input_1_a_version_that_is_no_whole_number_is_400(app, db_session, token_for, window_a):
    """Before, `"version": "x"` was read as someone else's change (409)."""
    headers = token_for("Admin")
    before = fingerprint(db_session)
    response = app.test_client().put(f"/api/v1/window/{window_a.id}", headers=headers,
                                     json={"name": "九号窗口", "version": "x"})
    assert assert_refused(response, "version", 400) == {"version": ["请输入整数。"]}
    assert fingerprint(db_session) == before


# --- Uploads: the clock export (ATT-1) and the leave certificate (LEAVE-1) ---------------------
def multipart(**fields) -> dict:
    return dict(data=fields, content_type="multipart/form-data")


def broken_sheet_xlsx() -> bytes:
    """A sound .xlsx archive whose sheet XML is cut in half: openpyxl opens it, then fails
    while reading the rows."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["employee_no", "clocked_at"])
    book.active.append(["1001", "2026-11-02 08:07"])
    whole = io.BytesIO()
    book.save(whole)
    source, cut = zipfile.ZipFile(whole), io.BytesIO()
    with zipfile.ZipFile(cut, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[:len(data) // 2] if name.endswith("sheet1.xml") else data)
    return cut.getvalue()


def bad_uploads() -> dict:
    """Fresh each time: the test client closes the files it sent."""
    return {
        "no body": dict(),
        "a JSON body": dict(json={"file": "employee_no,clocked_at"}),
        "a file without a name": multipart(file=(io.BytesIO(b"employee_no,clocked_at\n"), "")),
        "the file as a text field": multipart(file="employee_no,clocked_at\n"),
        "a text field over the form memory limit": multipart(file="x" * 600_000),
        "more parts than a form may have": multipart(**{f"f{i}": "x" for i in range(1200)}),
    }


BAD_UPLOADS = list(bad_uploads())
BAD_CLOCK_FILES = {
    "an empty file": (b"", "c.csv"),
    "no header": (b"1001,2026-11-02 08:07\n", "c.csv"),
    "binary data": (bytes(range(256)), "c.csv"),
    "a cell past the csv module's field limit":
        (b'employee_no,clocked_at\n"' + b"x" * 200_000 + b'",2026-11-02 08:07\n', "c.csv"),
    "no workbook": (b"PK not a zip", "c.xlsx"),
    "a workbook whose sheet is cut": (broken_sheet_xlsx(), "c.xlsx"),
}


@pytest.mark.parametrize("what", BAD_UPLOADS + list(BAD_CLOCK_FILES))
def test_input_1_att_1_every_refused_import_is_json_under_file(app, db_session, token_for, what):
    kwargs = bad_uploads()[what] if what in BAD_UPLOADS else multipart(
        file=(io.BytesIO(BAD_CLOCK_FILES[what][0]), BAD_CLOCK_FILES[what][1]))
    headers = token_for("Office")
    before = fingerprint(db_session)
    response = app.test_client().post("/api/v1/clock_record/import", headers=headers, **kwargs)
    message = assert_refused(response, what, 400 if what in BAD_UPLOADS else 422)
    assert list(message) == ["file"] and isinstance(message["file"], list), message
    assert fingerprint(db_session) == before


def test_input_1_att_1_row_errors_are_a_json_list_and_nothing_is_imported(app, db_session,
                                                                          token_for):
    db_session.add(Staff(name="张三", employee_no="1001", unit="office"))
    db_session.commit()
    headers = token_for("Office")
    before = fingerprint(db_session)
    data = b"employee_no,clocked_at\n1001,2026-11-02 08:07\n4242,2026-11-02 08:00\n"
    response = app.test_client().post("/api/v1/clock_record/import", headers=headers,
                                      **multipart(file=(io.BytesIO(data), "c.csv")))
    message = assert_refused(response, "row errors", 422)
    assert message == {"file": ["未导入任何记录：1 行有错误。请更正后重新导入。"]}
    assert response.get_json()["errors"] == [{"row": 3, "message": "工号 4242 不存在。"}]
    assert fingerprint(db_session) == before


@pytest.mark.parametrize("what", BAD_UPLOADS + ["a version that is no number"])
def test_input_1_leave_1_a_certificate_upload_without_a_file_is_400(app, db_session, rows,
                                                                   headers_for, what):
    kwargs = bad_uploads()[what] if what in BAD_UPLOADS else multipart(
        file=(io.BytesIO(b"%PDF-1.4\n"), "c.pdf"), version="one")
    headers = headers_for("Admin")
    before = fingerprint(db_session)
    response = app.test_client().post(f"/api/v1/leave/{rows['leave']}/certificate",
                                      headers=headers, **kwargs)
    message = assert_refused(response, what, 400)
    assert list(message) == ["version" if what.startswith("a version") else "file"]
    assert fingerprint(db_session) == before


# --- Query strings and HTTP errors ---------------------------------------------------------------
@pytest.mark.parametrize("query,field", [
    ("month=11", "year"), ("year=2026", "month"), ("year=abc&month=11", "year"),
    ("year=2026&month=13", "month"), ("year=２０２６&month=11", "year"), ("year=--5&month=1", "year"),
    ("year=2_026&month=1", "year"),
    ("year=2026&month=11&window_id=0", "window_id"),
    ("year=2026&month=11&window_id=99999999999999999999999", "window_id"),
])
def test_input_1_att_2_a_month_query_of_the_wrong_kind_is_400_under_its_field(app, token_for,
                                                                             query, field):
    response = app.test_client().get(f"/api/v1/attendance/month?{query}",
                                     headers=token_for("Office"))
    assert list(assert_refused(response, query, 400)) == [field]


@pytest.mark.parametrize("query", ["start=abc", "start=2026-02-30", "end=1899-01-01",
                                   "start=2026-01-01&end=2025-01-01",
                                   "start=2026-01-01&end=2028-01-01"])
def test_input_1_roster_1_my_duty_days_refuse_bad_dates_with_json(app, token_for, query):
    response = app.test_client().get(f"/api/v1/dutyshift/mine?{query}", headers=token_for("Clerk"))
    assert_refused(response, query, 400)


def test_input_1_http_errors_under_the_api_are_json(app, log_in, db_session):
    """Werkzeug answers a wrong method or a missing CSRF token with an HTML page; an API
    client reads JSON."""
    office = log_in("Office")
    wrong_method = office.client.get("/api/v1/complaint/record")
    assert wrong_method.status_code == 405 and wrong_method.is_json
    before = fingerprint(db_session)
    no_csrf = office.client.post("/api/v1/complaint/record", json={"channel": "phone"})
    assert no_csrf.status_code == 400 and no_csrf.is_json and no_csrf.get_json()["message"]
    assert fingerprint(db_session) == before
    page = office.client.delete("/complaintview/list/")
    assert page.status_code == 405 and not page.is_json  # pages answer with the error page


# --- Issue #17: the schema checks the whole body and names each refused field -----------------
def test_input_1_the_schema_refuses_every_field_out_of_bounds_at_once_with_422(app, db_session,
                                                                             rows, headers_for):
    headers = headers_for("Admin")
    before = fingerprint(db_session)
    response = app.test_client().post("/api/v1/complaint/record", headers=headers,
                                      json={"channel": "fax", "window_id": rows["window"],
                                            "content": "长" * 10_001})
    message = assert_refused(response, "two values out of bounds", 422)
    assert set(message) == {"channel", "content"}
    assert message["content"] == [translated("Enter at most %(max)s characters (%(length)s "
                                             "entered).") % {"max": 10_000, "length": 10_001}]
    assert fingerprint(db_session) == before


def test_input_1_a_value_of_the_wrong_type_makes_the_refusal_a_400(app, rows, headers_for):
    """A wrong JSON type is the body's shape (400), even beside a value out of bounds."""
    response = app.test_client().post("/api/v1/complaint/record", headers=headers_for("Admin"),
                                      json={"channel": "fax", "window_id": "one",
                                            "content": "态度生硬"})
    assert set(assert_refused(response, "a wrong type", 400)) == {"channel", "window_id"}


def test_input_1_a_nested_objects_field_is_refused_under_object_field(app, rows, headers_for):
    response = app.test_client().post("/api/v1/case/intake", headers=headers_for("Admin"), json={
        "item_id": rows["item"], "case_class": "accepted",
        "applicant": {"name": "赵六", "phone": "1" * 31}})
    assert list(assert_refused(response, "a long phone", 422)) == ["applicant_phone"]
