"""Accessibility as a test (issue #19): axe-core 4.x on the pages the front desk lives in, as
the roles that use them — the intake form (新建办件), the leave form, the case list, the
applicant search, the case page, the public guide and the public lookup — failing on any
critical or serious violation; a skip link first on every staff page; visible focus."""

from __future__ import annotations

from datetime import date

import pytest

from app.actor import Actor
from app.services.cases import Applicant, Intake, register_intake
from models.catalogue import ItemMaterial, ServiceItem
from tests.conftest import PASSWORD
from tests.e2e.axe import assert_no_serious_violations
from tests.factories import clock_on

pytestmark = pytest.mark.e2e
DESK = {"width": 1366, "height": 768}
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def desk(db_session, window_a, window_b, make_user):
    """A window with an item of two materials, a case, and its clerk."""
    item = ServiceItem(code="A-001", name="居住证办理", window=window_a, kind="promised",
                       promised_days=5, statutory_days=15, fee_item="工本费",
                       fee_standard=None, conditions="在本地居住半年以上", procedure="受理、审核、发证")
    item.materials = [ItemMaterial(name="居民身份证", form="original", copies=1, mandatory=True, sort_order=1),
                      ItemMaterial(name="租房合同", form="copy", copies=1, mandatory=False, sort_order=2)]
    db_session.add(item)
    db_session.commit()
    case = register_intake(
        db_session, Intake(item_id=item.id, case_class="accepted",
                           applicant=Applicant(name="赵六", id_number=ID_NUMBER, phone="13912345678"),
                           received={m.id: 1 for m in item.materials}),
        Actor(username="seed"), clock_on(date(2026, 11, 2)))
    db_session.commit()
    clerk = make_user("Clerk", username="clerk_axe", window=window_a)
    return item, case, clerk


@pytest.fixture
def desk_page(page):
    page.set_viewport_size(DESK)
    return page


def staff_pages(item, case):
    return {
        "intake-form": f"/caseview/intake/?item={item.id}",
        "leave-form": "/leaverequestview/file/",
        "case-list": "/caseview/list/",
        "applicant-search": "/caseview/applicant/",
        "case-page": f"/caseview/show/{case.id}",
    }


def test_issue_19_axe_finds_nothing_serious_on_the_clerks_pages(desk_page, desk, shot, browser_login):
    item, case, clerk = desk
    page = desk_page
    browser_login(page, clerk.username, PASSWORD)
    for name, url in staff_pages(item, case).items():
        page.goto(url)
        shot(page, f"a11y-{name}")
        assert_no_serious_violations(page, f"{name} ({url}) as a clerk")


def test_issue_19_axe_finds_nothing_serious_on_the_applicant_search_results(desk_page, desk, browser_login):
    item, case, clerk = desk
    page = desk_page
    browser_login(page, clerk.username, PASSWORD)
    page.goto("/caseview/list/")
    page.fill("#applicant-query", "139 1234 5678")
    with page.expect_navigation():
        page.click(".applicant-search button[type=submit]")
    assert page.locator(f"text={case.number}").count() == 1
    assert_no_serious_violations(page, "the applicant search results")
    page.fill("#query", "12345")
    with page.expect_navigation():
        page.click("#applicant-search button[type=submit]")
    assert page.locator(".field-error").count() == 1
    assert_no_serious_violations(page, "the applicant search with an error")


def test_issue_19_axe_finds_nothing_serious_on_the_public_pages(desk_page, desk, shot):
    item, case, _clerk = desk
    page = desk_page
    page.goto("/guide/")
    page.keyboard.press("Tab")  # the skip link comes first on the public pages too
    assert "skip-link" in page.evaluate("() => document.activeElement.className")
    for name, url in {"public-guide": "/guide/", "public-item": f"/guide/item/{item.id}",
                      "public-lookup": "/guide/progress"}.items():
        page.goto(url)
        shot(page, f"a11y-{name}")
        assert_no_serious_violations(page, f"{name} ({url}) without login")
    # The lookup's answer: the case's progress (and its failure message).
    page.fill("#number", case.number)
    page.fill("#phone", "13912345678")
    with page.expect_navigation():
        page.click(".progress-lookup button[type=submit]")
    assert page.locator(".case-number").inner_text() == case.number
    shot(page, "a11y-public-lookup-found")
    assert_no_serious_violations(page, "the public lookup's answer")
    page.goto("/guide/progress")
    page.fill("#number", case.number)
    page.fill("#phone", "13900000000")
    with page.expect_navigation():
        page.click(".progress-lookup button[type=submit]")
    assert page.locator(".progress-notice").count() == 1
    assert_no_serious_violations(page, "the public lookup's refusal")


def test_issue_19_every_staff_page_says_its_language(desk_page, desk, browser_login):
    item, case, clerk = desk
    page = desk_page
    browser_login(page, clerk.username, PASSWORD)
    page.goto("/caseview/list/")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.locator('[role="header"]').count() == 0


def test_issue_19_the_skip_link_comes_first_and_the_first_case_is_a_few_tabs_away(
        desk_page, desk, shot, browser_login):
    item, case, clerk = desk
    page = desk_page
    browser_login(page, clerk.username, PASSWORD)
    page.goto("/caseview/list/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert "skip-link" in focused
    assert page.locator(".skip-link").is_visible()
    shot(page, "a11y-skip-link-focused")
    page.keyboard.press("Enter")
    presses = 0
    case_link = f'a[href*="/caseview/show/{case.id}"]'
    while presses < 15:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate(f"() => document.activeElement.matches({case_link!r})"):
            break
    else:
        pytest.fail("the first case is not reached within 15 Tab presses after the skip link")
    assert presses <= 10, f"{presses} Tab presses from the main content to the first case"


def test_issue_19_a_focused_navbar_link_shows_an_outline(desk_page, desk, shot, browser_login):
    item, case, clerk = desk
    page = desk_page
    browser_login(page, clerk.username, PASSWORD)
    page.goto("/caseview/list/")
    link = page.locator(".navbar a.dropdown-toggle").first
    link.focus()
    style = link.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }")
    assert style[0] != "none" and style[1] != "0px", style
    shot(page, "a11y-navbar-focus")


def test_issue_19_axe_finds_nothing_serious_on_the_login_page(desk_page, shot):
    page = desk_page
    page.goto("/login/")
    shot(page, "a11y-login")
    assert_no_serious_violations(page, "the login page")


def test_issue_19_axe_finds_nothing_serious_on_more_clerk_pages(desk_page, desk, shot, browser_login):
    """The clerk's home (to-do), the work queue, an action form, the details form, and the case
    list with its search filters open (FAB's own widgets, a date filter with its picker)."""
    item, case, clerk = desk
    page = desk_page
    browser_login(page, clerk.username, PASSWORD)
    for name, url in {"my-todo": "/my/", "work-queue": "/casequeue/list/",
                      "action-form": f"/caseview/act/{case.id}/start",
                      "details-form": f"/caseview/details/{case.id}"}.items():
        page.goto(url)
        shot(page, f"a11y-{name}")
        assert_no_serious_violations(page, f"{name} ({url}) as a clerk")


def test_issue_19_axe_finds_nothing_serious_on_an_office_generic_form_with_a_date(
        desk_page, desk, shot, browser_login, make_user):
    page = desk_page
    office = make_user("Office", username="office_axe")
    browser_login(page, office.username, PASSWORD)
    page.goto("/holidayview/add")
    shot(page, "a11y-holiday-add")
    assert_no_serious_violations(page, "FAB's add form of a holiday (a date field)")


def test_issue_19_axe_finds_nothing_serious_on_office_and_leadership_pages(
        desk_page, desk, shot, browser_login, make_user):
    """The office's lists and imports with their filter boxes (month pickers), the
    leadership's dashboard and window scores."""
    page = desk_page
    office = make_user("Office", username="office_axe_lists")
    browser_login(page, office.username, PASSWORD)
    for name, url in {"leave-overview": "/leaveoverview/all/", "clock-import": "/clockrecords/import/",
                      "office-home": "/"}.items():
        page.goto(url)
        shot(page, f"a11y-{name}")
        assert_no_serious_violations(page, f"{name} ({url}) as the office")
    page.context.clear_cookies()
    leader = make_user("Leadership", username="leader_axe")
    browser_login(page, leader.username, PASSWORD)
    for name, url in {"dashboard": "/dashboard/", "window-scores": "/windowscores/"}.items():
        page.goto(url)
        shot(page, f"a11y-{name}")
        assert_no_serious_violations(page, f"{name} ({url}) as leadership")


def test_issue_19_axe_finds_nothing_serious_on_a_print_view(desk_page, desk, shot, browser_login):
    item, case, clerk = desk
    page = desk_page
    browser_login(page, clerk.username, PASSWORD)
    for kind in ("acceptance", "receipt"):
        page.goto(f"/print/case/{case.id}/{kind}")
        shot(page, f"a11y-print-{kind}")
        assert_no_serious_violations(page, f"the {kind} print view")
