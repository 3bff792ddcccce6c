"""OPS-1 (issue #18): a scheduled job runs on one instance at a time (advisory lock on
PostgreSQL, file lock on SQLite) and once per night (its `job_run` record): the others skip it
and say so; a failed run does not count as done. The concurrent runs of real processes and
threads are in tests/test_job_concurrency.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.services.jobs import (DEDUCTIONS, JobBusy, advisory_key, exclusive_job, run_exclusively,
                               run_nightly)
from models.jobs import JobRun

NIGHT = date(2026, 10, 13)
NIGHTLY_JOBS = ["work-days", "attendance", "deductions"]


def test_ops_1_a_free_job_runs_and_hands_back_its_result(db_session):
    run = run_exclusively(db_session, "test-free", lambda session: 42)
    assert run.ran and run.result == 42


def test_ops_1_a_second_instance_skips_the_job_while_the_first_runs_it(db_session, other_instance):
    def job(session):
        return run_exclusively(other_instance, "test-busy", lambda s: "ran twice")

    outer = run_exclusively(db_session, "test-busy", job)
    assert outer.ran and outer.result.ran is False and outer.result.result is None
    # Once the first is done the job is free again.
    assert run_exclusively(other_instance, "test-busy", lambda s: "ok").result == "ok"


def test_ops_1_other_jobs_are_not_blocked(db_session, other_instance):
    inner = run_exclusively(db_session, "test-a",
                            lambda s: run_exclusively(other_instance, "test-b", lambda o: "b"))
    assert inner.result.ran and inner.result.result == "b"


def test_ops_1_a_failing_job_releases_its_lock(db_session, other_instance):
    def boom(session):
        raise ValueError("job failed")

    with pytest.raises(ValueError):
        run_exclusively(db_session, "test-fail", boom)
    assert run_exclusively(other_instance, "test-fail", lambda s: "again").ran


def test_ops_1_the_job_may_commit_without_losing_its_lock(db_session, other_instance, center):
    def job(session):
        center.name = "改名后的中心"
        session.commit()
        return run_exclusively(other_instance, "test-commit", lambda s: "ran twice").ran

    assert run_exclusively(db_session, "test-commit", job).result is False


def test_ops_1_advisory_keys_are_stable_signed_64_bit():
    assert advisory_key("nightly:work-days") == advisory_key("nightly:work-days")
    assert advisory_key("a") != advisory_key("b")
    assert -2**63 <= advisory_key("nightly:work-days") < 2**63


def nightly(app, *args):
    return app.test_cli_runner().invoke(args=["bianmin", "nightly", "--date", "2026-10-13", *args])


def runs(db_session, **where) -> list[JobRun]:
    db_session.expire_all()
    query = select(JobRun).filter_by(**where).order_by(JobRun.id)
    return list(db_session.scalars(query))


def test_ops_1_nightly_command_runs_each_job_and_records_it_done_for_the_night(app, db_session):
    result = nightly(app)
    assert result.exit_code == 0, result.output
    for name in NIGHTLY_JOBS:
        assert f"{name}: done for 2026-10-13" in result.output
    rows = runs(db_session, nightly=True)
    assert [(r.job, r.run_date, r.outcome, r.attempts) for r in rows] == [
        (name, NIGHT, "done", 1) for name in NIGHTLY_JOBS]
    assert all(r.host and r.pid and r.started_by == "cli:nightly" for r in rows)
    assert all(r.started_at <= r.finished_at for r in rows)


def test_ops_1_a_second_nightly_run_that_night_skips_every_job_and_says_so(app, db_session):
    assert nightly(app).exit_code == 0
    again = nightly(app)
    assert again.exit_code == 0, again.output
    lines = again.output.strip().splitlines()
    assert len(lines) == len(NIGHTLY_JOBS)
    for name, line in zip(NIGHTLY_JOBS, lines):
        assert line.startswith(f"{name}: skipped, already done for 2026-10-13 at "), line
    assert [r.attempts for r in runs(db_session, nightly=True)] == [1, 1, 1]


def test_ops_1_the_next_night_runs_the_jobs_again(app, db_session):
    assert nightly(app).exit_code == 0
    result = app.test_cli_runner().invoke(args=["bianmin", "nightly", "--date", "2026-10-14"])
    assert result.exit_code == 0 and "deductions: done for 2026-10-14" in result.output
    assert sorted(r.run_date for r in runs(db_session, job="deductions")) == [
        NIGHT, NIGHT + timedelta(days=1)]


def test_ops_1_force_runs_a_job_done_that_night_again(app, db_session):
    assert nightly(app).exit_code == 0
    forced = nightly(app, "--force", "--job", "attendance")
    assert forced.exit_code == 0, forced.output
    assert forced.output.strip() == "attendance: done for 2026-10-13"
    assert [(r.job, r.attempts) for r in runs(db_session, nightly=True)] == [
        ("work-days", 1), ("attendance", 2), ("deductions", 1)]


def test_ops_1_an_unknown_job_is_one_line_and_exit_status_1(app, db_session):
    result = nightly(app, "--job", "coffee")
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "coffee" in result.output and runs(db_session) == []


def test_ops_1_a_failed_nightly_job_is_recorded_and_does_not_block_the_next_runner(db_session):
    def broken(session):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        run_nightly(db_session, "test-job", broken, night=NIGHT)
    [row] = runs(db_session, job="test-job")
    assert (row.outcome, row.attempts, row.detail) == ("failed", 1, "RuntimeError: disk full")
    attempt = run_nightly(db_session, "test-job", lambda session: "ok", night=NIGHT)
    assert attempt.ran and attempt.result == "ok"
    [row] = runs(db_session, job="test-job")
    assert (row.outcome, row.attempts, row.detail) == ("done", 2, None)
    # Done now: the next runner that night skips it.
    skipped = run_nightly(db_session, "test-job", lambda session: "twice", night=NIGHT)
    assert not skipped.ran and skipped.busy.done and skipped.busy.run.id == row.id


def test_ops_1_a_run_that_crashed_is_run_again_and_closed_as_failed(db_session):
    """A "running" row whose lock is free: its process died without recording the end."""
    crashed = JobRun(job="test-job", run_date=NIGHT, nightly=True, started_by="cli:nightly",
                     host="old-server", pid=4242, outcome="running",
                     started_at=datetime(2026, 10, 12, 16, 15, tzinfo=timezone.utc))
    db_session.add(crashed)
    db_session.commit()
    attempt = run_nightly(db_session, "test-job", lambda session: "ok", night=NIGHT)
    assert attempt.ran
    [row] = runs(db_session, job="test-job")
    assert (row.outcome, row.attempts) == ("done", 2)


def test_ops_1_a_nightly_job_skips_while_a_generation_started_from_a_page_runs(
        app, db_session, other_instance):
    with exclusive_job(other_instance, DEDUCTIONS, started_by="office", subject="2026-10"):
        result = nightly(app)
    assert result.exit_code == 0, result.output
    assert "work-days: done" in result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("deductions")]
    assert line.startswith("deductions: skipped, running since ") and "(office on " in line
    # Not done for the night: a later run does it.
    later = nightly(app)
    assert "deductions: done for 2026-10-13" in later.output
    assert "work-days: skipped" in later.output


def test_ops_1_nightly_command_skips_a_job_another_instance_runs(app, other_instance):
    def cron_on_second_server(session):
        return nightly(app)

    result = run_exclusively(other_instance, "work-days", cron_on_second_server).result
    assert result.exit_code == 0, result.output
    assert "work-days: skipped" in result.output


def test_ops_1_a_generation_is_refused_while_the_same_job_runs_and_says_by_whom(
        db_session, other_instance):
    with exclusive_job(other_instance, DEDUCTIONS, started_by="office_wang", subject="2026-10"):
        with pytest.raises(JobBusy) as busy:
            with exclusive_job(db_session, DEDUCTIONS, started_by="office_li", subject="2026-09"):
                pytest.fail("ran while the other generation held the lock")
    assert not busy.value.done and busy.value.run.started_by == "office_wang"
    assert busy.value.render().startswith("Already running: started by office_wang at 20")
    [row] = runs(db_session, job=DEDUCTIONS)  # the refused one leaves no row
    assert (row.started_by, row.outcome, row.subject) == ("office_wang", "done", "2026-10")


def test_ops_1_a_generation_done_after_the_page_was_opened_is_not_run_again(
        db_session, other_instance):
    opened = datetime.now(timezone.utc)
    with exclusive_job(other_instance, DEDUCTIONS, started_by="office_wang", subject="2026-10"):
        pass
    with pytest.raises(JobBusy) as busy:
        with exclusive_job(db_session, DEDUCTIONS, started_by="office_li", subject="2026-10",
                           seen=opened):
            pytest.fail("ran again")
    assert busy.value.done and busy.value.render().startswith("Already done by office_wang at ")
    # Another month, or a page opened after that run: it runs.
    with exclusive_job(db_session, DEDUCTIONS, started_by="office_li", subject="2026-09",
                       seen=opened):
        pass
    with exclusive_job(db_session, DEDUCTIONS, started_by="office_li", subject="2026-10",
                       seen=datetime.now(timezone.utc)):
        pass
    assert [r.started_by for r in runs(db_session, job=DEDUCTIONS)] == [
        "office_wang", "office_li", "office_li"]


def test_ops_1_a_generation_that_breaks_a_rule_is_recorded_failed(db_session):
    from app.rules.errors import RuleViolation
    from app.services.transaction import transaction

    with exclusive_job(db_session, DEDUCTIONS, started_by="office", subject="2026-10") as run, \
            run.watch(transaction(db_session, on_error=lambda error: None)):
        raise RuleViolation("SCORE-3", "confirmed")
    [row] = runs(db_session, job=DEDUCTIONS)
    assert row.outcome == "failed" and "confirmed" in row.detail


def test_ops_1_jobs_command_lists_the_runs(app):
    assert nightly(app).exit_code == 0
    listing = app.test_cli_runner().invoke(args=["bianmin", "jobs"])
    assert listing.exit_code == 0
    assert [line.split()[2] for line in listing.output.strip().splitlines()] == [
        "deductions", "attendance", "work-days"]
