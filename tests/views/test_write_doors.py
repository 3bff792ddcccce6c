"""Every write goes through the rules (issue #9): no generic door to rule-bearing rows, the
details of a case change through its service, and rows still in use are not deleted.

CASE-4 (cases change only by their actions), CASE-7 (sub-tasks), NEG-* (refusal reports),
AUDIT-1 (the trail), PRIV-1/PRIV-2 (details), ORG-1 (references), ORG-2 (every role).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.actor import Actor
from app.rules import case_states as cs
from app.services.cases import apply_action
from models.audit import AuditLog
from models.cases import (Case, CaseAnnotation, CaseMaterial, CaseNotice, CaseSubTask,
                          CaseTransition, NoticeMaterial, NoticeViolation, RefusalReport)
from models.catalogue import ServiceItem
from models.complaints import Complaint, ComplaintWindow
from models.deductions import Dereliction
from models.scoring import ScoreEvent
from models.handover import Handover, HandoverCase
from models.meetings import Meeting, MeetingAttendance
from models.leave import LeaveNotification, LeaveRequest
from models.org import Staff, Window
from models.roster import DutyOrder, DutyShift
from models.semiannual import SemiannualAssessment, SemiannualEntry, SemiannualItem
from tests.factories import clock_on

# Rows that carry rules: only the domain's own pages and endpoints write them.
RULE_BEARING = {Case, CaseSubTask, CaseNotice, CaseTransition, CaseMaterial, CaseAnnotation,
                NoticeMaterial, NoticeViolation, RefusalReport, AuditLog, DutyShift, DutyOrder,
                Meeting, MeetingAttendance,  # ROSTER-1/2, MEET-1
                LeaveRequest, LeaveNotification,  # LEAVE-1..4
                Handover, HandoverCase,  # HAND-1
                Complaint, ComplaintWindow,  # COMP-1..4
                SemiannualAssessment, SemiannualEntry, SemiannualItem,  # SCORE-5/6
                ScoreEvent, Dereliction}  # SCORE-1, FAULT-1
GENERIC_WRITES = {"add", "edit", "delete", "action", "action_post", "download",  # ModelView
                  "post", "put"}  # ModelRestApi ("delete" above serves both)
# The domain's own write routes on those doors, each running a service with its rules.
DOMAIN_WRITES = {"intake", "act", "annotate", "details", "complete", "file", "review",
                 "escalate", "informed",
                 "generate", "order", "reassign", "substitute", "log",  # ROSTER-1/2
                 "attendance", "minutes",  # MEET-1
                 # LEAVE-1..3: file, decide (approve/reject), 销假, cancel, certificate,
                 # revoke (obtained by deception, LEAVE-1/ATT-3), and the acknowledgement of a
                 # leave filed on one's behalf (LEAVE-1)
                 "decide", "approve", "reject", "report_back", "cancel", "certificate", "revoke",
                 "acknowledge",
                 "create", "change", "confirm", "refill",  # HAND-1 (handovers)
                 "record", "answer", "outcome", "escalation",  # COMP-1..4 (complaints)
                 # SCORE-5/6, pages and API (create, confirm above)
                 "compute", "entries", "praise", "unpraise", "choose",
                 "record", "correct", "remove",  # SCORE-1, FAULT-1 ("generate" above)
                 # Issue #19: the search by applicant posts (the value stays out of URLs and
                 # logs, PRIV-1) and writes nothing.
                 "applicant"}
EXPECTED_DOORS = {"CaseView", "CaseQueueView", "OverdueCaseView", "DueSoonCaseView",
                  "ConsultationRegisterView", "NoticeViolationView", "CaseSubTaskView",
                  "RefusalReportView", "AuditLogView", "CaseApi", "DutyShiftView", "DutyShiftApi",
                  "MeetingView", "MeetingApi",  # MEET-1
                  "LeaveRequestView", "LeaveApi",  # LEAVE-1..4
                  "HandoverView", "HandoverApi",  # HAND-1
                  "ComplaintView", "ComplaintApi",  # COMP-1..4
                  "SemiannualView", "SemiannualApi",  # SCORE-5/6
                  "ScoreEventView", "ScoreEventApi", "DerelictionView", "DerelictionApi"}
ROLES = ["Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk", None]
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def rule_bearing_doors(app):
    """The registered views and APIs whose model carries rules."""
    for view in app.appbuilder.baseviews:
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if model in RULE_BEARING:
            yield view


def routes_of(app, view):
    """(method name, url rule) of every route the view or API registered."""
    prefix = f"{view.endpoint}."
    return [(rule.endpoint[len(prefix):], rule) for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(prefix)]


def test_case_4_every_rule_bearing_view_and_api_is_found(app):
    """The walk below is not vacuous: every known door to rule-bearing rows is in it."""
    assert EXPECTED_DOORS <= {type(view).__name__ for view in rule_bearing_doors(app)}


def test_case_4_no_generic_write_route_is_registered_on_rule_bearing_models(app):
    """CASE-4/CASE-7/AUDIT-1: FAB's add/edit/delete (views) and post/put/delete (APIs) are
    not registered for any model that carries rules; their writes are the domain's own."""
    for view in rule_bearing_doors(app):
        name = type(view).__name__
        assert view.include_route_methods is not None, f"{name} lists no include_route_methods"
        routes = routes_of(app, view)
        assert routes, f"{name} registered nothing"
        for method, rule in routes:
            assert method not in GENERIC_WRITES, f"{name} serves {rule.rule} ({method})"
            if set(rule.methods) & WRITE_METHODS:
                assert method in DOMAIN_WRITES, f"{name} writes through {rule.rule} ({method})"


def _client_and_token(role, log_in, public, window_a):
    """The role's client and a valid CSRF token, so a refusal is the route's, not the token's."""
    if role is None:
        return public, ""
    actor = log_in(role, window=window_a if role in ("WindowHead", "Clerk") else None)
    return actor.client, actor.api_headers()["X-CSRFToken"]


def _generic_urls(app, pk: int):
    for view in rule_bearing_doors(app):
        base = view.route_base
        if getattr(view, "resource_name", None):  # an API
            yield from [("POST", f"{base}/"), ("PUT", f"{base}/{pk}"), ("DELETE", f"{base}/{pk}")]
        else:
            yield from [("GET", f"{base}/add"), ("POST", f"{base}/add"),
                        ("GET", f"{base}/edit/{pk}"), ("POST", f"{base}/edit/{pk}"),
                        ("GET", f"{base}/delete/{pk}"), ("POST", f"{base}/delete/{pk}"),
                        ("POST", f"{base}/action_post"), ("GET", f"{base}/action/x/{pk}")]


@pytest.mark.parametrize("role", ROLES)
def test_org_2_no_role_reaches_a_generic_write_of_rule_bearing_rows(
        role, app, log_in, public, window_a, db_session, item, case_of):
    """ORG-2 × CASE-4: whoever asks, the generic doors answer 404/405 and nothing changes."""
    case = case_of(item)
    client, token = _client_and_token(role, log_in, public, window_a)
    forged = {"number": "FAKE-1", "state": "closed", "csrf_token": token}
    for method, url in _generic_urls(app, case.id):
        status = client.open(url, method=method, data=forged,
                             headers={"X-CSRFToken": token}).status_code
        assert status in (404, 405), f"{role} {method} {url}: {status}"
    db_session.expire_all()
    assert db_session.get(Case, case.id).state == cs.ACCEPTED


def test_case_4_lists_of_rule_bearing_rows_show_no_add_edit_or_delete_button(
        app, as_admin, item, case_of):
    case_of(item)
    for view in rule_bearing_doors(app):
        if getattr(view, "resource_name", None):
            continue
        html = as_admin.get(f"{view.route_base}/list/").get_data(as_text=True)
        for door in ("/add", "/edit/", "/delete/"):
            assert f"{view.route_base}{door}" not in html, f"{type(view).__name__} links {door}"


# --- The details door of the API: POST /api/v1/case/<pk>/details (CASE-4, PRIV-1/2) ---------
def _details(actor, case, body):
    return actor.client.post(f"/api/v1/case/{case.id}/details", json=body,
                             headers=actor.api_headers())


def test_case_4_api_changes_the_details_through_the_service(log_in, db_session, window_a, item, case_of):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    response = _details(clerk, case, {"applicant_phone": "139 1234 0000", "urgent": True,
                                      "appointment_at": "2026-11-20T09:30"})
    assert response.status_code == 200, response.get_json()
    assert sorted(response.get_json()["changed"]) == ["applicant_phone", "appointment_at", "urgent"]
    db_session.expire_all()
    changed = db_session.get(Case, case.id)
    assert (changed.applicant_phone, changed.urgent) == ("13912340000", True)
    assert changed.appointment_at.isoformat() == "2026-11-20T01:30:00+00:00"


def test_priv_2_api_bad_phone_in_the_details_is_422_and_saves_nothing(log_in, db_session, window_a,
                                                                      item, case_of):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    response = _details(clerk, case, {"applicant_phone": "12345", "request": "改"})
    assert response.status_code == 422 and "applicant_phone" in response.get_json()["message"]
    response = _details(clerk, case, {"applicant_address": "路" * 201})
    assert response.status_code == 422 and "applicant_address" in response.get_json()["message"]
    assert _details(clerk, case, {"number": "FAKE-1"}).status_code == 400
    assert _details(clerk, case, {"urgent": "yes"}).status_code == 400
    db_session.expire_all()
    unchanged = db_session.get(Case, case.id)
    assert (unchanged.applicant_phone, unchanged.request, unchanged.number) == (
        "13912345678", None, case.number)


def test_case_4_api_refuses_the_details_of_a_closed_case(log_in, db_session, window_a, item, case_of):
    case = case_of(item)
    actor, when = Actor(username="seed"), clock_on(date(2026, 11, 3))
    for action, params in [(cs.APPROVE, {}), (cs.DELIVER, {"collector": "赵六"}), (cs.CLOSE, {})]:
        apply_action(db_session, case, action, actor, when, **params)
    db_session.commit()
    response = _details(log_in("Clerk", window=window_a), case, {"request": "改"})
    assert response.status_code == 422
    assert "只能添加备注" in str(response.get_json()["message"])


def test_priv_1_api_admin_may_not_overwrite_the_masked_phone(log_in, db_session, item, case_of):
    case = case_of(item)
    admin = log_in("Admin")
    assert _details(admin, case, {"applicant_phone": "13800000000"}).status_code == 403
    assert _details(admin, case, {"request": "补办"}).status_code == 200
    db_session.expire_all()
    assert db_session.get(Case, case.id).applicant_phone == "13912345678"


def test_org_2_api_details_of_another_windows_case_are_not_found(log_in, window_b, item, case_of):
    case = case_of(item)
    assert _details(log_in("Clerk", window=window_b), case, {"request": "改"}).status_code == 404


# --- Rows still in use are not deleted (ORG-1), on SQLite as on PostgreSQL -----------------
def test_org_1_the_database_itself_refuses_an_orphaning_delete(db_session, window_a, item, case_of):
    """Foreign keys are enforced on SQLite too (PRAGMA foreign_keys=ON per connection)."""
    case_of(item)
    with pytest.raises(IntegrityError):
        db_session.execute(ServiceItem.__table__.delete().where(ServiceItem.id == item.id))
        db_session.flush()
    db_session.rollback()


def test_org_1_view_refuses_to_delete_a_window_still_used_and_says_by_what(
        log_in, db_session, window_a, item, case_of):
    case_of(item)
    db_session.add(Staff(name="王五", window=window_a, unit="window"))
    db_session.commit()
    admin = log_in("Admin")
    response = admin.post_form(f"/windowview/delete/{window_a.id}", {},
                               form_url="/windowview/list/", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "该窗口仍被" in html and "1 个办件" in html and "1 名工作人员" in html and "不能删除" in html
    db_session.expire_all()
    assert db_session.get(Window, window_a.id) is not None


def test_org_1_api_refuses_to_delete_an_item_whose_materials_cases_received(
        log_in, db_session, item, case_of):
    """The item's materials go with it, so the cases' received materials count too."""
    case_of(item)
    admin = log_in("Admin")
    response = admin.client.delete(f"/api/v1/service_item/{item.id}", headers=admin.api_headers())
    assert response.status_code == 409
    message = response.get_json()["message"]
    assert "该服务事项仍被" in message and "1 个办件" in message and "2 条办件收件材料" in message
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id) is not None


def test_org_1_a_row_nothing_uses_is_still_deleted(log_in, db_session, make_window):
    spare = make_window("09", "备用窗口")
    admin = log_in("Admin")
    response = admin.client.delete(f"/api/v1/window/{spare.id}", headers=admin.api_headers())
    assert response.status_code == 200, response.get_json()
    db_session.expire_all()
    assert db_session.get(Window, spare.id) is None


# --- Reference data: the API runs the view's rule checks (one rule, two doors) ------------
def test_org_1_reference_data_apis_run_the_same_rule_checks_as_their_views(app):
    views = {view.datamodel.obj: view for view in app.appbuilder.baseviews
             if hasattr(view, "rule_checks") and not hasattr(view, "resource_name")}
    for api in app.appbuilder.baseviews:
        if not hasattr(api, "resource_name") or not hasattr(api, "rule_checks"):
            continue
        view = views.get(api.datamodel.obj)
        if view is not None:
            assert tuple(api.rule_checks) == tuple(view.rule_checks), type(api).__name__


def test_priv_2_staff_api_refuses_a_bad_phone_like_the_form(log_in, db_session, window_a):
    office = log_in("Office")
    response = office.client.post("/api/v1/staff/", headers=office.api_headers(), json={
        "name": "钱七", "unit": "window", "window": window_a.id, "phone": "12345"})
    assert response.status_code == 422 and "phone" in response.get_json()["message"]
    response = office.client.post("/api/v1/staff/", headers=office.api_headers(), json={
        "name": "钱七", "unit": "window", "phone": "13912345678"})
    assert response.status_code == 422 and "window" in response.get_json()["message"]
    assert db_session.scalar(select(Staff).where(Staff.name == "钱七")) is None


@pytest.mark.parametrize("body, status", [
    ({"applicant_address": "路" * 201}, 422),
    ({"request": "改\x00"}, 422),
    ({"appointment_at": "9999-12-31T09:00"}, 422),
    ({"appointment_at": "明天上午"}, 422),
    ({"urgent": "yes"}, 400),
    ({"request": 5}, 400),
    ({"bogus": 1}, 400),
])
def test_case_4_api_details_are_bounded_like_an_intake(log_in, db_session, window_a, item,
                                                       case_of, body, status):
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    response = _details(clerk, case, body)
    assert response.status_code == status, response.get_json()
    db_session.expire_all()
    unchanged = db_session.get(Case, case.id)
    assert (unchanged.request, unchanged.urgent, unchanged.appointment_at) == (None, False, None)
