"""Lists keep one order on PostgreSQL too: no page, select box or API page takes the order in
which the database happens to return rows. SQLite returns rows without ORDER BY in the order
the test stored them; `unordered_reversed` turns that round, so such a list fails here too."""

from __future__ import annotations

import re

from flask_appbuilder import ModelView
from flask_appbuilder.api import ModelRestApi

from models.org import Post, Staff


def test_every_list_page_and_api_list_has_a_default_order(app):
    """A paged list without ORDER BY shows other rows on page 2 each time on PostgreSQL (and
    the rows of a page in another order after any edit): each names its `base_order`, or
    orders itself (the work queue's CASE-8 order)."""
    unordered = [type(view).__name__ for view in app.appbuilder.baseviews
                 if isinstance(view, (ModelView, ModelRestApi))
                 and not view.base_order and not getattr(view.datamodel, "fixed_order", None)]
    assert unordered == []


def window_options(html: str) -> list[str]:
    select = re.search(r'<select[^>]*name="window".*?</select>', html, flags=re.S).group(0)
    return re.findall(r'<option[^>]*value="\d+"[^>]*>([^<]*)</option>', select)


def test_org_1_a_form_offers_the_windows_by_number(as_admin, make_window, unordered_reversed):
    """FAB fills a relationship's select box from a query without ORDER BY."""
    for number in ("02", "03", "01"):
        make_window(number, f"{number}号窗口")
    html = as_admin.get("/staffview/add").get_data(as_text=True)
    assert window_options(html) == ["01 01号窗口", "02 02号窗口", "03 03号窗口"]


def test_org_1_the_api_lists_windows_by_number(as_admin, make_window, unordered_reversed):
    for number in ("02", "03", "01"):
        make_window(number)
    body = as_admin.get("/api/v1/window/").get_json()
    assert [row["number"] for row in body["result"]] == ["01", "02", "03"]


def test_ab_2_the_handover_receiver_offered_is_the_b_of_the_givers_first_post(
        app, db_session, window_a, unordered_reversed):
    """AB-2: A of two posts with different B's: always the first post's B, not whichever
    row the database returns first."""
    from app.views.handover import default_receiver

    a, first_b, second_b = (Staff(name=name, unit="window", window=window_a)
                            for name in ("甲", "乙", "丙"))
    db_session.add_all([a, first_b, second_b])
    db_session.flush()
    db_session.add_all([Post(window=window_a, name="受理岗", a_staff=a, b_staff=first_b),
                        Post(window=window_a, name="出件岗", a_staff=a, b_staff=second_b)])
    db_session.commit()
    assert default_receiver(a) == first_b.id


def test_org_2_a_users_roles_are_listed_in_one_order(app):
    """A user's roles come from an association table (no order on PostgreSQL)."""
    from app.security import translated_names

    sm = app.appbuilder.sm
    with app.test_request_context("/"):
        roles = [sm.find_role("Office"), sm.find_role("Admin")]
        assert translated_names(roles) == translated_names(roles[::-1])
