"""Issue #20: the navbar is one row at 1366 × 768 for every role (six menus grouped by task,
the case-number box of issue #19 beside them), and the box opens a case typed loosely."""

from __future__ import annotations

from datetime import date

import pytest

from app.actor import Actor
from app.services.cases import Applicant, Intake, register_intake
from tests.conftest import PASSWORD
from tests.factories import clock_on, residence_permit_item

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}
ROLES = ["Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk"]


def navbar_rows(page) -> dict:
    """The navbar's height and the distinct tops of its top-level entries (one row: one top)."""
    return page.evaluate("""() => {
        const bar = document.querySelector('.navbar');
        const tops = [...bar.querySelectorAll('.navbar-nav > li, .navbar-brand')]
            .filter(el => el.offsetParent !== null)
            .map(el => Math.round(el.getBoundingClientRect().top / 8));
        return {height: bar.getBoundingClientRect().height, rows: [...new Set(tops)].length};
    }""")


@pytest.mark.parametrize("role", ROLES)
def test_issue_20_navbar_is_one_row_at_1366(page, shot, offline_check, browser_login, make_user,
                                            center, window_a, role):
    page.set_viewport_size(LAPTOP)
    user = make_user(role, window=window_a if role in ("WindowHead", "Clerk") else None)
    browser_login(page, user.username, PASSWORD)
    measured = navbar_rows(page)
    shot(page, f"navbar-1366-{role}")
    assert measured["rows"] == 1, f"{role}: the navbar wraps onto {measured['rows']} rows"
    assert measured["height"] < 60, f"{role}: the navbar is {measured['height']} px high"
    assert page.locator(".navbar .navbar-nav:not(.navbar-right) > li.dropdown").count() <= 8
    offline_check()


def test_issue_19_header_box_opens_a_case_typed_without_leading_zeros(
        page, browser_login, make_user, center, window_a, db_session):
    item = residence_permit_item(db_session, window_a)
    case = register_intake(
        db_session, Intake(item_id=item.id, case_class="accepted",
                           received={m.id: m.copies for m in item.materials},
                           applicant=Applicant(name="赵六", phone="13912345678")),
        Actor(username="clerk01"), clock_on(date(2026, 11, 2)))
    db_session.commit()
    clerk = make_user("Clerk", window=window_a)
    browser_login(page, clerk.username, PASSWORD)
    prefix, year, seq = case.number.split("-")
    # The navbar holds no "form [type=submit]": a page's own form stays the first one.
    assert page.locator(".navbar form [type=submit]").count() == 0
    page.fill("#case-number-box", f"{prefix.lower()} {year} {int(seq)}")
    with page.expect_navigation():
        page.click(".case-box button[type=submit]")
    assert page.url.endswith(f"/caseview/show/{case.id}")
    assert case.number in page.locator("body").inner_text()
