"""OPS-1: a scheduled job runs on one instance only, however many instances the cron fires on.

Every app server of a deployment carries the same crontab (docs/deploy.md), so a nightly
job starts N times; the first to take the job's lock runs it and the others skip it. On
PostgreSQL the lock is a session advisory lock held on a connection of its own, so the job may
commit as often as it likes and a crashed process releases the lock with its connection. On
SQLite (one machine by nature) it is an exclusive file lock beside the database file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class JobRun:
    """Whether this process ran the job (False: another instance holds its lock) and what
    the job returned."""

    ran: bool
    result: Any = None


def run_exclusively(session: Session, name: str, fn: Callable[[Session], Any]) -> JobRun:
    """Run `fn(session)` unless another process is running the job `name` right now."""
    engine = session.get_bind()
    locker = _advisory_lock if engine.dialect.name == "postgresql" else _file_lock
    with locker(engine, name) as acquired:
        if not acquired:
            return JobRun(ran=False)
        return JobRun(ran=True, result=fn(session))


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
