"""OPS-1: a scheduled job runs on one instance at a time (advisory lock on PostgreSQL, file
lock on SQLite); the others skip it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.services.jobs import advisory_key, run_exclusively


@pytest.fixture
def other_instance(database_url):
    """A session of another process, in effect: its own engine and connections."""
    engine = create_engine(database_url)
    session = Session(bind=engine)
    yield session
    session.close()
    engine.dispose()


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


def test_ops_1_nightly_command_runs_its_jobs_once(app):
    result = app.test_cli_runner().invoke(args=["bianmin", "nightly"])
    assert result.exit_code == 0, result.output
    assert "work-days: done" in result.output


def test_ops_1_nightly_command_skips_a_job_another_instance_runs(app, other_instance):
    def cron_on_second_server(session):
        return app.test_cli_runner().invoke(args=["bianmin", "nightly"])

    result = run_exclusively(other_instance, "nightly:work-days", cron_on_second_server).result
    assert result.exit_code == 0, result.output
    assert "work-days: skipped" in result.output
