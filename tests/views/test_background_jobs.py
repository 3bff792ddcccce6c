"""Issue #21: long work leaves the request — a large ledger export (CASE-10) is a background job
on the real queue (Redis in CI, each run its own key prefix; the worker runs in this process with
`run_pending`): the page shows its progress from a small JSON status, then the file; a user sees
only their own jobs (Admin everyone's, ORG-2 scope kept in the file); a failing job shows a
readable message, never a 500; the same export asked twice while it runs starts once."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select

import app.services.background as background
import app.services.ledger as ledger
from app.queue import live_progress, queue, run_pending
from app.rules import case_states as cs
from app.services.background import FAILED_UNEXPECTEDLY, QUEUE_UNREACHABLE
from config import ConfigError, check_production
from models.jobs import DONE, FAILED, QUEUED, BackgroundJob
from tests.export_cases import ROWS, add_cases

IN_PROGRESS = f"_flt_0_state={cs.IN_PROGRESS}"
REFUSAL = ("This export has more than %(max)s rows, the most one file may hold: narrow the period "
           "or the filters and export again.")


@pytest.fixture(autouse=True)
def empty_queue(request):
    """Each test starts with this run's queue empty (its own key prefix, conftest.py)."""
    if "app" in request.fixturenames or "as_jobs" in request.fixturenames:
        queue(request.getfixturevalue("app")).storage.flush_all()
    yield


@pytest.fixture
def as_jobs(app, monkeypatch):
    """Every ledger export is a job (none is small enough to send in the request)."""
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", 0)
    return app


def job_id_of(response) -> int:
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert "/jobs/" in location, location
    return int(location.rstrip("/").rsplit("/", 1)[-1])


def jobs(db_session) -> list[BackgroundJob]:
    db_session.expire_all()
    return list(db_session.scalars(select(BackgroundJob).order_by(BackgroundJob.id)))


def sheet_numbers(data: bytes) -> list[str]:
    rows = list(load_workbook(BytesIO(data), read_only=True).worksheets[0].iter_rows(
        values_only=True))
    return [row[1] for row in rows[1:]]


def zh(app, message: str, **params) -> str:
    with app.test_request_context(), force_locale("zh_CN"):
        return gettext(message, **params)


def test_issue_21_a_large_ledger_export_is_a_job_with_progress_then_its_file(
        as_jobs, as_office, db_session, window_a, monkeypatch, database_url):
    numbers = add_cases(db_session, window_a, 9)
    # Progress every 2 rows, each written at once: the bar moves 0 → 22 → … → 88 → 100.
    monkeypatch.setattr(ledger, "YIELD_PER", 2)
    monkeypatch.setattr(background, "PROGRESS_INTERVAL", 0)
    seen: list[int] = []
    reader = create_engine(database_url)
    original = background._progress_writer

    def watched(engine, job_id, clock, publish):
        write = original(engine, job_id, clock, publish)

        def progress(done, total):
            write(done, total)
            # What the page's status reads now: the row's figure (PostgreSQL) or the one the
            # worker published to the queue (always; the only one on SQLite while it reads).
            with reader.connect() as conn:
                row = conn.execute(select(BackgroundJob.progress)
                                   .where(BackgroundJob.id == job_id)).scalar_one()
            seen.append(max(row, live_progress(job_id, as_jobs) or 0))
        return progress

    monkeypatch.setattr(background, "_progress_writer", watched)

    job_id = job_id_of(as_office.get(f"/ledger/export.xlsx?{IN_PROGRESS}"))
    page = as_office.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'id="job-progress"' in page and "js/job_progress.js" in page
    assert f'data-status-url="/jobs/{job_id}/status"' in page
    status = as_office.get(f"/jobs/{job_id}/status").get_json()
    assert (status["state"], status["progress"], status["download"]) == (QUEUED, 0, None)

    assert run_pending(as_jobs) == 1
    reader.dispose()
    assert seen == sorted(seen) and seen[0] == 0 and 0 < seen[-1] < 100 and len(set(seen)) >= 4

    status = as_office.get(f"/jobs/{job_id}/status").get_json()
    assert (status["state"], status["progress"], status["rows"]) == (DONE, 100, 9)
    assert status["download"] == f"/jobs/{job_id}/download"
    download = as_office.get(status["download"])
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert sheet_numbers(download.data) == sorted(numbers, reverse=True)  # the page's order
    assert status["name"].endswith(".xlsx") and status["name"].startswith("台帐")
    (job,) = jobs(db_session)
    assert job.active_key is None and job.started_at and job.finished_at and job.progress == 100
    assert live_progress(job_id, as_jobs) is None  # the queue keeps no figure of a finished job


def test_issue_21_the_job_file_holds_the_same_rows_as_the_request_export(
        app, as_office, db_session, window_a, window_b, monkeypatch):
    add_cases(db_session, window_a, 4)
    add_cases(db_session, window_b, 3, start_number=10, state=cs.DECIDED_APPROVED)
    inline = as_office.get(f"/ledger/export.xlsx?{IN_PROGRESS}")
    assert inline.status_code == 200  # 4 rows: sent in the request
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", 3)
    job_id = job_id_of(as_office.get(f"/ledger/export.xlsx?{IN_PROGRESS}"))
    run_pending(app)
    download = as_office.get(f"/jobs/{job_id}/download")
    assert sheet_numbers(download.data) == sheet_numbers(inline.data)
    rows = list(load_workbook(BytesIO(download.data), read_only=True).worksheets[0].iter_rows(
        values_only=True))
    first = list(load_workbook(BytesIO(inline.data), read_only=True).worksheets[0].iter_rows(
        values_only=True))
    assert rows == first  # headers in Chinese, local times, results: cell for cell


def test_issue_21_org_2_users_see_only_their_own_jobs_and_admin_sees_all(
        as_jobs, as_office, log_in, as_admin, db_session, window_a, window_b):
    add_cases(db_session, window_a, 3)
    add_cases(db_session, window_b, 2, start_number=10)
    office_job = job_id_of(as_office.get("/ledger/export.xlsx"))
    clerk = log_in("Clerk", window=window_b)
    clerk_job = job_id_of(clerk.get("/ledger/export.xlsx"))
    assert run_pending(as_jobs) == 2

    for url in (f"/jobs/{office_job}", f"/jobs/{office_job}/status",
                f"/jobs/{office_job}/download"):
        assert clerk.get(url).status_code == 404, url
    mine = clerk.get("/jobs/").get_data(as_text=True)
    assert f'href="/jobs/{clerk_job}"' in mine and f'href="/jobs/{office_job}"' not in mine
    # ORG-2: the clerk's file holds their window's cases only, as their page does.
    assert sheet_numbers(clerk.get(f"/jobs/{clerk_job}/download").data) == [
        "BC-2026-000011", "BC-2026-000010"]
    assert len(sheet_numbers(as_office.get(f"/jobs/{office_job}/download").data)) == 5

    everyone = as_admin.get("/jobs/").get_data(as_text=True)
    assert f'href="/jobs/{clerk_job}"' in everyone and f'href="/jobs/{office_job}"' in everyone
    assert as_admin.get(f"/jobs/{clerk_job}/download").status_code == 200
    assert as_admin.get("/jobs/999999/status").status_code == 404


def test_issue_21_a_job_over_the_size_limit_fails_with_a_readable_message(
        as_jobs, as_office, db_session, window_a, monkeypatch):
    add_cases(db_session, window_a, 3)
    job_id = job_id_of(as_office.get("/ledger/export.xlsx"))
    # Rows arrived after the job was asked: at run time it is over the job's size limit.
    monkeypatch.setitem(as_jobs.config, "EXPORT_MAX_ROWS", 2)
    run_pending(as_jobs)
    status = as_office.get(f"/jobs/{job_id}/status").get_json()
    message = zh(as_jobs, REFUSAL, max="2")
    assert (status["state"], status["error"], status["download"]) == (FAILED, message, None)
    page = as_office.get(f"/jobs/{job_id}")
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert as_office.get(f"/jobs/{job_id}/download").status_code == 404


def test_issue_21_an_unexpected_error_in_a_job_is_said_in_words_not_a_500(
        as_jobs, as_office, db_session, window_a, monkeypatch):
    from app.views.ledger import LedgerView

    add_cases(db_session, window_a, 3)
    job_id = job_id_of(as_office.get("/ledger/export.xlsx"))

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(LedgerView, "_write", broken)
    run_pending(as_jobs)
    status = as_office.get(f"/jobs/{job_id}/status").get_json()
    assert status["state"] == FAILED
    assert status["error"] == zh(as_jobs, FAILED_UNEXPECTEDLY, id=job_id)
    assert "disk on fire" not in status["error"]
    assert as_office.get(f"/jobs/{job_id}").status_code == 200
    # Nothing half-written is left for download, and the same export may be asked again.
    assert job_id_of(as_office.get("/ledger/export.xlsx")) != job_id


def test_issue_21_the_same_export_asked_twice_while_it_runs_starts_once(
        as_jobs, as_office, db_session, window_a, window_b):
    add_cases(db_session, window_a, 3)
    first = job_id_of(as_office.get(f"/ledger/export.xlsx?{IN_PROGRESS}"))
    again = as_office.get(f"/ledger/export.xlsx?{IN_PROGRESS}")
    assert job_id_of(again) == first
    notice = zh(as_jobs, "The same work is already under way: here is its progress.")
    assert notice in as_office.get(f"/jobs/{first}").get_data(as_text=True)
    other = job_id_of(as_office.get(f"/ledger/export.xlsx?_flt_0_window={window_a.id}"))
    assert other != first  # other filters: another export
    assert len(jobs(db_session)) == 2
    assert run_pending(as_jobs) == 2  # two tasks queued, not three
    # Once done, asking again is a new export.
    assert job_id_of(as_office.get(f"/ledger/export.xlsx?{IN_PROGRESS}")) not in (first, other)
    run_pending(as_jobs)


def test_issue_21_a_task_delivered_twice_runs_the_job_once(as_jobs, as_office, db_session,
                                                           window_a):
    from app.queue import enqueue

    add_cases(db_session, window_a, 3)
    job_id = job_id_of(as_office.get("/ledger/export.xlsx"))
    enqueue(job_id, as_jobs)  # a second delivery of the same job
    assert run_pending(as_jobs) == 2
    (job,) = jobs(db_session)
    assert job.state == DONE and job.result_rows == 3


def test_issue_21_an_unreachable_queue_is_said_on_the_page_not_a_500(
        as_jobs, as_office, db_session, window_a, monkeypatch):
    import app.queue as job_queue

    add_cases(db_session, window_a, 3)

    def down(_job_id):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(job_queue, "enqueue", down)
    job_id = job_id_of(as_office.get("/ledger/export.xlsx"))
    status = as_office.get(f"/jobs/{job_id}/status").get_json()
    assert (status["state"], status["error"]) == (FAILED, zh(as_jobs, QUEUE_UNREACHABLE))
    assert queue(as_jobs).pending_count() == 0


def test_issue_21_a_small_export_is_still_sent_in_the_request(app, as_office, db_session,
                                                              window_a):
    add_cases(db_session, window_a, 3)
    response = as_office.get("/ledger/export.xlsx")
    assert response.status_code == 200 and len(sheet_numbers(response.data)) == 3
    assert jobs(db_session) == []


# --- Past one machine: the production check (docs/deploy.md "Several app hosts") -------------
def production(**values) -> dict:
    return {"BIANMIN_ENV": "production", "RATELIMIT_ENABLED": True, "BIANMIN_WORKERS": 1,
            "BIANMIN_HOSTS": 1, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            "JOBS_QUEUE_URL": "redis://127.0.0.1:6379/0", **values}


def test_issue_21_production_with_redis_for_limits_and_jobs_starts_without_warning():
    assert check_production(production(BIANMIN_WORKERS=4, BIANMIN_HOSTS=3)) == []


def test_issue_21_production_refuses_a_job_queue_inside_one_process():
    with pytest.raises(ConfigError, match="JOBS_QUEUE_URL=memory://"):
        check_production(production(JOBS_QUEUE_URL="memory://"))


def test_issue_21_a_queue_file_warns_with_several_workers_and_is_refused_with_several_hosts():
    local = "sqlite:////srv/bianmin/instance/job-queue.sqlite3"
    assert check_production(production(JOBS_QUEUE_URL=local)) == []
    (warning,) = check_production(production(JOBS_QUEUE_URL=local, BIANMIN_WORKERS=2))
    assert "REDIS_URL" in warning
    with pytest.raises(ConfigError, match="BIANMIN_HOSTS=2"):
        check_production(production(JOBS_QUEUE_URL=local, BIANMIN_HOSTS=2))
    # The demo is never refused.
    assert check_production(production(BIANMIN_ENV="demo", JOBS_QUEUE_URL="memory://")) == []


def test_issue_21_several_hosts_refuse_per_process_limits_even_with_one_worker_each():
    """Two hosts with one worker each on memory:// limits let twice the limit through."""
    with pytest.raises(ConfigError, match="BIANMIN_HOSTS=2 app hosts need a shared rate-limit"):
        check_production(production(BIANMIN_HOSTS=2, RATELIMIT_STORAGE_URI="memory://"))
    assert check_production(production(RATELIMIT_STORAGE_URI="memory://")) == []


@pytest.mark.parametrize("name", ["LEAVE_ATTACHMENT_DIR", "JOBS_RESULT_DIR"])
def test_issue_21_several_hosts_refuse_shared_folders_inside_the_hosts_instance_folder(
        tmp_path, name):
    """A certificate or job file written on one host must be read on the others: a folder
    inside the host's own instance folder (the default) is refused with the setting to fix."""
    instance, shared = tmp_path / "instance", tmp_path / "nfs"
    folders = {"BIANMIN_INSTANCE": str(instance), "LEAVE_ATTACHMENT_DIR": str(shared / "a"),
               "JOBS_RESULT_DIR": str(shared / "j")}
    assert check_production(production(BIANMIN_HOSTS=2, **folders)) == []
    inside = {**folders, name: str(instance / "files")}
    with pytest.raises(ConfigError, match=f"BIANMIN_HOSTS=2 app hosts need {name} on a folder"):
        check_production(production(BIANMIN_HOSTS=2, **inside))
    # One host keeps the default folders in its instance folder.
    assert check_production(production(**inside)) == []


# --- ATT-1: a large clock file is imported by the worker --------------------------------------
CLOCKS = (b"employee_no,clocked_at\n1001,2026-11-02 08:07\n1001,2026-11-02 11:35\n"
          b"1001,2026-11-02 13:55\n1001,2026-11-02 17:40\n")
BROKEN_CLOCKS = b"employee_no,clocked_at\n1001,2026-11-02 08:07\n4242,2026-11-02 08:00\n"


@pytest.fixture
def clock_jobs(app, monkeypatch, db_session):
    from models.org import Staff

    monkeypatch.setitem(app.config, "IMPORT_INLINE_MAX_KB", 0)  # every file is a job
    staff = Staff(name="张三", employee_no="1001", unit="office")
    db_session.add(staff)
    db_session.commit()
    return app


def upload_clocks(actor, data: bytes):
    import io

    return actor.post_form("/clockrecords/import/", {"file": (io.BytesIO(data), "clock.csv")},
                           content_type="multipart/form-data")


def test_issue_21_att_1_a_large_clock_file_is_imported_by_the_worker_and_audited(
        clock_jobs, as_office, db_session):
    from models.attendance import ClockImport, ClockRecord

    job_id = job_id_of(upload_clocks(as_office, CLOCKS))
    assert db_session.scalar(select(func.count()).select_from(ClockRecord)) == 0  # not yet
    assert run_pending(clock_jobs) == 1
    status = as_office.get(f"/jobs/{job_id}/status").get_json()
    summary = zh(clock_jobs, "%(added)s clocks imported, %(skipped)s already there.",
                 added=4, skipped=0)
    assert (status["state"], status["summary"], status["download"]) == (DONE, summary, None)
    assert summary in as_office.get(f"/jobs/{job_id}").get_data(as_text=True)
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(ClockRecord)) == 4
    (batch,) = db_session.scalars(select(ClockImport))
    assert batch.imported_by_id == as_office.user.id and batch.added == 4  # AUDIT-1: who
    # The stashed upload is gone with the job; the same file again adds nothing.
    assert not any((Path(clock_jobs.config["JOBS_RESULT_DIR"]) / "uploads").iterdir())
    again = job_id_of(upload_clocks(as_office, CLOCKS))
    run_pending(clock_jobs)
    assert as_office.get(f"/jobs/{again}/status").get_json()["summary"] == zh(
        clock_jobs, "%(added)s clocks imported, %(skipped)s already there.", added=0, skipped=4)


def test_issue_21_att_1_a_clock_file_with_wrong_rows_fails_naming_them_and_saves_nothing(
        clock_jobs, as_office, db_session):
    from models.attendance import ClockRecord

    job_id = job_id_of(upload_clocks(as_office, BROKEN_CLOCKS))
    run_pending(clock_jobs)
    status = as_office.get(f"/jobs/{job_id}/status").get_json()
    assert status["state"] == FAILED and "4242" in status["error"]
    assert status["error"].startswith(zh(
        clock_jobs, "Nothing was imported: %(count)s rows are wrong. Correct them and import "
        "the file again.", count=1))
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(ClockRecord)) == 0


def test_issue_21_att_1_the_same_clock_file_twice_while_queued_is_one_job(
        clock_jobs, as_office, log_in):
    first = job_id_of(upload_clocks(as_office, CLOCKS))
    assert job_id_of(upload_clocks(as_office, CLOCKS)) == first
    assert run_pending(clock_jobs) == 1


def test_issue_21_a_job_lost_for_over_an_hour_is_ended_when_the_same_work_is_asked_again(
        as_jobs, as_office, db_session, window_a):
    from sqlalchemy import update

    from app.services.background import LOST
    from models.types import utcnow

    add_cases(db_session, window_a, 3)
    lost = job_id_of(as_office.get("/ledger/export.xlsx"))
    # Its worker was killed mid-job two hours ago: the row still says running.
    db_session.execute(update(BackgroundJob).values(state="running",
                                                    started_at=utcnow() - timedelta(hours=2)))
    db_session.commit()
    again = job_id_of(as_office.get("/ledger/export.xlsx"))
    assert again != lost
    status = as_office.get(f"/jobs/{lost}/status").get_json()
    assert (status["state"], status["error"]) == (FAILED, zh(as_jobs, LOST))
    run_pending(as_jobs)  # the lost job's task is skipped (not queued), the new one runs
    assert as_office.get(f"/jobs/{again}/status").get_json()["state"] == DONE


# --- Every other Excel export: over EXPORT_INLINE_MAX_ROWS it is a job, the same file ----------
def test_issue_21_each_export_over_the_inline_limit_is_a_job_with_the_same_file(
        app, monkeypatch, other_export):
    """The leave register (LEAVE), the complaint register (COMP-1), the attendance month
    (ATT-3), the window scores (SCORE-2): the worker replays the request as its user."""
    case, actor, query = other_export
    inline = actor.get(f"{case.url}?{query}")
    assert inline.status_code == 200, case.rule
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", ROWS - 1)
    job_id = job_id_of(actor.get(f"{case.url}?{query}"))
    assert run_pending(app) == 1
    status = actor.get(f"/jobs/{job_id}/status").get_json()
    assert status["state"] == DONE, (case.rule, status)
    download = actor.get(status["download"])
    assert len(sheet_numbers(download.data)) == ROWS, case.rule
    rows = lambda data: list(load_workbook(BytesIO(data), read_only=True)  # noqa: E731
                             .worksheets[0].iter_rows(values_only=True))
    assert rows(download.data) == rows(inline.data), case.rule
    # Over the cap by the time the worker runs: the job's message, not a file.
    again = job_id_of(actor.get(f"{case.url}?{query}&_again=1"))
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", ROWS - 1)
    run_pending(app)
    status = actor.get(f"/jobs/{again}/status").get_json()
    assert (status["state"], status["error"]) == (FAILED, zh(app, REFUSAL, max=f"{ROWS - 1}"))
