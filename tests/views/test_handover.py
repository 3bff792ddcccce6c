"""HAND-1: handovers (工作交接) — the giver's unfinished cases filled from the data, valid only
when both parties confirm, each as their own user; pages and API alike."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.actor import Actor as CaseActor
from app.rules.errors import RuleViolation
from app.services.cases import Applicant, Intake, apply_action, register_intake
from app.services.handover import (HandoverContent, create_handover, handovers_awaiting,
                                   update_handover)
from models.audit import AuditLog
from models.handover import Handover
from models.org import Staff
from tests.factories import clock_on, published_fee, residence_permit_item, staff_of

TODAY = date(2026, 11, 18)  # a Wednesday, and the app's clock: one result on any day (#17)


@pytest.fixture(autouse=True)
def _fixed_today(center_now):
    center_now(TODAY)


@pytest.fixture
def item(db_session, window_a):
    return residence_permit_item(db_session, window_a, "H-001")


@pytest.fixture
def giver(log_in, window_a):
    return log_in("Clerk", window=window_a)


@pytest.fixture
def receiver(log_in, window_b):
    return log_in("Clerk", window=window_b)


@pytest.fixture
def case_of(db_session, item):
    def make(staff, closed=False):
        case = register_intake(
            db_session,
            Intake(item_id=item.id, case_class="accepted",
                   applicant=Applicant(name="赵六", phone="13912345678"),
                   received={m.id: m.copies for m in item.materials},
                   fee_amount=published_fee(item)),  # CASE-9: as the intake form prefills it
            CaseActor(username="seed", staff_id=staff.id), clock_on(TODAY))
        if closed:
            for action, params in [("approve", {}), ("deliver", {"collector": "赵六"}),
                                   ("close", {})]:
                apply_action(db_session, case, action, CaseActor(username="seed"),
                             clock_on(TODAY), **params)
        db_session.commit()
        return case
    return make


@pytest.fixture
def handover(db_session, giver, receiver, case_of):
    """A handover registered by the giver, with two open cases of the giver's."""
    g, r = staff_of(db_session, giver), staff_of(db_session, receiver)
    case_of(g)
    case_of(g)
    row = create_handover(db_session, g.id, r.id, HandoverContent(items="公章一枚", tasks="回访"),
                          CaseActor(username=giver.user.username, user_id=giver.user.id,
                                    staff_id=g.id), clock_on(TODAY))
    db_session.commit()
    return row


def confirm_page(actor, handover, side):
    return actor.post_form(f"/handoverview/confirm/{handover.id}/{side}",
                           {"version": handover.version},
                           form_url="/resetmypassword/form")  # any page with the token


def confirm_api(actor, handover, **body):
    return actor.client.post(f"/api/v1/handover/{handover.id}/confirm", json=body,
                             headers=actor.api_headers())


def fresh(db_session, handover) -> Handover:
    db_session.expire_all()
    return db_session.get(Handover, handover.id)


def test_hand_1_cases_filled_from_the_case_data_when_the_giver_registers(
        db_session, giver, receiver, case_of, window_a):
    g, r = staff_of(db_session, giver), staff_of(db_session, receiver)
    colleague = Staff(name="同事", unit="window", window=window_a)
    db_session.add(colleague)
    db_session.commit()
    open_one, open_two = case_of(g), case_of(g)
    case_of(g, closed=True)
    case_of(colleague)
    page = giver.get("/handoverview/create/").get_data(as_text=True)
    assert "handover-form" in page
    response = giver.post_form("/handoverview/create/", {
        "giver_id": str(g.id), "receiver_id": str(r.id), "items": "窗口钥匙", "documents": "",
        "tasks": "跟进两件"})
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db_session.scalars(select(Handover)).one()
    assert (row.giver_id, row.receiver_id, row.created_by_id) == (g.id, r.id, giver.user.id)
    assert {c.case_id for c in row.cases} == {open_one.id, open_two.id}
    listed = {c.number: c for c in row.cases}
    assert listed[open_one.number].item_name == "居住证办理"
    assert listed[open_one.number].deadline == open_one.deadline
    show = giver.get(response.headers["Location"]).get_data(as_text=True)
    assert open_one.number in show and "窗口钥匙" in show


def test_hand_1_a_clerk_cannot_register_a_handover_for_someone_else(db_session, giver, receiver):
    g, r = staff_of(db_session, giver), staff_of(db_session, receiver)
    response = receiver.post_form("/handoverview/create/", {"giver_id": str(g.id),
                                                            "receiver_id": str(r.id)})
    assert response.status_code in (200, 403)  # the giver is not among the choices, or 403
    assert db_session.scalars(select(Handover)).first() is None


def test_hand_1_valid_only_when_both_confirm(db_session, giver, receiver, handover):
    assert handovers_awaiting(db_session, handover.giver_id) == [handover]
    page = giver.get(f"/handoverview/show/{handover.id}").get_data(as_text=True)
    assert 'data-confirm="giver"' in page and 'data-confirm="receiver"' not in page
    assert confirm_page(giver, handover, "giver").status_code == 302
    row = fresh(db_session, handover)
    assert row.giver_confirmed_by_id == giver.user.id and not row.giver_on_behalf
    assert row.receiver_confirmed_at is None
    assert "data-handover=\"awaiting\"" in giver.get(f"/handoverview/show/{handover.id}").get_data(as_text=True)
    assert handovers_awaiting(db_session, handover.giver_id) == []
    assert handovers_awaiting(db_session, handover.receiver_id) == [row]
    answer = confirm_api(receiver, row, version=row.version)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["valid"] is True
    assert handovers_awaiting(db_session, handover.receiver_id) == []
    assert "data-handover=\"valid\"" in receiver.get(f"/handoverview/show/{handover.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["Office", "Admin", "Leadership"])
def test_hand_1_confirming_as_another_user_is_refused_even_office_and_admin(
        db_session, log_in, giver, receiver, handover, role):
    someone = log_in(role)
    answer = confirm_api(someone, handover, side="giver")
    assert answer.status_code in (403, 422)
    confirm_page(someone, handover, "receiver")
    row = fresh(db_session, handover)
    assert row.giver_confirmed_at is None and row.receiver_confirmed_at is None


def test_hand_1_the_receiver_cannot_sign_for_the_giver(db_session, receiver, handover):
    assert confirm_api(receiver, handover, side="giver").status_code == 422
    confirm_page(receiver, handover, "giver")
    assert fresh(db_session, handover).giver_confirmed_at is None


def test_hand_1_office_confirms_for_staff_without_login_recorded_on_behalf(
        db_session, log_in, giver, window_a):
    g = staff_of(db_session, giver)
    no_login = Staff(name="无账号人员", unit="window", window=window_a)
    db_session.add(no_login)
    db_session.commit()
    row = create_handover(db_session, g.id, no_login.id, HandoverContent(),
                          CaseActor(username="x", user_id=giver.user.id, staff_id=g.id),
                          clock_on(TODAY))
    db_session.commit()
    assert confirm_api(giver, row, side="receiver").status_code == 422
    office = log_in("Office")
    answer = confirm_api(office, row)
    assert answer.status_code == 200, answer.get_json()
    row = fresh(db_session, row)
    assert row.receiver_on_behalf and row.receiver_confirmed_by_id == office.user.id
    page = office.get(f"/handoverview/show/{row.id}").get_data(as_text=True)
    assert "无账号人员" in page


def test_hand_1_a_confirmed_handover_can_no_longer_be_changed(db_session, giver, handover):
    assert giver.post_form(f"/handoverview/change/{handover.id}",
                           {"items": "改过", "version": handover.version}).status_code == 302
    assert fresh(db_session, handover).items == "改过"
    confirm_page(giver, fresh(db_session, handover), "giver")
    row = fresh(db_session, handover)
    giver.post_form(f"/handoverview/change/{row.id}", {"items": "再改", "version": row.version})
    assert fresh(db_session, handover).items == "改过"
    with pytest.raises(RuleViolation) as raised:
        update_handover(db_session, row, HandoverContent(items="再改"))
    assert raised.value.rule_id == "HAND-1"
    db_session.rollback()


def test_hand_1_case_rows_are_editable_before_confirmation(db_session, giver, handover):
    first, second = handover.cases
    response = giver.post_form(f"/handoverview/change/{handover.id}", {
        "items": "公章一枚", "version": handover.version, f"note_{first.id}": "待补材料",
        f"remove_{second.id}": "1"})
    assert response.status_code == 302
    row = fresh(db_session, handover)
    assert [(c.id, c.note) for c in row.cases] == [(first.id, "待补材料")]


def test_hand_1_api_confirm_with_a_stale_version_is_409(db_session, giver, handover):
    stale = handover.version
    assert giver.post_form(f"/handoverview/change/{handover.id}",
                           {"items": "改过", "version": stale}).status_code == 302
    answer = giver.client.post(f"/api/v1/handover/{handover.id}/confirm",
                               json={"version": stale}, headers=giver.api_headers())
    assert answer.status_code == 409
    assert fresh(db_session, handover).giver_confirmed_at is None
    assert confirm_api(giver, handover, version=stale + 1).status_code == 200


def test_hand_1_api_answers_bad_bodies_with_4xx(giver, handover):
    """The body's shape (an unknown key, no object) is a 400; a side that is none of the
    documented choices a 422, like any value out of its bounds (app/api/schemas/common.py)."""
    headers = giver.api_headers()
    url = f"/api/v1/handover/{handover.id}/confirm"
    assert giver.client.post(url, json={"side": "boss"}, headers=headers).status_code == 422
    assert giver.client.post(url, json={"who": 1}, headers=headers).status_code == 400
    assert giver.client.post(url, json=[1], headers=headers).status_code == 400


def test_hand_1_only_the_parties_office_and_leadership_see_a_handover(
        db_session, log_in, window_a, giver, receiver, handover):
    stranger = log_in("Clerk", window=window_a)
    assert stranger.get(f"/handoverview/show/{handover.id}").status_code == 404
    assert stranger.client.get(f"/api/v1/handover/{handover.id}").status_code == 404
    assert stranger.client.get("/api/v1/handover/").get_json()["count"] == 0
    assert confirm_api(stranger, handover).status_code == 404
    for party in (giver, receiver, log_in("Office"), log_in("Leadership")):
        body = party.client.get("/api/v1/handover/").get_json()
        assert body["count"] == 1
        assert party.get(f"/handoverview/show/{handover.id}").status_code == 200
    detail = giver.client.get(f"/api/v1/handover/{handover.id}").get_json()["result"]
    assert len(detail["cases"]) == 2 and detail["items"] == "公章一枚"


def test_hand_1_changes_are_audited(db_session, giver, handover):
    """AUDIT-1: the handover and its case rows are in the trail."""
    confirm_page(giver, handover, "giver")
    db_session.expire_all()
    models = {row.model for row in db_session.scalars(select(AuditLog))}
    assert {"Handover", "HandoverCase"} <= models


# --- Access as a table: role × door → status (ORG-2, HAND-1) -------------------------------
ACCESS = [
    # role,        list page, API list, create page
    ("Admin",       200, 200, 200),
    ("Leadership",  200, 200, 403),
    ("Office",      200, 200, 200),
    ("SectionHead", 200, 200, 200),
    ("WindowHead",  200, 200, 200),
    ("Clerk",       200, 200, 200),
    (None,          302, 401, 302),
]


@pytest.mark.parametrize("role,list_page,api_list,create_page", ACCESS)
def test_hand_1_permission_table(role, list_page, api_list, create_page, log_in, public, window_a):
    client = public if role is None else log_in(
        role, window=window_a if role in ("WindowHead", "Clerk") else None).client
    assert client.get("/handoverview/list/").status_code == list_page
    assert client.get("/api/v1/handover/").status_code == api_list
    status = client.get("/handoverview/create/").status_code
    assert status == create_page or (create_page == 403 and status == 302)


def test_hand_1_the_service_itself_refuses_a_handover_for_someone_else(db_session, giver,
                                                                       receiver):
    """HAND-1: the giver registers their own handover, the general office anyone's — the
    service asks the policy, so no door (page, API, command) can register one for a colleague."""
    g, r = staff_of(db_session, giver), staff_of(db_session, receiver)
    colleague = CaseActor(username=receiver.user.username, user_id=receiver.user.id,
                          staff_id=r.id)
    with pytest.raises(RuleViolation) as refused:
        create_handover(db_session, g.id, r.id, HandoverContent(items="公章一枚"), colleague,
                        clock_on(TODAY))
    assert refused.value.rule_id == "HAND-1"
    db_session.rollback()
    assert db_session.scalars(select(Handover)).all() == []
