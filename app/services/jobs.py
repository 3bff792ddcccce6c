"""OPS-1 (issue #18): each scheduled job once per night, each generation one at a time.

Every app server of a deployment carries the same crontab (docs/deploy.md), so a nightly job
starts N times, at the same moment or later; and Office may start a month's generation from a
page while the nightly job generates it too. One lock per job, the same at every door (page,
API, CLI command, nightly run), and a record of each run (`models.jobs.JobRun`, the `job_run`
table) make that safe:

- `exclusive_job(session, job, ...)` — a generation started by someone (page, API, CLI): it takes
  the job's lock for the whole unit of work (until it has committed) or refuses with `JobBusy`
  ("already running: started by … at …"); with `seen` (when the page was opened) it also refuses
  when a run of the same thing finished since ("already done by … at …"). The doors answer
  `JobBusy` with 409 (API), a flash (page), one line and exit status 1 (CLI).
- `run_nightly(session, job, fn, night=...)` — one nightly job for one night: skipped when it is
  running or already done for that night (`Attempt.busy` says which), else run and recorded
  "done" — or "failed", which does not block the next runner (`force=True` re-runs a done job).
- `run_exclusively(session, name, fn)` — the bare lock, no record.

The lock: on PostgreSQL a session advisory lock held on a connection of its own, so the job may
commit as often as it likes and a crashed process releases the lock with its connection; on
SQLite (one machine by nature) an exclusive `flock` of a file beside the database file, per open
file, so two threads of one process exclude each other too. The runs are recorded on a
connection of their own as well (not in the job's unit of work): a job that rolls back still
leaves its "failed" row. A "running" row found while holding the lock is a crashed run: it is
closed as failed.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import socket
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import insert, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.rules.errors import N_
from app.services.transaction import Conflict
from models.jobs import DONE, FAILED, RUNNING, JobRun
from models.types import center_zone, utcnow

log = logging.getLogger(__name__)

# The jobs: one lock each, shared by the nightly run and every door that starts the same work.
WORK_DAYS = "work-days"  # the work_day table (nightly; the year schedule page)
ATTENDANCE = "attendance"  # ATT-2/3: stored attendance days (nightly)
DEDUCTIONS = "deductions"  # SCORE-1: automatic deductions (nightly, page, CLI)
ROSTER = "roster"  # ROSTER-1: a month's rota (page)
MEETINGS = "meetings"  # MEET-1: a month's meetings (page)
SEMIANNUAL = "semiannual"  # SCORE-5/6: a half-year's computation (page, API)

NIGHTLY = "cli:nightly"  # `started_by` of the nightly runs
# How long a refused request looks for the row of the run holding the lock (it writes it just
# after taking the lock): the answer names who runs it, not "someone".
HOLDER_WAIT_SECONDS = 2.0
DETAIL_LENGTH = 500


# --- The bare lock -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Attempt:
    """Whether this process ran the job and what the job returned; when it did not, `busy`
    tells why (running elsewhere, or already done for the night) if it is known."""

    ran: bool
    result: Any = None
    busy: JobBusy | None = None


def run_exclusively(session: Session, name: str, fn: Callable[[Session], Any]) -> Attempt:
    """Run `fn(session)` unless another process is running the job `name` right now (no record)."""
    with job_lock(session.get_bind(), name) as acquired:
        if not acquired:
            return Attempt(ran=False)
        return Attempt(ran=True, result=fn(session))


@contextmanager
def job_lock(engine: Engine, name: str) -> Iterator[bool]:
    """The one lock of the job `name` across processes, threads and servers: yields whether it
    was taken (never waits)."""
    locker = _advisory_lock if engine.dialect.name == "postgresql" else _file_lock
    with locker(engine, name) as acquired:
        yield acquired


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key per job name (Python's hash() differs between processes)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def _advisory_lock(engine: Engine, name: str):
    key = advisory_key(name)
    # The lock belongs to the connection, not to a transaction: autocommit, so no unit of
    # work of the job's own session is held open by it.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        acquired = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        try:
            yield bool(acquired)
        finally:
            if acquired:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


def lock_file_path(engine: Engine, name: str) -> Path:
    database = engine.url.database
    folder = Path(database).resolve().parent if database and database != ":memory:" \
        else Path(tempfile.gettempdir())
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
    return folder / f".job-{safe}.lock"


@contextmanager
def _file_lock(engine: Engine, name: str):
    path = lock_file_path(engine, name)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


# --- The record of runs ------------------------------------------------------------------------
@dataclass(frozen=True)
class RunInfo:
    """A `job_run` row as read, detached from any session."""

    id: int
    job: str
    subject: str | None
    run_date: date
    nightly: bool
    started_at: datetime
    finished_at: datetime | None
    started_by: str
    host: str
    pid: int
    outcome: str
    detail: str | None
    attempts: int


_COLUMNS = [JobRun.__table__.c[name] for name in RunInfo.__dataclass_fields__]


def _info(row) -> RunInfo | None:
    return RunInfo(**row._mapping) if row is not None else None


def local_time(instant: datetime | None) -> str:
    """An instant as the center reads it: 2026-10-13 00:15:02."""
    if instant is None:
        return ""
    return instant.astimezone(center_zone()).strftime("%Y-%m-%d %H:%M:%S")


class JobBusy(Conflict):
    """The job is running right now (its lock is held), or — for a request made from a page
    opened before — was done since: nothing was run, and the answer says by whom and when."""

    RUNNING_TEXT = N_("Already running: started by %(who)s at %(time)s. Nothing was started "
                      "again; reload the page once it has finished to see the result.")
    RUNNING_UNKNOWN = N_("Already running: someone else started it a moment ago. Nothing was "
                         "started again; reload the page once it has finished to see the result.")
    DONE_TEXT = N_("Already done by %(who)s at %(time)s, after this page was opened. Nothing "
                   "was run again; reload the page to see the result.")
    NIGHTLY_WHO = N_("the nightly job")
    COMMAND_WHO = N_("a command on server %(host)s")

    def __init__(self, job: str, run: RunInfo | None, done: bool = False):
        self.job, self.run, self.done = job, run, done
        super().__init__(self.line())

    def who(self, translate=lambda s: s, names: dict | None = None) -> str:
        started_by = self.run.started_by
        if started_by == NIGHTLY:
            return translate(self.NIGHTLY_WHO)
        if started_by.startswith("cli:"):
            return translate(self.COMMAND_WHO) % {"host": self.run.host}
        return (names or {}).get(started_by) or started_by

    def render(self, translate=lambda s: s, names: dict | None = None) -> str:
        """The answer in the user's language; `names` maps login names to people's names."""
        if self.run is None:
            return translate(self.RUNNING_UNKNOWN)
        if self.done:
            return translate(self.DONE_TEXT) % {"who": self.who(translate, names),
                                                "time": local_time(self.run.finished_at)}
        return translate(self.RUNNING_TEXT) % {"who": self.who(translate, names),
                                               "time": local_time(self.run.started_at)}

    def line(self) -> str:
        """One line for the operator (CLI, log): the run's host and process too."""
        run = self.run
        if run is None:
            return f"{self.job}: running elsewhere (started just now)"
        where = f"{run.started_by} on {run.host}, pid {run.pid}"
        if self.done:
            night = f" for {run.run_date:%Y-%m-%d}" if run.nightly else ""
            return f"{self.job}: already done{night} at {local_time(run.finished_at)} ({where})"
        return f"{self.job}: running since {local_time(run.started_at)} ({where})"

    def __str__(self) -> str:
        try:
            from flask_babel import gettext

            return self.render(gettext)
        except (ImportError, RuntimeError, KeyError):
            return self.render()


def _running_holder(engine: Engine, job: str, wait: float = HOLDER_WAIT_SECONDS) -> RunInfo | None:
    """The run holding the job's lock (its row is written just after the lock is taken: a
    moment's wait for it)."""
    deadline = time.monotonic() + wait
    query = (select(*_COLUMNS).where(JobRun.job == job, JobRun.outcome == RUNNING)
             .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1))
    while True:
        with engine.connect() as conn:
            row = conn.execute(query).first()
        if row is not None or time.monotonic() >= deadline:
            return _info(row)
        time.sleep(0.05)


def _done_since(engine: Engine, job: str, subject: str | None, seen: datetime) -> RunInfo | None:
    """The latest run of `job` for `subject` (or a nightly run, which covers every subject)
    that finished after `seen`."""
    query = (select(*_COLUMNS).where(
        JobRun.job == job, JobRun.outcome == DONE, JobRun.finished_at > seen,
        or_(JobRun.subject == subject, JobRun.subject.is_(None)))
        .order_by(JobRun.finished_at.desc()).limit(1))
    with engine.connect() as conn:
        return _info(conn.execute(query).first())


def _nightly_row(engine: Engine, job: str, night: date) -> RunInfo | None:
    query = select(*_COLUMNS).where(JobRun.job == job, JobRun.run_date == night,
                                    JobRun.nightly.is_(True))
    with engine.connect() as conn:
        return _info(conn.execute(query).first())


def _start(engine: Engine, job: str, *, started_by: str, run_date: date, subject: str | None = None,
           nightly: bool = False, again: RunInfo | None = None) -> int:
    """Record a run as started (the caller holds the job's lock): closes a "running" row left by
    a crashed run, then adds the run's row — or, for a nightly job run again after a failure
    or with force, starts its row of the night over. Returns the row's id."""
    now = utcnow()
    values = {"started_at": now, "finished_at": None, "started_by": started_by[:100],
              "host": socket.gethostname()[:100], "pid": os.getpid(), "outcome": RUNNING,
              "detail": None}
    with engine.begin() as conn:
        conn.execute(update(JobRun).where(JobRun.job == job, JobRun.outcome == RUNNING)
                     .values(outcome=FAILED, finished_at=now,
                             detail="interrupted: the run ended without recording its outcome"))
        if again is not None:
            conn.execute(update(JobRun).where(JobRun.id == again.id)
                         .values(**values, attempts=JobRun.attempts + 1))
            return again.id
        return conn.execute(insert(JobRun).values(
            job=job, subject=subject, run_date=run_date, nightly=nightly, attempts=1, **values)
        ).inserted_primary_key[0]


def _finish(engine: Engine, run_id: int, outcome: str, detail: str | None = None) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(update(JobRun).where(JobRun.id == run_id).values(
                outcome=outcome, finished_at=utcnow(),
                detail=(detail or None) and detail[:DETAIL_LENGTH]))
    except Exception:  # noqa: BLE001 — the job's own outcome matters more than its record
        log.exception("could not record the outcome %s of job run %s", outcome, run_id)


def _started_day() -> date:
    """The center's day of a run started without a `run_date`: the lock's bookkeeping records
    real instants (started, finished: `utcnow`), not the clock the use case decides by."""
    return utcnow().astimezone(center_zone()).date()


# --- Generations started by someone (page, API, CLI) --------------------------------------------
class Running:
    """The run in progress, handed to the block of `exclusive_job`."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.outcome, self.detail = DONE, None
        self._units: list = []

    def watch(self, unit):
        """`unit` (a `transaction()`: rule_checked, unit_of_work, command_transaction) decides
        the outcome: "failed" when it did not commit (a broken rule, a conflict)."""
        self._units.append(unit)
        return unit

    def failed(self, detail: str | None = None) -> None:
        self.outcome, self.detail = FAILED, detail

    def _result(self) -> tuple[str, str | None]:
        for unit in self._units:
            if not unit.ok:
                return FAILED, str(unit.error) if unit.error is not None else None
        return self.outcome, self.detail


@contextmanager
def exclusive_job(session: Session, job: str, *, started_by: str, subject: str | None = None,
                  seen: datetime | None = None, run_date: date | None = None) -> Iterator[Running]:
    """THE lock of a generation, at every door: hold the job's lock over the block (put the unit
    of work inside it, so that it commits before the lock is released) and record the run.

    Raises `JobBusy` before the block when the job is running (whoever started it: a page, the
    API, a command, the nightly run), or when `seen` (the instant the page was opened) is
    given and a run for the same `subject` — or a nightly run — finished after it.
    """
    engine = session.get_bind()
    with job_lock(engine, job) as acquired:
        if not acquired:
            raise JobBusy(job, _running_holder(engine, job))
        if seen is not None:
            done = _done_since(engine, job, subject, seen)
            if done is not None:
                raise JobBusy(job, done, done=True)
        run = Running(_start(engine, job, started_by=started_by, subject=subject,
                             run_date=run_date or _started_day()))
        try:
            yield run
        except BaseException as error:
            _finish(engine, run.run_id, FAILED, f"{type(error).__name__}: {error}")
            raise
        _finish(engine, run.run_id, *run._result())


# --- The nightly run -----------------------------------------------------------------------------
def run_nightly(session: Session, job: str, fn: Callable[[Session], Any], *, night: date,
                force: bool = False, started_by: str = NIGHTLY) -> Attempt:
    """Run the nightly job `job` for `night` (the center's date) once for the whole deployment:
    skipped (`Attempt.busy`) while another runner — or a generation started by hand — holds
    the job's lock, and when the night's run is already done (unless `force`). A failed run
    does not count as done: the next runner runs it again, into the same row. An error of `fn`
    is recorded ("failed") and raised."""
    engine = session.get_bind()
    with job_lock(engine, job) as acquired:
        if not acquired:
            return Attempt(ran=False, busy=JobBusy(job, _running_holder(engine, job)))
        previous = _nightly_row(engine, job, night)
        if previous is not None and previous.outcome == DONE and not force:
            return Attempt(ran=False, busy=JobBusy(job, previous, done=True))
        try:
            run_id = _start(engine, job, started_by=started_by, run_date=night, nightly=True,
                            again=previous)
        except IntegrityError:
            # Only when two runners do not share the lock (two machines on one SQLite file
            # over a network share): the other one recorded the night first.
            return Attempt(ran=False, busy=JobBusy(job, _nightly_row(engine, job, night),
                                                   done=True))
        try:
            result = fn(session)
        except BaseException as error:
            session.rollback()
            _finish(engine, run_id, FAILED, f"{type(error).__name__}: {error}")
            raise
        _finish(engine, run_id, DONE)
        return Attempt(ran=True, result=result)


def last_runs(session: Session, limit: int = 50) -> list[RunInfo]:
    """The latest runs, newest first (for the operator)."""
    query = select(*_COLUMNS).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    return [_info(row) for row in session.execute(query)]
