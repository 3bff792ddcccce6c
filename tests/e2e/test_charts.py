"""Issue #20 in a real browser at 1366 × 768: the dashboard's per-window charts name every
window (interval 0), the on-time axis starts near its data, large print hides the navbar and
its numbers stay inside their cards; the window scores draw their chart."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_dashboard import LAPTOP, center_data  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

LABEL_INTERVALS = """(key) => {
    const chart = echarts.getInstanceByDom(document.querySelector(`[data-chart="${key}"]`));
    const option = chart.getOption();
    return {interval: option.xAxis[0].axisLabel.interval, count: option.xAxis[0].data.length};
}"""


@pytest.fixture
def leader_page(browser, live_server, make_user, browser_login):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN", base_url=live_server)
    page = context.new_page()
    browser_login(page, make_user("Leadership").username, PASSWORD)
    yield page
    context.close()


def test_issue_20_per_window_charts_label_every_window(leader_page, center_data, make_window):
    for number in range(3, 13):  # twelve windows, as in the demo center
        make_window(f"{number:02d}")
    page = leader_page
    page.goto("/dashboard/")
    page.wait_for_selector("html[data-charts-ready]")
    for key in ("overdue", "satisfaction", "attendance"):
        shown = page.evaluate(LABEL_INTERVALS, key)
        assert shown["interval"] == 0 and shown["count"] >= 12, (key, shown)
    floor = page.evaluate("""() => echarts.getInstanceByDom(
        document.querySelector('[data-chart="on_time"]')).getModel().getComponent('yAxis', 0)
        .axis.scale.getExtent()[0]""")
    trend = [v for v in page.evaluate("""() => echarts.getInstanceByDom(
        document.querySelector('[data-chart="on_time"]')).getOption().series[0].data""") if v is not None]
    assert trend and floor <= min(trend) and (floor > 0 or min(trend) < 10), (floor, trend)


def test_issue_20_large_print_hides_the_navbar_and_fits_its_numbers(leader_page, center_data):
    page = leader_page
    page.goto("/dashboard/?big=1")
    page.wait_for_selector("html[data-charts-ready]")
    assert page.locator(".navbar").count() == 0
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.kpi-card')].filter(card => {
        const value = card.querySelector('.kpi-value');
        return value.scrollWidth > value.clientWidth
            || value.getBoundingClientRect().right > card.getBoundingClientRect().right - 8;
    }).map(card => card.dataset.kpi)""")
    assert overflowing == []


def test_issue_20_window_scores_draw_their_chart(leader_page, center_data):
    page = leader_page
    page.goto("/windowscores/")
    page.wait_for_selector("html[data-table-charts-ready]")
    assert page.locator("[data-table-chart] canvas").count() == 1
