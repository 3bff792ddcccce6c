"""The job queue (issue #21): huey, on Redis in production and on an SQLite file for the demo.

Why huey: small (one pure-Python package, no broker of its own), maintained, and with both
storages this project needs behind one API — `RedisHuey` where several app hosts and workers
share one Redis (docs/deploy.md), `SqliteHuey` for the demo, whose one command must work on a
machine with nothing but Python (README). RQ needs Redis always; Dramatiq needs a broker too.

`JOBS_QUEUE_URL` (config.py) chooses: `redis://…` (or `REDIS_URL` when set), else an SQLite file
in the instance folder. The queue carries job ids only; the job itself — who asked, what, its
progress, file and error — is the `background_job` row (app/services/background.py), which
every app process reads from the database.

The worker is `flask bianmin worker` (app/cli.py): it builds the app (the same settings as the
web processes) and runs huey's consumer. The tests run the worker in-process with `run_pending`.
Each worker also cleans up every hour (a huey periodic task): finished jobs older than
JOB_RESULT_DAYS go, rows and files (`app.services.background.clean_jobs`; idempotent, so
several workers doing it is harmless).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale, gettext
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from app.extensions import db
from app.services.background import (QUEUE_UNREACHABLE, Submitted, clean_jobs, not_enqueued,
                                     run_job, submit_job)
from models.jobs import DONE, RUNNING, BackgroundJob

log = logging.getLogger(__name__)

EXTENSION = "bianmin_queue"
RUNNERS = "bianmin_job_runners"
TASK_NAME = "run_background_job"
CLEAN_TASK_NAME = "clean_background_jobs"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")

_worker_app: Flask | None = None  # the worker process's app, built once


def is_shared(url: str) -> bool:
    """Whether a queue URL is seen by every host (Redis), not by one machine or process."""
    return url.startswith(REDIS_SCHEMES)


def make_queue(url: str, name: str) -> Huey:
    """The huey instance for `url`, with the one task registered: run a background job."""
    if is_shared(url):
        huey: Huey = RedisHuey(name=name, url=url, results=False)
    elif url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name=name, filename=str(path), results=False)
    elif url == "memory://":  # one process only: tests that need no worker of their own
        huey = MemoryHuey(name=name, results=False)
    else:
        raise ValueError(f"JOBS_QUEUE_URL: not a redis://, sqlite:/// or memory:// URL: {url}")
    huey.bianmin_task = huey.task(name=TASK_NAME)(_run_background_job)
    # Minute 17 of every hour: away from the nightly jobs' and the exports' round minutes.
    huey.bianmin_clean = huey.periodic_task(crontab(minute="17"),
                                            name=CLEAN_TASK_NAME)(_clean_background_jobs)
    return huey


def queue(app: Flask | None = None) -> Huey:
    """This app's queue, built on first use (no connection is made before)."""
    app = app or current_app._get_current_object()
    if EXTENSION not in app.extensions:
        app.extensions[EXTENSION] = make_queue(app.config["JOBS_QUEUE_URL"],
                                               app.config["JOBS_QUEUE_NAME"])
    return app.extensions[EXTENSION]


def enqueue(job_id: int, app: Flask | None = None) -> None:
    """Hand job `job_id` to the workers (raises when the queue cannot be reached)."""
    queue(app).bianmin_task(job_id)


def queue_job(session, *, user_id: int | None, kind: str, params: dict, locale: str,
              lost_message: str) -> Submitted:
    """Issue #21, for every door that starts long work (a page's `start_job`, the API): the job
    recorded (or the same one found queued or running: `new` False) and a new one handed to the
    workers. A queue that cannot be reached (Redis down, the queue file unwritable) ends the job
    failed with a readable message, never a 500."""
    submitted = submit_job(session, user_id=user_id, kind=kind, params=params, locale=locale,
                           lost_message=lost_message)
    if submitted.new:
        try:
            enqueue(submitted.job.id)
        except Exception:
            log.exception("background job %s: could not be queued", submitted.job.id)
            not_enqueued(session, submitted.job, gettext(QUEUE_UNREACHABLE))
    return submitted


def job_progress(job: BackgroundJob) -> int:
    """0–100: the row's figure, or the worker's newer one from the queue while it runs."""
    if job.state == DONE:
        return 100
    if job.state == RUNNING:
        return max(job.progress, live_progress(job.id) or 0)
    return job.progress


def register_runner(app, kind: str, runner) -> None:
    """The door that submits jobs of `kind` says how they run (app/views/… at start-up)."""
    app.extensions.setdefault(RUNNERS, {})[kind] = runner


def _run_background_job(job_id: int) -> str | None:
    """The task: run the job in the app of this process (the worker's, or the tests')."""
    app = current_app._get_current_object() if has_app_context() else _app()
    with app.app_context():
        return execute(app, job_id)


def _clean_background_jobs() -> int:
    """The hourly task: finished jobs older than JOB_RESULT_DAYS, rows and files."""
    app = current_app._get_current_object() if has_app_context() else _app()
    with app.app_context():
        try:
            return clean(app).jobs
        finally:
            db.session.remove()


def clean(app: Flask, days: int | None = None):
    """Remove finished jobs older than `days` (JOB_RESULT_DAYS) with their files."""
    return clean_jobs(db.session, app.config["JOBS_RESULT_DIR"],
                      days=days or app.config["JOB_RESULT_DAYS"])


def execute(app: Flask, job_id: int) -> str | None:
    """Run job `job_id` now, in its user's language; the job row records how it ended."""
    try:
        job = db.session.get(BackgroundJob, job_id)
        locale = job.locale if job is not None else app.config["BABEL_DEFAULT_LOCALE"]
        with app.test_request_context("/"), force_locale(locale):
            return run_job(db.engine, db.session, job_id, app.extensions.get(RUNNERS, {}),
                           app.config["JOBS_RESULT_DIR"], translate=gettext,
                           publish=lambda job, percent: publish_progress(app, job, percent))
    finally:
        db.session.remove()
        _forget_progress(app, job_id)


def _progress_key(job_id: int) -> str:
    return f"bianmin-job-progress:{job_id}"


def publish_progress(app: Flask, job_id: int, percent: int) -> None:
    queue(app).storage.put_data(_progress_key(job_id), str(percent).encode())


def live_progress(job_id: int, app: Flask | None = None) -> int | None:
    """The running job's progress as its worker last published it (None: none yet, or the
    queue cannot be reached — the row's figure then stands)."""
    try:
        value = queue(app).storage.peek_data(_progress_key(job_id))
    except Exception:  # a status poll never fails for the queue's sake
        log.warning("job %s: progress not readable from the queue", job_id, exc_info=True)
        return None
    return int(value) if isinstance(value, bytes) and value.isdigit() else None


def _forget_progress(app: Flask, job_id: int) -> None:
    try:
        queue(app).storage.delete_data(_progress_key(job_id))
    except Exception:
        log.warning("job %s: progress not removed from the queue", job_id, exc_info=True)


def run_pending(app: Flask, limit: int = 100) -> int:
    """Run the queued tasks in this process, in order, until none is left (the tests' worker,
    on the real queue); returns how many ran."""
    huey = queue(app)
    ran = 0
    with app.app_context():
        while ran < limit and (task := huey.dequeue()) is not None:
            huey.execute(task)
            ran += 1
    return ran


def run_worker(app: Flask, workers: int = 1) -> None:
    """Serve the queue until stopped (`flask bianmin worker`)."""
    global _worker_app
    _worker_app = app
    huey = queue(app)
    log.info("job worker: %s queue %r, %d worker(s)", type(huey).__name__, huey.name, workers)
    # An idle worker looks at the queue at least every second: a job starts within one.
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                         max_delay=1.0).run()


def _app() -> Flask:
    """The app `run_worker` was started with (`flask bianmin worker` builds it)."""
    if _worker_app is None:
        raise RuntimeError("a background job ran outside `flask bianmin worker` and any app")
    return _worker_app
