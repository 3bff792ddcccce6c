"""后台任务 — long work as background jobs with their progress (issue #21).

A request that would hold a worker for seconds (the ledger of every window over a year:
91,860 rows, 3 s; 10–15 s at the cap; two at once blocked every page for 5 s) records a
`BackgroundJob` row and hands its id to the job queue (app/queue.py); a worker process runs it
and writes its progress and its file here, and the user's page polls the row.

- `submit_job`: the row, committed, unless the same user already has the same job (kind and
  parameters) queued or running — then that one is returned and nothing starts twice; the
  unique `active_key` settles a race between two app processes too.
- `run_job`: the worker's side. Claims the row (queued → running, once: a task delivered twice
  runs once), calls the kind's runner with a file to write and a progress callback, and ends the
  row done (file, rows) or failed (a readable message, never a trace).
- Progress is written at most every PROGRESS_INTERVAL seconds, twice: to the queue's own store
  (`publish`: Redis, or the demo's queue file), which never waits for the database, and to the
  row on a connection of its own, committed at once, so the runner's transaction (a
  server-side cursor on PostgreSQL) stays open. On SQLite a runner that writes (deductions,
  a derivation, an import) holds the file's one write lock until it ends (WAL lets readers
  in, not a second writer), so the row's figure is skipped there (no wait) and the page reads
  the queue's (`live_progress`).
- What a user may see: their own jobs; Admin sees every job (`visible_jobs`, `job_for`).
- `clean_jobs`: finished jobs older than JOB_RESULT_DAYS go, rows and files, with any file of
  the result folder as old that no waiting or running job needs (a `.part` of a killed worker,
  an upload whose job was lost) — hourly in the worker (app/queue.py) and by
  `flask bianmin jobs-clean`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.rules.errors import N_, RuleViolation
from app.services.transaction import SQLITE_BUSY_TIMEOUT_MS, Conflict, transaction
from models.jobs import ACTIVE_STATES, DONE, FAILED, QUEUED, RUNNING, BackgroundJob
from models.types import utcnow

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds between two progress writes of one job
# A job queued or running this long is taken as lost (its worker was killed, the queue
# flushed): asking for the same work again ends it as failed and starts a new one.
STALE_AFTER = timedelta(hours=1)
LIST_LIMIT = 50  # the newest jobs a user's list shows

# The messages a failed job shows (the runner's own RuleViolation shows its message instead).
FAILED_UNEXPECTEDLY = N_("The job failed unexpectedly (job %(id)s). The error was logged; try "
                         "again, and tell the administrator if it fails again.")
LOST = N_("The job did not finish within an hour (its worker stopped?); it was asked for "
         "again.")
QUEUE_UNREACHABLE = N_("The job queue cannot be reached, so the job was not started. Try again "
                       "later, and tell the administrator if it persists.")


class JobFailed(Exception):
    """A runner's readable refusal: `message` (an English msgid) with `params`, translated in
    the job's language when it is stored — or, `translated`, a text already in it."""

    def __init__(self, message: str, translated: bool = False, **params):
        self.message, self.params, self.translated = message, params, translated
        super().__init__(message % params if params else message)

    def render(self, translate) -> str:
        return self.message if self.translated else _translated(translate, self.message,
                                                                self.params)


Progress = Callable[[int, int | None], None]  # (done, total)


@dataclass(frozen=True)
class JobResult:
    """What a runner hands back: the rows written and the file's name for the user — or no
    file (`name` None; what was written to `out` is dropped) and a `summary` of what it did."""

    rows: int
    name: str | None
    summary: str | None = None


# kind → runner(job, out, progress) -> JobResult; the door that submits a kind registers it.
Runner = Callable[[BackgroundJob, IO[bytes], Progress], JobResult]


# Parameters of the asking, not of the work: when the caller looked (OPS-1's "done since", a
# page's `opened_at` or the API request's instant). Asked twice while queued is the same job.
ASKING_PARAMS = frozenset({"seen"})


def active_key(user_id: int | None, kind: str, params: Mapping[str, Any]) -> str:
    """The same job asked twice: one user, one kind, the same parameters (in any order; the
    `ASKING_PARAMS` left out)."""
    work = {key: value for key, value in params.items() if key not in ASKING_PARAMS}
    text = json.dumps([user_id, kind, work], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Submitted:
    job: BackgroundJob
    new: bool  # False: the same job was already queued or running, this one is it


def submit_job(session: Session, *, user_id: int | None, kind: str,
               params: Mapping[str, Any], locale: str, now=None,
               lost_message: str = LOST) -> Submitted:
    """Issue #21: record a job for the queue, or find the same one already queued or running.

    One transaction. The caller enqueues `job.id` when `new` (after the commit, so the worker
    finds the row)."""
    key = active_key(user_id, kind, params)
    now = now or utcnow()
    running = _active(session, key)
    if running is not None and now - (running.started_at or running.created_at) > STALE_AFTER:
        _finish(session.get_bind(), running.id, state=FAILED, error=lost_message)
        running = None
    if running is not None:
        return Submitted(running, False)
    job = BackgroundJob(user_id=user_id, kind=kind, locale=locale, active_key=key, state=QUEUED,
                        params=json.dumps(dict(params), sort_keys=True, ensure_ascii=False),
                        progress=0, created_at=now)
    try:
        with transaction(session):
            session.add(job)
    except (IntegrityError, Conflict):
        # Another process recorded the same job between our look and our insert.
        session.rollback()
        running = _active(session, key)
        if running is None:
            raise
        return Submitted(running, False)
    return Submitted(job, True)


def _active(session: Session, key: str) -> BackgroundJob | None:
    return session.scalar(select(BackgroundJob)
                          .where(BackgroundJob.active_key == key,
                                 BackgroundJob.state.in_(ACTIVE_STATES))
                          .execution_options(populate_existing=True))


def job_params(job: BackgroundJob) -> dict:
    return json.loads(job.params or "{}")


def not_enqueued(session: Session, job: BackgroundJob, message: str) -> None:
    """The queue refused the job (Redis down): the row ends failed with `message`, so the page
    says so and the same job may be asked again."""
    _finish(session.get_bind(), job.id, state=FAILED, error=message)
    session.refresh(job)


# --- The worker's side ----------------------------------------------------------------------
def run_job(engine: Engine, session: Session, job_id: int, runners: Mapping[str, Runner],
            result_dir: str | os.PathLike, translate: Callable[[str], str] = lambda s: s,
            clock: Callable[[], float] = time.monotonic,
            publish: Callable[[int, int], None] | None = None) -> str | None:
    """Run the queued job `job_id` once; returns its final state (None: not queued — already
    run, running elsewhere, or gone — and so left alone).

    `session` reads (the runner's unit of work); the job row is written through `engine` on
    connections of its own, so a runner's failure and rollback still leave the "failed" row and
    progress shows while the runner's transaction is open. `translate` is gettext in the job's
    language (set by the caller); `publish(job_id, percent)` hands the progress to the queue's
    store as well."""
    if not _claim(engine, job_id):
        log.info("background job %s: not queued any more, skipped", job_id)
        return None
    job = session.get(BackgroundJob, job_id)
    runner = runners.get(job.kind)
    directory = Path(result_dir)
    directory.mkdir(parents=True, exist_ok=True)
    file_name = f"{job.id}-{secrets.token_hex(8)}.part"
    path = directory / file_name
    started = time.perf_counter()
    try:
        if runner is None:
            raise LookupError(f"no runner for job kind {job.kind!r}")
        with open(path, "wb") as out:
            result = runner(job, out, _progress_writer(engine, job.id, clock, publish))
        if result.name is None:
            path.unlink()
            final = None
        else:
            final = path.with_suffix(Path(result.name).suffix or ".bin")
            path.replace(final)
    except (JobFailed, RuleViolation) as error:
        session.rollback()
        path.unlink(missing_ok=True)
        message = error.render(translate)[:1000]
        log.info("background job %s (%s) refused: %s", job_id, job.kind, message)
        _finish(engine, job_id, state=FAILED, error=message)
        return FAILED
    except Exception:
        session.rollback()
        path.unlink(missing_ok=True)
        log.exception("background job %s (%s) failed", job_id, job.kind)
        _finish(engine, job_id, state=FAILED,
                error=_translated(translate, FAILED_UNEXPECTEDLY, {"id": job_id}))
        return FAILED
    session.rollback()  # the runner only read: end its transaction (and cursor)
    log.info("background job %s (%s): %d rows in %.1f s", job_id, job.kind, result.rows,
             time.perf_counter() - started)
    _finish(engine, job_id, state=DONE, result_file=final.name if final else None,
            result_name=result.name, result_rows=result.rows, progress=100,
            summary=(result.summary or None) and result.summary[:500])
    return DONE


def _translated(translate, message: str, params: Mapping) -> str:
    text = translate(message)
    return text % params if params else text


def _claim(engine: Engine, job_id: int) -> bool:
    with engine.begin() as conn:
        claimed = conn.execute(update(BackgroundJob)
                               .where(BackgroundJob.id == job_id, BackgroundJob.state == QUEUED)
                               .values(state=RUNNING, started_at=utcnow(), progress=0))
        return claimed.rowcount == 1


def _finish(engine: Engine, job_id: int, *, state: str, **values) -> None:
    """The job's end: its state and result, and `active_key` cleared so it may be asked again."""
    with engine.begin() as conn:
        conn.execute(update(BackgroundJob).where(BackgroundJob.id == job_id)
                     .values(state=state, active_key=None, finished_at=utcnow(), **values))


def _progress_writer(engine: Engine, job_id: int, clock, publish=None) -> Progress:
    last = {"at": None, "percent": -1}

    def progress(done: int, total: int | None) -> None:
        percent = min(99, done * 100 // total) if total else 0
        now = clock()
        if percent == last["percent"] or (last["at"] is not None
                                          and now - last["at"] < PROGRESS_INTERVAL):
            return
        last.update(at=now, percent=percent)
        if publish is not None:
            publish(job_id, percent)
        _write_progress(engine, job_id, percent, total)

    return progress


def _write_progress(engine: Engine, job_id: int, percent: int, total: int | None) -> None:
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        try:
            with conn.begin():
                if sqlite:  # do not wait for the runner's own reader (the module's docstring)
                    conn.exec_driver_sql("PRAGMA busy_timeout = 0")
                conn.execute(update(BackgroundJob).where(BackgroundJob.id == job_id)
                             .values(progress=percent, total=total))
        except OperationalError:
            if not sqlite:
                raise
        finally:
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
                conn.rollback()


# --- What a user sees -----------------------------------------------------------------------
def visible_jobs(session: Session, user_id: int, *, everyone: bool = False,
                 limit: int = LIST_LIMIT) -> list[BackgroundJob]:
    """The newest jobs of `user_id` (of every user for Admin, `everyone`)."""
    query = (select(BackgroundJob).order_by(BackgroundJob.id.desc()).limit(limit)
             .execution_options(populate_existing=True))
    if not everyone:
        query = query.where(BackgroundJob.user_id == user_id)
    return list(session.scalars(query))


def job_for(session: Session, job_id: int, user_id: int, *,
            everyone: bool = False) -> BackgroundJob | None:
    """The job if `user_id` may see it (their own; any for Admin), else None (a 404: another's
    job is not even said to exist)."""
    # populate_existing: a poll reads the row as the worker left it, never a stale copy.
    job = session.get(BackgroundJob, job_id, populate_existing=True)
    if job is None or (not everyone and job.user_id != user_id):
        return None
    return job


def stash_upload(result_dir: str | os.PathLike, data: bytes, prefix: str = "") -> str:
    """Keep an uploaded file for the job that will read it (in the shared JOBS_RESULT_DIR, so a
    worker on another host reads it too); named by its content, so the same file uploaded
    twice is the same job (`submit_job`'s duplicate check) — and by `prefix`, so that the same
    file given to two kinds of import at once is two files, each job removing its own."""
    directory = Path(result_dir) / "uploads"
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{prefix}{hashlib.sha256(data).hexdigest()}.upload"
    (directory / name).write_bytes(data)
    return name


def stashed_upload(result_dir: str | os.PathLike, name: str) -> Path:
    return Path(result_dir) / "uploads" / Path(name).name


def result_path(job: BackgroundJob, result_dir: str | os.PathLike) -> Path | None:
    """The finished job's file, if it is there."""
    if job.state != DONE or not job.result_file:
        return None
    path = Path(result_dir) / Path(job.result_file).name
    return path if path.is_file() else None


# --- Cleaning up (issue #21) ------------------------------------------------------------------
@dataclass(frozen=True)
class Cleaned:
    jobs: int  # finished job rows removed
    files: int  # result files and uploads removed


def clean_jobs(session: Session, result_dir: str | os.PathLike, *, days: int,
               now=None) -> Cleaned:
    """Remove the jobs that finished (done or failed) more than `days` days before `now`, with
    their files — and those asked for that long ago and never finished (lost: STALE_AFTER is an
    hour) — and every file of the result folder (results, uploads, `.part` files) older than
    that which no queued or running job still needs. One transaction; a file already gone
    (another worker cleaning at the same time) is no error."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    finished = BackgroundJob.state.in_((DONE, FAILED)) & (BackgroundJob.finished_at < cutoff)
    lost = BackgroundJob.state.in_(ACTIVE_STATES) & (BackgroundJob.created_at < cutoff)
    old = list(session.execute(select(BackgroundJob.id, BackgroundJob.result_file).where(
        finished | lost)))
    needed: set[str] = set()
    for params, result_file in session.execute(select(BackgroundJob.params,
                                                      BackgroundJob.result_file).where(
            BackgroundJob.state.in_(ACTIVE_STATES), BackgroundJob.created_at >= cutoff)):
        upload = json.loads(params or "{}").get("upload")
        needed.update(name for name in (upload, result_file) if name)
    with transaction(session):
        if old:
            session.execute(delete(BackgroundJob).where(
                BackgroundJob.id.in_([job_id for job_id, _file in old])))
    directory = Path(result_dir)
    files = 0
    gone = {Path(name).name for _id, name in old if name}
    for folder in (directory, directory / "uploads"):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if not path.is_file() or path.name in needed:
                continue
            try:
                stale = path.name in gone or path.stat().st_mtime < cutoff.timestamp()
                if stale:
                    path.unlink()
                    files += 1
            except FileNotFoundError:
                continue
    log.info("background jobs cleaned: %d rows, %d files older than %d days", len(old), files,
             days)
    return Cleaned(len(old), files)
