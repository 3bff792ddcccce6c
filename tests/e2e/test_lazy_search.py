"""Issue #21: a list's search field loads its choices when the user opens it
(app/lazy_search.py, app/static/js/lazy_choices.js), in a real browser."""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.factories import residence_permit_item


def test_issue_21_the_service_item_filter_loads_its_choices_when_opened(
        page, db_session, make_user, window_a, browser_login):
    residence_permit_item(db_session, window_a, code="LAZY-1")
    user = make_user("Leadership")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    browser_login(page, user.username, PASSWORD)
    page.goto("/caseview/list/")
    assert "LAZY-1" not in page.content()  # not rendered with the page
    page.click("a.accordion-toggle")  # the search panel
    page.click("#filter_form .dropdown-toggle")
    page.click("#filter_form a.filter[name=item]")
    with page.expect_response(lambda r: "/searchchoices/" in r.url and r.status == 200):
        page.locator("#filter_form td.filter .select2-selection").last.click()
    page.wait_for_selector(".select2-results__option:has-text('居住证办理')")
    page.locator(".select2-results__option:has-text('居住证办理')").first.click()
    with page.expect_navigation():
        page.click("#filter_form button[type=submit]")
    assert "_flt_0_item=" in page.url
    assert errors == []
