"""Browser fixtures: the session app served on 127.0.0.1, the system Chromium, one page per test.

The server runs the very `app` of tests/conftest.py in a thread, so rows the factories commit
are what the browser sees. Each request gets its own Flask-SQLAlchemy session (scoped by app
context), removed when the request ends; the test's own session must commit (the factories
do) before the browser asks for a page, or an SQLite writer would wait for the other side.

Chromium is never downloaded: the system one at /usr/bin/chromium is used. Without it the
e2e tests are skipped, except under CI (the `CI` variable is set) where that is a failure.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import log_out

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"
LOCAL_HOST = "127.0.0.1"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}  # the dashboards' screen
TIMEOUT_MS = 15_000


ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


def pytest_collection_modifyitems(config, items):
    """The browser tests run in CI's SQLite run only. What they check — markup, scripts, focus,
    axe, the journeys' clicks — does not depend on the database, and every server-side step of
    the journeys is a view or service test that runs on both databases; the PostgreSQL run also
    renders every page of every role in the zh crawl (tests/test_zh_pages.py). On this
    machine kind the two runs share two cores: the browsers on both took CI to ~28 of its 30
    minutes."""
    if not ON_POSTGRESQL:
        return
    here = Path(__file__).resolve().parent
    skip = pytest.mark.skip(reason="browser tests run in the SQLite run (tests/e2e/conftest.py)")
    for item in items:
        if here in Path(item.fspath).resolve().parents:
            item.add_marker(skip)


def _unavailable(reason: str):
    """Skip the browser tests here; under CI they must run, so fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} — CI is set, so the e2e tests must run", pytrace=False)
    pytest.skip(reason)


# ---- the app over HTTP -------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_server(app):
    """The session app served by werkzeug on 127.0.0.1 (a free port); yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


# ---- the browser -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"system Chromium not found at {CHROMIUM}: the e2e browser tests need it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev requirements install it
        _unavailable("the playwright package is not installed")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def requests_seen():
    """Every URL the page asked for, to prove the app works offline (only 127.0.0.1)."""
    return []


@pytest.fixture
def page(browser, live_server, requests_seen):
    """A fresh context (1280x900, zh-CN) on the live server; requests to other hosts are
    recorded and aborted, so a page that would need the internet fails fast and visibly."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)

    def block_other_hosts(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", block_other_hosts)
    page = context.new_page()
    page.on("request", lambda request: requests_seen.append(request.url))
    try:
        yield page
    finally:
        context.close()


def is_local(url: str) -> bool:
    """A URL that stays on this machine: http(s)/ws(s) to 127.0.0.1, or data:/blob:/about:."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname == LOCAL_HOST


def assert_offline(requests_seen: list[str]) -> None:
    """No request of the journey went to a host other than 127.0.0.1."""
    assert requests_seen, "the page made no request at all"
    foreign = sorted({url for url in requests_seen if not is_local(url)})
    assert not foreign, f"the page asked other hosts (the app must work offline): {foreign}"


# ---- screenshots -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def shot(screenshot_dir):
    """shot(page, "step-name") saves artifacts/screenshots/step-name.png (whole page)."""

    def save(page, step: str) -> Path:
        name = re.sub(r"[^\w.-]+", "-", step).strip("-")
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


# ---- logging in through the real form ----------------------------------------------------

@pytest.fixture
def offline_check(requests_seen):
    """offline_check() asserts the journey so far only asked 127.0.0.1."""
    return lambda: assert_offline(requests_seen)


@pytest.fixture
def browser_login():
    """browser_login(page, username, password) signs in through FAB's login form."""
    return log_in


@pytest.fixture
def browser_logout():
    """browser_logout(page) logs out through the navbar's button."""
    return log_out


def log_in(page, username: str, password: str, shot=None, step: str | None = None):
    """Sign in through FAB's login form and wait for the page it redirects to."""
    page.goto("/login/")
    if shot and step:
        shot(page, step)
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form[name=login] [type=submit]")
    assert "/login" not in urlsplit(page.url).path, f"login of {username} failed: still on {page.url}"


@pytest.fixture
def center_data(db_session, window_a, window_b):
    """Twelve weeks of cases and a month of score events in windows A and B: something for
    every dashboard chart (tests/e2e/test_dashboard.py, tests/e2e/test_charts.py)."""
    from datetime import timedelta
    from decimal import Decimal

    from app.context import today
    from models.cases import Case
    from models.scoring import ScoreEvent
    from tests.factories import residence_permit_item

    day = today()
    for window in (window_a, window_b):
        item = residence_permit_item(db_session, window, code=f"E-{window.number}")
        for n in range(12):
            accepted = day - timedelta(days=7 * n + 1)
            decided = accepted + timedelta(days=n % 9) if n % 3 else None
            db_session.add(Case(
                number=f"E{window.number}-{n}", case_class="promised",
                state="delivered" if decided else "in_progress", item_id=item.id,
                window_id=window.id, applicant_name="王五", accepted_on=accepted,
                deadline=accepted + timedelta(days=5), decided_on=decided,
                satisfaction=("satisfied", "dissatisfied")[n % 2] if decided else None))
        for category, points in (("M3", "-2"), ("M1", "-1"), ("B", "2")):
            db_session.add(ScoreEvent(window_id=window.id, category=category, day=day,
                                      period=day.replace(day=1), points=Decimal(points),
                                      source="manual"))
    db_session.commit()
