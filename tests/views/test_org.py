"""ORG-1: a center has windows and its own units (综合科, 审批科, leadership); each staff member
belongs to one window or one unit — enforced in the staff form and the API alike."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.rules.errors import RuleViolation
from app.services.checks import check_staff_window
from models.org import STAFF_UNITS, Center, Staff, Window


def test_org_1_a_center_has_windows_and_the_units_staff_belong_to(db_session, window_a, window_b):
    center = db_session.scalars(select(Center)).one()
    windows = db_session.scalars(select(Window).where(Window.center_id == center.id)).all()
    assert {w.number for w in windows} == {"01", "02"}
    # The office (综合科), the approval section (审批科) and the director/deputies are units.
    assert STAFF_UNITS == ("window", "office", "section", "leadership")
    # One window at most: a single foreign key, no association table.
    assert [fk.column.table.name for fk in Staff.__table__.c.window_id.foreign_keys] == ["window"]


@pytest.mark.parametrize(("values", "refused"), [
    ({"unit": "window", "window": None}, True),
    ({"unit": "window", "window": "窗口01"}, False),
    ({"unit": "office", "window": None}, False),
    ({"unit": "section", "window": None}, False),
    ({"unit": "leadership", "window": None}, False),
])
def test_org_1_window_staff_must_belong_to_a_window(values, refused):
    if not refused:
        check_staff_window(values)
        return
    with pytest.raises(RuleViolation) as caught:
        check_staff_window(values)
    assert (caught.value.rule_id, caught.value.field) == ("ORG-1", "window")


def staff_count(db_session, name: str) -> int:
    return db_session.scalar(select(func.count(Staff.id)).where(Staff.name == name))


def test_org_1_staff_form_refuses_window_staff_without_a_window_and_saves_nothing(
        as_admin, db_session, window_a):
    form = {"name": "赵六", "unit": "window", "category": "civil_servant", "is_active": "y"}
    response = as_admin.post_form("/staffview/add", form)
    assert response.status_code == 200
    assert "窗口工作人员必须归属于某个窗口。" in response.get_data(as_text=True)
    assert staff_count(db_session, "赵六") == 0
    response = as_admin.post_form("/staffview/add", {**form, "window": str(window_a.id)})
    assert response.status_code == 302
    assert staff_count(db_session, "赵六") == 1


def test_org_1_staff_api_refuses_window_staff_without_a_window(as_admin, db_session):
    response = as_admin.client.post("/api/v1/staff/", json={"name": "钱七", "unit": "window"},
                                    headers=as_admin.api_headers())
    assert 400 <= response.status_code < 500
    assert staff_count(db_session, "钱七") == 0
    office = as_admin.client.post("/api/v1/staff/", json={"name": "孙八", "unit": "office"},
                                  headers=as_admin.api_headers())
    assert office.status_code == 201, office.get_json()
    assert staff_count(db_session, "孙八") == 1


def test_ab_1_a_post_cannot_have_one_person_as_both_a_and_b(as_office, db_session, window_a):
    from models.org import Post

    same = Staff(name="周一", unit="window", window=window_a)
    other = Staff(name="吴二", unit="window", window=window_a)
    db_session.add_all([same, other])
    db_session.commit()
    form = {"window": str(window_a.id), "name": "受理岗", "a_staff": str(same.id),
            "b_staff": str(same.id)}
    response = as_office.post_form("/postview/add", form)
    assert response.status_code == 200
    assert db_session.scalar(select(func.count(Post.id))) == 0
    response = as_office.post_form("/postview/add", {**form, "b_staff": str(other.id)})
    assert response.status_code == 302
    post = db_session.scalars(select(Post)).one()
    assert (post.a_staff_id, post.b_staff_id) == (same.id, other.id)


def test_leave_2_staff_have_a_position_for_routing_and_the_api_refuses_an_unknown_one(
        as_admin, db_session):
    response = as_admin.client.post("/api/v1/staff/", json={
        "name": "郑九", "unit": "leadership", "position": "emperor"},
        headers=as_admin.api_headers())
    assert 400 <= response.status_code < 500
    response = as_admin.client.post("/api/v1/staff/", json={
        "name": "郑九", "unit": "leadership", "position": "deputy_director"},
        headers=as_admin.api_headers())
    assert response.status_code == 201, response.get_json()
    staff = db_session.scalars(select(Staff).where(Staff.name == "郑九")).one()
    assert staff.position == "deputy_director"


def test_org_1_staff_without_an_employee_number_do_not_collide(as_admin, db_session):
    """ORG-1: the form sends an empty employee number; two such staff both save (no unique
    clash on ""), and the number is stored as none."""
    for name in ("吴九", "郑十"):
        response = as_admin.post_form("/staffview/add", {
            "name": name, "unit": "office", "category": "civil_servant", "employee_no": " ",
            "is_active": "y"})
        assert response.status_code == 302, name
    numbers = db_session.scalars(select(Staff.employee_no).where(
        Staff.name.in_(("吴九", "郑十")))).all()
    assert numbers == [None, None]
