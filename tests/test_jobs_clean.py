"""Issue #21: finished background jobs do not pile up — their rows and files older than
JOB_RESULT_DAYS (default 7) are removed, hourly by every worker (a huey periodic task) and by
`flask bianmin jobs-clean`; what a waiting or running job still needs stays."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from app.queue import CLEAN_TASK_NAME, queue
from models.jobs import DONE, FAILED, QUEUED, BackgroundJob
from models.types import utcnow


@pytest.fixture
def result_dir(app) -> Path:
    path = Path(app.config["JOBS_RESULT_DIR"])
    (path / "uploads").mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def old_and_new(app, db_session, result_dir):
    """Jobs finished 10 days ago and yesterday (each with its file), one still queued with its
    upload stashed 10 days ago, one queued 10 days ago and never run (lost) with its upload, and
    a `.part` a killed worker left 10 days ago."""
    db_session.execute(delete(BackgroundJob))
    now = utcnow()
    long_ago, yesterday = now - timedelta(days=10), now - timedelta(days=1)

    def job(state, finished, result_file=None, params=None, key=None):
        row = BackgroundJob(user_id=None, kind="export", state=state, locale="zh_CN",
                            params=json.dumps(params or {}), created_at=finished or now,
                            finished_at=finished, result_file=result_file, active_key=key)
        db_session.add(row)
        return row

    def file(path: Path, at: datetime) -> Path:
        path.write_bytes(b"x")
        os.utime(path, (at.timestamp(), at.timestamp()))
        return path

    rows = {"old done": job(DONE, long_ago, "901-old.xlsx"),
            "old failed": job(FAILED, long_ago),
            "recent": job(DONE, yesterday, "902-new.xlsx"),
            "waiting": job(QUEUED, None, params={"upload": "abc.upload"}, key="k" * 64),
            # Asked for 10 days ago and never run (its worker's queue was flushed): lost.
            "lost": job(QUEUED, None, params={"upload": "gone.upload"}, key="l" * 64)}
    rows["lost"].created_at = long_ago
    db_session.commit()
    files = {"old done": file(result_dir / "901-old.xlsx", long_ago),
             "recent": file(result_dir / "902-new.xlsx", yesterday),
             "waiting": file(result_dir / "uploads" / "abc.upload", long_ago),
             "killed": file(result_dir / "903-abandoned.part", long_ago),
             "lost upload": file(result_dir / "uploads" / "lost.upload", long_ago),
             "lost job's upload": file(result_dir / "uploads" / "gone.upload", long_ago)}
    yield {name: row.id for name, row in rows.items()}, files
    for path in files.values():  # the next tests' folder as they expect it
        path.unlink(missing_ok=True)


def remaining(db_session) -> set[int]:
    db_session.expire_all()
    return set(db_session.scalars(select(BackgroundJob.id)))


def test_issue_21_jobs_clean_removes_finished_jobs_and_files_older_than_the_setting(
        app, db_session, old_and_new):
    ids, files = old_and_new
    result = app.test_cli_runner().invoke(args=["bianmin", "jobs-clean"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "background jobs older than 7 days: 3 removed, 4 files removed"
    assert remaining(db_session) == {ids["recent"], ids["waiting"]}
    assert {name for name, path in files.items() if path.exists()} == {"recent", "waiting"}
    # Run again: nothing left to remove.
    again = app.test_cli_runner().invoke(args=["bianmin", "jobs-clean"])
    assert again.output.strip() == "background jobs older than 7 days: 0 removed, 0 files removed"


def test_issue_21_jobs_clean_takes_the_days_from_the_option_or_job_result_days(
        app, db_session, old_and_new, monkeypatch):
    ids, files = old_and_new
    monkeypatch.setitem(app.config, "JOB_RESULT_DAYS", 30)
    app.test_cli_runner().invoke(args=["bianmin", "jobs-clean"])
    assert remaining(db_session) == set(ids.values())  # nothing is 30 days old
    result = app.test_cli_runner().invoke(args=["bianmin", "jobs-clean", "--days", "1"])
    assert result.exit_code == 0, result.output
    # Yesterday's finished more than a day ago (at the fixture's now, a moment before).
    assert remaining(db_session) == {ids["waiting"]}
    assert {name for name, path in files.items() if path.exists()} == {"waiting"}
    bad = app.test_cli_runner().invoke(args=["bianmin", "jobs-clean", "--days", "0"])
    assert bad.exit_code != 0


def test_issue_21_every_worker_cleans_up_hourly_with_the_same_service(app, db_session,
                                                                      old_and_new):
    ids, _files = old_and_new
    huey = queue(app)
    (task,) = [t for t in huey._registry.periodic_tasks if t.name == CLEAN_TASK_NAME]
    assert task.validate_datetime(datetime(2026, 12, 7, 3, 17))  # minute 17 of every hour
    assert not task.validate_datetime(datetime(2026, 12, 7, 3, 18))
    assert huey.bianmin_clean.call_local() == 3  # the task itself, as the consumer runs it
    assert remaining(db_session) == {ids["recent"], ids["waiting"]}


def test_issue_21_job_result_days_defaults_to_seven_and_is_read_from_the_environment(
        monkeypatch):
    from config import build_config

    monkeypatch.delenv("JOB_RESULT_DAYS", raising=False)
    assert build_config()["JOB_RESULT_DAYS"] == 7
    monkeypatch.setenv("JOB_RESULT_DAYS", "30")
    assert build_config()["JOB_RESULT_DAYS"] == 30
