"""Issue #20 in a real browser at 1366 × 768: the dashboard's per-window charts name every
window (interval 0), the on-time axis starts near its data, large print hides the navbar and
its numbers stay inside their cards; the window scores (month trend, totals, category
breakdown) and the attendance month by window draw every one of thirty window names, and a
click on a bar or a point opens its rows (screenshot: artifacts/screenshots/
window-scores-thirty.png)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import LAPTOP

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


DRAWN_TEXTS = """(id) => echarts.getInstanceByDom(
    document.querySelector(`[data-table-chart="${id}"]`)).getZr().storage.getDisplayList().map(e => e.style && e.style.text).filter(Boolean)"""
# The pixel (in the viewport, scrolled to) of a bar (horizontal bars: [value, category]) or a
# line's point.
POINT = """([id, series, x, y]) => {
    const node = document.querySelector(`[data-table-chart="${id}"]`);
    const [px, py] = echarts.getInstanceByDom(node).convertToPixel({seriesIndex: series}, [x, y]);
    window.scrollBy(0, node.getBoundingClientRect().top + py - window.innerHeight / 2);
    const box = node.getBoundingClientRect();
    return [box.left + px, box.top + py];
}"""
THIRTY = [f"{n:02d} 第{n}综合窗口" for n in range(1, 31)]


@pytest.fixture
def thirty_windows(db_session, make_window, center_now):
    """Thirty windows, the clock on 2026-12-07: window n lost (n mod 7) × 0.5 of M1 in
    November (totals 97 to 100) and n mod 5 of M3 in October (96 to 100)."""
    from models.scoring import ScoreEvent

    center_now(date(2026, 12, 7))
    windows = [make_window(f"{n:02d}", name=f"第{n}综合窗口") for n in range(1, 31)]
    for n, window in enumerate(windows, start=1):
        for period, category, points in ((date(2026, 11, 1), "M1", Decimal(n % 7) / 2),
                                         (date(2026, 10, 1), "M3", Decimal(n % 5))):
            if points:
                db_session.add(ScoreEvent(window_id=window.id, category=category, day=period,
                                          period=period, points=-points, source="manual",
                                          evidence="证据"))
    db_session.commit()
    return windows


def test_issue_20_window_scores_name_every_window_and_open_their_rows(leader_page, thirty_windows,
                                                                     shot):
    page = leader_page
    page.goto("/windowscores/")
    page.wait_for_selector("html[data-table-charts-ready]")
    shot(page, "window-scores-thirty")
    assert page.locator("[data-table-chart] canvas").count() == 3
    for chart_id in ("window-score-chart", "window-score-breakdown"):
        drawn = page.evaluate(DRAWN_TEXTS, chart_id)
        assert [name for name in THIRTY if name not in drawn] == [], chart_id
    trend = page.evaluate(DRAWN_TEXTS, "window-score-trend")
    assert "2026-10" in trend and "2026-11" in trend
    floor = page.evaluate("""() => echarts.getInstanceByDom(document.querySelector(
        '[data-table-chart="window-score-chart"]')).getModel().getComponent('xAxis', 0)
        .axis.scale.getExtent()[0]""")
    assert 90 <= floor < 97, floor  # the axis starts where the totals (97–100) are, not at 0
    # the sixth bar (best first) opens that window's month explained
    x, y = page.evaluate(POINT, ["window-score-chart", 0, floor + 0.5, 5])
    page.mouse.click(x, y)
    page.wait_for_url("**/assessment/window/*/?month=2026-11")
    assert page.locator("#explanation-lines").count() == 1


def test_issue_20_the_trend_point_opens_that_month_of_the_window(leader_page, thirty_windows):
    page = leader_page
    window = thirty_windows[2]  # 03: −1.5 in November, −3 in October
    page.goto(f"/windowscores/?window_id={window.id}")
    page.wait_for_selector("html[data-table-charts-ready]")
    x, y = page.evaluate(POINT, ["window-score-trend", 1, 0, 97])
    page.mouse.click(x, y)
    page.wait_for_url(f"**/assessment/window/{window.id}/?month=2026-10")


@pytest.fixture
def clocked_windows(db_session, thirty_windows):
    """One clerk per window; on 2026-11-02 only window 01's clerk clocks (at 08:07, late), so
    the other twenty-nine are absent both half-days."""
    from models.attendance import ClockRecord
    from models.org import Staff

    clerks = [Staff(name=f"职员{n:02d}", employee_no=f"30{n:02d}", unit="window", window=window)
              for n, window in enumerate(thirty_windows, start=1)]
    db_session.add_all(clerks)
    db_session.flush()
    for hour, minute in ((0, 7), (3, 35), (5, 55), (9, 40)):  # 08:07 … 17:40 in Beijing
        at = datetime(2026, 11, 2, hour, minute, tzinfo=timezone.utc)
        db_session.add(ClockRecord(staff_id=clerks[0].id, clocked_at=at, day=date(2026, 11, 2),
                                   second_of_day=(hour + 8) * 3600 + minute * 60))
    db_session.commit()
    return clerks


def test_issue_20_attendance_by_window_names_every_window_and_opens_it(
        browser, live_server, make_user, browser_login, clocked_windows, thirty_windows):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN", base_url=live_server)
    page = context.new_page()
    try:
        browser_login(page, make_user("Office").username, PASSWORD)
        page.goto("/attendance/?year=2026&month=11")
        page.wait_for_selector("html[data-table-charts-ready]")
        drawn = page.evaluate(DRAWN_TEXTS, "attendance-window-chart")
        assert [name for name in THIRTY if name not in drawn] == []
        x, y = page.evaluate(POINT, ["attendance-window-chart", 2, 1, 4])  # window 05's absences
        page.mouse.click(x, y)
        page.wait_for_url(f"**/attendance/?year=2026&month=11&window_id={thirty_windows[4].id}")
        assert page.locator("#attendance-month tr[data-staff]").count() == 1
    finally:
        context.close()
