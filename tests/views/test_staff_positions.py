"""Four eyes on people's records (issue #18): a position (职务) decides what its holder approves
(LEAVE-2: leave by length; ATT-4: the deputy director's 补签单), so only an administrator
changes one — the office, which keeps the staff records, no longer makes a colleague (or
itself) an approver alone. Refused with a RuleViolation at every door: the staff page, the API,
the staff import. A new row may name a position: its rights come with a login, which only an
administrator links."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.policy.org import staff_change_violation
from app.rules.errors import RuleViolation
from models.org import Staff
from tests.factories import staff_form


@pytest.fixture
def colleague(db_session, make_user):
    """A clerk of the office, by login and staff row."""
    user = make_user("Clerk", username="colleague_clerk")
    staff = db_session.scalars(select(Staff).where(Staff.user_id == user.id)).one()
    staff.employee_no = "7001"
    db_session.commit()
    return staff


def position_of(db_session, staff_id) -> str:
    db_session.expire_all()
    return db_session.get(Staff, staff_id).position


@pytest.mark.parametrize("old, new, rule", [
    ("staff", "secretary", "LEAVE-2"),  # issue #18's example: approves leave over 3 days
    ("staff", "deputy_director", "LEAVE-2"),  # also ATT-4's 补签单
    ("office_head", "staff", "LEAVE-2"),  # taking the right away is a change as well
    ("staff", "town_head", "ORG-2"),  # informed only: still a position only Admin sets
])
def test_leave_2_only_an_administrator_changes_a_position(old, new, rule):
    violation = staff_change_violation(7, 7, old, new, roles={"Office"}, user_id=99)
    assert isinstance(violation, RuleViolation)
    assert (violation.rule_id, violation.field) == (rule, "position")
    assert staff_change_violation(7, 7, old, new, roles={"Admin"}, user_id=99) is None
    assert staff_change_violation(7, 7, old, old, roles={"Office"}, user_id=99) is None


def test_leave_2_a_new_staff_row_may_name_a_position_but_gets_no_login_from_the_office():
    """A new row (no login) grants nothing: the position's rights come with the login, which
    only an administrator links — the second pair of eyes."""
    assert staff_change_violation(None, None, None, "director", roles={"Office"}) is None
    violation = staff_change_violation(None, 5, None, "director", roles={"Office"})
    assert violation is not None and (violation.rule_id, violation.field) == ("ORG-2", "user")


def test_leave_2_the_office_cannot_make_a_colleague_secretary_through_the_api(
        as_office, colleague, db_session):
    """Issue #18: Office changed a colleague's position to secretary through
    PUT /api/v1/staff/<id> and so granted leave-approval rights."""
    response = as_office.client.put(f"/api/v1/staff/{colleague.id}", json={"position": "secretary"},
                                    headers=as_office.api_headers())
    assert response.status_code == 422, response.get_json()
    assert "只有系统管理员可以更改工作人员的职务" in response.get_json()["message"]["position"][0]
    assert position_of(db_session, colleague.id) == "staff"


def test_leave_2_the_office_cannot_make_a_colleague_secretary_on_the_staff_page(
        as_office, colleague, db_session):
    page = as_office.post_form(f"/staffview/edit/{colleague.id}",
                               staff_form(colleague, position="secretary"), follow_redirects=True)
    assert page.status_code == 200
    assert "只有系统管理员可以更改工作人员的职务" in page.get_data(as_text=True)
    assert position_of(db_session, colleague.id) == "staff"


def test_leave_2_the_office_cannot_make_a_colleague_secretary_by_import(
        as_office, colleague, db_session):
    csv = f"name,employee_no,unit,position\n{colleague.name},7001,office,secretary\n"
    response = as_office.post_form("/imports/staff/",
                                   {"file": (io.BytesIO(csv.encode()), "staff.csv")},
                                   content_type="multipart/form-data")
    assert response.status_code == 200
    assert position_of(db_session, colleague.id) == "staff"


def test_leave_2_the_office_cannot_make_its_new_approver_someone_with_a_login(
        as_office, db_session, make_user):
    """The office registers a new director's staff row, but linking a login to it (and so
    the right to approve) is the administrator's."""
    someone = make_user("Clerk", username="would_be_director")
    response = as_office.client.post("/api/v1/staff/", json={
        "name": "新书记", "unit": "leadership", "position": "secretary"},
        headers=as_office.api_headers())
    assert response.status_code == 201, response.get_json()
    row = db_session.scalars(select(Staff).where(Staff.name == "新书记")).one()
    page = as_office.post_form(f"/staffview/edit/{row.id}",
                               staff_form(row, user=str(someone.id)), follow_redirects=True)
    assert "只有系统管理员可以为工作人员关联或解除登录账号" in page.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Staff, row.id).user_id is None


def test_leave_2_the_office_still_edits_a_colleagues_other_fields(as_office, colleague, db_session):
    response = as_office.client.put(f"/api/v1/staff/{colleague.id}", json={"phone": "13912345678"},
                                    headers=as_office.api_headers())
    assert response.status_code == 200, response.get_json()
    db_session.expire_all()
    assert db_session.get(Staff, colleague.id).phone == "13912345678"


def test_leave_2_an_administrator_changes_positions(as_admin, colleague, db_session):
    response = as_admin.client.put(f"/api/v1/staff/{colleague.id}", json={"position": "secretary"},
                                   headers=as_admin.api_headers())
    assert response.status_code == 200, response.get_json()
    assert position_of(db_session, colleague.id) == "secretary"
