"""Dashboards in a real browser (issue #12): each role's home and the Leadership page draw
their charts with the vendored ECharts (canvas present), with no JavaScript error and no
request to another host, at 1366×768; screenshots go to artifacts/screenshots/dashboard-*.png.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LAPTOP
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

# role → the pages it opens, and how many charts each draws
PAGES = {
    "Leadership": [("home", "/", 2), ("leadership", "/dashboard/", 6),
                   ("leadership-projector", "/dashboard/?big=1", 6)],
    "Office": [("home", "/", 2), ("leadership", "/dashboard/", 6)],
    "Admin": [("home", "/", 2)],
    "WindowHead": [("home", "/", 2)],
    "Clerk": [("home", "/", 0)],
}


@pytest.mark.parametrize("role", list(PAGES))
def test_dashboards_render_their_charts_for_each_role(role, browser, live_server, make_user,
                                                      window_a, center_data, shot,
                                                      browser_login, requests_seen):
    user = make_user(role, window=window_a if role in ("WindowHead", "Clerk") else None)
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN", base_url=live_server)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        live_server) or route.request.url.startswith(("data:", "blob:")) else route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The browser's own /favicon.ico request is not the page's error.
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "favicon" not in message.location.get("url", "")
            else None)
    page.on("request", lambda request: requests_seen.append(request.url))
    try:
        browser_login(page, user.username, PASSWORD)
        for name, url, charts in PAGES[role]:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            assert page.locator(".kpi-card").count() >= 4, f"{role} {url}: no KPI cards"
            if charts:
                page.wait_for_selector("html[data-charts-ready]")
                slots = page.locator("[data-chart]").count()
                drawn = page.locator("[data-chart] canvas").count()
                assert slots >= charts and drawn >= slots, f"{role} {url}: {drawn} canvases, {slots} charts"
            else:
                assert page.locator("[data-chart]").count() == 0
            if role in ("WindowHead", "Clerk"):
                assert "人社窗口" not in (page.locator(".home-dashboard").text_content() or "")
            shot(page, f"dashboard-{role.lower()}-{name}")
        assert not errors, f"{role}: JavaScript errors {errors}"
        assert all(url.startswith(live_server) or url.startswith(("data:", "blob:"))
                   for url in requests_seen), "a dashboard asked another host"
    finally:
        context.close()


def test_a_kpi_card_opens_the_list_behind_it(browser, live_server, make_user, center_data,
                                              browser_login):
    """Clicking the "overdue now" card opens the case list with its filters."""
    user = make_user("Leadership")
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN", base_url=live_server)
    page = context.new_page()
    try:
        browser_login(page, user.username, PASSWORD)
        page.goto("/dashboard/")
        page.wait_for_selector("html[data-charts-ready]")
        with page.expect_navigation():
            page.locator(".kpi-overdue_now").click()
        assert "/caseview/list/" in page.url and "_flt_" in page.url
        assert page.locator("table").count() >= 1
    finally:
        context.close()
