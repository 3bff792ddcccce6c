"""Issue #19: dates in the center's format (2026-10-13, 24-hour times) whatever the browser's
language — an English browser shows a native <input type=date> as mm/dd/yyyy — with an offline
picker whose month and weekday names follow the app's language, usable with the keyboard."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.leave import LeaveRequest
from tests.conftest import PASSWORD
from tests.e2e.conftest import TIMEOUT_MS, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def english_page(browser, live_server):
    """A browser whose own language is American English (en-US, mm/dd/yyyy natively)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US",
                                  base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def clerk(make_user, window_a):
    return make_user("Clerk", username="clerk_dates", window=window_a)


def test_issue_19_no_native_date_input_on_the_forms(english_page, clerk, shot):
    page = english_page
    log_in(page, clerk.username, PASSWORD)
    page.goto("/leaverequestview/file/")
    assert page.locator("input[type=date], input[type=datetime-local]").count() == 0
    start = page.locator("#start_day")
    assert start.get_attribute("type") == "text"
    assert start.get_attribute("placeholder") in ("yyyy-mm-dd", "年-月-日")


def test_issue_19_an_english_browser_picks_and_shows_2026_10_13(english_page, clerk, shot,
                                                              db_session):
    page = english_page
    log_in(page, clerk.username, PASSWORD)
    page.goto("/leaverequestview/file/")
    page.select_option("#kind", "personal")
    page.click("#start_day")
    page.keyboard.type("2026-10-12")  # typed as a user types (the picker follows on keyup)
    # Typing opens nothing over the next fields; ↓ opens the picker, on October 2026, in the app's language (zh_CN by default),
    # whatever the browser's: 十月 2026 / 2026年10月, weeks from Monday (一).
    picker = page.locator(".datepicker-dropdown")
    assert not picker.is_visible()
    page.keyboard.press("ArrowDown")
    picker.wait_for(state="visible")
    title = picker.locator(".datepicker-days .datepicker-switch").inner_text()
    assert "2026" in title and "10" in title or "十月" in title, title
    assert picker.locator(".datepicker-days th.dow").first.inner_text() == "一"
    # Keyboard: → moves one day, Enter takes it.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert page.input_value("#start_day") == "2026-10-13"
    shot(page, "dates-en-us-browser-leave-form")
    page.fill("#end_day", "2026-10-13")
    page.fill("#reason", "家中有事")
    page.check("#emergency")  # a past day is filed afterwards (补假): no test depends on today
    with page.expect_navigation():
        page.click("#main-content form button[type=submit]")
    shot(page, "dates-en-us-leave-filed")
    # The server read both days (no substitute named: the form comes back, the days kept in
    # the center's format, no message about a date).
    for field in ("#start_day", "#end_day"):
        assert page.input_value(field) == "2026-10-13"
        row = page.locator(f"tr:has({field})")
        assert row.locator(".field-error").count() == 0, row.inner_text()
    assert page.locator(".field-error").count() >= 1  # the substitute, not a date
    assert db_session.scalars(select(LeaveRequest)).first() is None


def test_issue_19_month_and_weekday_names_follow_the_app_language(english_page, clerk):
    page = english_page
    log_in(page, clerk.username, PASSWORD)
    page.goto("/lang/en")
    page.goto("/leaverequestview/file/")
    page.click("tr:has(#start_day) .date-picker-button")  # the mouse's way: the calendar button
    picker = page.locator(".datepicker-dropdown")
    picker.wait_for(state="visible")
    assert picker.locator(".datepicker-days th.dow").first.inner_text() == "Mo"
    page.fill("#start_day", "2026-10-13")
    assert page.input_value("#start_day") == "2026-10-13"


def test_issue_19_fabs_own_date_field_speaks_the_app_language_and_takes_enter(
        english_page, make_user, db_session):
    """A generic FAB form (a holiday's day): its picker too is in Chinese, weeks from Monday,
    and Enter takes the day the arrows chose instead of submitting the form."""
    from models.settings import Holiday

    page = english_page
    office = make_user("Office", username="office_dates")
    log_in(page, office.username, PASSWORD)
    page.goto("/holidayview/add")
    page.click("#day")
    page.keyboard.type("2026-10-12")
    page.keyboard.press("ArrowDown")
    picker = page.locator(".datepicker-dropdown")
    picker.wait_for(state="visible")
    assert picker.locator(".datepicker-days th.dow").first.inner_text() == "一"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert page.input_value("#day") == "2026-10-13"
    assert "/holidayview/add" in page.url  # Enter did not submit the form
    assert db_session.query(Holiday).count() == 0


def test_issue_19_a_date_and_time_keeps_its_24_hour_time_when_a_day_is_picked(
        english_page, clerk, db_session, window_a):
    from tests.factories import residence_permit_item

    item = residence_permit_item(db_session, window_a, "D-019")
    page = english_page
    log_in(page, clerk.username, PASSWORD)
    page.goto(f"/caseview/intake/?item={item.id}")
    field = page.locator("#appointment_at")
    assert field.get_attribute("type") == "text"
    field.click()
    page.keyboard.type("2026-10-12 14:30")
    page.keyboard.press("ArrowDown")
    page.locator(".datepicker-dropdown").wait_for(state="visible")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert page.input_value("#appointment_at") == "2026-10-13 14:30"
