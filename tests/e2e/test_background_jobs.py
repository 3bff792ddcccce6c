"""Issue #21 in a real browser: a large ledger export opens its job's page, whose script
(app/static/js/job_progress.js, no external script) polls the small JSON status and shows the
download link and row count when the worker — run here, in the test's process, on the real
queue — is done; the file downloads. Screenshot: artifacts/screenshots/job-*.png."""

from __future__ import annotations

import pytest

from app.queue import queue, run_pending
from tests.conftest import PASSWORD
from tests.export_cases import add_cases

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def empty_queue(app):
    """The session's queue holds what earlier browser tests queued and left (a journey that
    starts a month's deductions, say): each test here counts only its own tasks."""
    queue(app).flush()


def test_issue_21_the_job_page_shows_the_progress_then_the_file_without_a_reload(
        app, page, make_user, db_session, window_a, monkeypatch, browser_login, shot,
        offline_check):
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", 0)  # every export is a job
    add_cases(db_session, window_a, 3)
    user = make_user("Office")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    browser_login(page, user.username, PASSWORD)

    page.goto("/ledger/export.xlsx")  # answered by a redirect to the job's page
    assert "/jobs/" in page.url
    assert page.locator("[data-job-state]").text_content() == "排队中"
    assert page.locator("[data-job-done]").is_hidden()
    shot(page, "job-queued")

    assert run_pending(app) == 1  # the worker
    page.wait_for_selector("[data-job-done]:not([hidden])")  # no reload: the script polled
    assert page.locator("[data-job-state]").text_content() == "已完成"
    assert page.locator("[data-job-rows]").text_content() == "共 3 行"
    shot(page, "job-done")
    with page.expect_download() as download:
        page.click("[data-job-download]")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert not errors, errors
    offline_check()


def test_issue_21_score_1_the_month_generation_button_opens_its_job_then_says_what_it_did(
        app, page, make_user, db_session, browser_login, shot, offline_check):
    """The month's automatic deductions (SCORE-1) from the list's button: the job's page, the
    worker, the summary shown without a reload, and the way back to the list."""
    user = make_user("Office")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    browser_login(page, user.username, PASSWORD)
    page.goto("/scoreeventview/list/")
    page.fill("#score-month", "2026-10")
    page.click("#score-generate-form button[type=submit]")
    page.wait_for_url("**/jobs/*")
    assert page.locator("[data-job-state]").text_content() == "排队中"
    assert page.locator("[data-job-summary]").is_hidden()

    assert run_pending(app) == 1  # the worker
    page.wait_for_selector("[data-job-summary]:not([hidden])")
    assert page.locator("[data-job-state]").text_content() == "已完成"
    assert page.locator("[data-job-summary]").text_content().startswith("2026-10")
    shot(page, "job-generation-done")
    page.click("#job-back")
    page.wait_for_url("**/scoreeventview/list/")
    assert not errors, errors
    offline_check()
