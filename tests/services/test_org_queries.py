"""The windows and staff many pages list (issue #17, ORG-1, AB-2): one function each, one order
everywhere — windows by number, people by name, the id last — which holds on PostgreSQL too
(`unordered_reversed` turns SQLite's insertion order round, so a list leaning on it fails)."""

from __future__ import annotations

from app.services import org_queries
from models.org import Center, Post, Staff, Window
from tests.factories import rewritten


def people(db_session, *specs) -> list[Staff]:
    rows = [Staff(name=name, unit="window" if window else "office", window=window,
                  is_active=active) for name, window, active in specs]
    db_session.add_all(rows)
    db_session.commit()
    return rows


def test_org_1_windows_by_number_the_active_ones_unless_asked_for_all(
        db_session, make_window, unordered_reversed):
    second, closed, first = (make_window(n) for n in ("02", "03", "01"))
    closed.is_active = False
    db_session.commit()
    assert org_queries.windows(db_session) == [first, second]
    assert org_queries.windows(db_session, active_only=False) == [first, second, closed]


def test_org_1_windows_of_the_same_number_keep_their_order_by_id(
        db_session, make_window, unordered_reversed):
    here = make_window("01")
    other_center = Center(name="另一中心", address="路2号", service_phone="1", complaint_phone="2")
    there = Window(center=other_center, number="01", name="01号窗口", department="县税务局")
    db_session.add(there)
    db_session.commit()
    rewritten(db_session, here)
    assert org_queries.windows(db_session) == [here, there]


def test_org_1_active_staff_by_name_namesakes_by_id_the_inactive_left_out(
        db_session, window_a, unordered_reversed):
    wang, li_first, gone, li_second = people(
        db_session, ("王五", window_a, True), ("李四", window_a, True), ("张三", window_a, False),
        ("李四", None, True))
    rewritten(db_session, li_first)
    assert org_queries.active_staff(db_session) == [li_first, li_second, wang]
    assert gone not in org_queries.active_staff(db_session)


def test_org_2_active_staff_of_one_window_or_of_a_scope(db_session, window_a, window_b):
    a1, b1, a2 = people(db_session, ("甲", window_a, True), ("乙", window_b, True),
                        ("丙", window_a, True))
    assert set(org_queries.active_staff(db_session, window_a.id)) == {a1, a2}
    assert org_queries.active_staff(db_session, staff_ids=[b1.id]) == [b1]
    assert org_queries.active_staff(db_session, staff_ids=[]) == []


def test_org_1_active_staff_by_window_number_then_name_without_a_window_last(
        db_session, make_window, unordered_reversed):
    second, first = make_window("02"), make_window("01")
    office, b_second, a_second, a_first = people(
        db_session, ("办公室", None, True), ("王五", second, True), ("李四", second, True),
        ("赵六", first, True))
    rows = org_queries.active_staff(db_session, by_window=True)
    assert rows == [a_first, a_second, b_second, office]
    assert [s.window.number if s.window else None for s in rows] == ["01", "02", "02", None]


def test_leave_1_active_staff_with_their_logins_roles_loaded(app, db_session, make_user):
    user = make_user("Admin")
    rows = org_queries.active_staff(db_session, with_logins=True)
    staff = next(s for s in rows if s.user_id == user.id)
    assert "user" in staff.__dict__  # loaded with the row, not on first use
    assert [role.name for role in staff.user.roles] == ["Admin"]


def test_names_and_windows_by_staff_id(db_session, window_a):
    a, office = people(db_session, ("甲", window_a, True), ("办公室", None, False))
    assert org_queries.names_by_id(db_session, {a.id, office.id}) == {a.id: "甲", office.id: "办公室"}
    assert org_queries.window_ids_by_staff(db_session, [a.id, office.id]) == {
        a.id: window_a.id, office.id: None}
    assert org_queries.names_by_id(db_session, []) == {}
    assert org_queries.window_ids_by_staff(db_session, set()) == {}


def test_ab_2_the_first_backup_is_the_b_of_the_first_post(db_session, window_a,
                                                          unordered_reversed):
    a, first_b, second_b, alone = people(db_session, ("甲", window_a, True),
                                         ("乙", window_a, True), ("丙", window_a, True),
                                         ("丁", window_a, True))
    db_session.add_all([Post(window=window_a, name="受理岗", a_staff=a, b_staff=first_b),
                        Post(window=window_a, name="出件岗", a_staff=a, b_staff=second_b),
                        Post(window=window_a, name="咨询岗", a_staff=alone, b_staff=None)])
    db_session.commit()
    assert org_queries.first_backup_of(db_session, a.id) == first_b.id
    assert org_queries.first_backup_of(db_session, alone.id) is None
