"""Issue #21: what the tests of a page's background job share — the job a page answered with,
run by the worker on the real queue (in this process, `run_pending`), and its status."""

from __future__ import annotations

from app.queue import run_pending


def job_id_of(response) -> int:
    """The job a page started: its answer is a redirect to the job's page."""
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert "/jobs/" in location, location
    return int(location.rstrip("/").rsplit("/", 1)[-1])


def run_job(app, actor, response) -> dict:
    """Run what the queue holds and answer the started job's status, as its page reads it."""
    job_id = job_id_of(response)
    run_pending(app)
    return actor.get(f"/jobs/{job_id}/status").get_json()
